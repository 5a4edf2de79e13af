"""The top-down count: a place's share of its region's identifiable public spending, by need.

The pilots' high-level count started from HM Treasury's Country and
Regional Analysis (:mod:`tuttotal.data.cra`): what each English region received,
function by function. A place takes, for every line of its region (each
LAD its own region), the share its people and need hold of the region's:

    place £ = region £ × place driver / region driver

with the driver of the line's COFOG group from ``data/themes.csv``
(children for education and family benefits, people 60+ for old age,
income-deprived people for housing and other social protection,
employment-deprived people for unemployment and employment programmes,
population where nothing better is known). The region's driver is the sum
over all its LSOAs (:mod:`tuttotal.data.lsoa`), so no boundary is needed for it;
the place's is the sum over its LADs, which its wards add up to exactly
(:mod:`tuttotal.data.ward_drivers`). A line split across themes (sickness and
disability by age) is split at the region first, each part by its own
driver. Lines that are not a place's spending (defence, debt interest,
international services, PESA's rounding) are kept with driver
``excluded`` and a reason, so the lines of ``topdown.csv`` add up to the
region's published total. Capital and current are kept apart. Amounts are
whole pence; each LAD's share is rounded to the penny, and from there the
count conserves every penny down to the wards.

Examples
--------
>>> from tuttotal.count import topdown
>>> result = topdown.topdown_count(["E07000114"], data_dir="../shared/data")  # doctest: +SKIP
>>> result.lines.groupby("year").region_gbp.sum()["2008-09"]  # doctest: +SKIP
57825000000.0
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tuttotal import paths
from tuttotal.count import themes
from tuttotal.data import cra, lsoa, population_years, sources
from tuttotal.errors import InputError
from tuttotal.memo import TableMemo
from tuttotal.money import split_parts

if TYPE_CHECKING:
    import pandas as pd

METHOD = (
    "Top-down: each English region's identifiable spending by function (HM Treasury, PESA 2009 Country and "
    "Regional Analysis, cash) shared by the place's part of the region's mid-2015 population and IMD 2010 need."
)
TOPDOWN_COLUMNS = [
    "year",
    "region",
    "function",
    "sub_function",
    "cofog",
    "spend_type",
    "theme",
    "region_gbp",
    "driver",
    "region_driver",
    "place_driver",
    "place_gbp",
    "source",
    "reason",
]


@dataclass
class TopDown:
    """The result of :func:`topdown_count`.

    Attributes
    ----------
    spend : pandas.DataFrame
        The count in the spend schema, one row per LAD and line part:
        ``year, agency, agency_type, area_code`` (the LAD), ``function``
        (COFOG), ``amount_pence``, ``theme``, ``driver``.
    lines : pandas.DataFrame
        ``topdown.csv``: every line of each region's total (:data:`TOPDOWN_COLUMNS`).
    files : dict
        Name → path of every data file read.
    """

    spend: pd.DataFrame
    lines: pd.DataFrame
    files: dict


def input_files(data_dir: str | os.PathLike | None = None, *, download: bool = False) -> dict:
    """The files a real count reads, named as in ``summary.json``'s ``inputs`` (for provenance and ``--resume``)."""

    names = (
        "cra_chapter9",
        "cra_chapter10",
        "lad13_to_nuts",
        "population",
        "imd2010",
        "imd2015",
        "lsoa01_to_lsoa11",
        "population_mye",  # the people of each year, for per head (population_years)
    )
    files = {f"data:{name}": sources.get_path(name, data_dir, download=download) for name in names}
    files["cra_lines"] = paths.data_dir() / "cra_lines.csv"
    files["lad13_upper_tier"] = paths.data_dir() / "lad13_upper_tier.csv"  # each LAD's area of the estimates
    return files


def check_year(year: str) -> str:
    """``year`` if the regional analysis has it, else an :class:`InputError` saying which years it has."""
    if year not in cra.YEARS:
        raise InputError(
            f"the regional analysis (PESA 2009) has no year {year}: it covers {cra.YEARS[0]} to {cra.YEARS[-1]}",
            fix=f"choose a year from {cra.YEARS[0]} to {cra.YEARS[-1]} (the pilots counted 2008-09), "
            "or give your own count with --spend",
        )
    return year


def region_drivers(table: pd.DataFrame, regions: dict[str, str]) -> pd.DataFrame:
    """Every count driver summed over each region's LSOAs (index: region).

    Summed once per LSOA table and region lookup (the caller must not change the result).
    """
    return _region_drivers(table, tuple(sorted(regions.items())))


