"""England's geography at once: every ward and LAD in one frame, and the drivers of every ward.

The public functions, each for all 326 English LADs of 2013 or the LADs given
(``lads=``), each cached so that a second call reads one file:

* :func:`england_wards`: every ward of England (7,681 in 2013) in the ward
  contract (``ward_code, ward_name, lad_code, lad_name, geometry``, British
  National Grid) with its ``region`` (the Country and Regional Analysis
  region of its LAD, :func:`tuttotal.data.cra.lad_regions`);
* :func:`england_lads`: the 326 LAD polygons (``lad_code, lad_name, region``);
  both also simplified for national maps (``simplify=`` metres: a coverage
  simplification that keeps the edges neighbours share, so no gaps open);
* :func:`england_ward_drivers`: :func:`tuttotal.data.ward_drivers.ward_driver_table`
  for every ward of England, its LSOA → ward overlay run one LAD per task on
  Dask (:mod:`tuttotal.england.cluster`), equal to a place's table for the
  place's LADs;

The files a national run needs, checked and fetched, are
:mod:`tuttotal.england.national_data`'s.

Caches (under ``$TUTTOTAL_CACHE_DIR/england/``, each written to a temporary
file and moved into place): ``wards-<key>.parquet``, ``lads-<key>.parquet``
(GeoParquet) and ``ward_drivers-<key>.parquet``. The key hashes the pinned
SHA-256 of every input file (each LAD's ward and LSOA files, the tabular
sources, the LAD boundaries and the region lookup, from the registries in
``tuttotal/data/registry/``), the LADs, the simplification and the code that
makes them (this module and the data modules it relies on). Input files are
verified (SHA-256) whenever they are read; a warm call reads no input file,
only its cache entry. The per-LAD overlay weights are cached as a place's are
(:func:`tuttotal.data.interpolate.cached_area_weights`), so a place and the
nation share them.

Examples
--------
>>> from tuttotal.england import geography
>>> wards = geography.england_wards("../shared/data")  # doctest: +SKIP
>>> len(wards), wards.lad_code.nunique(), wards.crs.to_epsg()  # doctest: +SKIP
(7681, 326, 27700)
>>> drivers = geography.england_ward_drivers("../shared/data")  # doctest: +SKIP
>>> round(drivers["population"].sum())  # doctest: +SKIP
54728204
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import re
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuttotal import cache, errors, settings
from tuttotal.data import cra, datasets, interpolate, sources, ward_drivers, wardcache
from tuttotal.england import cluster
from tuttotal.errors import GeographyError, InputError, PlaceNotFoundError
from tuttotal.names import suggest

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from distributed import Client

logger = logging.getLogger(__name__)

#: Columns of :func:`england_wards`: the ward contract and the region.
WARD_COLUMNS = ["ward_code", "ward_name", "lad_code", "lad_name", "region", "geometry"]
#: Columns of :func:`england_lads`.
LAD_COLUMNS = ["lad_code", "lad_name", "region", "geometry"]
#: Fewer LADs to overlay than this run in this process unless a cluster is named (``client``, ``scheduler``,
#: ``workers``): a LocalCluster's start-up (about 5 s on two cores) and its workers' imports (about 3 s each)
#: cost more than the overlay of a few dozen LADs in one process (``benchmarks/england_geography.py``).
CLUSTER_FROM = 50
#: The command that fetches everything a national run needs.
FETCH_COMMAND = "tuttotal data fetch --england"
BNG = 27700
_FORMAT = 1
_META_KEY = b"tuttotal"


# --------------------------------------------------------------------------- which LADs


def england_lad_codes(lads: Iterable[str] | None = None) -> list[str]:
    """The codes of the LADs to work on, sorted: all 326 English LADs of 2013, or ``lads`` checked.

    Raises
    ------
    PlaceNotFoundError
        A code that is not an English LAD of 2013, with the nearest codes suggested.
    InputError
        An empty list.

    Examples
    --------
    >>> len(england_lad_codes())
    326
    >>> england_lad_codes(["e07000114", "E06000053", "E07000114"])
    ['E06000053', 'E07000114']
    """
    registry = datasets.registry()
    if lads is None:
        return sorted(registry)
    if isinstance(lads, str):
        lads = [lads]
    codes = sorted({str(code).strip().upper() for code in lads})
    if not codes:
        raise InputError("no LAD code given", fix="give LAD codes such as E07000114, or lads=None for all of England")
    for code in codes:
        if code not in registry or code not in sources.lsoa_registry():
            raise PlaceNotFoundError(
                f"{code!r} is not an English LAD of 2013.{suggest(code, registry)}",
                fix="LAD codes look like E06000047, E07000114, E08000025 or E09000008",
            )
    return codes


# --------------------------------------------------------------------------- cache entries


_ENTRIES = cache.Disk("england", "england")


def _entry(kind: str, parts: Iterable[str]) -> Path:
    """``<cache>/england/<kind>-<hash>.parquet``: the hash of ``parts`` (pinned hashes, options) and the code
    (this module and all it imports, :func:`tuttotal.cache.code_hash`)."""
    return _ENTRIES.path(f"{kind}-{cache.key(kind, f'format {_FORMAT}', *parts, code=[__file__])}.parquet")


def _ward_parts(codes: list[str]) -> list[str]:
    registry = datasets.registry()
    return [f"{code}={registry[code].sha256}" for code in codes] + [f"regions={sources.source('lad13_to_nuts').sha256}"]


def _drivers_parts(codes: list[str]) -> list[str]:
    lsoa_registry = sources.lsoa_registry()
    parts = _ward_parts(codes) + [f"lsoa:{code}={lsoa_registry[code].sha256}" for code in codes]
    return parts + [f"data:{name}={sources.source(name).sha256}" for name in ward_drivers.SOURCE_NAMES]


def caches_warm(lads: Iterable[str] | None = None) -> bool:
    """Whether the wards and the ward drivers of ``lads`` (all 326 LADs by default) are in the national caches.

    When they are, :func:`england_wards` and :func:`england_ward_drivers`
    read one file each and a national count takes seconds; when not, the
    first call parses the ward files and may run the LSOA → ward overlay
    (minutes for all of England, cold). Reads no input file and starts no
    work: it only asks whether the two cache entries exist.

    Examples
    --------
    >>> caches_warm()  # doctest: +SKIP
    False
    >>> _ = england_ward_drivers("../shared/data")  # doctest: +SKIP
    >>> caches_warm()  # doctest: +SKIP
    True
    """
    codes = england_lad_codes(lads)
    try:
        entries = (_entry("wards", _ward_parts(codes)), _entry("ward_drivers", _drivers_parts(codes)))
    except (KeyError, errors.TuttotalError):  # a registry without an entry: nothing cached for it
        return False
    return all(entry.is_file() for entry in entries)


def _write_frame(frame: pd.DataFrame, target: Path, meta: dict[str, Any]) -> None:
    """A frame (a GeoDataFrame in British National Grid as GeoParquet, WKB) with ``meta`` kept beside it."""
    import pyarrow as pa

    columns = [c for c in frame.columns if c != "geometry"]
    table = pa.Table.from_pandas(frame[columns], preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    if "geometry" in frame.columns:
        import shapely

        table = table.append_column("geometry", pa.array(shapely.to_wkb(frame.geometry.to_numpy()), type=pa.binary()))
        geo = {
            "version": "1.0.0",
            "primary_column": "geometry",
            "columns": {
                "geometry": {
                    "encoding": "WKB",
                    "geometry_types": sorted(set(frame.geom_type)),
                    "crs": frame.crs.to_json_dict(),
                    "bbox": [float(v) for v in frame.total_bounds],
                }
            },
        }
        metadata[b"geo"] = json.dumps(geo).encode()
    metadata[_META_KEY] = json.dumps(meta, default=str).encode()
    with contextlib.suppress(OSError):  # a read-only cache folder only costs speed
        wardcache.write_parquet(table.replace_schema_metadata(metadata), target)


def _read_frame(target: Path) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """A frame written by :func:`_write_frame` and its ``meta``; None when absent or unreadable."""
    import pyarrow.parquet as pq

    if not target.is_file():
        return None
    try:
        table = pq.read_table(target)
        meta = json.loads((table.schema.metadata or {})[_META_KEY])
        if "geometry" not in table.column_names:
            return table.to_pandas(), meta
        import geopandas as gpd
        import shapely

        geometry = shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False))
        frame = table.drop_columns(["geometry"]).replace_schema_metadata(None).to_pandas()
        return gpd.GeoDataFrame(frame, geometry=geometry, crs=BNG), meta
    except Exception:  # a damaged entry is made again
        return None


def _warn_again(meta: dict[str, Any]) -> None:
    """Raise again the warnings recorded when an entry was made, but a repaired geometry (kept in ``repairs``)."""
    import builtins

    for item in meta.get("warnings", []):
        found = getattr(errors, item["category"], None) or getattr(builtins, item["category"], None)
        category = found if isinstance(found, type) and issubclass(found, Warning) else UserWarning
        warnings.warn(item["message"], category, stacklevel=3)


#: What :func:`tuttotal.data.geography.read_wards` says when it repairs a file's polygons.
_REPAIRED = re.compile(r"(?P<path>.+): (?P<n>\d+) invalid ward geometr(?:y was|ies were) repaired \((?P<how>[^)]*)\)")


def _repair_of(message: str) -> dict[str, Any] | None:
    """``{lad_code, wards, how}`` from a ward file's repair warning; None for any other message.

    Examples
    --------
    >>> _repair_of("/data/wards-2013/E07000074.geojson: 1 invalid ward geometry was repaired (self-intersections "
    ...            "made valid)")
    {'lad_code': 'E07000074', 'wards': 1, 'how': 'self-intersections made valid'}
    >>> _repair_of("something else") is None
    True
    """
    found = _REPAIRED.fullmatch(message.strip())
    if found is None:
        return None
    return {"lad_code": Path(found["path"]).stem, "wards": int(found["n"]), "how": found["how"]}


def repairs(wards: pd.DataFrame) -> list[dict[str, Any]]:
    """The ward polygons of England's pinned files that were invalid and made valid as read, one item per LAD.

    :func:`england_wards` keeps them in ``attrs["repairs"]`` (and in its
    cache entry) instead of warning on every read: a national report states
    them once, as a note (:func:`repair_notes`), not as a stray warning.

    Returns
    -------
    list of dict
        ``{lad_code, lad_name, wards, how}``: the LAD, how many of its ward
        polygons were repaired and how (the words of
        :func:`tuttotal.data.geography.read_wards`).

    Examples
    --------
    >>> import pandas as pd
    >>> wards = pd.DataFrame({"ward_code": ["E05004205"]})
    >>> wards.attrs["repairs"] = [{"lad_code": "E07000074", "lad_name": "Maldon", "wards": 1, "how": "made valid"}]
    >>> [item["lad_code"] for item in repairs(wards)]
    ['E07000074']
    """
    return [dict(item) for item in wards.attrs.get("repairs", [])]


def repair_notes(repaired: Iterable[dict[str, Any]]) -> list[str]:
    """One sentence per LAD whose ward file had invalid polygons: what was repaired, how, and what it changes.

    Examples
    --------
    >>> repair_notes([{"lad_code": "E07000074", "lad_name": "Maldon", "wards": 1,
    ...                "how": "self-intersections made valid"}])[0][:95]
    'Ward boundaries: 1 ward polygon of Maldon (E07000074) in the pinned 2013 ward file is not valid'
    """
    notes = []
    for item in repaired:
        n = int(item["wards"])
        one = n == 1
        notes.append(
            f"Ward boundaries: {'1 ward polygon' if one else f'{n} ward polygons'} of "
            f"{item.get('lad_name') or item['lad_code']} ({item['lad_code']}) in the pinned 2013 ward file "
            f"{'is' if one else 'are'} not valid as GEOS checks polygons (a self-intersection: a ring that touches "
            f"or crosses itself) and {'was' if one else 'were'} made valid as read (shapely's make_valid, which keeps "
            "every edge of the outline), so that areas, the LSOA → ward shares and the maps can be computed. The "
            "file is used as published (its SHA-256 is pinned); no ward, person or pound is dropped."
        )
    return notes


# --------------------------------------------------------------------------- simplification


def simplify_coverage(geometry, tolerance: float):
    """Polygons that tile an area, simplified by ``tolerance`` metres with the edges neighbours share kept shared.

    GEOS's coverage simplification (Visvalingam–Whyatt on the shared edges
    once, :func:`shapely.coverage_simplify`): no gap or overlap opens
    between neighbours where their edges matched. The few edges that do
    not match exactly (18 of England's 7,681 wards meet a neighbour along
    such an edge) are simplified on each side. A polygon the coverage
    simplification would leave empty or invalid is simplified alone
    (:func:`shapely.simplify`, topology kept).

    Parameters
    ----------
    geometry : array of shapely polygons
        In a projected CRS (metres).
    tolerance : float
        Roughly the side of the largest triangle removed, in metres.

    Examples
    --------
    >>> import shapely
    >>> squares = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    >>> [round(g.area, 3) for g in simplify_coverage(squares, 0.1)]
    [1.0, 1.0]
    """
    import numpy as np
    import shapely

    geometry = np.asarray(geometry, dtype=object)
    if tolerance < 0:
        raise InputError(f"simplify={tolerance} is not a tolerance", fix="give a distance in metres, e.g. 100")
    if tolerance == 0 or not len(geometry):
        return geometry
    simple = shapely.coverage_simplify(geometry, tolerance)
    bad = shapely.is_empty(simple) | ~shapely.is_valid(simple)
    if bad.any():
        simple[bad] = shapely.simplify(geometry[bad], tolerance, preserve_topology=True)
    return simple


# --------------------------------------------------------------------------- wards


def _ward_sources(codes: list[str], data_dir, download: bool) -> list[tuple[Path, str, dict[str, Any]]]:
    """Each LAD's verified ward file, its pinned hash and the reading options a place uses."""
    files = datasets.fetch(codes, data_dir, download=download)
    registry = datasets.registry()
    return [
        (files[code], registry[code].sha256, {"lad_code": code, "lad_name": registry[code].lad_name}) for code in codes
    ]


