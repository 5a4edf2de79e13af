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
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.figures.canvas import new_figure
from tuttotal.figures.maps import money_labels
from tuttotal.figures.style import (
    AREA_COLOURS,
    GRID_COLOUR,
    HOUSE_BLUE,
    LABEL_PT,
    MODELLED_HATCH,
    NEGATIVE_COLOUR,
    NOTE_PT,
    NOTE_TEXT,
    STAMP_BOX,
    STAMP_TEXT,
    SUBTITLE_PT,
    TEXT_DARK,
    TEXT_MUTED,
    TICK_PT,
    TITLE_PT,
    basis_handles,
)
from tuttotal.money import format_gbp

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = ["comparison_bars", "hatch_bar_ends", "share_label", "theme_bars", "trend_lines"]

BAR_COLOUR = HOUSE_BLUE
#: Bars that are not what the chart measures (a transfer of function among cuts).
MUTED_COLOUR = "#b3b3b3"
_TITLE_PT = TITLE_PT
_LABEL_PT = LABEL_PT
_TICK_PT = TICK_PT
_NOTE_PT = NOTE_PT
_THEME_WRAP = 30  # characters per line of a theme name
_MARGIN = 0.15  # inches, round the figure
_NICE_STEPS = [1, 2, 2.5, 5, 10]  # tick steps on a £ axis


def share_label(share: float) -> str:
    """A share of the total as a whole percentage, ``<1%`` for small non-zero shares.

    Examples
    --------
    >>> share_label(0.3125), share_label(0.004), share_label(0.0), share_label(-0.02)
    ('31%', '<1%', '0%', '-2%')
    """
    percent = 100 * share
    if 0 < abs(percent) < 0.5:
        return "<1%" if percent > 0 else "-<1%"
    return f"{percent:.0f}%"


def _axis_gbp(value: float, _position: object = None) -> str:
    return "£0" if value == 0 else format_gbp(value * 100)


# --------------------------------------------------------------------------- shared layout and style
# Sizes are in inches unless named otherwise; the figure is laid out by hand so that
# text keeps its size (readable at 100 dpi) whatever the figure size.


def _text_blocks(
    title: str, notes: Sequence[str], fig_w: float, stamp: str | None
) -> tuple[list[str], list[str], float, float]:
    """Title and note lines wrapped to the figure's width, and the heights of the title block and footer.

    The title block is the title and a one-line subtitle, with the gap under them.
    """
    margin = _MARGIN
    stamp_w = (len(str(stamp)) * 0.65 * 10 / 72 + 0.35) if stamp else 0.0
    chars = max(30, int((fig_w - 2 * margin - stamp_w) * 72 / (0.58 * _TITLE_PT)))
    title_lines = textwrap.wrap(title, chars) or [""]
    note_chars = max(30, int((fig_w - 2 * margin) * 72 / (0.55 * _NOTE_PT)))
    note_lines = [line for note in notes for line in (textwrap.wrap(str(note), note_chars) or [""])]
    title_h = len(title_lines) * _TITLE_PT * 1.3 / 72 + 11 * 1.4 / 72 + 0.3
    footer_h = len(note_lines) * _NOTE_PT * 1.4 / 72 + (0.15 if note_lines else 0)
    return title_lines, note_lines, title_h, footer_h


def _subtitle_bottom(fig_h: float, title_lines: Sequence[str]) -> float:
    """Height above the figure's bottom of the subtitle's lower edge."""
    return fig_h - _MARGIN - len(title_lines) * _TITLE_PT * 1.3 / 72 - 0.08 - 10 * 1.3 / 72


def _theme_names(names: Sequence[str]) -> list[str]:
    """Theme names wrapped for tick labels."""
    return ["\n".join(textwrap.wrap(name, _THEME_WRAP)) or name for name in names]


def text_width(fig: Figure, renderer: RendererBase, texts: Sequence[str], fontsize: float, **kwargs) -> float:
    """Width of the widest of ``texts`` at ``fontsize``, in inches (0 for none)."""
    probe = [fig.text(0, 0, text, fontsize=fontsize, linespacing=1.1, **kwargs) for text in texts]
    width = max((t.get_window_extent(renderer).width for t in probe), default=0.0) / fig.dpi
    for t in probe:
        t.remove()
    return width


