"""Areal interpolation from LSOAs to wards: the area of each LSOA inside each ward.

LSOAs (about 1,500 people each) tile their LAD; wards of any vintage are
drawn over them. The weight of an LSOA–ward pair is the area of their
intersection over the LSOA's area, measured in British National Grid
(EPSG:27700, metres). Counts move by that share; rates move as means
weighted by the people each share carries. This is the method of PySAL's
``tobler.area_weighted.area_interpolate``, and ``tests/test_ward_drivers.py``
holds this module to it on Thanet (on the fixture data root too, without
``../shared``).

A copy kept, for England: the weights cache keeps each LSOA-ward pair's area,
and tobler's only public way to that table (``area_interpolate`` with the LSOA
as a categorical variable) takes 1.7-2.2x the CPU of :func:`area_weights` for a
LAD (2.20x on its first call and 1.80x after, quiet machine; Kent's 12 LADs, ``overlay`` in
``docs/benchmarks/results/libraries_parts.txt``); that work, LAD by LAD, is
most of England's cold overlay (``benchmarks/england_geography.py``), so tobler
would cost it well over 20%. A place shares these weights with the nation
(England's drivers equal a place's exactly), so a place keeps the copy too.

Weights depend only on the two sets of boundaries, so they are computed
once per pair and kept as Parquet under ``<cache dir>/weights/``, named by
the LSOA file's SHA-256 and a hash of the wards as read (their codes and
geometry, which follow the ward file's content and reading options).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> lsoas = gpd.GeoDataFrame({"lsoa11_code": ["A", "B"]}, geometry=[box(0, 0, 2, 1), box(2, 0, 4, 1)], crs=27700)
>>> wards = gpd.GeoDataFrame({"ward_code": ["W1", "W2"], "lad_code": ["L", "L"]},
...                          geometry=[box(0, 0, 1, 1), box(1, 0, 4, 1)], crs=27700)
>>> area_weights(lsoas, wards).round(2).to_dict("list")
{'lsoa11_code': ['A', 'A', 'B'], 'ward_code': ['W1', 'W2', 'W2'], 'area_m2': [1.0, 1.0, 2.0], 'share': [0.5, 0.5, 1.0]}
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tuttotal import cache
from tuttotal.errors import GeographyError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

_FORMAT = 1
BNG = 27700
_ENTRIES = cache.Disk("weights", "weights")
_MEMORY = cache.Memory("weights-memory", maxsize=None)  # entries read in this process (a warm kernel keeps them)


def area_weights(lsoas: gpd.GeoDataFrame, wards: gpd.GeoDataFrame) -> pd.DataFrame:
    """Every LSOA–ward pair that overlaps, with the overlap's area and share of the LSOA.

    Parameters
    ----------
    lsoas : geopandas.GeoDataFrame
        ``lsoa11_code`` and polygons.
    wards : geopandas.GeoDataFrame
        ``ward_code`` and polygons, in the same CRS (metres).

    Returns
    -------
    pandas.DataFrame
        ``lsoa11_code, ward_code, area_m2, share`` (share = area of the
        overlap / area of the LSOA), sorted, pairs with zero area left out.
    """
    import pandas as pd
    import shapely

    source = lsoas.geometry.to_numpy()
    target = wards.geometry.to_numpy()
    tree = shapely.STRtree(target)
    left, right = tree.query(source, predicate="intersects")
    overlap = shapely.area(shapely.intersection(source[left], target[right]))
    lsoa_area = shapely.area(source[left])
    frame = pd.DataFrame(
        {
            "lsoa11_code": lsoas["lsoa11_code"].to_numpy()[left],
            "ward_code": wards["ward_code"].to_numpy()[right],
            "area_m2": overlap,
            "share": np.divide(overlap, lsoa_area, out=np.zeros_like(overlap), where=lsoa_area > 0),
        }
    )
    frame = frame[frame["area_m2"] > 0]
    return frame.sort_values(["lsoa11_code", "ward_code"], ignore_index=True)


def wards_fingerprint(wards: gpd.GeoDataFrame) -> str:
    """A hash of the wards as read: codes and geometry (WKB)."""
    import shapely

    digest = hashlib.sha256(str(wards.crs.to_epsg() if wards.crs else "").encode())
    for code, wkb in zip(wards["ward_code"], shapely.to_wkb(wards.geometry.to_numpy()), strict=True):
        digest.update(str(code).encode())
        digest.update(wkb)
    return digest.hexdigest()


def _entry(lsoa_sha256: str, wards_hash: str) -> Path:
    return _ENTRIES.path(f"{cache.key(f'format {_FORMAT} {lsoa_sha256} {wards_hash}', code=[__file__])}.parquet")


def weights_entry(lsoa_sha256: str, wards: gpd.GeoDataFrame) -> Path:
    """The cache file of the weights of one LSOA file (by its SHA-256) and a set of wards (as read)."""
    return _entry(lsoa_sha256, wards_fingerprint(wards))


def read_lsoas(path: str | os.PathLike) -> gpd.GeoDataFrame:
    """2011 LSOA boundaries of one file, in British National Grid (``lsoa11_code``, geometry)."""
    import pyogrio

    try:
        frame = pyogrio.read_dataframe(path, columns=["LSOA11CD"])
    except Exception as exc:
        raise GeographyError(
            f"cannot be read as LSOA boundaries ({type(exc).__name__}: {str(exc).splitlines()[0]})",
            file=path,
            fix="give the pinned LSOA file of the LAD (tuttotal data fetch)",
        ) from None
    if frame.crs is None:
        frame = frame.set_crs("OGC:CRS84")
    frame = frame.rename(columns={"LSOA11CD": "lsoa11_code"}).to_crs(BNG)
    frame["geometry"] = frame.geometry.make_valid()
    return frame


def compute_area_weights(lsoa_path: str | os.PathLike, wards: gpd.GeoDataFrame) -> pd.DataFrame:
    """:func:`area_weights` of one LSOA file and a set of wards, with ``lsoa_area_m2``; nothing cached.

    What :func:`cached_area_weights` keeps: the pairs, each LSOA's own area
    (so that coverage can be checked without reading the LSOA file again),
    and a row of zero share for each LSOA that meets no ward. Runs anywhere
    the LSOA file can be read (a Dask worker computes it for
    :func:`tuttotal.england.geography.england_ward_drivers`).
    """
    import pandas as pd

    lsoas = read_lsoas(lsoa_path)
    weights = area_weights(lsoas, wards.to_crs(BNG))
    areas = pd.Series(lsoas.geometry.area.to_numpy(), index=lsoas["lsoa11_code"].to_numpy())
    weights["lsoa_area_m2"] = weights["lsoa11_code"].map(areas).to_numpy()
    missing = areas.index.difference(weights["lsoa11_code"])
    if len(missing):  # LSOAs that meet no ward: kept with zero share, so coverage sees them
        extra = pd.DataFrame(
            {"lsoa11_code": missing, "ward_code": "", "area_m2": 0.0, "share": 0.0, "lsoa_area_m2": areas[missing]}
        )
        weights = pd.concat([weights, extra], ignore_index=True)
    return weights


def read_cached_weights(entry: Path) -> pd.DataFrame | None:
    """The weights kept at ``entry`` (:func:`weights_entry`), from this process's memory or disk; None if absent."""
    import pandas as pd

    if entry in _MEMORY:
        return _MEMORY.get(entry)
    if entry.is_file():
        try:
            return _MEMORY.put(entry, pd.read_parquet(entry))
        except Exception:  # a damaged entry is computed again
            pass
    return None


