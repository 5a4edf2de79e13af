"""One catalogue of every pinned file, and one way to fetch it: the data root, the cache, then a download.

The registries are data (``tuttotal/data/registry/``): ``wards_2013.csv`` and
``lsoa_2011.csv`` (the 2013 ward and 2011 LSOA boundaries of each of the 326
English LADs of 2013), ``sources.csv`` (every tabular source) and England's
LAD boundaries (:data:`LAD_TOPOJSON_KEY`). Each pinned file is a
:class:`Pinned`: its place in a data root (``key``), its pinned URL, SHA-256
and size, and its place in the download cache. :mod:`tuttotal.data.datasets`
(ward boundaries) and :mod:`tuttotal.data.sources` (tables, LSOA boundaries)
are the public faces of this catalogue for their files.

Where a file comes from, in order (:func:`locate`):

1. the data root (:class:`tuttotal.settings.DataRoot`): the file at ``key``,
   checked against its pinned SHA-256; in a root of extracts
   (:mod:`tuttotal.data.extracts`) the extract, checked against its own;
2. the download cache (``$TUTTOTAL_CACHE_DIR``), checked;
3. a download with pooch from the pinned URL (boundaries from
   ``$TUTTOTAL_BASE_URL`` when set; tables from a mirror of a data root,
   ``$TUTTOTAL_DATA_URL``, when set), checked by pooch.

Examples
--------
>>> from tuttotal.data import catalogue
>>> item = catalogue.pinned("wards-2013/E07000114.geojson")
>>> item.cached
'json/electoral/eng/wards_by_lad/E07000114.json'
>>> catalogue.pinned("population/File_6_-_IoD2019_Population_Denominators.csv.gz").cached
'data/population/File_6_-_IoD2019_Population_Denominators.csv.gz'
>>> len([k for k in catalogue.entries() if k.startswith("lsoa-2011/")])
326
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from tuttotal import cache, settings
from tuttotal.data import extracts
from tuttotal.data.limits import special_kind
from tuttotal.errors import DataUnavailableError, HashMismatchError

__all__ = [
    "BASE_URL",
    "LAD_TOPOJSON_KEY",
    "Pinned",
    "checked",
    "download",
    "entries",
    "expected_sha256",
    "in_root",
    "local_path",
    "locate",
    "pinned",
    "sha256_of",
    "short_reason",
]

REGISTRY = Path(__file__).with_name("registry")
SOURCE_COMMIT = "88339000fc8711feb9c146d5cd7d145bf286350d"
#: Where the boundaries are published, pinned to one commit.
BASE_URL = f"https://raw.githubusercontent.com/martinjc/UK-GeoJSON/{SOURCE_COMMIT}/"
LAD_TOPOJSON_PATH = "json/administrative/eng/topo_lad.json"
LAD_TOPOJSON_SHA256 = "648796354776b18d767da9d8d4bbf9e1e807742196d7b644b6f79426051d0655"
LAD_TOPOJSON_NAME = "england_lad_2013.topojson"
#: England's LAD boundaries of 2013 in a data root.
LAD_TOPOJSON_KEY = f"lad-2013/{LAD_TOPOJSON_NAME}"
logger = logging.getLogger(__name__)
_DOWNLOADS = cache.Disk("downloads", ("json", "data"), kind="downloads")
_HASHES = cache.Memory("file-hashes", maxsize=4096)
#: A file changed less than this long ago is read again every time: a second change within the
#: resolution of its timestamps would not show in them (git's "racy clean" problem).
_SETTLED_NS = 2_000_000_000


@dataclass(frozen=True)
class Pinned:
    """One pinned file.

    Attributes
    ----------
    key : str
        Its place in a data root (``wards-2013/E07000114.geojson``, ``population/File_6….csv.gz``).
    url : str
        The pinned download address (for boundaries, the path under :data:`BASE_URL`).
    sha256 : str
        Its hash.
    bytes : int or None
        Its size, when the registry gives it.
    cached : str
        Its place in the download cache.
    boundary : bool
        Whether it is one of the boundary files (``url`` under ``$TUTTOTAL_BASE_URL`` when set).
    mirrored : bool
        Whether a mirror of a data root (``$TUTTOTAL_DATA_URL``) serves it (tables and LSOA boundaries).
    """

    key: str
    url: str
    sha256: str
    bytes: int | None
    cached: str
    boundary: bool = False
    mirrored: bool = True

    def download_url(self) -> str:
        """Where it is downloaded from now: the pinned URL, or a mirror named by the environment."""
        mirror = settings.data_mirror_url()
        if self.mirrored and mirror:
            return mirror + self.key
        return settings.boundary_base_url(BASE_URL) + self.url if self.boundary else self.url


def _read_rows(name: str) -> list[dict[str, str]]:
    with open(REGISTRY / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache.memoize("catalogue", maxsize=1)
def entries() -> dict[str, Pinned]:
    """Every pinned file by its place in a data root."""
    found = {}
    for folder, registry in (("wards-2013", "wards_2013.csv"), ("lsoa-2011", "lsoa_2011.csv")):
        for row in _read_rows(registry):
            key = f"{folder}/{row['lad_code']}.geojson"
            mirrored = folder == "lsoa-2011"  # the ward files come from the boundary source alone
            found[key] = Pinned(key, row["path"], row["sha256"], int(row["bytes"]), row["path"], True, mirrored)
    found[LAD_TOPOJSON_KEY] = Pinned(
        LAD_TOPOJSON_KEY, LAD_TOPOJSON_PATH, LAD_TOPOJSON_SHA256, None, LAD_TOPOJSON_PATH, True, False
    )
    for row in _read_rows("sources.csv"):
        found[row["path"]] = Pinned(row["path"], row["url"], row["sha256"], int(row["bytes"]), f"data/{row['path']}")
    return found


def pinned(key: str) -> Pinned:
    """The pinned file at ``key`` in a data root.

    Raises
    ------
    KeyError
        When no pinned file has that place.
    """
    try:
        return entries()[key]
    except KeyError:
        raise KeyError(f"no pinned file at {key!r} in the catalogue ({REGISTRY})") from None


def sha256_of(path: str | os.PathLike) -> str:
    """SHA-256 of a file, in hex.

    A process reads a file once: the digest is remembered (cache ``file-hashes``)
    while the file's inode, size and modification times stay the same (a warm
    kernel checks the same pinned data files for place after place). A file
    changed in the last two seconds is always read.

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
    item = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    if item in _HASHES:
        return _HASHES.get(item)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    found = digest.hexdigest()
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > _SETTLED_NS:
        _HASHES.put(item, found)
    return found


