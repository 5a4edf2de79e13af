"""The top-down count: a place's share of its region's identifiable public spending, by need.

The pilots' high-level count started from HM Treasury's Country and
Regional Analysis: what each English region received, line by line
(:mod:`tuttotal.data.cra_releases`: PESA 2009 for 2003-04, then the CRA
databases of 2010, 2014 and 2018 to 2017-18, each line with its department
and the kind of body that spends it). A place takes, for every line of its region (each
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
driver. Who spends a line (its ``agency_type``: council, police, fire,
nhs, dwp, central, other) follows from its body and department
(``data/cra_bodies.csv``), never from a guess by function. Lines that
are not a place's spending (defence, debt interest, international
services, PESA's rounding) are kept with driver
``excluded`` and a reason, so the lines of ``topdown.csv`` add up to the
region's published total (its release's). Capital and current are kept apart. Amounts are
whole pence; each LAD's share is rounded to the penny, and from there the
count conserves every penny down to the wards.

Examples
--------
>>> from tuttotal.count import topdown
>>> result = topdown.topdown_count(["E07000114"])
>>> float(result.lines.groupby("year").region_gbp.sum()["2008-09"])
58906561113.06
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tuttotal import cache, paths, settings
from tuttotal.count import themes
from tuttotal.data import cra, cra_releases, lsoa, population_years, sources
from tuttotal.errors import InputError
from tuttotal.money import split_parts

if TYPE_CHECKING:
    import pandas as pd

METHOD = (
    "Top-down: each English region's identifiable spending by function and body (HM Treasury Country and "
    "Regional Analysis: PESA 2009 for 2003-04, the CRA databases 2010, 2014 and 2018 after; cash) shared by "
    "the place's part of the region's mid-2015 population and IMD 2010 need."
)
#: The years the top-down count covers.
YEARS = cra_releases.YEARS
TOPDOWN_COLUMNS = [
    "year",
    "release",
    "region",
    "department",
    "body",
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


#: The columns of the top-down spend table (:attr:`TopDown.spend`), in order.
SPEND_COLUMNS = [
    "year",
    "agency",
    "agency_type",
    "body",
    "area_code",
    "function",
    "amount_pence",
    "theme",
    "driver",
    "spend_type",
]
#: The data tables (:mod:`tuttotal.data.sources` names) a real count reads, whatever the year.
INPUT_SOURCES = (
    "cra_chapter9",
    "cra_chapter10",
    "cra_2010_chapter9",
    "cra_2010_chapter10",
    "cra_2014",
    "cra_2018",
    "lad13_to_nuts",
    "population",
    "imd2010",
    "imd2015",
    "lsoa01_to_lsoa11",
    "population_mye",  # the people of each year, for per head (population_years)
)


def input_files(data_dir: settings.DataRootLike = None, *, download: bool = False) -> dict:
    """The files a real count reads, named as in ``summary.json``'s ``inputs`` (for provenance and ``--resume``)."""

    files = {f"data:{name}": sources.get_path(name, data_dir, download=download) for name in INPUT_SOURCES}
    files["cra_lines"] = paths.data_dir() / "cra_lines.csv"
    files["cra_bodies"] = paths.data_dir() / "cra_bodies.csv"
    files["lad13_upper_tier"] = paths.data_dir() / "lad13_upper_tier.csv"  # each LAD's area of the estimates
    return files


