"""Charts of England's districts: money per head against need, with a fitted line, and the same by decile.

:func:`need_fit_scatter` draws one point per district (a LAD of 2013) with
the places' districts highlighted, each place as a whole named (a diamond:
its districts weighted by their people), the OLS line with its confidence
band and the correlation in the subtitle. :func:`decile_bars` draws a value
by decile of need. Both draw the tables they are given
(:mod:`tuttotal.england.findings` makes them) in the house furniture of
:mod:`tuttotal.figures.charts`; save them with
:func:`tuttotal.figures.canvas.save_figure`.

Examples
--------
>>> import pandas as pd
>>> areas = pd.DataFrame({"area_name": ["A", "B", "C", "D"], "need": [0.05, 0.1, 0.2, 0.3],
...                       "value": [700.0, 760.0, 900.0, 1000.0], "place": ["", "", "P", ""]})
>>> line = pd.DataFrame({"need": [0.05, 0.3], "fit": [690.0, 1010.0], "low": [650.0, 960.0],
...                      "high": [730.0, 1060.0]})
>>> places = pd.DataFrame({"place_name": ["P"], "need": [0.2], "value": [900.0]})
>>> fig = need_fit_scatter(areas, line, title="Councils' spending per head", measure="£ per head",
...                        places=places, stats={"pearson_r": 0.99, "pearson_p": 0.01, "spearman_rho": 1.0,
...                                              "spearman_p": 0.0, "n": 4, "level": 0.95})
>>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "place-label"]
['P']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.figures.canvas import new_figure
from tuttotal.figures.furniture import draw_header, draw_notes, money_axis, percent_axis, text_blocks
from tuttotal.figures.style import (
    AREA_COLOURS,
    HOUSE_BLUE,
    LABEL_PT,
    LEGEND_PT,
    NEGATIVE_COLOUR,
    POINT_COLOUR,
    STAMP_COLOUR,
    TEXT_DARK,
    TEXT_MUTED,
)
from tuttotal.money import format_gbp

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["correlation_words", "decile_bars", "need_fit_scatter"]

#: Districts of the named places.
PLACE_DISTRICT_COLOUR = AREA_COLOURS[1]
#: The places as a whole, and their names.
PLACE_COLOUR = STAMP_COLOUR
LINE_COLOUR = "#333333"
BAND_COLOUR = "#9a9a9a"
#: A value further than this many interquartile ranges beyond the quartiles is drawn at the axis's edge.
OFF_SCALE_IQR = 15.0


def _p_words(p: float) -> str:
    """``p < 0.001`` or ``p = 0.034``."""
    if not np.isfinite(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def correlation_words(stats: Mapping | pd.Series, unit: str = "districts") -> str:
    """The correlation in one line, for a subtitle: Pearson, Spearman, the line, how many areas.

    Examples
    --------
    >>> correlation_words({"pearson_r": -0.64, "pearson_p": 1e-30, "spearman_rho": -0.67, "spearman_p": 1e-40,
    ...                    "n": 325, "level": 0.95})
    "Pearson's r = -0.64 (p < 0.001), Spearman's ρ = -0.67 (p < 0.001), 325 districts; OLS line, 95% confidence band"
    """
    return (
        f"Pearson's r = {stats['pearson_r']:.2f} ({_p_words(stats['pearson_p'])}), "
        f"Spearman's ρ = {stats['spearman_rho']:.2f} ({_p_words(stats['spearman_p'])}), "
        f"{int(stats['n']):,} {unit}; OLS line, {float(stats.get('level', 0.95)):.0%} confidence band"
    )


def _axis_limits(values: np.ndarray, extra: Sequence[float] = ()) -> tuple[float, float, np.ndarray]:
    """Limits of the value axis, padded, and which values lie beyond them (drawn at the edge)."""
    q1, q3 = np.percentile(values, [25, 75])
    spread = max(q3 - q1, 1e-9)
    low_cut, high_cut = q1 - OFF_SCALE_IQR * spread, q3 + OFF_SCALE_IQR * spread
    off = (values < low_cut) | (values > high_cut)
    inside = np.concatenate([values[~off], np.asarray(extra, dtype=float)])
    lo, hi = float(inside.min()), float(inside.max())
    pad = 0.06 * (hi - lo or abs(hi) or 1.0)
    lo, hi = lo - pad, hi + pad
    if lo > 0 and lo < 0.25 * hi:  # near zero: start at zero
        lo = 0.0
    return lo, hi, off


def _segments_cross(a, b, c, d) -> bool:
    """Whether the segments ab and cd cross (points as (x, y) pixels)."""

    def side(p, q, r) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def _in_box(points: np.ndarray, box: tuple[float, float, float, float], margin: float) -> np.ndarray:
    """Which points (pixels) lie in ``box`` (x0, y0, x1, y1) grown by ``margin``."""
    return (
        (points[:, 0] > box[0] - margin)
        & (points[:, 0] < box[2] + margin)
        & (points[:, 1] > box[1] - margin)
        & (points[:, 1] < box[3] + margin)
    )


def _place_labels(ax, renderer, names: Sequence[str], anchors: np.ndarray, obstacles: np.ndarray) -> None:
    """Name each anchor (data coordinates) in the free space around it, with a leader line when moved away.

    Each name has candidate places around its point (every 20 degrees, a few
    distances, in pixels); a place must lie inside the axes, clear of the
    names already placed and of the other named points. Among those, the
    one covering the fewest points, nearest, whose leader crosses no other
    leader, wins. Names are placed most crowded first (deterministic: no
    randomness, no time limit).
    """
    import math

    to_px = ax.transData.transform
    anchors_px = to_px(anchors)
    points_px = to_px(obstacles) if len(obstacles) else np.zeros((0, 2))
    frame = ax.get_window_extent(renderer)
    props = {"fontsize": LABEL_PT - 0.5, "color": PLACE_COLOUR, "fontweight": "bold"}
    sizes = []
    for name in names:
        probe = ax.text(0, 0, name, **props)
        extent = probe.get_window_extent(renderer)
        probe.remove()
        sizes.append((extent.width + 6, extent.height + 4))  # with the white box's padding
    crowd = [int((np.hypot(*(points_px - a).T) < 40).sum()) for a in anchors_px]
    order = sorted(range(len(names)), key=lambda i: -crowd[i])
    placed: list[tuple[float, float, float, float]] = []
    leaders: list[tuple[np.ndarray, np.ndarray]] = []
    chosen: dict[int, tuple] = {}
    dpi_scale = ax.figure.dpi / 72
    for i in order:
        (w, h), (ax0, ay0) = sizes[i], anchors_px[i]
        best = None
        for radius_pt in (7, 16, 28, 42, 60, 82, 108, 140):
            r = radius_pt * dpi_scale
            for degrees in range(0, 360, 20):
                a = math.radians(degrees)
                c, s_ = math.cos(a), math.sin(a)
                qx, qy = ax0 + r * c, ay0 + r * s_
                ha = "left" if c > 0.3 else "right" if c < -0.3 else "center"
                va = "bottom" if s_ > 0.3 else "top" if s_ < -0.3 else "center"
                x0 = {"left": qx, "right": qx - w, "center": qx - w / 2}[ha]
                y0 = {"bottom": qy, "top": qy - h, "center": qy - h / 2}[va]
                box = (x0, y0, x0 + w, y0 + h)
                if box[0] < frame.x0 + 2 or box[2] > frame.x1 - 2 or box[1] < frame.y0 + 2 or box[3] > frame.y1 - 2:
                    continue
                if any(
                    box[0] < b[2] + 3 and b[0] < box[2] + 3 and box[1] < b[3] + 3 and b[1] < box[3] + 3 for b in placed
                ):
                    continue
                others = np.delete(anchors_px, i, axis=0)
                if _in_box(others, box, 6).any():
                    continue
                leader = (np.array([ax0, ay0]), np.array([qx, qy]))
                crossings = sum(_segments_cross(*leader, *other) for other in leaders)
                crossed_boxes = sum(
                    _segments_cross(*leader, np.array([b[0], b[1]]), np.array([b[2], b[3]]))
                    or _segments_cross(*leader, np.array([b[0], b[3]]), np.array([b[2], b[1]]))
                    for b in placed
                )
                if crossed_boxes:
                    continue
                cost = 3.0 * int(_in_box(points_px, box, 3).sum()) + radius_pt / 12 + 6.0 * crossings
                if best is None or cost < best[0]:
                    best = (cost, qx, qy, ha, va, box, leader, radius_pt)
        if best is None:  # nowhere free: on the point itself
            best = (0.0, ax0, ay0, "left", "bottom", (ax0, ay0, ax0 + w, ay0 + h), None, 0)
        chosen[i] = best
        placed.append(best[5])
        if best[6] is not None:
            leaders.append(best[6])
    for i, (_, qx, qy, ha, va, _, _, radius_pt) in chosen.items():
        dx, dy = (qx - anchors_px[i][0]) / dpi_scale, (qy - anchors_px[i][1]) / dpi_scale
        ax.annotate(
            names[i],
            anchors[i],
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            zorder=7,
            gid="place-label",
            bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
            arrowprops=None
            if radius_pt <= 7
            else {"arrowstyle": "-", "color": PLACE_COLOUR, "linewidth": 0.7, "shrinkA": 0, "shrinkB": 2},
            **props,
        )


def need_fit_scatter(
    areas: pd.DataFrame,
    line: pd.DataFrame | None,
    *,
    title: str,
    measure: str,
    stats: Mapping | pd.Series | None = None,
    places: pd.DataFrame | None = None,
    notes: Sequence[str] = (),
    stamp: str | None = None,
    figsize: tuple[float, float] = (9.5, 9.0),
    x_label: str = "People income-deprived (IMD 2010 income domain, share of the district's people)",
    unit: str = "districts",
) -> Figure:
    """Districts' money per head (y, £) against income deprivation (x), the fitted line and the places named.

    Parameters
    ----------
    areas : pandas.DataFrame
        One row per district: ``area_name``, ``need`` (share of people),
        ``value`` (£), and optionally ``place`` (the name of the place a
        district belongs to, ``""`` for none: drawn in the places' colour)
        and ``in_fit`` (False: drawn hollow, left out of the line). A value
        far beyond the others (more than 15 interquartile ranges beyond the
        quartiles) is drawn at the axis's edge and named with its value.
    line : pandas.DataFrame or None
        :func:`tuttotal.england.findings.fitted_line` (``need, fit, low, high``).
    title : str
        Names the measure, the year(s) and England.
    measure : str
        What the values are, for the y axis (``£ per head, 2016-17 prices``).
    stats : mapping, optional
        A row of :func:`tuttotal.england.findings.need_correlation`: the
        subtitle gives it (:func:`correlation_words`).
    places : pandas.DataFrame, optional
        ``place_name, need, value``: each place as a whole, drawn as a
        diamond and named (labels placed clear of each other and the points).
    notes, stamp, figsize
        As :func:`tuttotal.figures.charts.theme_bars`.
    x_label : str
        What the x axis is.
    unit : str
        What the points are, for the subtitle and legend.

    Returns
    -------
    matplotlib.figure.Figure
        The chart is ``fig.axes[0]``; place names are texts with
        ``gid="place-label"``, off-scale marks ``gid="off-scale"``.

    Raises
    ------
    ValueError
        A missing column, or no district with both values.
    """
    import pandas as pd
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    missing = [c for c in ("area_name", "need", "value") if c not in areas.columns]
    if missing:
        raise ValueError(f"the areas lack the column(s) {missing}")
    x = pd.to_numeric(areas["need"], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(areas["value"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        raise ValueError("no district has both a value and income deprivation")
    names = areas["area_name"].astype(str).to_numpy()
    in_place = (areas["place"].fillna("").astype(str) != "").to_numpy() if "place" in areas else np.zeros(len(x), bool)
    in_fit = areas["in_fit"].fillna(True).astype(bool).to_numpy() if "in_fit" in areas else np.ones(len(x), bool)

    place_values = [] if places is None else places["value"].to_numpy(dtype=float).tolist()
    band = [] if line is None else [*line["low"].tolist(), *line["high"].tolist()]
    y_lo, y_hi, off = _axis_limits(y[ok], [*place_values, *band])
    off_scale = np.zeros(len(x), bool)
    off_scale[np.flatnonzero(ok)[off]] = True

    subtitle = correlation_words(stats, unit) if stats is not None else f"{int(ok.sum()):,} {unit}"
    fig, renderer = new_figure(figsize)
    fig_w, fig_h = figsize
    title_lines, note_lines, title_h, footer_h = text_blocks(title, notes, fig_w, stamp)
    draw_header(fig, title_lines, subtitle, stamp)
    draw_notes(fig, note_lines, footer_h)
    left, right, bottom, legend_h = 0.95, 0.3, footer_h + 0.75, 0.55
    ax = fig.add_axes(
        (
            left / fig_w,
            bottom / fig_h,
            (fig_w - left - right) / fig_w,
            (fig_h - title_h - legend_h - bottom - 0.1) / fig_h,
        ),
        label="scatter",
    )
    x_hi = float(np.nanmax(x[ok])) * 1.04
    ax.set_xlim(0.0, x_hi)
    ax.set_ylim(y_lo, y_hi)

    if line is not None and len(line):
        ax.fill_between(line["need"], line["low"], line["high"], color=BAND_COLOUR, alpha=0.35, linewidth=0, zorder=1)
        ax.plot(line["need"], line["fit"], color=LINE_COLOUR, linewidth=1.4, zorder=4)
    if y_lo < 0 < y_hi:
        ax.axhline(0, color="#444444", linewidth=0.9, zorder=1, gid="zero-line")
    shown = ok & ~off_scale
    plain = shown & ~in_place & in_fit
    ax.scatter(x[plain], y[plain], s=20, color=POINT_COLOUR, edgecolor="white", linewidth=0.4, zorder=2)
    chosen = shown & in_place & in_fit
    ax.scatter(x[chosen], y[chosen], s=26, color=PLACE_DISTRICT_COLOUR, edgecolor="white", linewidth=0.5, zorder=3)
    hollow = shown & ~in_fit
    ax.scatter(x[hollow], y[hollow], s=30, facecolor="white", edgecolor=TEXT_MUTED, linewidth=1.0, zorder=3)
    for i in np.flatnonzero(hollow):
        ax.annotate(
            f"{names[i]} (left out of the line)",
            (x[i], y[i]),
            xytext=(7, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=LABEL_PT - 0.5,
            color=TEXT_DARK,
            gid="left-out",
        )

    # ---- values off the scale: a triangle at the edge, named with the value
    for i in np.flatnonzero(off_scale):
        top = y[i] > y_hi
        edge = y_hi if top else y_lo
        ax.scatter([x[i]], [edge], marker="^" if top else "v", s=46, color=TEXT_MUTED, zorder=5, clip_on=False)
        ax.annotate(
            f"{names[i]}: {format_gbp(y[i] * 100, 3)} (off the scale"
            + ("" if in_fit[i] else "; left out of the line")
            + ")",
            (x[i], edge),
            xytext=(8, -4 if top else 4),
            textcoords="offset points",
            ha="left",
            va="top" if top else "bottom",
            fontsize=LABEL_PT - 0.5,
            color=TEXT_DARK,
            gid="off-scale",
        )

    # ---- the places as a whole, named clear of each other and of the points
    if places is not None and len(places):
        px = places["need"].to_numpy(dtype=float)
        py = places["value"].to_numpy(dtype=float)
        ax.scatter(px, py, marker="D", s=46, color=PLACE_COLOUR, edgecolor="white", linewidth=0.8, zorder=6)
        texts = places["place_name"].astype(str).tolist()
        _place_labels(ax, renderer, texts, np.column_stack([px, py]), np.column_stack([x[shown], y[shown]]))

    money_axis(ax, "y")
    percent_axis(ax, "x")
    ax.spines["bottom"].set_visible(True)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(x_label, fontsize=LABEL_PT, color=TEXT_DARK)
    ax.set_ylabel(measure, fontsize=LABEL_PT, color=TEXT_DARK)

    handles = [
        Line2D([], [], marker="o", linestyle="", color=POINT_COLOUR, markersize=6),
        Line2D([], [], marker="o", linestyle="", color=PLACE_DISTRICT_COLOUR, markersize=6),
    ]
    labels = [
        f"Other {unit} ({int((ok & ~in_place).sum()):,})",
        f"{unit.capitalize()} of the places ({int((ok & in_place).sum()):,})",
    ]
    if places is not None and len(places):
        handles.append(Line2D([], [], marker="D", linestyle="", color=PLACE_COLOUR, markersize=6))
        labels.append(f"A place as a whole ({len(places)}, named)")
    if line is not None and len(line):
        level = float(stats.get("level", 0.95)) if stats is not None else 0.95
        handles += [Line2D([], [], color=LINE_COLOUR, linewidth=1.4), Patch(color=BAND_COLOUR, alpha=0.35)]
        labels += ["OLS line", f"its {level:.0%} confidence band"]
    if (ok & ~in_fit).any():
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", color=TEXT_MUTED))
        labels.append("Left out of the line")
    ax.legend(  # above the chart, outside it: it covers no point
        handles,
        labels,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.01),
        ncol=3,
        frameon=False,
        fontsize=LEGEND_PT,
        handlelength=1.4,
        columnspacing=1.4,
        borderaxespad=0.2,
    )
    return fig


def decile_bars(
    deciles: pd.DataFrame,
    column: str,
    *,
    title: str,
    measure: str,
    subtitle: str = "",
    notes: Sequence[str] = (),
    stamp: str | None = None,
    figsize: tuple[float, float] = (9, 5.8),
) -> Figure:
    """One bar per decile of need (1 = the most deprived tenth of districts), each labelled with its value.

    Parameters
    ----------
    deciles : pandas.DataFrame
        :func:`tuttotal.england.findings.need_deciles` (``decile, areas,
        need_low, need_high`` and ``column``).
    column : str
        The value to draw (e.g. ``change_without_transfers_per_head_gbp_weighted``).
    title, measure, subtitle, notes, stamp, figsize
        As :func:`need_fit_scatter`.

    Returns
    -------
    matplotlib.figure.Figure
        The chart is ``fig.axes[0]``; the x tick labels name the deciles and their range of need.

    Examples
    --------
    >>> import pandas as pd
    >>> deciles = pd.DataFrame({"decile": [1, 2], "areas": [33, 33], "need_low": [0.21, 0.17],
    ...                         "need_high": [0.33, 0.21], "v": [-277.0, -206.0]})
    >>> fig = decile_bars(deciles, "v", title="Change", measure="£ per head")
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['-£277', '-£206']
    """
    missing = [c for c in ("decile", "areas", "need_low", "need_high", column) if c not in deciles.columns]
    if missing:
        raise ValueError(f"the deciles lack the column(s) {missing}")
    fig, _ = new_figure(figsize)
    fig_w, fig_h = figsize
    title_lines, note_lines, title_h, footer_h = text_blocks(title, notes, fig_w, stamp)
    draw_header(fig, title_lines, subtitle, stamp)
    draw_notes(fig, note_lines, footer_h)
    left, right, bottom = 0.95, 0.3, footer_h + 1.05
    ax = fig.add_axes(
        (left / fig_w, bottom / fig_h, (fig_w - left - right) / fig_w, (fig_h - title_h - bottom - 0.2) / fig_h),
        label="deciles",
    )
    values = deciles[column].to_numpy(dtype=float)
    positions = np.arange(len(deciles))
    colours = [NEGATIVE_COLOUR if v < 0 else HOUSE_BLUE for v in values]
    ax.bar(positions, values, color=colours, width=0.72, zorder=2)
    ax.axhline(0, color="#444444", linewidth=0.9, zorder=3)
    lo, hi = min(0.0, float(np.nanmin(values))), max(0.0, float(np.nanmax(values)))
    pad = 0.12 * (hi - lo or 1.0)
    ax.set_ylim(lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0))
    for position, value in zip(positions, values, strict=True):
        ax.text(
            position,
            value,
            format_gbp(value * 100, 3),
            ha="center",
            va="top" if value < 0 else "bottom",
            fontsize=LABEL_PT - 0.5,
            color=TEXT_DARK,
            fontweight="bold",
        )
    ticks = [
        f"{int(row.decile)}\n{row.need_low:.0%}–{row.need_high:.0%}\n({int(row.areas)})" for row in deciles.itertuples()
    ]
    ax.set_xticks(positions, ticks)
    ax.tick_params(axis="x", labelsize=LABEL_PT - 1, colors=TEXT_DARK, length=0, pad=4)
    money_axis(ax, "y")
    ax.spines["bottom"].set_visible(lo >= 0)  # bars hang from the zero line: no second base under them
    ax.set_ylabel(measure, fontsize=LABEL_PT, color=TEXT_DARK)
    ax.set_xlabel(
        "Decile of districts by people income-deprived (1 = the most deprived tenth), its range and (districts)",
        fontsize=LABEL_PT,
        color=TEXT_DARK,
    )
    return fig
