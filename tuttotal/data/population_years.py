"""People in each year: the mid-2015 LSOA populations scaled to each year's ONS mid-year estimates.

The LSOA table (:mod:`tuttotal.data.lsoa`) has one population, mid-2015 (IoD
2019 File 6). A per-head figure of 2008-09 divided by it counts 6–7% too
many people. This module gives each 2011 LSOA the people **of a year**:

* **Which mid-year.** A financial year's people are those of the mid-year of
  its first calendar year: 2008-09 → mid-2008 (30 June 2008, three months
  into the year). ONS's mid-year estimates (Nomis NM_31_1, pinned as
  ``population_mye``) cover mid-2001 to mid-2024; mid-2012 onward come from
  a later (post-2021 census) vintage than the years before.
* **What is scaled.** Within each English **upper-tier area** of the
  estimates (counties and unitaries on April 2023 boundaries: Kent
  E10000016, Medway E06000035; the areas merged after 2013 under their 2023
  codes) and each age band, the mid-2015 LSOA counts are scaled in
  proportion so that they add up to that area's target of the year, and
  rounded to whole people by largest remainder (so the sums are exact). The
  2013 LAD of each LSOA gives its area through ``data/lad13_upper_tier.csv``
  (built by ``scripts/build_lad13_upper_tier.py``). The LSOAs' shares of
  their area stay those of mid-2015: only the area's level moves.
* **Age bands** (:data:`AGE_BANDS`). Two of File 6's bands are bands of the
  estimates and are scaled to their level: ``population`` to ``All ages``
  and ``children_0_15`` to ``Aged 0 - 15`` (so Kent's LSOAs add up to
  1,423,308 people in mid-2008, exactly the estimate). The other three have
  no band of the same ages, so they keep their mid-2015 area total moved by
  the *growth since mid-2015* of the nearest band: ``people_16_59`` and
  ``working_age`` (18–59/64) by ``Aged 16 - 59/64``, and ``people_60_plus``
  by the people above it (``All ages`` − ``Aged 0 - 15`` − ``Aged 16 -
  59/64``: women 60 and over, men 65 and over). The bands of a year need
  not add up to its ``population``, as in File 6 itself.

Drivers of need are not moved: the deprivation rates are IMD 2010's (and
2015's), the shares of each LSOA within its area mid-2015's.

Regions are checked against Eurostat's population on 1 January
(:func:`eurostat_region_population`, pinned as ``population_eurostat``):
a mid-year lies halfway between two 1 Januaries, so the sum of a CRA
region's LSOAs in mid-year ``Y`` is compared with the mean of Eurostat's 1
January ``Y`` and 1 January ``Y + 1`` (:func:`eurostat_mid_year`). It is
within 1.5% for every region and every year 2003 to 2017 (at most 0.2%
to mid-2012, 0.8% after, where ONS's later vintage starts); against 1
January ``Y + 1`` alone it would be within 1.4%.

Examples
--------
>>> from tuttotal.data import population_years
>>> population_years.mid_year("2008-09"), population_years.mid_year(2015)
(2008, 2015)
>>> people = population_years.lsoa_population_of_year("2008-09")
>>> int(people.loc[people.upper_tier_code == "E10000016", "population"].sum())
1423308
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal import cache, paths, settings
from tuttotal.data import cra, lsoa, sources
from tuttotal.data.deflators import financial_year
from tuttotal.errors import InputError
from tuttotal.money import largest_remainder

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

#: The mid-year of File 6's LSOA populations.
BASE_YEAR = 2015
#: File 6 column → (band of the estimates, how it is used): ``level`` = scaled to
#: the band's total of the year; ``growth`` = its mid-2015 total times the band's
#: growth since mid-2015.
AGE_BANDS = {
    "population": ("All ages", "level"),
    "children_0_15": ("Aged 0 - 15", "level"),
    "people_16_59": ("Aged 16 - 59/64", "growth"),
    "people_60_plus": ("Aged 60/65 and over", "growth"),
    "working_age": ("Aged 16 - 59/64", "growth"),
}
#: How each band is scaled, in words (for notes and drivers.csv).
BAND_NOTES = {
    "population": "scaled to ONS mid-year estimate, all ages",
    "children_0_15": "scaled to ONS mid-year estimate, aged 0-15",
    "people_16_59": "mid-2015 x growth of ONS aged 16-59/64",
    "people_60_plus": "mid-2015 x growth of ONS all ages less 0-15 and 16-59/64 (60/65 and over)",
    "working_age": "mid-2015 x growth of ONS aged 16-59/64",
}
_DERIVED = "Aged 60/65 and over"
_EUROSTAT_REGIONS = {
    "UKC": "North East",
    "UKD": "North West",
    "UKE": "Yorkshire and the Humber",
    "UKF": "East Midlands",
    "UKG": "West Midlands",
    "UKH": "East",
    "UKI": "London",
    "UKJ": "South East",
    "UKK": "South West",
}


def mid_year(year: object) -> int:
    """The mid-year whose people a financial year uses: the first calendar year's (2008-09 → 2008).

    Examples
    --------
    >>> mid_year("2008/09"), mid_year("2016-17")
    (2008, 2016)
    """
    return int(financial_year(year)[:4])


@cache.memoize("population-years-read-estimates", maxsize=4)
def _read_estimates(path: str) -> pd.DataFrame:
    """England's upper-tier estimates: index (area code, band), columns the mid-years (ints), whole people."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype={"region": str, "region_code": str, "age_band": str})
    except Exception as exc:
        raise InputError(f"cannot read the mid-year estimates ({type(exc).__name__}: {exc})", file=path) from None
    for column in ("region", "region_code", "age_band"):
        if column not in frame.columns:
            raise InputError(f"the mid-year estimates lack the column {column!r}", file=path)
    frame = frame[frame["region_code"].str.startswith("E")]
    years = [c for c in frame.columns if c.isdigit()]
    values = frame[years].apply(pd.to_numeric, errors="coerce")
    bad = values.isna() | (values < 0)
    if bad.to_numpy().any():
        row, col = (int(v[0]) for v in bad.to_numpy().nonzero())
        raise InputError(
            "is not a count of people", file=path, row=int(frame.index[row]) + 2, column=years[col],
            value=frame[years[col]].iloc[row],
        )  # fmt: skip
    table = values.round().astype("int64")
    table.columns = [int(y) for y in years]
    table.index = pd.MultiIndex.from_arrays([frame["region_code"], frame["age_band"]], names=["area", "band"])
    bands = set(table.index.get_level_values("band"))
    needed = {"All ages", "Aged 0 - 15", "Aged 16 - 59/64"}
    if not needed <= bands:
        raise InputError(f"the mid-year estimates lack the age band(s) {sorted(needed - bands)}", file=path)
    total = table.xs("All ages", level="band")
    above = total - table.xs("Aged 0 - 15", level="band") - table.xs("Aged 16 - 59/64", level="band")
    above.index = pd.MultiIndex.from_arrays([above.index, [_DERIVED] * len(above)], names=["area", "band"])
    return pd.concat([table, above]).sort_index()


