"""Real ward boundaries, hash-pinned: a data folder first, then a cached download.

In the style of ``geodatasets``: the registry is data
(``tuttotal/data/registry/wards_2013.csv``: LAD code, LAD name, source path,
SHA-256, size for all 326 English LADs of 2013), one pooch cache, and small
public functions.

Where a file comes from, in order:

1. a data folder given as ``data_dir`` (``--data-dir``) or by
   ``$TUTTOTAL_DATA_DIR``, holding ``<LAD code>.geojson``;
2. the pooch cache (``$TUTTOTAL_CACHE_DIR`` or the user cache folder);
3. a download from the source repository, pinned to one commit.

Every file, from a folder or a download, is checked against its SHA-256.

Examples
--------
>>> from tuttotal.data import datasets
>>> datasets.get_url("E07000114")  # doctest: +ELLIPSIS
'https://raw.githubusercontent.com/martinjc/UK-GeoJSON/88339000.../json/electoral/eng/wards_by_lad/E07000114.json'
>>> datasets.lad_names()["E07000114"]
'Thanet'
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tuttotal import settings
from tuttotal.data import extracts
from tuttotal.data.limits import special_kind
from tuttotal.errors import DataUnavailableError, HashMismatchError, PlaceNotFoundError
from tuttotal.names import suggest

SOURCE_COMMIT = "88339000fc8711feb9c146d5cd7d145bf286350d"
BASE_URL = f"https://raw.githubusercontent.com/martinjc/UK-GeoJSON/{SOURCE_COMMIT}/"
LAD_TOPOJSON_PATH = "json/administrative/eng/topo_lad.json"
LAD_TOPOJSON_SHA256 = "648796354776b18d767da9d8d4bbf9e1e807742196d7b644b6f79426051d0655"
LAD_TOPOJSON_NAME = "england_lad_2013.topojson"
VINTAGE = "2013"
ATTRIBUTION = (
    "Boundaries: UK-GeoJSON by Martin Chorley (CC BY 4.0). Contains OS data © Crown copyright "
    "and database right 2014; contains National Statistics data © Crown copyright and database "
    "right 2014 (OGL v3.0)."
)
_REGISTRY_CSV = Path(__file__).with_name("registry") / "wards_2013.csv"


@dataclass(frozen=True)
class RegistryEntry:
    """One LAD's ward file: where it is published and its pinned hash."""

    lad_code: str
    lad_name: str
    path: str
    sha256: str
    bytes: int


def read_registry(path: str | os.PathLike) -> dict[str, RegistryEntry]:
    """A registry CSV (``lad_code, lad_name, path, sha256, bytes``) keyed by LAD code."""
    with open(path, newline="", encoding="utf-8") as f:
        return {
            row["lad_code"]: RegistryEntry(
                row["lad_code"], row["lad_name"], row["path"], row["sha256"], int(row["bytes"])
            )
            for row in csv.DictReader(f)
        }


@lru_cache(maxsize=1)
def registry() -> dict[str, RegistryEntry]:
    """All 326 English LADs of 2013, keyed by LAD code."""
    return read_registry(_REGISTRY_CSV)


def lad_names() -> dict[str, str]:
    """LAD code to name for the 326 English LADs (names from the LAD TopoJSON)."""
    return {code: entry.lad_name for code, entry in registry().items()}


def _entry(lad_code: str) -> RegistryEntry:
    try:
        return registry()[lad_code]
    except KeyError:
        raise PlaceNotFoundError(
            f"{lad_code!r} is not in the registry of English LADs of 2013.{suggest(lad_code, registry())}",
            fix="use a 2013 LAD code such as E07000114, or give your own file with --wards",
        ) from None


def base_url() -> str:
    return settings.boundary_base_url(BASE_URL)


def get_url(lad_code: str) -> str:
    """The pinned download address of one LAD's 2013 ward file."""
    return base_url() + _entry(lad_code).path


def default_data_dir() -> Path | None:
    """The ward folder of the data root named by ``$TUTTOTAL_DATA_DIR``, if any."""
    return settings.data_root().wards_dir


def cache_dir() -> Path:
    """Where downloads are kept: ``$TUTTOTAL_CACHE_DIR`` or the user cache folder."""
    return settings.cache_dir()


#: SHA-256 of files already read by this process, by (device, inode, size, mtime, ctime).
_HASHED: dict[tuple[int, ...], str] = {}
#: A file changed less than this long ago is read again every time: a second change within the
#: resolution of its timestamps would not show in them (git's "racy clean" problem).
_SETTLED_NS = 2_000_000_000


