"""England's 326 districts (LADs) of 2013 as one GeoDataFrame: the boundaries the England web map draws.

The file is the pinned TopoJSON ``lad-2013/england_lad_2013.topojson``
(:func:`tuttotal.data.sources.get_path`: the data root, the cache or a
download, checked against its SHA-256). GDAL reads TopoJSON with no CRS; its
coordinates are CRS84, so this reader sets it (a file a user supplies with no
CRS stays an error) and returns the frame in British National Grid.

Examples
--------
>>> from tuttotal.data.lad_boundaries import england_lads
>>> lads = england_lads()  # doctest: +SKIP
>>> len(lads), list(lads.columns), lads.crs.to_epsg()  # doctest: +SKIP
(326, ['lad_code', 'lad_name', 'geometry'], 27700)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal import cache, settings
from tuttotal.data import sources

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["england_lads"]


def england_lads(data_dir: settings.DataRootLike = None) -> gpd.GeoDataFrame:
    """England's 326 LADs of 2013 in British National Grid: ``lad_code, lad_name, geometry``.

    Read once per process and data root (about half a second); the frame is
    shared, so copy it before changing it.

    Parameters
    ----------
    data_dir : path, optional
        The data root (default: ``$TUTTOTAL_DATA_DIR``, then the cache, then a download).

    Raises
    ------
    DataUnavailableError, HashMismatchError
        When the file is nowhere to be had, or its bytes are not the pinned ones.
    """
    return _england_lads(settings.data_root(data_dir), sources.source("lad2013").sha256)


@cache.memoize("england-lads", maxsize=2)
def _england_lads(data_dir: settings.DataRoot, sha256: str) -> gpd.GeoDataFrame:
    import pyogrio

    path = sources.get_path("lad2013", data_dir)
    frame = pyogrio.read_dataframe(path, layer="lad")
    frame = frame.set_crs(4326, allow_override=True).to_crs(27700)
    return frame.rename(columns={"LAD13CD": "lad_code", "LAD13NM": "lad_name"})[["lad_code", "lad_name", "geometry"]]