def check_year(year: str) -> str:
    """``year`` if the regional analysis has it, else an :class:`InputError` saying which years it has."""
    if year not in YEARS:
        raise InputError(
            f"the regional analysis (PESA 2009, CRA 2010, 2014, 2018) has no year {year}: it covers "
            f"{YEARS[0]} to {YEARS[-1]}",
            fix=f"choose a year from {YEARS[0]} to {YEARS[-1]} (the pilots counted 2008-09), "
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


_region_drivers = cache.TableMemo("region-drivers", _sum_region_drivers)


def line_rules(lines: pd.DataFrame, theme_table: pd.DataFrame) -> pd.DataFrame:
    """Each distinct COFOG code of the lines with its themes table rows (parts).

    Worked out once per themes table and set of codes (a region's lines are the same for every
    place in it); the caller must not change the table it gets.
    """
    return _line_rules_of(theme_table, tuple(sorted(lines["cofog"].unique())))


def _work_out_line_rules(theme_table: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for cofog in codes:
        if cofog == "":
            rows.append(
                dict(
                    cofog="",
                    theme="",
                    driver=themes.EXCLUDED,
                    share="",
                    reason="PESA rounds every figure to £1m: this is "
                    "what the rounding leaves between a total and its lines",
                )
            )
            continue
        for part in themes.rules_of(cofog, theme_table).itertuples():
            rows.append(dict(cofog=cofog, theme=part.theme, driver=part.driver, share=part.share, reason=part.reason))
    return pd.DataFrame(rows, columns=["cofog", "theme", "driver", "share", "reason"])


@cache.memoize("cra-bodies", maxsize=1)
def body_table() -> pd.DataFrame:
    """``data/cra_bodies.csv``: the agency type of a line from its body, department and COFOG code.

    Rows are tried in order and the first that matches wins: ``*`` matches anything, an empty
    ``department`` only a line without one (PESA 2009's 2003-04 lines), and a ``cofog`` code
    its own lines and its sub-groups' (``07`` matches ``07.1``).
    """
    import pandas as pd

    path = paths.data_dir() / "cra_bodies.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.attrs["source"] = str(path)
    return table


def agency_type_of(
    body: str, department: str, cofog: str, table: pd.DataFrame | None = None, rules: list | None = None
) -> str:
    """The agency type of a line (``data/cra_bodies.csv``); ``""`` for a line without a body (PESA's rounding).

    Examples
    --------
    >>> agency_type_of("LG", "Local Government England", "03.1"), agency_type_of("LG", "ENG_LA", "09.2")
    ('police', 'council')
    >>> agency_type_of("CG", "Department for Transport", "04.5"), agency_type_of("CG", "", "07.1")
    ('central', 'nhs')
    """
    if body == "":
        return ""
    if table is None:
        return _agency_type_by_table(body, department, cofog)
    for rule_body, rule_department, rule_cofog, agency_type in rules if rules is not None else _rules_of(table):
        if rule_body != body:
            continue
        if rule_department != "*" and rule_department != department:
            continue
        if rule_cofog != "*" and cofog != rule_cofog and not cofog.startswith(rule_cofog + "."):
            continue
        return agency_type
    raise InputError(
        f"no row for a {body} line of {department or 'no department'} ({cofog or 'no COFOG code'})",
        file=table.attrs.get("source"),
        fix=f"add a row for body {body} (a last row '{body},*,*,<agency type>' catches every line)",
    )


def _rules_of(table: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    return list(table[["body", "department", "cofog", "agency_type"]].itertuples(index=False, name=None))


@cache.memoize("cra-body-rules", maxsize=1)
def _body_rules() -> list[tuple[str, str, str, str]]:
    return _rules_of(body_table())


@cache.memoize("agency-types", maxsize=4096)
def _agency_type_by_table(body: str, department: str, cofog: str) -> str:
    """:func:`agency_type_of` by ``data/cra_bodies.csv``, once per body, department and code."""
    return agency_type_of(body, department, cofog, body_table(), _body_rules())


def agency_types(lines: pd.DataFrame) -> list[str]:
    """:func:`agency_type_of` of every line (worked out once per distinct body, department and code)."""
    keys = list(zip(lines["body"], lines["department"], lines["cofog"], strict=True))
    found = {key: agency_type_of(*key) for key in set(keys)}
    return [found[key] for key in keys]


_line_rules_of = cache.TableMemo("line-rules", _work_out_line_rules)


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
    data_dir: settings.DataRootLike = None,
    years: tuple[str, ...] = YEARS,
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
        Financial years, from :data:`YEARS` (2003-04 to 2017-18).
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
    all_lines = cra_releases.cra_lines(data_dir, download=download)
    place_regions = sorted({regions[code] for code in lad_codes})
    parts = region_parts(all_lines, region_totals, theme_table, tuple(years), tuple(place_regions))

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
    keys = ["year", "agency", "agency_type", "body", "area_code", "cofog", "theme", "driver", "spend_type"]
    # one row per LAD, line part, agency type and body: departments of a part add up
    spend = shares.groupby(keys, sort=False, as_index=False)["amount_pence"].sum()
    spend = spend.rename(columns={"cofog": "function"})[SPEND_COLUMNS]
    spend = spend[spend["amount_pence"] != 0].reset_index(drop=True)
    spend["transfer"] = False

    # ---- topdown.csv: every line of the region's total, with the place's part
    by_part = (
        shares.groupby(["line", "theme", "driver"], sort=False).agg(place_pence=("amount_pence", "sum")).reset_index()
    )
    out = parts.merge(by_part, on=["line", "theme", "driver"], how="left")
    out["source"] = np.where(out["note"] == "", out["release"], out["release"] + "; " + out["note"])
    out["place_pence"] = out["place_pence"].fillna(0).astype("int64")
    region_lads = [lad_totals.loc[[c for c in lad_codes if regions[c] == r]] for r in place_regions]
    place_driver = pd.DataFrame(
        {driver: [float(frame[driver].sum()) for frame in region_lads] for driver in lsoa.COUNTS},
        index=place_regions,
    )
    counted_row = (out["driver"] != themes.EXCLUDED).to_numpy()
    out["region_driver"] = _lookup(region_totals, out["region"], out["driver"], counted_row)
    out["place_driver"] = _lookup(place_driver, out["region"], out["driver"], counted_row)
    out["region_gbp"] = out["region_part_pence"] / 100
    out["place_gbp"] = out["place_pence"] / 100
    topdown_lines = out[TOPDOWN_COLUMNS].sort_values(
        ["year", "region", "function", "sub_function", "spend_type", "body", "department"],
        kind="stable",
        ignore_index=True,
    )
    files = {name: str(path) for name, path in input_files(data_dir, download=download).items()}
    return TopDown(spend=spend, lines=topdown_lines, files=files)


_REGION_PARTS = cache.Memory("topdown-region-parts", maxsize=8)


def region_parts(
    all_lines: pd.DataFrame,
    region_totals: pd.DataFrame,
    theme_table: pd.DataFrame,
    years: tuple[str, ...],
    regions: tuple[str, ...],
) -> pd.DataFrame:
    """Every line of ``regions`` in ``years`` split into its themes table parts at the region, in whole pence.

    What a top-down count works out before it looks at the place's LADs: each line's agency type, its
    parts (theme, driver, weight) and ``region_part_pence``. It depends on the regions, years, the
    themes table and the data, not on the place, so a warm kernel makes it once for every place of a
    region (kept while the tables it came from are the same objects): never change the table.

    Examples
    --------
    >>> from tuttotal.data import cra, cra_releases, lsoa
    >>> args = (cra_releases.cra_lines(), region_drivers(lsoa.lsoa_table(), cra.lad_regions()))  # doctest: +SKIP
    >>> args += (themes.load_themes(),)  # doctest: +SKIP
    >>> parts = region_parts(*args, ("2008-09",), ("South East",))  # doctest: +SKIP
    >>> parts is region_parts(*args, ("2008-09",), ("South East",))  # the same table for every place  # doctest: +SKIP
    True
    """
    # cra_lines() gives a copy per call (its attrs are the caller's): the files it was read from name it
    source = tuple(sorted(all_lines.attrs.get("files", {}).items())) or id(all_lines)
    key = (source, id(region_totals), id(theme_table), years, regions)

    def split() -> tuple:
        return (
            all_lines,
            region_totals,
            theme_table,
            _split_lines(all_lines, region_totals, theme_table, years, regions),
        )

    held = _REGION_PARTS.get_or_make(key, split)
    same = held[1] is region_totals and held[2] is theme_table and (isinstance(source, tuple) or held[0] is all_lines)
    return held[3] if same else split()[3]  # the entry holds the tables, so their ids are not reused while it lives


def _split_lines(
    all_lines: pd.DataFrame,
    region_totals: pd.DataFrame,
    theme_table: pd.DataFrame,
    years: tuple[str, ...],
    regions: tuple[str, ...],
) -> pd.DataFrame:
    place_regions = list(regions)
    lines = numbered_lines(all_lines[all_lines["year"].isin(years) & all_lines["region"].isin(place_regions)])
    lines["agency_type"] = agency_types(lines)
    rules = line_rules(lines, theme_table)
    return lines_into_parts(lines, _part_weights(rules, region_totals.loc[place_regions]), theme_table)


def lines_into_parts(lines: pd.DataFrame, weights: pd.DataFrame, theme_table: pd.DataFrame) -> pd.DataFrame:
    """Each CRA line split into its parts at the region, whole pence, exact (``region_part_pence``).

    ``weights`` gives each region and COFOG code's parts (driver and weight), as :func:`_part_weights`
    makes them for a place's regions and :func:`tuttotal.england.lad_shares.part_weights` for every
    region at once; a driver the real data do not have is an error naming the themes table.
    """
    unknown = sorted(set(weights.loc[weights.driver != themes.EXCLUDED, "driver"]) - set(lsoa.COUNTS))
    if unknown:
        raise InputError(
            f"the themes table names driver(s) {unknown} that the real data do not have",
            file=theme_table.attrs.get("source"),
            fix=f"use one of {', '.join(lsoa.COUNTS)} (or 'excluded')",
        )
    parts = lines.merge(weights, on=["region", "cofog"], how="left")
    parts["region_part_pence"] = split_parts(parts, ["line"], "region_pence", "weight")
    return parts


def numbered_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """The lines with a ``line`` number each (the key a line's parts are split under)."""
    lines = lines.reset_index(drop=True)
    lines["line"] = np.arange(len(lines))
    return lines


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


_REGION_CACHE = cache.Memory("region-per-head", maxsize=32)


def region_theme_per_head(
    year: str,
    *,
    data_dir: settings.DataRootLike = None,
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
    return _REGION_CACHE.get_or_make(key, lambda: _region_theme_per_head(year, data_dir, theme_table)).copy()


def _region_theme_per_head(year: str, data_dir, theme_table: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    regions = cra.lad_regions(data_dir)
    table = lsoa.lsoa_table(data_dir)
    totals = region_drivers(table, regions)
    lines = cra_releases.cra_lines(data_dir)
    lines = numbered_lines(lines[lines["year"] == year])
    parts = lines.merge(_part_weights(line_rules(lines, theme_table), totals), on=["region", "cofog"])
    parts["pence"] = split_parts(parts, ["line"], "region_pence", "weight")
    counted = parts[parts["driver"] != themes.EXCLUDED]
    by_theme = counted.pivot_table(index="theme", columns="region", values="pence", aggfunc="sum", fill_value=0)
    by_theme["England"] = by_theme.sum(axis=1)
    by_theme.loc["all themes"] = by_theme.sum(axis=0)
    of_year = population_years.region_population_of_year(year, data_dir)  # per head of the year's people
    people = pd.concat([of_year, pd.Series({"England": of_year.sum()})]).astype(float)
    return by_theme / 100 / people.reindex(by_theme.columns)


_LAD_CACHE = cache.Memory("lad-per-head", maxsize=32)


def lad_per_head(
    year: str,
    *,
    data_dir: settings.DataRootLike = None,
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
    return _LAD_CACHE.get_or_make(key, lambda: _lad_per_head(year, data_dir, theme_table)).copy()


def _lad_per_head(year: str, data_dir, theme_table: pd.DataFrame) -> pd.Series:
    regions = cra.lad_regions(data_dir)
    table = lsoa.lsoa_table(data_dir)
    totals = region_drivers(table, regions)
    lines = cra_releases.cra_lines(data_dir)
    lines = numbered_lines(lines[lines["year"] == year])
    parts = lines.merge(_part_weights(line_rules(lines, theme_table), totals), on=["region", "cofog"])
    parts["pence"] = split_parts(parts, ["line"], "region_pence", "weight")
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
