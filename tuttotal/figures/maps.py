"""Ward choropleth maps for reports: classed £ values, districts, focus wards.

:func:`ward_map` draws one value per ward (in pounds) as a classed
choropleth on British National Grid, north up, with the legend outside the
map, district (LAD) boundaries, focus wards outlined and labelled with
leader lines, a scale bar, and notes and attribution as a footer.
:func:`save_figure` (from :mod:`tuttotal.figures.canvas`) writes any figure of this package as a PNG.

Figures are :class:`ReportFigure` objects (a :class:`matplotlib.figure.Figure`
with a PNG representation) built without pyplot's global state: they draw
headless (CI, papermill) and, in a notebook, a figure shows itself when it
is the cell's last expression, whether or not pyplot was imported.

Examples
--------
>>> from tuttotal.data import place_wards, geography, places  # doctest: +SKIP
>>> from tuttotal.figures import maps  # doctest: +SKIP
>>> wards = place_wards.load_place_wards(
...     places.get_place("kent"), "../shared/data/wards-2013"
... )  # doctest: +SKIP
>>> wards["per_head"] = 7000.0  # doctest: +SKIP
>>> fig = maps.ward_map(
...     wards, "per_head",
...     title="Kent: public spending per head by ward, 2008-09",
...     measure="£ per head", focus=["E05005093", "E05005088"],
...     stamp="ILLUSTRATIVE",
... )  # doctest: +SKIP
>>> maps.save_figure(fig, "/tmp/figs/kent.png")  # doctest: +SKIP
PosixPath('/tmp/figs/kent.png')
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from tuttotal.data.geography import BRITISH_NATIONAL_GRID, find_ward
from tuttotal.figures.canvas import ReportFigure, new_figure, save_figure
from tuttotal.figures.classify import SCHEMES, class_labels, classify, money_labels
from tuttotal.figures.style import (
    ATTRIBUTION_PT,
    CMAP,
    FOCUS_EDGE,
    LAD_EDGE,
    LEGEND_PT,
    MAP_TITLE_PT,
    NO_DATA_COLOUR,
    NOTE_PT,
    STAMP_BOX,
    STAMP_TEXT,
    TEXT_DARK,
    TEXT_MUTED,
    WARD_EDGE,
    basis_split_labels,
    class_colours,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase

__all__ = ["SCHEMES", "ReportFigure", "money_labels", "new_figure", "save_figure", "ward_map"]

_TITLE_PT = MAP_TITLE_PT
_NOTE_PT = NOTE_PT
_ATTRIBUTION_PT = ATTRIBUTION_PT
_LEGEND_PT = LEGEND_PT
_LABEL_PT = 9
_LEGEND_WIDTH_IN = 2.55  # room kept right of the map for the legend


# --------------------------------------------------------------------------- colours


# --------------------------------------------------------------------------- geometry helpers


def _rect(x0: float, y0: float, x1: float, y1: float):
    from shapely.geometry import box

    return box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _text_size(ax: Axes, renderer: RendererBase, text: str, pad_pt: float = 0.0, **props) -> tuple:
    """Width and height of ``text`` in data units (plus ``pad_pt`` on each side)."""
    artist = ax.text(0, 0, text, **props)
    extent = artist.get_window_extent(renderer)
    artist.remove()
    scale_x, scale_y = _data_per_pixel(ax)
    pad_px = pad_pt * ax.figure.dpi / 72
    return (extent.width + 2 * pad_px) * scale_x, (extent.height + 2 * pad_px) * scale_y


def _data_per_pixel(ax: Axes) -> tuple[float, float]:
    box = ax.get_window_extent()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    return (x1 - x0) / box.width, (y1 - y0) / box.height


def _aligned_rect(x: float, y: float, w: float, h: float, ha: str, va: str):
    x0 = {"left": x, "right": x - w, "center": x - w / 2}[ha]
    y0 = {"bottom": y, "top": y - h, "center": y - h / 2}[va]
    return _rect(x0, y0, x0 + w, y0 + h)


class MapLayout:
    """Things already on the map, that later labels and marks must keep clear of."""

    def __init__(self, ax: Axes, land) -> None:
        from shapely.prepared import prep

        self.ax = ax
        self.land = land
        self.land_prepared = prep(land)
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        self.limits = (x0, y0, x1, y1)
        self.span = max(x1 - x0, y1 - y0)
        inset = 0.01 * self.span
        self.frame = _rect(x0 + inset, y0 + inset, x1 - inset, y1 - inset)
        self.taken: list = []  # label boxes and marks
        self.leaders: list = []  # leader line segments

    def land_share(self, rect) -> float:
        if not self.land_prepared.intersects(rect):
            return 0.0
        return self.land.intersection(rect).area / rect.area

    def clear(self, rect, gap: float = 0.0) -> bool:
        if not self.frame.contains(rect):
            return False
        grown = rect.buffer(gap) if gap else rect
        return not any(grown.intersects(other) for other in self.taken) and not any(
            grown.intersects(line) for line in self.leaders
        )

    def corner(self, w: float, h: float, order: Sequence[str] = ("tl", "tr", "bl", "br")) -> tuple | None:
        """The free corner least covered by land for a ``w`` x ``h`` box: (corner, rect)."""
        x0, y0, x1, y1 = self.limits
        m = 0.02 * self.span
        places = {
            "tl": _rect(x0 + m, y1 - m - h, x0 + m + w, y1 - m),
            "tr": _rect(x1 - m - w, y1 - m - h, x1 - m, y1 - m),
            "bl": _rect(x0 + m, y0 + m, x0 + m + w, y0 + m + h),
            "br": _rect(x1 - m - w, y0 + m, x1 - m, y0 + m + h),
        }
        best = None
        for rank, name in enumerate(order):
            rect = places[name]
            if not self.clear(rect):
                continue
            cost = self.land_share(rect) + 0.01 * rank
            if best is None or cost < best[0]:
                best = (cost, name, rect)
        return None if best is None else best[1:]


# --------------------------------------------------------------------------- focus labels


def _label_focus(
    ax: Axes,
    renderer: RendererBase,
    layout: MapLayout,
    focus_rows,
    all_focus,
    fontsize: float = _LABEL_PT,
    inside_ok: bool = False,
) -> None:
    """Label focus wards with their names, offset into open space with leader lines.

    Each label has candidate places around its ward (12 to 24 directions, a
    few distances); a place must lie inside the map, clear of the focus
    wards, of other labels, marks and leader lines. Among those, less land
    covered, a shorter leader and pointing away from the map's centre are
    better. Labels are placed one by one, in every order for up to four
    labels, and the order with the lowest total cost wins.
    """
    from itertools import permutations

    from shapely.geometry import LineString

    props = {"fontsize": fontsize, "fontweight": "bold", "color": TEXT_DARK}
    box_style = {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#9a9a9a", "linewidth": 0.6}
    cx, cy = layout.land.centroid.coords[0]
    gap = 0.004 * layout.span
    focus_union = all_focus.buffer(gap)
    anchors = [row.geometry.representative_point() for row in focus_rows]

    options = []  # per label: [(cost, x, y, ha, va, rect, leader or None)], best first
    for row, anchor in zip(focus_rows, anchors, strict=True):
        name = str(row.ward_name)
        w, h = _text_size(ax, renderer, name, pad_pt=4, **props)
        px, py = anchor.x, anchor.y
        out = np.array([px - cx, py - cy])
        out = out / (np.hypot(*out) or 1.0)
        found = []
        others = [o.geometry for o in focus_rows if str(o.ward_code) != str(row.ward_code)]
        inside = _aligned_rect(px, py, w, h, "center", "center")
        if inside_ok and row.geometry.contains(inside) and layout.clear(inside):
            found.append((0.0, px, py, "center", "center", inside, None))
        for radius in ((0.04,) if inside_ok else ()) + (0.06, 0.09, 0.13, 0.18, 0.24, 0.3):
            r = radius * layout.span
            for degrees in range(0, 360, 15):
                a = math.radians(degrees)
                c, s = math.cos(a), math.sin(a)
                ha = "left" if c > 0.3 else "right" if c < -0.3 else "center"
                va = "bottom" if s > 0.3 else "top" if s < -0.3 else "center"
                qx, qy = px + r * c, py + r * s
                rect = _aligned_rect(qx, qy, w, h, ha, va)
                leader = LineString([(px, py), (qx, qy)])
                if not layout.clear(rect, gap=gap) or rect.intersects(focus_union):
                    continue
                if any(leader.intersects(line) for line in layout.leaders) or any(
                    leader.intersects(other) for other in layout.taken
                ):
                    continue
                if any(p.distance(rect) < 0.01 * layout.span for p in anchors):
                    continue
                if any(leader.intersects(g) for g in others):  # a leader across another focus ward
                    continue
                away = (1 - (c * out[0] + s * out[1])) / 2  # 0 pointing away from the centre, 1 towards
                cost = 4.0 * layout.land_share(rect) + 1.5 * radius + 0.4 * away
                found.append((cost, qx, qy, ha, va, rect, leader))
        if not found:  # nowhere free: straight out from the ward, kept inside the map
            x0, y0, x1, y1 = layout.frame.bounds
            r = 0.06 * layout.span
            qx = min(max(px + r * out[0], x0 + w), x1 - w)
            qy = min(max(py + r * out[1], y0 + h), y1 - h)
            ha = "left" if qx >= px else "right"
            rect = _aligned_rect(qx, qy, w, h, ha, "center")
            found.append((50.0, qx, qy, ha, "center", rect, LineString([(px, py), (qx, qy)])))
        options.append(sorted(found, key=lambda o: o[0]))

    def angle(leader) -> float:
        (x0, y0), (x1, y1) = leader.coords
        return math.atan2(y1 - y0, x1 - x0)

    def fanned(leader, others) -> float:
        """Penalty for leaders leaving in nearly the same direction: hard to tell apart."""
        penalty = 0.0
        for other in others:
            if leader is None or other[6] is None:
                continue
            turn = abs((angle(leader) - angle(other[6]) + math.pi) % (2 * math.pi) - math.pi)
            if turn < math.radians(40):
                penalty += 0.6 * (1 - turn / math.radians(40))
        return penalty

    def conflicts(option, chosen) -> int:
        rect, leader = option[5], option[6]
        grown = rect.buffer(gap)
        return sum(
            grown.intersects(other[5])
            or (
                leader is not None
                and (leader.intersects(other[5]) or (other[6] is not None and leader.intersects(other[6])))
            )
            or (other[6] is not None and other[6].intersects(rect))
            for other in chosen
        )

    def place(order):
        chosen: dict[int, tuple] = {}
        total = 0.0
        for i in order:
            best = None
            for option in options[i]:
                if best is not None and option[0] >= best[0]:
                    break  # options are sorted by cost: no cheaper one to come
                if conflicts(option, chosen.values()):
                    continue
                cost = option[0] + fanned(option[6], chosen.values())
                if best is None or cost < best[0]:
                    best = (cost, option)
            if best is None:  # every place collides: take the one that collides least
                clashes, fewest = min(
                    ((conflicts(o, chosen.values()), o) for o in options[i]), key=lambda c: (c[0], c[1][0])
                )
                chosen[i] = fewest
                total += 100.0 * clashes + fewest[0]
            else:
                chosen[i] = best[1]
                total += best[0]
        return total, chosen

    n = len(options)
    if n <= 4:
        orders = list(permutations(range(n)))
    else:  # too many orders to try them all: a few natural ones
        xs = [p.x for p in anchors]
        ys = [p.y for p in anchors]
        orders = [
            tuple(range(n)),
            tuple(reversed(range(n))),
            tuple(sorted(range(n), key=xs.__getitem__)),
            tuple(sorted(range(n), key=ys.__getitem__, reverse=True)),
            tuple(sorted(range(n), key=lambda i: len(options[i]))),  # most constrained first
        ]
    _, chosen = min((place(order) for order in orders), key=lambda result: result[0])

    for i, row in enumerate(focus_rows):
        _, qx, qy, ha, va, rect, leader = chosen[i]
        px, py = anchors[i].x, anchors[i].y
        if leader is None:
            ax.text(qx, qy, str(row.ward_name), ha=ha, va=va, bbox=box_style, zorder=6, gid="focus-label", **props)
        else:
            ax.annotate(
                str(row.ward_name),
                xy=(px, py),
                xytext=(qx, qy),
                ha=ha,
                va=va,
                bbox=box_style,
                arrowprops={"arrowstyle": "-", "color": "#333333", "linewidth": 0.8, "shrinkA": 0, "shrinkB": 0},
                zorder=6,
                gid="focus-label",
                **props,
            )
            ax.plot([px], [py], marker="o", markersize=3, color=FOCUS_EDGE, zorder=7)
            layout.leaders.append(leader)
        layout.taken.append(rect)


def _label_districts(ax: Axes, renderer: RendererBase, layout: MapLayout, lads, avoid=None) -> None:
    """District names in small grey type where they fit, clear of focus labels."""
    import matplotlib.patheffects as pe

    props = {"fontsize": 8, "color": "#2a2a2a", "fontstyle": "italic"}
    halo = [pe.withStroke(linewidth=2.2, foreground="white")]
    placed = []
    # Larger districts first: they have room; small ones are skipped if they would collide.
    for row in lads.sort_values("area", ascending=False).itertuples():
        name = str(row.lad_name)
        wrapped = textwrap.fill(name, 14)
        w, h = _text_size(ax, renderer, wrapped, pad_pt=1, linespacing=1.0, **props)
        points = _inner_points(row.geometry)
        # Best inside the district, clear of its boundary; else anywhere clear near its middle.
        for point, inside_only in [(p, True) for p in points] + [(p, False) for p in points[:5]]:
            rect = _aligned_rect(point.x, point.y, w, h, "center", "center")
            if inside_only and not row.geometry.contains(rect):
                continue
            if avoid is not None and rect.intersects(avoid):  # not across a focus ward's outline
                continue
            if layout.clear(rect) and not any(rect.intersects(p) for p in placed):
                ax.text(
                    point.x,
                    point.y,
                    wrapped,
                    ha="center",
                    va="center",
                    linespacing=1.0,
                    path_effects=halo,
                    zorder=4,
                    gid="district-label",
                    **props,
                )
                placed.append(rect)
                break
    layout.taken.extend(placed)


def _inner_points(geometry, n: int = 7) -> list:
    """Points inside ``geometry`` to try a label at: the most central first, then a grid by distance."""
    from shapely.geometry import Point

    first = geometry.representative_point()
    x0, y0, x1, y1 = geometry.bounds
    grid = [Point(x, y) for x in np.linspace(x0, x1, n + 2)[1:-1] for y in np.linspace(y0, y1, n + 2)[1:-1]]
    inside = [p for p in grid if geometry.contains(p)]
    return [first, *sorted(inside, key=first.distance)]


# --------------------------------------------------------------------------- marks


def _nice_length(target: float) -> float:
    """The 1-2-5 number of metres nearest below ``target``."""
    exponent = math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * 10**exponent <= target:
            return step * 10**exponent
    return 10**exponent


def _draw_stamp(ax: Axes, renderer: RendererBase, layout: MapLayout, stamp: str) -> None:
    props = dict(STAMP_TEXT)
    w, h = _text_size(ax, renderer, stamp, pad_pt=5, **props)
    found = layout.corner(w, h, order=("tl", "tr", "bl", "br"))
    if found is None:
        rect = None
        x0, _, _, y1 = layout.limits
        x, y = x0 + 0.02 * layout.span, y1 - 0.02 * layout.span
    else:
        _, rect = found
        x, y = rect.bounds[0], rect.bounds[3]
    ax.text(
        x + w / 2,
        y - h / 2,
        stamp,
        ha="center",
        va="center",
        bbox={**STAMP_BOX, "alpha": 0.9},
        zorder=8,
        gid="stamp",
        **props,
    )
    if rect is not None:
        layout.taken.append(rect)


def draw_scale_bar(ax: Axes, renderer: RendererBase, layout: MapLayout) -> None:
    from matplotlib.patches import FancyArrow, Rectangle

    x0, _, x1, _ = layout.limits
    length = _nice_length((x1 - x0) / 6)
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    props = {"fontsize": 8, "color": TEXT_DARK}
    tw, th = _text_size(ax, renderer, label, **props)
    nw, nh = _text_size(ax, renderer, "N", fontweight="bold", **props)
    bar_h = 0.006 * layout.span
    arrow_h = 0.045 * layout.span
    gap = 0.012 * layout.span
    w = length + tw / 2 + gap + max(nw, arrow_h * 0.35)
    h = max(th + bar_h * 2.5, arrow_h + nh)
    found = layout.corner(w, h, order=("bl", "br", "tl", "tr"))
    if found is None:
        return
    _, rect = found
    bx, by, _, _ = rect.bounds
    half = length / 2
    for i, colour in enumerate((TEXT_DARK, "white")):
        ax.add_patch(
            Rectangle((bx + i * half, by), half, bar_h, facecolor=colour, edgecolor=TEXT_DARK, linewidth=0.6, zorder=7)
        )
    ax.text(bx, by + bar_h * 1.6, "0", ha="center", va="bottom", zorder=7, **props)
    ax.text(bx + length, by + bar_h * 1.6, label, ha="center", va="bottom", zorder=7, **props)
    nx = bx + length + tw / 2 + gap + max(nw, arrow_h * 0.35) / 2
    ax.add_patch(
        FancyArrow(
            nx,
            by,
            0,
            arrow_h,
            width=arrow_h * 0.08,
            head_width=arrow_h * 0.3,
            head_length=arrow_h * 0.35,
            length_includes_head=True,
            facecolor=TEXT_DARK,
            edgecolor="none",
            zorder=7,
        )
    )
    ax.text(nx, by + arrow_h, "N", ha="center", va="bottom", fontweight="bold", zorder=7, **props)
    layout.taken.append(_rect(bx - tw / 2, by, bx + w, by + h))


# --------------------------------------------------------------------------- figure layout


def wrap_lines(lines: Sequence[str], width_in: float, points: float) -> list[str]:
    chars = max(20, int(width_in * 72 / (0.55 * points)))
    wrapped: list[str] = []
    for line in lines:
        wrapped.extend(textwrap.wrap(str(line), chars) or [""])
    return wrapped


def map_extent(
    bounds: Sequence[float], avail_w: float, avail_h: float
) -> tuple[tuple[float, float, float, float], float, float]:
    """Map limits and the map's box (inches) in the room available, keeping equal aspect."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    size = max(maxx - minx, maxy - miny, 1.0)
    pad = 0.06 * size
    lo_x, hi_x = minx - pad, maxx + pad
    lo_y, hi_y = miny - pad, maxy + pad
    aspect = (hi_y - lo_y) / (hi_x - lo_x)
    box_w = min(avail_w, avail_h / aspect)
    box_h = box_w * aspect
    # A flat place leaves room above and below: take a little of it, for labels and marks.
    if box_h < 0.8 * avail_h:
        box_h = min(avail_h, box_h * 1.15)
        grow = (box_h / box_w * (hi_x - lo_x) - (hi_y - lo_y)) / 2
        lo_y, hi_y = lo_y - grow, hi_y + grow
    return (lo_x, lo_y, hi_x, hi_y), box_w, box_h


