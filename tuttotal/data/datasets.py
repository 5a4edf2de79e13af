"""Real ward boundaries, hash-pinned: a data folder first, then a cached download.

In the style of ``geodatasets``: the registry is data
(``tuttotal/data/registry/wards_2013.csv``: LAD code, LAD name, source path,
SHA-256, size for all 326 English LADs of 2013) and small public functions;
the files are found, checked and downloaded by the one catalogue of pinned
files, :mod:`tuttotal.data.catalogue`.

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
import os
from dataclasses import dataclass
from pathlib import Path

from tuttotal import cache, settings
from tuttotal.data import catalogue
from tuttotal.data.catalogue import (  # noqa: F401  (public names of this module too)
    BASE_URL,
    LAD_TOPOJSON_KEY,
    LAD_TOPOJSON_NAME,
    LAD_TOPOJSON_PATH,
    LAD_TOPOJSON_SHA256,
    SOURCE_COMMIT,
    sha256_of,
    short_reason,
)
from tuttotal.errors import DataUnavailableError, PlaceNotFoundError
from tuttotal.names import suggest

VINTAGE = "2013"
ATTRIBUTION = (
    "Boundaries: UK-GeoJSON by Martin Chorley (CC BY 4.0). Contains OS data © Crown copyright "
    "and database right 2014; contains National Statistics data © Crown copyright and database "
    "right 2014 (OGL v3.0)."
)
_REGISTRY_CSV = catalogue.REGISTRY / "wards_2013.csv"
_MISMATCH_FIX = (
    "replace it with the file of the pinned release (tuttotal data fetch), "
    "or give it as your own boundary file with --wards"
)


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


@cache.memoize("ward-registry", maxsize=1)
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
    """Where boundaries are downloaded from: :data:`BASE_URL` or ``$TUTTOTAL_BASE_URL``."""
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


def _key(lad_code: str) -> str:
    _entry(lad_code)
    return f"wards-2013/{lad_code}.geojson"


def _what(lad_code: str) -> str:
    return f"the ward boundaries of {lad_names()[lad_code]} ({lad_code})"


def ward_sha256(lad_code: str, data_dir: settings.DataRootLike = None) -> str:
    """The SHA-256 of one LAD's ward file where ``data_dir`` reads it: pinned, or its extract's own.

    Examples
    --------
    >>> no_root = settings.DataRoot(root=None, wards_dir=None)  # no data root: the pinned file
    >>> ward_sha256("E07000114", no_root) == registry()["E07000114"].sha256
    True
    """
    return catalogue.expected_sha256(_key(lad_code), settings.data_root(data_dir))


def get_path(lad_code: str, data_dir: settings.DataRootLike = None, *, download: bool = True) -> Path:
    """Path of one LAD's verified 2013 ward file: from the folder, the cache or a download.

    Parameters
    ----------
    lad_code : str
        ONS code of 2013, e.g. ``"E07000114"``.
    data_dir : path or DataRoot, optional
        A data root, or a folder holding ``<LAD code>.geojson``; ``$TUTTOTAL_DATA_DIR`` when omitted.
    download : bool
        Whether to download when the file is nowhere local.

    Examples
    --------
    >>> path = get_path("E07000114")
    >>> path.name
    'E07000114.geojson'
    """
    return fetch([lad_code], data_dir, download=download)[lad_code]


def fetch(
    lad_codes: list[str] | tuple[str, ...],
    data_dir: settings.DataRootLike = None,
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
    root = settings.data_root(data_dir)
    found: dict[str, Path] = {}
    missing: dict[str, str] = {}
    for code in lad_codes:
        key = _key(code)
        local = catalogue.local_path(key, root)
        if local is not None:
            found[code] = catalogue.checked(local, catalogue.expected_sha256(key, root), _what(code), _MISMATCH_FIX)
            continue
        if not download:
            missing[code] = "not downloaded yet"
            continue
        try:
            found[code] = catalogue.download(key, progress=progress)
        except Exception as exc:  # network errors come in many types
            missing[code] = short_reason(exc)
    if missing:
        where = root.wards_dir
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


def available_lads(data_dir: settings.DataRootLike = None) -> list[str]:
    """Codes of the registry LADs whose ward file is here already: in the data folder or the cache.

    No file is read or hashed (:func:`fetch` verifies them when they are used).

    Examples
    --------
    >>> "E07000114" in available_lads()
    True
    """
    root = settings.data_root(data_dir)
    return sorted(code for code in registry() if catalogue.local_path(_key(code), root) is not None)


def local_path(lad_code: str, data_dir: settings.DataRootLike = None) -> Path | None:
    """Where one LAD's ward file is already, unverified: the data folder, then the cache; None if nowhere.

    Looks where :func:`fetch` looks, without reading or hashing the file (:func:`fetch` verifies it).

    Examples
    --------
    >>> local_path("E07000114").name
    'E07000114.geojson'
    """
    return catalogue.local_path(_key(lad_code), settings.data_root(data_dir))


def lad_boundaries_path(data_dir: settings.DataRootLike = None) -> Path:
    """Verified path of England's LAD boundaries of 2013 (TopoJSON, layer ``lad``).

    Looked for as ``england_lad_2013.topojson`` in the data folder and in a
    ``lad-2013`` folder beside it, then in the cache, then downloaded.
    """
    root = settings.data_root(data_dir)
    what = "England's LAD boundaries"
    local = catalogue.local_path(LAD_TOPOJSON_KEY, root)
    if local is not None:
        return catalogue.checked(local, catalogue.expected_sha256(LAD_TOPOJSON_KEY, root), what, _MISMATCH_FIX)
    try:
        return catalogue.download(LAD_TOPOJSON_KEY)
    except Exception as exc:
        raise DataUnavailableError(
            f"England's LAD boundaries could not be found or downloaded ({type(exc).__name__})",
            fix=f"put {LAD_TOPOJSON_NAME} in the data folder, or fetch it where there is a network",
        ) from None
