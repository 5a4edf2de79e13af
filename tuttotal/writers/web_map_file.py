"""``web_map.json``: a place's wards as SVG paths with their figures, written by its report, read by the index.

A report writes it (:func:`tuttotal.writers.place.write_place_web_map`) from
the data of its interactive ward map (:func:`tuttotal.figures.webmap.ward_map`);
``outputs/index.html`` reads every place's (:func:`read_web_maps`) and draws
them together (:func:`tuttotal.figures.webmap.places_map`).

Examples
--------
>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> write_web_map({"slug": "x", "wards": []}, folder).name
'web_map.json'
>>> read_web_maps([folder, folder + "/nothing-here"])
[{'slug': 'x', 'wards': []}]
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["WEB_MAP_JSON", "read_web_maps", "write_web_map"]

#: The file each report writes for ``outputs/index.html``: its wards as SVG paths with their figures.
WEB_MAP_JSON = "web_map.json"


def write_web_map(data: dict, folder: str | os.PathLike) -> Path:
    """Write ``data`` as ``folder/web_map.json`` atomically (a temporary file beside it, then moved); its path."""
    path = Path(folder) / WEB_MAP_JSON
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def read_web_maps(folders: Iterable[str | os.PathLike]) -> list[dict]:
    """The ``web_map.json`` of each folder that has a readable one, in order; folders without one are left out."""
    maps = []
    for folder in folders:
        try:
            maps.append(json.loads((Path(folder) / WEB_MAP_JSON).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return maps
