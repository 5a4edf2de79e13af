"""Labels on a ward map: focus wards named beside the map with leader lines, districts named, none overlapping.

The map's frame in inches and data units (:class:`MapLayout`) and the text
measures the labels are placed by live here too; :mod:`tuttotal.figures.cartography`
and :mod:`tuttotal.figures.maps` place their marks with them.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.figures.style import (
    FOCUS_EDGE,
    TEXT_DARK,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase


__all__ = [
    "MAP_LABEL_PT",
    "MapLayout",
    "aligned_rect",
    "data_per_pixel",
    "label_districts",
    "label_focus",
    "rect_polygon",
    "text_size",
]

MAP_LABEL_PT = 9  # focus ward and district labels

# --------------------------------------------------------------------------- geometry helpers


def rect_polygon(x0: float, y0: float, x1: float, y1: float):
    from shapely.geometry import box

    return box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def text_size(ax: Axes, renderer: RendererBase, text: str, pad_pt: float = 0.0, **props) -> tuple:
    """Width and height of ``text`` in data units (plus ``pad_pt`` on each side)."""
    artist = ax.text(0, 0, text, **props)
    extent = artist.get_window_extent(renderer)
    artist.remove()
    scale_x, scale_y = data_per_pixel(ax)
    pad_px = pad_pt * ax.figure.dpi / 72
    return (extent.width + 2 * pad_px) * scale_x, (extent.height + 2 * pad_px) * scale_y


def data_per_pixel(ax: Axes) -> tuple[float, float]:
    box = ax.get_window_extent()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    return (x1 - x0) / box.width, (y1 - y0) / box.height


def aligned_rect(x: float, y: float, w: float, h: float, ha: str, va: str):
    x0 = {"left": x, "right": x - w, "center": x - w / 2}[ha]
    y0 = {"bottom": y, "top": y - h, "center": y - h / 2}[va]
    return rect_polygon(x0, y0, x0 + w, y0 + h)


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
        self.frame = rect_polygon(x0 + inset, y0 + inset, x1 - inset, y1 - inset)
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
            "tl": rect_polygon(x0 + m, y1 - m - h, x0 + m + w, y1 - m),
            "tr": rect_polygon(x1 - m - w, y1 - m - h, x1 - m, y1 - m),
            "bl": rect_polygon(x0 + m, y0 + m, x0 + m + w, y0 + m + h),
            "br": rect_polygon(x1 - m - w, y0 + m, x1 - m, y0 + m + h),
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


def label_focus(
    ax: Axes,
    renderer: RendererBase,
    layout: MapLayout,
    focus_rows,
    all_focus,
    fontsize: float = MAP_LABEL_PT,
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
        w, h = text_size(ax, renderer, name, pad_pt=4, **props)
        px, py = anchor.x, anchor.y
        out = np.array([px - cx, py - cy])
        out = out / (np.hypot(*out) or 1.0)
        found = []
        others = [o.geometry for o in focus_rows if str(o.ward_code) != str(row.ward_code)]
        inside = aligned_rect(px, py, w, h, "center", "center")
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
                rect = aligned_rect(qx, qy, w, h, ha, va)
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
            rect = aligned_rect(qx, qy, w, h, ha, "center")
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


def label_districts(ax: Axes, renderer: RendererBase, layout: MapLayout, lads, avoid=None) -> None:
    """District names in small grey type where they fit, clear of focus labels."""
    import matplotlib.patheffects as pe

    props = {"fontsize": 8, "color": "#2a2a2a", "fontstyle": "italic"}
    halo = [pe.withStroke(linewidth=2.2, foreground="white")]
    placed = []
    # Larger districts first: they have room; small ones are skipped if they would collide.
    for row in lads.sort_values("area", ascending=False).itertuples():
        name = str(row.lad_name)
        wrapped = textwrap.fill(name, 14)
        w, h = text_size(ax, renderer, wrapped, pad_pt=1, linespacing=1.0, **props)
        points = _inner_points(row.geometry)
        # Best inside the district, clear of its boundary; else anywhere clear near its middle.
        for point, inside_only in [(p, True) for p in points] + [(p, False) for p in points[:5]]:
            rect = aligned_rect(point.x, point.y, w, h, "center", "center")
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
