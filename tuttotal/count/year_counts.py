"""Several years of a place counted in one pass: one table with a ``year`` column in, one out.

A report's trend, its cuts and the explorer show other years of the spend counted as the report's
own year is (the same classification, wards, drivers and transfer rules). Counting them one
:func:`tuttotal.count.apportion.apportion` at a time paid each pass's fixed costs (the checks,
the groupings, the sums by basis, the transfer rules) once per year; :func:`count_years`
classifies, sets aside, groups and shares every year's rows together, and each year's rows come
out exactly as the year counted alone would make them (the same rows in the same order, to the
penny), with each year's :class:`~tuttotal.count.apportion.Reconciliation` checked.

The placing itself (wards, LADs and the place told apart, the bottom-up rows grouped, each line
shared by its driver, the money that cannot be placed) is
:func:`tuttotal.count.apportion.place_rows`, the same loop :func:`~tuttotal.count.apportion.apportion`
runs, given a leading ``year`` key: it runs once for all the years, not once a year. What stays here
is what a table of several years needs around it: the classification, the excluded functions and
transfers set aside by year, and a reconciliation a year.

Examples
--------
>>> import pandas as pd
>>> from tuttotal.count import themes
>>> wards = pd.DataFrame({"ward_code": ["W1", "W2"], "lad_code": ["L1", "L1"]})
>>> drivers = pd.DataFrame({"area_code": ["W1", "W2"], "driver": "population", "value": [1.0, 3.0]})
>>> spend = pd.DataFrame({"year": ["2007-08", "2008-09"], "agency": "Council", "agency_type": "council",
...                       "area_code": "L1", "function": "07", "amount_pence": [400, 1001]})
>>> counted = count_years(spend, wards, drivers, themes.load_themes(), years=["2007-08", "2008-09"])
>>> counted.ward_spend.groupby("year")["amount_pence"].sum().tolist()
[400, 1001]
>>> counted.of_year("2008-09")[["ward_code", "amount_pence"]].values.tolist()
[['W1', 250], ['W2', 751]]
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.count.apportion import (
    BASES,
    EXCLUDED,
    KEYS,
    MEASURED,
    Reconciliation,
    check_basis,
    flag_transfers,
    place_rows,
)
from tuttotal.count.themes import assign_themes
from tuttotal.errors import TuttotalWarning

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["YearCounts", "count_years"]


@dataclass
class YearCounts:
    """Several years' ward spend from :func:`count_years`.

    Attributes
    ----------
    ward_spend : pandas.DataFrame
        ``year, ward_code, agency, agency_type, function, theme, basis, amount_pence, method``: each
        year's rows in the order :func:`~tuttotal.count.apportion.apportion` makes them, years in order.
    reconciliations : dict of str to Reconciliation
        Each year's: placed + unplaced + transfers removed = the year's input, to the penny.
    drivers_used : dict
        Driver asked for → driver used, over the years.
    """

    ward_spend: pd.DataFrame
    reconciliations: dict[str, Reconciliation]
    drivers_used: dict = field(default_factory=dict)
    _years: pd.Index | None = field(default=None, init=False, repr=False, compare=False)

    def of_year(self, year: str) -> pd.DataFrame:
        """A year's ward spend as :func:`~tuttotal.count.apportion.apportion` gives it (no ``year`` column).

        :func:`count_years` puts each year's rows together, years in order: a year is a slice of them,
        found once (any other order is read row by row).
        """
        import pandas as pd

        if self._years is None:
            self._years = pd.Index(self.ward_spend["year"])
        try:
            at = self._years.get_loc(year)
        except KeyError:
            at = slice(0, 0)
        if isinstance(at, (int, np.integer)):  # the one row of a year (the years' labels all distinct)
            at = slice(int(at), int(at) + 1)
        rows = self.ward_spend.iloc[at] if isinstance(at, slice) else self.ward_spend[self._years == year]
        return rows.drop(columns="year").reset_index(drop=True)


def _pence_by_year(rows: pd.DataFrame, years: list[str]) -> dict[str, dict[str, int]]:
    """Pence of ``rows`` by year and basis (rows without ``basis`` are measured), every year and basis present."""
    found = {year: dict.fromkeys(BASES, 0) for year in years}
    if not len(rows):
        return found
    if "basis" not in rows.columns:
        sums = rows.groupby("year", sort=False)["amount_pence"].sum()
        for year, pence in sums.items():
            found[year][MEASURED] = int(pence)
        return found
    sums = rows.groupby(["year", "basis"], sort=False, observed=True)["amount_pence"].sum()
    for (year, basis), pence in sums.items():
        found[year][basis] = int(pence)
    return found


def _codes_by_year(rows: pd.DataFrame, column: str) -> dict[str, tuple[int, list[str]]]:
    """Each year's pence and sorted distinct ``column`` values of ``rows``."""
    found = {}
    for year, part in rows.groupby("year", sort=False):
        found[year] = (int(part["amount_pence"].sum()), sorted(part[column].unique().tolist()))
    return found