def set_limits(ax: Axes, limits: Sequence[float]) -> None:
    ax.set_xlim(limits[0], limits[2])
    ax.set_ylim(limits[1], limits[3])
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_axis_off()
    ax.apply_aspect()


def _draw_wards(ax: Axes, frame, fill, lads, focus_frame, focus_width: float) -> None:
    frame.plot(ax=ax, color=fill, edgecolor=WARD_EDGE, linewidth=0.3, zorder=1)
    lads.boundary.plot(ax=ax, color=LAD_EDGE, linewidth=0.9, zorder=3)
    if focus_frame is not None:
        focus_frame.plot(ax=ax, facecolor="none", edgecolor=FOCUS_EDGE, linewidth=focus_width, zorder=5)


def _inset_extent(focus_frame, bounds: Sequence[float]) -> tuple[float, float, float, float] | None:
    """A square around the focus wards when they are too small to see on the whole map."""
    fx0, fy0, fx1, fy1 = focus_frame.total_bounds
    minx, miny, maxx, maxy = bounds
    size = max(maxx - minx, maxy - miny)
    focus_size = max(fx1 - fx0, fy1 - fy0)
    if focus_size > 0.08 * size:
        return None
    half = max(focus_size * 1.0, 600.0)
    cx, cy = (fx0 + fx1) / 2, (fy0 + fy1) / 2
    return (cx - half, cy - half, cx + half, cy + half)


