"""Where the cuts fell: councils' own books in two years, by service and by ward, tables in, tables out.

The report compares the first and last year of the councils' cuts
(2010-11 and 2014-15) from each authority's Revenue Outturn: by service
(grouped so that the years compare) and by ward (the place's part of the
books, by its drivers), in cash or real terms as the report's series are,
with functions moved between bodies in the meantime flagged. The report
loads the books, the service groups and the people and passes them in.

Examples
--------
>>> import pandas as pd
>>> lines = pd.DataFrame({"group": ["police", "police", "libraries"], "year": ["2010-11", "2014-15", "2014-15"],
...                       "place_gbp": [100.0, 80.0, 5.0]})
>>> table = cuts_by_service(lines, {}, {"2010-11": None, "2014-15": None}, ("2010-11", "2014-15"))
>>> table[["service", "first_gbp", "last_gbp", "change_gbp"]].to_dict("records")[0]
{'service': 'police', 'first_gbp': 100.0, 'last_gbp': 80.0, 'change_gbp': -20.0}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal.count.apportion import MEASURED

if TYPE_CHECKING:
    import pandas as pd


def cuts_by_service(
    lines: pd.DataFrame,
    transfers: dict[str, str],
    people: dict[str, pd.Series | None],
    years: tuple[str, str],
) -> pd.DataFrame:
    """The books by service group, first and last year, the change, in total and per head.

    Parameters
    ----------
    lines : DataFrame
        The councils' outturn lines of the place (``group``, ``year``, ``place_gbp``, at the report's prices).
    transfers : dict
        Service groups whose function moved between bodies between the years, with what moved.
    people : dict
        Each year's people by ward (None: no population; per head is then NaN).
    years : tuple of str
        The first and last year.

    Returns
    -------
    DataFrame
        ``service, first_gbp, last_gbp, change_gbp, change_pct, first_per_head_gbp, last_per_head_gbp,
        change_per_head_gbp, transfer_of_function, change_without_transfers_gbp``, by change.
    """
    import pandas as pd

    first, last = years
    by = lines.pivot_table(index="group", columns="year", values="place_gbp", aggfunc="sum", fill_value=0.0)
    by = by.reindex(columns=[first, last], fill_value=0.0)
    table = pd.DataFrame({"service": by.index, "first_gbp": by[first].to_numpy(), "last_gbp": by[last].to_numpy()})
    table["change_gbp"] = table["last_gbp"] - table["first_gbp"]
    table["change_pct"] = 100 * table["change_gbp"] / table["first_gbp"].where(table["first_gbp"] != 0)
    for name, year in (("first", first), ("last", last)):
        of_year = people[year]
        total = float(of_year.sum()) if of_year is not None else float("nan")
        table[f"{name}_per_head_gbp"] = table[f"{name}_gbp"] / total
    table["change_per_head_gbp"] = table["last_per_head_gbp"] - table["first_per_head_gbp"]
    table["transfer_of_function"] = table["service"].map(lambda service: transfers.get(service, ""))
    flagged = table["transfer_of_function"] != ""
    table["change_without_transfers_gbp"] = table["change_gbp"].where(~flagged, 0.0)
    table.attrs["years"] = (first, last)
    table.attrs["change_gbp"] = float(table["change_gbp"].sum())
    table.attrs["change_without_transfers_gbp"] = float(table["change_without_transfers_gbp"].sum())
    return table.sort_values("change_gbp", ignore_index=True)


def transferred_functions(services: pd.DataFrame, transfers: dict[str, str]) -> set[str]:
    """The COFOG codes of the service lines (``services``: ``group``, ``cofog``) whose group moved."""
    return set(services.loc[services["group"].isin(set(transfers)), "cofog"])


def cuts_by_ward(
    wards: pd.DataFrame,
    spend: dict[str, pd.DataFrame],
    moved: set[str],
    people: dict[str, pd.Series] | None,
    years: tuple[str, str],
) -> pd.DataFrame:
    """Each ward's councils' books in the first and last year and the change, in total and per head.

    Parameters
    ----------
    wards : DataFrame
        ``ward_code, ward_name, lad_code, lad_name``.
    spend : dict
        Each year's money placed in wards (``ward_code``, ``function``, ``amount_pence``[, ``basis``]), at the
        report's prices; only the measured money (the books) is counted.
    moved : set of str
        COFOG codes of functions moved between bodies (:func:`transferred_functions`).
    people : dict or None
        Each year's people by ward code (None: no per head columns).
    years : tuple of str
        The first and last year.
    """
    import pandas as pd

    first, last = years
    table = wards[["ward_code", "ward_name", "lad_code", "lad_name"]].copy()
    for name, year in (("first", first), ("last", last)):
        of_year = spend[year]
        if "basis" in of_year:  # the councils' books only: the cuts are theirs
            of_year = of_year[of_year["basis"] == MEASURED]
        pence = of_year.groupby("ward_code")["amount_pence"].sum()
        table[f"{name}_gbp"] = table["ward_code"].map(pence).fillna(0).to_numpy() / 100
        kept = of_year[~of_year["function"].isin(moved)].groupby("ward_code")["amount_pence"].sum()
        table[f"{name}_without_transfers_gbp"] = table["ward_code"].map(kept).fillna(0).to_numpy() / 100
    table["change_gbp"] = table["last_gbp"] - table["first_gbp"]
    table["change_pct"] = 100 * table["change_gbp"] / table["first_gbp"].where(table["first_gbp"] != 0)
    table["change_without_transfers_gbp"] = table["last_without_transfers_gbp"] - table["first_without_transfers_gbp"]
    if people is not None:
        per_head = {}
        for name, year in (("first", first), ("last", last)):
            of_year = pd.Series(people[year].reindex(table["ward_code"]).to_numpy())
            of_year = of_year.where(of_year > 0).to_numpy()
            per_head[name] = table[f"{name}_gbp"] / of_year
            per_head[f"{name}_without"] = table[f"{name}_without_transfers_gbp"] / of_year
        table["population"] = of_year  # the last year's people
        table["change_per_head_gbp"] = per_head["last"] - per_head["first"]
        table["change_without_transfers_per_head_gbp"] = per_head["last_without"] - per_head["first_without"]
    table = table.drop(columns=["first_without_transfers_gbp", "last_without_transfers_gbp"])
    table.attrs["years"] = (first, last)
    return table.sort_values("ward_code", ignore_index=True)
