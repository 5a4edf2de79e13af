"""A deep dive into one theme of a place's count: who spends it, on what, and where.

What ``notebooks/theme_deep_dive.ipynb`` calls, on a prepared
:class:`tuttotal.report.PlaceReport`.

Examples
--------
>>> from tuttotal import report, deep_dive
>>> run = report.prepare(place="demo")  # doctest: +SKIP
>>> theme = deep_dive.choose_theme(run)  # doctest: +SKIP
>>> theme  # doctest: +SKIP
'older people'
>>> deep_dive.by_agency_and_function(run, theme).index.tolist()  # doctest: +SKIP
['dwp', 'council']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import InputError
from .names import normalise, suggest

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from .report import PlaceReport


def themes_of(run: PlaceReport) -> list[str]:
    """The themes of a count, largest first."""
    return list(run.theme_totals().index)


def choose_theme(run: PlaceReport, theme: str = "") -> str:
    """The theme to dive into: ``theme`` (case and spacing ignored), else the place's reported theme, else the largest.

    Raises
    ------
    InputError
        For a theme the count does not have, with the closest suggested.
    """
    available = themes_of(run)
    by_key = {normalise(t): t for t in available}
    if theme:
        if normalise(theme) in by_key:
            return by_key[normalise(theme)]
        raise InputError(
            f"{run.place.name}'s count has no theme {theme!r}.{suggest(theme, available)}",
            fix="choose one of: " + ", ".join(available),
        )
    for reported in run.place.themes:
        if normalise(reported) in by_key:
            return by_key[normalise(reported)]
    return available[0]


def theme_spend(run: PlaceReport, theme: str) -> pd.DataFrame:
    """The rows of the count's ward spend in one theme."""
    spend = run.count.ward_spend
    return spend[spend.theme == theme]


def by_agency_and_function(run: PlaceReport, theme: str) -> pd.DataFrame:
    """Pounds of the theme by agency type (rows) and COFOG function (columns), largest first, with totals."""
    table = theme_spend(run, theme).pivot_table(
        index="agency_type", columns="function", values="amount_pence", aggfunc="sum", fill_value=0
    )
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index] / 100
    table["total"] = table.sum(axis=1)
    table.columns.name = None
    return table


def by_agency(run: PlaceReport, theme: str) -> pd.Series:
    """Pounds of the theme by named agency, largest first."""
    return (theme_spend(run, theme).groupby("agency")["amount_pence"].sum() / 100).sort_values(ascending=False)


def ward_ranking(run: PlaceReport, theme: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` wards carrying most of the theme per head (in total without a population driver)."""
    table = run.ward_theme()
    table = table[table.theme == theme].copy()
    table["amount_gbp"] = table["amount_pence"] / 100
    measure = "per_head_gbp" if "per_head_gbp" in table else "amount_gbp"
    table["share_of_place"] = table["amount_gbp"] / table["amount_gbp"].sum()
    lad_names = dict(zip(run.wards.lad_code, run.wards.lad_name, strict=True))
    table["lad_name"] = table["lad_code"].map(lad_names)
    columns = ["ward_code", "ward_name", "lad_name", "amount_gbp", "share_of_place"]
    columns += ["population", "per_head_gbp"] if measure == "per_head_gbp" else []
    ranked = table.sort_values(measure, ascending=False, ignore_index=True)[columns].head(n)
    ranked.index = ranked.index + 1
    return ranked


def theme_map(run: PlaceReport, theme: str, *, scheme: str = "quantiles", k: int = 5) -> Figure:
    """Choropleth of the theme's spend per head (or in total) by ward, focus wards outlined."""
    from .maps import ward_map

    table = run.ward_theme()
    table = table[table.theme == theme].set_index("ward_code")
    per_head = "per_head_gbp" in table
    wards = run.wards.copy()
    column = "per_head_gbp" if per_head else "amount_gbp"
    values = table["per_head_gbp"] if per_head else table["amount_pence"] / 100
    wards[column] = wards["ward_code"].map(values)
    return ward_map(
        wards,
        column,
        title=f"{run.place.name}: {theme}, spending {'per head' if per_head else 'in total'} by ward, {run.year}",
        measure="£ per head" if per_head else "£ total",
        focus=list(run.focus["ward_code"]),
        scheme=scheme,
        k=k,
        notes=run.figure_notes,
        attribution=run.attribution,
        stamp=run.stamp,
    )


def focus_against_place(run: PlaceReport, theme: str) -> pd.DataFrame:
    """The theme per head in each focus ward, its LAD, the place and the median pilot place."""
    table = run.focus_comparison()
    return table[table.theme == theme].drop(columns="theme").reset_index(drop=True)


def theme_need(run: PlaceReport, theme: str) -> pd.DataFrame:
    """Each ward's spend on ``theme`` beside its people and income deprivation (``amount_gbp`` is the theme's)."""
    from .deprivation import ward_need

    totals = theme_spend(run, theme).groupby("ward_code")["amount_pence"].sum() / 100
    wards = run.wards[["ward_code", "ward_name", "lad_code", "lad_name"]].copy()
    wards["amount_gbp"] = wards["ward_code"].map(totals).fillna(0.0)
    return ward_need(wards, run.ward_drivers_wide())


def theme_most_deprived(run: PlaceReport, theme: str) -> pd.DataFrame:
    """Share of the theme's spend, and of the people, in the most income-deprived 10% and 20% of wards."""
    from .deprivation import spend_in_most_deprived

    return spend_in_most_deprived(theme_need(run, theme))


def theme_need_chart(run: PlaceReport, theme: str) -> Figure | None:
    """The theme's spend per head against income deprivation, wards as points (None without drivers)."""
    from .need_charts import need_scatter

    if not run.has_need:
        return None
    return need_scatter(
        theme_need(run, theme),
        title=f"{run.place.name}: {theme}, spending per head and income deprivation by ward, {run.year}",
        focus=list(run.focus["ward_code"]),
        notes=run.need_notes,
        stamp=run.stamp,
        x_label=run.deprivation_label,
    )
