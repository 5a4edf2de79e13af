"""People and need in every 2011 LSOA of England: populations by age and deprivation.

One tidy table, one row per 2011 LSOA (32,844), built from three pinned
sources (:mod:`tuttotal.data.sources`):

* **Populations, mid-2015** (IoD 2019 File 6, excluding prisoners):
  ``population``, ``children_0_15``, ``people_16_59``, ``people_60_plus``,
  ``working_age`` (18–59/64).
* **Indices of Deprivation 2015** on 2011 LSOAs: ``imd2015_score``, and the
  LSOA's **2013 LAD** (``lad13_code``; the population file's LAD codes are
  2019's, which merged Dorset's districts).
* **Indices of Deprivation 2010** (indicators mostly from 2008, the Total
  Place years) on 2001 LSOAs: ``imd2010_score``, ``income_share_2010`` (share
  of people income-deprived) and ``employment_share_2010`` (share of working-age
  people employment-deprived), moved onto 2011 LSOAs with the ONS lookup
  (:func:`imd2010_on_lsoa11`). The four English 2011 LSOAs the lookup
  does not link take their LAD's population-weighted mean
  (``imd2010_filled`` marks them).

Derived counts: ``income_deprived`` = income share × population and
``employment_deprived`` = employment share × working-age population.

The table is kept as Parquet in the cache, named by the sources' SHA-256
and this module's code, so a warm load takes milliseconds.

Examples
--------
>>> from tuttotal.data import lsoa
>>> table = lsoa.lsoa_table("../shared/data")  # doctest: +SKIP
>>> int(table.loc[table.lad13_code == "E07000114", "population"].sum())  # doctest: +SKIP
139822
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal import cache, settings
from tuttotal.data import sources
from tuttotal.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

#: Extensive drivers (counts of people): split by area, added up.
COUNTS = (
    "population",
    "children_0_15",
    "people_16_59",
    "people_60_plus",
    "working_age",
    "income_deprived",
    "employment_deprived",
)
#: Intensive drivers (rates and scores): population-weighted means.
RATES = ("income_deprived_share", "imd2010_score", "imd2015_score")

#: What each driver is and where it comes from (one line each, for drivers.csv and figure notes).
DRIVER_SOURCES = {
    "population": "mid-2015 population excluding prisoners (IoD 2019 File 6, MHCLG)",
    "children_0_15": "children aged 0-15, mid-2015 (IoD 2019 File 6, MHCLG)",
    "people_16_59": "people aged 16-59, mid-2015 (IoD 2019 File 6, MHCLG)",
    "people_60_plus": "people aged 60 and over, mid-2015 (IoD 2019 File 6, MHCLG)",
    "working_age": "working-age people 18-59/64, mid-2015 (IoD 2019 File 6, MHCLG)",
    "income_deprived": "IMD 2010 income domain share x mid-2015 population (DCLG; MHCLG)",
    "employment_deprived": "IMD 2010 employment domain share x mid-2015 working-age population (DCLG; MHCLG)",
    "income_deprived_share": "IMD 2010 income domain: share of people income-deprived, population-weighted",
    "imd2010_score": "IMD 2010 score (DCLG), population-weighted",
    "imd2015_score": "IMD 2015 score (DCLG), population-weighted",
}

_POPULATION_COLUMNS = {
    "LSOA code (2011)": "lsoa11_code",
    "Total population: mid 2015 (excluding prisoners)": "population",
    "Dependent Children aged 0-15: mid 2015 (excluding prisoners)": "children_0_15",
    "Population aged 16-59: mid 2015 (excluding prisoners)": "people_16_59",
    "Older population aged 60 and over: mid 2015 (excluding prisoners)": "people_60_plus",
    "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)": (
        "working_age"
    ),
}
_SOURCES = ("population", "imd2010", "imd2015", "lsoa01_to_lsoa11")
_FORMAT = 1


def _read_rda(path: Path, columns: list[str]) -> pd.DataFrame:
    import pyreadr

    try:
        frames = pyreadr.read_r(str(path))
    except Exception as exc:
        raise InputError(f"cannot read this R data file ({type(exc).__name__}: {exc})", file=path) from None
    frame = next(iter(frames.values()))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"the R data file lacks the column(s) {missing}", file=path)
    return frame[columns]


def read_population(path: str | os.PathLike) -> pd.DataFrame:
    """LSOA populations by age from IoD 2019 File 6 (``"1,655"`` read as 1655)."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, thousands=",", dtype={c: str for c in list(_POPULATION_COLUMNS)[:1]})
    except Exception as exc:
        raise InputError(f"cannot read the population file ({type(exc).__name__}: {exc})", file=path) from None
    missing = [c for c in _POPULATION_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"the population file lacks the column(s) {missing}", file=path)
    frame = frame[list(_POPULATION_COLUMNS)].rename(columns=_POPULATION_COLUMNS)
    for column in COUNTS[:5]:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                "is not a count of people",
                file=path,
                row=row + 2,
                column=column,
                value=frame[column].iloc[row],
            )
        frame[column] = values.astype("int64")
    return frame