def _draw_inset(ax: Axes, renderer: RendererBase, frame, fill, lads, focus_frame, extent, position) -> None:
    """A detail map of the focus wards at ``position`` (figure fraction), its extent boxed on the map."""
    from matplotlib.patches import Rectangle

    fig = ax.figure
    inset = fig.add_axes(position, label="inset")
    near = frame.cx[extent[0] : extent[2], extent[1] : extent[3]]
    near_fill = fill[near.index.to_numpy()]
    near_lads = lads.cx[extent[0] : extent[2], extent[1] : extent[3]]
    _draw_wards(inset, near, near_fill, near_lads, focus_frame, focus_width=1.8)
    inset.set_xlim(extent[0], extent[2])
    inset.set_ylim(extent[1], extent[3])
    inset.set_aspect("equal", adjustable="datalim")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    inset.set_facecolor("white")
    for spine in inset.spines.values():
        spine.set_edgecolor("#555555")
        spine.set_linewidth(0.8)
    inset.set_title("Detail (boxed on the map)", loc="left", fontsize=_LEGEND_PT, color=TEXT_DARK, pad=4)
    inset.apply_aspect()
    # Names inside the detail: same rules as on the map, on the detail's own scale.
    inset_layout = MapLayout(inset, near.geometry.union_all())
    _label_focus(
        inset,
        renderer,
        inset_layout,
        list(focus_frame.itertuples()),
        focus_frame.geometry.union_all(),
        fontsize=_LABEL_PT - 1,
        inside_ok=True,
    )
    ex0, ey0, ex1, ey1 = extent
    ax.add_patch(
        Rectangle((ex0, ey0), ex1 - ex0, ey1 - ey0, facecolor="none", edgecolor="#555555", linewidth=0.8, zorder=6)
    )


