"""Breakdowns of a count: theme by agency, ward by theme, ward profiles with shares and ranks.

All functions take the ``ward_spend`` table of a :class:`tuttotal.count.apportion.Count`
(``ward_code, agency, agency_type, function, theme, method, amount_pence``)
and return tidy pandas tables in pounds.

Examples
--------
>>> import pandas as pd
>>> spend = pd.DataFrame({"ward_code": ["W1", "W1", "W2"], "agency_type": ["nhs", "council", "nhs"],
...                       "theme": ["health", "health", "health"], "amount_pence": [100, 50, 250]})
>>> theme_by_agency(spend).loc["health"].to_dict()
{'nhs': 3.5, 'council': 0.5, 'all agencies': 4.0}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

ALL_AGENCIES = "all agencies"
BASES = ("measured", "modelled")


def with_basis(ward_spend: pd.DataFrame) -> pd.DataFrame:
    """``ward_spend`` with a ``basis`` column: a table without one is a body's own books, all ``measured``.

    As :func:`tuttotal.count.apportion.apportion` reads a spend table.
    """
    return ward_spend if "basis" in ward_spend.columns else ward_spend.assign(basis="measured")


def theme_by_agency(ward_spend: pd.DataFrame, *, by_basis: bool = False) -> pd.DataFrame:
    """Pounds by theme (rows, largest first) and agency type (columns, largest first), with totals.

    With ``by_basis``, one row per theme and basis (``measured`` first), indexed
    by ``theme`` and ``basis``: a theme's rows add up to its row without it
    (a basis with no money for the theme has no row).

    Examples
    --------
    >>> import pandas as pd
    >>> spend = pd.DataFrame({"agency_type": ["council", "nhs", "council"], "theme": ["health"] * 3,
    ...                       "basis": ["measured", "modelled", "modelled"], "amount_pence": [100, 250, 50]})
    >>> theme_by_agency(spend, by_basis=True).reset_index().values.tolist()
    [['health', 'measured', 0.0, 1.0, 1.0], ['health', 'modelled', 2.5, 0.5, 3.0]]
    """
    if not by_basis:
        table = ward_spend.pivot_table(
            index="theme", columns="agency_type", values="amount_pence", aggfunc="sum", fill_value=0
        )
        table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
        table = table[table.sum(axis=0).sort_values(ascending=False).index]
    else:
        whole = theme_by_agency(ward_spend)  # the themes and agency types in its order
        table = with_basis(ward_spend).pivot_table(
            index=["theme", "basis"], columns="agency_type", values="amount_pence", aggfunc="sum", fill_value=0
        )
        table = table[(table != 0).any(axis=1)]  # no row for a basis without money for the theme
        theme_at = {theme: i for i, theme in enumerate(whole.index)}
        keys = [(theme_at[theme], BASES.index(basis) if basis in BASES else len(BASES)) for theme, basis in table.index]
        table = table.iloc[sorted(range(len(table)), key=keys.__getitem__)]
        table = table[[c for c in whole.columns if c in table.columns]]
    table[ALL_AGENCIES] = table.sum(axis=1)
    table.columns.name = None
    return table / 100


def ward_theme(
    ward_spend: pd.DataFrame,
    wards: pd.DataFrame,
    population: pd.Series | None = None,
    *,
    by_basis: bool = False,
) -> pd.DataFrame:
    """``ward_code, ward_name, lad_code, theme[, basis], amount_pence[, population, per_head_gbp]``.

    One row per ward and theme, or per ward, theme and basis (``measured``,
    ``modelled``) with ``by_basis``: the rows of a ward and theme then add
    up to its row without it.

    Examples
    --------
    >>> import pandas as pd
    >>> spend = pd.DataFrame({"ward_code": ["W1", "W1"], "theme": ["health", "health"],
    ...                       "basis": ["measured", "modelled"], "amount_pence": [100, 300]})
    >>> wards = pd.DataFrame({"ward_code": ["W1"], "ward_name": ["One"], "lad_code": ["L"]})
    >>> ward_theme(spend, wards, by_basis=True)[["basis", "amount_pence"]].values.tolist()
    [['measured', 100], ['modelled', 300]]
    >>> int(ward_theme(spend, wards).amount_pence.sum())
    400
    """
    keys = ["ward_code", "theme", "basis"] if by_basis else ["ward_code", "theme"]
    if by_basis:
        ward_spend = with_basis(ward_spend)
    spend = ward_spend.groupby(keys, as_index=False)["amount_pence"].sum()
    table = wards[["ward_code", "ward_name", "lad_code"]].merge(spend, on="ward_code", how="inner")
    if population is not None:
        table["population"] = table["ward_code"].map(population).astype(float)  # nothing placed: empty, not text
        table["per_head_gbp"] = (table["amount_pence"] / 100 / table["population"]).where(table["population"] > 0)
    return table.sort_values(keys, ignore_index=True)


def basis_totals(ward_spend: pd.DataFrame) -> dict[str, int]:
    """Pence of the count by basis: ``{"measured": …, "modelled": …}`` (both keys always there).

    Examples
    --------
    >>> import pandas as pd
    >>> basis_totals(pd.DataFrame({"basis": ["modelled", "measured", "modelled"], "amount_pence": [1, 2, 3]}))
    {'measured': 2, 'modelled': 4}
    """
    sums = ward_spend.groupby("basis")["amount_pence"].sum() if "basis" in ward_spend else None
    totals = {"measured": 0, "modelled": 0}
    if sums is None:
        totals["measured"] = int(ward_spend["amount_pence"].sum())
        return totals
    for basis, pence in sums.items():
        totals[str(basis)] = int(pence)
    return totals


def ward_profiles(ward_spend: pd.DataFrame, wards: pd.DataFrame, population: pd.Series | None = None) -> pd.DataFrame:
    """One row per ward: total, measured and modelled, per head, share of its LAD and of the place, rank in both.

    ``amount_gbp`` is ``measured_gbp`` plus ``modelled_gbp`` (the ward's
    money by basis, :func:`with_basis`); per head, shares and ranks are of
    the whole. Ranks are by spend per head where a population exists, else
    by total (1 = highest).

    Examples
    --------
    >>> import pandas as pd
    >>> spend = pd.DataFrame({"ward_code": ["W1", "W1", "W2"], "basis": ["measured", "modelled", "modelled"],
    ...                       "amount_pence": [100, 300, 200]})
    >>> wards = pd.DataFrame({"ward_code": ["W1", "W2"], "ward_name": ["One", "Two"], "lad_code": ["L", "L"],
    ...                       "lad_name": ["Lad", "Lad"]})
    >>> ward_profiles(spend, wards)[["amount_gbp", "measured_gbp", "modelled_gbp", "rank_in_place"]].values.tolist()
    [[4.0, 1.0, 3.0, 1], [2.0, 0.0, 2.0, 2]]
    """
    spend = with_basis(ward_spend)
    totals = spend.groupby("ward_code")["amount_pence"].sum()
    table = wards[["ward_code", "ward_name", "lad_code", "lad_name"]].copy()
    table["amount_gbp"] = table["ward_code"].map(totals).fillna(0) / 100
    for basis in BASES:
        pence = spend.loc[spend["basis"] == basis].groupby("ward_code")["amount_pence"].sum()
        table[f"{basis}_gbp"] = table["ward_code"].map(pence).fillna(0) / 100
    measure = "amount_gbp"
    if population is not None:
        table["population"] = table["ward_code"].map(population)
        table["per_head_gbp"] = (table["amount_gbp"] / table["population"]).where(table["population"] > 0)
        measure = "per_head_gbp"
    lad_total = table.groupby("lad_code")["amount_gbp"].transform("sum")
    table["share_of_lad"] = table["amount_gbp"] / lad_total.where(lad_total != 0)
    place_total = table["amount_gbp"].sum()
    table["share_of_place"] = table["amount_gbp"] / place_total if place_total else float("nan")
    table["rank_in_place"] = table[measure].rank(ascending=False, method="min").astype("Int64")
    table["rank_in_lad"] = table.groupby("lad_code")[measure].rank(ascending=False, method="min").astype("Int64")
    table.attrs["ranked_by"] = measure
    return table.sort_values("ward_code", ignore_index=True)


def theme_per_head(ward_spend: pd.DataFrame, population: pd.Series, ward_codes) -> pd.Series:
    """Pounds per head by theme over a set of wards (their spend over their population)."""
    import pandas as pd

    codes = pd.Index(ward_codes)
    people = float(population.reindex(codes).sum())
    spend = ward_spend[ward_spend["ward_code"].isin(codes)].groupby("theme")["amount_pence"].sum() / 100
    return spend / people if people > 0 else spend * float("nan")
