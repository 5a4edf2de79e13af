"""Charts of money beside need: spend per head against income deprivation, and a Lorenz curve.

Both use the house furniture of :mod:`tuttotal.figures.charts` (title, subtitle,
stamp, notes as a footer) and return plain matplotlib figures; save them
with :func:`tuttotal.figures.maps.save_figure`.

Examples
--------
>>> import pandas as pd
>>> need = pd.DataFrame({"ward_code": ["A", "B", "C"], "ward_name": ["Alpha", "Beta", "Gamma"],
...                      "per_head_gbp": [5000.0, 7000.0, 9000.0], "income_deprived_share": [0.05, 0.2, 0.4]})
>>> fig = need_scatter(need, title="Somewhere: spend per head and income deprivation", focus=["C"])
>>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "focus-label"]
['Gamma']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.figures.canvas import new_figure
from tuttotal.figures.furniture import BAR_COLOUR, draw_header, draw_notes, money_axis, percent_axis, text_blocks
from tuttotal.figures.style import LABEL_PT, POINT_COLOUR, STAMP_COLOUR, TEXT_DARK, TEXT_MUTED

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["lorenz_chart", "need_scatter"]

FOCUS_COLOUR = STAMP_COLOUR


def _frame(fig: Figure, title: str, subtitle: str, notes: Sequence[str], stamp: str | None):
    """Title, notes and the axes between them."""
    fig_w, fig_h = fig.get_size_inches()
    title_lines, note_lines, title_h, footer_h = text_blocks(title, notes, fig_w, stamp)
    draw_header(fig, title_lines, subtitle, stamp)
    draw_notes(fig, note_lines, footer_h)
    left, right = 0.9, 0.3
    bottom = footer_h + 0.65
    ax = fig.add_axes(
        (left / fig_w, bottom / fig_h, (fig_w - left - right) / fig_w, (fig_h - title_h - bottom - 0.2) / fig_h)
    )
    return ax


def need_scatter(
    need: pd.DataFrame,
    *,
    title: str,
    focus: Sequence[str] = (),
    notes: Sequence[str] = (),
    stamp: str | None = None,
    figsize: tuple[float, float] = (9, 6),
    x_label: str = "People income-deprived (IMD 2010 income domain)",
) -> Figure:
    """Spend per head (y, £) against income deprivation (x, share of people), one point per ward.

    Focus wards are drawn in red and named. The subtitle gives the
    correlation across wards.

    Parameters
    ----------
    need : pandas.DataFrame
        ``ward_code, ward_name, per_head_gbp, income_deprived_share``
        (:func:`tuttotal.analysis.deprivation.ward_need`). Wards without both values
        are left out (and counted in the subtitle).
    title : str
        Title naming the place and year.
    focus : sequence of str
        Ward codes to name.
    notes, stamp, figsize
        As :func:`tuttotal.figures.charts.theme_bars`.
    x_label : str
        What the x axis is (the source of the deprivation measure).

    Returns
    -------
    matplotlib.figure.Figure
        The chart is ``fig.axes[0]``; focus labels are texts with
        ``gid="focus-label"``.
    """
    x = need["income_deprived_share"].to_numpy(dtype=float)
    y = need["per_head_gbp"].to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        raise ValueError("no ward has both spend per head and income deprivation")
    r = float(np.corrcoef(x[ok], y[ok])[0, 1]) if ok.sum() > 2 and np.std(x[ok]) and np.std(y[ok]) else float("nan")
    subtitle = f"{int(ok.sum())} wards; correlation across wards r = {r:.2f}" if np.isfinite(r) else ""
    if (~ok).any():
        subtitle += f"; {int((~ok).sum())} ward(s) without both values left out"
    fig, _ = new_figure(figsize)
    ax = _frame(fig, title, subtitle, notes, stamp)
    is_focus = need["ward_code"].isin(list(focus)).to_numpy() & ok
    ax.scatter(
        x[ok & ~is_focus],
        y[ok & ~is_focus],
        s=18,
        color=POINT_COLOUR,
        edgecolor="white",
        linewidth=0.4,
        zorder=2,
        label="wards",
    )
    ax.scatter(x[is_focus], y[is_focus], s=42, color=FOCUS_COLOUR, edgecolor="white", linewidth=0.6, zorder=3)
    x_right = float(x[ok].max()) * 1.05 if float(x[ok].max()) > 0 else 1.0
    points = sorted(zip(y[is_focus], x[is_focus], need["ward_name"].to_numpy()[is_focus], strict=True), reverse=True)
    for i, (yi, xi, name) in enumerate(points):
        leftwards = xi > 0.7 * x_right
        ax.annotate(
            name,
            (xi, yi),
            xytext=(-9 if leftwards else 9, 10 if i % 2 == 0 else -14),
            textcoords="offset points",
            ha="right" if leftwards else "left",
            fontsize=LABEL_PT,
            color=FOCUS_COLOUR,
            fontweight="bold",
            gid="focus-label",
            arrowprops={"arrowstyle": "-", "color": FOCUS_COLOUR, "linewidth": 0.6},
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
    if ok.sum() > 2 and np.std(x[ok]):
        slope, intercept = np.polyfit(x[ok], y[ok], 1)
        xs = np.array([x[ok].min(), x[ok].max()])
        ax.plot(xs, intercept + slope * xs, color=TEXT_MUTED, linewidth=1.0, linestyle="--", zorder=1)
    money_axis(ax, "y")
    percent_axis(ax, "x")
    ax.spines["bottom"].set_visible(True)
    ax.set_xlabel(x_label, fontsize=LABEL_PT, color=TEXT_DARK)
    ax.set_ylabel("£ per head", fontsize=LABEL_PT, color=TEXT_DARK)
    ax.set_xlim(0, x_right)
    ax.set_ylim(bottom=min(0.0, float(np.nanmin(y[ok])) * 1.1))
    return fig


def lorenz_chart(
    share_of_wards: np.ndarray,
    share_of_spend: np.ndarray,
    gini: float,
    *,
    title: str,
    notes: Sequence[str] = (),
    stamp: str | None = None,
    figsize: tuple[float, float] = (7, 6.5),
) -> Figure:
    """The Lorenz curve of spend per head across wards, against the line of equality, with the Gini.

    Parameters
    ----------
    share_of_wards, share_of_spend, gini
        From :func:`tuttotal.analysis.deprivation.lorenz_gini`.
    title, notes, stamp, figsize
        As :func:`tuttotal.figures.charts.theme_bars`.

    Examples
    --------
    >>> import numpy as np
    >>> fig = lorenz_chart(np.linspace(0, 1, 5), np.array([0, .1, .3, .6, 1.]), 0.25, title="Somewhere")
    >>> [float(v) for v in fig.axes[0].get_xlim()]
    [0.0, 1.0]
    """
    fig, _ = new_figure(figsize)
    ax = _frame(fig, title, f"Gini coefficient {gini:.3f} (0 = every ward the same per head)", notes, stamp)
    ax.plot([0, 1], [0, 1], color="#bbbbbb", linewidth=1.0, linestyle="--", label="every ward the same")
    ax.fill_between(share_of_wards, share_of_spend, share_of_wards, color=BAR_COLOUR, alpha=0.12, linewidth=0)
    ax.plot(share_of_wards, share_of_spend, color=BAR_COLOUR, linewidth=2.0, label="wards, lowest per head first")
    percent_axis(ax, "x")
    percent_axis(ax, "y")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_aspect("auto")
    ax.set_xlabel("Share of wards (lowest spend per head first)", fontsize=LABEL_PT, color=TEXT_DARK)
    ax.set_ylabel("Share of the sum of spend per head", fontsize=LABEL_PT, color=TEXT_DARK)
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    return fig
