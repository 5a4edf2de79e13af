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
``$TUTTOTAL_DATA_URL``): the one fetch path of :mod:`tuttotal.data.catalogue`.
Every file is checked against its SHA-256 before use, wherever it comes from.

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
from dataclasses import dataclass
from pathlib import Path

from tuttotal import cache, settings
from tuttotal.data import catalogue, datasets
from tuttotal.errors import PlaceNotFoundError


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


@cache.memoize("source-registry", maxsize=1)
def sources() -> dict[str, Source]:
    """Every tabular source of the data root, by name."""
    with open(catalogue.REGISTRY / "sources.csv", newline="", encoding="utf-8") as f:
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


@cache.memoize("lsoa-registry", maxsize=1)
def lsoa_registry() -> dict[str, datasets.RegistryEntry]:
    """The 2011 LSOA boundary file of every English LAD of 2013, by LAD code."""
    return datasets.read_registry(catalogue.REGISTRY / "lsoa_2011.csv")


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


def local_path(key: str, data_dir: settings.DataRootLike = None) -> Path | None:
    """Where the file whose place in a data root is ``key`` is already, unverified; None if nowhere.

    The data root first, then the download cache: where :func:`get_path` and
    :func:`lsoa_paths` look, without reading or hashing the file (they verify it).

    Examples
    --------
    >>> local_path("lsoa-2011/E07000114.geojson").name
    'E07000114.geojson'
    """
    return catalogue.local_path(key, settings.data_root(data_dir))


def source_sha256(name: str, data_dir: settings.DataRootLike = None) -> str:
    """The SHA-256 of one tabular source where ``data_dir`` reads it: pinned, or its extract's own.

    Caches of what is derived from a file are keyed by this hash, so that an extract never hands its rows
    to a run on the pinned file (or back).

    Examples
    --------
    >>> no_root = settings.DataRoot(root=None, wards_dir=None)  # no data root: the pinned file
    >>> source_sha256("population", no_root) == source("population").sha256
    True
    """
    return catalogue.expected_sha256(source(name).path, settings.data_root(data_dir))


def lsoa_sha256(lad_code: str, data_dir: settings.DataRootLike = None) -> str:
    """The SHA-256 of one LAD's 2011 LSOA boundaries where ``data_dir`` reads them (:func:`source_sha256`)."""
    _lsoa_entry(lad_code)
    return catalogue.expected_sha256(f"lsoa-2011/{lad_code}.geojson", settings.data_root(data_dir))


def get_path(name: str, data_dir: settings.DataRootLike = None, *, download: bool = True) -> Path:
    """Verified path of one tabular source: from the data root, the cache or a download.

    Parameters
    ----------
    name : str
        A name of :func:`sources`, e.g. ``"population"``.
    data_dir : path or DataRoot, optional
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
    >>> get_path("imd2015").name
    'imd2015_england_lsoa11.rda'
    """
    item = source(name)
    root = settings.data_root(data_dir)
    return catalogue.locate(item.path, root, f"the {name} data file", download_ok=download)


def lsoa_paths(
    lad_codes: list[str] | tuple[str, ...],
    data_dir: settings.DataRootLike = None,
    *,
    download: bool = True,
    progress: bool = False,
) -> dict[str, Path]:
    """Verified 2011 LSOA boundary files of several LADs (``lsoa-2011/<LAD>.geojson``)."""
    root = settings.data_root(data_dir)
    found = {}
    for code in lad_codes:
        entry = _lsoa_entry(code)
        found[code] = catalogue.locate(
            f"lsoa-2011/{code}.geojson",
            root,
            f"the 2011 LSOA boundaries of {entry.lad_name} ({code})",
            download_ok=download,
            progress=progress,
        )
    return found


def licences(names: list[str] | tuple[str, ...]) -> list[str]:
    """The licence lines of the named sources, without repeats."""
    return list(dict.fromkeys(source(n).licence for n in names))
