"""Ward boundaries parsed once: a GeoParquet cache keyed by the source file's SHA-256.

Parsing GeoJSON, validating and reprojecting wards costs tens to hundreds of
milliseconds per LAD, and every notebook of every place used to pay it
again. :func:`read_wards_cached` returns exactly what
:func:`tuttotal.data.geography.read_wards` returns, but keeps the result as a
GeoParquet file under ``<cache dir>/wards/`` named by

* the SHA-256 of the source file (the registry's pinned hash when known), and
* a short hash of everything else that shapes the result: the reading
  options (``lad_code``, ``lad_name``, ``layer``, ``assume_crs``), the cache
  format and the source code of :mod:`tuttotal.data.geography` and every
  module it imports (:func:`tuttotal.cache.code_hash`).

The entries are the cache ``wards`` of :mod:`tuttotal.cache`.

Entries are written atomically (a temporary file, then :func:`os.replace`),
so parallel workers never read half a file; an entry that cannot be read is
ignored and written again. Warnings raised while parsing (a repaired
geometry) are stored with the entry and raised again on every warm read.

Examples
--------
>>> from tuttotal.data import wardcache
>>> wards = wardcache.read_wards_cached(
...     "../shared/data/wards-2013/E07000114.geojson", lad_code="E07000114", lad_name="Thanet"
... )  # doctest: +SKIP
>>> len(wards), wards.crs.to_epsg()  # doctest: +SKIP
(23, 27700)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuttotal import cache, errors
from tuttotal.data import geography
from tuttotal.data.catalogue import sha256_of
from tuttotal.errors import GeographyError

if TYPE_CHECKING:
    import geopandas as gpd

FORMAT_VERSION = 1
_META_KEY = b"tuttotal"
_ENTRIES = cache.Disk("wards", "wards")
_THREADS_FROM = 16  # files; fewer are read in this thread


def _code_fingerprint() -> str:
    """Hash of the code that turns a file into wards: a change of it makes new entries."""
    return cache.key(f"format {FORMAT_VERSION}", code=[geography])


def cache_folder() -> Path:
    """``<cache dir>/wards``: where the GeoParquet entries live (``$TUTTOTAL_CACHE_DIR`` to move it)."""

    return _ENTRIES.folder()


def entry_path(sha256: str, options: dict[str, Any]) -> Path:
    """The cache file for a source file's hash and the reading options.

    Examples
    --------
    >>> entry_path("ab" * 32, {"lad_code": "E07000114"}).name  # doctest: +ELLIPSIS
    'abababab...-....parquet'
    """
    variant = json.dumps({"options": options, "code": _code_fingerprint()}, sort_keys=True, default=str)
    return cache_folder() / f"{sha256}-{hashlib.sha256(variant.encode()).hexdigest()[:16]}.parquet"


def _to_table(wards: gpd.GeoDataFrame, caught: list[dict]):
    """``wards`` as an Arrow table in GeoParquet layout (WKB geometry, ``geo`` metadata)."""
    import pyarrow as pa
    import shapely

    columns = [c for c in wards.columns if c != "geometry"]
    table = pa.Table.from_pandas(wards[columns], preserve_index=False)
    geometry = wards.geometry.to_numpy()
    table = table.append_column("geometry", pa.array(shapely.to_wkb(geometry), type=pa.binary()))
    geo = {
        "version": "1.0.0",
        "primary_column": "geometry",
        "columns": {
            "geometry": {
                "encoding": "WKB",
                "geometry_types": sorted(set(wards.geom_type)),
                "crs": wards.crs.to_json_dict(),
                "bbox": [float(v) for v in wards.total_bounds],
            }
        },
    }
    ours = {"attrs": {k: v for k, v in wards.attrs.items() if k != "sources"}, "warnings": caught}
    metadata = {
        **(table.schema.metadata or {}),
        b"geo": json.dumps(geo).encode(),
        _META_KEY: json.dumps(ours, default=str).encode(),
    }
    return table.replace_schema_metadata(metadata)


def write_parquet(table, target: str | os.PathLike) -> None:
    """Write an Arrow table as a zstd Parquet file at ``target``, atomically: a temporary file beside it, then moved.

    A reader in another process sees the old file or the new one, never half
    of one; on any failure the temporary file is removed and ``target`` is
    left as it was. The folder is made when missing. The ward cache and the
    national caches (:mod:`tuttotal.england.geography`) write their entries
    with it.

    Examples
    --------
    >>> import tempfile, pyarrow as pa, pyarrow.parquet as pq
    >>> target = Path(tempfile.mkdtemp()) / "entries" / "one.parquet"
    >>> write_parquet(pa.table({"ward_code": ["E05000001"]}), target)
    >>> pq.read_table(target).column("ward_code").to_pylist(), sorted(p.name for p in target.parent.iterdir())
    (['E05000001'], ['one.parquet'])
    """
    import pyarrow.parquet as pq

    cache.write_atomic(target, lambda temporary: pq.write_table(table, temporary, compression="zstd"))


@lru_cache(maxsize=8)
def _crs(projjson: str):
    """A parsed CRS, once per process: parsing PROJJSON costs more than reading a LAD's wards.

    A pure function of a short string (``lru_cache`` kept: see :mod:`tuttotal.cache`).
    """
    from pyproj import CRS

    return CRS.from_json(projjson)


def _metadata(table) -> tuple[dict, dict]:
    metadata = table.schema.metadata or {}
    return json.loads(metadata[b"geo"]), json.loads(metadata[_META_KEY])


def _to_frame(table, geo: dict) -> gpd.GeoDataFrame:
    """An Arrow table of the GeoParquet layout as a ward GeoDataFrame."""
    import geopandas as gpd
    import shapely

    geometry = shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False))
    frame = table.drop_columns(["geometry"]).replace_schema_metadata(None).to_pandas()
    crs = _crs(json.dumps(geo["columns"]["geometry"]["crs"], sort_keys=True))
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=crs)


def _read_entry(entry: Path):
    """A cache entry's Arrow table and metadata, or None when there is none or it cannot be read."""
    import pyarrow.parquet as pq

    if not entry.is_file():
        return None
    try:
        # One file, read as one: ``pq.read_table`` builds a dataset around it first, which costs
        # about as much again as the read of a LAD's few dozen wards.
        with pq.ParquetFile(entry) as parquet:
            table = parquet.read(use_threads=False)
        return table, _metadata(table)
    except Exception:  # a damaged entry: parse the source again and rewrite it
        return None


