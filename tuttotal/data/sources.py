"""The real datasets beyond ward boundaries: hash-pinned, from the data root, the cache or a download.

Two registries ship in the package (``tuttotal/data/registry/``), both data:

* ``sources.csv``: every tabular source (LSOA populations, the Indices of
  Deprivation, ONS lookups, HM Treasury's regional analysis, DCLG's revenue
  outturn) with its place in the data root, its pinned public URL, SHA-256,
  size, licence and vintage;
* ``lsoa_2011.csv``: the 2011 LSOA boundaries of each of the 326 English
  LADs of 2013 (source path, SHA-256, size).

A file is looked for, in order, in the data root (:mod:`tuttotal.settings`,
``--data-dir`` / ``$TUTTOTAL_DATA_DIR``), in the download cache, and then
downloaded from its pinned URL with pooch (or from a mirror of a data root,
``$TUTTOTAL_DATA_URL``). Every file is checked against
its SHA-256 before use, wherever it comes from.

Examples
--------
>>> from tuttotal.data import sources
>>> sources.source("population").vintage
'mid-2015'
>>> sources.source("population").path
'population/File_6_-_IoD2019_Population_Denominators.csv.gz'
>>> sources.lsoa_url("E07000114")  # doctest: +ELLIPSIS
'https://raw.githubusercontent.com/martinjc/UK-GeoJSON/.../json/statistical/eng/lsoa_by_lad/E07000114.json'
>>> {"cra_chapter9", "cra_2018"} <= set(sources.sources())
True
"""

from __future__ import annotations

import csv
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tuttotal import settings
from tuttotal.data import datasets, extracts
from tuttotal.errors import DataUnavailableError, HashMismatchError, PlaceNotFoundError

_REGISTRY = Path(__file__).with_name("registry")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """One pinned file of the data root.

    Attributes
    ----------
    name : str
        Short name (``population``, ``imd2010``, ``lsoa01_to_lsoa11``…).
    path : str
        Where it sits in a data root, e.g. ``population/File_6….csv.gz``.
    url : str
        The pinned public download address.
    sha256, bytes :
        Its hash and size.
    licence, vintage, description : str
        What travels with every output that uses it.
    """

    name: str
    path: str
    url: str
    sha256: str
    bytes: int
    licence: str
    vintage: str
    description: str


@lru_cache(maxsize=1)
def sources() -> dict[str, Source]:
    """Every tabular source of the data root, by name."""
    with open(_REGISTRY / "sources.csv", newline="", encoding="utf-8") as f:
        return {
            row["name"]: Source(
                row["name"],
                row["path"],
                row["url"],
                row["sha256"],
                int(row["bytes"]),
                row["licence"],
                row["vintage"],
                row["description"],
            )
            for row in csv.DictReader(f)
        }


def source(name: str) -> Source:
    """One source by name.

    Raises
    ------
    KeyError
        Naming the known sources.
    """
    try:
        return sources()[name]
    except KeyError:
        raise KeyError(f"no data source {name!r}; known: {', '.join(sorted(sources()))}") from None


@lru_cache(maxsize=1)
def lsoa_registry() -> dict[str, datasets.RegistryEntry]:
    """The 2011 LSOA boundary file of every English LAD of 2013, by LAD code."""
    return datasets.read_registry(_REGISTRY / "lsoa_2011.csv")


def lsoa_url(lad_code: str) -> str:
    """The pinned download address of one LAD's 2011 LSOA boundaries."""
    return datasets.base_url() + _lsoa_entry(lad_code).path


def _lsoa_entry(lad_code: str) -> datasets.RegistryEntry:
    try:
        return lsoa_registry()[lad_code]
    except KeyError:
        raise PlaceNotFoundError(
            f"{lad_code!r} is not an English LAD of 2013: it has no LSOA boundaries in the registry",
            fix="use a 2013 LAD code such as E07000114",
        ) from None


def _checked(path: Path, expected: str, what: str) -> Path:
    found = datasets.sha256_of(path)
    if found != expected:
        raise HashMismatchError(
            f"{what} is damaged or not the pinned release (SHA-256 {found[:12]}…, expected {expected[:12]}…; "
            f"{path.stat().st_size:,} bytes)",
            file=path,
            fix="replace it with the pinned file (delete it and run 'tuttotal data fetch', or copy it "
            "again from a data root such as ../shared/data)",
        )
    return path


def _pooch(keys: dict[str, tuple[str, str]]):
    """One pooch over the cache, keyed by the file's place in a data root."""
    import pooch

    pooch.get_logger().setLevel(logging.WARNING)  # tuttotal logs its own download lines

    return pooch.create(
        path=settings.cache_dir() / "data",
        base_url="",
        registry={key: f"sha256:{sha}" for key, (_, sha) in keys.items()},
        urls={key: url for key, (url, _) in keys.items()},
    )