def sha256_of(path: str | os.PathLike) -> str:
    """SHA-256 of a file, in hex.

    A process reads a file once: the digest is remembered while the file's
    inode, size and modification times stay the same (a warm kernel checks
    the same pinned data files for place after place). A file changed in
    the last two seconds is always read.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as f:
    ...     sha256_of(f.name)[:12]
    'e3b0c44298fc'
    """
    stat = os.stat(path)
    kind = special_kind(stat.st_mode)
    if kind is not None:  # a FIFO or device in a data folder would be read without end
        raise HashMismatchError(
            f"is {kind}, not a regular file: it cannot be hash-checked",
            file=path,
            fix="replace it with the pinned file (delete it and run 'tuttotal data fetch', or copy it again)",
        )
    key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    if key in _HASHED:
        return _HASHED[key]
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    found = digest.hexdigest()
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > _SETTLED_NS:
        _HASHED[key] = found
    return found


def _checked(path: Path, expected: str) -> Path:
    found = sha256_of(path)
    if found != expected:
        raise HashMismatchError(
            f"this file is not the pinned registry file (SHA-256 mismatch): expected {expected}, found {found}",
            file=path,
            fix="replace it with the file of the pinned release (tuttotal data fetch), "
            "or give it as your own boundary file with --wards",
        )
    return path


def _in_root(key: str, root: settings.DataRoot) -> tuple[Path, str] | None:
    """An extract of ``key`` in a root of extracts, with its own hash (:mod:`tuttotal.data.extracts`)."""
    extract = extracts.find(root.root, key)
    if extract is None or not (root.root / extract.path).is_file():
        return None
    return root.root / extract.path, extract.sha256


def _from_folder(lad_code: str, data_dir: Path | None) -> Path | None:
    root = settings.data_root(data_dir)
    if extracts.is_extract_root(root.root):
        found = _in_root(f"wards-2013/{lad_code}.geojson", root)
        return None if found is None else _checked(*found)
    folder = root.wards_dir
    if folder is None:
        return None
    candidate = Path(folder) / f"{lad_code}.geojson"
    if not candidate.is_file():
        return None
    return _checked(candidate, _entry(lad_code).sha256)


def ward_sha256(lad_code: str, data_dir: str | os.PathLike | None = None) -> str:
    """The SHA-256 of one LAD's ward file where ``data_dir`` reads it: pinned, or its extract's own.

    Examples
    --------
    >>> ward_sha256("E07000114", None) == registry()["E07000114"].sha256
    True
    """
    found = _in_root(f"wards-2013/{lad_code}.geojson", settings.data_root(data_dir))
    return _entry(lad_code).sha256 if found is None else found[1]


def _pooch():
    import pooch

    registry_hashes = {e.path: f"sha256:{e.sha256}" for e in registry().values()}
    registry_hashes[LAD_TOPOJSON_PATH] = f"sha256:{LAD_TOPOJSON_SHA256}"
    return pooch.create(path=cache_dir(), base_url=base_url(), registry=registry_hashes)


def _download(path_in_source: str, progress: bool) -> Path:
    return Path(_pooch().fetch(path_in_source, progressbar=progress))


def get_path(lad_code: str, data_dir: str | os.PathLike | None = None, *, download: bool = True) -> Path:
    """Path of one LAD's verified 2013 ward file: from the folder, the cache or a download.

    Parameters
    ----------
    lad_code : str
        ONS code of 2013, e.g. ``"E07000114"``.
    data_dir : path, optional
        A folder holding ``<LAD code>.geojson``; ``$TUTTOTAL_DATA_DIR`` when omitted.
    download : bool
        Whether to download when the file is nowhere local.

    Examples
    --------
    >>> path = get_path("E07000114", "../shared/data/wards-2013")  # doctest: +SKIP
    >>> path.name  # doctest: +SKIP
    'E07000114.geojson'
    """
    return fetch([lad_code], data_dir, download=download)[lad_code]


def short_reason(exc: Exception) -> str:
    """Why a download failed, in a few words (no object addresses, no retry chatter)."""
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status_code", None):
        return f"HTTP {response.status_code}"
    if type(exc).__name__ in {"ConnectionError", "Timeout", "ConnectTimeout", "ReadTimeout"}:
        return f"{type(exc).__name__}: no connection"
    return re.sub(r" object at 0x[0-9a-f]+", "", f"{type(exc).__name__}: {exc}".splitlines()[0])[:160]