def _sum_region_drivers(table: pd.DataFrame, regions: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    frame = table[["lad13_code", *lsoa.COUNTS]].copy()
    frame["region"] = frame["lad13_code"].map(dict(regions))
    return frame.dropna(subset=["region"]).groupby("region")[list(lsoa.COUNTS)].sum()


_region_drivers = TableMemo(_sum_region_drivers)


def _line_rules(lines: pd.DataFrame, theme_table: pd.DataFrame) -> pd.DataFrame:
    """Each distinct CRA line with its COFOG group, main agency type and its themes table rows (parts).

    Worked out once per themes table and set of lines (a region's lines are the same for every
    place in it); the caller must not change the table it gets.
    """
    pairs = tuple(lines[["function", "sub_function"]].drop_duplicates().itertuples(index=False, name=None))
    return _line_rules_of(theme_table, pairs)


def _work_out_line_rules(theme_table: pd.DataFrame, pairs: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    import pandas as pd

    names = cra.line_table()
    keyed = {
        (function, sub): {"cofog": cofog, "agency_type": agency_type}
        for function, sub, cofog, agency_type in names[["function", "sub_function", "cofog", "agency_type"]].itertuples(
            index=False
        )
    }
    rows = []
    for function, sub in pairs:
        if sub == cra.ROUNDING:
            rows.append(
                dict(
                    function=function,
                    sub_function=sub,
                    cofog="",
                    agency_type="",
                    theme="",
                    driver=themes.EXCLUDED,
                    share="",
                    reason="PESA rounds every figure to £1m: this is "
                    "what the rounding leaves between a total and its lines",
                )
            )
            continue
        if (function, sub) not in keyed:
            raise InputError(
                f"the regional analysis line {function!r} / {sub!r} has no row in the CRA line table",
                file=names.attrs.get("source"),
                fix="add the line with its COFOG group and main agency type",
            )
        found = keyed[(function, sub)]
        for part in themes.rules_of(found["cofog"], theme_table).itertuples():
            rows.append(
                dict(
                    function=function,
                    sub_function=sub,
                    cofog=found["cofog"],
                    agency_type=found["agency_type"],
                    theme=part.theme,
                    driver=part.driver,
                    share=part.share,
                    reason=part.reason,
                )
            )
    return pd.DataFrame(rows)


_line_rules_of = TableMemo(_work_out_line_rules)


def _part_weights(rules: pd.DataFrame, region_totals: pd.DataFrame) -> pd.DataFrame:
    """Weight of each part of a line, per region (fixed shares, or the region's driver totals)."""
    import pandas as pd

    frames = []
    for region in region_totals.index:
        frame = rules.copy()
        frame["region"] = region
        by_driver = frame["share"] == "driver"
        totals = frame["driver"].map(lambda d, r=region: float(region_totals.at[r, d]) if d in region_totals else 0.0)
        fixed = pd.to_numeric(frame["share"], errors="coerce").fillna(1.0)
        frame["weight"] = np.where(by_driver, totals, fixed)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def topdown_count(
    lad_codes: list[str] | tuple[str, ...],
    *,
    data_dir: str | os.PathLike | None = None,
    years: tuple[str, ...] = cra.YEARS,
    theme_table: pd.DataFrame | None = None,
    download: bool = True,
) -> TopDown:
    """A place's top-down count for each year: its share of every line of its region(s).

    Parameters
    ----------
    lad_codes : list of str
        The place's English LADs of 2013.
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    years : tuple of str
        Financial years, from :data:`tuttotal.data.cra.YEARS`.
    theme_table : pandas.DataFrame, optional
        :func:`tuttotal.count.themes.load_themes` (``data/themes.csv`` when omitted).

    Returns
    -------
    TopDown
    """
    import pandas as pd

    for year in years:
        check_year(year)
    theme_table = theme_table if theme_table is not None else themes.load_themes()
    regions = cra.lad_regions(data_dir)
    outside = [code for code in lad_codes if code not in regions]
    if outside:
        raise InputError(
            f"{', '.join(outside)} is not an English LAD of 2013: the regional analysis covers English regions only",
            fix="give English LAD codes (E06, E07, E08, E09…)",
        )
    table = lsoa.lsoa_table(data_dir, download=download)
    region_totals = region_drivers(table, regions)
    lad_totals = lsoa.lad_totals(table)
    all_lines = cra.region_lines(data_dir, download=download)
    place_regions = sorted({regions[code] for code in lad_codes})
    lines = all_lines[all_lines["year"].isin(years) & all_lines["region"].isin(place_regions)].reset_index(drop=True)
    rules = _line_rules(lines, theme_table)
    weights = _part_weights(rules, region_totals.loc[place_regions])
    unknown = sorted(set(weights.loc[weights.driver != themes.EXCLUDED, "driver"]) - set(lsoa.COUNTS))
    if unknown:
        raise InputError(
            f"the themes table names driver(s) {unknown} that the real data do not have",
            file=theme_table.attrs.get("source"),
            fix=f"use one of {', '.join(lsoa.COUNTS)} (or 'excluded')",
        )

    # ---- each line split into its parts at the region (whole pence, exact)
    parts = lines.merge(weights, on=["region", "function", "sub_function"], how="left")
    parts["region_part_pence"] = split_parts(
        parts, ["year", "region", "function", "sub_function", "spend_type"], "region_pence", "weight"
    )

    # ---- the place's share, LAD by LAD
    counted = parts[parts["driver"] != themes.EXCLUDED]
    lads = pd.DataFrame({"area_code": list(lad_codes), "region": [regions[c] for c in lad_codes]})
    shares = counted.merge(lads, on="region")
    region_driver = _lookup(region_totals, shares["region"], shares["driver"])
    lad_driver = _lookup(lad_totals, shares["area_code"], shares["driver"])
    exact = (
        shares["region_part_pence"].to_numpy(dtype=float) * lad_driver / np.where(region_driver > 0, region_driver, 1)
    )
    shares["amount_pence"] = np.rint(exact).astype(np.int64)
    shares["agency"] = np.where(
        shares["sub_function"] != "", shares["function"] + ": " + shares["sub_function"], shares["function"]
    )
    spend = shares.rename(columns={"cofog": "function_code"})[
        ["year", "agency", "agency_type", "area_code", "function_code", "amount_pence", "theme", "driver", "spend_type"]
    ].rename(columns={"function_code": "function"})
    spend = spend[spend["amount_pence"] != 0].reset_index(drop=True)
    spend["transfer"] = False

    # ---- topdown.csv: every line of the region's total, with the place's part
    by_part = (
        shares.groupby(["year", "region", "function", "sub_function", "spend_type", "theme", "driver"], sort=False)
        .agg(place_pence=("amount_pence", "sum"))
        .reset_index()
    )
    out = parts.merge(
        by_part, on=["year", "region", "function", "sub_function", "spend_type", "theme", "driver"], how="left"
    )
    out["place_pence"] = out["place_pence"].fillna(0).astype("int64")
    place_driver = pd.DataFrame(
        {
            driver: [
                float(lad_totals.loc[[c for c in lad_codes if regions[c] == r], driver].sum()) for r in place_regions
            ]
            for driver in lsoa.COUNTS
        },
        index=place_regions,
    )
    counted_row = (out["driver"] != themes.EXCLUDED).to_numpy()
    out["region_driver"] = _lookup(region_totals, out["region"], out["driver"], counted_row)
    out["place_driver"] = _lookup(place_driver, out["region"], out["driver"], counted_row)
    out["region_gbp"] = out["region_part_pence"] / 100
    out["place_gbp"] = out["place_pence"] / 100
    topdown_lines = out[TOPDOWN_COLUMNS].sort_values(
        ["year", "region", "function", "sub_function", "spend_type"], kind="stable", ignore_index=True
    )
    files = {name: str(path) for name, path in input_files(data_dir, download=download).items()}
    return TopDown(spend=spend, lines=topdown_lines, files=files)


def _lookup(table: pd.DataFrame, rows: pd.Series, columns: pd.Series, where: np.ndarray | None = None) -> np.ndarray:
    """``table.at[row, column]`` of each pair, as floats (NaN outside ``where``; a pair inside it must exist)."""
    row_at = table.index.get_indexer(rows.to_numpy())
    column_at = table.columns.get_indexer(columns.to_numpy())
    inside = np.ones(len(row_at), dtype=bool) if where is None else np.asarray(where, dtype=bool)
    missing = inside & ((row_at < 0) | (column_at < 0))
    if missing.any():
        at = int(np.flatnonzero(missing)[0])
        raise KeyError(f"no value for ({rows.iloc[at]!r}, {columns.iloc[at]!r})")
    found = table.to_numpy(dtype=float)[np.where(inside, row_at, 0), np.where(inside, column_at, 0)]
    return np.where(inside, found, np.nan)


_REGION_CACHE: dict[tuple, pd.DataFrame] = {}


def region_theme_per_head(
    year: str,
    *,
    data_dir: str | os.PathLike | None = None,
    theme_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each English region's and England's identifiable spending per head by theme (lines counted for places).

    Returns
    -------
    pandas.DataFrame
        Index: theme (and ``all themes``); columns: the nine regions and
        ``England``; £ per head of the year's people
        (:func:`tuttotal.data.population_years.region_population_of_year`:
        mid-2015 LSOAs scaled to the year's ONS mid-year estimates). The
        lines are shared out by the drivers as they are (mid-2015 structure,
        IMD 2010 need): only the denominator is the year's.
    """

    check_year(year)
    theme_table = theme_table if theme_table is not None else themes.load_themes()
    key = (year, str(input_files(data_dir, download=True)), theme_table.reset_index().to_json())
    if key not in _REGION_CACHE:
        _REGION_CACHE[key] = _region_theme_per_head(year, data_dir, theme_table)
    return _REGION_CACHE[key].copy()


def _region_theme_per_head(year: str, data_dir, theme_table: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    regions = cra.lad_regions(data_dir)
    table = lsoa.lsoa_table(data_dir)
    totals = region_drivers(table, regions)
    lines = cra.region_lines(data_dir)
    lines = lines[lines["year"] == year].reset_index(drop=True)
    parts = lines.merge(
        _part_weights(_line_rules(lines, theme_table), totals), on=["region", "function", "sub_function"]
    )
    parts["pence"] = split_parts(parts, ["region", "function", "sub_function", "spend_type"], "region_pence", "weight")
    counted = parts[parts["driver"] != themes.EXCLUDED]
    by_theme = counted.pivot_table(index="theme", columns="region", values="pence", aggfunc="sum", fill_value=0)
    by_theme["England"] = by_theme.sum(axis=1)
    by_theme.loc["all themes"] = by_theme.sum(axis=0)
    of_year = population_years.region_population_of_year(year, data_dir)  # per head of the year's people
    people = pd.concat([of_year, pd.Series({"England": of_year.sum()})]).astype(float)
    return by_theme / 100 / people.reindex(by_theme.columns)


_LAD_CACHE: dict[tuple, pd.Series] = {}


def lad_per_head(
    year: str,
    *,
    data_dir: str | os.PathLike | None = None,
    theme_table: pd.DataFrame | None = None,
) -> pd.Series:
    """Every English LAD's top-down spending per head for ``year``: the map of England around a place.

    The same sum as :func:`topdown_count`, for all 326 LADs at once and
    without rounding to the penny: each counted part of each line of a
    region, times the LAD's share of the region's driver (mid-2015 people,
    IMD 2010 need), over the LAD's people of the year
    (:func:`tuttotal.data.population_years.lad_population_of_year`). Made
    once per year and inputs in a process.

    Returns
    -------
    pandas.Series
        £ per head, indexed by LAD code of 2013.

    Examples
    --------
    >>> per_head = lad_per_head("2008-09", data_dir="../shared/data")  # doctest: +SKIP
    >>> len(per_head), round(per_head["E07000114"])  # doctest: +SKIP
    (326, 7476)
    """
    check_year(year)
    theme_table = theme_table if theme_table is not None else themes.load_themes()
    key = (year, str(input_files(data_dir, download=True)), theme_table.reset_index().to_json())
    if key not in _LAD_CACHE:
        _LAD_CACHE[key] = _lad_per_head(year, data_dir, theme_table)
    return _LAD_CACHE[key].copy()


def _lad_per_head(year: str, data_dir, theme_table: pd.DataFrame) -> pd.Series:
    regions = cra.lad_regions(data_dir)
    table = lsoa.lsoa_table(data_dir)
    totals = region_drivers(table, regions)
    lines = cra.region_lines(data_dir)
    lines = lines[lines["year"] == year].reset_index(drop=True)
    parts = lines.merge(
        _part_weights(_line_rules(lines, theme_table), totals), on=["region", "function", "sub_function"]
    )
    parts["pence"] = split_parts(parts, ["region", "function", "sub_function", "spend_type"], "region_pence", "weight")
    counted = parts[parts["driver"] != themes.EXCLUDED]
    pence = counted.pivot_table(index="region", columns="driver", values="pence", aggfunc="sum", fill_value=0)
    rate = pence / totals.loc[pence.index, pence.columns].where(lambda t: t > 0)  # pence per unit of each driver
    lad = lsoa.lad_totals(table)
    lad = lad[lad.index.isin(list(regions))]
    lad_rates = rate.reindex(lad.index.map(regions)).fillna(0.0).to_numpy()
    gbp = (lad_rates * lad[pence.columns].to_numpy(dtype=float)).sum(axis=1) / 100
    people = population_years.lad_population_of_year(year, data_dir).reindex(lad.index).to_numpy(dtype=float)
    import pandas as pd

    return pd.Series(np.where(people > 0, gbp / np.where(people > 0, people, 1), np.nan), index=lad.index)