def upper_tier_estimates(data_dir: settings.DataRootLike = None, *, download: bool = True) -> pd.DataFrame:
    """ONS mid-year estimates of England's upper-tier areas by age band, mid-2001 to mid-2024.

    Returns
    -------
    pandas.DataFrame
        Index ``(area, band)`` (April 2023 codes; bands ``All ages``, ``Aged 0 - 15``,
        ``Aged 16 - 59/64``, ``Aged 16 - 64``, ``Aged 18 - 24``, ``Aged 65 and over``
        and the derived ``Aged 60/65 and over``), one int column per mid-year. Shared: never change it.

    Examples
    --------
    >>> estimates = upper_tier_estimates()
    >>> int(estimates.loc[("E10000016", "All ages"), 2008])
    1423308
    """
    return _read_estimates(str(sources.get_path("population_mye", data_dir, download=download)))


@cache.memoize("population-years-read-upper-tier", maxsize=2)
def _read_upper_tier(path: str) -> dict[str, str]:
    import pandas as pd

    table = pd.read_csv(path, dtype=str)
    return dict(zip(table["lad13_code"], table["upper_tier_code"], strict=True))


def lad_upper_tier() -> dict[str, str]:
    """The upper-tier area of the estimates (April 2023 code) holding each 2013 LAD (``data/lad13_upper_tier.csv``).

    Examples
    --------
    >>> areas = lad_upper_tier()
    >>> len(areas), areas["E07000114"], areas["E06000035"], areas["E07000048"]
    (326, 'E10000016', 'E06000035', 'E06000058')
    """
    return _read_upper_tier(str(paths.project_file("data/lad13_upper_tier.csv")))


