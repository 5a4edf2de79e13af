"""The ward boundaries of a place: the user's files, the demo's sample, or the hash-pinned registry files.

One function, :func:`load_place_wards`, between the readers
(:mod:`tuttotal.data.geography` for one file, :mod:`tuttotal.data.wardcache` for its
GeoParquet cache) and what uses a place's wards (the report, the batch, the
drivers).

Examples
--------
>>> from tuttotal.data import place_wards, places
>>> wards = place_wards.load_place_wards(places.get_place("demo"))
>>> len(wards), wards.crs.to_epsg()
(24, 27700)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tuttotal import paths, settings
from tuttotal.data import datasets, geography
from tuttotal.data.wardcache import read_many_cached, read_wards_cached
from tuttotal.errors import GeographyError, TuttotalError, TuttotalWarning

if TYPE_CHECKING:
    import geopandas as gpd

    from tuttotal.data.places import Place


def load_place_wards(
    place: Place,
    data_dir: settings.DataRootLike = None,
    wards_files: Iterable[str | os.PathLike] = (),
) -> gpd.GeoDataFrame:
    """Ward boundaries of every LAD of a place.

    From the user's own files when ``wards_files`` is given (kept to the
    place's LADs when they carry a LAD column), otherwise from the
    hash-pinned registry files (:mod:`tuttotal.data.datasets`). Every file is
    parsed once per content: later loads read the GeoParquet cache of
    :mod:`tuttotal.data.wardcache`.
    """
    wards_files = list(wards_files)
    if wards_files:
        lad = place.lads[0] if len(place.lads) == 1 else None
        frames = [
            read_wards_cached(f, lad_code=lad.code if lad else None, lad_name=lad.name if lad else None)
            for f in wards_files
        ]
        wards = geography.combine(frames)
        inside = wards[wards.lad_code.isin(place.lad_codes)]
        if len(inside) == 0:
            raise GeographyError(
                f"no ward of the files lies in {place.name} ({', '.join(place.lad_codes)}); "
                f"their LAD codes are {sorted(set(wards.lad_code))[:10]}",
                fix="give the LAD codes the file covers with --lad",
            )
        inside.attrs.update(wards.attrs)
        inside = inside.reset_index(drop=True)
        _check_coverage(inside, place, data_dir)
        return inside

    if place.is_synthetic:
        return read_wards_cached(paths.project_file(place.sample["wards"]))

    files = datasets.fetch(place.lad_codes, data_dir)
    return read_many_cached(
        [
            (files[lad.code], datasets.ward_sha256(lad.code, data_dir), {"lad_code": lad.code, "lad_name": lad.name})
            for lad in place.lads
        ]
    )


def _check_coverage(wards: gpd.GeoDataFrame, place: Place, data_dir) -> None:
    """Record in ``attrs["coverage"]`` the share of each LAD the user's wards cover; warn under 95%.

    Measured against the hash-pinned 2013 ward files of the place's LADs; when
    they cannot be had (offline, no data folder) coverage is not measured and
    ``attrs["coverage"]`` is empty.
    """
    import warnings

    if place.is_synthetic:
        wards.attrs["coverage"] = {}
        return
    try:
        files = datasets.fetch(place.lad_codes, data_dir)
        reference = read_many_cached(
            [
                (
                    files[lad.code],
                    datasets.ward_sha256(lad.code, data_dir),
                    {"lad_code": lad.code, "lad_name": lad.name},
                )
                for lad in place.lads
            ]
        )
    except TuttotalError:
        wards.attrs["coverage"] = {}
        return
    coverage = geography.lad_coverage(wards, reference)
    wards.attrs["coverage"] = {lad: round(share, 4) for lad, share in coverage.items()}
    for note in geography.partial_cover_notes(coverage, {lad.code: lad.name for lad in place.lads}, wards):
        warnings.warn(note, TuttotalWarning, stacklevel=3)
