"""Lines over years: spend per head of areas side by side, the modelled part shaded, labels kept apart.

:func:`trend_lines` draws each area's line over the years with its label at
the end (spread so that none overlaps another); the
comparison's tidy table and colours are :mod:`tuttotal.figures.areas`'.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.figures.areas import area_colours, area_legend, legend_rows, modelled_grid, text_colour, tidy_areas
from tuttotal.figures.canvas import new_figure
from tuttotal.figures.classify import money_labels
from tuttotal.figures.furniture import (
    MARGIN,
    NICE_STEPS,
    axis_gbp,
    draw_header,
    draw_notes,
    money_axis,
    subtitle_bottom,
    text_blocks,
    text_width,
)
from tuttotal.figures.style import (
    LABEL_PT,
    MODELLED_HATCH,
    TEXT_DARK,
    TICK_PT,
    basis_handles,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text


__all__ = ["trend_lines"]


def trend_lines(
    table: pd.DataFrame,
    *,
    title: str,
    measure: str = "£ per head",
    notes: Sequence[str] = (),
    stamp: str | None = None,
    figsize: tuple[float, float] = (9, 5.5),
) -> Figure:
    """Lines across financial years, one per area, each named at its end with its last amount.

    Years are sorted as text (``"2006-07"`` before ``"2007-08"``) and shown
    as evenly spaced categories. Each area is a line with markers, the first
    area (the focus) in the house blue and drawn on top; a year without a
    value breaks its line. Areas are named at their line ends with their last
    amount, nudged apart when close; when they would still collide a legend
    under the title names them instead. The £ axis starts at zero unless
    there are negative values.

    Parameters
    ----------
    table : pandas.DataFrame
        Tidy: columns ``year`` (text such as ``"2008-09"``), ``area`` and
        ``value`` (pounds). Missing or NaN values leave gaps. An optional
        column ``modelled`` holds the modelled part of each value (a region's
        money shared by driver, in the same units): under the first area's
        line its measured part is shaded solid and its modelled part hatched,
        with a legend.
    title : str
        Title naming the areas, measure and years.
    measure : str
        What the values are, written above the £ axis.
    notes : sequence of str
        Footer lines (caveats, definitions), wrapped to the figure width.
    stamp : str, optional
        A mark such as ``"ILLUSTRATIVE"`` or ``"SYNTHETIC"``, boxed at the
        top right.
    figsize : (float, float)
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The chart is ``fig.axes[0]``; its lines labelled with the area names
        are the areas' (``ax.get_legend_handles_labels()``), the x tick
        labels are the years, the end labels are texts with
        ``gid="end-label"`` and, when they are not used, ``fig.legends[0]``
        names the areas. With modelled money, the shaded parts are
        ``ax.collections`` with ``gid`` ``"measured"`` and ``"modelled"``
        and ``ax.get_legend()`` keys them.

    Raises
    ------
    ValueError
        For an empty table, missing columns, values that are not numbers, a
        year and area given twice, no values at all, or more than five areas.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "year": ["2007-08", "2006-07", "2007-08", "2006-07"],
    ...     "area": ["Ward", "Ward", "Place", "Place"],
    ...     "value": [2300.0, 2100.0, 1600.0, 1500.0],
    ... })
    >>> fig = trend_lines(table, title="Ward and Place: £ per head", stamp="SYNTHETIC")
    >>> ax = fig.axes[0]
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['2006-07', '2007-08']
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "end-label"]
    ['Ward  £2.3k', 'Place  £1.6k']
    >>> float(ax.get_ylim()[0])
    0.0
    """
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    frame, _ = tidy_areas(table, ("year", "area"))
    areas = list(dict.fromkeys(frame["area"]))
    years = sorted(set(frame["year"]))
    colours = area_colours(areas)
    values = frame.pivot(index="year", columns="area", values="value").reindex(index=years, columns=areas)
    grid = values.to_numpy()
    modelled = modelled_grid(table, ("year", "area"), values)
    finite = grid[np.isfinite(grid)]
    n = len(years)
    missing = [(years[i], areas[j]) for j in range(len(areas)) for i in range(n) if not np.isfinite(grid[i, j])]

    # ---- the £ scale: from zero (or below, for negatives) to a round number above the largest value
    lo_raw, hi_raw = min(0.0, float(finite.min())), max(0.0, float(finite.max()))
    if hi_raw == lo_raw:
        hi_raw = lo_raw + 1.0
    ticks = MaxNLocator(nbins=5, steps=NICE_STEPS).tick_values(lo_raw, hi_raw)
    y_lo = float(ticks[0]) if lo_raw < 0 else 0.0
    y_hi = float(ticks[-1]) if ticks[-1] >= hi_raw else hi_raw

    # ---- end labels: "Area  £2.3k", with the year when a line ends early
    ends = []
    for j in range(len(areas)):
        has = np.flatnonzero(np.isfinite(grid[:, j]))
        if len(has):
            ends.append((j, int(has[-1]), float(grid[has[-1], j])))
    amounts = money_labels([v for _, _, v in ends])  # as many figures as tell them apart
    ends = [
        (j, i, v, f"{areas[j]}  {'£0' if v == 0 else amount}" + (f" ({years[i]})" if i < n - 1 else ""))
        for (j, i, v), amount in zip(ends, amounts, strict=True)
    ]

    # ---- layout, in inches
    fig_w, fig_h = figsize
    margin = MARGIN
    footer = list(notes)
    if missing:
        footer.append("No value: " + "; ".join(f"{a}, {y}" for y, a in missing) + ".")
    title_lines, note_lines, title_h, footer_h = text_blocks(title, footer, fig_w, stamp)
    basis_h = 0.3 if modelled is not None else 0.0  # the key of the shaded parts, under the years
    fig_h += basis_h
    fig, renderer = new_figure((fig_w, fig_h))
    tick_w = text_width(fig, renderer, [axis_gbp(t) for t in ticks], TICK_PT)
    end_w = text_width(fig, renderer, [e[3] for e in ends], LABEL_PT, fontweight="bold")
    ncol, legend_h = legend_rows(fig, renderer, areas, fig_w - 2 * margin)
    measure_h = 0.3  # the measure, written above the axis
    left = margin + tick_w + 0.12
    bottom = margin + footer_h + 0.35 + basis_h
    top = fig_h - margin - title_h - measure_h + 0.1
    right_labels = fig_w - margin - end_w - 0.15
    ax = fig.add_axes(
        (left / fig_w, bottom / fig_h, max(1.0, right_labels - left) / fig_w, (top - bottom) / fig_h), label="lines"
    )

    # ---- lines, the focus area on top, over its measured (solid) and modelled (hatched) parts
    x = np.arange(n)
    if modelled is not None:
        _shade_basis(ax, x, grid[:, 0], modelled[areas[0]].to_numpy(), colours[0], areas[0])
        ax.get_legend().set_bbox_to_anchor((margin / fig_w, (margin + footer_h + basis_h) / fig_h), fig.transFigure)
    for j in range(len(areas)):
        focus = j == 0
        ax.plot(
            x,
            grid[:, j],
            color=colours[j],
            linewidth=2.6 if focus else 1.9,
            marker="o",
            markersize=(6.5 if focus else 5) * (1.5 if n == 1 else 1),
            markeredgecolor="white",
            markeredgewidth=0.8,
            label=areas[j],
            zorder=4 if focus else 3,
            solid_capstyle="round",
        )
    ax.set_xticks(x, years)
    ax.tick_params(axis="x", labelsize=TICK_PT, colors=TEXT_DARK, length=0, pad=6)
    ax.set_xlim(-0.35 if n > 1 else -0.5, n - 1 + (0.35 if n > 1 else 0.5))
    money_axis(ax, "y")
    ax.set_ylim(y_lo, y_hi)
    if y_lo < 0:
        ax.axhline(0, color="#444444", linewidth=0.9, zorder=2, gid="zero-line")
    ax.set_ylabel(measure, rotation=0, ha="left", va="bottom", fontsize=TICK_PT + 0.5, color=TEXT_DARK)
    ax.yaxis.set_label_coords(-(tick_w + 0.04 + 4 / 72) / ax.get_position().width / fig_w, 1.0 + 0.1 / (top - bottom))

    # ---- end labels, nudged apart; a legend instead when they would move too far
    labels = [
        ax.annotate(
            text,
            xy=(i, v),
            xytext=(9, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=LABEL_PT,
            fontweight="bold",
            color=text_colour(colours[j]),
            gid="end-label",
            annotation_clip=False,
        )
        for j, i, v, text in ends
    ]
    if not _spread_labels(ax, renderer, labels):
        for label in labels:
            label.remove()
        ax.set_position(
            (left / fig_w, bottom / fig_h, (fig_w - margin - 0.1 - left) / fig_w, (top - legend_h - bottom) / fig_h)
        )
        ax.yaxis.set_label_coords(
            -(tick_w + 0.04 + 4 / 72) / ax.get_position().width / fig_w, 1.0 + 0.1 / (top - legend_h - bottom)
        )
        handles = [
            Line2D([], [], color=c, linewidth=2.6 if j == 0 else 1.9, marker="o", markersize=5)
            for j, c in enumerate(colours)
        ]
        area_legend(fig, handles, areas, ncol, subtitle_bottom(fig_h, title_lines) - 0.12)

    # ---- title, stamp, footer
    subtitle = f"Financial year {years[0]}" if n == 1 else f"Financial years {years[0]} to {years[-1]}"
    draw_header(fig, title_lines, subtitle, stamp)
    draw_notes(fig, note_lines, footer_h)
    return fig


def _shade_basis(ax: Axes, x: np.ndarray, total: np.ndarray, modelled: np.ndarray, colour: str, area: str) -> None:
    """Shade under a line its measured part (from zero, solid) and its modelled part (above it, hatched), with a key."""
    from matplotlib.colors import to_rgba

    part = np.clip(np.nan_to_num(modelled), 0.0, np.clip(total, 0.0, None))
    measured = total - part
    light = to_rgba(colour, 0.16)
    ax.fill_between(x, 0, measured, facecolor=light, linewidth=0, zorder=1, gid="measured")
    ax.fill_between(
        x,
        measured,
        total,
        facecolor=light,
        edgecolor=colour,
        hatch=MODELLED_HATCH,
        linewidth=0,
        zorder=1,
        gid="modelled",
    )
    handles = basis_handles(light, hatch_colour=colour)
    handles[0].set_label(f"{area}, {handles[0].get_label()}")
    ax.legend(handles=handles, loc="upper left", ncols=2, fontsize=LABEL_PT, frameon=False, borderaxespad=0)


def _spread_labels(ax: Axes, renderer: RendererBase, labels: Sequence[Text]) -> bool:
    """Nudge end labels apart vertically; False when they would have to move more than a line or still overlap."""
    if len(labels) < 2:
        return True
    fig = ax.figure
    ax.get_xlim(), ax.get_ylim()  # autoscaled limits brought up to date: the extents need no draw
    boxes = [t.get_window_extent(renderer) for t in labels]
    height = max(b.height for b in boxes) * 1.05  # pixels, with a little air
    target = np.array([b.y0 + b.height / 2 for b in boxes])
    order = np.argsort(target, kind="stable")
    y = target[order].astype(float)
    for _ in range(200):  # push overlapping neighbours apart, half each way
        moved = False
        for a in range(len(y) - 1):
            overlap = height - (y[a + 1] - y[a])
            if overlap > 1e-6:
                y[a] -= overlap / 2
                y[a + 1] += overlap / 2
                moved = True
        if not moved:
            break
    shift = np.empty_like(y)
    shift[order] = y - target[order]
    if np.abs(shift).max() > 1.2 * height:
        return False
    points = 72 / fig.dpi
    for label, dy in zip(labels, shift, strict=True):
        label.xyann = (label.xyann[0], dy * points)
    boxes = [t.get_window_extent(renderer) for t in labels]
    return not any(
        boxes[a].overlaps(boxes[b]) and boxes[a].y1 - boxes[b].y0 > 0.5 and boxes[b].y1 - boxes[a].y0 > 0.5
        for a in range(len(boxes))
        for b in range(a + 1, len(boxes))
    )
