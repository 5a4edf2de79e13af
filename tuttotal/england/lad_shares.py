"""Every LAD of England's share of a year's releases, exactly: the regions' CRA lines and the authorities' books.

:func:`national_topdown` shares each region's Country and Regional Analysis
lines (each split into its theme parts at the region) to all the region's
LADs by their driver; :func:`national_books` shares each authority's Revenue
Outturn lines to all the LADs it serves. Both use the largest-remainder
method on whole pence, so every line is conserved to the penny, and both
list what they do not share, with the reason, for the reconciliation.
:func:`books_bridge` sets the CRA's local government current spending beside
the books that replace it. :func:`tuttotal.england.count.england_count`
keeps the run's LADs and takes them into the wards.

Examples
--------
>>> from tuttotal.england.lad_shares import national_topdown
>>> modelled = national_topdown("2008-09", "../shared/data")  # doctest: +SKIP
>>> modelled.spend["area_code"].nunique()  # doctest: +SKIP
326
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tuttotal import settings
from tuttotal.count import measured_modelled, outturn_count, themes, topdown
from tuttotal.count.apportion import MEASURED, MODELLED
from tuttotal.count.real_years import TOPDOWN_YEARS
from tuttotal.data import cra, cra_releases, lsoa, outturn
from tuttotal.england.apportion import factorize_rows, grouped_largest_remainder, text_column
from tuttotal.errors import InputError
from tuttotal.money import split_parts

if TYPE_CHECKING:
    import pandas as pd

#: Where a pound of the LAD-level count came from (``source`` column of
#: :attr:`tuttotal.england.count.EnglandCount.lad_spend`).
TOPDOWN_SOURCE, BOOKS_SOURCE = "top-down", "outturn"
#: The spend schema's columns of the LAD-level count, in order.
SPEND_COLUMNS = topdown.SPEND_COLUMNS


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


def part_weights(rules: pd.DataFrame, region_totals: pd.DataFrame) -> pd.DataFrame:
    """:func:`tuttotal.count.topdown._part_weights` for every region at once (the same rows, order and weights):
    each rule's weight in each region, its fixed share or the region's total of its driver.

    Examples
    --------
    >>> import pandas as pd
    >>> rules = pd.DataFrame({"cofog": ["10.1", "10.1"], "driver": ["population", "children_0_15"],
    ...                       "share": ["driver", "driver"]})
    >>> totals = pd.DataFrame({"population": [10.0, 20.0], "children_0_15": [2.0, 5.0]}, index=["A", "B"])
    >>> part_weights(rules, totals)[["region", "driver", "weight"]].values.tolist()
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
    parts = topdown.lines_into_parts(lines, part_weights(rules, region_totals), theme_table)
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


def books_bridge(year: str, parts: pd.DataFrame, data_dir) -> pd.DataFrame:
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
