"""England's 326 districts as SVG paths for the web maps, made once per process and data root.

A place's ``report.html`` shows its LADs on a map of England
(:meth:`tuttotal.report.maps.MapsSection.england_web_map`), and a warm kernel
draws it for place after place: the paths (about a second to make) are kept
in a :mod:`tuttotal.cache` memory entry, ``england-web-shapes``, which
``tuttotal cache clear`` and :func:`tuttotal.cache.clear` empty like the others.

Examples
--------
>>> from tuttotal import cache
>>> "england-web-shapes" in cache.names()
True
>>> shapes = england_web_shapes()  # doctest: +SKIP
>>> len(shapes.paths)  # doctest: +SKIP
326
"""

from __future__ import annotations

from tuttotal import cache
from tuttotal.data.lad_boundaries import england_lads
from tuttotal.figures import webmap

__all__ = ["england_web_shapes"]


@cache.memoize("england-web-shapes", maxsize=2)
def england_web_shapes(data_dir: str | None = None) -> webmap.EnglandShapes:
    """England's 326 districts as SVG paths for the web maps (:func:`tuttotal.figures.webmap.england_shapes`).

    Parameters
    ----------
    data_dir : str, optional
        The data root (default: ``$TUTTOTAL_DATA_DIR``, then the cache, then a download); the key of the entry,
        whose boundary file is checked against its pinned hash when read.

    Returns
    -------
    tuttotal.figures.webmap.EnglandShapes
        Shared by every caller: read it, do not change it.
    """
    return webmap.england_shapes(england_lads(data_dir))