def _locate(key: str, url: str, sha256: str, what: str, data_dir, *, download: bool, progress: bool = False) -> Path:
    """Data root, then cache, then download: one verified file whose place in a data root is ``key``.

    In a root of extracts (:mod:`tuttotal.data.extracts`), the extract is checked against its own hash.
    """
    root = settings.data_root(data_dir)
    local = local_path(key, data_dir)
    if local is not None:
        return _checked(local, expected_sha256(key, sha256, data_dir), what)
    if not download:
        raise DataUnavailableError(
            f"{what} ({key}) is not in {root.describe()} and not downloaded yet",
            fix="point --data-dir (or TUTTOTAL_DATA_DIR) at a data root laid out like ../shared/data, "
            "or run 'tuttotal data fetch' where there is a network",
        )
    url = settings.data_mirror_url() + key if settings.data_mirror_url() else url
    logger.info("downloading %s from %s", key, url)
    try:
        return Path(_pooch({key: (url, sha256)}).fetch(key, progressbar=progress))
    except Exception as exc:  # network and hash errors come in many types
        reason = datasets.short_reason(exc)
        raise DataUnavailableError(
            f"{what} ({key}) is not in {root.describe()} and could not be downloaded from {url} ({reason})",
            fix="point --data-dir (or TUTTOTAL_DATA_DIR) at a data root laid out like ../shared/data "
            f"that holds {key}, or download it where there is a network ('tuttotal data fetch')",
        ) from None


def local_path(key: str, data_dir: str | os.PathLike | None = None) -> Path | None:
    """Where the file whose place in a data root is ``key`` is already, unverified; None if nowhere.

    The data root first, then the download cache: where :func:`get_path` and
    :func:`lsoa_paths` look, without reading or hashing the file (they verify it).

    Examples
    --------
    >>> local_path("lsoa-2011/E07000114.geojson", "../shared/data").name  # doctest: +SKIP
    'E07000114.geojson'
    """
    root = settings.data_root(data_dir)
    if extracts.is_extract_root(root.root):
        extract = extracts.find(root.root, key)
        if extract is not None and (root.root / extract.path).is_file():
            return root.root / extract.path
    else:
        folder_name, _, rest = key.partition("/")
        folder = root.folder(folder_name)
        if folder is not None and (folder / rest).is_file():
            return folder / rest
    cached = settings.cache_dir() / "data" / key
    return cached if cached.is_file() else None


def expected_sha256(key: str, pinned: str, data_dir: str | os.PathLike | None = None) -> str:
    """The SHA-256 the file whose place in a data root is ``key`` must have where ``data_dir`` reads it.

    The pinned hash, except for an extract in a root of extracts (:mod:`tuttotal.data.extracts`),
    which is checked against its own. Caches of what is derived from a file are keyed by this hash,
    so that an extract never hands its rows to a run on the pinned file (or back).

    Examples
    --------
    >>> expected_sha256("population/x.csv", "ab12", None)
    'ab12'
    """
    root = settings.data_root(data_dir).root
    extract = extracts.find(root, key)
    return extract.sha256 if extract is not None and (root / extract.path).is_file() else pinned


def source_sha256(name: str, data_dir: str | os.PathLike | None = None) -> str:
    """The SHA-256 of one tabular source where ``data_dir`` reads it (:func:`expected_sha256`)."""
    item = source(name)
    return expected_sha256(item.path, item.sha256, data_dir)


def lsoa_sha256(lad_code: str, data_dir: str | os.PathLike | None = None) -> str:
    """The SHA-256 of one LAD's 2011 LSOA boundaries where ``data_dir`` reads them (:func:`expected_sha256`)."""
    return expected_sha256(f"lsoa-2011/{lad_code}.geojson", _lsoa_entry(lad_code).sha256, data_dir)


def get_path(name: str, data_dir: str | os.PathLike | None = None, *, download: bool = True) -> Path:
    """Verified path of one tabular source: from the data root, the cache or a download.

    Parameters
    ----------
    name : str
        A name of :func:`sources`, e.g. ``"population"``.
    data_dir : path, optional
        The data root; ``$TUTTOTAL_DATA_DIR`` when omitted.
    download : bool
        Whether to download when the file is nowhere local.

    Raises
    ------
    HashMismatchError
        A file whose SHA-256 is not the pinned one (damaged, truncated, edited).
    DataUnavailableError
        A file that is nowhere local and cannot be downloaded.

    Examples
    --------
    >>> get_path("imd2015", "../shared/data").name  # doctest: +SKIP
    'imd2015_england_lsoa11.rda'
    """
    item = source(name)
    return _locate(item.path, item.url, item.sha256, f"the {name} data file", data_dir, download=download)


def lsoa_paths(
    lad_codes: list[str] | tuple[str, ...],
    data_dir: str | os.PathLike | None = None,
    *,
    download: bool = True,
    progress: bool = False,
) -> dict[str, Path]:
    """Verified 2011 LSOA boundary files of several LADs (``lsoa-2011/<LAD>.geojson``)."""
    found = {}
    for code in lad_codes:
        entry = _lsoa_entry(code)
        found[code] = _locate(
            f"lsoa-2011/{code}.geojson",
            lsoa_url(code),
            entry.sha256,
            f"the 2011 LSOA boundaries of {entry.lad_name} ({code})",
            data_dir,
            download=download,
            progress=progress,
        )
    return found


def licences(names: list[str] | tuple[str, ...]) -> list[str]:
    """The licence lines of the named sources, without repeats."""
    return list(dict.fromkeys(source(n).licence for n in names))