def _money_axis(ax: Axes, axis: str) -> None:
    """Style ``ax``'s ``axis`` (``"x"`` or ``"y"``) as a £ scale: short £ ticks, light grid, no frame but the base."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    scale = ax.xaxis if axis == "x" else ax.yaxis
    ax.tick_params(axis=axis, labelsize=_TICK_PT, colors=TEXT_MUTED, length=0, pad=4)
    scale.set_major_locator(MaxNLocator(nbins=6, steps=_NICE_STEPS))
    scale.set_major_formatter(FuncFormatter(_axis_gbp))
    ax.grid(axis=axis, color=GRID_COLOUR, linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#bbbbbb")


def _widen_for_labels(ax: Axes, renderer: RendererBase, labels: Sequence[Text], span: float) -> None:
    """Widen the x axis until every label fits inside it (the scale changes as it widens).

    The axes sit where ``add_axes`` put them (no aspect, no layout engine), so
    a label's extent follows from the limits alone: no draw of the figure is
    needed between passes (each cost a full layout of every text and tick).
    """
    if not labels:
        return
    for _ in range(4):
        x0, x1 = ax.get_xlim()  # limits brought up to date before the transform is read
        to_data = ax.transData.inverted()
        right = max(to_data.transform((t.get_window_extent(renderer).x1, 0))[0] for t in labels)
        leftmost = min(to_data.transform((t.get_window_extent(renderer).x0, 0))[0] for t in labels)
        new = (min(x0, leftmost - 0.01 * span), max(x1, right + 0.01 * span))
        if new == (x0, x1):
            break
        ax.set_xlim(*new)


def _draw_header(fig: Figure, title_lines: Sequence[str], subtitle: str, stamp: str | None) -> None:
    """Title (bold, top left), subtitle under it, and the stamp boxed at the top right."""
    fig_w, fig_h = fig.get_size_inches()
    margin = _MARGIN
    y_top = (fig_h - margin) / fig_h
    fig.text(
        margin / fig_w,
        y_top,
        "\n".join(title_lines),
        ha="left",
        va="top",
        fontsize=_TITLE_PT,
        fontweight="bold",
        color=TEXT_DARK,
        gid="title",
    )
    fig.text(
        margin / fig_w,
        (fig_h - margin - len(title_lines) * _TITLE_PT * 1.3 / 72 - 0.08) / fig_h,
        subtitle,
        ha="left",
        va="top",
        fontsize=SUBTITLE_PT,
        color=TEXT_MUTED,
        gid="subtitle",
    )
    if stamp:
        fig.text(
            (fig_w - margin) / fig_w,
            y_top,
            str(stamp),
            ha="right",
            va="top",
            gid="stamp",
            bbox=STAMP_BOX,
            **STAMP_TEXT,
        )


def _draw_notes(fig: Figure, note_lines: Sequence[str], footer_h: float) -> None:
    """Notes as a footer at the bottom left."""
    if not note_lines:
        return
    fig_w, fig_h = fig.get_size_inches()
    fig.text(
        _MARGIN / fig_w,
        (_MARGIN + footer_h - 0.05) / fig_h,
        "\n".join(note_lines),
        ha="left",
        va="top",
        gid="notes",
        **NOTE_TEXT,
    )


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
    margin = _MARGIN
    subtitle = f"Total {_axis_gbp(total)} across {n} {item}{'' if n == 1 else 's'}"
    if (values < 0).any():
        subtitle += " (net of negative amounts)"
    footer = list(notes)
    if missing:
        footer.append(f"Not shown, no value: {', '.join(missing)}.")
    title_lines, note_lines, title_h, footer_h = _text_blocks(title, footer, fig_w, stamp)
    xlabel_h = 0.55

    names = _theme_names(values.index)
    label_w = text_width(fig, renderer, names, _TICK_PT)
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
            fontsize=_LABEL_PT,
            frameon=False,
        )
    ax.set_yticks(y, names, fontsize=_TICK_PT, linespacing=1.1)
    ax.tick_params(axis="y", length=0, pad=6)
    _money_axis(ax, "x")
    ax.axvline(0, color="#444444", linewidth=0.9, zorder=3)
    ax.set_xlabel(measure, fontsize=_TICK_PT + 0.5, color=TEXT_DARK, labelpad=8)
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
                fontsize=_LABEL_PT,
                color=TEXT_DARK,
                gid="value-label",
                annotation_clip=False,
            )
        )
    # Widen the axis until every label fits inside it (the scale changes as it widens).
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    span = (hi - lo) or max(abs(hi), 1.0)
    ax.set_xlim(lo, hi if hi > lo else lo + span)
    _widen_for_labels(ax, renderer, labels, span)
    if values.min() >= 0:
        ax.set_xlim(0, ax.get_xlim()[1])

    # ---- title, subtitle, stamp, footer
    _draw_header(fig, title_lines, subtitle, stamp)
    _draw_notes(fig, note_lines, footer_h)
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
    ax.legend(handles=handles, loc="lower right", fontsize=_LABEL_PT, frameon=False)


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


def _tidy(table: pd.DataFrame, keys: tuple[str, str]) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """``table``'s key columns as text and values as floats, and the (key, key) pairs whose value is NaN.

    Raises ValueError for an empty table, missing columns, values that are not numbers,
    a pair given twice or no values at all.
    """
    import pandas as pd

    columns = [*keys, "value"]
    if table is None or len(table) == 0:
        raise ValueError(f"no data to chart: the table is empty (it needs rows of {', '.join(columns)})")
    lacking = [c for c in columns if c not in table.columns]
    if lacking:
        raise ValueError(f"the table lacks the column(s) {lacking}; it needs {columns}, it has {list(table.columns)}")
    frame = table[columns].copy()
    try:
        frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype(float)
    except (TypeError, ValueError):
        raise ValueError("the column 'value' must hold numbers (pounds)") from None
    for key in keys:
        frame[key] = frame[key].astype(str)
    twice = frame[frame.duplicated(list(keys), keep="first")]
    if len(twice):
        first = twice.iloc[0]
        raise ValueError(
            f"each {keys[0]} and {keys[1]} may have one value; "
            f"{first[keys[1]]!r} has two or more for {first[keys[0]]!r}"
        )
    finite = np.isfinite(frame["value"].to_numpy())
    missing = [(str(a), str(b)) for a, b in frame.loc[~finite, list(keys)].itertuples(index=False)]
    if not finite.any():
        raise ValueError("no data to chart: none of the rows has a value")
    return frame, missing


def _area_colours(areas: Sequence[str]) -> list[str]:
    if len(areas) > len(AREA_COLOURS):
        raise ValueError(
            f"at most {len(AREA_COLOURS)} areas can be compared in one chart; the table has {len(areas)}: "
            + ", ".join(areas)
        )
    return list(AREA_COLOURS[: len(areas)])


def _text_colour(colour: str) -> str:
    """``colour`` darkened until text in it reads on white."""
    from matplotlib.colors import to_hex, to_rgb

    rgb = np.array(to_rgb(colour))
    luminance = float(rgb @ [0.299, 0.587, 0.114])
    if luminance <= 0.45:
        return to_hex(rgb)
    return to_hex(rgb * 0.45 / luminance)


def _legend_rows(fig: Figure, renderer: RendererBase, areas: Sequence[str], width: float) -> tuple[int, float]:
    """Columns and height (inches) of a one-entry-per-area legend that fits ``width``."""
    pt = _LABEL_PT
    entry = text_width(fig, renderer, areas, pt, fontweight="bold") + (1.2 + 0.5 + 1.6) * pt / 72
    ncol = max(1, min(len(areas), int((width + 1.6 * pt / 72) // entry)))
    rows = math.ceil(len(areas) / ncol)
    return ncol, rows * pt * 1.5 / 72


def _area_legend(fig: Figure, handles: list, areas: Sequence[str], ncol: int, top: float) -> None:
    """The areas' legend, left-aligned under the subtitle (``top`` in inches), the focus area in bold."""
    fig_w, fig_h = fig.get_size_inches()
    legend = fig.legend(
        handles,
        list(areas),
        loc="upper left",
        bbox_to_anchor=(_MARGIN / fig_w, top / fig_h),
        ncols=ncol,
        frameon=False,
        fontsize=_LABEL_PT,
        handlelength=1.2,
        handleheight=0.9,
        handletextpad=0.5,
        columnspacing=1.6,
        borderpad=0,
        borderaxespad=0,
    )
    legend.set_gid("areas")
    legend.get_texts()[0].set_fontweight("bold")


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

    frame, missing = _tidy(table, ("area", "theme"))
    areas = list(dict.fromkeys(frame["area"]))
    themes = list(dict.fromkeys(frame["theme"]))
    colours = _area_colours(areas)
    values = frame.pivot(index="theme", columns="area", values="value").reindex(index=themes, columns=areas)
    modelled = _modelled_grid(table, ("theme", "area"), values)
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
    margin = _MARGIN
    footer = list(notes)
    if missing:
        by_area = {a: [t for a2, t in missing if a2 == a] for a in areas}
        footer.append(
            "No bar, no value: " + "; ".join(f"{a} – {', '.join(ts)}" for a, ts in by_area.items() if ts) + "."
        )
    title_lines, note_lines, title_h, footer_h = _text_blocks(title, footer, fig_w, stamp)
    probe_fig, renderer = new_figure((fig_w, fig_h))
    ncol, legend_h = _legend_rows(probe_fig, renderer, areas, fig_w - 2 * margin)
    header_h = title_h + legend_h + 0.05
    xlabel_h = 0.55
    chrome_h = margin + header_h + xlabel_h + footer_h + margin
    thinnest = max(0.125 * k, 0.42)  # bars 0.1 in thick, and room for two-line theme names
    fig_h = min(max(fig_h, chrome_h + (n + 0.1) * thinnest), chrome_h + (n + 0.1) * 0.3125 * k)
    fig, renderer = new_figure((fig_w, fig_h))

    names = _theme_names(order)
    left = margin + text_width(fig, renderer, names, _TICK_PT) + 0.15
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
                        fontsize=_LABEL_PT - 1,
                        fontweight="bold",
                        color=_text_colour(colour),
                        gid="value-label",
                        annotation_clip=False,
                    )
                )
    ax.set_yticks(centres, names, fontsize=_TICK_PT, linespacing=1.1)
    ax.tick_params(axis="y", length=0, pad=6)
    _money_axis(ax, "x")
    ax.axvline(0, color="#444444", linewidth=0.9, zorder=3)
    ax.set_xlabel(measure, fontsize=_TICK_PT + 0.5, color=TEXT_DARK, labelpad=8)
    ax.set_ylim(-0.55, n - 0.45)

    finite = values.to_numpy()[np.isfinite(values.to_numpy())]
    lo, hi = min(0.0, float(finite.min())), max(0.0, float(finite.max()))
    span = (hi - lo) or max(abs(hi), 1.0)
    ax.set_xlim(lo - 0.02 * span * (lo < 0), (hi if hi > lo else lo + span) + 0.02 * span)
    _widen_for_labels(ax, renderer, labels, span)
    if finite.min() >= 0:
        ax.set_xlim(0, ax.get_xlim()[1])

    # ---- title, legend, stamp, footer
    subtitle = f"Themes in order of {areas[-1]}, largest at the top" if k > 1 else "Themes, largest at the top"
    _draw_header(fig, title_lines, subtitle, stamp)
    handles = [Patch(facecolor=c, edgecolor="none") for c in colours]
    _area_legend(fig, handles, areas, ncol, _subtitle_bottom(fig_h, title_lines) - 0.12)
    if hatched:
        handles = basis_handles(MUTED_COLOUR) if solid else basis_handles(MUTED_COLOUR, measured=None)
        ax.legend(handles=handles, loc="lower right", fontsize=_LABEL_PT, frameon=False)
    _draw_notes(fig, note_lines, footer_h)
    return fig


