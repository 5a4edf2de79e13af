"""One list of a run's inputs: what the report records in ``summary.json`` and what ``--resume`` compares.

Every file a place's count reads is named here, once: the spend (the
user's file, the demo's sample, or the real counts' data files), the
drivers, the themes table, the transfer rules, the place's own file in
``params/``, the boundary files, and the tables the real counts read
(``data/cra_lines.csv``, ``data/cra_bodies.csv``, ``data/authorities.csv``,
``data/outturn_services.csv``), and England's LAD map that the report draws
each place on (``england_map``, when it is found: a map repaired or
fetched later makes the place stale). The report hashes them for its provenance
and ``--resume`` hashes them again to decide whether a place is up to date,
so editing any of them makes exactly that place run again.

Examples
--------
>>> from tuttotal.count import inputs
>>> from tuttotal.data import places
>>> sorted(inputs.run_inputs(places.get_place("demo")))  # doctest: +NORMALIZE_WHITESPACE
['boundaries:wards.geojson', 'drivers', 'place_file', 'spend', 'themes', 'transfers']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal import paths, settings
from tuttotal.count import outturn_count, topdown
from tuttotal.data import catalogue, datasets, ward_drivers
from tuttotal.errors import TuttotalError

if TYPE_CHECKING:
    from tuttotal.data.places import Place


def place_file(place: Place) -> Path | None:
    """``params/<slug>.yaml`` of a place defined by a file (None for an ad-hoc area of LADs)."""
    path = paths.params_dir() / f"{place.slug}.yaml"
    return path if path.is_file() else None


def run_inputs(
    place: Place,
    *,
    spend_path: str | os.PathLike = "",
    drivers_path: str | os.PathLike = "",
    data_dir: settings.DataRootLike = None,
    wards_paths: list[str] | tuple[str, ...] = (),
    themes_path: str | os.PathLike = "",
    transfers_path: str | os.PathLike = "",
    download: bool = False,
) -> dict[str, Path]:
    """Every file a count of ``place`` reads, by the name ``summary.json`` gives it.

    Parameters
    ----------
    place : Place
        The place or area.
    spend_path, drivers_path, themes_path, transfers_path : path
        The user's files (``""``: the defaults).
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    wards_paths : list of path
        The user's own boundary files.
    download : bool
        Whether data files missing locally may be downloaded (``--resume``
        never downloads: a missing file means "not up to date").

    Returns
    -------
    dict
        Name → path, e.g. ``spend``, ``drivers``, ``themes``, ``transfers``,
        ``place_file``, ``boundaries:<file>``, ``data:<source>``,
        ``lsoa:<LAD>``, ``cra_lines``, ``authorities``, ``outturn_services``,
        ``england_map``.
    """

    files: dict[str, Path] = {}
    if spend_path:
        files["spend"] = Path(spend_path)
    elif place.is_synthetic:
        files["spend"] = paths.project_file(place.sample["spend"])
    if drivers_path:
        files["drivers"] = Path(drivers_path)
    elif place.is_synthetic:
        files["drivers"] = paths.project_file(place.sample["drivers"])
    files["themes"] = Path(themes_path) if themes_path else paths.data_dir() / "themes.csv"
    files["transfers"] = Path(transfers_path) if transfers_path else paths.data_dir() / "transfers.csv"
    own = place_file(place)
    if own is not None:
        files["place_file"] = own
    if wards_paths:
        boundaries = [Path(p) for p in wards_paths]
    elif place.is_synthetic:
        boundaries = [paths.project_file(place.sample["wards"])]
    else:
        found = datasets.fetch(place.lad_codes, data_dir, download=download)
        boundaries = [found[code] for code in place.lad_codes]
    for path in boundaries:
        files[f"boundaries:{path.name}"] = path
    if not place.is_synthetic:
        if not drivers_path and ward_drivers.has_real_drivers(place.lad_codes):
            files.update(ward_drivers.input_files(place.lad_codes, data_dir, download=download))
        if not spend_path:
            files.update(topdown.input_files(data_dir, download=download))
            files.update(outturn_count.input_files(data_dir, download=download))
        england = england_map_file(place, data_dir, download=download)
        if england is not None:
            files["england_map"] = england
    return files


def england_map_file(place: Place, data_dir: settings.DataRootLike, *, download: bool = False) -> Path | None:
    """The file of England's LADs the report draws ``place`` on, as found now (damaged or not), or None.

    With ``download``, as the report reads it (:func:`tuttotal.data.datasets.lad_boundaries_path`:
    verified, fetched if missing); otherwise, or when that fails, the first
    copy present in the data folder or the cache, unverified: its hash is
    what is recorded, so a repaired file differs from a damaged one.
    """
    if place.is_synthetic or not set(place.lad_codes) & set(datasets.registry()):
        return None  # the report shows no map of England: nothing read
    if download:
        try:
            return datasets.lad_boundaries_path(data_dir)
        except TuttotalError:
            pass
    return catalogue.local_path(catalogue.LAD_TOPOJSON_KEY, settings.data_root(data_dir))
