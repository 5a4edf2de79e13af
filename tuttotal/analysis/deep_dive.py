"""A deep dive into one theme of a place's count: who spends it, on what, and where.

Tables only: every function takes the count's tables (ward spend, wards,
the ward-by-theme table, drivers, the pilots' reported themes:
:func:`tuttotal.data.pilot_themes.read_pilot_themes`) and a theme; none reads a file. The figures of the deep dive
are :meth:`tuttotal.report.maps.MapsSection.theme_map` and
:meth:`~tuttotal.report.need.NeedSection.theme_chart`;
``notebooks/theme_deep_dive.ipynb`` puts them together.

Examples
--------
>>> import pandas as pd
>>> spend = pd.DataFrame({"ward_code": ["W1", "W2", "W2"], "theme": ["older people", "older people", "other"],
...                       "agency": ["Kent CC", "NHS Kent", "Kent CC"], "agency_type": ["council", "nhs", "council"],
...                       "function": ["10.2", "07", "10.2"], "amount_pence": [500, 1500, 700]})
>>> by_agency(spend, "older people").to_dict()
{'NHS Kent': 15.0, 'Kent CC': 5.0}
>>> int(theme_spend(spend, ALL_THEMES).amount_pence.sum())
2700
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tuttotal.analysis.breakdown import BASES
from tuttotal.analysis.compare import ALL_THEMES
from tuttotal.analysis.deprivation import spend_in_most_deprived, ward_need
from tuttotal.count.themes import load_themes
from tuttotal.errors import InputError
from tuttotal.names import normalise, suggest

if TYPE_CHECKING:
    import pandas as pd

    from tuttotal.data.places import Place

__all__ = [
    "ALL_THEMES",
    "by_agency",
    "by_agency_and_function",
    "check_theme",
    "choose_theme",
    "file_slug",
    "focus_against_place",
    "theme_most_deprived",
    "theme_need",
    "theme_spend",
    "ward_ranking",
    "ward_theme_totals",
    "why_theme",
]


def choose_theme(available: Sequence[str], place: Place, theme: str = "", *, pilot_themes: pd.DataFrame) -> str:
    """The theme to dive into: ``theme``, else the place's own reported theme, else the largest.

    A reported theme is found by name among the count's themes, else through
    ``data/pilot_themes.csv`` (the Coventry, Solihull and Warwickshire pilot's
    children and young people; Kent's Margate task force, a place-based
    theme, is ``all themes`` of its focus wards).

    Parameters
    ----------
    available : sequence of str
        The count's themes, largest first (``PlaceReport.theme_totals().index``).
    place : Place
        The place, for the themes it reported (``place.themes``) and its name.
    theme : str
        The theme asked for; empty to choose.
    pilot_themes : pandas.DataFrame
        ``reported, theme`` of each theme a pilot reported
        (:func:`tuttotal.data.pilot_themes.read_pilot_themes`).

    Raises
    ------
    InputError
        For a theme the count does not have, with the closest suggested.

    Examples
    --------
    >>> from tuttotal.data import places
    >>> from tuttotal.data.pilot_themes import read_pilot_themes
    >>> choose_theme(["health", "older people"], places.get_place("demo"), pilot_themes=read_pilot_themes())
    'older people'
    """
    available = list(available)
    by_key = {normalise(t): t for t in [*available, ALL_THEMES]}
    if theme:
        if normalise(theme) in by_key:
            return by_key[normalise(theme)]
        raise InputError(
            f"{place.name}'s count has no theme {theme!r}.{suggest(theme, available)}",
            fix="choose one of: " + ", ".join([*available, ALL_THEMES]),
        )
    mapped = {normalise(r.reported): r.theme for r in pilot_themes.itertuples()}
    for reported in place.themes:
        for key in (normalise(reported), normalise(mapped.get(normalise(reported), ""))):
            if key and key in by_key:
                return by_key[key]
    return available[0]


def check_theme(theme: str, spend: pd.DataFrame | None = None, option: str = "--theme") -> str:
    """Refuse, before a run, a theme no count can have: not in ``data/themes.csv``, nor a spend row's own.

    Parameters
    ----------
    theme : str
        The theme asked for (any case and spacing).
    spend : pandas.DataFrame, optional
        The place's spend table, whose ``theme`` column may name themes of its own.

    Raises
    ------
    InputError
        Naming the theme, the closest ones and every theme there is (exit code 2).

    Examples
    --------
    >>> check_theme("Older People")
    'Older People'
    >>> check_theme("older peple")
    Traceback (most recent call last):
    ...
    tuttotal.errors.InputError: --theme 'older peple': the count has no such theme. Did you mean 'older people'?...
    """
    known = [t for t in dict.fromkeys(load_themes()["theme"]) if t]
    if spend is not None and "theme" in spend:
        known += [t for t in dict.fromkeys(spend["theme"].fillna("").astype(str).str.strip()) if t and t not in known]
    known.append(ALL_THEMES)
    if normalise(theme) not in {normalise(t) for t in known}:
        raise InputError(
            f"{option} {theme!r}: the count has no such theme.{suggest(theme, known)}",
            fix="choose one of: " + ", ".join(known),
        )
    return theme


def why_theme(place: Place, theme: str, *, pilot_themes: pd.DataFrame) -> str:
    """One sentence on why the deep dive looks at ``theme``.

    ``pilot_themes`` is ``reported, theme, reason`` of each theme a pilot reported
    (:func:`tuttotal.data.pilot_themes.read_pilot_themes`).

    Examples
    --------
    >>> from tuttotal.data import places
    >>> from tuttotal.data.pilot_themes import read_pilot_themes
    >>> "task force" in why_theme(places.get_place("kent"), "all themes", pilot_themes=read_pilot_themes())
    True
    """
    for reported in place.themes:
        for row in pilot_themes.itertuples():
            if normalise(row.reported) == normalise(reported) and normalise(row.theme) == normalise(theme):
                return f"{place.name} reported '{reported}': {row.reason}."
        if normalise(reported) == normalise(theme):
            return f"{place.name} reported '{reported}'."
    return f"{place.name} reported no theme the count holds: its largest theme is shown."


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


def theme_spend(ward_spend: pd.DataFrame, theme: str) -> pd.DataFrame:
    """The rows of the count's ward spend in one theme (every row for ``all themes``)."""
    return ward_spend if theme == ALL_THEMES else ward_spend[ward_spend.theme == theme]


