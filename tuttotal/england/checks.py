"""The checks a national count makes before it reads a file: the year, the prices, the LADs and the data.

Each returns the value made canonical or raises an error that names what is
wrong and how to fix it; :func:`tuttotal.england.count.england_count` and the
command (:mod:`tuttotal.run.england_run`) call them before any work.

Examples
--------
>>> from tuttotal.england.checks import check_prices
>>> check_prices("cash")
'cash'
"""

from __future__ import annotations

from tuttotal import settings
from tuttotal.count import topdown
from tuttotal.count.real_years import check_real_year, measured_years
from tuttotal.data import cra, datasets, deflators, outturn, places, sources
from tuttotal.data.spend import parse_year
from tuttotal.errors import DataUnavailableError, InputError

#: The command that fetches every file a national run reads (added by the England data work).
FETCH_COMMAND = "tuttotal data fetch --england"


def check_year(year: object, data_dir: settings.DataRootLike = None) -> str:
    """The financial year of a national count (``2008-09``; ``2008/09`` and ``2008`` are read too), or an
    :class:`InputError` naming the years the data cover.

    Examples
    --------
    >>> check_year("2008/09")
    '2008-09'
    """
    try:
        text = parse_year(str(year))
    except ValueError as exc:
        raise InputError(f"the year {year!r} {exc}", fix="write a financial year such as 2008-09") from None
    return check_real_year(text, data_dir)


def check_prices(prices: object, data_dir: settings.DataRootLike = None) -> str:
    """``cash``, or the financial year of ``prices`` that HM Treasury's GDP deflator has (else an InputError).

    Examples
    --------
    >>> check_prices(""), check_prices(None)
    ('cash', 'cash')
    >>> check_prices("2016/17")
    '2016-17'
    """
    if prices is None or str(prices).strip().lower() in ("", deflators.CASH):
        return deflators.CASH
    try:
        year = deflators.financial_year(prices)
    except (InputError, ValueError) as exc:
        raise InputError(
            f"the prices {prices!r} are not a financial year",
            fix="give a year such as 2016-17 (HM Treasury's GDP deflator), or cash",
        ) from exc
    deflators.deflator_index(year, data_dir=data_dir)  # a year the deflator has, or an InputError naming its years
    return year


def check_lads(lads: list[str] | tuple[str, ...] | None, data_dir: settings.DataRootLike = None) -> tuple[str, ...]:
    """The run's LAD codes: every English LAD of 2013 for ``None``, else the codes given (checked, in order).

    Examples
    --------
    >>> check_lads(["e07000114", "E07000114", "E07000108"])
    ('E07000114', 'E07000108')
    """
    regions = cra.lad_regions(data_dir)
    if lads is None or (not isinstance(lads, str) and len(lads) == 0):
        return tuple(sorted(regions))
    if isinstance(lads, str):
        lads = [lads]
    codes = places.area_from_lads([str(code) for code in lads]).lad_codes  # LAD codes of 2013, or an InputError
    outside = [code for code in codes if code not in regions]
    if outside:
        raise InputError(
            f"{', '.join(outside)} is not in an English region of the regional analysis",
            fix="give English LAD codes of 2013 (E06, E07, E08, E09…), or none for all of England",
        )
    return tuple(codes)


def required_files(year: str, lads: tuple[str, ...], data_dir: settings.DataRootLike = None) -> dict[str, list[str]]:
    """Every file a national count of ``year`` reads that is neither in the data root nor in the cache.

    Nothing is downloaded: ``{}`` when all is here, else ``{"what": [names]}``
    (ward boundaries, LSOA boundaries, data tables), for
    :func:`check_data` to name them.
    """
    missing: dict[str, list[str]] = {}
    try:
        datasets.fetch(list(lads), data_dir, download=False)
    except DataUnavailableError:
        have = set(datasets.available_lads(data_dir))
        missing["ward boundaries (wards-2013/)"] = [code for code in lads if code not in have]
    for code in lads:
        try:
            sources.lsoa_paths([code], data_dir, download=False)
        except DataUnavailableError:
            missing.setdefault("LSOA boundaries (lsoa-2011/)", []).append(code)
    names = list(topdown.INPUT_SOURCES)
    if year in measured_years(data_dir) and year in outturn.PINNED_YEARS:
        names.append(f"outturn_{year}")
    for name in names:
        try:
            sources.get_path(name, data_dir, download=False)
        except DataUnavailableError:
            missing.setdefault("data tables", []).append(f"{name} ({sources.source(name).path})")
    return missing


def check_data(year: str, lads: tuple[str, ...], data_dir: settings.DataRootLike = None) -> None:
    """Refuse a national run whose files are not all here, naming what is missing and the command that fetches it.

    Raises
    ------
    tuttotal.errors.DataUnavailableError
        (exit code 2) listing the missing files by kind, with ``tuttotal data fetch --england``.
    """
    missing = required_files(year, lads, data_dir)
    if not missing:
        return
    lines = []
    for what, names in missing.items():
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        lines.append(f"{len(names)} {what}: {shown}")
    raise DataUnavailableError(
        f"a national count of {year} needs files that are neither in {settings.data_root(data_dir).describe()} nor in "
        "the cache: " + "; ".join(lines),
        fix=f"run '{FETCH_COMMAND}' to download and verify them (or point --data-dir at a data root laid out "
        "like ../shared/data that holds them)",
    )
