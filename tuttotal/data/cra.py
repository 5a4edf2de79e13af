"""HM Treasury's Country and Regional Analysis (PESA 2009): identifiable spending by English region and function.

Chapter 9 gives, for each English region and year from 2003-04 to 2008-09,
identifiable public spending in £ million by function, capital and
current, with sub-functions for economic affairs and general public
services. Chapter 10 gives sub-functions by country. :func:`region_lines`
turns them into one tidy table whose lines add up, to the penny, to each
region's published total:

* a function with Chapter 9 sub-functions keeps them; their capital and
  current are as published, with ``current = total - capital`` so that
  every line's total is the published one (PESA rounds each figure to
  £1 million independently);
* a function without (social protection, health, education…) is split
  into England's sub-function shares from Chapter 10 of the same year
  (largest remainder on pence, capital and current alike), and the line
  says so (``source``);
* what PESA's rounding leaves between a function and its sub-functions, or
  between the region's total and its functions, is a line of its own
  (``rounding``), so that nothing is dropped.

Which COFOG group each line is: ``data/cra_lines.csv``. Who spends it is not in PESA 2009: see
:mod:`tuttotal.data.cra_releases`, which reads the CRA databases' bodies.

Examples
--------
>>> from tuttotal.data import cra
>>> lines = cra.region_lines("../shared/data")  # doctest: +SKIP
>>> se = lines[(lines.year == "2008-09") & (lines.region == "South East")]  # doctest: +SKIP
>>> int(se.region_pence.sum()) // 100_000_000  # £ million  # doctest: +SKIP
57825
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tuttotal import cache, paths, settings
from tuttotal.data import sources
from tuttotal.errors import InputError
from tuttotal.money import largest_remainder

if TYPE_CHECKING:
    import pandas as pd

YEARS = ("2003-04", "2004-05", "2005-06", "2006-07", "2007-08", "2008-09")
#: English regions as the CRA names them.
REGIONS = (
    "East",
    "East Midlands",
    "London",
    "North East",
    "North West",
    "South East",
    "South West",
    "West Midlands",
    "Yorkshire and the Humber",
)
#: ONS NUTS 1 names (``lookups/lad13_to_nuts.csv``) to the CRA's.
NUTS1_TO_REGION = {
    "North East (England)": "North East",
    "North West (England)": "North West",
    "Yorkshire and The Humber": "Yorkshire and the Humber",
    "East Midlands (England)": "East Midlands",
    "West Midlands (England)": "West Midlands",
    "East of England": "East",
    "London": "London",
    "South East (England)": "South East",
    "South West (England)": "South West",
}
CHAPTER9 = "PESA 2009 chapter 9"
CHAPTER10_SPLIT = "PESA 2009 chapter 9, split by England's chapter 10 sub-function shares"
ROUNDING = "rounding"
_MILLION_PENCE = 100_000_000


def _read_json(path: Path) -> dict:
    try:
        return json.loads(zlib.decompress(Path(path).read_bytes()))
    except Exception as exc:
        raise InputError(
            f"cannot be read as the regional analysis ({type(exc).__name__})",
            file=path,
            fix="use the pinned file (tuttotal data fetch)",
        ) from None


def _pence(block: dict, key: str, path: Path, where: str) -> int:
    try:
        text = block[key]["actual"]
        return round(float(str(text).replace(",", "")) * _MILLION_PENCE)
    except (KeyError, TypeError, ValueError):
        raise InputError(
            f"{where}: no {key} figure", file=path, fix="use the pinned file (tuttotal data fetch)"
        ) from None


def _split(amount: int, shares: dict[str, float]) -> dict[str, int]:
    names = list(shares)
    weights = np.array([shares[n] for n in names], dtype=float)
    if amount == 0 or not weights.sum() > 0:
        return dict.fromkeys(names, 0) if weights.sum() > 0 else {}
    return dict(zip(names, (int(v) for v in largest_remainder(amount, weights)), strict=True))


def _england_shares(chapter10: dict, year: str, function: str, path: Path) -> dict[str, float]:
    try:
        subs = chapter10[year]["regions"]["England"]["functions"][function]["functions"]
    except KeyError:
        raise InputError(f"chapter 10 has no England sub-functions of {function!r} for {year}", file=path) from None
    return {name: float(block["data"]["Total"]["actual"]) for name, block in subs.items()}


def _lines(chapter9: dict, chapter10: dict, paths: dict[str, Path]) -> list[dict]:
    rows: list[dict] = []
    for year in YEARS:
        if year not in chapter9:
            raise InputError(f"the regional analysis has no year {year}", file=paths["cra_chapter9"])
        for region in REGIONS:
            try:
                block = chapter9[year]["regions"][region]
            except KeyError:
                raise InputError(
                    f"the regional analysis has no region {region!r} in {year}", file=paths["cra_chapter9"]
                ) from None
            where = f"{year}, {region}"
            total = _pence(block["data"], "Total", paths["cra_chapter9"], where)
            counted = 0
            for function, fblock in block["functions"].items():
                f_where = f"{where}, {function}"
                f_total = _pence(fblock["data"], "Total", paths["cra_chapter9"], f_where)
                f_capital = _pence(fblock["data"], "Capital", paths["cra_chapter9"], f_where)
                counted += f_total
                subs = fblock.get("functions") or {}
                if subs:
                    sub_sum = 0
                    for sub, sblock in subs.items():
                        s_where = f"{f_where}, {sub}"
                        s_total = _pence(sblock["data"], "Total", paths["cra_chapter9"], s_where)
                        s_capital = _pence(sblock["data"], "Capital", paths["cra_chapter9"], s_where)
                        sub_sum += s_total
                        for spend_type, pence in (("capital", s_capital), ("current", s_total - s_capital)):
                            rows.append(
                                dict(
                                    year=year,
                                    region=region,
                                    function=function,
                                    sub_function=sub,
                                    spend_type=spend_type,
                                    region_pence=pence,
                                    source=CHAPTER9,
                                )
                            )
                    if f_total != sub_sum:
                        rows.append(
                            dict(
                                year=year,
                                region=region,
                                function=function,
                                sub_function=ROUNDING,
                                spend_type="total",
                                region_pence=f_total - sub_sum,
                                source=ROUNDING,
                            )
                        )
                else:
                    shares = _england_shares(chapter10, year, function, paths["cra_chapter10"])
                    for spend_type, pence in (("capital", f_capital), ("current", f_total - f_capital)):
                        for sub, part in _split(pence, shares).items():
                            rows.append(
                                dict(
                                    year=year,
                                    region=region,
                                    function=function,
                                    sub_function=sub,
                                    spend_type=spend_type,
                                    region_pence=part,
                                    source=CHAPTER10_SPLIT,
                                )
                            )
            if total != counted:
                rows.append(
                    dict(
                        year=year,
                        region=region,
                        function="",
                        sub_function=ROUNDING,
                        spend_type="total",
                        region_pence=total - counted,
                        source=ROUNDING,
                    )
                )
    return rows


@cache.memoize("cra-cached-lines", maxsize=4)
def _cached_lines(path9: str, path10: str) -> pd.DataFrame:
    import pandas as pd

    paths = {"cra_chapter9": Path(path9), "cra_chapter10": Path(path10)}
    frame = pd.DataFrame(_lines(_read_json(paths["cra_chapter9"]), _read_json(paths["cra_chapter10"]), paths))
    frame["region_pence"] = frame["region_pence"].astype("int64")
    return frame


def region_lines(data_dir: settings.DataRootLike = None, *, download: bool = True) -> pd.DataFrame:
    """Every line of every English region's identifiable spending, 2003-04 to 2008-09, in pence.

    Returns
    -------
    pandas.DataFrame
        ``year, region, function, sub_function, spend_type`` (``capital``,
        ``current``, or ``total`` for rounding lines), ``region_pence``,
        ``source``; the lines of a region and year add up to its published
        total exactly. ``attrs["files"]`` names the files read.
    """
    path9 = sources.get_path("cra_chapter9", data_dir, download=download)
    path10 = sources.get_path("cra_chapter10", data_dir, download=download)
    frame = _cached_lines(str(path9), str(path10)).copy()
    frame.attrs["files"] = {"data:cra_chapter9": str(path9), "data:cra_chapter10": str(path10)}
    return frame


def published_totals(data_dir: settings.DataRootLike = None) -> pd.DataFrame:
    """Each English region's (and England's) published total and per-head figure by year (chapter 9)."""
    import pandas as pd

    path = sources.get_path("cra_chapter9", data_dir)
    data = _read_json(path)
    rows = []
    for year in YEARS:
        for region in (*REGIONS, "England"):
            block = data[year]["regions"][region]["data"]["Total"]
            rows.append(
                {
                    "year": year,
                    "region": region,
                    "total_gbp": float(block["actual"]) * 1e6,
                    "per_head_gbp": float(block.get("per_capita", "nan")),
                }
            )
    return pd.DataFrame(rows)


def lad_regions(data_dir: settings.DataRootLike = None) -> dict[str, str]:
    """The CRA region of every English LAD of 2013 (``lookups/lad13_to_nuts.csv``)."""
    return dict(_read_lad_regions(paths.file_version(sources.get_path("lad13_to_nuts", data_dir))))


@cache.memoize("cra-read-lad-regions", maxsize=4)
def _read_lad_regions(version: tuple[str, int, int]) -> dict[str, str]:
    """The lookup read once per file version (:func:`tuttotal.paths.file_version`)."""
    import pandas as pd

    path = version[0]
    table = pd.read_csv(path, dtype=str, usecols=["LAD13CD", "NUTS115NM"])
    table = table[table["LAD13CD"].str.startswith("E")]
    unknown = sorted(set(table["NUTS115NM"]) - set(NUTS1_TO_REGION))
    if unknown:
        raise InputError(f"English LADs in regions the CRA does not name: {unknown}", file=path)
    return dict(zip(table["LAD13CD"], table["NUTS115NM"].map(NUTS1_TO_REGION), strict=True))


@cache.memoize("cra-line-table", maxsize=1)
def line_table() -> pd.DataFrame:
    """``data/cra_lines.csv``: each PESA 2009 line's COFOG group."""
    import pandas as pd

    path = paths.data_dir() / "cra_lines.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.attrs["source"] = str(path)
    return table