def fetch(
    lad_codes: list[str] | tuple[str, ...],
    data_dir: str | os.PathLike | None = None,
    *,
    download: bool = True,
    progress: bool = False,
) -> dict[str, Path]:
    """Verified ward files for several LADs, downloading what is missing.

    Raises
    ------
    DataUnavailableError
        Naming every LAD that is in no folder and could not be downloaded,
        and both ways to provide them.
    HashMismatchError
        When a file's SHA-256 is not the pinned one.
    """
    folder = Path(data_dir) if data_dir else None
    found: dict[str, Path] = {}
    missing: dict[str, str] = {}
    for code in lad_codes:
        entry = _entry(code)
        local = _from_folder(code, folder)
        if local is not None:
            found[code] = local
            continue
        cached = cache_dir() / entry.path
        if cached.is_file():
            found[code] = _checked(cached, entry.sha256)
            continue
        if not download:
            missing[code] = "not downloaded yet"
            continue
        try:
            found[code] = _download(entry.path, progress)
        except Exception as exc:  # network errors come in many types
            missing[code] = short_reason(exc)
    if missing:
        where = settings.data_root(folder).wards_dir
        lines = "\n".join(f"    {code} {lad_names()[code]}: {why}" for code, why in missing.items())
        raise DataUnavailableError(
            f"ward boundaries are missing for {len(missing)} LAD(s)"
            + (f" (not in the data folder {where})" if where else "")
            + f" and could not be downloaded:\n{lines}",
            fix="either download them where there is a network (tuttotal data fetch --lad "
            + " ".join(missing)
            + "), or point --data-dir (or TUTTOTAL_DATA_DIR) at a folder holding "
            "<LAD code>.geojson files of the 2013 release",
        )
    return found


def available_lads(data_dir: str | os.PathLike | None = None) -> list[str]:
    """Codes of the registry LADs whose ward file is here already: in the data folder or the cache.

    No file is read or hashed (:func:`fetch` verifies them when they are used).

    Examples
    --------
    >>> len(available_lads("../shared/data/wards-2013"))  # doctest: +SKIP
    69
    """
    return sorted(code for code in registry() if local_path(code, data_dir) is not None)


def local_path(lad_code: str, data_dir: str | os.PathLike | None = None) -> Path | None:
    """Where one LAD's ward file is already, unverified: the data folder, then the cache; None if nowhere.

    Looks where :func:`fetch` looks, without reading or hashing the file (:func:`fetch` verifies it).

    Examples
    --------
    >>> local_path("E07000114", "../shared/data").name  # doctest: +SKIP
    'E07000114.geojson'
    """
    root = settings.data_root(data_dir)
    if extracts.is_extract_root(root.root):
        found = _in_root(f"wards-2013/{lad_code}.geojson", root)
        if found is not None:
            return found[0]
    elif root.wards_dir is not None and (root.wards_dir / f"{lad_code}.geojson").is_file():
        return root.wards_dir / f"{lad_code}.geojson"
    cached = cache_dir() / _entry(lad_code).path
    return cached if cached.is_file() else None


def lad_boundaries_path(data_dir: str | os.PathLike | None = None) -> Path:
    """Verified path of England's LAD boundaries of 2013 (TopoJSON, layer ``lad``).

    Looked for as ``england_lad_2013.topojson`` in the data folder and in a
    ``lad-2013`` folder beside it, then in the cache, then downloaded.
    """
    root = settings.data_root(data_dir)
    found = _in_root(f"lad-2013/{LAD_TOPOJSON_NAME}", root)
    if found is not None:
        return _checked(*found)
    for folder in () if extracts.is_extract_root(root.root) else (root.folder("lad-2013"), root.wards_dir):
        candidate = None if folder is None else folder / LAD_TOPOJSON_NAME
        if candidate is not None and candidate.is_file():
            return _checked(candidate, LAD_TOPOJSON_SHA256)
    cached = cache_dir() / LAD_TOPOJSON_PATH
    if cached.is_file():
        return _checked(cached, LAD_TOPOJSON_SHA256)
    try:
        return _download(LAD_TOPOJSON_PATH, progress=False)
    except Exception as exc:
        raise DataUnavailableError(
            f"England's LAD boundaries could not be found or downloaded ({type(exc).__name__})",
            fix=f"put {LAD_TOPOJSON_NAME} in the data folder, or fetch it where there is a network",
        ) from None