def imd2010_on_lsoa11(imd2010: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """IMD 2010 (2001 LSOAs) moved onto 2011 LSOAs with the ONS change lookup.

    Every value moved is a rate or a score, so a 2011 LSOA takes the **mean
    of the 2001 LSOAs it is linked to**, which covers each kind of change:

    * ``U`` unchanged: the 2001 LSOA's own values;
    * ``S`` split (one 2001 LSOA became several): each part inherits the
      whole's rate, the best estimate without finer data;
    * ``M`` merged (several became one): the unweighted mean of the parts,
      2001 LSOAs having been drawn with near-equal populations (about 1,500);
    * ``X`` complex (redrawn): the unweighted mean of every 2001 LSOA the
      lookup links it to.

    Parameters
    ----------
    imd2010 : pandas.DataFrame
        ``lsoa01_code`` and value columns.
    lookup : pandas.DataFrame
        ``LSOA01CD, LSOA11CD`` (``lookups/lsoa01_to_lsoa11.csv``).

    Examples
    --------
    >>> import pandas as pd
    >>> imd = pd.DataFrame({"lsoa01_code": ["A", "B", "C"], "score": [10.0, 20.0, 40.0]})
    >>> lookup = pd.DataFrame({"LSOA01CD": ["A", "B", "C", "C"], "LSOA11CD": ["a", "bc", "bc", "c2"]})
    >>> imd2010_on_lsoa11(imd, lookup).sort_values("lsoa11_code").to_dict("list")
    {'lsoa11_code': ['a', 'bc', 'c2'], 'score': [10.0, 30.0, 40.0]}
    """
    links = lookup[["LSOA01CD", "LSOA11CD"]].drop_duplicates()
    joined = links.merge(imd2010, left_on="LSOA01CD", right_on="lsoa01_code", how="inner")
    values = [c for c in imd2010.columns if c != "lsoa01_code"]
    moved = joined.groupby("LSOA11CD", sort=True)[values].mean().reset_index()
    return moved.rename(columns={"LSOA11CD": "lsoa11_code"})


def _fill_from_lad(table: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Fill LSOAs the 2001→2011 lookup does not link (4 in England) with their LAD's population-weighted mean.

    Returns the mask of filled rows, kept in the table as ``imd2010_filled``.
    """
    gaps = table[columns[0]].isna()
    if gaps.any():
        weights = table["population"].where(~gaps, 0)
        for column in columns:
            weighted = (table[column].fillna(0) * weights).groupby(table["lad13_code"]).transform("sum")
            mean = weighted / weights.groupby(table["lad13_code"]).transform("sum")
            table[column] = table[column].fillna(mean)
    return gaps


_ENTRIES = cache.Disk("lsoa", "lsoa")


def _cache_path(hashes: dict[str, str]) -> Path:
    inputs = [f"{name}={hashes[name]}" for name in sorted(hashes)]
    return _ENTRIES.path(f"lsoa_table-{cache.key(f'format {_FORMAT}', *inputs, code=[__file__])[:24]}.parquet")


def build_lsoa_table(paths: dict[str, Path]) -> pd.DataFrame:
    """The LSOA table from the source files (no cache): see the module's description."""
    import pandas as pd

    population = read_population(paths["population"])
    imd2015 = _read_rda(paths["imd2015"], ["lsoa11_code", "lad13_code", "IMD_score"]).rename(
        columns={"IMD_score": "imd2015_score"}
    )
    imd2010 = _read_rda(paths["imd2010"], ["lsoa01_code", "IMD_score", "Income_score", "Employment_score"]).rename(
        columns={
            "IMD_score": "imd2010_score",
            "Income_score": "income_deprived_share",
            "Employment_score": "employment_share_2010",
        }
    )
    try:
        lookup = pd.read_csv(paths["lsoa01_to_lsoa11"], dtype=str, usecols=["LSOA01CD", "LSOA11CD"])
    except Exception as exc:
        raise InputError(
            f"cannot read the LSOA lookup ({type(exc).__name__}: {exc})", file=paths["lsoa01_to_lsoa11"]
        ) from None
    imd2010_11 = imd2010_on_lsoa11(imd2010, lookup)
    table = imd2015.merge(population, on="lsoa11_code", how="left").merge(imd2010_11, on="lsoa11_code", how="left")
    no_people = table[table["population"].isna()]
    if len(no_people):
        raise InputError(
            f"{len(no_people)} LSOA(s) of IMD 2015 have no population row, e.g. {no_people.lsoa11_code.iloc[0]} "
            f"in {no_people.lad13_code.iloc[0]}",
            file=paths["population"],
            fix="use the pinned population file (IoD 2019 File 6)",
        )
    for column in COUNTS[:5]:
        table[column] = table[column].astype("int64")
    table["imd2010_filled"] = _fill_from_lad(table, ["imd2010_score", "income_deprived_share", "employment_share_2010"])
    table["income_deprived"] = table["income_deprived_share"] * table["population"]
    table["employment_deprived"] = table.pop("employment_share_2010") * table["working_age"]
    columns = ["lsoa11_code", "lad13_code", *COUNTS, *RATES, "imd2010_filled"]
    return table[columns].sort_values("lsoa11_code", ignore_index=True)


@cache.memoize("lsoa-table", maxsize=4)
def _cached_table(cache_file: str, paths: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    import pandas as pd

    entry = Path(cache_file)
    if entry.is_file():
        try:
            return pd.read_parquet(entry)
        except Exception:  # a damaged entry is rebuilt
            pass
    table = build_lsoa_table({name: Path(p) for name, p in paths})
    cache.write_atomic(entry, lambda temporary: table.to_parquet(temporary, index=False))
    return table


def lsoa_table(data_dir: settings.DataRootLike = None, *, download: bool = True) -> pd.DataFrame:
    """Every 2011 LSOA of England with its 2013 LAD, populations by age and deprivation.

    Parameters
    ----------
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    download : bool
        Whether missing source files may be downloaded.

    Returns
    -------
    pandas.DataFrame
        ``lsoa11_code, lad13_code`` and the columns :data:`COUNTS` and
        :data:`RATES`; ``attrs["sources"]`` names the files read. The table
        is shared by every call for the same files (a warm kernel derives
        from it place after place): never change it, derive from it.
    """
    paths = {name: sources.get_path(name, data_dir, download=download) for name in _SOURCES}
    hashes = {name: sources.source_sha256(name, data_dir) for name in _SOURCES}  # verified by get_path
    table = _cached_table(str(_cache_path(hashes)), tuple((n, str(p)) for n, p in sorted(paths.items())))
    table.attrs["sources"] = {name: str(p) for name, p in paths.items()}  # the same files: the key has the paths
    return table  # shared by every call with the same files: derive from it, never change it


def lad_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Counts summed by 2013 LAD (``lad13_code`` index, :data:`COUNTS` columns).

    Summed once per table (the caller must not change the result).
    """
    return _lad_totals(table)


def _sum_lad_totals(table: pd.DataFrame, _: None = None) -> pd.DataFrame:
    return table.groupby("lad13_code")[list(COUNTS)].sum()


_lad_totals = cache.TableMemo("lad-totals", _sum_lad_totals)


def england_imd_deciles(table: pd.DataFrame) -> list[float]:
    """The nine IMD 2015 score cut-offs that split England's LSOAs into deciles (1 = most deprived)."""
    import numpy as np

    return [float(v) for v in np.quantile(table["imd2015_score"].dropna(), [1 - i / 10 for i in range(1, 10)])]


def imd_decile(score: float, cut_offs: list[float]) -> int:
    """England decile (1 = most deprived 10% of LSOAs) of an IMD 2015 score.

    Examples
    --------
    >>> imd_decile(50.0, [40.0, 30.0, 25.0, 20.0, 16.0, 13.0, 10.0, 8.0, 6.0])
    1
    >>> imd_decile(5.0, [40.0, 30.0, 25.0, 20.0, 16.0, 13.0, 10.0, 8.0, 6.0])
    10
    """
    for decile, cut in enumerate(cut_offs, start=1):
        if score >= cut:
            return decile
    return 10