def _read_entries(entries: Sequence[Path]) -> list:
    """:func:`_read_entry` of each entry, on a few threads when there are many.

    Reading a Parquet file releases the GIL, and the wards of all 326 LADs are 326 small files:
    a few threads read them in about half the time of one.
    """
    if len(entries) < _THREADS_FROM:
        return [_read_entry(entry) for entry in entries]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1) or 1) as pool:
        return list(pool.map(_read_entry, entries))


def _parse_and_store(path: Path, options: dict[str, Any], entry: Path):
    """Parse a source file into the GeoParquet table (and its metadata); write it as its cache entry."""
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        wards = geography.read_wards(path, **options)
    caught = [{"category": r.category.__name__, "message": str(r.message)} for r in records]
    table = _to_table(wards, caught)
    with contextlib.suppress(OSError):  # a read-only cache folder only costs speed
        write_parquet(table, entry)
    return table, _metadata(table)


def _category(name: str) -> type[Warning]:
    """The warning class called ``name`` (tuttotal's own or a built-in one)."""
    import builtins

    found = getattr(errors, name, None) or getattr(builtins, name, None)
    return found if isinstance(found, type) and issubclass(found, Warning) else UserWarning


def read_many_cached(sources: Sequence[tuple[str | os.PathLike, str | None, dict[str, Any]]]) -> gpd.GeoDataFrame:
    """Wards of several files in one frame, each file parsed once per content.

    Parameters
    ----------
    sources : sequence of (path, sha256 or None, options)
        ``options`` are :func:`~tuttotal.data.geography.read_wards` keywords
        (``lad_code``, ``lad_name``, ``layer``, ``assume_crs``).

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`tuttotal.data.geography.combine` of every file's wards: one
        vintage, no ward twice, ``attrs`` with ``vintage``, ``sources`` and
        ``repaired``.
    """
    import pyarrow as pa

    if not sources:
        raise ValueError("no boundary file given")
    wanted = []
    for path, sha256, options in sources:
        path = Path(path)
        if not path.exists():
            raise GeographyError("no such file", file=path, fix="check the path")
        full = {"lad_code": None, "lad_name": None, "layer": None, "assume_crs": None, **options}
        wanted.append((path, full, entry_path(sha256 or sha256_of(path), full)))
    found = _read_entries([entry for _, _, entry in wanted])
    for i, (path, full, entry) in enumerate(wanted):
        if found[i] is None:  # parsed here, one file at a time (warnings are caught per file)
            found[i] = _parse_and_store(path, full, entry)
    tables = [table for table, _ in found]
    metas = [meta for _, meta in found]
    for _, ours in metas:
        for item in ours["warnings"]:
            warnings.warn(item["message"], _category(item["category"]), stacklevel=3)
    paths = [str(Path(p)) for p, _, _ in sources]
    vintages = {ours["attrs"].get("vintage", "") for _, ours in metas}
    if len(vintages) > 1:  # combine() names the files and refuses
        frames = []
        for table, (geo, ours), path in zip(tables, metas, paths, strict=True):
            frame = _to_frame(table, geo)
            frame.attrs.update(ours["attrs"], sources=[path])
            frames.append(frame)
        return geography.combine(frames)
    first_crs = metas[0][0]["columns"]["geometry"]["crs"]  # compared as dicts: no text made per file
    if any(geo["columns"]["geometry"]["crs"] != first_crs for geo, _ in metas):  # not made here: combine()
        return geography.combine([_to_frame(t, g) for t, (g, _) in zip(tables, metas, strict=True)])
    stripped = [t.replace_schema_metadata(None) for t in tables]
    wards = _to_frame(pa.concat_tables(stripped), metas[0][0])
    duplicated = wards.loc[wards.ward_code.duplicated(), "ward_code"]
    if len(duplicated):
        raise GeographyError(
            f"ward codes appear in more than one file: {', '.join(sorted(set(duplicated))[:10])}",
            fix="give each ward once",
        )
    wards.attrs.update(
        vintage=vintages.pop(),
        sources=paths,
        repaired=sum(int(ours["attrs"].get("repaired", 0)) for _, ours in metas),
    )
    return wards


