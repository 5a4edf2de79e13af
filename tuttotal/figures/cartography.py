"""Cartography of a ward map: extent and limits, the wards drawn, a scale bar, the stamp, the inset of small wards.

Shared by the house ward map (:func:`tuttotal.figures.maps.ward_map`) and England's
(:func:`tuttotal.figures.england_maps.england_map`).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tuttotal.figures.map_labels import (
    MAP_LABEL_PT,
    MapLayout,
    label_focus,
    rect_polygon,
    text_size,
)
from tuttotal.figures.style import (
    FOCUS_EDGE,
    LAD_EDGE,
    LEGEND_PT,
    STAMP_BOX,
    STAMP_TEXT,
    TEXT_DARK,
    WARD_EDGE,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase


__all__ = [
    "draw_inset",
    "draw_scale_bar",
    "draw_stamp",
    "draw_wards",
    "inset_extent",
    "map_extent",
    "set_limits",
    "wrap_lines",
]

# --------------------------------------------------------------------------- marks


def _nice_length(target: float) -> float:
    """The 1-2-5 number of metres nearest below ``target``."""
    exponent = math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * 10**exponent <= target:
            return step * 10**exponent
    return 10**exponent


def draw_stamp(ax: Axes, renderer: RendererBase, layout: MapLayout, stamp: str) -> None:
    props = dict(STAMP_TEXT)
    w, h = text_size(ax, renderer, stamp, pad_pt=5, **props)
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
    tw, th = text_size(ax, renderer, label, **props)
    nw, nh = text_size(ax, renderer, "N", fontweight="bold", **props)
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
    layout.taken.append(rect_polygon(bx - tw / 2, by, bx + w, by + h))


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


def draw_wards(ax: Axes, frame, fill, lads, focus_frame, focus_width: float) -> None:
    frame.plot(ax=ax, color=fill, edgecolor=WARD_EDGE, linewidth=0.3, zorder=1)
    lads.boundary.plot(ax=ax, color=LAD_EDGE, linewidth=0.9, zorder=3)
    if focus_frame is not None:
        focus_frame.plot(ax=ax, facecolor="none", edgecolor=FOCUS_EDGE, linewidth=focus_width, zorder=5)


def inset_extent(focus_frame, bounds: Sequence[float]) -> tuple[float, float, float, float] | None:
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


def draw_inset(ax: Axes, renderer: RendererBase, frame, fill, lads, focus_frame, extent, position) -> None:
    """A detail map of the focus wards at ``position`` (figure fraction), its extent boxed on the map."""
    from matplotlib.patches import Rectangle

    fig = ax.figure
    inset = fig.add_axes(position, label="inset")
    near = frame.cx[extent[0] : extent[2], extent[1] : extent[3]]
    near_fill = fill[near.index.to_numpy()]
    near_lads = lads.cx[extent[0] : extent[2], extent[1] : extent[3]]
    draw_wards(inset, near, near_fill, near_lads, focus_frame, focus_width=1.8)
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
    inset.set_title("Detail (boxed on the map)", loc="left", fontsize=LEGEND_PT, color=TEXT_DARK, pad=4)
    inset.apply_aspect()
    # Names inside the detail: same rules as on the map, on the detail's own scale.
    inset_layout = MapLayout(inset, near.geometry.union_all())
    label_focus(
        inset,
        renderer,
        inset_layout,
        list(focus_frame.itertuples()),
        focus_frame.geometry.union_all(),
        fontsize=MAP_LABEL_PT - 1,
        inside_ok=True,
    )
    ex0, ey0, ex1, ey1 = extent
    ax.add_patch(
        Rectangle((ex0, ey0), ex1 - ex0, ey1 - ey0, facecolor="none", edgecolor="#555555", linewidth=0.8, zorder=6)
    )