def checked(path: Path, expected: str, what: str, fix: str) -> Path:
    """``path`` when its SHA-256 is ``expected``; else a :class:`HashMismatchError` naming it, both hashes, ``fix``."""
    found = sha256_of(path)
    if found != expected:
        raise HashMismatchError(
            f"{what} is damaged or not the pinned release (SHA-256 mismatch: expected {expected}, found {found}; "
            f"{path.stat().st_size:,} bytes)",
            file=path,
            fix=fix,
        )
    return path


def short_reason(exc: Exception) -> str:
    """Why a download failed, in a few words (no object addresses, no retry chatter)."""
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status_code", None):
        return f"HTTP {response.status_code}"
    if type(exc).__name__ in {"ConnectionError", "Timeout", "ConnectTimeout", "ReadTimeout"}:
        return f"{type(exc).__name__}: no connection"
    return re.sub(r" object at 0x[0-9a-f]+", "", f"{type(exc).__name__}: {exc}".splitlines()[0])[:160]


def in_root(key: str, root: settings.DataRoot) -> tuple[Path, str] | None:
    """The file at ``key`` in the data root with the hash it must have, unverified; None when not there.

    In a root of extracts, the extract and its own hash; else the file of the root's folder and the pinned hash
    (England's LAD boundaries are also looked for beside the ward files).
    """
    if extracts.is_extract_root(root.root):
        extract = extracts.find(root.root, key)
        if extract is not None and (root.root / extract.path).is_file():
            return root.root / extract.path, extract.sha256
        return None
    folder_name, _, rest = key.partition("/")
    folders = [root.folder(folder_name)]
    if key == LAD_TOPOJSON_KEY:
        folders.append(root.wards_dir)
    for folder in folders:
        if folder is not None and (folder / rest).is_file():
            return folder / rest, pinned(key).sha256 if key in entries() else ""
    return None