def scale_to_totals(values, groups, targets) -> pd.Series:
    """Whole numbers in proportion to ``values`` within each group, adding up to the group's target exactly.

    Parameters
    ----------
    values : pandas.Series
        Non-negative counts (the mid-2015 LSOA people).
    groups : pandas.Series
        The group of each value (the upper-tier area), same index.
    targets : mapping or pandas.Series
        The whole-number total of each group.

    Returns
    -------
    pandas.Series
        int64, same index; each group's sum is its target (largest remainder:
        :func:`tuttotal.money.largest_remainder`). A group whose values are all
        zero takes equal shares.

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.Series([1, 1, 1, 5])
    >>> scale_to_totals(values, pd.Series(["a", "a", "a", "b"]), {"a": 10, "b": 4}).tolist()
    [4, 3, 3, 4]
    """
    import numpy as np
    import pandas as pd

    codes, names = pd.factorize(pd.Series(groups).to_numpy(), sort=True)
    count, size = len(codes), len(names)
    weights = values.to_numpy(dtype=float)
    sums = np.bincount(codes, weights=weights, minlength=size)
    if (sums <= 0).any():  # a group of zeros shares equally
        weights = np.where(sums[codes] <= 0, 1.0, weights)
        sums = np.bincount(codes, weights=weights, minlength=size)
    target = np.array([int(targets[name]) for name in names], dtype=np.int64)
    # Largest remainder in every group at once (as money.largest_remainder: ties to the earlier position).
    quotas = target[codes] * (weights / sums[codes])
    out = np.floor(quotas).astype(np.int64)
    left = target - np.bincount(codes, weights=out, minlength=size).round().astype(np.int64)
    order = np.lexsort((np.arange(count), -(quotas - out), codes))
    starts = np.searchsorted(codes[order], np.arange(size))
    rank = np.arange(count) - starts[codes[order]]
    out[order[rank < left[codes[order]]]] += 1
    for group in np.flatnonzero(left < 0):  # float rounding pushed a floor up: the exact routine
        where = np.flatnonzero(codes == group)
        out[where] = largest_remainder(int(target[group]), weights[where])
    return pd.Series(out, index=values.index, name=values.name)


def lsoa_population_of_year(
    year: object, data_dir: settings.DataRootLike = None, *, download: bool = True
) -> pd.DataFrame:
    """Every 2011 LSOA's people of a year: mid-2015 by age band, scaled to the year's mid-year estimates.

    See the module's description for the method (mid-year of the financial
    year's first calendar year; scaled within each upper-tier area and age
    band; whole people by largest remainder).

    Parameters
    ----------
    year : str or int
        A financial year (``2008-09``; ``2008`` is read as 2008-09), mid-2001 to mid-2024.
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).

    Returns
    -------
    pandas.DataFrame
        ``lsoa11_code, lad13_code, upper_tier_code`` and the int columns of
        :data:`AGE_BANDS`, sorted by LSOA; ``attrs``: ``year``, ``mid_year``,
        ``sources``. Shared by every call for the same year: never change it.

    Raises
    ------
    InputError
        A year outside mid-2001 to mid-2024.

    Examples
    --------
    >>> people = lsoa_population_of_year("2008-09")
    >>> int(people.loc[people.lad13_code == "E07000114", "population"].sum()) < 139822
    True
    """
    _check_covered(year, upper_tier_estimates(data_dir, download=download))  # before the LSOA files are read
    return _of_year(year, _inputs(data_dir, download))


def _inputs(data_dir: settings.DataRootLike, download: bool) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """What a year's LSOA people are made from: the LSOA table, the estimates and the estimates' file."""
    estimates = upper_tier_estimates(data_dir, download=download)
    table = lsoa.lsoa_table(data_dir, download=download)
    return table, estimates, str(sources.get_path("population_mye", data_dir, download=download))


def _of_year(year: object, inputs: tuple[pd.DataFrame, pd.DataFrame, str]) -> pd.DataFrame:
    table, estimates, mye = inputs
    when = _check_covered(year, estimates)
    key = (mye, tuple(sorted(table.attrs.get("sources", {}).items())), when)
    return _scaled(key, table, estimates)