def ward_theme_totals(ward_theme: pd.DataFrame, theme: str) -> pd.DataFrame:
    """The ward-by-theme table (:func:`~tuttotal.analysis.breakdown.ward_theme`) for one theme, or all per ward.

    A table with a row per basis (``ward_theme(..., by_basis=True)``) gives one
    row per ward too, with ``measured_pence`` and ``modelled_pence`` beside
    ``amount_pence`` (their sum).
    """
    if "basis" in ward_theme:
        return _by_ward_with_basis(ward_theme, theme)
    if theme != ALL_THEMES:
        return ward_theme[ward_theme.theme == theme].copy()
    sums = ward_theme.groupby(["ward_code", "ward_name", "lad_code"], as_index=False)["amount_pence"].sum()
    if "population" in ward_theme:
        people = ward_theme.drop_duplicates("ward_code").set_index("ward_code")["population"]
        sums["population"] = sums["ward_code"].map(people)
        sums["per_head_gbp"] = (sums["amount_pence"] / 100 / sums["population"]).where(sums["population"] > 0)
    sums["theme"] = ALL_THEMES
    return sums


def _by_ward_with_basis(ward_theme: pd.DataFrame, theme: str) -> pd.DataFrame:
    """:func:`ward_theme_totals` of a table with a row per basis: one row per ward, its pence by basis beside."""
    rows = ward_theme if theme == ALL_THEMES else ward_theme[ward_theme.theme == theme]
    keys = ["ward_code", "ward_name", "lad_code"]
    sums = rows.groupby(keys, as_index=False)["amount_pence"].sum()
    for basis in BASES:
        part = rows[rows["basis"] == basis].groupby("ward_code")["amount_pence"].sum()
        sums[f"{basis}_pence"] = sums["ward_code"].map(part).fillna(0).astype("int64")
    if "population" in rows:
        people = rows.drop_duplicates("ward_code").set_index("ward_code")["population"]
        sums["population"] = sums["ward_code"].map(people)
        sums["per_head_gbp"] = (sums["amount_pence"] / 100 / sums["population"]).where(sums["population"] > 0)
    sums["theme"] = theme
    return sums


