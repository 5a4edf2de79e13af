"""Councils' own books placed in a place's wards: every authority that serves it, service by service.

For each year of the Revenue Outturn (:mod:`tuttotal.data.outturn`), every
authority whose area (``data/authorities.csv``, a reviewed table with its
sources) overlaps the place is counted:

* a district's or unitary's spending in its own wards;
* a county's across its districts' wards;
* a police, fire or other authority's across its whole area;

each service by its driver (``data/outturn_services.csv``: children for
education and children's social care, people 60+ for adult social care,
income-deprived people for housing benefit, population otherwise), so that
the place's part of an authority's spending is

    place £ = authority £ × driver of the authority's LADs in the place / driver of all its LADs

and then, LAD by LAD, the same driver places it in the wards. Amounts are
whole pence and conserved from each authority's line to the wards. Each
service's COFOG group puts it in a theme of ``data/themes.csv``. Housing
benefit is paid by councils and funded by DWP: in this count it is the
councils' line, counted once.

Every RS year is counted (:func:`tuttotal.data.outturn.available_years`:
2007-08 to 2016-17, and a later release dropped into the data root). In
2007-08 and 2008-09 the authorities are those before the April 2009
reorganisation: a place in County Durham gets Durham County Council's part
and its own district's money (the districts' rows in
``data/authorities.csv`` place each in the 2013 unitary that replaced it).

A county or unitary council that is its own fire and rescue authority
(Cornwall, Cumbria, Warwickshire, West Sussex…) books fire and rescue in its
own RS row; that line is counted as **fire**, under the agency
``<council> (fire and rescue)``, beside the fire authorities of other areas,
not as the council's spending (:func:`agency_of`).

Examples
--------
>>> from tuttotal.count import outturn_count
>>> result = outturn_count.outturn_count(["E07000114"], data_dir="../shared/data")  # doctest: +SKIP
>>> sorted(set(result.lines.authority))[:3]  # doctest: +SKIP
['Kent', 'Kent Combined Fire Authority', 'Kent Police Authority']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tuttotal import cache, paths, settings
from tuttotal.count import themes
from tuttotal.data import lsoa, outturn, sources
from tuttotal.errors import InputError
from tuttotal.money import split_parts

if TYPE_CHECKING:
    import pandas as pd

METHOD = (
    "Councils' own books: DCLG Revenue Outturn (net current expenditure by service, cash) of every authority "
    "serving the place, its part by the place's share of the authority's mid-2015 population and IMD 2010 need."
)
OUTTURN_COLUMNS = ["year", "authority", "e_code", "service", "authority_gbp", "driver", "share", "place_gbp"]
COUNCIL_CLASSES = {"SC", "SD", "UA", "MD", "L", "LB"}
FIRE_SERVICE = "fire and rescue"


@dataclass
class OutturnCount:
    """The result of :func:`outturn_count`.

    Attributes
    ----------
    spend : pandas.DataFrame
        The count in the spend schema, one row per LAD, authority, service
        part and year (``area_code`` a LAD), with ``theme`` and ``driver``.
    lines : pandas.DataFrame
        ``outturn.csv`` (:data:`OUTTURN_COLUMNS`, plus ``cofog`` and ``theme``).
    unplaced : list of dict
        Authorities of the outturn that the table cannot place anywhere
        (reason, £ total, E-codes): reported, never dropped.
    files : dict
        Name → path of every file read.
    """

    spend: pd.DataFrame
    lines: pd.DataFrame
    unplaced: list[dict] = field(default_factory=list)
    files: dict = field(default_factory=dict)


@cache.memoize("outturn-count-authority-table", maxsize=1)
def authority_table() -> pd.DataFrame:
    """``data/authorities.csv``: the 2013 LADs each authority of the outturn covers, with the rule and source."""
    import pandas as pd

    path = paths.data_dir() / "authorities.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"e_code", "authority", "class", "lads", "rule", "source"} - set(table.columns)
    if missing:
        raise InputError(f"the authorities table lacks the column(s) {sorted(missing)}", file=path)
    table.attrs["source"] = str(path)
    return table


def agency_type(klass: str, authority: str) -> str:
    """``council``, ``police``, ``fire`` or ``other`` from an RS class and name.

    Examples
    --------
    >>> agency_type("SD", "Thanet"), agency_type("O", "Kent Police Authority"), agency_type("O", "Kent Fire Authority")
    ('council', 'police', 'fire')
    """
    if klass in COUNCIL_CLASSES:
        return "council"
    name = authority.lower()
    if "police" in name:
        return "police"
    if "fire" in name:
        return "fire"
    return "other"


def agency_of(klass: str, authority: str, service: str) -> tuple[str, str]:
    """The agency and its type of one RS line: a council's own fire and rescue line is ``fire``.

    Examples
    --------
    >>> agency_of("SC", "Warwickshire CC", "fire and rescue")
    ('Warwickshire CC (fire and rescue)', 'fire')
    >>> agency_of("SC", "Warwickshire CC", "education")
    ('Warwickshire CC', 'council')
    >>> agency_of("O", "Kent Combined Fire Authority", "fire and rescue")
    ('Kent Combined Fire Authority', 'fire')
    """
    kind = agency_type(klass, authority)
    if service == FIRE_SERVICE and kind == "council":
        return f"{authority} (fire and rescue)", "fire"
    return authority, kind


def input_files(
    data_dir: settings.DataRootLike = None, *, download: bool = False, years: tuple[str, ...] | None = None
) -> dict:
    """The files an outturn count reads, named as in ``summary.json``'s ``inputs``.

    A later RS release found in the data root (not hash-pinned) is named
    ``data:outturn_<year> (not hash-pinned)``.
    """

    names = ["population", "imd2010", "imd2015", "lsoa01_to_lsoa11"]
    files = {}
    for year in outturn.available_years(data_dir) if years is None else years:
        pinned = year in outturn.PINNED_YEARS
        key = f"data:outturn_{year}" if pinned else f"data:outturn_{year} (not hash-pinned)"
        files[key] = outturn.year_path(year, data_dir, download=download)
    files.update({f"data:{name}": sources.get_path(name, data_dir, download=download) for name in names})
    files["authorities"] = paths.data_dir() / "authorities.csv"
    files["outturn_services"] = paths.data_dir() / "outturn_services.csv"
    return files


def check_year(year: str, data_dir: settings.DataRootLike = None) -> str:
    """``year`` if the outturn has it (a pinned year, or a later release found in the data root)."""
    years = outturn.available_years(data_dir)
    if year not in years:
        raise InputError(
            f"the revenue outturn has no year {year}: it covers {years[0]} to {years[-1]}",
            fix=f"choose a year from {years[0]} to {years[-1]}, or drop a later RS workbook into <data root>/outturn/",
        )
    return year


def outturn_count(
    lad_codes: list[str] | tuple[str, ...],
    *,
    data_dir: settings.DataRootLike = None,
    years: tuple[str, ...] | None = None,
    theme_table: pd.DataFrame | None = None,
    download: bool = True,
) -> OutturnCount:
    """Every authority serving the place, every service, every year: its part of the authority's spending.

    Parameters
    ----------
    lad_codes : list of str
        The place's English LADs of 2013.
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    years : tuple of str, optional
        Years of :func:`tuttotal.data.outturn.available_years` (all of them when omitted).
    theme_table : pandas.DataFrame, optional
        :func:`tuttotal.count.themes.load_themes` (``data/themes.csv`` when omitted).

    Returns
    -------
    OutturnCount
    """
    import pandas as pd

    years = outturn.available_years(data_dir) if years is None else tuple(years)
    for year in years:
        check_year(year, data_dir)
    theme_table = theme_table if theme_table is not None else themes.load_themes()
    table = outturn.read_outturn(data_dir, download=download, years=years)
    table = table[table["amount_pence"] != 0]
    authorities = authority_table()
    covers = {row.e_code: row.lads.split() for row in authorities.itertuples()}
    rules = dict(zip(authorities["e_code"], authorities["rule"], strict=True))
    known = table["e_code"].isin([code for code, lads in covers.items() if lads])
    unplaced = []
    if (~known).any():
        lost = table[~known]
        for reason, group in lost.groupby(lost["e_code"].map(lambda c: rules.get(c, "not in the authorities table"))):
            unplaced.append(
                {
                    "reason": f"authority not placed in any LAD: {reason}",
                    "amount_pence": int(group["amount_pence"].sum()),
                    "codes": sorted(group["e_code"].unique().tolist()),
                }
            )
    place = set(lad_codes)
    serving = {code for code, lads in covers.items() if place & set(lads)}
    rows = table[table["e_code"].isin(serving)]

    lad_totals = lsoa.lad_totals(lsoa.lsoa_table(data_dir, download=download))
    services = outturn.service_table()
    parts = rows.merge(services[["service", "cofog", "driver", "share"]], on="service", how="left")
    if parts["cofog"].isna().any():
        missing = sorted(parts.loc[parts["cofog"].isna(), "service"].unique())
        raise InputError(f"services without a row: {missing}", file=services.attrs["source"])
    # split services that have several parts (2010-11 social care) by their fixed shares
    parts["weight"] = pd.to_numeric(parts["share"], errors="coerce").fillna(1.0)
    parts["part_pence"] = split_parts(parts, ["year", "e_code", "service"], "amount_pence", "weight")

    # every authority line against each of its LADs in the place, vectorised
    drivers = list(parts["driver"].unique())
    columns = {driver: lad_totals[driver].to_numpy() for driver in drivers}
    cover_totals = {}
    for code in parts["e_code"].unique():
        at = lad_totals.index.get_indexer(covers[code])
        if (at < 0).any():  # a LAD the LSOA table does not have: the label look-up's own error
            lad_totals.loc[covers[code]]
        for driver in drivers:  # each column's own sum, as pandas sums it (numpy's, in the same order)
            cover_totals[(code, driver)] = float(columns[driver][at].sum())
    parts["cover_driver"] = [cover_totals[(c, d)] for c, d in zip(parts["e_code"], parts["driver"], strict=True)]
    parts["lad"] = parts["e_code"].map(lambda code: [lad for lad in covers[code] if lad in place])
    pairs = parts.reset_index(names="line").explode("lad").dropna(subset=["lad"])
    lad_driver = lad_totals.stack()
    pairs["lad_driver"] = lad_driver.reindex(list(zip(pairs["lad"], pairs["driver"], strict=True))).to_numpy()
    denominator = pairs["cover_driver"].where(pairs["cover_driver"] > 0)
    pairs["pence"] = np.rint(pairs["part_pence"] * pairs["lad_driver"] / denominator).fillna(0).astype(np.int64)
    pairs["share_part"] = (pairs["lad_driver"] / denominator).fillna(0.0)
    by_line = pairs.groupby("line").agg(place_pence=("pence", "sum"), share=("share_part", "sum"))
    parts["place_pence"] = by_line["place_pence"].reindex(parts.index).fillna(0).astype(np.int64)
    parts["share"] = by_line["share"].reindex(parts.index).fillna(0.0)
    theme_of = {code: themes.rules_of(code, theme_table)["theme"].iloc[0] for code in parts["cofog"].unique()}
    parts["theme"] = parts["cofog"].map(theme_of)
    agencies = [
        agency_of(k, a, s) for k, a, s in zip(parts["class"], parts["authority"], parts["service"], strict=True)
    ]
    parts["agency"] = [agency for agency, _ in agencies]
    parts["agency_type"] = [kind for _, kind in agencies]
    lines = pd.DataFrame(
        {
            "year": parts["year"],
            "authority": parts["authority"],
            "e_code": parts["e_code"],
            "service": parts["service"],
            "authority_gbp": parts["part_pence"] / 100,
            "driver": parts["driver"],
            "share": parts["share"],
            "place_gbp": parts["place_pence"] / 100,
            "cofog": parts["cofog"],
            "theme": parts["theme"],
        }
    )
    lines = lines.sort_values(["year", "authority", "service", "cofog"], kind="stable", ignore_index=True)
    placed = pairs[pairs["pence"] != 0]
    spend = pd.DataFrame(
        {
            "year": placed["year"].to_numpy(),
            "agency": parts.loc[placed["line"], "agency"].to_numpy(),
            "agency_type": parts.loc[placed["line"], "agency_type"].to_numpy(),
            "area_code": placed["lad"].to_numpy(),
            "function": placed["cofog"].to_numpy(),
            "amount_pence": placed["pence"].to_numpy(),
            "theme": parts.loc[placed["line"], "theme"].to_numpy(),
            "driver": placed["driver"].to_numpy(),
        }
    )
    spend["amount_pence"] = spend["amount_pence"].astype("int64")
    spend["transfer"] = False
    files = {name: str(path) for name, path in input_files(data_dir, download=download, years=years).items()}
    return OutturnCount(spend=spend, lines=lines, unplaced=unplaced, files=files)


def lad_service_totals(result: OutturnCount) -> pd.DataFrame:
    """Pounds by year and service in the place (for the cuts chart)."""
    return result.lines.groupby(["year", "service"])["place_gbp"].sum().unstack("year").fillna(0.0)
