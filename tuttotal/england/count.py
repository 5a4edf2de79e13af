"""England at once: every LAD and every ward of England counted for a year in one pass.

The count is the one a place report makes (:func:`tuttotal.report.real_spend`,
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

Examples
--------
>>> from tuttotal.england.count import england_count
>>> result = england_count("2008-09", "../shared/data", lads=["E07000114"])  # doctest: +SKIP
>>> result.lads[["lad_name", "people", "per_head_gbp"]].round().values.tolist()  # doctest: +SKIP
[['Thanet', 130855, 8797.0]]
"""

from __future__ import annotations

import hashlib
import logging
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tuttotal import __version__, settings
from tuttotal.count import measured_modelled, outturn_count, themes, topdown
from tuttotal.count.apportion import MEASURED, MODELLED, Count, flag_transfers, load_transfer_rules
from tuttotal.count.real import MEASURED as MEASURED_YEAR
from tuttotal.count.real import TOPDOWN_YEARS, check_real_year, measured_years, source_of_year
from tuttotal.data import (
    cra,
    cra_releases,
    datasets,
    deflators,
    lsoa,
    outturn,
    places,
    population_years,
    sources,
    ward_drivers,
)
from tuttotal.data.spend import parse_year
from tuttotal.england import geography, tables
from tuttotal.england.apportion import apportion_national, factorize_rows, grouped_largest_remainder, text_column
from tuttotal.errors import DataUnavailableError, InputError, TuttotalWarning
from tuttotal.money import split_parts

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

logger = logging.getLogger(__name__)

#: Where a pound of the LAD-level count came from (``source`` column of :attr:`EnglandCount.lad_spend`).
TOPDOWN_SOURCE, BOOKS_SOURCE = "top-down", "outturn"
#: The spend schema's columns of the LAD-level count, in order.
SPEND_COLUMNS = topdown.SPEND_COLUMNS
#: The command that fetches every file a national run reads (added by the England data work).
FETCH_COMMAND = "tuttotal data fetch --england"


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
        (all modelled) or ``outturn`` (councils' books only): :func:`tuttotal.count.real.source_of_year`.
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

    @property
    def prices_label(self) -> str:
        """``cash`` or ``2016-17 prices``: what every money column of the tables is in."""
        return deflators.prices_label(self.prices)

    @property
    def is_england(self) -> bool:
        """True when every English LAD of 2013 is counted (the reconciliation then closes on England's total)."""
        return len(self.lad_codes) == len(cra.lad_regions())

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
            "versions": _versions(),
        }


# ----------------------------------------------------------------------------------------------- inputs


def check_year(year: object, data_dir: settings.DataRootLike = None) -> str:
    """The financial year of a national count (``2008-09``; ``2008/09`` and ``2008`` are read too), or an
    :class:`InputError` naming the years the data cover.

    Examples
    --------
    >>> check_year("2008/09", "../shared/data")  # doctest: +SKIP
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
    >>> check_prices("2016/17", "../shared/data")  # doctest: +SKIP
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
    >>> check_lads(["e07000114", "E07000114", "E08000025"], "../shared/data")  # doctest: +SKIP
    ('E07000114', 'E08000025')
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


# ----------------------------------------------------------------------------------------------- the LADs


@dataclass
class LadLines:
    """One release's count for every LAD of England (:func:`national_topdown`, :func:`national_books`).

    Attributes
    ----------
    spend : pandas.DataFrame
        The LAD-level count in the spend schema (:data:`SPEND_COLUMNS` and ``transfer``), every LAD of England.
    items : list of dict
        The release's steps of the reconciliation (its total, then what is not counted, each with its reason).
    lines : pandas.DataFrame
        The release's lines, each split into its parts (the CRA's, with ``region_part_pence``; the RS's, with
        ``part_pence``).
    """

    spend: pd.DataFrame
    items: list[dict]
    lines: pd.DataFrame


def _lad_index(data_dir) -> tuple[pd.DataFrame, dict[str, str]]:
    """Every LAD's driver totals (mid-2015 LSOA sums; 0 where a LAD has none) and its region."""
    regions = cra.lad_regions(data_dir)
    totals = lsoa.lad_totals(lsoa.lsoa_table(data_dir)).reindex(sorted(regions)).fillna(0.0)
    return totals, regions


