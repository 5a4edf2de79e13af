"""A place report's figures drawn from its tables: the comparisons, the need figures, "nothing placed".

Each function takes the tables of :mod:`tuttotal.analysis` (the focus
comparison, the theme per head beside the region, each ward's need) and the
place's words (its name, year, footer notes, stamp) and returns a
:class:`matplotlib.figure.Figure`, or None where the table has nothing to
draw. They load nothing; :class:`tuttotal.report.PlaceReport` draws each once
and :data:`tuttotal.writers.place.FIGURES` saves them.

Examples
--------
>>> fig = nothing_placed("Demo", "2008-09", "Nothing of the £5 input could be placed.", stamp="SYNTHETIC")
>>> [t.get_gid() for t in fig.texts]
['title', 'notes', 'stamp']
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tuttotal.analysis.deprivation import lorenz_gini
from tuttotal.count.apportion import MODELLED
from tuttotal.count.pilot_medians import ALL_THEMES
from tuttotal.figures.canvas import new_figure
from tuttotal.figures.charts import comparison_bars
from tuttotal.figures.maps import ward_map
from tuttotal.figures.need_charts import lorenz_chart, need_scatter

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from matplotlib.figure import Figure


def nothing_placed(place_name: str, year: str, text: str, stamp: str | None = None) -> Figure:
    """A figure that says nothing was placed, and why (``text``), in place of the themes' bars."""
    fig, _ = new_figure((8.0, 3.2))
    title = f"{place_name}: nothing placed, {year}"
    fig.text(0.03, 0.92, title, ha="left", va="top", fontsize=13, fontweight="bold", gid="title")
    fig.text(0.03, 0.74, "\n".join(textwrap.wrap(text, 95)), ha="left", va="top", fontsize=9.5, gid="notes")
    if stamp:
        fig.text(0.97, 0.92, stamp, ha="right", va="top", fontsize=9, fontweight="bold", gid="stamp")
    return fig


def focus_comparison_chart(
    table: pd.DataFrame,
    *,
    focus_names: Sequence[str],
    year: str,
    notes: Sequence[str],
    stamp: str | None = None,
    by_basis: pd.DataFrame | None = None,
) -> Figure | None:
    """Focus wards against their LAD, the place and the median pilot place, per head by theme.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`tuttotal.analysis.focus.focus_comparison_table` (its ``attrs["notes"]`` end the footer).
    focus_names : sequence of str
        The focus wards' names, for the title.
    year : str
        The year counted.
    notes : sequence of str
        The footer's lines.
    stamp : str, optional
        SYNTHETIC, ILLUSTRATIVE or nothing.
    by_basis : pandas.DataFrame, optional
        The same table ``by_basis`` (a real count): the modelled part of each bar is hatched.

    Returns
    -------
    Figure or None
        None when no ward has a value per head.
    """
    import numpy as np
    import pandas as pd

    charted = table.loc[table.theme != ALL_THEMES, "per_head_gbp"].to_numpy(dtype=float)
    if not len(table) or not np.isfinite(charted).any():  # no ward has people: no value per head to draw
        return None
    names = " and ".join(focus_names)
    others = list(dict.fromkeys(table.loc[table.level.isin(["LAD", "place"]), "area"]))
    against = " and ".join(others) if len(others) < 3 else ", ".join(others[:-1]) + " and " + others[-1]
    bars = table[table.theme != ALL_THEMES].rename(columns={"per_head_gbp": "value"})
    if by_basis is not None:  # the modelled part of each bar, hatched
        part = by_basis[by_basis["basis"] == MODELLED].set_index(["area", "theme"])["per_head_gbp"]
        keys = pd.MultiIndex.from_frame(bars[["area", "theme"]])
        bars = bars.assign(modelled=part.reindex(keys).fillna(0.0).to_numpy())
    return comparison_bars(
        bars,
        title=f"{names} against {against}: spending per head by theme, {year}",
        measure=f"£ per head, {year}",
        notes=[*notes, *table.attrs.get("notes", [])],
        stamp=stamp,
    )


def theme_per_head_chart(
    table: pd.DataFrame, *, place_name: str, year: str, notes: Sequence[str], stamp: str | None = None
) -> Figure | None:
    """Per head by theme against the region, England and the median pilot (a top-down year), or None if empty.

    ``table`` is :func:`tuttotal.analysis.per_head.theme_per_head_beside`: every bar modelled, hatched whole.
    """
    if not len(table):
        return None
    others = [a for a in dict.fromkeys(table.area) if a != place_name]
    bars = table[table.theme != ALL_THEMES].rename(columns={"per_head_gbp": "value"})
    return comparison_bars(
        bars[["area", "theme", "value"]].assign(modelled=bars["value"].where(bars["basis"] == MODELLED, 0.0)),
        title=f"{place_name} against {', '.join(others)}: spending per head by theme, {year}",
        measure=f"£ per head, {year}, cash",
        notes=[
            *notes,
            f"Region and England: the same lines of the regional analysis over their people of mid-{year[:4]}. "
            "Median pilot: the median of the 13 pilots' real counts.",
        ],
        stamp=stamp,
    )


def deprivation_map(
    wards: gpd.GeoDataFrame,
    need: pd.DataFrame,
    *,
    place_name: str,
    real_drivers: bool,
    focus: Sequence[str],
    notes: Sequence[str],
    attribution: str,
    stamp: str | None = None,
) -> Figure:
    """Ward map of the share of people income-deprived (``need``: :func:`tuttotal.analysis.need.place_ward_need`)."""
    return ward_map(
        wards.merge(need[["ward_code", "income_deprived_share"]], on="ward_code"),
        "income_deprived_share",
        title=f"{place_name}: people income-deprived by ward" + (" (IMD 2010)" if real_drivers else ""),
        measure="Share of people income-deprived",
        focus=list(focus),
        notes=list(notes),
        attribution=attribution,
        stamp=stamp,
        value_format="percent",
        cmap="OrRd",
    )


def need_chart(
    need: pd.DataFrame,
    *,
    place_name: str,
    year: str,
    theme: str = "",
    focus: Sequence[str],
    notes: Sequence[str],
    x_label: str,
    stamp: str | None = None,
) -> Figure:
    """Spend per head against income deprivation, wards as points (of one ``theme``'s spend, given one)."""
    return need_scatter(
        need,
        title=f"{place_name}: {f'{theme}, ' if theme else ''}spending per head and income deprivation by ward, {year}",
        focus=list(focus),
        notes=list(notes),
        stamp=stamp,
        x_label=x_label,
    )


def lorenz(need: pd.DataFrame, *, place_name: str, year: str, notes: Sequence[str], stamp: str | None = None) -> Figure:
    """Lorenz curve, Gini of spend per head across wards (``need``: :func:`~tuttotal.analysis.need.place_ward_need`)."""
    x, y, gini = lorenz_gini(need["per_head_gbp"])
    return lorenz_chart(
        x,
        y,
        gini,
        title=f"{place_name}: how evenly spending per head is spread across wards, {year}",
        notes=list(notes),
        stamp=stamp,
    )
