"""A place count's files, written one way: :func:`write_outputs`.

The batch (through the notebooks it executes), the notebooks themselves and
a researcher in JupyterLab all write a place's folder with one call::

    ward_map.png, themes.png, … (FIGURES), ward_theme.csv, … (the report's tables, writers.place_tables),
    summary.json, datapackage.json[, web_map.json][, deep_dive_<theme>_map.png and _wards.csv]

:data:`FIGURES` is the registry of the report's figures: a name, the file it
is saved as and the function that draws it from the count (``None`` when
the figure does not apply, e.g. the cuts before 2010-11).

Examples
--------
>>> from tuttotal import report
>>> from tuttotal.writers.place import FIGURES, write_outputs
>>> FIGURES["ward_map"].file
'ward_map.png'
>>> demo = report.prepare(place="demo")  # doctest: +SKIP
>>> sorted(write_outputs(demo))[:3]  # doctest: +SKIP
['datapackage', 'focus_comparison', 'focus_comparison_chart']
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal.analysis import deep_dive
from tuttotal.figures.canvas import save_figure
from tuttotal.report import PlaceReport
from tuttotal.writers import datapackage
from tuttotal.writers.place_tables import place_tables
from tuttotal.writers.safe_csv import write_csv
from tuttotal.writers.web_map_file import write_web_map

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from tuttotal.figures.webmap import WebMap


@dataclass(frozen=True)
class FigureEntry:
    """One figure of a place's report: the file it is saved as and how it is drawn from the count."""

    file: str
    draw: Callable[[PlaceReport], Figure | None]


def _cuts(draw: Callable[[PlaceReport], Figure | None]) -> Callable[[PlaceReport], Figure | None]:
    """``draw`` for the reports of the years of the councils' cuts (None before)."""
    return lambda report: draw(report) if report.shows_cuts else None


#: The report's figures by name, in the order they are saved (a name is the key of the path written); each drawn by
#: the report's section that owns it (:mod:`tuttotal.report.place_report`).
FIGURES: dict[str, FigureEntry] = {
    "ward_map": FigureEntry("ward_map.png", lambda report: report.maps.ward_map()),
    "themes": FigureEntry("themes.png", PlaceReport.themes_chart),
    "focus_comparison_chart": FigureEntry("focus_comparison.png", lambda report: report.comparisons.focus_chart()),
    "trend": FigureEntry("trend.png", lambda report: report.change.trend_chart()),
    "theme_per_head_chart": FigureEntry("theme_per_head.png", lambda report: report.comparisons.theme_per_head_chart()),
    "cuts_map": FigureEntry("cuts_map.png", _cuts(lambda report: report.change.cuts_map())),
    "cuts_by_service": FigureEntry("cuts_by_service.png", _cuts(lambda report: report.change.cuts_chart())),
    "deprivation_map": FigureEntry("deprivation_map.png", lambda report: report.need.deprivation_map()),
    "need_scatter": FigureEntry("need_scatter.png", lambda report: report.need.chart()),
    "lorenz": FigureEntry("lorenz.png", lambda report: report.need.lorenz_chart()),
}


def save_figures(report: PlaceReport, folder: str | os.PathLike | None = None) -> dict[str, Path]:
    """Save every figure of :data:`FIGURES` that applies to ``report`` as PNG; the time is ``timings["figures_s"]``."""
    folder = Path(folder or report.output_dir)
    start = time.perf_counter()
    paths = {}
    for name, entry in FIGURES.items():
        figure = entry.draw(report)
        if figure is not None:
            paths[name] = save_figure(figure, folder / entry.file)
    report.timings["figures_s"] = round(time.perf_counter() - start, 3)
    return paths


def write_tables(report: PlaceReport, folder: str | os.PathLike | None = None) -> dict[str, Path]:
    """Write the report's tables (:func:`tuttotal.writers.place_tables.place_tables`) as ``<name>.csv``."""
    folder = Path(folder or report.output_dir)
    return {name: write_csv(frame, folder / f"{name}.csv") for name, frame in place_tables(report).items()}


def write_summary(report: PlaceReport, folder: str | os.PathLike | None = None) -> Path:
    """Write ``summary.json`` (atomically: a temporary file, then moved into place)."""
    path = Path(folder or report.output_dir) / "summary.json"
    text = json.dumps(report.summary(), indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".summary.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_datapackage(report: PlaceReport, folder: str | os.PathLike | None = None) -> Path:
    """``datapackage.json``: a Frictionless Data Package describing every CSV of the folder."""
    return datapackage.write_datapackage(
        Path(folder or report.output_dir),
        place_name=report.place.name,
        sources=[name.split(":", 1)[1] for name in report.inputs if name.startswith("data:")],
        boundaries_attribution=report.provenance.attribution,
        spend_kind=report.spend_kind,
        year=report.year,
    )


def write_deep_dive(report: PlaceReport, theme: str, folder: str | os.PathLike | None = None) -> dict[str, Path]:
    """A theme's deep-dive files: its map, ``deep_dive_<theme>_map.png``, and every ward's rank, ``…_wards.csv``."""
    folder = Path(folder or report.output_dir)
    slug = deep_dive.file_slug(theme)
    every_ward = deep_dive.ward_ranking(report.ward_theme(by_basis=True), report.wards, theme, n=len(report.wards))
    return {
        "deep_dive_map": save_figure(report.maps.theme_map(theme), folder / f"deep_dive_{slug}_map.png"),
        "deep_dive_wards": write_csv(
            every_ward.assign(prices="cash"), folder / f"deep_dive_{slug}_wards.csv", index=True
        ),
    }


def write_place_web_map(
    report: PlaceReport, block: WebMap | None = None, folder: str | os.PathLike | None = None
) -> dict[str, Path]:
    """Write ``web_map.json`` (the wards as SVG paths with their figures) for ``outputs/index.html``.

    ``block`` is the interactive ward map to write (drawn from the count when it is ``None``); returns
    ``{"web_map": path}``, to merge with :func:`write_outputs`'s.
    """
    return {"web_map": write_web_map((block or report.maps.web_map()).data, folder or report.output_dir)}


def write_outputs(
    report: PlaceReport,
    output_dir: str | os.PathLike | None = None,
    *,
    theme: str = "",
    web_map: WebMap | None = None,
    with_web_map: bool = False,
) -> dict[str, Path]:
    """Every file of a place's folder but the notebook: figures, tables, ``summary.json``, ``datapackage.json``.

    Parameters
    ----------
    report : PlaceReport
        The place's count (:func:`tuttotal.report.prepare`).
    output_dir : path, optional
        The folder (default: the count's ``output_dir``).
    theme : str
        A theme whose deep-dive files are written first (the deep-dive notebook's).
    web_map, with_web_map
        The interactive ward map to write as ``web_map.json`` for ``outputs/index.html`` (``with_web_map``:
        draw it here).

    Returns
    -------
    dict
        The paths written, by name.
    """
    folder = Path(output_dir or report.output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = write_deep_dive(report, theme, folder) if theme else {}
    paths.update(save_figures(report, folder))
    paths.update(write_tables(report, folder))
    paths["summary"] = write_summary(report, folder)
    paths["datapackage"] = write_datapackage(report, folder)
    if web_map is not None or with_web_map:
        paths.update(write_place_web_map(report, web_map, folder))
    return paths
