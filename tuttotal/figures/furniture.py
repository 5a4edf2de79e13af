"""Page furniture of the charts: header (title, subtitle, stamp), notes as a footer, £ and % axes, text measures.

Shared by every chart module (:mod:`tuttotal.figures.charts`, :mod:`tuttotal.figures.trends`,
:mod:`tuttotal.figures.need_charts`, :mod:`tuttotal.figures.england_charts`) so that
their titles, notes and axes look and line up alike.

Examples
--------
>>> share_label(0.123)
'12%'
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tuttotal.figures.style import (
    GRID_COLOUR,
    HOUSE_BLUE,
    NOTE_PT,
    NOTE_TEXT,
    STAMP_BOX,
    STAMP_TEXT,
    SUBTITLE_PT,
    TEXT_DARK,
    TEXT_MUTED,
    TICK_PT,
    TITLE_PT,
)
from tuttotal.money import format_gbp

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text


__all__ = [
    "BAR_COLOUR",
    "MARGIN",
    "MUTED_COLOUR",
    "NICE_STEPS",
    "THEME_WRAP",
    "axis_gbp",
    "draw_header",
    "draw_notes",
    "money_axis",
    "percent_axis",
    "share_label",
    "subtitle_bottom",
    "text_blocks",
    "text_width",
    "theme_names",
    "widen_for_labels",
]

BAR_COLOUR = HOUSE_BLUE
#: Bars that are not what the chart measures (a transfer of function among cuts).
MUTED_COLOUR = "#b3b3b3"
THEME_WRAP = 30  # characters per line of a theme name
MARGIN = 0.15  # inches, round the figure
NICE_STEPS = [1, 2, 2.5, 5, 10]  # tick steps on a £ axis


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


def axis_gbp(value: float, _position: object = None) -> str:
    return "£0" if value == 0 else format_gbp(value * 100)


# --------------------------------------------------------------------------- shared layout and style
# Sizes are in inches unless named otherwise; the figure is laid out by hand so that
# text keeps its size (readable at 100 dpi) whatever the figure size.


def text_blocks(
    title: str, notes: Sequence[str], fig_w: float, stamp: str | None
) -> tuple[list[str], list[str], float, float]:
    """Title and note lines wrapped to the figure's width, and the heights of the title block and footer.

    The title block is the title and a one-line subtitle, with the gap under them.
    """
    margin = MARGIN
    stamp_w = (len(str(stamp)) * 0.65 * 10 / 72 + 0.35) if stamp else 0.0
    chars = max(30, int((fig_w - 2 * margin - stamp_w) * 72 / (0.58 * TITLE_PT)))
    title_lines = textwrap.wrap(title, chars) or [""]
    note_chars = max(30, int((fig_w - 2 * margin) * 72 / (0.55 * NOTE_PT)))
    note_lines = [line for note in notes for line in (textwrap.wrap(str(note), note_chars) or [""])]
    title_h = len(title_lines) * TITLE_PT * 1.3 / 72 + 11 * 1.4 / 72 + 0.3
    footer_h = len(note_lines) * NOTE_PT * 1.4 / 72 + (0.15 if note_lines else 0)
    return title_lines, note_lines, title_h, footer_h


def subtitle_bottom(fig_h: float, title_lines: Sequence[str]) -> float:
    """Height above the figure's bottom of the subtitle's lower edge."""
    return fig_h - MARGIN - len(title_lines) * TITLE_PT * 1.3 / 72 - 0.08 - 10 * 1.3 / 72


def theme_names(names: Sequence[str]) -> list[str]:
    """Theme names wrapped for tick labels."""
    return ["\n".join(textwrap.wrap(name, THEME_WRAP)) or name for name in names]


def text_width(fig: Figure, renderer: RendererBase, texts: Sequence[str], fontsize: float, **kwargs) -> float:
    """Width of the widest of ``texts`` at ``fontsize``, in inches (0 for none)."""
    probe = [fig.text(0, 0, text, fontsize=fontsize, linespacing=1.1, **kwargs) for text in texts]
    width = max((t.get_window_extent(renderer).width for t in probe), default=0.0) / fig.dpi
    for t in probe:
        t.remove()
    return width


def money_axis(ax: Axes, axis: str) -> None:
    """Style ``ax``'s ``axis`` (``"x"`` or ``"y"``) as a £ scale: short £ ticks, light grid, no frame but the base."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    scale = ax.xaxis if axis == "x" else ax.yaxis
    ax.tick_params(axis=axis, labelsize=TICK_PT, colors=TEXT_MUTED, length=0, pad=4)
    scale.set_major_locator(MaxNLocator(nbins=6, steps=NICE_STEPS))
    scale.set_major_formatter(FuncFormatter(axis_gbp))
    ax.grid(axis=axis, color=GRID_COLOUR, linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#bbbbbb")


def widen_for_labels(ax: Axes, renderer: RendererBase, labels: Sequence[Text], span: float) -> None:
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


def draw_header(fig: Figure, title_lines: Sequence[str], subtitle: str, stamp: str | None) -> None:
    """Title (bold, top left), subtitle under it, and the stamp boxed at the top right."""
    fig_w, fig_h = fig.get_size_inches()
    margin = MARGIN
    y_top = (fig_h - margin) / fig_h
    fig.text(
        margin / fig_w,
        y_top,
        "\n".join(title_lines),
        ha="left",
        va="top",
        fontsize=TITLE_PT,
        fontweight="bold",
        color=TEXT_DARK,
        gid="title",
    )
    fig.text(
        margin / fig_w,
        (fig_h - margin - len(title_lines) * TITLE_PT * 1.3 / 72 - 0.08) / fig_h,
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


def draw_notes(fig: Figure, note_lines: Sequence[str], footer_h: float) -> None:
    """Notes as a footer at the bottom left."""
    if not note_lines:
        return
    fig_w, fig_h = fig.get_size_inches()
    fig.text(
        MARGIN / fig_w,
        (MARGIN + footer_h - 0.05) / fig_h,
        "\n".join(note_lines),
        ha="left",
        va="top",
        gid="notes",
        **NOTE_TEXT,
    )


def percent_axis(ax, axis: str) -> None:
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    scale = ax.xaxis if axis == "x" else ax.yaxis
    scale.set_major_formatter(PercentFormatter(1.0, decimals=0))
    scale.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.tick_params(axis=axis, labelsize=TICK_PT, colors=TEXT_MUTED, length=0, pad=4)
    ax.grid(axis=axis, color=GRID_COLOUR, linewidth=0.8, zorder=0)