def _check_covered(year: object, estimates: pd.DataFrame) -> int:
    """The mid-year of ``year``, which the estimates must have (an :class:`InputError` naming the years else)."""
    when = mid_year(year)
    if when not in estimates.columns:
        first, last = min(estimates.columns), max(estimates.columns)
        raise InputError(
            f"the year {financial_year(year)} needs the mid-{when} population, but the ONS mid-year "
            f"estimates cover mid-{first} to mid-{last}",
            fix=f"choose a year from {first}-{(first + 1) % 100:02d} to {last}-{(last + 1) % 100:02d}",
        )
    return when


_SCALED = cache.Memory("lsoa-of-year", maxsize=32)


def _scaled(key: tuple, table: pd.DataFrame, estimates: pd.DataFrame) -> pd.DataFrame:
    if key in _SCALED:
        return _SCALED.get(key)
    when = key[2]
    areas = lad_upper_tier()
    unknown = sorted(code for code in table["lad13_code"].unique() if code not in areas)
    if unknown:
        raise InputError(
            f"{len(unknown)} LAD(s) of the LSOA table have no upper-tier area, e.g. {unknown[0]}",
            file=paths.project_file("data/lad13_upper_tier.csv"),
            fix="rebuild it with scripts/build_lad13_upper_tier.py",
        )
    result = table[["lsoa11_code", "lad13_code"]].copy()
    result["upper_tier_code"] = table["lad13_code"].map(areas)
    for column, (band, how) in AGE_BANDS.items():
        of_year = estimates.xs(band, level="band")[when]
        if how == "level":
            targets = of_year
        else:
            base_total = table[column].groupby(result["upper_tier_code"]).sum()
            growth = of_year / estimates.xs(band, level="band")[BASE_YEAR]
            targets = (base_total * growth.reindex(base_total.index)).round().astype("int64")
        missing = sorted(code for code in result["upper_tier_code"].unique() if code not in targets.index)
        if missing:
            raise InputError(f"the mid-year estimates have no {band!r} row for {missing[0]}")
        result[column] = scale_to_totals(table[column], result["upper_tier_code"], targets)
    result.attrs.update(year=f"{when}-{(when + 1) % 100:02d}", mid_year=when)
    result.attrs["sources"] = {**table.attrs.get("sources", {}), "population_mye": key[0]}
    return _SCALED.put(key, result)


def region_population_of_year(
    year: object, data_dir: settings.DataRootLike = None, column: str = "population"
) -> pd.Series:
    """Each CRA region's people of a year: the sum of its LSOAs (:func:`lsoa_population_of_year`).

    Returns
    -------
    pandas.Series
        int64 by CRA region name (``South East``…), the nine English regions.

    Examples
    --------
    >>> int(region_population_of_year("2008-09")["South East"])
    8426399
    """
    people = lsoa_population_of_year(year, data_dir)
    regions = people["lad13_code"].map(cra.lad_regions(data_dir))
    return people[column].groupby(regions).sum().rename(column)


@cache.memoize("population-years-read-eurostat", maxsize=2)
def _read_eurostat(path: str) -> pd.DataFrame:
    import pandas as pd

    try:
        frame = pd.read_csv(path, encoding="latin-1", dtype={"GEO": str})
    except Exception as exc:
        raise InputError(f"cannot read Eurostat's populations ({type(exc).__name__}: {exc})", file=path) from None
    frame = frame[frame["GEO"].isin(list(_EUROSTAT_REGIONS))]
    frame = frame[(frame["SEX"] == "Total") & (frame["AGE"] == "Total")]
    table = frame.pivot(index="TIME", columns="GEO", values="Value").rename(columns=_EUROSTAT_REGIONS)
    return table.dropna(how="any").astype("int64")


def eurostat_region_population(data_dir: settings.DataRootLike = None, *, download: bool = True) -> pd.DataFrame:
    """Eurostat's population on 1 January of England's nine regions (NUTS 1), by calendar year.

    Returns
    -------
    pandas.DataFrame
        Index: the year of the 1 January; columns: CRA region names; int64 people.
        Years with a region missing are left out (London before 1992).

    Examples
    --------
    >>> int(eurostat_region_population().loc[2008, "West Midlands"])
    5474043
    """
    return _read_eurostat(str(sources.get_path("population_eurostat", data_dir, download=download)))