def class_legend(
    ax: Axes,
    colours: Sequence,
    labels: Sequence[str],
    title: str,
    *,
    missing_label: str | None = None,
    labelspacing: float = 0.45,
):
    """A choropleth's legend right of the map: a swatch a class (then "no data" when ``missing_label``
    is given), the title in bold. Shared by :func:`ward_map` and
    :func:`tuttotal.figures.england_maps.england_map`; returns the legend.
    """
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="#8a8a8a", linewidth=0.4) for c in colours]
    labels = list(labels)
    if missing_label is not None:
        handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="#8a8a8a", linewidth=0.4))
        labels.append(missing_label)
    legend = ax.legend(
        handles,
        labels,
        title=title,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        frameon=False,
        fontsize=_LEGEND_PT,
        title_fontsize=_LEGEND_PT + 0.5,
        handlelength=1.6,
        handleheight=1.1,
        labelspacing=labelspacing,
        borderaxespad=0,
        alignment="left",
    )
    legend.get_title().set_fontweight("bold")
    return legend


def _basis_legend(ax: Axes, basis: tuple[float, float]):
    """The mapped money by basis, in words under a bold title (no swatches: the map does not hatch)."""
    from matplotlib.patches import Patch

    labels = basis_split_labels(float(basis[0]), float(basis[1]))
    legend = ax.legend(
        [Patch(visible=False) for _ in labels],
        labels,
        title="Measured or modelled",
        loc="upper left",
        frameon=False,
        fontsize=_LEGEND_PT,
        title_fontsize=_LEGEND_PT + 0.5,
        handlelength=0,
        handletextpad=0,
        borderaxespad=0,
        alignment="left",
    )
    legend.get_title().set_fontweight("bold")
    legend.set_gid("basis")
    return legend