def _modelled_grid(table: pd.DataFrame, keys: tuple[str, str], values: pd.DataFrame) -> pd.DataFrame | None:
    """The ``modelled`` column of ``table`` laid out as ``values`` (rows ``keys[0]``, columns ``keys[1]``), or None.

    None when the table has no such column or no modelled money; missing parts are 0.
    """
    import pandas as pd

    if "modelled" not in table.columns:
        return None
    try:
        part = pd.to_numeric(table["modelled"], errors="raise").astype(float)
    except (TypeError, ValueError):
        raise ValueError("the column 'modelled' must hold numbers (pounds, the modelled part of 'value')") from None
    frame = pd.DataFrame({key: table[key].astype(str) for key in keys}).assign(modelled=part.to_numpy())
    grid = frame.pivot(index=keys[0], columns=keys[1], values="modelled").reindex_like(values).fillna(0.0)
    return grid if (grid.to_numpy() > 0).any() else None


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

    frame, _ = _tidy(table, ("year", "area"))
    areas = list(dict.fromkeys(frame["area"]))
    years = sorted(set(frame["year"]))
    colours = _area_colours(areas)
    values = frame.pivot(index="year", columns="area", values="value").reindex(index=years, columns=areas)
    grid = values.to_numpy()
    modelled = _modelled_grid(table, ("year", "area"), values)
    finite = grid[np.isfinite(grid)]
    n = len(years)
    missing = [(years[i], areas[j]) for j in range(len(areas)) for i in range(n) if not np.isfinite(grid[i, j])]

    # ---- the £ scale: from zero (or below, for negatives) to a round number above the largest value
    lo_raw, hi_raw = min(0.0, float(finite.min())), max(0.0, float(finite.max()))
    if hi_raw == lo_raw:
        hi_raw = lo_raw + 1.0
    ticks = MaxNLocator(nbins=5, steps=_NICE_STEPS).tick_values(lo_raw, hi_raw)
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
    margin = _MARGIN
    footer = list(notes)
    if missing:
        footer.append("No value: " + "; ".join(f"{a}, {y}" for y, a in missing) + ".")
    title_lines, note_lines, title_h, footer_h = _text_blocks(title, footer, fig_w, stamp)
    basis_h = 0.3 if modelled is not None else 0.0  # the key of the shaded parts, under the years
    fig_h += basis_h
    fig, renderer = new_figure((fig_w, fig_h))
    tick_w = text_width(fig, renderer, [_axis_gbp(t) for t in ticks], _TICK_PT)
    end_w = text_width(fig, renderer, [e[3] for e in ends], _LABEL_PT, fontweight="bold")
    ncol, legend_h = _legend_rows(fig, renderer, areas, fig_w - 2 * margin)
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
    ax.tick_params(axis="x", labelsize=_TICK_PT, colors=TEXT_DARK, length=0, pad=6)
    ax.set_xlim(-0.35 if n > 1 else -0.5, n - 1 + (0.35 if n > 1 else 0.5))
    _money_axis(ax, "y")
    ax.set_ylim(y_lo, y_hi)
    if y_lo < 0:
        ax.axhline(0, color="#444444", linewidth=0.9, zorder=2, gid="zero-line")
    ax.set_ylabel(measure, rotation=0, ha="left", va="bottom", fontsize=_TICK_PT + 0.5, color=TEXT_DARK)
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
            fontsize=_LABEL_PT,
            fontweight="bold",
            color=_text_colour(colours[j]),
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
        _area_legend(fig, handles, areas, ncol, _subtitle_bottom(fig_h, title_lines) - 0.12)

    # ---- title, stamp, footer
    subtitle = f"Financial year {years[0]}" if n == 1 else f"Financial years {years[0]} to {years[-1]}"
    _draw_header(fig, title_lines, subtitle, stamp)
    _draw_notes(fig, note_lines, footer_h)
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
    ax.legend(handles=handles, loc="upper left", ncols=2, fontsize=_LABEL_PT, frameon=False, borderaxespad=0)


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
