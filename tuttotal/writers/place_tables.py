"""A place report's tables as its CSV files are written: exact pence, rounding, basis and prices on every table.

:func:`place_tables` gathers the report's tables (:class:`tuttotal.report.PlaceReport`'s breakdowns and the
analysis tables of :mod:`tuttotal.analysis`) and gives each the columns its file has;
:func:`tuttotal.writers.place.write_tables` writes them.

Examples
--------
>>> sorted(CASH_TABLES)[:3]
['bridge', 'focus_comparison', 'outturn']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal.analysis.breakdown import ward_theme
from tuttotal.count import measured_modelled
from tuttotal.count.apportion import MEASURED
from tuttotal.data import deflators
from tuttotal.data.ward_drivers import drivers_csv_table
from tuttotal.money import pence_to_decimal_string

if TYPE_CHECKING:
    import pandas as pd

    from tuttotal.report import PlaceReport

#: The columns of ``outturn.csv``: a councils' books line and its part in the place.
OUTTURN_FIELDS = [
    "year",
    "authority",
    "e_code",
    "service",
    "authority_gbp",
    "driver",
    "share",
    "place_gbp",
    "cofog",
    "theme",
]

#: The tables of one year's money (cash, as spent), whatever ``prices`` the report's series are in; a table of
#: money not here is a series over years at the report's prices, or holds no pounds (drivers, most_deprived: shares).
CASH_TABLES = frozenset(
    {
        "ward_theme",
        "reconciliation",
        "theme_agency",
        "ward_profiles",
        "focus_comparison",
        "ward_need",
        "topdown",
        "theme_per_head",
        "published",
        "outturn",
        "bridge",
        "sensitivity",
    }
)


def place_tables(report: PlaceReport) -> dict[str, pd.DataFrame]:
    """The tables of a place's report, by name: what :func:`tuttotal.writers.place.write_tables` writes as CSV.

    ``ward_theme``, ``reconciliation``, ``theme_agency``, ``ward_profiles``,
    and where they apply ``focus_comparison`` and ``change_by_year``. Money in
    ``ward_theme.csv`` and ``reconciliation.csv`` is exact to the penny.

    Every table of money says its basis and its prices. Basis: a ``basis``
    column where each row's money is of one basis (a row per basis where
    both are: ``ward_theme``, ``theme_agency``, ``focus_comparison``,
    ``topdown``, ``outturn``, ``theme_per_head``, the cuts' tables;
    ``ward_need`` and ``most_deprived``, computed on one basis's money,
    name it), and ``measured_gbp`` and ``modelled_gbp`` beside the total
    where a row is an area's, a step's or a line's whole (``ward_profiles``,
    ``change_by_year``, ``published``, ``bridge``, ``sensitivity``,
    ``reconciliation``); ``england_ranks`` (a real count) gives each rank's
    basis in words (``rank_basis``), the ``measured_share`` of the value
    ranked and the national table it was read from.
    Prices: a ``prices`` column, ``cash``
    (one year, as spent) except the series over years (``change_by_year``,
    ``cuts_by_service``, ``cuts_by_ward``: the report's prices).
    """

    table = ward_theme(report.count.ward_spend, report.wards, report.population, by_basis=True)
    out = table[["ward_code", "ward_name", "lad_code", "theme", "basis"]].copy()
    out["amount_gbp"] = table["amount_pence"].map(pence_to_decimal_string)
    if "per_head_gbp" in table:
        out["per_head"] = table["per_head_gbp"].round(2)
    tables = {
        "ward_theme": out,
        "reconciliation": report.count.reconciliation.table(),
        "theme_agency": report.theme_by_agency(by_basis=True).round(2).reset_index(),
        "ward_profiles": report.ward_profiles().round(6),
    }
    comparison = report.comparisons.focus(by_basis=True)
    if len(comparison):
        tables["focus_comparison"] = comparison.round(2)
    if len(report.comparable_years) > 1:
        tables["change_by_year"] = report.change.change_by_year().round(2).assign(prices=report.prices_label)
    if report.need.measurable:
        need = report.need.ward_need().round(6)
        need.insert(need.columns.get_loc("amount_gbp"), "basis", report.need.money_basis)
        tables["ward_need"] = need
        deprived = report.need.most_deprived_spend().round(6)
        deprived.insert(deprived.columns.get_loc("spend_share"), "basis", report.need.money_basis)
        tables["most_deprived"] = deprived
    if report.driver_table is not None:
        tables["drivers"] = drivers_csv_table(report.driver_table)
    if report.topdown is not None:
        lines = report.topdown.lines.copy()
        for column in ("region_gbp", "place_gbp"):
            lines[column] = (lines[column] * 100).round().astype("int64").map(pence_to_decimal_string)
        lines = measured_modelled.mark_lines(lines, report.measured_years)
        tables["topdown"] = lines
    per_head = report.comparisons.theme_per_head()
    if len(per_head):
        tables["theme_per_head"] = per_head.round(2)
    published = report.published.bridge()
    if len(published):
        tables["published"] = published.round(2)
    if report.outturn is not None:
        lines = report.outturn.lines[OUTTURN_FIELDS].copy()
        for column in ("authority_gbp", "place_gbp"):
            lines[column] = (lines[column] * 100).round().astype("int64").map(pence_to_decimal_string)
        lines["share"] = lines["share"].round(8)
        lines["basis"] = MEASURED
        tables["outturn"] = lines
        change = report.change
        for name, cuts in (("cuts_by_service", change.cuts_by_service()), ("cuts_by_ward", change.cuts_by_ward())):
            cuts = cuts.round(2).assign(prices=report.prices_label)
            cuts.insert(cuts.columns.get_loc("first_gbp"), "basis", MEASURED)  # the councils' own books
            tables[name] = cuts
        bridge = report.published.books_bridge()
        if len(bridge):
            tables["bridge"] = bridge.round(2)
    sensitivity = report.sensitivity.table()
    if len(sensitivity):
        tables["sensitivity"] = sensitivity.round(2)
    ranks = report.england_ranks()
    if len(ranks):
        tables["england_ranks"] = ranks.round({"value": 6})
    for name in CASH_TABLES.intersection(tables):  # one year's money, as spent
        tables[name] = tables[name].assign(prices=deflators.prices_label(deflators.CASH))
    return tables
