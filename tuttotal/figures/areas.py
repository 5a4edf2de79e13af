"""Areas side by side (a ward, its LAD, the place…): their tidy table, colours and legend, for bars and lines.

Shared by :func:`tuttotal.figures.charts.comparison_bars` and :func:`tuttotal.figures.trends.trend_lines`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.figures.furniture import (
    MARGIN,
    text_width,
)
from tuttotal.figures.style import (
    AREA_COLOURS,
    LABEL_PT,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure


__all__ = ["area_colours", "area_legend", "legend_rows", "modelled_grid", "text_colour", "tidy_areas"]


def tidy_areas(table: pd.DataFrame, keys: tuple[str, str]) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
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


def area_colours(areas: Sequence[str]) -> list[str]:
    if len(areas) > len(AREA_COLOURS):
        raise ValueError(
            f"at most {len(AREA_COLOURS)} areas can be compared in one chart; the table has {len(areas)}: "
            + ", ".join(areas)
        )
    return list(AREA_COLOURS[: len(areas)])


def text_colour(colour: str) -> str:
    """``colour`` darkened until text in it reads on white."""
    from matplotlib.colors import to_hex, to_rgb

    rgb = np.array(to_rgb(colour))
    luminance = float(rgb @ [0.299, 0.587, 0.114])
    if luminance <= 0.45:
        return to_hex(rgb)
    return to_hex(rgb * 0.45 / luminance)


def legend_rows(fig: Figure, renderer: RendererBase, areas: Sequence[str], width: float) -> tuple[int, float]:
    """Columns and height (inches) of a one-entry-per-area legend that fits ``width``."""
    pt = LABEL_PT
    entry = text_width(fig, renderer, areas, pt, fontweight="bold") + (1.2 + 0.5 + 1.6) * pt / 72
    ncol = max(1, min(len(areas), int((width + 1.6 * pt / 72) // entry)))
    rows = math.ceil(len(areas) / ncol)
    return ncol, rows * pt * 1.5 / 72


def area_legend(fig: Figure, handles: list, areas: Sequence[str], ncol: int, top: float) -> None:
    """The areas' legend, left-aligned under the subtitle (``top`` in inches), the focus area in bold."""
    fig_w, fig_h = fig.get_size_inches()
    legend = fig.legend(
        handles,
        list(areas),
        loc="upper left",
        bbox_to_anchor=(MARGIN / fig_w, top / fig_h),
        ncols=ncol,
        frameon=False,
        fontsize=LABEL_PT,
        handlelength=1.2,
        handleheight=0.9,
        handletextpad=0.5,
        columnspacing=1.6,
        borderpad=0,
        borderaxespad=0,
    )
    legend.set_gid("areas")
    legend.get_texts()[0].set_fontweight("bold")


def modelled_grid(table: pd.DataFrame, keys: tuple[str, str], values: pd.DataFrame) -> pd.DataFrame | None:
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
