"""Charts for reports: spend by theme as sorted, labelled horizontal bars.

:func:`theme_bars` draws one bar per theme, largest at the top, each
labelled with its amount and its share of the total, on a £ axis, with
notes as a footer. Like :mod:`tuttotal.figures.maps`, figures are plain
:class:`matplotlib.figure.Figure` objects (no pyplot state): they draw
headless and show themselves in a notebook. Save them with
:func:`tuttotal.figures.maps.save_figure`.

Examples
--------
>>> import pandas as pd
>>> from tuttotal.figures import charts
>>> totals = pd.Series({"Health": 1.2e9, "Education": 8.1e8, "Police": 2.3e8})
>>> fig = charts.theme_bars(totals, title="Kent: public spending by theme, 2008-09",
...                         measure="£ total, 2008-09")
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['Health', 'Education', 'Police']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.figures.areas import area_colours, area_legend, legend_rows, modelled_grid, text_colour, tidy_areas
from tuttotal.figures.canvas import new_figure
from tuttotal.figures.furniture import (
    BAR_COLOUR,
    MARGIN,
    MUTED_COLOUR,
    axis_gbp,
    draw_header,
    draw_notes,
    money_axis,
    share_label,
    subtitle_bottom,
    text_blocks,
    text_width,
    theme_names,
    widen_for_labels,
)
from tuttotal.figures.style import (
    LABEL_PT,
    MODELLED_HATCH,
    NEGATIVE_COLOUR,
    TEXT_DARK,
    TICK_PT,
    basis_handles,
)
from tuttotal.figures.trends import trend_lines
from tuttotal.money import format_gbp

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


__all__ = ["BAR_COLOUR", "comparison_bars", "hatch_bar_ends", "share_label", "theme_bars", "trend_lines"]


def theme_bars(
    totals: pd.Series,
    *,
    title: str,
    measure: str = "£",
    notes: Sequence[str] = (),
    stamp: str | None = None,
    figsize: tuple[float, float] = (9, 5.5),
    item: str = "theme",
    modelled: pd.Series | None = None,
    muted: dict[str, str] | None = None,
) -> Figure:
    """Horizontal bars of £ by theme, largest at the top, each with its amount and share.

    Parameters
    ----------
    totals : pandas.Series
        Index: theme names; values: amounts in pounds. Themes without a
        value (NaN) are left out and named in the footer. Negative amounts
        (net income, transfers) are drawn leftwards from zero in another
        colour.
    title : str
        Title naming place, measure and year.
    measure : str
        The x-axis label, e.g. ``"£ total, 2008-09"`` or ``"£ per head"``.
    notes : sequence of str
        Footer lines (caveats, definitions), wrapped to the figure width.
    stamp : str, optional
        A mark such as ``"ILLUSTRATIVE"`` or ``"SYNTHETIC"``, boxed at the
        top right.
    figsize : (float, float)
        Figure size in inches; the height grows for many themes.
    item : str
        What a bar is, for the subtitle (``"theme"``, ``"service"``…).
    modelled : pandas.Series, optional
        The modelled part of each theme's amount (pounds; a share of a
        region's money by a driver): drawn hatched at the end of its bar,
        with a legend telling measured from modelled. Without it (or with
        no modelled money) the bars are plain.
    muted : dict, optional
        Bars to draw in grey, by name, with what they are for the legend
        (e.g. ``{"public health": "transfer of function, not a cut"}``).

    Returns
    -------
    matplotlib.figure.Figure
        The bars are ``fig.axes[0]``; each bar's label is one of its texts
        (``gid="value-label"``). Shares are of the net total of the themes
        shown, and are left out when that total is not positive.

    Raises
    ------
    ValueError
        For an empty series (or one with no values), or values that are not
        numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> totals = pd.Series({"Health": 1.2e9, "Education": 8.1e8, "Benefits": 1.9e9})
    >>> fig = theme_bars(totals, title="Kent: spending by theme, 2008-09", stamp="ILLUSTRATIVE")
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "value-label"]
    ['£1.9bn (49%)', '£1.2bn (31%)', '£810m (21%)']
    >>> theme_bars(pd.Series(dtype=float), title="Nothing")
    Traceback (most recent call last):
    ...
    ValueError: no themes to chart: the series of totals is empty
    """
    import pandas as pd

    if totals is None or len(totals) == 0:
        raise ValueError("no themes to chart: the series of totals is empty")
    try:
        values = pd.to_numeric(pd.Series(totals), errors="raise").astype(float)
    except (TypeError, ValueError):
        raise ValueError("the totals must be numbers (pounds), one per theme") from None
    values.index = [str(name) for name in values.index]
    missing = [name for name, v in values.items() if not math.isfinite(v)]
    values = values[np.isfinite(values.to_numpy())]
    if len(values) == 0:
        raise ValueError(f"no themes to chart: none of {', '.join(missing)} has a value")
    values = values.sort_values(ascending=False, kind="stable")
    total = float(values.sum())
    n = len(values)

    fig_w, fig_h = figsize
    fig_h = max(fig_h, 1.6 + 0.42 * n)  # room for many themes
    fig, renderer = new_figure((fig_w, fig_h))

    # ---- text blocks, in inches
    margin = MARGIN
    subtitle = f"Total {axis_gbp(total)} across {n} {item}{'' if n == 1 else 's'}"
    if (values < 0).any():
        subtitle += " (net of negative amounts)"
    footer = list(notes)
    if missing:
        footer.append(f"Not shown, no value: {', '.join(missing)}.")
    title_lines, note_lines, title_h, footer_h = text_blocks(title, footer, fig_w, stamp)
    xlabel_h = 0.55

    names = theme_names(values.index)
    label_w = text_width(fig, renderer, names, TICK_PT)
    left = margin + label_w + 0.15
    bottom = margin + footer_h + xlabel_h
    top = fig_h - margin - title_h
    width = max(1.0, fig_w - left - margin - 0.1)
    ax = fig.add_axes((left / fig_w, bottom / fig_h, width / fig_w, (top - bottom) / fig_h), label="bars")

    # ---- bars, largest at the top
    y = np.arange(n)[::-1]
    muted = {str(k): v for k, v in (muted or {}).items() if str(k) in values.index}
    colours = [
        MUTED_COLOUR if name in muted else NEGATIVE_COLOUR if v < 0 else BAR_COLOUR for name, v in values.items()
    ]
    ax.barh(y, values.to_numpy(), height=0.68, color=colours, zorder=2)
    if modelled is not None:
        _hatch_modelled(ax, values, y, modelled)
    if muted:
        from matplotlib.patches import Patch

        kinds = sorted(set(muted.values()))
        ax.legend(
            handles=[Patch(facecolor=MUTED_COLOUR, label=k) for k in kinds],
            loc="best",
            fontsize=LABEL_PT,
            frameon=False,
        )
    ax.set_yticks(y, names, fontsize=TICK_PT, linespacing=1.1)
    ax.tick_params(axis="y", length=0, pad=6)
    money_axis(ax, "x")
    ax.axvline(0, color="#444444", linewidth=0.9, zorder=3)
    ax.set_xlabel(measure, fontsize=TICK_PT + 0.5, color=TEXT_DARK, labelpad=8)
    ax.set_ylim(-0.6, n - 0.4)

    # ---- value labels: "£1.2bn (31%)", outside the end of each bar
    labels = []
    for yi, v in zip(y, values.to_numpy(), strict=True):
        text = format_gbp(v * 100) if v != 0 else "£0"
        if total > 0:
            text += f" ({share_label(v / total)})"
        labels.append(
            ax.annotate(
                text,
                xy=(v, yi),
                xytext=(5 if v >= 0 else -5, 0),
                textcoords="offset points",
                ha="left" if v >= 0 else "right",
                va="center",
                fontsize=LABEL_PT,
                color=TEXT_DARK,
                gid="value-label",
                annotation_clip=False,
            )
        )
    # Widen the axis until every label fits inside it (the scale changes as it widens).
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    span = (hi - lo) or max(abs(hi), 1.0)
    ax.set_xlim(lo, hi if hi > lo else lo + span)
    widen_for_labels(ax, renderer, labels, span)
    if values.min() >= 0:
        ax.set_xlim(0, ax.get_xlim()[1])

    # ---- title, subtitle, stamp, footer
    draw_header(fig, title_lines, subtitle, stamp)
    draw_notes(fig, note_lines, footer_h)
    return fig


def _hatch_modelled(ax, values: pd.Series, y: np.ndarray, modelled: pd.Series) -> None:
    """Hatch the modelled part at the end of each positive bar and add a measured/modelled legend."""
    part = modelled.reindex(values.index).fillna(0.0).clip(lower=0.0).to_numpy(dtype=float)
    ends = values.to_numpy(dtype=float)
    part = hatch_bar_ends(ax, y, ends, part, height=0.68)
    if not (part > 0).any():
        return
    handles = basis_handles(BAR_COLOUR)
    if (part >= np.maximum(ends, 0.0)).all():
        handles = handles[1:]
    ax.legend(handles=handles, loc="lower right", fontsize=LABEL_PT, frameon=False)


def hatch_bar_ends(ax: Axes, y: np.ndarray, ends: np.ndarray, part: np.ndarray, *, height: float) -> np.ndarray:
    """Hatch the last ``part`` of each positive horizontal bar ending at ``ends`` (the modelled money).

    ``part`` is clipped to the positive length of its bar; nothing is drawn
    when no part is left. Returns the hatched lengths (``gid="modelled"`` on
    the hatched bars, a patch per bar with a part).

    Examples
    --------
    >>> import numpy as np
    >>> from tuttotal.figures.canvas import new_figure
    >>> fig, _ = new_figure((3, 2))
    >>> ax = fig.add_subplot()
    >>> hatch_bar_ends(ax, np.arange(3), np.array([10.0, 5.0, -2.0]), np.array([4.0, 9.0, 1.0]), height=0.5)
    array([4., 5., 0.])
    """
    part = np.minimum(np.clip(np.asarray(part, dtype=float), 0.0, None), np.maximum(ends, 0.0))
    keep = part > 0
    if keep.any():
        bars = ax.barh(
            np.asarray(y)[keep],
            part[keep],
            left=(ends - part)[keep],
            height=height,
            color="none",
            edgecolor="white",
            hatch=MODELLED_HATCH,
            linewidth=0,
            zorder=2.5,
        )
        for bar in bars:
            bar.set_gid("modelled")
    return part


# --------------------------------------------------------------------------- comparisons


def comparison_bars(
    table: pd.DataFrame,
    *,
    title: str,
    measure: str = "£ per head",
    notes: Sequence[str] = (),
    stamp: str | None = None,
    figsize: tuple[float, float] = (10, 6.5),
) -> Figure:
    """Grouped horizontal bars: a focus area against its comparators, theme by theme.

    One group of bars per theme, in order of the last area's value, largest at
    the top (the last area is the widest comparator, such as the place or the
    median pilot place). Within a group the areas are in the order they first
    appear in ``table``, top to bottom: the first, the focus area, in the house
    blue and labelled with its amount; the comparators in muted colours. The
    legend sits under the title, clear of the bars.

    Parameters
    ----------
    table : pandas.DataFrame
        Tidy: one row per area and theme, with columns ``area`` (label),
        ``theme`` and ``value`` (pounds, e.g. per head). A pair that is
        missing, or whose value is NaN, gets no bar and is named in the
        footer. Negative values are drawn leftwards from zero. An optional
        column ``modelled`` holds the modelled part of each value (a region's
        money shared by driver, in the same units): drawn hatched at the end
        of its bar, with a legend telling measured from modelled.
    title : str
        Title naming the areas, measure and year.
    measure : str
        The x-axis label.
    notes : sequence of str
        Footer lines (caveats, definitions), wrapped to the figure width.
    stamp : str, optional
        A mark such as ``"ILLUSTRATIVE"`` or ``"SYNTHETIC"``, boxed at the
        top right.
    figsize : (float, float)
        Figure size in inches; the height grows or shrinks so that bars are
        between 0.1 and 0.25 inch thick.

    Returns
    -------
    matplotlib.figure.Figure
        The bars are ``fig.axes[0]``; ``ax.containers`` holds one
        ``BarContainer`` per area (its label the area's name, in order), the
        y tick labels name the themes top first, the focus area's labels are
        texts with ``gid="value-label"`` and the legend is ``fig.legends[0]``.

    Raises
    ------
    ValueError
        For an empty table, missing columns, values that are not numbers, an
        area and theme given twice, no values at all, or more than five areas.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "area": ["Ward"] * 3 + ["Place"] * 3,
    ...     "theme": ["health", "housing", "police"] * 2,
    ...     "value": [900.0, 400.0, 150.0, 1100.0, 250.0, 120.0],
    ... })
    >>> fig = comparison_bars(table, title="Ward against Place: £ per head, 2008-09", stamp="ILLUSTRATIVE")
    >>> ax = fig.axes[0]
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['health', 'housing', 'police']
    >>> [c.get_label() for c in ax.containers]
    ['Ward', 'Place']
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "value-label"]
    ['£900', '£400', '£150']
    >>> comparison_bars(table.iloc[:0], title="Nothing")
    Traceback (most recent call last):
    ...
    ValueError: no data to chart: the table is empty (it needs rows of area, theme, value)
    """
    from matplotlib.patches import Patch

    frame, missing = tidy_areas(table, ("area", "theme"))
    areas = list(dict.fromkeys(frame["area"]))
    themes = list(dict.fromkeys(frame["theme"]))
    colours = area_colours(areas)
    values = frame.pivot(index="theme", columns="area", values="value").reindex(index=themes, columns=areas)
    modelled = modelled_grid(table, ("theme", "area"), values)
    absent = [(a, t) for t in themes for a in areas if ((frame["area"] == a) & (frame["theme"] == t)).sum() == 0]
    missing = sorted(set(missing) | set(absent), key=lambda pair: (areas.index(pair[0]), themes.index(pair[1])))

    # Themes by the last area's value, largest first; themes it has no value for go last, by their largest value.
    last = values[areas[-1]]
    ranked = values.index[last.notna().to_numpy()]
    unranked = values.index[last.isna().to_numpy()]
    order = list(last[ranked].sort_values(ascending=False, kind="stable").index)
    order += list(values.loc[unranked].max(axis=1).sort_values(ascending=False, kind="stable").index)
    values = values.loc[order]
    if modelled is not None:
        modelled = modelled.loc[order]
    n, k = len(order), len(areas)

    # ---- layout, in inches
    fig_w, fig_h = figsize
    margin = MARGIN
    footer = list(notes)
    if missing:
        by_area = {a: [t for a2, t in missing if a2 == a] for a in areas}
        footer.append(
            "No bar, no value: " + "; ".join(f"{a} – {', '.join(ts)}" for a, ts in by_area.items() if ts) + "."
        )
    title_lines, note_lines, title_h, footer_h = text_blocks(title, footer, fig_w, stamp)
    probe_fig, renderer = new_figure((fig_w, fig_h))
    ncol, legend_h = legend_rows(probe_fig, renderer, areas, fig_w - 2 * margin)
    header_h = title_h + legend_h + 0.05
    xlabel_h = 0.55
    chrome_h = margin + header_h + xlabel_h + footer_h + margin
    thinnest = max(0.125 * k, 0.42)  # bars 0.1 in thick, and room for two-line theme names
    fig_h = min(max(fig_h, chrome_h + (n + 0.1) * thinnest), chrome_h + (n + 0.1) * 0.3125 * k)
    fig, renderer = new_figure((fig_w, fig_h))

    names = theme_names(order)
    left = margin + text_width(fig, renderer, names, TICK_PT) + 0.15
    bottom = margin + footer_h + xlabel_h
    top = fig_h - margin - header_h
    width = max(1.0, fig_w - left - margin - 0.1)
    ax = fig.add_axes((left / fig_w, bottom / fig_h, width / fig_w, (top - bottom) / fig_h), label="bars")

    # ---- bars: a group per theme, top first; in a group, the areas top to bottom
    slot = 0.8 / k
    centres = np.arange(n)[::-1].astype(float)
    labels = []
    hatched = solid = False  # any modelled part; any measured part
    for j, (area, colour) in enumerate(zip(areas, colours, strict=True)):
        column = values[area].to_numpy()
        has = np.isfinite(column)
        ys = centres[has] + 0.4 - slot * (j + 0.5)
        ax.barh(ys, column[has], height=slot * 0.9, color=colour, label=area, zorder=2)
        if modelled is not None:
            part = hatch_bar_ends(ax, ys, column[has], modelled[area].to_numpy()[has], height=slot * 0.9)
            hatched |= bool((part > 0).any())
            solid |= bool((np.maximum(column[has], 0.0) > part).any())
        if j == 0:
            for yi, v in zip(ys, column[has], strict=True):
                labels.append(
                    ax.annotate(
                        format_gbp(v * 100) if v != 0 else "£0",
                        xy=(v, yi),
                        xytext=(4 if v >= 0 else -4, 0),
                        textcoords="offset points",
                        ha="left" if v >= 0 else "right",
                        va="center",
                        fontsize=LABEL_PT - 1,
                        fontweight="bold",
                        color=text_colour(colour),
                        gid="value-label",
                        annotation_clip=False,
                    )
                )
    ax.set_yticks(centres, names, fontsize=TICK_PT, linespacing=1.1)
    ax.tick_params(axis="y", length=0, pad=6)
    money_axis(ax, "x")
    ax.axvline(0, color="#444444", linewidth=0.9, zorder=3)
    ax.set_xlabel(measure, fontsize=TICK_PT + 0.5, color=TEXT_DARK, labelpad=8)
    ax.set_ylim(-0.55, n - 0.45)

    finite = values.to_numpy()[np.isfinite(values.to_numpy())]
    lo, hi = min(0.0, float(finite.min())), max(0.0, float(finite.max()))
    span = (hi - lo) or max(abs(hi), 1.0)
    ax.set_xlim(lo - 0.02 * span * (lo < 0), (hi if hi > lo else lo + span) + 0.02 * span)
    widen_for_labels(ax, renderer, labels, span)
    if finite.min() >= 0:
        ax.set_xlim(0, ax.get_xlim()[1])

    # ---- title, legend, stamp, footer
    subtitle = f"Themes in order of {areas[-1]}, largest at the top" if k > 1 else "Themes, largest at the top"
    draw_header(fig, title_lines, subtitle, stamp)
    handles = [Patch(facecolor=c, edgecolor="none") for c in colours]
    area_legend(fig, handles, areas, ncol, subtitle_bottom(fig_h, title_lines) - 0.12)
    if hatched:
        handles = basis_handles(MUTED_COLOUR) if solid else basis_handles(MUTED_COLOUR, measured=None)
        ax.legend(handles=handles, loc="lower right", fontsize=LABEL_PT, frameon=False)
    draw_notes(fig, note_lines, footer_h)
    return fig