def count_years(
    spend: pd.DataFrame,
    wards: pd.DataFrame,
    drivers: pd.DataFrame | None,
    theme_table: pd.DataFrame,
    *,
    years: Iterable[str],
    driver: str | None = None,
    transfer_rules: pd.DataFrame | None = None,
    driver_totals: dict | None = None,
) -> YearCounts:
    """Count each of ``years`` of a spend table into wards, all in one pass.

    Each year is counted as ``apportion(assign_themes(spend[spend.year == year], theme_table,
    driver_totals), wards, drivers, year=year, driver=driver, transfer_rules=transfer_rules)``
    would count it alone: transfers are matched within a year, each line shared by the largest
    remainder on whole pence, and what cannot be placed is reported in that year's reconciliation
    (and warned of), never dropped.

    Parameters
    ----------
    spend : pandas.DataFrame
        A spend table (``year, agency, agency_type, area_code, function, amount_pence``, optionally
        ``basis``, ``theme``, ``driver``, ``transfer``), not yet classified; rows of other years are
        left out.
    wards : pandas.DataFrame
        ``ward_code, lad_code`` at least.
    drivers : pandas.DataFrame or None
        ``area_code, driver, value``; without it top-down amounts go to wards in equal shares.
    theme_table : pandas.DataFrame
        :func:`tuttotal.count.themes.load_themes`.
    years : iterable of str
        The years to count.
    driver : str, optional
        One driver for every function, instead of the themes table's.
    transfer_rules : pandas.DataFrame, optional
        :func:`tuttotal.count.apportion.load_transfer_rules`.
    driver_totals : dict, optional
        The place's total of each driver, for the themes table's splits by driver.

    Returns
    -------
    YearCounts
    """
    years = sorted(set(years))
    classified = assign_themes(spend[spend["year"].isin(years)], theme_table, driver_totals)
    check_basis(classified)
    inputs = _pence_by_year(classified, years)
    by_basis = {year: {"input": inputs[year]} for year in years}
    unplaced: dict[str, list[dict]] = {year: [] for year in years}

    def set_aside(rows: pd.DataFrame, reason: str, column: str) -> None:
        parts = _pence_by_year(rows, years)
        for year, (pence, codes) in _codes_by_year(rows, column).items():
            unplaced[year].append({"reason": reason, "amount_pence": pence, "codes": codes})
            by_basis[year][reason] = parts[year]

    work = classified
    is_excluded = work["driver"] == "excluded"
    if is_excluded.any():
        set_aside(work[is_excluded], EXCLUDED, "function")
        work = work[~is_excluded]
    lad_of_ward = dict(zip(wards["ward_code"], wards["lad_code"], strict=True))
    is_transfer = flag_transfers(work, transfer_rules, lad_of_ward, within=work["year"])
    transfers = work[is_transfer]
    work = work[~is_transfer]
    removed = _pence_by_year(transfers, years)
    for year in years:
        by_basis[year]["transfers removed"] = removed[year]

    placed = place_rows(work, wards, drivers, driver=driver, by="year")
    for year in years:
        unplaced[year] += placed.unplaced.get(year, [])
        by_basis[year].update(placed.basis_pence.get(year, {}))

    ward_spend = _by_year(placed.bottom_up, placed.top_down, years)
    in_wards = _pence_by_year(ward_spend, years)
    reconciliations = {}
    for year in years:
        by_basis[year]["placed in wards"] = in_wards[year]
        recon = Reconciliation(
            input_pence=sum(inputs[year].values()),
            placed_pence=sum(in_wards[year].values()),
            unplaced=unplaced[year],
            transfers_pence=sum(removed[year].values()),
            basis_pence=by_basis[year],
        )
        recon.check()
        for item in recon.unplaced:
            warnings.warn(
                f"£{item['amount_pence'] / 100:,.2f} not placed in wards: {item['reason']} "
                f"({', '.join(item['codes'][:10])})",
                TuttotalWarning,
                stacklevel=2,
            )
        reconciliations[year] = recon
    return YearCounts(ward_spend=ward_spend, reconciliations=reconciliations, drivers_used=placed.drivers_used)


def _by_year(bottom_up: pd.DataFrame, top_down: pd.DataFrame, years: list[str]) -> pd.DataFrame:
    """Each year's bottom-up rows then its top-down rows, years in order: ``year`` first, amounts int64."""
    import pandas as pd

    ward_spend = pd.concat([bottom_up, top_down], ignore_index=True)
    ward_spend["amount_pence"] = ward_spend["amount_pence"].astype("int64")
    order = {year: i for i, year in enumerate(years)}
    rank = ward_spend["year"].map(order).to_numpy()
    ward_spend = ward_spend.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)
    return ward_spend[["year", "ward_code", *KEYS, "amount_pence", "method"]]
