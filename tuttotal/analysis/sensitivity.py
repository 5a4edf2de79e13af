"""How much the driver decides: a count's modelled money under need drivers beside population alone.

The top-down count shares a region's money among places, and a place's
among its wards, by drivers: children for education, people 60+ for old
age, income-deprived people for housing and social protection, population
where nothing better is known. The same money shared by population alone
shows how much of a ward's figure the choice of driver makes. Measured
money (a body's own books) is the same in both and is kept apart.

Examples
--------
>>> import pandas as pd
>>> need = pd.DataFrame({"ward_code": ["W1", "W2"], "basis": ["modelled"] * 2, "amount_pence": [300, 100]})
>>> flat = pd.DataFrame({"ward_code": ["W1", "W2"], "basis": ["modelled"] * 2, "amount_pence": [200, 200]})
>>> wards = pd.DataFrame({"ward_code": ["W1", "W2"], "ward_name": ["One", "Two"], "lad_code": ["L", "L"]})
>>> table = ward_sensitivity(need, flat, wards, pd.Series({"W1": 1.0, "W2": 1.0}))
>>> table[["ward_code", "modelled_need_gbp", "modelled_population_gbp", "difference_gbp"]].values.tolist()
[['W1', 3.0, 2.0, 1.0], ['W2', 1.0, 2.0, -1.0]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal.count import themes
from tuttotal.count.apportion import MEASURED, MODELLED

if TYPE_CHECKING:
    import pandas as pd


def population_only(theme_table: pd.DataFrame) -> pd.DataFrame:
    """The themes table with every counted function's driver set to ``population`` (exclusions kept).

    Made once per table (:func:`tuttotal.count.themes.one_driver`): treat it as read-only.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"function": ["09", "02"], "driver": ["children_0_15", "excluded"]})
    >>> population_only(table)["driver"].tolist()
    ['population', 'excluded']
    """
    return themes.one_driver(theme_table, "population")


def _pence_by(spend: pd.DataFrame, basis: str, key: str) -> pd.Series:
    if "basis" in spend:
        spend = spend[spend["basis"] == basis]
    elif basis != MEASURED:
        spend = spend.iloc[:0]
    return spend.groupby(key)["amount_pence"].sum()


def ward_sensitivity(
    need_spend: pd.DataFrame,
    population_spend: pd.DataFrame,
    wards: pd.DataFrame,
    population: pd.Series | None,
) -> pd.DataFrame:
    """Each ward's modelled money by the need drivers and by population alone, with its measured money.

    Parameters
    ----------
    need_spend, population_spend : pandas.DataFrame
        Ward spend of the same count (``ward_code, basis, amount_pence``),
        its modelled money shared by the need drivers and by population alone.
    wards : pandas.DataFrame
        ``ward_code, ward_name, lad_code``.
    population : pandas.Series, optional
        People by ward code, for the per-head columns.

    Returns
    -------
    pandas.DataFrame
        ``ward_code, ward_name, lad_code, measured_gbp, modelled_need_gbp,
        modelled_population_gbp, difference_gbp`` (need minus population),
        and with ``population``: ``population`` and each total per head
        (``need_per_head_gbp``, ``population_per_head_gbp``: measured plus
        the modelled money of each driver, over the ward's people).
    """
    table = wards[["ward_code", "ward_name", "lad_code"]].copy()
    table["measured_gbp"] = table["ward_code"].map(_pence_by(need_spend, MEASURED, "ward_code")).fillna(0) / 100
    for column, spend in (("modelled_need_gbp", need_spend), ("modelled_population_gbp", population_spend)):
        table[column] = table["ward_code"].map(_pence_by(spend, MODELLED, "ward_code")).fillna(0) / 100
    table["difference_gbp"] = table["modelled_need_gbp"] - table["modelled_population_gbp"]
    if population is not None:
        people = table["ward_code"].map(population)
        table["population"] = people
        people = people.where(people > 0)
        table["need_per_head_gbp"] = (table["measured_gbp"] + table["modelled_need_gbp"]) / people
        table["population_per_head_gbp"] = (table["measured_gbp"] + table["modelled_population_gbp"]) / people
    return table.sort_values("ward_code", ignore_index=True)


def lad_sensitivity(ward_table: pd.DataFrame) -> pd.DataFrame:
    """The same by LAD: the sum of its wards (per head over their people).

    Examples
    --------
    >>> import pandas as pd
    >>> wards = pd.DataFrame({"ward_code": ["W1", "W2"], "lad_code": ["L", "L"], "measured_gbp": [0.0, 0.0],
    ...                       "modelled_need_gbp": [3.0, 1.0], "modelled_population_gbp": [2.0, 2.0],
    ...                       "difference_gbp": [1.0, -1.0]})
    >>> lad_sensitivity(wards)[["lad_code", "modelled_need_gbp", "difference_gbp"]].values.tolist()
    [['L', 4.0, 0.0]]
    """
    money = ["measured_gbp", "modelled_need_gbp", "modelled_population_gbp", "difference_gbp"]
    columns = money + (["population"] if "population" in ward_table else [])
    table = ward_table.groupby("lad_code", as_index=False)[columns].sum()
    if "population" in table:
        people = table["population"].where(table["population"] > 0)
        table["need_per_head_gbp"] = (table["measured_gbp"] + table["modelled_need_gbp"]) / people
        table["population_per_head_gbp"] = (table["measured_gbp"] + table["modelled_population_gbp"]) / people
    return table


def sensitivity_table(ward_table: pd.DataFrame, wards: pd.DataFrame, year: str) -> pd.DataFrame:
    """The LADs' rows (:func:`lad_sensitivity`) then the wards', as ``sensitivity.csv`` has them.

    ``area_type`` (``lad`` or ``ward``), ``code``, ``name``, ``lad_code``, then the columns of
    :func:`ward_sensitivity`; ``wards`` gives the LADs' names; ``attrs["year"]`` is ``year``.
    """
    import pandas as pd

    lads = lad_sensitivity(ward_table)
    names = dict(zip(wards["lad_code"], wards["lad_name"], strict=False))
    ward_rows = ward_table.rename(columns={"ward_code": "code", "ward_name": "name"}).assign(area_type="ward")
    lads = lads.assign(code=lads["lad_code"], name=lads["lad_code"].map(names), area_type="lad")
    table = pd.concat([lads, ward_rows], ignore_index=True)
    first = ["area_type", "code", "name", "lad_code"]
    table = table[first + [c for c in table.columns if c not in first]]
    table.attrs["year"] = year
    return table


def sensitivity_text(table: pd.DataFrame, focus: pd.DataFrame, year: str) -> str:
    """How much the driver decides, for the ``focus`` wards and the place, in a few lines ("" without it)."""
    if table.empty or "need_per_head_gbp" not in table:
        return ""
    wards = table[table["area_type"] == "ward"].set_index("code")
    lines = []
    for code, name in zip(focus["ward_code"], focus["ward_name"], strict=True):
        row = wards.loc[code]
        low, high = sorted((row["need_per_head_gbp"], row["population_per_head_gbp"]))
        lines.append(
            f"{name}: £{row['need_per_head_gbp']:,.0f} a head with the need drivers, "
            f"£{row['population_per_head_gbp']:,.0f} with population alone (between £{low:,.0f} and "
            f"£{high:,.0f}, {year})."
        )
    spread = (wards["need_per_head_gbp"] - wards["population_per_head_gbp"]).abs()
    lines.append(
        f"Across the {len(wards)} wards the driver moves spending per head by £{spread.median():,.0f} at the "
        f"median and up to £{spread.max():,.0f}: that much of each ward's figure is the choice of driver, "
        "not anything measured."
    )
    return "\n".join(lines)