def by_agency_and_function(ward_spend: pd.DataFrame, theme: str) -> pd.DataFrame:
    """Pounds of the theme by agency type (rows) and COFOG function (columns), largest first, with totals."""
    table = theme_spend(ward_spend, theme).pivot_table(
        index="agency_type", columns="function", values="amount_pence", aggfunc="sum", fill_value=0
    )
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index] / 100
    table["total"] = table.sum(axis=1)
    table.columns.name = None
    return table


def by_agency(ward_spend: pd.DataFrame, theme: str) -> pd.Series:
    """Pounds of the theme by named agency, largest first."""
    totals = theme_spend(ward_spend, theme).groupby("agency")["amount_pence"].sum() / 100
    return totals.sort_values(ascending=False)


def ward_ranking(ward_theme: pd.DataFrame, wards: pd.DataFrame, theme: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` wards carrying most of the theme per head (in total without a population driver).

    Parameters
    ----------
    ward_theme : pandas.DataFrame
        The ward-by-theme table (:func:`tuttotal.analysis.breakdown.ward_theme`).
    wards : pandas.DataFrame
        ``ward_code, lad_code, lad_name`` of every ward.
    theme : str
        A theme of the count, or ``all themes``.
    n : int
        How many wards.

    Given a ward-by-theme table with a row per basis (``ward_theme(...,
    by_basis=True)``), each ward's ``measured_gbp`` and ``modelled_gbp`` come
    beside its ``amount_gbp`` (their sum).
    """
    table = ward_theme_totals(ward_theme, theme)
    table["amount_gbp"] = table["amount_pence"] / 100
    parts = [f"{basis}_gbp" for basis in BASES if f"{basis}_pence" in table]
    for part in parts:
        table[part] = table[part.replace("_gbp", "_pence")] / 100
    measure = "per_head_gbp" if "per_head_gbp" in table else "amount_gbp"
    table["share_of_place"] = table["amount_gbp"] / table["amount_gbp"].sum()
    lad_names = dict(zip(wards.lad_code, wards.lad_name, strict=True))
    table["lad_name"] = table["lad_code"].map(lad_names)
    columns = ["ward_code", "ward_name", "lad_name", "amount_gbp", *parts, "share_of_place"]
    columns += ["population", "per_head_gbp"] if measure == "per_head_gbp" else []
    ranked = table.sort_values(measure, ascending=False, ignore_index=True)[columns].head(n)
    ranked.index = ranked.index + 1
    return ranked


def focus_against_place(comparison: pd.DataFrame, theme: str) -> pd.DataFrame:
    """The theme per head in each focus ward, its LAD, the place and the median pilot place.

    ``comparison`` is the focus comparison (:func:`tuttotal.analysis.compare.focus_comparison`).
    """
    return comparison[comparison.theme == theme].drop(columns="theme").reset_index(drop=True)


def theme_need(
    ward_spend: pd.DataFrame, wards: pd.DataFrame, drivers_wide: pd.DataFrame | None, theme: str
) -> pd.DataFrame:
    """Each ward's spend on ``theme`` beside its people and income deprivation (``amount_gbp`` is the theme's).

    ``drivers_wide`` is one row per ward with a column per driver
    (``PlaceReport.ward_drivers_wide()``).
    """
    totals = theme_spend(ward_spend, theme).groupby("ward_code")["amount_pence"].sum() / 100
    table = wards[["ward_code", "ward_name", "lad_code", "lad_name"]].copy()
    table["amount_gbp"] = table["ward_code"].map(totals).fillna(0.0)
    return ward_need(table, drivers_wide)


def theme_most_deprived(theme_need_table: pd.DataFrame) -> pd.DataFrame:
    """Share of the theme's spend, and of the people, in the most income-deprived 10% and 20% of wards."""
    return spend_in_most_deprived(theme_need_table)
