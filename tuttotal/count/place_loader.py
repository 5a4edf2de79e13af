"""A place loaded and counted once: its wards, drivers and spend read, the spend classified and apportioned.

:func:`load_place_count` is what :func:`tuttotal.report.count_place` runs before it wraps the
:class:`~tuttotal.count.place_count.PlaceCount` in a report; :func:`real_spend` is the real count of any
area (the national count makes its districts' the same way), and :func:`driver_totals` the place's total of
each driver (for splits of a function across themes by driver).

Examples
--------
>>> from tuttotal.count.parameters import PlaceParameters
>>> demo = load_place_count(PlaceParameters(place="demo"))
>>> len(demo.wards), demo.count_source.kind
(24, 'synthetic')
"""

from __future__ import annotations

import logging
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal import paths, settings
from tuttotal.count import measured_modelled, themes, topdown
from tuttotal.count.apportion import apportion, load_transfer_rules
from tuttotal.count.inputs import run_inputs
from tuttotal.count.outturn_count import outturn_count
from tuttotal.count.parameters import PlaceParameters
from tuttotal.count.place_count import PlaceCount
from tuttotal.count.real_years import check_real_year, measured_years, source_of_year
from tuttotal.count.sources import RealSource, SpendFileSource, SyntheticSource, TopDownSource
from tuttotal.data import datasets, deflators, geography, place_wards, places, sources, ward_drivers
from tuttotal.data.spend import parse_year, read_drivers, read_spend
from tuttotal.errors import TuttotalWarning

if TYPE_CHECKING:
    import pandas as pd

    from tuttotal.count.outturn_count import OutturnCount
    from tuttotal.count.sources import CountSource
    from tuttotal.count.topdown import TopDown
    from tuttotal.data.places import Place

logger = logging.getLogger(__name__)


def load_drivers(
    place: Place, wards: pd.DataFrame, drivers_path: str, data_root: settings.DataRoot
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, dict[str, Path]]:
    """The driver table: the user's, the demo's sample, or the real ward drivers; and the files read.

    Returns ``(drivers, driver_table, files)``: the long table the count uses
    (or None), the wide real table written as ``drivers.csv`` (or None) and
    the files read, by name.
    """
    if drivers_path:
        return read_drivers(drivers_path), None, {"drivers": Path(drivers_path)}
    if place.is_synthetic:
        path = paths.project_file(place.sample["drivers"])
        return read_drivers(path), None, {"drivers": path}
    if not ward_drivers.has_real_drivers(sorted(set(wards["lad_code"]))):
        return None, None, {}
    table = ward_drivers.ward_driver_table(wards, data_root)
    files = {name: Path(path) for name, path in table.attrs["files"].items()}
    return ward_drivers.long_drivers(table), table, files


def load_spend(
    place: Place, spend_path: str, data_root: settings.DataRoot, theme_table: pd.DataFrame
) -> tuple[pd.DataFrame, CountSource, dict[str, Path]]:
    """Spend table, its source (the demo's, a spend file, the real count of the place's year), files read.

    The real count's source is that of the place's year; :func:`load_place_count` makes it of the year counted.
    """
    if spend_path:
        return read_spend(spend_path), SpendFileSource(place.name, spend_path), {"spend": Path(spend_path)}
    if place.is_synthetic:
        path = paths.project_file(place.sample["spend"])
        return read_spend(path), SyntheticSource(place.name), {"spend": path}
    spend, count, books = real_spend(place.lad_codes, data_root, theme_table)
    files = {name: Path(path) for name, path in {**count.files, **books.files}.items()}
    return spend, TopDownSource(place.name, topdown=count, outturn=books), files


def real_spend(
    lad_codes: list[str] | tuple[str, ...],
    data_dir: settings.DataRootLike,
    theme_table: pd.DataFrame,
    *,
    measured: bool = True,
) -> tuple[pd.DataFrame, TopDown, OutturnCount | None]:
    """The real count of an area in the spend schema: councils' books (measured) and the rest top down (modelled).

    Returns ``(spend, topdown, outturn)``: the spend table of every year
    (:func:`tuttotal.count.measured_modelled.combine`: ``source`` and
    ``basis`` on every row; in a year with Revenue Outturn the CRA's local
    government current lines are left to the books) and the two counts it was
    made from (``outturn`` None without ``measured``: every line modelled).

    Examples
    --------
    >>> spend, count, books = real_spend(["E07000114"], "", themes.load_themes())
    >>> sorted(set(spend["basis"]))
    ['measured', 'modelled']
    """
    root = settings.data_root(data_dir or None)
    count = topdown.topdown_count(lad_codes, data_dir=root, theme_table=theme_table)
    books, years = None, ()
    if measured:
        years = measured_years(root)
        books = outturn_count(lad_codes, data_dir=root, theme_table=theme_table, years=years)
    spend = measured_modelled.combine(count.spend, None if books is None else books.spend, years)
    return spend, count, books