def _prime_ward_cache(sources_: list, client_for: Callable[[int], Client | None], progress: bool | None) -> None:
    """Parse the ward files whose GeoParquet cache is missing on the cluster's workers (they fill the cache).

    When ``client_for`` gives no client for so few files, they are left to be parsed in this process.
    """
    full = {"layer": None, "assume_crs": None}
    todo = {
        options["lad_code"]: (str(path), sha, options["lad_code"], options["lad_name"])
        for path, sha, options in sources_
        if not wardcache.entry_path(sha, {**full, **options}).is_file()
    }
    client = client_for(len(todo)) if len(todo) > 1 else None
    if client is None:
        return
    for _ in cluster.run_tasks(client, _parse_wards, todo, progress=progress, description="ward files", unit="LAD"):
        pass


def _parse_wards(path: str, sha256: str, lad_code: str, lad_name: str) -> int:
    """On a worker: parse one LAD's ward file into the ward cache; the number of wards."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # recorded in the entry, raised again where it is read
        return len(wardcache.read_wards_cached(path, sha256=sha256, lad_code=lad_code, lad_name=lad_name))


def _load_wards(
    codes: list[str],
    data_dir,
    download: bool,
    client_for: Callable[[int], Client | None] | None = None,
    progress: bool | None = None,
) -> gpd.GeoDataFrame:
    """The wards of ``codes`` (unsimplified), from the national cache or the per-LAD ward cache."""
    entry = _entry("wards", _ward_parts(codes))
    found = _read_frame(entry)
    if found is not None:
        wards, meta = found
        wards.attrs.update(meta.get("attrs", {}))
        _warn_again(meta)
        return wards
    sources.get_path("lad13_to_nuts", data_dir, download=download)  # verified, or refused when not downloading
    regions = cra.lad_regions(data_dir)
    files = _ward_sources(codes, data_dir, download)
    if client_for is not None:
        _prime_ward_cache(files, client_for, progress)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wards = wardcache.read_many_cached(files)
    records = [{"category": w.category.__name__, "message": str(w.message)} for w in caught]
    registry = datasets.registry()
    repaired = []
    for record in list(records):
        item = _repair_of(record["message"])
        if item is not None and item["lad_code"] in registry:  # kept as a note (attrs["repairs"]), not a warning
            repaired.append({**item, "lad_name": registry[item["lad_code"]].lad_name})
            records.remove(record)
    region = wards["lad_code"].map(regions)
    if region.isna().any():
        lad = wards.loc[region.isna().to_numpy(), "lad_code"].iloc[0]
        raise InputError(
            f"LAD {lad} has no region in the lookup of LADs to regions",
            file=sources.local_path(sources.source("lad13_to_nuts").path, data_dir),
            fix="use the pinned lookups/lad13_to_nuts.csv (tuttotal data fetch --england)",
        )
    wards["region"] = region.astype(wards["lad_code"].dtype)  # the type a cached read gives
    wards = wards[WARD_COLUMNS]
    wards.attrs = {"vintage": datasets.VINTAGE, "repaired": int(wards.attrs.get("repaired", 0)), "repairs": repaired}
    _write_frame(wards, entry, {"attrs": wards.attrs, "warnings": records})
    for item in repaired:
        logger.info("%s", repair_notes([item])[0])
    for record in records:
        warnings.warn(record["message"], errors.TuttotalWarning, stacklevel=3)
    return wards


def england_wards(
    data_dir: settings.DataRootLike = None,
    *,
    lads: Iterable[str] | None = None,
    simplify: float | None = None,
    download: bool = True,
) -> gpd.GeoDataFrame:
    """Every ward of England (or of ``lads``) in one frame: the ward contract and the region.

    Parameters
    ----------
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    lads : iterable of str, optional
        2013 LAD codes; all 326 English LADs by default.
    simplify : float, optional
        A tolerance in metres (British National Grid) for national maps,
        e.g. 100 for a ward map of England at A4: the wards' shared edges
        stay shared (:func:`simplify_coverage`). The wards of ``lads`` are
        simplified together (edges with LADs left out are simplified as
        outlines). Cached per tolerance and LADs.
    download : bool
        Whether missing ward files may be downloaded (pinned, hash-checked).

    Returns
    -------
    geopandas.GeoDataFrame
        ``ward_code, ward_name, lad_code, lad_name, region, geometry`` in
        EPSG:27700, one row per ward, LADs in code order and each LAD's
        wards in the order of its file (the order a place's wards have);
        ``attrs`` with ``vintage`` (``"2013"``), ``repaired`` and
        ``simplified`` (the tolerance, 0 for none).

    Raises
    ------
    PlaceNotFoundError
        A code that is not an English LAD of 2013.
    DataUnavailableError, HashMismatchError
        A ward file that is missing and cannot be downloaded, or damaged.

    Examples
    --------
    >>> wards = england_wards(lads=["E07000114"])
    >>> wards.groupby("lad_name").size().to_dict()
    {'Thanet': 23}
    >>> sorted(wards.region.unique())
    ['South East']
    """
    codes = england_lad_codes(lads)
    tolerance = _tolerance(simplify)
    if not tolerance:
        wards = _load_wards(codes, data_dir, download)
        wards.attrs["simplified"] = 0.0
        return wards
    entry = _entry("wards", [*_ward_parts(codes), f"simplify={tolerance!r}"])
    found = _read_frame(entry)
    if found is not None:
        wards, meta = found
        wards.attrs.update(meta.get("attrs", {}))
        return wards
    full = _load_wards(codes, data_dir, download)
    wards = full.copy()
    wards["geometry"] = simplify_coverage(full.geometry.to_numpy(), tolerance)
    wards.attrs = {**full.attrs, "simplified": tolerance}
    _write_frame(wards, entry, {"attrs": wards.attrs})
    return wards


def _tolerance(simplify: float | None) -> float:
    if simplify is None:
        return 0.0
    try:
        value = float(simplify)
    except (TypeError, ValueError):
        raise InputError(f"simplify={simplify!r} is not a distance", fix="give metres, e.g. simplify=100") from None
    if not value >= 0:
        raise InputError(f"simplify={simplify!r} is not a tolerance", fix="give a distance in metres, e.g. 100")
    return value


# --------------------------------------------------------------------------- LADs


def _read_lads(data_dir, download: bool) -> gpd.GeoDataFrame:
    """England's 326 LADs of 2013 from the pinned TopoJSON (which carries no CRS: it is CRS84)."""
    import pyogrio

    path = sources.get_path("lad2013", data_dir, download=download)
    try:
        frame = pyogrio.read_dataframe(path, layer="lad", columns=["LAD13CD", "LAD13NM"])
    except Exception as exc:
        raise GeographyError(
            f"cannot be read as England's LAD boundaries ({type(exc).__name__}: {str(exc).splitlines()[0]})",
            file=path,
            fix=f"use the pinned file ({FETCH_COMMAND})",
        ) from None
    frame = frame.set_crs("OGC:CRS84", allow_override=True).to_crs(BNG)
    frame = frame.rename(columns={"LAD13CD": "lad_code", "LAD13NM": "lad_name"})
    frame["geometry"] = _valid_polygons(frame.geometry.to_numpy())
    expected = set(datasets.registry())
    found = set(frame["lad_code"])
    if found != expected:
        raise GeographyError(
            f"England's LAD boundaries hold {len(found)} LADs, not the registry's {len(expected)} "
            f"(e.g. missing {sorted(expected - found)[:3]}, unexpected {sorted(found - expected)[:3]})",
            file=path,
            fix=f"use the pinned file ({FETCH_COMMAND})",
        )
    sources.get_path("lad13_to_nuts", data_dir, download=download)
    regions = cra.lad_regions(data_dir)
    frame["region"] = frame["lad_code"].map(regions)
    frame = frame.sort_values("lad_code", ignore_index=True)
    return frame[LAD_COLUMNS]


def _valid_polygons(geometry):
    """Polygons made valid, polygonal parts only (most of the TopoJSON's LADs touch themselves at a point).

    Examples
    --------
    >>> import shapely
    >>> bow = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])  # a bow tie: invalid
    >>> [g.geom_type for g in _valid_polygons([bow])]
    ['MultiPolygon']
    """
    import numpy as np
    import shapely

    geometry = np.array(geometry, dtype=object)
    invalid = ~shapely.is_valid(geometry)
    if invalid.any():
        geometry[invalid] = shapely.make_valid(geometry[invalid], method="structure", keep_collapsed=False)
    return geometry


def england_lads(
    data_dir: settings.DataRootLike = None,
    *,
    lads: Iterable[str] | None = None,
    simplify: float | None = None,
    download: bool = True,
) -> gpd.GeoDataFrame:
    """The polygons of England's 326 LADs of 2013 (or of ``lads``), with their names and regions.

    Parameters
    ----------
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    lads : iterable of str, optional
        2013 LAD codes; all 326 by default.
    simplify : float, optional
        A tolerance in metres for national maps (e.g. 500 for England at
        A4); the LADs' shared edges stay shared (:func:`simplify_coverage`).
    download : bool
        Whether the LAD boundaries may be downloaded (pinned, hash-checked).

    Returns
    -------
    geopandas.GeoDataFrame
        ``lad_code, lad_name, region, geometry`` in EPSG:27700, in code
        order; ``attrs["simplified"]`` the tolerance (0 for none).

    Examples
    --------
    >>> lads = england_lads("../shared/data", simplify=500)  # doctest: +SKIP
    >>> len(lads), lads.region.nunique()  # doctest: +SKIP
    (326, 9)
    """
    codes = england_lad_codes(lads)
    tolerance = _tolerance(simplify)
    parts = [f"lad2013={sources.source('lad2013').sha256}", f"regions={sources.source('lad13_to_nuts').sha256}"]
    entry = _entry("lads", [*parts, f"simplify={tolerance!r}"])
    found = _read_frame(entry)
    if found is not None:
        frame = found[0]
    else:
        frame = _read_lads(data_dir, download)
        if tolerance:
            frame["geometry"] = simplify_coverage(frame.geometry.to_numpy(), tolerance)
        _write_frame(frame, entry, {})
    if len(codes) < len(frame):  # simplified with all its neighbours, then chosen: the same edges as the map of all
        frame = frame[frame["lad_code"].isin(codes)].reset_index(drop=True)
    frame.attrs = {"vintage": datasets.VINTAGE, "simplified": tolerance}
    return frame


# --------------------------------------------------------------------------- drivers


def _lsoa_order(codes: list[str]) -> list[str]:
    """The LADs largest LSOA file first: the longest overlays start first, so no long one runs alone at the end."""
    registry = sources.lsoa_registry()
    return sorted(codes, key=lambda code: (-registry[code].bytes, code))


def _overlay(
    wards: gpd.GeoDataFrame,
    codes: list[str],
    data_dir,
    download: bool,
    *,
    client_for: Callable[[int], Client | None] | None,
    progress: bool | None,
) -> int:
    """Compute and cache the LSOA → ward weights of every LAD that has none cached; the number computed."""
    from tqdm import tqdm

    groups = wards.groupby("lad_code", sort=False).indices
    todo: dict[str, tuple[Path, gpd.GeoDataFrame]] = {}
    for code in codes:
        lad_wards = wards.iloc[groups[code]]
        # the LSOA file's hash where this data root reads it (an extract's own): the key a place's drivers read
        entry = interpolate.weights_entry(sources.lsoa_sha256(code, data_dir), lad_wards)
        if interpolate.read_cached_weights(entry) is None:
            todo[code] = (entry, lad_wards[["ward_code", "geometry"]])
    if not todo:
        return 0
    order = _lsoa_order(list(todo))
    paths = sources.lsoa_paths(order, data_dir, download=download)
    client = client_for(len(todo)) if client_for is not None and len(todo) > 1 else None
    if client is None:
        for code in tqdm(order, desc="LSOA → ward overlay", unit="LAD", disable=not cluster.show_progress(progress)):
            entry, lad_wards = todo[code]
            interpolate.store_weights(entry, interpolate.compute_area_weights(paths[code], lad_wards))
        return len(todo)
    tasks = {code: (str(paths[code]), todo[code][1]) for code in order}
    results = cluster.run_tasks(
        client,
        interpolate.compute_area_weights,
        tasks,
        progress=progress,
        description="LSOA → ward overlay",
        unit="LAD",
    )
    for code, weights in results:
        interpolate.store_weights(todo[code][0], weights)
    return len(todo)


def _inputs(codes: list[str]) -> dict[str, str]:
    """The pinned SHA-256 of every file the drivers of ``codes`` are made from, named as in ``summary.json``."""
    lsoa_registry = sources.lsoa_registry()
    inputs = {f"data:{name}": sources.source(name).sha256 for name in ward_drivers.SOURCE_NAMES}
    inputs.update({f"lsoa:{code}": lsoa_registry[code].sha256 for code in codes})
    registry = datasets.registry()
    inputs.update({f"wards:{code}": registry[code].sha256 for code in codes})
    return inputs


def england_ward_drivers(
    data_dir: settings.DataRootLike = None,
    *,
    lads: Iterable[str] | None = None,
    client: Client | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    serial: bool = False,
    progress: bool | None = None,
    download: bool = True,
) -> pd.DataFrame:
    """Every driver of every ward of England (or of ``lads``): a place's ward driver table, for the nation at once.

    The LSOA → ward overlay (the costly part) runs one LAD per task on Dask
    and is cached per LAD, as a place's is; the table is then made from the
    cached weights in this process, by the very code that makes a place's,
    and cached whole. A warm call reads that one file (no cluster starts,
    no input file is read).

    Parameters
    ----------
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    lads : iterable of str, optional
        2013 LAD codes; all 326 English LADs by default.
    client : distributed.Client, optional
        A client of the cluster to run on (left open).
    scheduler : str, optional
        Without ``client``: the address of a running Dask scheduler
        (``tcp://host:8786``); its workers need tuttotal and the same paths.
    workers : int, optional
        Without either: the worker processes of the LocalCluster started
        (and closed) here; this machine's cores by default. A cluster is
        started only when some LAD's overlay is not cached yet, and, unless
        ``client``, ``scheduler`` or ``workers`` is given, only for at
        least :data:`CLUSTER_FROM` LADs (fewer are quicker in this process)
        and when dask.distributed is installed (the ``dask`` extra; without
        it the overlay runs in this process).
    serial : bool
        Run the overlay in this process, one LAD after another (no Dask).
    progress : bool, optional
        A progress bar of the LADs overlaid; by default on a terminal.
    download : bool
        Whether missing data files may be downloaded (pinned, hash-checked).

    Returns
    -------
    pandas.DataFrame
        ``ward_code, ward_name, lad_code`` and :data:`tuttotal.data.ward_drivers.DRIVERS`,
        one row per ward in the order of :func:`england_wards`. For the
        wards of a place's LADs, equal (exactly) to the place's
        :func:`~tuttotal.data.ward_drivers.ward_driver_table`. ``attrs``:
        ``notes`` (sentences for figures), ``sources`` (source names, for
        licences) and ``inputs`` (``{name: pinned SHA-256}`` of every file
        it is made from).

    Raises
    ------
    InputError
        A code that is not an English LAD; a data file missing or damaged
        (run :data:`FETCH_COMMAND`); an unreachable scheduler.

    Examples
    --------
    >>> table = england_ward_drivers(lads=["E07000114"], serial=True)
    >>> round(table["population"].sum())
    139822
    """
    codes = england_lad_codes(lads)
    entry = _entry("ward_drivers", _drivers_parts(codes))
    found = _read_frame(entry)
    if found is None:
        with contextlib.ExitStack() as stack:
            made: list[Client] = []

            def client_for(tasks: int) -> Client | None:
                """The cluster for ``tasks`` tasks, started at the first need; None: run them in this process."""
                if serial:
                    return None
                if not made:
                    if client is None and not scheduler and workers is None:
                        if tasks < CLUSTER_FROM:
                            return None  # a LocalCluster would cost more than it saves
                        if importlib.util.find_spec("distributed") is None:
                            logger.info("dask.distributed is not installed: the overlay runs in this process")
                            return None
                    made.append(stack.enter_context(cluster.dask_client(client, scheduler=scheduler, workers=workers)))
                return made[0]

            wards = _load_wards(codes, data_dir, download, client_for, progress)
            computed = _overlay(wards, codes, data_dir, download, client_for=client_for, progress=progress)
        logger.info("LSOA → ward overlay: %d of %d LADs computed, the rest cached", computed, len(codes))
        table = ward_drivers.ward_driver_table(wards, data_dir, download=download)
        meta = {"notes": list(table.attrs.get("notes", []))}
        table = table.copy()
        table.attrs = {}
        _write_frame(table, entry, meta)
    else:
        table, meta = found
    table.attrs = {
        "notes": list(meta.get("notes", [])),
        "sources": [*ward_drivers.SOURCE_NAMES, "lsoa_boundaries"],
        "inputs": _inputs(codes),
    }
    return table
