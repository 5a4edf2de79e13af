"""Interactive maps for the pages: inline SVG and one small script, nothing fetched from anywhere.

``report.html`` and ``outputs/index.html`` must open with no network, from a
disk, a mail attachment or a file share. So an interactive map here is one
block of HTML: the wards (or districts) as SVG paths in British National
Grid metres, a legend, and a script of about sixty lines, inlined, that
gives hover tooltips, wheel and button zoom, and drag to pan.

Why not Leaflet? Leaflet itself is BSD-licensed and could ship in the
package, but these maps have no tiles and no web projection to draw: their
geometry is already projected, a few hundred polygons at most per place.
An SVG is drawn by the browser with no library, scales without blurring,
prints, and keeps working when a script is blocked (the map is still
drawn; only hover and zoom need the script). Nothing to vendor, update or
audit; one file per page. The explorer in JupyterLab is another matter:
there the map is an ipyleaflet widget (:mod:`tuttotal.explore.leaflet_map`).

Colours and classes are the house map's (:func:`tuttotal.figures.classify.classify`,
:func:`tuttotal.figures.style.class_colours`): the same classifier for every map.

The maps draw what they are given and load nothing: a report passes its
wards with their figures (:meth:`tuttotal.report.maps.MapsSection.web_map`), or
England's districts (:func:`tuttotal.data.lad_boundaries.england_lads`, made
into paths once by :func:`england_shapes`) with each one's spending per head
(:meth:`tuttotal.report.maps.MapsSection.england_web_map`); the index page passes
every place's ``web_map.json`` (:func:`tuttotal.writers.web_map_file.read_web_maps`).

Examples
--------
>>> from tuttotal import report  # doctest: +SKIP
>>> run = report.prepare(place="demo")  # doctest: +SKIP
>>> block = run.maps.web_map()  # doctest: +SKIP
>>> block.html.startswith("<div class='tt-webmap'")  # doctest: +SKIP
True
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from tuttotal.figures.classify import classify, labels_from_bounds, money_labels, percent_labels
from tuttotal.figures.style import basis_split_labels, class_colours

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "MAP_SCRIPT",
    "EnglandShapes",
    "MapNote",
    "PlaceLabels",
    "Shape",
    "WebMap",
    "england_map",
    "england_shapes",
    "places_map",
    "render",
    "svg_paths",
    "ward_map",
]

NO_DATA = "#d9d9d9"
OUTLINE = "#c2185b"

_CSS = """
.tt-webmap { position:relative; font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
  color:#1a1a1a; margin:8px 0 14px; max-width:1000px; }
.tt-webmap .tt-title { font-weight:650; font-size:15px; margin-bottom:2px; }
.tt-webmap .tt-note { color:#555; font-size:12px; margin:4px 0 0; }
.tt-webmap .tt-body { display:flex; gap:14px; align-items:flex-start; flex-wrap:wrap; }
.tt-webmap .tt-frame { position:relative; flex:1 1 560px; min-width:280px; border:1px solid #d6dbe0;
  border-radius:6px; background:#fff; overflow:hidden; }
.tt-webmap svg { display:block; width:100%; height:auto; cursor:grab; touch-action:none; user-select:none; }
.tt-webmap svg path { vector-effect:non-scaling-stroke; stroke-linejoin:round; }
.tt-webmap svg .tt-shapes path { stroke:#ffffff; stroke-width:0.5; }
.tt-webmap svg .tt-shapes path:hover { stroke:#c2185b; stroke-width:2.5; }
.tt-webmap svg .tt-lines path { fill:none; stroke:#3a3a3a; stroke-width:0.9; pointer-events:none; }
.tt-webmap svg .tt-marks path { fill:none; stroke-width:2.5; pointer-events:none; }
.tt-webmap .tt-tip { position:absolute; display:none; pointer-events:none; background:rgba(255,255,255,.97);
  border:1px solid #9aa4ae; border-radius:4px; padding:5px 8px; box-shadow:0 1px 4px rgba(0,0,0,.2);
  font-size:12.5px; white-space:nowrap; z-index:5; }
.tt-webmap .tt-buttons { position:absolute; top:8px; left:8px; display:flex; flex-direction:column; gap:3px; }
.tt-webmap .tt-buttons button { width:28px; height:28px; font:16px/1 system-ui,sans-serif; background:#fff;
  border:1px solid #9aa4ae; border-radius:4px; cursor:pointer; padding:0; }
.tt-webmap .tt-legend { flex:0 0 210px; font-size:12.5px; line-height:1.6; }
.tt-webmap .tt-legend button[data-view] { display:block; margin:2px 0; padding:1px 8px;
  font:12.5px system-ui,sans-serif; background:#fff; border:1px solid #9aa4ae; border-radius:4px;
  cursor:pointer; text-align:left; }
.tt-webmap .tt-legend b { display:block; margin-bottom:2px; }
.tt-webmap .tt-legend .tt-basis { margin-top:8px; }
.tt-webmap .tt-legend span.sw { display:inline-block; width:16px; height:12px; margin-right:7px;
  vertical-align:-1px; border:1px solid #999; }
"""

#: The maps' one script: hover, zoom (wheel, buttons, double click), drag to pan; every map of the page, once
#: each. The pages' policy allows this text to run (:func:`tuttotal.data.safe_html.with_csp`).
MAP_SCRIPT = """
(function () {
  function init(box) {
    if (box.getAttribute('data-ready')) return;
    box.setAttribute('data-ready', '1');
    var svg = box.querySelector('svg'), tip = box.querySelector('.tt-tip');
    var full = svg.getAttribute('viewBox').split(' ').map(Number), v = full.slice(), drag = null;
    function show() {
      svg.setAttribute('viewBox', v.join(' '));
      box.setAttribute('data-zoom', (full[2] / v[2]).toFixed(2));
    }
    function at(e) {
      var r = svg.getBoundingClientRect(), s = Math.max(v[2] / r.width, v[3] / r.height);
      return [v[0] + (e.clientX - r.left) * s - (r.width * s - v[2]) / 2,
              v[1] + (e.clientY - r.top) * s - (r.height * s - v[3]) / 2];
    }
    function zoom(f, c) {
      c = c || [v[0] + v[2] / 2, v[1] + v[3] / 2];
      if (v[2] / f >= full[2]) { v = full.slice(); show(); return; }
      if (v[2] / f < full[2] / 400) return;
      v = [c[0] - (c[0] - v[0]) / f, c[1] - (c[1] - v[1]) / f, v[2] / f, v[3] / f]; show();
    }
    svg.addEventListener('wheel', function (e) { e.preventDefault(); zoom(e.deltaY < 0 ? 1.3 : 1 / 1.3, at(e)); },
                         {passive: false});
    svg.addEventListener('dblclick', function (e) { e.preventDefault(); zoom(2, at(e)); });
    svg.addEventListener('pointerdown', function (e) { if (e.button === 0) { drag = at(e); } });
    svg.addEventListener('pointermove', function (e) {
      if (!drag || !(e.buttons & 1)) { drag = null; return; }
      var p = at(e); v[0] -= p[0] - drag[0]; v[1] -= p[1] - drag[1]; show(); tip.style.display = 'none';
    });
    window.addEventListener('pointerup', function () { drag = null; });
    svg.addEventListener('mousemove', function (e) {
      var shape = e.target.closest ? e.target.closest('[data-tip]') : null;
      if (!shape || drag) { tip.style.display = 'none'; return; }
      tip.textContent = '';
      shape.getAttribute('data-tip').split('\\n').forEach(function (line, i) {
        var row = document.createElement('div'); row.textContent = line;
        if (i === 0) { row.style.fontWeight = 'bold'; }
        tip.appendChild(row);
      });
      var r = box.querySelector('.tt-frame').getBoundingClientRect();
      var x = e.clientX - r.left + 14, y = e.clientY - r.top + 14;
      tip.style.display = 'block';
      if (x + tip.offsetWidth > r.width) { x = Math.max(0, e.clientX - r.left - tip.offsetWidth - 10); }
      if (y + tip.offsetHeight > r.height) { y = Math.max(0, e.clientY - r.top - tip.offsetHeight - 10); }
      tip.style.left = x + 'px'; tip.style.top = y + 'px';
      box.setAttribute('data-hover', shape.getAttribute('data-key') || '');
    });
    svg.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
    box.querySelectorAll('button[data-zoom-by]').forEach(function (b) {
      b.addEventListener('click', function () { zoom(parseFloat(b.getAttribute('data-zoom-by'))); });
    });
    box.querySelectorAll('button[data-view]').forEach(function (b) {
      b.addEventListener('click', function () { v = b.getAttribute('data-view').split(' ').map(Number); show(); });
    });
    var reset = box.querySelector('button[data-reset]');
    if (reset) { reset.addEventListener('click', function () { v = full.slice(); show(); }); }
  }
  function all() { document.querySelectorAll('.tt-webmap').forEach(init); }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', all); } else { all(); }
})();
"""


@dataclass
class Shape:
    """One hoverable shape of a map: its SVG path, fill, tooltip lines and key (a ward or LAD code)."""

    path: str
    fill: str
    tip: Sequence[str]
    key: str = ""


@dataclass
class WebMap:
    """An interactive map as one self-contained HTML block; shows itself in a notebook.

    Attributes
    ----------
    html : str
        ``<div class='tt-webmap'>`` with its style, SVG, legend and script.
    data : dict
        What it was drawn from (for tests and ``web_map.json``).
    """

    html: str
    data: dict = field(default_factory=dict, repr=False)

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        """A line naming the map: a notebook stores it beside the HTML as the map's plain-text form.

        (The generated repr held the whole HTML: 270 KB of text for the England map, stored,
        sent and exported with every report though no one reads it.)

        Examples
        --------
        >>> WebMap("<div class='tt-webmap' data-map='Map of England&#x27;s districts'>…</div>")
        <interactive map: Map of England's districts (0 KB of HTML)>
        """
        start = self.html.find("data-map='")
        label = self.html[start + 10 : self.html.find("'", start + 10)] if start >= 0 else "untitled"
        return f"<interactive map: {html.unescape(label)} ({len(self.html) // 1024} KB of HTML)>"


# --------------------------------------------------------------------------- geometry to SVG


def _ring_path(coords: np.ndarray, origin: tuple[float, float], unit: float) -> str:
    xy = np.rint((coords[:, :2] - origin) * (1.0, -1.0) / unit).astype(np.int64)
    keep = np.ones(len(xy), dtype=bool)
    keep[1:] = np.any(np.diff(xy, axis=0) != 0, axis=1)  # drop repeats left by rounding
    xy = xy[keep]
    if len(xy) < 3:
        return ""
    points = " ".join(f"{x},{y}" for x, y in xy)
    return f"M{points}Z"


def svg_paths(geometries: Sequence[Any], origin: tuple[float, float], unit: float = 1.0) -> list[str]:
    """SVG path data of (multi)polygons in metres: ``x`` east, ``y`` down from ``origin`` (west, north), in ``unit``s.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> svg_paths([box(0, 0, 10, 10)], origin=(0, 10))
    ['M10,10 10,0 0,0 0,10 10,10Z']
    """
    paths = []
    for geometry in geometries:
        parts = []
        if geometry is not None and not geometry.is_empty:
            kind = geometry.geom_type
            polygons = [geometry] if kind == "Polygon" else list(getattr(geometry, "geoms", []))
            for polygon in polygons:
                if polygon.geom_type == "LineString":
                    parts.append(_ring_path(np.asarray(polygon.coords), origin, unit).rstrip("Z"))
                    continue
                if polygon.geom_type != "Polygon":
                    continue
                for ring in (polygon.exterior, *polygon.interiors):
                    parts.append(_ring_path(np.asarray(ring.coords), origin, unit))
        paths.append("".join(p for p in parts if p))
    return paths


def _simplified(frame: gpd.GeoDataFrame, tolerance: float | None = None) -> tuple[Any, float]:
    """The frame's geometry in British National Grid, simplified for the screen; and the tolerance used."""
    import shapely

    frame = frame.to_crs(27700) if frame.crs is not None and frame.crs.to_epsg() != 27700 else frame
    bounds = frame.total_bounds
    if tolerance is None:
        tolerance = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1.0) / 3000
    return shapely.simplify(frame.geometry.to_numpy(), tolerance, preserve_topology=True), tolerance


# --------------------------------------------------------------------------- the block


def _attr(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "&#10;")


def render(
    shapes: Sequence[Shape],
    *,
    bounds: Sequence[float],
    unit: float,
    title: str,
    legend_title: str,
    legend: Sequence[tuple[str, str]],
    lines: Sequence[str] = (),
    marks: Sequence[str] = (),
    note: str = "",
    label: str = "map",
    extra_legend: Sequence[str] = (),
    mark_colour: str = "#111111",
    background: Sequence[str] = (),
) -> str:
    """One self-contained interactive map: SVG shapes with tooltips, outlines, legend, zoom buttons and script.

    Parameters
    ----------
    shapes : list of Shape
        The hoverable areas (paths made by :func:`svg_paths` with the same ``bounds`` origin and ``unit``).
    bounds : (minx, miny, maxx, maxy)
        The extent in British National Grid metres.
    lines, marks : list of str
        Path data drawn over the shapes, not hoverable: boundaries (thin, dark) and outlines (thick).
    background : list of str
        Path data drawn behind the shapes in light grey (England's districts around the places).
    legend : list of (colour, label)
    label : str
        What the map is, for screen readers and tests (``aria-label``).

    Examples
    --------
    >>> block = render([Shape("M0,0 10,0 10,10Z", "#abcdef", ["A ward", "£1"], "W1")], bounds=(0, -10, 10, 0),
    ...                unit=1, title="T", legend_title="£", legend=[("#abcdef", "£1")])
    >>> "data-tip='A ward&#10;£1'" in block and "<script>" in block and "http" not in block
    True
    """
    width = max(bounds[2] - bounds[0], 1.0) / unit
    height = max(bounds[3] - bounds[1], 1.0) / unit
    pad = 0.02 * max(width, height)
    view = f"{-pad:.0f} {-pad:.0f} {width + 2 * pad:.0f} {height + 2 * pad:.0f}"
    body = "".join(
        f"<path d='{_attr(s.path)}' fill='{_attr(s.fill)}' data-key='{_attr(s.key)}' "
        f"data-tip='{_attr(chr(10).join(s.tip))}'/>"
        for s in shapes
        if s.path
    )
    line_paths = "".join(f"<path d='{_attr(d)}'/>" for d in lines if d)
    back_paths = "".join(f"<path d='{_attr(d)}' vector-effect='non-scaling-stroke'/>" for d in background if d)
    back = ""
    if back_paths:
        back = f"<g class='tt-back' style='fill:#ececec;stroke:#ffffff;stroke-width:0.8'>{back_paths}</g>"
    mark_paths = "".join(f"<path d='{_attr(d)}' style='stroke:{_attr(mark_colour)}'/>" for d in marks if d)
    rows = "".join(
        f"<div><span class='sw' style='background:{_attr(colour)}'></span>{html.escape(text)}</div>"
        for colour, text in legend
    )
    rows += "".join(extra_legend)
    return (
        f"<div class='tt-webmap' data-map='{_attr(label)}'><style>{_CSS}</style>"
        f"<div class='tt-title'>{html.escape(title)}</div>"
        "<div class='tt-body'><div class='tt-frame'>"
        f"<svg viewBox='{view}' preserveAspectRatio='xMidYMid meet' role='img' aria-label='{_attr(label)}'>"
        + back
        + f"<g class='tt-shapes'>{body}</g><g class='tt-lines'>{line_paths}</g>"
        f"<g class='tt-marks'>{mark_paths}</g></svg>"
        "<div class='tt-buttons'><button type='button' data-zoom-by='2' title='Zoom in'>+</button>"
        "<button type='button' data-zoom-by='0.5' title='Zoom out'>−</button>"
        "<button type='button' data-reset='1' title='Whole map'>⤢</button></div>"
        "<div class='tt-tip'></div></div>"
        f"<div class='tt-legend'><b>{html.escape(legend_title)}</b>{rows}</div></div>"
        f"<p class='tt-note'>{html.escape(note)}</p>"
        f"<script>{MAP_SCRIPT}</script></div>"
    )


def _outline_legend(text: str, colour: str = "#111", width: float = 2) -> str:
    return (
        "<div><span class='sw' style='background:transparent;"
        f"border:{width}px solid {colour}'></span>{html.escape(text)}</div>"
    )


def _text_legend(title: str, lines: Sequence[str]) -> str:
    return (
        f"<div class='tt-basis'><b>{html.escape(title)}</b>"
        + "".join(f"<div>{html.escape(line)}</div>" for line in lines)
        + "</div>"
    )


def _line_legend(text: str) -> str:
    return (
        "<div><span style='display:inline-block;width:16px;margin-right:7px;vertical-align:3px;"
        f"border-top:1.5px solid #3a3a3a'></span>{html.escape(text)}</div>"
    )


def _classes(
    values: np.ndarray, scheme: str, k: int, money: bool = True, unit: str = "ward"
) -> tuple[list[str], list[tuple[str, str]]]:
    """Fill colour of every value and the legend rows, with the house map's classifier and colours."""
    from matplotlib.colors import to_hex

    values = np.asarray(values, dtype=float)
    bins, classes, _ = classify(values, scheme, k)
    palette = [to_hex(c) for c in class_colours(max(bins.size, 1))]
    fills = [palette[c] if c >= 0 else NO_DATA for c in classes]
    finite = values[np.isfinite(values)]
    if not bins.size:
        return fills, [(NO_DATA, "no data")]
    bounds = [float(finite.min()), *bins.tolist()]
    text = money_labels(bounds) if money else percent_labels(bounds)
    counts = [int((classes == i).sum()) for i in range(bins.size)]
    labels = labels_from_bounds(text, counts, bins.size == np.unique(finite).size)
    if unit != "ward":
        labels = [label.replace(" wards)", f" {unit}s)").replace(" ward)", f" {unit})") for label in labels]
    legend = list(zip(palette, labels, strict=False))
    if (classes < 0).any():
        legend.append((NO_DATA, f"no data ({int((classes < 0).sum())})"))
    return fills, legend


def _gbp(value: float) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    if abs(value) >= 1e9:
        return f"£{value / 1e9:,.2f}bn"
    if abs(value) >= 1e6:
        return f"£{value / 1e6:,.1f}m"
    return f"£{value:,.0f}"


# --------------------------------------------------------------------------- a place's wards


@dataclass(frozen=True)
class PlaceLabels:
    """What a place's web maps say about it: names, year, kind of count and the lines every figure carries.

    Attributes
    ----------
    slug, name : str
        The place (``kent``, ``Kent``).
    year : str
        The count's financial year.
    spend : str
        ``real``, ``user`` or ``synthetic`` (``summary.json``'s ``spend``).
    count : str
        The kind of count in words (the index page classes like with like by it).
    attribution : str
        The data attribution line.
    stamp : str, optional
        ``SYNTHETIC`` or ``ILLUSTRATIVE`` for generated money; None for real or a user's.
    """

    slug: str
    name: str
    year: str
    spend: str
    count: str
    attribution: str
    stamp: str | None = None


def _ward_tip(row, place: str = "") -> list[str]:
    share = row.income_deprived_share
    return [
        str(row.ward_name),
        f"{row.lad_name}{', ' + place if place else ''}",
        f"Spending: {_gbp(row.amount_gbp)}",
        f"Per head: {_gbp(row.per_head_gbp)}",
        f"Income-deprived: {'–' if not np.isfinite(share) else f'{100 * share:.0f}% of people'}",
    ]


def ward_map(
    wards: gpd.GeoDataFrame,
    place: PlaceLabels,
    *,
    focus: Collection[str] = (),
    basis_split: tuple[float, float] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
) -> WebMap:
    """A place's interactive ward map: spend per head (or in total) by ward, with tooltips and zoom.

    The classes and colours are the house map's (``ward_map.png``); hover a
    ward for its name, district, £, £ per head and income deprivation.

    Parameters
    ----------
    wards : geopandas.GeoDataFrame
        One row a ward: ``ward_code, ward_name, lad_code, lad_name, amount_gbp, per_head_gbp,
        income_deprived_share, geometry`` (NaN where a figure is not known).
    place : PlaceLabels
        The place's names, year, kind of count, attribution and stamp.
    focus : collection of str
        Ward codes to outline.
    basis_split : (measured £, modelled £), optional
        A real count's money by basis, shown in the legend (a choropleth cannot hatch it).

    Examples
    --------
    >>> from tuttotal import report  # doctest: +SKIP
    >>> report.prepare(place="demo").web_map()  # doctest: +SKIP
    """
    per_head = bool(np.isfinite(wards["per_head_gbp"]).any())
    column = "per_head_gbp" if per_head else "amount_gbp"
    fills, legend = _classes(wards[column].to_numpy(dtype=float), scheme, k)
    geometry, tolerance = _simplified(wards)
    bounds = wards.to_crs(27700).total_bounds if wards.crs.to_epsg() != 27700 else wards.total_bounds
    unit = max(1.0, round(tolerance / 3))
    origin = (bounds[0], bounds[3])
    paths = svg_paths(geometry, origin, unit)
    shapes = [
        Shape(path, fill, _ward_tip(row), str(row.ward_code))
        for path, fill, row in zip(paths, fills, wards.itertuples(), strict=True)
    ]
    import shapely

    lad_geoms = wards.dissolve("lad_code").geometry.to_numpy()
    lines = svg_paths(shapely.simplify(shapely.boundary(lad_geoms), tolerance), origin, unit)
    focus = set(focus)
    marks = [p for p, code in zip(paths, wards.ward_code, strict=True) if code in focus]
    extra = [_line_legend("District boundary")]
    if marks:
        extra.append(_outline_legend("Focus ward"))
    if basis_split is not None:  # a real count: its money by basis, which a choropleth cannot hatch
        extra.append(_text_legend("Measured or modelled", basis_split_labels(*basis_split)))
    measure = "£ per head" if per_head else "£ total"
    title = f"{place.name}: public spending {'per head' if per_head else 'in total'} by ward, {place.year}"
    stamp = f" {place.stamp}: generated figures, not real spending." if place.stamp else ""
    note = (
        "Hover a ward for its figures; zoom with the wheel, the buttons or a double click, drag to move. "
        f"Same classes as the map above ({scheme}).{stamp} {place.attribution}"
    )
    block = render(
        shapes,
        bounds=bounds,
        unit=unit,
        title=title,
        legend_title=f"{measure} ({scheme}, {len(legend)} classes)",
        legend=legend,
        lines=lines,
        marks=marks,
        note=note,
        label=f"Interactive ward map of {place.name}",
        extra_legend=extra,
    )
    data = {
        "slug": place.slug,
        "name": place.name,
        "year": place.year,
        "spend": place.spend,
        "count": place.count,
        "crs": "EPSG:27700",
        "unit_m": unit,
        "origin": [float(origin[0]), float(origin[1])],
        "wards": [
            {
                "code": str(row.ward_code),
                "name": str(row.ward_name),
                "lad_name": str(row.lad_name),
                "amount_gbp": round(float(row.amount_gbp), 2),
                "per_head_gbp": None if not np.isfinite(row.per_head_gbp) else round(float(row.per_head_gbp), 2),
                "income_deprived_share": None
                if not np.isfinite(row.income_deprived_share)
                else round(float(row.income_deprived_share), 4),
                "path": path,
            }
            for path, row in zip(paths, wards.itertuples(), strict=True)
        ],
    }
    return WebMap(block, data)


# --------------------------------------------------------------------------- England around the place


class EnglandShapes(NamedTuple):
    """England's districts as SVG paths, made once from their boundaries (:func:`england_shapes`)."""

    lads: pd.DataFrame
    paths: list[str]
    bounds: np.ndarray
    unit: float


def england_shapes(lads: gpd.GeoDataFrame) -> EnglandShapes:
    """England's districts (``lad_code, lad_name, geometry``, British National Grid) as SVG paths on a 100 m grid.

    About a second for the 326 LADs: make them once and pass them to every map that needs them.
    """
    geometry, _ = _simplified(lads, 400.0)
    bounds = lads.total_bounds
    unit = 100.0
    origin = (bounds[0], bounds[3])
    return EnglandShapes(
        lads[["lad_code", "lad_name"]].reset_index(drop=True), svg_paths(geometry, origin, unit), bounds, unit
    )


def england_map(
    england: EnglandShapes,
    place: PlaceLabels,
    lad_codes: Collection[str],
    *,
    per_head: pd.Series | None = None,
    per_head_year: str = "",
    per_head_source: str = "",
) -> WebMap:
    """The place's LADs on a map of England's 326 LADs, coloured by spending per head where given.

    Parameters
    ----------
    england : EnglandShapes
        England's districts (:func:`england_shapes`).
    place : PlaceLabels
        The place: its name, year and attribution.
    lad_codes : collection of str
        The place's LADs, outlined and shaded.
    per_head : pandas.Series, optional
        £ per head by LAD code (a real count: each LAD's top-down estimate,
        :func:`tuttotal.count.topdown.lad_per_head`); without it the LADs are
        plain and the place's shaded.
    per_head_year : str
        The year of ``per_head`` (may differ from the place's: a councils' outturn year shows 2008-09).
    per_head_source : str
        The regional analysis release ``per_head`` shares out, named in the note.
    """
    lads, paths, bounds, unit = england
    values = np.full(len(lads), np.nan)
    year = per_head_year if per_head is not None else ""
    if per_head is not None:
        values = lads["lad_code"].map(per_head).to_numpy(dtype=float)
    codes = set(lad_codes)
    if np.isfinite(values).any():
        fills, legend = _classes(values, "quantiles", 7, unit="district")
        legend_title = f"Top-down £ per head, {year} (quantiles)"
        note = (
            f"Each district's share of its region's identifiable public spending, {year}, by the same drivers as "
            f"the report's count (HM Treasury Country and Regional Analysis, {per_head_source}; "
            "mid-2015 people; IMD 2010)."
        )
    else:
        fills = ["#4a7fb0" if c in codes else "#e6e9ec" for c in lads["lad_code"]]
        legend, legend_title = [("#4a7fb0", place.name), ("#e6e9ec", "Other districts")], "Districts"
        note = "Spending per head of every district is shown for the real count only."
    if year and place.year != year:
        note += f" The report's year, {place.year}, is councils' outturn: the map shows the top-down count of {year}."
    shapes = []
    for path, fill, row, value in zip(paths, fills, lads.itertuples(), values, strict=True):
        tip = [str(row.lad_name), str(row.lad_code)]
        if np.isfinite(value):
            tip.append(f"Top-down per head {year}: {_gbp(value)}")
        if row.lad_code in codes:
            tip.append(f"In {place.name}")
        shapes.append(Shape(path, fill, tip, str(row.lad_code)))
    marks = [p for p, code in zip(paths, lads["lad_code"], strict=True) if code in codes]
    block = render(
        shapes,
        bounds=bounds,
        unit=unit,
        title=f"{place.name} in England: its {len(codes)} district{'s' if len(codes) != 1 else ''} of 326",
        legend_title=legend_title,
        legend=legend,
        marks=marks,
        note=f"{note} Hover a district; zoom and drag as on the ward map. {place.attribution}",
        label=f"Map of England's districts with {place.name}",
        extra_legend=[_outline_legend(f"{place.name}", OUTLINE, 2.5)],
        mark_colour=OUTLINE,
    )
    shown = [None if not np.isfinite(v) else float(v) for v in values]
    return WebMap(block, {"lads": list(lads["lad_code"]), "values": shown})


class MapNote(str):
    """A sentence shown in place of a map (a place with no district of England, no boundaries to draw).

    Examples
    --------
    >>> MapNote("No map of England: no file.")._repr_html_()
    "<p style='color:#555'>No map of England: no file.</p>"
    """

    def _repr_html_(self) -> str:
        return f"<p style='color:#555'>{html.escape(self)}</p>"


# --------------------------------------------------------------------------- every place run


def places_map(places: Sequence[dict], england: Callable[[], EnglandShapes | None] | None = None) -> str:
    """Interactive maps of every place's wards (each place's ``web_map.json``), or "" when none has wards.

    Like is classed with like: one map for each year and kind of count
    (a real count of councils' books and the rest modelled, a top-down one,
    a spend file, the synthetic demo), its wards classed together by spend
    per head (quantiles, the house classifier). ``england``, a function
    that returns England's districts (:func:`england_shapes`) or None, called
    only when a real place is shown, draws them behind the places.
    Hover a ward for its place, £, per head and income deprivation.
    """
    places = [p for p in places if p.get("wards")]
    if not places:
        return ""
    groups: dict[tuple[str, str], list[dict]] = {}
    for place in places:
        kind = place.get("count") or place.get("spend", "")
        groups.setdefault((str(place.get("year", "")), str(kind)), []).append(place)
    real = any(p.get("spend") != "synthetic" for p in places)
    outline = england() if (england is not None and real) else None
    blocks = [
        _places_map(group, f"{year}, {kind}" if year else kind, outline)
        for (year, kind), group in sorted(groups.items())
    ]
    script = f"<script>{MAP_SCRIPT}</script>"  # one copy on the page: it readies every map
    return "\n".join([*(block.replace(script, "") for block in blocks[:-1]), blocks[-1]])


def _places_map(places: list[dict], what: str, england: EnglandShapes | None) -> str:
    """One map of ``places`` (all of one year and kind of count)."""
    # Each place's paths are relative to its own origin, in its own unit: put them all on one 50 m grid.
    rows, boxes = [], []
    for place in places:
        ox, oy = place["origin"]
        unit = float(place["unit_m"])
        for ward in place["wards"]:
            rows.append((place, ward, ox, oy, unit))
    minx = min(p["origin"][0] for p in places)
    maxy = max(p["origin"][1] for p in places)
    with_england = england is not None and not any(p.get("spend") == "synthetic" for p in places)
    if with_england:  # the map's top-left corner is England's, so that the places sit where they are in it
        minx, maxy = min(minx, england.bounds[0]), max(maxy, england.bounds[3])
    unit = 50.0
    paths = []
    for _place, ward, ox, oy, u in rows:
        paths.append(_shift_path(ward["path"], (ox - minx) / unit, (maxy - oy) / unit, u / unit))
        boxes.append(_path_box(paths[-1]))
    box = np.array(boxes)
    owners = np.array([place["slug"] for place, *_ in rows])
    buttons = ["<b style='margin-top:10px'>Zoom to a place</b>"]
    for place in places:
        mine = box[owners == place["slug"]]
        x0, y0, x1, y1 = np.nanmin(mine[:, 0]), np.nanmin(mine[:, 1]), np.nanmax(mine[:, 2]), np.nanmax(mine[:, 3])
        pad = 0.08 * max(x1 - x0, y1 - y0, 1)
        view = f"{x0 - pad:.0f} {y0 - pad:.0f} {x1 - x0 + 2 * pad:.0f} {y1 - y0 + 2 * pad:.0f}"
        buttons.append(f"<button type='button' data-view='{view}'>{html.escape(place['name'])}</button>")
    per_head = np.array([np.nan if w["per_head_gbp"] is None else w["per_head_gbp"] for _, w, *_ in rows])
    fills, legend = _classes(per_head, "quantiles", 7)
    shapes = []
    for path, fill, (place, ward, *_) in zip(paths, fills, rows, strict=True):
        share = ward.get("income_deprived_share")
        shapes.append(
            Shape(
                path,
                fill,
                [
                    ward["name"],
                    f"{ward['lad_name']}, {place['name']}",
                    f"Spending: {_gbp(ward['amount_gbp'])}",
                    f"Per head: {_gbp(ward['per_head_gbp'] if ward['per_head_gbp'] is not None else float('nan'))}",
                    f"Income-deprived: {'–' if share is None else f'{100 * share:.0f}% of people'}",
                ],
                f"{place['slug']}:{ward['code']}",
            )
        )
    width = float(np.nanmax(box[:, 2])) * unit
    height = float(np.nanmax(box[:, 3])) * unit
    bounds = (0.0, -height, width, 0.0)
    synthetic = [p["name"] for p in places if p.get("spend") == "synthetic"]
    note = "Hover a ward; zoom with the wheel, the buttons or a double click, drag to move."
    if synthetic:
        note += f" {', '.join(synthetic)}: synthetic, generated figures."
    behind = []
    if with_england:
        _, outline, england_bounds, england_unit = england
        # England's paths are relative to its own top-left corner, in its own unit: onto this map's grid.
        dx, dy = (england_bounds[0] - minx) / unit, (maxy - england_bounds[3]) / unit
        behind = [_shift_path(path, dx, dy, england_unit / unit) for path in outline]
        width = max(width, england_bounds[2] - minx)
        height = max(height, maxy - england_bounds[1])
        bounds = (0.0, -height, width, 0.0)
        note += " England's districts of 2013 drawn behind the places: zoom to a place with its button."
    return render(
        shapes,
        bounds=bounds,
        unit=unit,
        background=behind,
        title=f"Every place run, {what}: spending per head by ward ({len(places)} "
        f"place{'' if len(places) == 1 else 's'})",
        legend_title="£ per head (quantiles)",
        legend=legend,
        note=note,
        label="Interactive map of every place run",
        extra_legend=buttons,
    )


def _shift_path(path: str, dx: float, dy: float, scale: float) -> str:
    """A path of integer points moved by (dx, dy) after scaling (all in the target unit)."""
    out = []

    def flush_pair(pair: str) -> str:
        x, y = pair.split(",")
        return f"{round(int(x) * scale + dx)},{round(int(y) * scale + dy)}"

    for ring in path.split("M")[1:]:
        closed = ring.endswith("Z")
        points = ring.rstrip("Z").split(" ")
        out.append("M" + " ".join(flush_pair(p) for p in points if p) + ("Z" if closed else ""))
    return "".join(out)


def _path_box(path: str) -> tuple[float, float, float, float]:
    numbers = [int(n) for n in path.replace("M", " ").replace("Z", " ").replace(",", " ").split()]
    xs, ys = numbers[0::2], numbers[1::2]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (np.nan, np.nan, np.nan, np.nan)
