"""The environment, read in one place: data root, download cache, outputs, sources.

Every environment variable tuttotal honours is read here and nowhere else:

========================  ==========================================================
``TUTTOTAL_DATA_DIR``     the data root: a folder laid out like ``../shared/data``
                          (``wards-2013/``, ``lsoa-2011/``, ``population/``,
                          ``deprivation/``, ``lookups/``, ``cra/``, ``outturn/``,
                          ``lad-2013/``), or a folder of ``<LAD code>.geojson`` ward
                          files alone
``TUTTOTAL_CACHE_DIR``    where downloads and parsed caches are kept
                          (default: the user cache folder, ``pooch.os_cache``)
``TUTTOTAL_HOME``         the project folder holding ``params/``, ``data/``,
                          ``notebooks/`` (default: the folder above the package)
``TUTTOTAL_BASE_URL``     a mirror of the boundary source (tests, offline mirrors)
``TUTTOTAL_DATA_URL``     a data root served over HTTP (laid out like ``../shared/data``):
                          downloads of the other datasets come from it instead of
                          their pinned public URLs (still hash-checked)
``TUTTOTAL_KERNEL_MAX_USES``  notebooks a warm kernel runs before it is replaced
``CI``                    plain progress lines instead of bars
========================  ==========================================================

The variables are read on each call (cheap), so that a test or a notebook
that changes one sees the change; nothing else in the package reads
``os.environ``.

Examples
--------
>>> import pathlib, tempfile
>>> from tuttotal import settings
>>> folder = pathlib.Path(tempfile.mkdtemp())  # a data root laid out like ../shared/data
>>> for name in ("wards-2013", "population"):
...     (folder / name).mkdir()
>>> root = settings.data_root(folder)
>>> root.wards_dir.name, root.folder("population").name
('wards-2013', 'population')
>>> settings.data_root("").root is None or True
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias, Union

from tuttotal.errors import InputError

#: The sub-folders of a full data root, one per dataset.
LAYOUT = ("wards-2013", "lsoa-2011", "population", "deprivation", "lookups", "cra", "outturn", "lad-2013")


def env_data_dir() -> str:
    """``$TUTTOTAL_DATA_DIR`` or ``""``."""
    return os.environ.get("TUTTOTAL_DATA_DIR", "")


def cache_dir() -> Path:
    """Where downloads and parsed caches are kept: ``$TUTTOTAL_CACHE_DIR`` or the user cache folder."""
    value = os.environ.get("TUTTOTAL_CACHE_DIR")
    if value:
        return Path(value)
    import pooch

    return Path(pooch.os_cache("tuttotal"))


def home_dir() -> str:
    """``$TUTTOTAL_HOME`` or ``""``."""
    return os.environ.get("TUTTOTAL_HOME", "")


def boundary_base_url(default: str) -> str:
    """``$TUTTOTAL_BASE_URL`` or ``default``, ending in ``/``."""
    url = os.environ.get("TUTTOTAL_BASE_URL", default)
    return url if url.endswith("/") else url + "/"


def data_mirror_url() -> str:
    """``$TUTTOTAL_DATA_URL`` (ending in ``/``) or ``""``."""
    url = os.environ.get("TUTTOTAL_DATA_URL", "")
    return url if not url or url.endswith("/") else url + "/"


def kernel_max_uses() -> int:
    """``$TUTTOTAL_KERNEL_MAX_USES`` (default 100).

    A kernel's memory stays flat from one place to the next (0.40 to 0.42 GiB
    with its worker over 69 districts in one kernel), while a replacement
    costs 4 to 6 s of start-up and imports.
    """
    return int(os.environ.get("TUTTOTAL_KERNEL_MAX_USES", "100"))


def cores() -> int:
    """The number of cores this process may use (its CPU affinity on Linux).

    >>> cores() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def in_ci() -> bool:
    """True when ``$CI`` is set (plain progress lines)."""
    return bool(os.environ.get("CI"))


