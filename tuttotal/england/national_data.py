"""The files a national run needs: listed with their pinned SHA-256, found (or refused) and fetched.

:func:`england_files` lists each LAD's ward and LSOA file and every tabular
source; :func:`check_england_data` finds them in the data root or the
download cache and refuses, in one message naming them all and the command
that fetches them, what is missing or (with ``verify``) damaged;
:func:`fetch_england_data` downloads and verifies them (``tuttotal data fetch
--england``).

Examples
--------
>>> from tuttotal.england.national_data import england_files
>>> list(england_files(["E07000114"]))[:2]
['wards-2013/E07000114.geojson', 'lsoa-2011/E07000114.geojson']
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from tuttotal import errors, settings
from tuttotal.data import datasets, sources
from tuttotal.england import cluster
from tuttotal.england.geography import FETCH_COMMAND, england_lad_codes
from tuttotal.errors import DataUnavailableError, HashMismatchError

_LISTED = 5  # missing or damaged files named in a message


def england_files(lads: Iterable[str] | None = None, *, boundaries_only: bool = False) -> dict[str, str]:
    """Every file a national run needs: ``{place in a data root: pinned SHA-256}``.

    Each LAD's ward file (``wards-2013/<LAD>.geojson``) and LSOA file
    (``lsoa-2011/<LAD>.geojson``), then every tabular source of
    ``tuttotal/data/registry/sources.csv`` (populations, deprivation,
    lookups, the regional analysis, the outturn, deflators, the LAD
    boundaries). ``boundaries_only``: the ward files alone.

    Examples
    --------
    >>> files = england_files()
    >>> len(files) == 2 * 326 + len(sources.sources())
    True
    >>> list(files)[:2]
    ['wards-2013/E06000001.geojson', 'wards-2013/E06000002.geojson']
    """
    codes = england_lad_codes(lads)
    registry, lsoa_registry = datasets.registry(), sources.lsoa_registry()
    files = {f"wards-2013/{code}.geojson": registry[code].sha256 for code in codes}
    if boundaries_only:
        return files
    files.update({f"lsoa-2011/{code}.geojson": lsoa_registry[code].sha256 for code in codes})
    files.update({item.path: item.sha256 for item in sources.sources().values()})
    return files


def _local(key: str, data_dir) -> Path | None:
    """Where the file ``key`` of :func:`england_files` is already (unverified), or None."""
    if key.startswith("wards-2013/"):
        return datasets.local_path(Path(key).stem, data_dir)
    return sources.local_path(key, data_dir)


def _fetch_command(data_dir) -> str:
    folder = settings.data_root(data_dir).text()
    return FETCH_COMMAND + (f" --data-dir {folder}" if folder else "")


def _listed(keys: list[str]) -> str:
    shown = ", ".join(keys[:_LISTED])
    return shown + (f" and {len(keys) - _LISTED} more" if len(keys) > _LISTED else "")


def check_england_data(
    data_dir: settings.DataRootLike = None, *, lads: Iterable[str] | None = None, verify: bool = False
) -> dict[str, Path]:
    """Every file a national run needs, found in the data root or the download cache; what is missing, refused.

    A national run calls this first, so that a missing file stops it before
    any work with one message naming them all (how many, the first few) and
    the command that fetches them, rather than failing LAD after LAD.
    Nothing is downloaded.

    Parameters
    ----------
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    lads : iterable of str, optional
        2013 LAD codes; all 326 by default.
    verify : bool
        Also check each file's SHA-256 against the pinned one (about a
        second for all of England); otherwise files are verified when read.

    Returns
    -------
    dict
        ``{place in a data root: path}`` (:func:`england_files`).

    Raises
    ------
    DataUnavailableError
        Files in neither the data root nor the cache (exit code 2).
    HashMismatchError
        With ``verify``: files that are not the pinned ones (exit code 2).

    Examples
    --------
    >>> import tempfile
    >>> check_england_data(tempfile.mkdtemp(), lads=["E07000114"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tuttotal.errors.DataUnavailableError: ...of 31 files a national run needs are missing...
    """
    files = england_files(lads)
    found: dict[str, Path] = {}
    missing: list[str] = []
    for key in files:
        path = _local(key, data_dir)
        if path is None:
            missing.append(key)
        else:
            found[key] = path
    if missing:
        raise DataUnavailableError(
            f"{len(missing)} of {len(files)} files a national run needs are missing from "
            f"{settings.data_root(data_dir).describe()} and from the download cache ({settings.cache_dir()}): "
            + _listed(missing),
            fix=f"fetch them ({_fetch_command(data_dir)}: downloads, verifies and keeps them in the cache), or point "
            "--data-dir (or TUTTOTAL_DATA_DIR) at a data root laid out like ../shared/data that holds them",
        )
    if verify:
        damaged = [key for key, path in found.items() if datasets.sha256_of(path) != files[key]]
        if damaged:
            raise HashMismatchError(
                f"{len(damaged)} of {len(files)} files a national run needs are not the pinned ones (SHA-256 "
                f"mismatch): {_listed([str(found[key]) for key in damaged])}",
                fix=f"delete them and fetch them again ({_fetch_command(data_dir)}), or copy them again from a data "
                "root such as ../shared/data",
            )
    return found


def fetch_england_data(
    data_dir: settings.DataRootLike = None,
    *,
    lads: Iterable[str] | None = None,
    boundaries_only: bool = False,
    progress: bool | None = None,
    threads: int = 4,
) -> dict[str, Path]:
    """Download and verify every file a national run needs (:func:`england_files`); the verified paths.

    Each file comes from the data root, the cache, or its pinned URL (the
    mirrors of ``$TUTTOTAL_BASE_URL`` / ``$TUTTOTAL_DATA_URL`` when set), and
    is checked against its pinned SHA-256, wherever it comes from. Downloads
    run ``threads`` at a time; a progress bar (tqdm) counts the files.

    Raises
    ------
    DataUnavailableError
        The files that could not be had (how many, the first few and why),
        after trying them all: what could be fetched is kept in the cache.
    HashMismatchError
        Files in the data root or the cache that are not the pinned ones.

    Examples
    --------
    >>> paths = fetch_england_data("../shared/data")  # doctest: +SKIP
    >>> len(paths)  # doctest: +SKIP
    681
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    import pooch
    from tqdm import tqdm

    pooch.get_logger().setLevel(logging.WARNING)  # one bar for every file, not a line for each download
    files = england_files(lads, boundaries_only=boundaries_only)
    names = {item.path: name for name, item in sources.sources().items()}

    def one(key: str) -> Path:
        folder, _, rest = key.partition("/")
        code = Path(rest).stem
        if folder == "wards-2013":
            return datasets.fetch([code], data_dir)[code]
        if folder == "lsoa-2011" and key not in names:
            return sources.lsoa_paths([code], data_dir)[code]
        return sources.get_path(names[key], data_dir)

    found: dict[str, Path] = {}
    failed: dict[str, errors.TuttotalError] = {}
    with (
        ThreadPoolExecutor(max_workers=max(1, threads)) as pool,
        tqdm(total=len(files), desc="England's data", unit="file", disable=not cluster.show_progress(progress)) as bar,
    ):
        futures = {pool.submit(one, key): key for key in files}
        for future in as_completed(futures):
            key = futures[future]
            try:
                found[key] = future.result()
            except errors.TuttotalError as exc:
                failed[key] = exc
            bar.update()
    if failed:
        keys = [key for key in files if key in failed]
        damaged = [key for key in keys if isinstance(failed[key], HashMismatchError)]
        reasons = "\n".join(f"    {key}: {' '.join(failed[key].message.split())}" for key in keys[:_LISTED])
        cls = HashMismatchError if damaged else DataUnavailableError
        raise cls(
            f"{len(failed)} of {len(files)} files a national run needs could not be had "
            f"({len(damaged)} damaged, {len(failed) - len(damaged)} missing and not downloaded); the first:\n{reasons}",
            fix=f"where there is a network, run {_fetch_command(data_dir)} again (what was fetched is kept); replace "
            "damaged files with the pinned ones, or point --data-dir at a data root that holds them",
        )
    return {key: found[key] for key in files}