def eurostat_mid_year(data_dir: settings.DataRootLike = None) -> pd.DataFrame:
    """Eurostat's regions at mid-year ``Y``: the mean of 1 January ``Y`` and 1 January ``Y + 1``.

    Returns
    -------
    pandas.DataFrame
        Index: the mid-year (1990 to 2017 for the pinned file); columns: CRA region names; float people.

    Examples
    --------
    >>> round(eurostat_mid_year().loc[2008, "South East"])
    8424031
    """
    january = eurostat_region_population(data_dir)
    following = january.reindex(january.index + 1).set_axis(january.index)  # 1 January of the next year
    return ((january + following) / 2).dropna(how="any")


def lad_population_of_year(year: object, data_dir: settings.DataRootLike = None) -> pd.Series:
    """Each 2013 LAD's people of a year (all ages): the sum of its LSOAs (:func:`lsoa_population_of_year`).

    Returns
    -------
    pandas.Series
        int64 by ``lad13_code`` (326 LADs), named ``population``.

    Examples
    --------
    >>> int(lad_population_of_year("2008-09")["E07000114"])
    130855
    """
    return _lad_people(lsoa_population_of_year(year, data_dir)).copy()


def _sum_lad_people(people: pd.DataFrame, _key: object) -> pd.Series:
    return people.groupby("lad13_code")["population"].sum()


_lad_people = cache.TableMemo(
    "lad-people-of-year", _sum_lad_people
)  # once per year's shared LSOA table (the trend asks for every year per place)


def covers(year: object, data_dir: settings.DataRootLike = None) -> bool:
    """Whether the mid-year estimates have the people of ``year`` (mid-2001 to mid-2024 for the pinned file)."""
    return mid_year(year) in upper_tier_estimates(data_dir).columns


def ward_population_of_year(
    population: pd.Series, lad_codes: pd.Series, year: object, data_dir: settings.DataRootLike = None
) -> pd.Series:
    """Wards' people of a year: their mid-2015 people times their LAD's growth since mid-2015.

    The per-head denominator of a count of ``year``. Ward populations are
    moved from mid-2015 LSOAs onto wards by area; every LSOA of an
    upper-tier area is scaled by the same factor (:func:`lsoa_population_of_year`),
    so scaling a ward by its LAD's factor (people of the year / people
    mid-2015) is the ward's LSOAs of the year, up to rounding. Only the
    denominator changes: the drivers that share money out (population by
    age, IMD 2010 need) keep their mid-2015 structure.

    Parameters
    ----------
    population : pandas.Series
        Mid-2015 people by ward code (the ``population`` driver).
    lad_codes : pandas.Series
        Each ward's 2013 LAD, indexed by ward code.
    year : str
        The financial year (its mid-year: :func:`mid_year`).

    Returns
    -------
    pandas.Series
        Floats, same index as ``population``.

    Examples
    --------
    >>> import pandas as pd
    >>> wards = pd.Series([1000.0, 3000.0], index=["W1", "W2"])
    >>> lads = pd.Series(["E07000114", "E07000114"], index=["W1", "W2"])
    >>> ward_population_of_year(wards, lads, "2008-09").round(1).tolist()
    [935.9, 2807.6]
    """
    return ward_population_of_years(population, lad_codes, [year], data_dir)[year]


def ward_population_of_years(
    population: pd.Series, lad_codes: pd.Series, years: Iterable[object], data_dir: settings.DataRootLike = None
) -> dict[object, pd.Series]:
    """:func:`ward_population_of_year` of each of ``years``, by year: the LSOA table read and the wards' LADs
    matched once (a report's trend asks for ten years or more, place after place in a warm kernel).

    Examples
    --------
    >>> import pandas as pd
    >>> wards = pd.Series([1000.0, 3000.0], index=["W1", "W2"])
    >>> lads = pd.Series(["E07000114", "E07000114"], index=["W1", "W2"])
    >>> {year: people.round(1).tolist() for year, people in ward_population_of_years(wards, lads, ["2008-09"]).items()}
    {'2008-09': [935.9, 2807.6]}
    """
    import pandas as pd

    inputs = _inputs(data_dir, True)
    mid_2015 = lsoa.lad_totals(inputs[0])["population"]
    lads = pd.Index(lad_codes.reindex(population.index))
    found = {}
    for year in years:
        factor = _lad_people(_of_year(year, inputs)) / mid_2015
        found[year] = population * factor.reindex(lads).to_numpy(dtype=float)
    return found