def default_output_dir() -> Path:
    """``outputs/`` under the current folder: where ``tuttotal run`` writes."""
    return Path.cwd() / "outputs"


@dataclass(frozen=True)
class DataRoot:
    """Where each dataset is looked for before the cache and a download.

    Attributes
    ----------
    root : Path or None
        A folder with the full layout (:data:`LAYOUT`), or None.
    wards_dir : Path or None
        The folder of ``<LAD code>.geojson`` ward files.
    """

    root: Path | None
    wards_dir: Path | None

    def folder(self, name: str) -> Path | None:
        """The folder of one dataset (``"population"``, ``"lsoa-2011"``…) in the root, or None."""
        if name == "wards-2013":
            return self.wards_dir
        return None if self.root is None else self.root / name

    def text(self) -> str:
        """The folder as text, for a command line or a record: the root, else the ward folder, else ``""``."""
        folder = self.root if self.root is not None else self.wards_dir
        return "" if folder is None else str(folder)

    def describe(self) -> str:
        """Where data is read from, for messages."""
        if self.root is not None:
            return f"the data root {self.root}"
        if self.wards_dir is not None:
            return f"the ward folder {self.wards_dir}"
        return "no data folder (TUTTOTAL_DATA_DIR is not set)"


#: What the public functions accept for a data root: a folder, a resolved :class:`DataRoot`, or None/"" for
#: ``$TUTTOTAL_DATA_DIR``. Inside the data layer a :class:`DataRoot` travels, resolved once by :func:`data_root`.
DataRootLike: TypeAlias = Union[str, os.PathLike, DataRoot, None]  # noqa: UP007  (a runtime alias)


def _has_layout(folder: Path) -> bool:
    return any((folder / name).is_dir() for name in LAYOUT)


def data_root(data_dir: DataRootLike = None) -> DataRoot:
    """The data root named by ``data_dir`` or, when empty, ``$TUTTOTAL_DATA_DIR``: resolved once, then passed on.

    A folder with the layout of ``../shared/data`` gives every dataset; a
    folder of ward files alone gives boundaries, and its parent is used as
    the root when it has the layout (so ``--data-dir …/wards-2013`` keeps
    working); everything else comes from the cache or a download. A
    :class:`DataRoot` is returned as it is (resolving twice changes nothing).

    Parameters
    ----------
    data_dir : path or DataRoot, optional
        The folder; ``""`` or None reads ``$TUTTOTAL_DATA_DIR``.

    Raises
    ------
    InputError
        When the folder is a file, or ``data_dir`` is neither a path nor a :class:`DataRoot`.

    Examples
    --------
    >>> root = data_root("")
    >>> data_root(root) is root
    True
    >>> try:
    ...     data_root(3.5)
    ... except InputError as error:
    ...     print(str(error).splitlines()[0])
    a data root must be a folder (a path) or a DataRoot, not float 3.5.
    """
    if isinstance(data_dir, DataRoot):
        return data_dir
    if data_dir is not None and not isinstance(data_dir, str | os.PathLike):
        raise InputError(
            f"a data root must be a folder (a path) or a DataRoot, not {type(data_dir).__name__} {data_dir!r}",
            fix="give the folder laid out like ../shared/data (--data-dir, TUTTOTAL_DATA_DIR), "
            "or settings.data_root(folder)",
        )
    value = os.fspath(data_dir) if data_dir else env_data_dir()
    if not value:
        return DataRoot(None, None)
    folder = Path(value).expanduser()
    if folder.is_file():
        raise InputError(
            "is a file, not a data folder",
            file=folder,
            fix="give the folder laid out like ../shared/data (wards-2013/, population/…) "
            "or a folder of <LAD code>.geojson ward files",
        )
    if _has_layout(folder):
        wards = folder / "wards-2013"
        return DataRoot(folder, wards if wards.is_dir() else None)
    parent = folder.parent
    return DataRoot(parent if _has_layout(parent) else None, folder)