def draw_title_and_footer(
    fig: Figure,
    *,
    left_in: float,
    title_top_in: float,
    footer_top_in: float,
    title_lines: Sequence[str],
    note_lines: Sequence[str],
    attribution_lines: Sequence[str],
) -> None:
    """A map's title (bold, at the top) and footer (notes, then attribution, under the map), in inches.

    The lines are wrapped already; the texts keep the ``gid`` ``title``, ``notes`` and
    ``attribution``. Shared by :func:`ward_map` and :func:`tuttotal.figures.england_maps.england_map`.
    """
    fig_w, fig_h = fig.get_size_inches()
    fig.text(
        left_in / fig_w,
        title_top_in / fig_h,
        "\n".join(title_lines),
        ha="left",
        va="top",
        fontsize=_TITLE_PT,
        fontweight="bold",
        color=TEXT_DARK,
        gid="title",
    )
    y = footer_top_in / fig_h
    if note_lines:
        fig.text(
            left_in / fig_w,
            y,
            "\n".join(note_lines),
            ha="left",
            va="top",
            fontsize=_NOTE_PT,
            color="#333333",
            linespacing=1.35,
            gid="notes",
        )
        y -= len(note_lines) * _NOTE_PT * 1.4 / 72 / fig_h
    if attribution_lines:
        fig.text(
            left_in / fig_w,
            y - 0.04 / fig_h,
            "\n".join(attribution_lines),
            ha="left",
            va="top",
            fontsize=_ATTRIBUTION_PT,
            color=TEXT_MUTED,
            linespacing=1.3,
            gid="attribution",
        )


