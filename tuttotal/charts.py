"""Charts for reports: spend by theme as sorted, labelled horizontal bars.

:func:`theme_bars` draws one bar per theme, largest at the top, each
labelled with its amount and its share of the total, on a £ axis, with
notes as a footer. Like :mod:`tuttotal.maps`, figures are plain
:class:`matplotlib.figure.Figure` objects (no pyplot state): they draw
headless and show themselves in a notebook. Save them with
:func:`tuttotal.maps.save_figure`.

Examples
--------
>>> import pandas as pd
>>> from tuttotal import charts
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

from .maps import new_figure
from .money import format_gbp

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["share_label", "theme_bars"]

BAR_COLOUR = "#2b6f9e"
NEGATIVE_COLOUR = "#b4533a"
TEXT_DARK = "#1a1a1a"
TEXT_MUTED = "#555555"
STAMP_COLOUR = "#9b2226"

_TITLE_PT = 13
_LABEL_PT = 9.5
_TICK_PT = 9.5
_NOTE_PT = 9
_THEME_WRAP = 30  # characters per line of a theme name


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


def theme_bars(
    totals: pd.Series,
    *,
    title: str,
    measure: str = "£",
    notes: Sequence[str] = (),
    stamp: str | None = None,
    figsize: tuple[float, float] = (9, 5.5),
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
    from matplotlib.ticker import FuncFormatter, MaxNLocator

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
    margin = 0.15
    stamp_w = (len(str(stamp)) * 0.65 * 10 / 72 + 0.35) if stamp else 0.0
    chars = max(30, int((fig_w - 2 * margin - stamp_w) * 72 / (0.58 * _TITLE_PT)))
    title_lines = textwrap.wrap(title, chars) or [""]
    subtitle = f"Total {_axis_gbp(total)} across {n} theme{'' if n == 1 else 's'}"
    if (values < 0).any():
        subtitle += " (net of negative amounts)"
    note_chars = max(30, int((fig_w - 2 * margin) * 72 / (0.55 * _NOTE_PT)))
    footer = list(notes)
    if missing:
        footer.append(f"Not shown, no value: {', '.join(missing)}.")
    note_lines = [line for note in footer for line in (textwrap.wrap(str(note), note_chars) or [""])]
    title_h = len(title_lines) * _TITLE_PT * 1.3 / 72 + 11 * 1.4 / 72 + 0.3
    footer_h = len(note_lines) * _NOTE_PT * 1.4 / 72 + (0.15 if note_lines else 0)
    xlabel_h = 0.55

    names = ["\n".join(textwrap.wrap(name, _THEME_WRAP)) or name for name in values.index]
    probe = [fig.text(0, 0, name, fontsize=_TICK_PT, linespacing=1.1) for name in names]
    label_w = max(t.get_window_extent(renderer).width for t in probe) / fig.dpi
    for t in probe:
        t.remove()
    left = margin + label_w + 0.15
    bottom = margin + footer_h + xlabel_h
    top = fig_h - margin - title_h
    width = max(1.0, fig_w - left - margin - 0.1)
    ax = fig.add_axes((left / fig_w, bottom / fig_h, width / fig_w, (top - bottom) / fig_h), label="bars")

    # ---- bars, largest at the top
    y = np.arange(n)[::-1]
    colours = [NEGATIVE_COLOUR if v < 0 else BAR_COLOUR for v in values]
    ax.barh(y, values.to_numpy(), height=0.68, color=colours, zorder=2)
    ax.set_yticks(y, names, fontsize=_TICK_PT, linespacing=1.1)
    ax.tick_params(axis="y", length=0, pad=6)
    ax.tick_params(axis="x", labelsize=_TICK_PT, colors=TEXT_MUTED, length=0, pad=4)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(_axis_gbp))
    ax.grid(axis="x", color="#e3e3e3", linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#bbbbbb")
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
    for _ in range(4):
        fig.draw_without_rendering()
        to_data = ax.transData.inverted()
        right = max(to_data.transform((t.get_window_extent(renderer).x1, 0))[0] for t in labels)
        leftmost = min(to_data.transform((t.get_window_extent(renderer).x0, 0))[0] for t in labels)
        x0, x1 = ax.get_xlim()
        new = (min(x0, leftmost - 0.01 * span), max(x1, right + 0.01 * span))
        if new == (x0, x1):
            break
        ax.set_xlim(*new)
    if values.min() >= 0:
        ax.set_xlim(0, ax.get_xlim()[1])

    # ---- title, subtitle, stamp, footer
    y_top = (fig_h - margin) / fig_h
    fig.text(margin / fig_w, y_top, "\n".join(title_lines), ha="left", va="top", fontsize=_TITLE_PT,
             fontweight="bold", color=TEXT_DARK, gid="title")
    fig.text(margin / fig_w, (fig_h - margin - len(title_lines) * _TITLE_PT * 1.3 / 72 - 0.08) / fig_h,
             subtitle, ha="left", va="top", fontsize=10, color=TEXT_MUTED, gid="subtitle")
    if stamp:
        fig.text((fig_w - margin) / fig_w, y_top, str(stamp), ha="right", va="top", fontsize=10,
                 fontweight="bold", color=STAMP_COLOUR, gid="stamp",
                 bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": STAMP_COLOUR,
                       "linewidth": 1.0})
    if note_lines:
        fig.text(margin / fig_w, (margin + footer_h - 0.05) / fig_h, "\n".join(note_lines), ha="left",
                 va="top", fontsize=_NOTE_PT, color="#333333", linespacing=1.35, gid="notes")
    return fig
