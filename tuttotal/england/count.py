"""England at once: every LAD and every ward of England counted for a year in one pass.

The count is the one a place report makes (:func:`tuttotal.count.place_loader.real_spend`,
then :func:`tuttotal.count.apportion.apportion`), made for the whole country
with arrays instead of place after place:

1. **Modelled: every region's CRA lines, to every LAD.** HM Treasury's
   Country and Regional Analysis of the year (:func:`tuttotal.data.cra_releases.cra_lines`),
   each line split into its theme parts at the region as
   :func:`tuttotal.count.topdown.topdown_count` splits it, then each part
   shared to **all** the region's LADs by the LADs' driver (largest
   remainder on whole pence, so a region's lines are conserved to the penny;
   a place report rounds each LAD's share on its own, which can differ by
   at most a penny per line).
2. **Measured: every authority's RS lines, to every LAD it serves.** In a
   year of DCLG's Revenue Outturn, every council, police and fire
   authority's net current expenditure by service, placed through
   ``data/authorities.csv`` and ``data/outturn_services.csv`` as
   :func:`tuttotal.count.outturn_count.outturn_count` places it, shared
   over its LADs by largest remainder; the CRA's local government current
   lines leave the total (:func:`tuttotal.count.measured_modelled.combine`).
3. **Into the wards**, by :func:`tuttotal.england.apportion.apportion_national`
   (``apportion``'s result, penny for penny, vectorised).

Money is whole pence from the releases to the wards, and every penny of
England's CRA total and of the RS is accounted for in
:attr:`EnglandCount.reconciliation`: counted in a LAD, placed in a ward, or
listed with its reason. A run of some LADs (``lads=``) gives each of them
exactly what the whole country's run gives it (the shares are made for all
LADs, then kept), and the reconciliation lists the rest as "LADs outside
this run".

The steps before and beside the count have modules of their own:
:mod:`tuttotal.england.checks` (the year, prices, LADs and files, refused
before any work), :mod:`tuttotal.england.lad_shares` (every LAD's share of
the releases) and :mod:`tuttotal.england.provenance` (what the count rests on).

Examples
--------
>>> from tuttotal.england.count import england_count
>>> result = england_count("2008-09", "../shared/data", lads=["E07000114"])  # doctest: +SKIP
>>> result.lads[["lad_name", "people", "per_head_gbp"]].round().values.tolist()  # doctest: +SKIP
[['Thanet', 130855, 8797.0]]
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tuttotal import settings
from tuttotal.count import measured_modelled, themes
from tuttotal.count.apportion import MEASURED, MODELLED, Count, flag_transfers, load_transfer_rules
from tuttotal.count.real_years import MEASURED as MEASURED_YEAR
from tuttotal.count.real_years import measured_years, source_of_year
from tuttotal.data import cra, cra_releases, deflators, lsoa, population_years, ward_drivers
from tuttotal.england import geography, tables
from tuttotal.england.apportion import apportion_national
from tuttotal.england.checks import check_data, check_lads, check_prices, check_year
from tuttotal.england.lad_shares import (
    BOOKS_SOURCE,
    TOPDOWN_SOURCE,
    books_bridge,
    national_books,
    national_topdown,
)
from tuttotal.england.provenance import input_provenance, library_versions, source_list
from tuttotal.errors import TuttotalWarning

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EnglandCount:
    """The count of every LAD and ward of England (or of the run's LADs) for one year.

    Attributes
    ----------
    year : str
        The financial year counted, e.g. ``2008-09``.
    prices : str
        ``cash``, or the financial year whose prices the tables are in (``2016-17``).
    source : str
        ``measured`` (councils' books measured, the rest modelled), ``top-down``
        (all modelled) or ``outturn`` (councils' books only): :func:`tuttotal.count.real_years.source_of_year`.
    lad_codes : tuple of str
        The LADs counted (all 326 of 2013 for England).
    ward_spend : pandas.DataFrame
        The ward-level long count, exact and in cash: ``ward_code, lad_code, agency, agency_type, function,
        theme, basis, method, amount_pence`` (the rows ``apportion`` makes, with each ward's LAD).
    lads : pandas.DataFrame
        ``lads.csv``: one row per LAD (:data:`tuttotal.england.tables.LAD_COLUMNS` then the theme × basis
        columns), money at :attr:`prices`.
    wards : pandas.DataFrame
        ``wards.csv``: one row per ward (:data:`tuttotal.england.tables.WARD_COLUMNS` then the theme × basis
        columns), money at :attr:`prices`.
    ward_theme : pandas.DataFrame
        ``ward_theme.csv``: ``ward_code, theme, basis, amount_pence, amount_gbp`` (exact decimal pounds), ``prices``.
    regions : pandas.DataFrame
        The nine regions (and England): people, money, per head, measured share.
    reconciliation : pandas.DataFrame
        ``reconciliation.csv``: every step from England's CRA total and the RS to the wards, in cash pence
        (:func:`tuttotal.england.tables.check_reconciliation` holds its sums).
    bridge : pandas.DataFrame
        For a measured year: each region's CRA local government current total beside its authorities'
        RS net current expenditure (the money the books replace), and England's.
    lad_spend : pandas.DataFrame
        The LAD-level count of the run's LADs, cash (:data:`SPEND_COLUMNS`, ``source``, ``basis``,
        ``transfer``: ``True`` for rows removed as double counting).
    count : tuttotal.count.apportion.Count
        The apportionment itself (its reconciliation, drivers used and notes).
    boundaries : geopandas.GeoDataFrame
        The wards with their geometry (British National Grid): ``ward_code, ward_name, lad_code, lad_name,
        region, geometry``.
    files : dict
        Name → path of every data file read.
    inputs : dict
        Name → SHA-256 of the data tables read; the ward and LSOA boundary files as one digest each
        (over their pinned SHA-256, LAD by LAD).
    sources : list of dict
        Every dataset the count rests on: name, title, vintage, licence, url.
    stamp : str or None
        The mark every figure carries (None: real data, nothing to mark).
    notes : list of str
        Sentences for tables and figures (method, vintages, what differs from a place report).
    timings : dict
        Seconds per step.
    england_lads : int or None
        How many LADs of 2013 the data root's lookup gives England (None: read it from the default data root).
    """

    year: str
    prices: str
    source: str
    lad_codes: tuple[str, ...]
    ward_spend: pd.DataFrame
    lads: pd.DataFrame
    wards: pd.DataFrame
    ward_theme: pd.DataFrame
    regions: pd.DataFrame
    reconciliation: pd.DataFrame
    bridge: pd.DataFrame
    lad_spend: pd.DataFrame
    count: Count
    boundaries: gpd.GeoDataFrame
    files: dict[str, str]
    inputs: dict[str, str]
    sources: list[dict]
    stamp: str | None = None
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    england_lads: int | None = None

    @property
    def prices_label(self) -> str:
        """``cash`` or ``2016-17 prices``: what every money column of the tables is in."""
        return deflators.prices_label(self.prices)

    @property
    def is_england(self) -> bool:
        """True when every English LAD of 2013 is counted (the reconciliation then closes on England's total)."""
        england = len(cra.lad_regions()) if self.england_lads is None else self.england_lads
        return len(self.lad_codes) == england

    @property
    def provenance(self) -> str:
        """One sentence on what the count is, for figures and pages."""
        where = "England" if self.is_england else f"{len(self.lad_codes)} LADs of England"
        release = cra_releases.YEAR_RELEASE.get(self.year, "")
        if self.source == MEASURED_YEAR:
            return (
                f"Real count, {where}, {self.year}: measured, every council, police and fire authority's net current "
                f"expenditure (DCLG Revenue Outturn, their own books); modelled, each region's central government and "
                f"public corporation spending with local government capital (HM Treasury CRA, {release}), shared by "
                f"mid-2015 population and IMD 2010 need; {self.prices_label}."
            )
        if self.source == TOPDOWN_SOURCE:
            return (
                f"Real count, {where}, {self.year}, top-down: each region's identifiable spending (HM Treasury CRA, "
                f"{release}) shared to its districts and wards by mid-2015 population and IMD 2010 need, all "
                f"modelled; {self.prices_label}."
            )
        return (
            f"Real count, {where}, {self.year}: councils' own books only (DCLG Revenue Outturn), measured; "
            f"{self.prices_label}."
        )

    def summary(self) -> dict[str, Any]:
        """The content of ``summary.json``: what was counted, the totals (exact pence), inputs, notes."""
        placed = self.count.reconciliation
        basis = {
            MEASURED: int(self.ward_spend.loc[self.ward_spend["basis"] == MEASURED, "amount_pence"].sum()),
            MODELLED: int(self.ward_spend.loc[self.ward_spend["basis"] == MODELLED, "amount_pence"].sum()),
        }
        total = basis[MEASURED] + basis[MODELLED]
        return {
            "place": "england",
            "name": "England" if self.is_england else f"{len(self.lad_codes)} LADs of England",
            "lads": list(self.lad_codes),
            "year": self.year,
            "source": self.source,
            "prices": self.prices_label,
            "spend": "real",
            "illustrative": False,
            "method": self.provenance,
            "wards": len(self.wards),
            "totals": placed.to_summary(),
            "basis": {
                "measured_gbp": tables.exact_gbp(basis[MEASURED]),
                "modelled_gbp": tables.exact_gbp(basis[MODELLED]),
                "measured_share": round(basis[MEASURED] / total, 6) if total else None,
                "prices": "cash",
            },
            "headline": tables.headline(self).to_dict("records"),
            "reconciliation": [
                {k: (v if not isinstance(v, np.integer) else int(v)) for k, v in row.items()}
                for row in self.reconciliation.to_dict("records")
            ],
            "inputs": self.inputs,
            "sources": self.sources,
            "notes": self.notes,
            "timings": self.timings,
            "versions": library_versions(),
        }


# ----------------------------------------------------------------------------------------------- geography


def _national_wards_and_drivers(
    data_dir: settings.DataRootLike, lads: tuple[str, ...], client=None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The wards of ``lads`` (ward contract and ``region``) and their drivers (``ward_driver_table``'s columns).

    The one place the national count gets its geography:
    :func:`tuttotal.england.geography.england_wards` and
    :func:`~tuttotal.england.geography.england_ward_drivers` (the overlay per LAD,
    on ``client``'s Dask workers when given, cached nationally), which equal the
    place machinery's wards and drivers for any place's LADs (tested).
    """
    wards = geography.england_wards(data_dir, lads=list(lads))
    drivers = geography.england_ward_drivers(data_dir, lads=list(lads), client=client)
    return wards, drivers


# ----------------------------------------------------------------------------------------------- the count


def _outside(spend: pd.DataFrame, lads: tuple[str, ...], basis: str) -> tuple[pd.DataFrame, dict | None]:
    """The rows of the run's LADs, and an item for what the other LADs hold (None when nothing)."""
    inside = spend["area_code"].isin(list(lads)).to_numpy()
    rest = int(spend.loc[~inside, "amount_pence"].sum())
    item = None
    if (~inside).any():
        item = {
            "item": f"{basis}: shared to LADs outside this run ({spend.loc[~inside, 'area_code'].nunique()} LADs)",
            "amount_pence": -rest,
            "basis": basis,
            "source": "the same shares as a run of all England",
            "codes": "",
            "kind": "outside",
        }
    return spend[inside].reset_index(drop=True), item


def england_count(
    year: str,
    data_dir: settings.DataRootLike = None,
    *,
    lads: list[str] | tuple[str, ...] | None = None,
    prices: str | None = None,
    client=None,
) -> EnglandCount:
    """Count every LAD and every ward of England for ``year``, in one vectorised pass.

    Parameters
    ----------
    year : str
        A financial year the data cover: 2003-04 to 2017-18 from the regional
        analysis (top-down, modelled), with local government measured from
        councils' own books in 2007-08 to 2016-17 (and any later RS year in the
        data root).
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted); every file must be
        there or in the cache (:func:`check_data`).
    lads : list of str, optional
        Count only these LADs of 2013 (each gets exactly what a run of all
        England gives it); all 326 when omitted.
    prices : str, optional
        The tables' money in real terms at this financial year's prices (HM
        Treasury GDP deflator), e.g. ``"2016-17"``; cash when omitted. The
        long count and the reconciliation stay in cash.
    client : dask.distributed.Client, optional
        For the national geography (the LSOA → ward overlay); the count itself
        is one process's arrays.

    Returns
    -------
    EnglandCount

    Raises
    ------
    tuttotal.errors.InputError
        A year no data cover, prices the deflator lacks, a code that is not an
        English LAD of 2013, data files that are missing (naming ``tuttotal data
        fetch --england``).

    Examples
    --------
    >>> result = england_count("2008-09", "../shared/data")  # doctest: +SKIP
    >>> len(result.lads), len(result.wards)  # doctest: +SKIP
    (326, 7681)
    """
    import pandas as pd

    timings: dict[str, float] = {}
    start = clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[f"{name}_s"] = round(now - clock, 3)
        clock = now

    data_dir = settings.data_root(data_dir)  # resolved once, then passed on
    year = check_year(year, data_dir)
    prices = check_prices(prices, data_dir)
    lad_codes = check_lads(lads, data_dir)
    check_data(year, lad_codes, data_dir)
    source = source_of_year(year, data_dir)
    books_years = (year,) if year in measured_years(data_dir) else ()
    theme_table = themes.load_themes()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TuttotalWarning)
        boundaries, drivers = _national_wards_and_drivers(data_dir, lad_codes, client)
        repaired = geography.repair_notes(geography.repairs(boundaries))  # a note each, not a warning
        boundaries, drivers = _plain(boundaries), _plain(drivers)
        lap("geography")
        modelled = national_topdown(year, data_dir, theme_table)
        books = national_books(year, data_dir, theme_table) if books_years else None
        lap("lads")
        spend = measured_modelled.combine(modelled.spend, None if books is None else books.spend, books_years)
        items = list(modelled.items)
        if books_years:
            lg = modelled.spend
            lg_current = lg[measured_modelled.replaced_by_books(lg, books_years)]
            items.append(
                {
                    "item": "local government current spending: measured elsewhere (the authorities' own books, "
                    "below), never counted twice",
                    "amount_pence": -int(lg_current["amount_pence"].sum()),
                    "basis": MODELLED,
                    "source": "the CRA's LG current lines (bridge.csv sets them beside the books)",
                    "codes": "",
                    "kind": "replaced",
                }
            )
        in_run, outside = _outside(spend[spend["source"] == TOPDOWN_SOURCE], lad_codes, MODELLED)
        if outside:
            items.append(outside)
        parts = [in_run]
        items.append(_subtotal("modelled: the regions' lines counted in the run's LADs", in_run, MODELLED))
        if books is not None:
            items.extend(books.items)
            books_in, outside = _outside(spend[spend["source"] == BOOKS_SOURCE], lad_codes, MEASURED)
            if outside:
                items.append(outside)
            items.append(_subtotal("measured: the authorities' lines placed in the run's LADs", books_in, MEASURED))
            parts.append(books_in)
        lad_spend = pd.concat(parts, ignore_index=True)
        classified = themes.assign_themes(lad_spend, theme_table, {})
        long = ward_drivers.long_drivers(drivers)
        count = apportion_national(classified, boundaries, long, year=year, transfer_rules=load_transfer_rules())
        lap("wards")
    messages = [str(w.message) for w in caught if issubclass(w.category, TuttotalWarning)]
    for message in messages:
        logger.warning("warning: %s", message)

    ward_spend = count.ward_spend.copy()
    at = pd.Index(boundaries["ward_code"]).get_indexer(ward_spend["ward_code"])
    ward_spend.insert(1, "lad_code", boundaries["lad_code"].to_numpy()[at])
    transfers = _transfer_mask(classified, count)
    lad_spend = classified.assign(transfer=transfers)
    reconciliation = tables.reconciliation_table(items, lad_spend, count)
    factor = float(deflators.price_factors([year], prices, data_dir=data_dir)[0])
    people = _people(year, boundaries, drivers, data_dir)
    england_lads = len(cra.lad_regions(data_dir))  # of the data root counted (not the default one)
    built = tables.build(
        year=year,
        prices=prices,
        factor=factor,
        ward_spend=ward_spend,
        lad_spend=lad_spend,
        boundaries=boundaries,
        drivers=drivers,
        people=people,
        theme_names=tables.theme_names(theme_table),
        source=source,
        england_lads=england_lads,
    )
    bridge = books_bridge(year, modelled.lines, data_dir) if books_years else pd.DataFrame()
    lap("tables")
    files, inputs = input_provenance(year, lad_codes, data_dir, prices, books_years)
    timings["total_s"] = round(time.perf_counter() - start, 3)
    notes = [
        *tables.method_notes(year, source, prices),
        *(["Ward people of the year: mid-2015 people (the estimates do not cover the year)."] if not people[2] else []),
        *count.notes,
        *repaired,
        *messages,
    ]
    result = EnglandCount(
        year=year,
        prices=prices,
        source=source,
        lad_codes=lad_codes,
        ward_spend=ward_spend,
        lads=built["lads"],
        wards=built["wards"],
        ward_theme=built["ward_theme"],
        regions=built["regions"],
        reconciliation=reconciliation,
        bridge=bridge,
        lad_spend=lad_spend,
        count=count,
        boundaries=boundaries,
        files=files,
        inputs=inputs,
        sources=source_list(files),
        stamp=None,
        notes=notes,
        timings=timings,
        england_lads=england_lads,
    )
    tables.check_reconciliation(result)
    return result


def _plain(frame):
    """``frame`` without its ``attrs`` (a shallow copy): pandas deep-copies attrs into the result of every operation,
    and the wards' and drivers' list every file they were read from (hundreds): a second of copies a count."""
    out = frame.copy(deep=False)
    out.attrs = {}
    return out


def _subtotal(item: str, spend: pd.DataFrame, basis: str) -> dict:
    return {
        "item": item,
        "amount_pence": int(spend["amount_pence"].sum()),
        "basis": basis,
        "source": "",
        "codes": "",
        "kind": "subtotal",
    }


def _transfer_mask(classified: pd.DataFrame, count: Count) -> np.ndarray:
    """Which LAD-level rows ``apportion`` removed as transfers (double counting): the same rule, asked again."""
    if not count.reconciliation.transfers_pence:
        return np.zeros(len(classified), dtype=bool)
    return flag_transfers(classified, load_transfer_rules(), None).to_numpy()


def _people(year: str, boundaries, drivers: pd.DataFrame, data_dir) -> tuple[pd.Series, pd.Series, bool]:
    """The people of the year: by ward (floats) and by LAD (whole people), and whether the estimates cover it."""
    population = drivers.set_index("ward_code")["population"]
    lads = boundaries.set_index("ward_code")["lad_code"]
    if population_years.covers(year, data_dir):
        ward = population_years.ward_population_of_year(population, lads, year, data_dir)
        lad = population_years.lad_population_of_year(year, data_dir)
        return ward, lad, True
    lad = lsoa.lad_totals(lsoa.lsoa_table(data_dir))["population"]
    return population, lad, False


def england_counts(
    years: list[str] | tuple[str, ...],
    data_dir: settings.DataRootLike = None,
    *,
    lads: list[str] | tuple[str, ...] | None = None,
    prices: str | None = None,
    client=None,
) -> dict[str, EnglandCount]:
    """The national count of several years: one :func:`england_count` per year, by year.

    With a Dask ``client`` (:class:`distributed.Client`: a ``LocalCluster``'s or
    a scheduler's) each year is a task on its workers, which need tuttotal and
    the same data root and cache folder; without, the years are counted one
    after another here (the geography and the tables read once are reused).
    The counts are the same either way (a year's count depends on nothing else).

    Examples
    --------
    >>> counts = england_counts(["2010-11", "2014-15"], "../shared/data", lads=["E07000114"])  # doctest: +SKIP
    >>> {year: round(c.lads.councils_per_head_gbp.iloc[0]) for year, c in counts.items()}  # doctest: +SKIP
    {'2010-11': 2218, '2014-15': 1810}
    """
    if data_dir and not isinstance(data_dir, settings.DataRoot):
        data_dir = Path(data_dir).resolve()  # the same folder for workers started elsewhere
    data_dir = settings.data_root(data_dir)
    checked = [check_year(year, data_dir) for year in years]
    if client is None:
        return {year: england_count(year, data_dir, lads=lads, prices=prices) for year in checked}
    futures = {
        year: client.submit(england_count, year, data_dir, lads=lads, prices=prices, pure=False) for year in checked
    }
    return {year: future.result() for year, future in futures.items()}