def store_weights(entry: Path, weights: pd.DataFrame) -> None:
    """Keep weights at ``entry``: written to a temporary file, then moved (never half a file)."""
    cache.write_atomic(entry, lambda temporary: weights.to_parquet(temporary, index=False))
    _MEMORY.put(entry, weights)


def cached_area_weights(lsoa_path: Path, lsoa_sha256: str, wards: gpd.GeoDataFrame) -> pd.DataFrame:
    """:func:`compute_area_weights` of one LSOA file and a set of wards, computed once per pair.

    The result also carries ``lsoa_area_m2`` (each LSOA's own area), so that
    coverage can be checked without reading the LSOA file again.
    """
    entry = weights_entry(lsoa_sha256, wards)
    found = read_cached_weights(entry)
    if found is not None:
        return found
    weights = compute_area_weights(lsoa_path, wards)
    store_weights(entry, weights)
    return weights


def interpolate(
    weights: pd.DataFrame,
    values: pd.DataFrame,
    *,
    extensive: list[str],
    intensive: list[str],
    weight_by: str = "population",
) -> pd.DataFrame:
    """Move LSOA values onto wards with area weights (before any renormalisation).

    Parameters
    ----------
    weights : pandas.DataFrame
        ``lsoa11_code, ward_code, share`` (:func:`area_weights`).
    values : pandas.DataFrame
        Indexed by ``lsoa11_code``; the columns named in ``extensive``,
        ``intensive`` and ``weight_by``.
    extensive : list of str
        Counts: a ward gets ``sum(share × value)``.
    intensive : list of str
        Rates: a ward gets ``sum(share × weight × rate) / sum(share × weight)``
        with ``weight`` the column ``weight_by`` (people).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``ward_code``, one column per variable.

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.DataFrame({"lsoa11_code": ["A", "A", "B"], "ward_code": ["W1", "W2", "W2"], "share": [.5, .5, 1.]})
    >>> v = pd.DataFrame({"population": [100.0, 300.0], "rate": [0.1, 0.3]}, index=["A", "B"])
    >>> interpolate(w, v, extensive=["population"], intensive=["rate"]).round(3).to_dict("index")
    {'W1': {'population': 50.0, 'rate': 0.1}, 'W2': {'population': 350.0, 'rate': 0.271}}
    """
    import pandas as pd

    pairs = weights[weights["ward_code"] != ""]
    share = pairs["share"].to_numpy()
    rows = values.reindex(pairs["lsoa11_code"].to_numpy())
    columns: dict[str, np.ndarray] = {}
    for name in extensive:
        columns[name] = share * rows[name].to_numpy(dtype=float)
    people = share * rows[weight_by].to_numpy(dtype=float)
    for name in intensive:
        rate = rows[name].to_numpy(dtype=float)
        columns[f"__num_{name}"] = people * rate
    columns["__people"] = people
    sums = pd.DataFrame(columns, index=pairs["ward_code"].to_numpy()).groupby(level=0, sort=True).sum()
    out = sums[list(extensive)].copy()
    for name in intensive:
        out[name] = sums[f"__num_{name}"] / sums["__people"].where(sums["__people"] > 0)
    out.index.name = "ward_code"
    return out