def ward_map(
    wards: gpd.GeoDataFrame,
    column: str,
    *,
    title: str,
    measure: str,
    focus: Sequence[str] = (),
    scheme: str = "quantiles",
    k: int = 5,
    notes: Sequence[str] = (),
    attribution: str = "",
    stamp: str | None = None,
    figsize: tuple[float, float] = (10, 8),
    value_format: str = "gbp",
    cmap: str = CMAP,
    basis: tuple[float, float] | None = None,
) -> Figure:
    """Choropleth of a £ value (or a share) per ward, ready for a report.

    Wards are filled by class of ``column`` (a sequential palette; grey for
    no data), with thin white ward edges, darker district (LAD) boundaries,
    focus wards outlined and labelled with leader lines, a scale bar and
    north arrow, and the legend outside the map, on its right. The map is
    drawn in British National Grid as is: north up, equal aspect, no axes.

    Parameters
    ----------
    wards : geopandas.GeoDataFrame
        The ward contract (``ward_code, ward_name, lad_code, lad_name,
        geometry``) plus ``column``, in EPSG:27700 (other CRSs are
        reprojected to it; no CRS is taken as EPSG:27700).
    column : str
        The value to map, in pounds. Missing or non-finite values are drawn
        grey and counted as "No data" in the legend.
    title : str
        Title naming place, measure and year, e.g.
        ``"Kent: public spending per head by ward, 2008-09"``.
    measure : str
        What the values are, for the legend title, e.g. ``"£ per head"``.
    focus : sequence of str
        Ward codes (or names, as :func:`tuttotal.data.geography.find_ward`
        takes them) to outline and label.
    scheme : str
        ``"quantiles"``, ``"naturalbreaks"`` (Fisher-Jenks, deterministic)
        or ``"equalinterval"``; see :data:`SCHEMES`.
    k : int
        Number of classes wanted; fewer are drawn when the values have
        fewer distinct amounts (or tie at quantile breaks). The legend title
        gives the number drawn.
    notes : sequence of str
        Footer lines (caveats, definitions), wrapped to the figure width.
    attribution : str
        Data attribution, printed small under the notes.
    stamp : str, optional
        A mark such as ``"ILLUSTRATIVE"`` or ``"SYNTHETIC"``, boxed in a
        corner of the map that is clear of land and labels.
    figsize : (float, float)
        Figure size in inches; the map keeps its shape inside it, and
        :func:`save_figure` trims the blank margin.
    value_format : str
        ``"gbp"`` (pounds, the default) or ``"percent"`` (shares from 0 to
        1, such as income deprivation) for the legend's bounds.
    cmap : str
        A sequential matplotlib colour map; deprivation maps use ``"OrRd"``
        so that they are not mistaken for money.
    basis : (float, float), optional
        The mapped money's measured and modelled pounds (a body's own books;
        a region's money shared by driver). A choropleth cannot hatch a
        share, so a legend under the key gives both with their shares,
        ``measured £312m (24%)`` and ``modelled £1.01bn (76%)``.

    Returns
    -------
    matplotlib.figure.Figure
        The map axes is ``fig.axes[0]``; its ``get_legend()`` is the class
        legend; with ``basis``, the legend of the money by basis is the
        axes' artist with ``gid="basis"``.

    Raises
    ------
    ValueError
        For no wards, a missing or non-numeric ``column``, an unknown
        ``scheme`` or ``k < 1``.
    tuttotal.errors.PlaceNotFoundError
        For a focus ward that is not among ``wards``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> wards = gpd.GeoDataFrame(
    ...     {"ward_code": ["E05000001", "E05000002", "E05000003"],
    ...      "ward_name": ["North", "Middle", "South"],
    ...      "lad_code": ["E07000001"] * 3, "lad_name": ["Somewhere"] * 3,
    ...      "spend": [6_210.0, 7_400.0, 8_120.0]},
    ...     geometry=[box(0, y, 1000, y + 1000) for y in (2000, 1000, 0)], crs=27700,
    ... )
    >>> fig = ward_map(wards, "spend", title="Somewhere: spend per head by ward, 2008-09",
    ...                measure="£ per head", k=2, focus=["E05000001"], stamp="SYNTHETIC")
    >>> fig.axes[0].get_legend().get_title().get_text()
    '£ per head (quantiles, 2 classes)'
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['£6.2k – £7.4k  (2 wards)', '£7.4k – £8.1k  (1 ward)']
    """
    import geopandas as gpd
    import pandas as pd
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if wards is None or len(wards) == 0:
        raise ValueError("there are no wards to map")
    if column not in wards.columns:
        raise ValueError(f"no column {column!r} to map; the columns are {list(wards.columns)}")
    lacking = [c for c in ("ward_code", "ward_name", "lad_code", "lad_name") if c not in wards.columns]
    if lacking:
        raise ValueError(f"the wards lack the column(s) {lacking}; read them with tuttotal.data.geography.read_wards")
    try:
        values = pd.to_numeric(wards[column], errors="raise").astype(float).to_numpy()
    except (TypeError, ValueError):
        raise ValueError(f"column {column!r} must hold numbers (pounds)") from None
    frame = gpd.GeoDataFrame(wards.copy(), geometry=wards.geometry.name)
    if frame.geometry.name != "geometry":
        frame = frame.rename_geometry("geometry")
    if frame.crs is None:
        frame = frame.set_crs(BRITISH_NATIONAL_GRID)
    elif frame.crs.to_epsg() != BRITISH_NATIONAL_GRID:
        frame = frame.to_crs(BRITISH_NATIONAL_GRID)
    frame = frame.reset_index(drop=True)
    values = np.where(np.isfinite(values), values, np.nan)

    bins, classes, scheme_name = classify(values, scheme, k)
    n_classes = len(bins)
    colours = class_colours(n_classes, cmap) if n_classes else []
    fill = np.array([colours[c] if c >= 0 else to_rgba(NO_DATA_COLOUR) for c in classes]).reshape(-1, 4)
    focus_labels = list(dict.fromkeys(find_ward(frame, code).name for code in focus))  # each ward once
    focus_rows = [frame.loc[label] for label in focus_labels]

    # ---- layout, in inches: title, map (keeping its shape), legend on the right, footer.
    fig, renderer = new_figure(figsize)
    fig_w, fig_h = figsize
    margin = 0.15
    title_lines = wrap_lines([title], fig_w - 2 * margin, _TITLE_PT)
    title_h = len(title_lines) * _TITLE_PT * 1.3 / 72 + 0.2
    note_lines = wrap_lines(notes, fig_w - 2 * margin, _NOTE_PT)
    attribution_lines = wrap_lines([attribution], fig_w - 2 * margin, _ATTRIBUTION_PT) if attribution else []
    footer_h = (len(note_lines) * _NOTE_PT + len(attribution_lines) * _ATTRIBUTION_PT) * 1.4 / 72 + 0.15
    avail_w = max(1.0, fig_w - 2 * margin - _LEGEND_WIDTH_IN)
    avail_h = max(1.0, fig_h - margin - title_h - footer_h - margin)
    limits, box_w, box_h = map_extent(frame.total_bounds, avail_w, avail_h)
    left = margin
    top = fig_h - margin - title_h
    ax = fig.add_axes((left / fig_w, (top - box_h) / fig_h, box_w / fig_w, box_h / fig_h), label="map")
    set_limits(ax, limits)

    # ---- the map
    frame["_area"] = frame.geometry.area
    lads = frame.dissolve(by="lad_code", aggfunc={"lad_name": "first", "_area": "sum"}).rename(
        columns={"_area": "area"}
    )
    focus_frame = frame.loc[focus_labels] if focus_rows else None
    size = max(np.ptp(limits[0::2]), np.ptp(limits[1::2]))
    land = lads.geometry.union_all().simplify(0.002 * size)
    layout = MapLayout(ax, land)
    inset_extent = _inset_extent(focus_frame, frame.total_bounds) if focus_rows else None
    _draw_wards(ax, frame, fill, lads, focus_frame, focus_width=0.8 if inset_extent else 1.6)
    set_limits(ax, limits)
    if focus_rows:
        _label_focus(ax, renderer, layout, focus_rows, focus_frame.geometry.union_all())
    if stamp:
        _draw_stamp(ax, renderer, layout, str(stamp))
    draw_scale_bar(ax, renderer, layout)
    if len(lads) > 1:
        outlines = focus_frame.boundary.union_all() if focus_rows else None
        _label_districts(ax, renderer, layout, lads, avoid=outlines)

    # ---- legend, outside the map on its right
    finite = values[np.isfinite(values)]
    one_per_value = n_classes > 1 and np.unique(finite).size == n_classes
    labels = class_labels(bins, values, classes, value_format) if n_classes else []
    missing = int((classes < 0).sum())
    missing_label = f"No data  ({missing} ward{'' if missing == 1 else 's'})" if missing else None
    if n_classes == 0:
        legend_title = f"{measure} (no data)"
    elif len(finite) == 1:
        legend_title = f"{measure} (one ward)"
    elif n_classes == 1 and np.unique(finite).size == 1:
        legend_title = f"{measure} (all wards equal)"
    elif one_per_value:
        legend_title = f"{measure} ({scheme_name}, {n_classes} classes: one per value)"
    else:
        legend_title = f"{measure} ({scheme_name}, {n_classes} class{'' if n_classes == 1 else 'es'})"
    key_handles = [Line2D([], [], color=LAD_EDGE, linewidth=0.9)]
    key_labels = ["District boundary"]
    if focus_rows:
        key_handles.append(Patch(facecolor="none", edgecolor=FOCUS_EDGE, linewidth=1.6))
        key_labels.append("Focus ward")
    key = ax.legend(
        key_handles, key_labels, loc="upper left", frameon=False, fontsize=_LEGEND_PT, handlelength=1.6, borderaxespad=0
    )
    ax.add_artist(key)
    legend = class_legend(ax, colours, labels, legend_title, missing_label=missing_label, labelspacing=0.45)
    # Put the key under the class legend. The map's box takes its final shape (equal aspect) as a
    # draw would give it; the legends' extents then follow without a draw of the whole figure.
    ax.apply_aspect()
    box = legend.get_window_extent(renderer).transformed(ax.transAxes.inverted())
    key.set_bbox_to_anchor((1.02 + 0.0, box.y0 - 0.04), transform=ax.transAxes)
    if basis is not None:
        split = _basis_legend(ax, basis)
        ax.add_artist(split)
        ax.legend_ = legend  # get_legend() stays the class legend
        below = key.get_window_extent(renderer).transformed(ax.transAxes.inverted())
        split.set_bbox_to_anchor((1.02, below.y0 - 0.04), transform=ax.transAxes)
        key = split  # the lowest legend, for the inset below

    # ---- detail of small focus wards, under the key, when there is room
    if inset_extent is not None:
        key_bottom = key.get_window_extent(renderer).y0 / fig.dpi  # inches from the figure's bottom
        map_right = left + box_w
        side = min(2.3, _LEGEND_WIDTH_IN - 0.25, key_bottom - 0.45 - (top - box_h))
        if side >= 1.3:
            x = map_right + 0.02 * box_w
            y = top - box_h
            _draw_inset(
                ax,
                renderer,
                frame,
                fill,
                lads,
                focus_frame,
                inset_extent,
                (x / fig_w, y / fig_h, side / fig_w, side / fig_h),
            )

    # ---- title and footer
    draw_title_and_footer(
        fig,
        left_in=left,
        title_top_in=fig_h - margin,
        footer_top_in=top - box_h - 0.12,
        title_lines=title_lines,
        note_lines=note_lines,
        attribution_lines=attribution_lines,
    )
    return fig
