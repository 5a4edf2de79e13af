"""Change over the years: a place's spending per head by year, and where the councils' cuts fell.

:class:`ChangeSection` is the report's section of change (``report.change``): spending per head by
year for the focus wards, their LADs and the place (:func:`tuttotal.analysis.compare.change_by_year`)
and its trend chart; the councils' own books in the two years of the cuts (:data:`CUTS_YEARS`) by
service and by ward (:mod:`tuttotal.analysis.cuts`), their map and chart, and the transfers of
function that are not cuts. Every series is at the report's prices.

Examples
--------
>>> from tuttotal.report import prepare
>>> demo = prepare(place="demo")
>>> demo.change.trend_chart() is None, demo.change.cuts_by_service().empty
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuttotal.analysis import cuts
from tuttotal.analysis.compare import change_by_year
from tuttotal.data import deflators
from tuttotal.data.outturn import YEARS, function_transfers, service_table
from tuttotal.figures.charts import theme_bars, trend_lines
from tuttotal.figures.maps import ward_map
from tuttotal.money import format_gbp
from tuttotal.report.core import CUTS_YEARS, ReportCore
from tuttotal.report.provenance import Provenance

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["CUTS_YEARS", "ChangeSection"]


@dataclass(frozen=True, eq=False)
class ChangeSection:
    """Spending by year and the councils' cuts: tables, figures, the transfers of function.

    Attributes
    ----------
    count : ReportCore
        The report.
    provenance : Provenance
        Its notes.
    """

    count: ReportCore
    provenance: Provenance

    def change_by_year(self) -> pd.DataFrame:
        """Per-head spend by year for focus wards, their LADs and the place (needs several years)."""
        return self.count.memo.table("change_by_year", self._change_by_year)

    def _change_by_year(self) -> pd.DataFrame:
        count = self.count
        years = sorted(count.comparable_years)
        return change_by_year(
            {year: count.in_prices(count.ward_spend_of_year(year), year) for year in years},
            count.wards,
            count.drivers,
            focus_codes=list(count.focus.ward_code),
            place_name=count.place.name,
            people_by_year={year: count.population_of_year(year) for year in years},
        )

    def trend_chart(self) -> Figure | None:
        """Spend per head across the years of the spend count, or None for a single year (drawn once)."""
        return self.count.memo.figure("trend", self._draw_trend_chart)

    def _draw_trend_chart(self) -> Figure | None:
        count = self.count
        if count.nothing_placed:  # no bars to draw: the themes figure says why
            return None
        if len(count.comparable_years) < 2:
            return None
        table = self.change_by_year()
        per_head = count.population is not None
        measure = "per_head_gbp" if per_head else "amount_gbp"
        columns = ["year", "area", "value"]
        if count.count_source.is_real:  # the modelled part of the focus line, hatched under it
            share = (table["modelled_gbp"] / table["amount_gbp"]).where(table["amount_gbp"] != 0, 0.0)
            table = table.assign(modelled=table[measure] * share)
            columns.append("modelled")
        in_prices = count.count_source.is_real or count.prices != "cash"
        return trend_lines(
            table.rename(columns={measure: "value"})[columns],
            title=f"{count.place.name}: public spending {'per head' if per_head else ''} by year"
            + (f", {count.prices_words}" if in_prices else ""),
            measure=("£ per head" if per_head else "£ total") + (f", {count.prices_label}" if in_prices else ""),
            notes=[*self.provenance.figure_notes, *self.transfer_notes(count.comparable_years)],
            stamp=count.stamp,
        )

    def transfer_notes(self, years: list[str]) -> list[str]:
        """Lines naming the transfers of function between the first and last of ``years`` (councils' books only)."""
        count = self.count
        if not count.count_source.is_real or len(years) < 2 or count.outturn is None or years[0] not in YEARS:
            return []
        found = function_transfers(years[0], years[-1])
        return [f"Transfer of function, not a cut: {group}: {what}" for group, what in found.items()]

    def cuts_by_service(self) -> pd.DataFrame:
        """Councils' outturn in the place by service, first and last year (2010-11, 2014-15), the change, cash.

        Services are grouped so that the years compare (2010-11's one social care line with the later
        children's and adults' lines; the housing benefit lines together): ``data/outturn_services.csv``.
        ``service, first_gbp, last_gbp, change_gbp, change_pct, first_per_head_gbp, last_per_head_gbp,
        change_per_head_gbp`` (each year per head of its own people,
        :meth:`~tuttotal.report.core.ReportCore.population_of_year`; the change is the difference of the two).
        """
        return self.count.memo.table("cuts_by_service", self._cuts_by_service)

    def _cuts_by_service(self) -> pd.DataFrame:
        import pandas as pd

        count = self.count
        if count.outturn is None:
            return pd.DataFrame()
        groups = service_table().drop_duplicates("service").set_index("service")["group"]
        lines = count.outturn.lines.assign(group=lambda t: t["service"].map(groups).fillna(t["service"]))
        lines = deflators.to_real(lines, count.prices, amount_columns=["place_gbp"], data_dir=count.data_root)
        people = {year: count.population_of_year(year) for year in CUTS_YEARS}
        return cuts.cuts_by_service(lines, function_transfers(*CUTS_YEARS), people, CUTS_YEARS)

    def cuts_by_ward(self) -> pd.DataFrame:
        """Each ward's councils' outturn in the first and last year and the change, in cash and per head."""
        return self.count.memo.table("cuts_by_ward", self._cuts_by_ward)

    def _cuts_by_ward(self) -> pd.DataFrame:
        import pandas as pd

        count = self.count
        if count.outturn is None:
            return pd.DataFrame()
        first, last = CUTS_YEARS
        moved = cuts.transferred_functions(service_table(), function_transfers(first, last))
        spend = {year: count.in_prices(count.ward_spend_of_year(year), year) for year in CUTS_YEARS}
        people = {year: count.population_of_year(year) for year in CUTS_YEARS} if count.population is not None else None
        return cuts.cuts_by_ward(count.wards, spend, moved, people, CUTS_YEARS)

    def cuts_map(self) -> Figure | None:
        """Ward map of the change in councils' outturn per head, 2010-11 to 2014-15 (drawn once), or None."""
        return self.count.memo.figure("cuts_map", self._draw_cuts_map)

    def _draw_cuts_map(self) -> Figure | None:
        table = self.cuts_by_ward()
        if not len(table) or "change_per_head_gbp" not in table:
            return None
        count, name = self.count, self.count.place.name
        first, last = table.attrs["years"]
        column = "change_without_transfers_per_head_gbp"
        wards = count.wards.merge(table[["ward_code", column]], on="ward_code")
        moved = function_transfers(first, last)
        drivers_note = self.provenance.drivers_note
        return ward_map(
            wards,
            column,
            title=f"{name}: change in councils' spending per head by ward, {first} to {last}",
            measure=f"£ per head, {last} less {first} ({count.prices_label}"
            + (", transfers of function left out)" if moved else ")"),
            focus=list(count.focus["ward_code"]),
            notes=[
                f"Measured throughout, councils' own books: net current expenditure (DCLG Revenue Outturn) of every "
                "authority serving "
                f"{name}, {first} and {last}, cash; each authority's part by mid-2015 population and IMD "
                "2010 need, the same in both years, so the change is the authorities' own.",
                "A county's (and a police or fire authority's) change is shared among its wards by fixed ward "
                "shares: within a county the map shows each district's own change plus the county's spread by need.",
                *[f"Left out, a transfer of function, not a cut: {group}: {what}" for group, what in moved.items()],
                *([drivers_note] if drivers_note else []),
            ],
            attribution=self.provenance.attribution,
            stamp=count.stamp,
            cmap="Reds_r",
        )

    def cuts_chart(self) -> Figure | None:
        """Bars of the change in councils' outturn by service, 2010-11 to 2014-15 (drawn once), or None."""
        return self.count.memo.figure("cuts_chart", self._draw_cuts_chart)

    def _draw_cuts_chart(self) -> Figure | None:
        table = self.cuts_by_service()
        if not len(table):
            return None
        count, name = self.count, self.count.place.name
        first, last = table.attrs["years"]
        flagged = table[table["transfer_of_function"] != ""]
        with_all, without = table.attrs["change_gbp"], table.attrs["change_without_transfers_gbp"]
        return theme_bars(
            table.set_index("service")["change_gbp"],
            title=f"{name}: change in councils' spending by service, {first} to {last}",
            measure=f"£, {last} less {first} ({count.prices_words})",
            notes=[
                "Measured throughout: councils' own books (DCLG Revenue Outturn, net current expenditure) of every "
                "authority serving "
                f"{name}: their part by mid-2015 population and IMD 2010 need.",
                f"All services: {format_gbp(with_all * 100, 3)}; without the transfers of function (grey): "
                f"{format_gbp(without * 100, 3)}.",
                *[
                    f"Transfer of function, not a cut: {row.service}: {row.transfer_of_function}"
                    for row in flagged.itertuples()
                ],
            ],
            stamp=count.stamp,
            item="service",
            muted=dict(zip(flagged["service"], ["transfer of function, not a cut"] * len(flagged), strict=True)),
        )