def driver_totals(drivers: pd.DataFrame | None, wards: pd.DataFrame) -> dict[str, float]:
    """The place's total of each driver (for splits of a function across themes by driver).

    Examples
    --------
    >>> import pandas as pd
    >>> wards = pd.DataFrame({"ward_code": ["W1", "W2"]})
    >>> drivers = pd.DataFrame({"area_code": ["W1", "W2", "X"], "driver": "population", "value": [1.0, 2.0, 9.0]})
    >>> driver_totals(drivers, wards)
    {'population': 3.0}
    """
    if drivers is None:
        return {}
    inside = drivers[drivers["area_code"].isin(wards["ward_code"])]
    return {str(k): float(v) for k, v in inside.groupby("driver")["value"].sum().items()}


def load_place_count(parameters: PlaceParameters) -> PlaceCount:
    """Load, classify and apportion the spend of the place ``parameters`` name: its :class:`PlaceCount`.

    Parameters
    ----------
    parameters : PlaceParameters
        The place or area, year, focus wards, files and options (``year`` ``""``: the place's year, 2008-09 for
        the pilots; ``prices`` ``""``: cash; ``output_dir`` ``""``: a new temporary folder). Its ``data_dir``
        is resolved here, once, into the count's ``data_root`` (:func:`tuttotal.settings.data_root`).

    Returns
    -------
    PlaceCount
        Its ``parameters`` are those given, ``prices`` as a financial year (or ``""`` for cash).

    Examples
    --------
    >>> load_place_count(PlaceParameters(place="demo")).year
    '2008-09'
    """
    timings: dict[str, float] = {}
    start = time.perf_counter()
    root = settings.data_root(parameters.data_dir or None)  # resolved once, then passed on
    prices = parameters.prices
    if prices and prices.strip().lower() != deflators.CASH:
        prices = deflators.financial_year(prices)
        deflators.deflator_index(prices, data_dir=root)  # a year the deflator has, or exit 2 now
    else:
        prices = ""
    parameters = replace(parameters, prices=prices)
    spend_path, drivers_path, wards_paths = parameters.spend_path, parameters.drivers_path, parameters.wards_paths
    the_place = places.resolve(parameters.place, list(parameters.lads))
    output_dir = parameters.output_dir
    out = Path(output_dir) if output_dir else Path(tempfile.mkdtemp(prefix=f"tuttotal-{the_place.slug}-"))
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TuttotalWarning)
        wards = place_wards.load_place_wards(the_place, root, list(wards_paths))
        timings["wards_s"] = round(time.perf_counter() - start, 3)
        the_year = parse_year(parameters.year) if parameters.year else the_place.year
        drivers, driver_table, _ = load_drivers(the_place, wards, drivers_path, root)
        timings["drivers_s"] = round(time.perf_counter() - start - timings["wards_s"], 3)
        theme_table = themes.load_themes(parameters.themes_path or None)
        if not spend_path and not the_place.is_synthetic:
            check_real_year(the_year, root)
        spend, source, _ = load_spend(the_place, spend_path, root, theme_table)
        if not parameters.year and the_year not in set(spend["year"].unique()):
            the_year = max(spend["year"])
        classified = themes.assign_themes(spend, theme_table, driver_totals(drivers, wards))
        if isinstance(source, RealSource):  # every CRA year is in the table for the trend; the count is of one year
            classified = classified[classified["year"] == the_year]
        transfer_rules = load_transfer_rules(parameters.transfers_path or None)
        count = apportion(
            classified,
            wards,
            drivers,
            year=the_year,
            driver=parameters.driver or None,
            transfer_rules=transfer_rules,
        )
        count.notes[:0] = classified.attrs.get("notes", [])
        timings["count_s"] = round(time.perf_counter() - start - timings["wards_s"] - timings["drivers_s"], 3)
    messages = [str(w.message) for w in caught if issubclass(w.category, TuttotalWarning)]
    for message in messages:
        logger.warning("warning: %s", message)
    focus_queries = list(parameters.focus_wards) or list(the_place.focus_wards)
    focus_rows = [geography.find_ward(wards, q) for q in focus_queries]
    focus = wards.loc[[r.name for r in focus_rows], ["ward_code", "ward_name", "lad_code", "lad_name"]]

    files = run_inputs(
        the_place,
        spend_path=spend_path,
        drivers_path=drivers_path,
        data_dir=root,
        wards_paths=list(wards_paths),
        themes_path=parameters.themes_path,
        transfers_path=parameters.transfers_path,
        download=True,
    )
    if prices:  # the deflator the series are converted by
        files["data:deflator_hmt"] = sources.get_path("deflator_hmt", root)
    inputs = {name: datasets.sha256_of(path) for name, path in files.items()}
    return PlaceCount(
        place=the_place,
        year=the_year,
        wards=wards,
        focus=focus,
        spend=spend,
        drivers=drivers,
        driver_table=driver_table,
        topdown=source.topdown if isinstance(source, RealSource) else None,
        outturn=source.outturn if isinstance(source, RealSource) else None,
        count=count,
        output_dir=out,
        count_source=source.of_year(source_of_year(the_year, root)) if isinstance(source, RealSource) else source,
        inputs=inputs,
        parameters=parameters,
        warnings=messages,
        timings=timings,
        data_root=root,
    )