def read_wards_cached(
    path: str | os.PathLike,
    *,
    sha256: str | None = None,
    lad_code: str | None = None,
    lad_name: str | None = None,
    layer: str | None = None,
    assume_crs: str | int | None = None,
) -> gpd.GeoDataFrame:
    """:func:`tuttotal.data.geography.read_wards`, parsed once per file content and kept as GeoParquet.

    Parameters
    ----------
    path : path
        The boundary file, as for :func:`~tuttotal.data.geography.read_wards`.
    sha256 : str, optional
        The file's SHA-256 when already known and verified (the registry's
        pinned hash); computed otherwise.
    lad_code, lad_name, layer, assume_crs
        Passed to :func:`~tuttotal.data.geography.read_wards`; part of the cache key.

    Returns
    -------
    geopandas.GeoDataFrame
        The ward contract in EPSG:27700, ``attrs["sources"]`` naming ``path``.

    Examples
    --------
    >>> from tuttotal.data import wardcache, geography
    >>> path = "../shared/data/wards-2013/E07000114.geojson"
    >>> cold = geography.read_wards(path, lad_code="E07000114")  # doctest: +SKIP
    >>> warm = wardcache.read_wards_cached(path, lad_code="E07000114")  # doctest: +SKIP
    >>> warm.geom_equals_exact(cold, 0).all()  # doctest: +SKIP
    True
    """
    options = {"lad_code": lad_code, "lad_name": lad_name, "layer": layer, "assume_crs": assume_crs}
    if not Path(path).exists():
        return geography.read_wards(path, **options)
    return read_many_cached([(path, sha256, options)])
