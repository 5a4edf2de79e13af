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


def pilot_theme_table() -> pd.DataFrame:
    """``data/pilot_themes.csv``: each theme a pilot reported, the count's theme that holds it, and why."""
    import pandas as pd

    from . import paths

    path = paths.data_dir() / "pilot_themes.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.attrs["source"] = str(path)
    return table


def choose_theme(run: PlaceReport, theme: str = "") -> str:
    """The theme to dive into: ``theme``, else the place's own reported theme, else the largest.

    A reported theme is found by name among the count's themes, else through
    ``data/pilot_themes.csv`` (the Coventry, Solihull and Warwickshire pilot's
    children and young people; Kent's Margate task force, a place-based
    theme, is ``all themes`` of its focus wards).

    Raises
    ------
    InputError
        For a theme the count does not have, with the closest suggested.
    """
    from .compare import ALL_THEMES

    available = themes_of(run)
    by_key = {normalise(t): t for t in [*available, ALL_THEMES]}
    if theme:
        if normalise(theme) in by_key:
            return by_key[normalise(theme)]
        raise InputError(
            f"{run.place.name}'s count has no theme {theme!r}.{suggest(theme, available)}",
            fix="choose one of: " + ", ".join([*available, ALL_THEMES]),
        )
    mapped = {normalise(r.reported): r.theme for r in pilot_theme_table().itertuples()}
    for reported in run.place.themes:
        for key in (normalise(reported), normalise(mapped.get(normalise(reported), ""))):
            if key and key in by_key:
                return by_key[key]
    return available[0]


def why_theme(run: PlaceReport, theme: str) -> str:
    """One sentence on why the deep dive looks at ``theme``."""
    for reported in run.place.themes:
        for row in pilot_theme_table().itertuples():
            if normalise(row.reported) == normalise(reported) and normalise(row.theme) == normalise(theme):
                return f"{run.place.name} reported '{reported}': {row.reason}."
        if normalise(reported) == normalise(theme):
            return f"{run.place.name} reported '{reported}'."
    return f"{run.place.name} reported no theme the count holds: its largest theme is shown."


def file_slug(theme: str) -> str:
    """A theme as part of a file name: letters, digits and ``-`` kept, anything else one ``_``.

    A theme comes from a spend file and may hold ``/`` or ``..``; its files stay in the output folder.

    Examples
    --------
    >>> file_slug("older people"), file_slug("=cmd|' /C calc'!A0"), file_slug("../../etc")
    ('older_people', '_cmd_C_calc_A0', '_etc')
    """
    import re

    return re.sub(r"[^\w-]+", "_", theme, flags=re.ASCII) or "_"


def theme_spend(run: PlaceReport, theme: str) -> pd.DataFrame:
    """The rows of the count's ward spend in one theme (every row for ``all themes``)."""
    from .compare import ALL_THEMES

    spend = run.count.ward_spend
    return spend if theme == ALL_THEMES else spend[spend.theme == theme]


def _ward_theme(run: PlaceReport, theme: str) -> pd.DataFrame:
    """``run.ward_theme()`` for one theme, or every theme added up per ward."""
    from .compare import ALL_THEMES

    table = run.ward_theme()
    if theme != ALL_THEMES:
        return table[table.theme == theme].copy()
    sums = table.groupby(["ward_code", "ward_name", "lad_code"], as_index=False)["amount_pence"].sum()
    if "population" in table:
        people = table.drop_duplicates("ward_code").set_index("ward_code")["population"]
        sums["population"] = sums["ward_code"].map(people)
        sums["per_head_gbp"] = (sums["amount_pence"] / 100 / sums["population"]).where(sums["population"] > 0)
    sums["theme"] = ALL_THEMES
    return sums


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
    table = _ward_theme(run, theme)
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

    table = _ward_theme(run, theme).set_index("ward_code")
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