def local_path(key: str, root: settings.DataRoot) -> Path | None:
    """Where the file at ``key`` is already, unverified: the data root, then the download cache; None if nowhere."""
    found = in_root(key, root)
    if found is not None:
        return found[0]
    cached = settings.cache_dir() / pinned(key).cached
    return cached if cached.is_file() else None


def expected_sha256(key: str, root: settings.DataRoot) -> str:
    """The SHA-256 the file at ``key`` must have where ``root`` reads it: pinned, or its extract's own.

    Caches of what is derived from a file are keyed by this hash, so that an extract never hands its rows
    to a run on the pinned file (or back).
    """
    extract = extracts.find(root.root, key)
    if extract is not None and (root.root / extract.path).is_file():
        return extract.sha256
    return pinned(key).sha256


def download(key: str, *, progress: bool = False) -> Path:
    """Download the file at ``key`` into the cache with pooch, hash-checked; the one download of the package.

    Raises whatever the download raised (:func:`short_reason` says it in a few words).
    """
    import pooch

    item = pinned(key)
    pooch.get_logger().setLevel(logging.WARNING)  # tuttotal logs its own download lines
    url = item.download_url()
    logger.info("downloading %s from %s", key, url)
    fetcher = pooch.create(
        path=settings.cache_dir(),
        base_url="",
        registry={item.cached: f"sha256:{item.sha256}"},
        urls={item.cached: url},
    )
    return Path(fetcher.fetch(item.cached, progressbar=progress))


def locate(key: str, root: settings.DataRoot, what: str, *, download_ok: bool = True, progress: bool = False,
           fix: str | None = None) -> Path:  # fmt: skip
    """One verified file: from the data root, the cache or a download.

    Parameters
    ----------
    key : str
        Its place in a data root.
    root : DataRoot
        The resolved data root (:func:`tuttotal.settings.data_root`).
    what : str
        What it is, for messages (``"the population data file"``).
    download_ok : bool
        Whether to download when the file is nowhere local.
    progress : bool
        A progress bar while downloading.
    fix : str, optional
        What to do about a damaged file (a default names ``tuttotal data fetch``).

    Raises
    ------
    HashMismatchError
        A file whose SHA-256 is not the pinned one (damaged, truncated, edited).
    DataUnavailableError
        A file that is nowhere local and cannot be downloaded, naming the root and both fixes.
    """
    fix = fix or (
        "replace it with the pinned file (delete it and run 'tuttotal data fetch', or copy it "
        "again from a data root such as ../shared/data)"
    )
    local = local_path(key, root)
    if local is not None:
        return checked(local, expected_sha256(key, root), what, fix)
    if not download_ok:
        raise DataUnavailableError(
            f"{what} ({key}) is not in {root.describe()} and not downloaded yet",
            fix="point --data-dir (or TUTTOTAL_DATA_DIR) at a data root laid out like ../shared/data, "
            "or run 'tuttotal data fetch' where there is a network",
        )
    try:
        return download(key, progress=progress)
    except Exception as exc:  # network and hash errors come in many types
        raise DataUnavailableError(
            f"{what} ({key}) is not in {root.describe()} and could not be downloaded from "
            f"{pinned(key).download_url()} ({short_reason(exc)})",
            fix="point --data-dir (or TUTTOTAL_DATA_DIR) at a data root laid out like ../shared/data "
            f"that holds {key}, or download it where there is a network ('tuttotal data fetch')",
        ) from None