def _share_out(
    amounts: np.ndarray, lads_of_row: list[np.ndarray], drivers: np.ndarray, totals: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row's amount shared over its LADs by their driver totals, exactly (largest remainder).

    Returns ``(row, lad_position, pence, zero)``: one entry per row and LAD,
    and a mask of the rows whose LADs' driver sums to zero (not shared).
    """
    column = {name: i for i, name in enumerate(totals.columns)}
    values = totals.to_numpy(dtype=float)
    sizes = np.array([len(lads) for lads in lads_of_row], dtype=np.int64)
    flat_lads = np.concatenate([np.zeros(0, dtype=np.int64), *lads_of_row])
    flat_rows = np.repeat(np.arange(len(lads_of_row)), sizes)
    driver_col = np.array([column[d] for d in drivers], dtype=np.int64)
    weights = values[flat_lads, driver_col[flat_rows]]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    sums = np.zeros(len(sizes))
    nonempty = sizes > 0
    if nonempty.any():
        sums[nonempty] = np.add.reduceat(weights, starts[nonempty])
    zero = ~(sums > 0)
    keep_row = ~zero[flat_rows]
    rows = np.flatnonzero(~zero)
    kept_sizes = sizes[rows]
    kept_starts = np.concatenate([[0], np.cumsum(kept_sizes)[:-1]]).astype(np.int64)
    pence = grouped_largest_remainder(amounts[rows], kept_starts, weights[keep_row], sums[rows])
    return flat_rows[keep_row], flat_lads[keep_row], pence, zero


def _group_spend(frame: pd.DataFrame, keys: list[str], lad_codes: np.ndarray) -> pd.DataFrame:
    """Rows summed by ``keys`` and ``area_code`` (a LAD position), zero sums dropped: the spend schema."""
    import pandas as pd

    key_id, found = factorize_rows(frame[keys])
    n_keys = max(len(found[0]), 1)
    cell = frame["lad"].to_numpy(dtype=np.int64) * n_keys + key_id
    order = np.argsort(cell, kind="stable")
    cell = cell[order]
    first = np.flatnonzero(np.concatenate([[True], cell[1:] != cell[:-1]])) if len(cell) else np.zeros(0, int)
    pence = np.add.reduceat(frame["pence"].to_numpy(dtype=np.int64)[order], first) if len(cell) else np.zeros(0)
    cell = cell[first]
    keep = pence != 0
    cell, pence = cell[keep], pence[keep]
    key_of = cell % n_keys
    out = pd.DataFrame({key: text_column(found[i], key_of) for i, key in enumerate(keys)})
    out["area_code"] = text_column(lad_codes, cell // n_keys)
    out["amount_pence"] = pence.astype(np.int64)
    return out


def _part_weights(rules: pd.DataFrame, region_totals: pd.DataFrame) -> pd.DataFrame:
    """:func:`tuttotal.count.topdown._part_weights` for every region at once (the same rows, order and weights):
    each rule's weight in each region, its fixed share or the region's total of its driver.

    Examples
    --------
    >>> import pandas as pd
    >>> rules = pd.DataFrame({"cofog": ["10.1", "10.1"], "driver": ["population", "children_0_15"],
    ...                       "share": ["driver", "driver"]})
    >>> totals = pd.DataFrame({"population": [10.0, 20.0], "children_0_15": [2.0, 5.0]}, index=["A", "B"])
    >>> _part_weights(rules, totals)[["region", "driver", "weight"]].values.tolist()
    [['A', 'population', 10.0], ['A', 'children_0_15', 2.0], ['B', 'population', 20.0], ['B', 'children_0_15', 5.0]]
    """
    import pandas as pd

    regions = list(region_totals.index)
    frame = pd.concat([rules] * len(regions), ignore_index=True)
    frame["region"] = np.repeat(np.array(regions, dtype=object), len(rules))
    column = region_totals.columns.get_indexer(frame["driver"])
    row = np.repeat(np.arange(len(regions)), len(rules))
    values = region_totals.to_numpy(dtype=float)
    totals = np.where(column >= 0, values[row, np.maximum(column, 0)], 0.0)
    fixed = pd.to_numeric(frame["share"], errors="coerce").fillna(1.0).to_numpy()
    frame["weight"] = np.where((frame["share"] == "driver").to_numpy(), totals, fixed)
    return frame


def national_topdown(
    year: str, data_dir: settings.DataRootLike = None, theme_table: pd.DataFrame | None = None
) -> LadLines:
    """Every region's CRA lines of ``year`` shared to all its LADs, exactly: the modelled count of every LAD.

    Each line is split into its theme parts at the region as
    :func:`tuttotal.count.topdown.topdown_count` splits it; each part goes to
    the region's LADs by their driver with the largest-remainder method, so the
    LADs of a region add up to its counted lines to the penny.
    """
    import pandas as pd

    theme_table = theme_table if theme_table is not None else themes.load_themes()
    totals, regions = _lad_index(data_dir)
    lad_codes = totals.index.to_numpy(dtype=object)
    items: list[dict] = []
    columns = [*SPEND_COLUMNS, "transfer"]
    if year not in TOPDOWN_YEARS:  # a later RS year with no regional analysis: nothing modelled
        return LadLines(pd.DataFrame(columns=columns), items, pd.DataFrame())
    table = lsoa.lsoa_table(data_dir)
    region_totals = topdown.region_drivers(table, regions)
    all_lines = cra_releases.cra_lines(data_dir)
    lines = topdown.numbered_lines(all_lines[all_lines["year"] == year])
    release = cra_releases.YEAR_RELEASE[year]
    items.append(
        {
            "item": f"England's identifiable spending, {year}: the nine regions' lines ({release})",
            "amount_pence": int(lines["region_pence"].sum()),
            "basis": MODELLED,
            "source": f"HM Treasury, Country and Regional Analysis ({release}); each region adds up to its "
            "release's total to the penny (tuttotal.data.cra_releases)",
            "codes": "",
            "kind": "cra_total",
        }
    )
    lines["agency_type"] = topdown.agency_types(lines)
    rules = topdown.line_rules(lines, theme_table)
    weights = _part_weights(rules, region_totals)
    unknown = sorted(set(weights.loc[weights.driver != themes.EXCLUDED, "driver"]) - set(lsoa.COUNTS))
    if unknown:
        raise InputError(
            f"the themes table names driver(s) {unknown} that the real data do not have",
            file=theme_table.attrs.get("source"),
            fix=f"use one of {', '.join(lsoa.COUNTS)} (or 'excluded')",
        )
    parts = lines.merge(weights, on=["region", "cofog"], how="left")
    parts["region_part_pence"] = split_parts(parts, ["line"], "region_pence", "weight")
    excluded = parts[parts["driver"] == themes.EXCLUDED]
    for reason, group in excluded.groupby("reason", sort=True):
        names = sorted(set(np.where(group["sub_function"] != "", group["sub_function"], group["function"])))
        items.append(
            {
                "item": f"not a place's spending: {reason}",
                "amount_pence": -int(group["region_part_pence"].sum()),
                "basis": MODELLED,
                "source": "data/themes.csv (driver 'excluded')",
                "codes": "; ".join(names),
                "kind": "excluded",
            }
        )
    counted = parts[parts["driver"] != themes.EXCLUDED].reset_index(drop=True)
    position = {code: i for i, code in enumerate(lad_codes)}
    lads_of_region = {
        region: np.array([position[code] for code in lad_codes if regions[code] == region], dtype=np.int64)
        for region in sorted(set(regions.values()))
    }
    row, lad, pence, zero = _share_out(
        counted["region_part_pence"].to_numpy(dtype=np.int64),
        [lads_of_region.get(region, np.zeros(0, dtype=np.int64)) for region in counted["region"]],
        counted["driver"].to_numpy(),
        totals,
    )
    if zero.any():
        items.append(
            {
                "item": "the region's driver sums to zero: not shared",
                "amount_pence": -int(counted.loc[zero, "region_part_pence"].sum()),
                "basis": MODELLED,
                "source": "",
                "codes": "; ".join(sorted(set(counted.loc[zero, "region"]))),
                "kind": "unshared",
            }
        )
    counted["agency"] = np.where(
        counted["sub_function"] != "", counted["function"] + ": " + counted["sub_function"], counted["function"]
    )
    keys = ["year", "agency", "agency_type", "body", "cofog", "theme", "driver", "spend_type"]
    shares = counted.iloc[row][keys].reset_index(drop=True)
    shares["lad"] = lad
    shares["pence"] = pence
    spend = _group_spend(shares, keys, lad_codes).rename(columns={"cofog": "function"})
    spend["transfer"] = False
    return LadLines(spend[columns], items, parts)


def national_books(
    year: str, data_dir: settings.DataRootLike = None, theme_table: pd.DataFrame | None = None
) -> LadLines:
    """Every authority's Revenue Outturn lines of ``year`` shared to all the LADs it serves: the measured count.

    As :func:`tuttotal.count.outturn_count.outturn_count` places an authority's
    service lines in a place (``data/authorities.csv``, ``data/outturn_services.csv``),
    each line shared over **all** its LADs by largest remainder, so every line
    placed is conserved to the penny; authorities the table places nowhere are
    listed, never dropped.

    Examples
    --------
    >>> books = national_books("2008-09", "../shared/data")  # doctest: +SKIP
    >>> int(books.spend["amount_pence"].sum()) // 100_000_000_00  # £bn placed in LADs  # doctest: +SKIP
    115
    """
    import pandas as pd

    theme_table = theme_table if theme_table is not None else themes.load_themes()
    totals, _ = _lad_index(data_dir)
    lad_codes = totals.index.to_numpy(dtype=object)
    table = outturn.read_outturn(data_dir, years=(year,))
    table = table[table["amount_pence"] != 0]
    items: list[dict] = [
        {
            "item": f"every authority's Revenue Outturn lines, {year}: net current expenditure by service and the "
            "benefits it pays",
            "amount_pence": int(table["amount_pence"].sum()),
            "basis": MEASURED,
            "source": f"DCLG Revenue Outturn Summary (RS) {year}, £ thousand (tuttotal.data.outturn)",
            "codes": "",
            "kind": "rs_total",
        }
    ]
    authorities = outturn_count.authority_table()
    covers = {row.e_code: row.lads.split() for row in authorities.itertuples()}
    rules = dict(zip(authorities["e_code"], authorities["rule"], strict=True))
    known = table["e_code"].isin([code for code, lads in covers.items() if lads])
    if (~known).any():
        lost = table[~known]
        reasons = lost["e_code"].map(lambda c: rules.get(c, "not in the authorities table"))
        for reason, group in lost.groupby(reasons, sort=True):
            items.append(
                {
                    "item": f"authority not placed in any LAD: {reason}",
                    "amount_pence": -int(group["amount_pence"].sum()),
                    "basis": MEASURED,
                    "source": "data/authorities.csv",
                    "codes": " ".join(sorted(group["e_code"].unique().tolist())),
                    "kind": "rs_unplaced",
                }
            )
    rows = table[known]
    services = outturn.service_table()
    parts = rows.merge(services[["service", "cofog", "driver", "share"]], on="service", how="left")
    if parts["cofog"].isna().any():
        missing = sorted(parts.loc[parts["cofog"].isna(), "service"].unique())
        raise InputError(f"services without a row: {missing}", file=services.attrs["source"])
    parts["weight"] = pd.to_numeric(parts["share"], errors="coerce").fillna(1.0)
    parts["part_pence"] = split_parts(parts, ["year", "e_code", "service"], "amount_pence", "weight")
    position = {code: i for i, code in enumerate(lad_codes)}
    lads_of = {
        code: np.array([position[lad] for lad in lads if lad in position], dtype=np.int64)
        for code, lads in covers.items()
    }
    row, lad, pence, zero = _share_out(
        parts["part_pence"].to_numpy(dtype=np.int64),
        [lads_of[code] for code in parts["e_code"]],
        parts["driver"].to_numpy(),
        totals,
    )
    if zero.any():
        items.append(
            {
                "item": "authority whose LADs' driver sums to zero: not shared",
                "amount_pence": -int(parts.loc[zero, "part_pence"].sum()),
                "basis": MEASURED,
                "source": "",
                "codes": " ".join(sorted(set(parts.loc[zero, "e_code"]))),
                "kind": "rs_unplaced",
            }
        )
    theme_of = {code: themes.rules_of(code, theme_table)["theme"].iloc[0] for code in parts["cofog"].unique()}
    parts["theme"] = parts["cofog"].map(theme_of)
    agencies = [
        outturn_count.agency_of(k, a, s)
        for k, a, s in zip(parts["class"], parts["authority"], parts["service"], strict=True)
    ]
    parts["agency"] = [agency for agency, _ in agencies]
    parts["agency_type"] = [kind for _, kind in agencies]
    keys = ["year", "agency", "agency_type", "cofog", "theme", "driver"]
    shares = parts.iloc[row][keys].reset_index(drop=True)
    shares["lad"] = lad
    shares["pence"] = pence
    spend = _group_spend(shares, keys, lad_codes).rename(columns={"cofog": "function"})
    spend["body"] = "LG"
    spend["spend_type"] = "current"
    spend["transfer"] = False
    return LadLines(spend[[*SPEND_COLUMNS, "transfer"]], items, parts)


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


def _digest(hashes: list[str]) -> str:
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()


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
        classified = themes.classify(lad_spend, theme_table, {})
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
        england_lads=len(cra.lad_regions(data_dir)),
    )
    bridge = _bridge(year, modelled.lines, data_dir) if books_years else pd.DataFrame()
    lap("tables")
    files, inputs = _provenance(year, lad_codes, data_dir, prices, books_years)
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
        sources=_source_list(files),
        stamp=None,
        notes=notes,
        timings=timings,
    )
    tables.check_reconciliation(result)
    return result


def _versions() -> dict[str, str]:
    """The versions of Python, tuttotal and the libraries the count's numbers depend on."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    found = {"tuttotal": __version__, "python": platform.python_version()}
    for name in ("pandas", "numpy", "pyarrow", "geopandas", "shapely"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


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


def _bridge(year: str, parts: pd.DataFrame, data_dir) -> pd.DataFrame:
    """Each region's (and England's) CRA local government current total beside its authorities' RS totals."""
    import pandas as pd

    lines = parts.assign(region_gbp=parts["region_pence"] / 100)
    lines = lines.drop_duplicates("line")
    totals = outturn.read_totals(data_dir, years=(year,))
    regions = measured_modelled.authority_regions(outturn_count.authority_table(), cra.lad_regions(data_dir))
    bridge = measured_modelled.region_bridge(lines, totals, regions, (year,))
    if not len(bridge):
        return bridge
    cra_total = float(bridge["modelled_gbp"].sum())
    books_total = int(totals["net current expenditure"].sum()) / 100
    england = {
        "year": year,
        "area": "England",
        "modelled_gbp": cra_total,
        "measured_gbp": books_total,
        "difference_gbp": books_total - cra_total,
        "difference_pct": 100 * (books_total - cra_total) / cra_total if cra_total else None,
        "modelled_is": "the CRA's local government current spending of the nine regions (identifiable)",
        "measured_is": f"net current expenditure of all {totals['e_code'].nunique()} authorities of the RS "
        "(authorities spanning regions included)",
    }
    return pd.concat([bridge, pd.DataFrame([england])], ignore_index=True)


def _provenance(year, lad_codes, data_dir, prices, books_years) -> tuple[dict[str, str], dict[str, str]]:
    """Every file read (name → path) and the inputs' SHA-256 (boundaries as one digest per kind)."""
    files = {name: str(path) for name, path in topdown.input_files(data_dir).items()}
    if books_years:
        files.update({n: str(p) for n, p in outturn_count.input_files(data_dir, years=books_years).items()})
    if prices != deflators.CASH:
        files["data:deflator_hmt"] = str(sources.get_path("deflator_hmt", data_dir))
    inputs = {name: datasets.sha256_of(path) for name, path in files.items()}
    registry = datasets.registry()
    lsoa_registry = sources.lsoa_registry()
    inputs["boundaries:wards-2013"] = _digest([f"{c} {registry[c].sha256}" for c in lad_codes])
    inputs["boundaries:lsoa-2011"] = _digest([f"{c} {lsoa_registry[c].sha256}" for c in lad_codes])
    files["boundaries:wards-2013"] = f"{len(lad_codes)} ward files (wards-2013/<LAD>.geojson)"
    files["boundaries:lsoa-2011"] = f"{len(lad_codes)} LSOA files (lsoa-2011/<LAD>.geojson)"
    return files, inputs


def _source_list(files: dict[str, str]) -> list[dict]:
    names = [name.split(":", 1)[1].split(" ")[0] for name in files if name.startswith("data:")]
    found = [
        {"name": s.name, "title": s.description, "vintage": s.vintage, "licence": s.licence, "url": s.url}
        for s in (sources.source(n) for n in dict.fromkeys(names))
    ]
    found.append(
        {
            "name": "boundaries",
            "title": "2013 ward and 2011 LSOA boundaries of every English LAD",
            "vintage": "2013",
            "licence": datasets.ATTRIBUTION,
            "url": "https://github.com/martinjc/UK-GeoJSON",
        }
    )
    return found


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
