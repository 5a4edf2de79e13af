"""Our count beside the others: the place's own published count, and the councils' books beside the CRA.

:class:`PublishedSection` is the report's section of comparisons with other counts (``report.published``):
our estimate beside the count a pilot published for the year (:mod:`tuttotal.analysis.published`: the
comparison, the bridge from ours to theirs step by step, the words, ``summary.json``'s part), the capital
in the count, and where the measured and the modelled cover the same money (:meth:`PublishedSection.books_bridge`:
the authorities' books beside the CRA's local government lines, :mod:`tuttotal.count.measured_modelled`).

Examples
--------
>>> from tuttotal.report import prepare
>>> demo = prepare(place="demo")
>>> demo.published.exists, demo.published.capital_pence()
(False, 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuttotal.analysis import published as published_counts
from tuttotal.count import measured_modelled
from tuttotal.count.outturn_count import authority_table
from tuttotal.data.cra import lad_regions
from tuttotal.data.outturn import read_totals
from tuttotal.report.core import ReportCore

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, eq=False)
class PublishedSection:
    """The report's comparisons with other counts of the same money.

    Attributes
    ----------
    count : ReportCore
        The report.
    """

    count: ReportCore

    @property
    def exists(self) -> bool:
        """Whether the place published a count of the report's year that a real count can be set beside."""
        found = self.count.place.published
        return bool(found) and str(found.get("year", "")) == self.count.year and self.count.count_source.is_real

    def spend_of_year(self) -> pd.DataFrame:
        """The count's input rows of the report's year (real counts carry ``spend_type`` on top-down rows)."""
        count = self.count
        spend = count.spend[count.spend["year"] == count.year]
        if "source" in spend and count.count_source.is_real:
            spend = spend[spend["source"].isin(["top-down", "outturn"])]
        return spend

    def capital_pence(self) -> int:
        """Pence of capital spending in the count (the CRA's capital lines; the RS is current only)."""
        spend = self.spend_of_year()
        if "spend_type" not in spend:
            return 0
        return int(spend.loc[spend["spend_type"] == "capital", "amount_pence"].sum())

    def comparison(self) -> pd.DataFrame:
        """Our estimate beside the place's published count (where the place file gives one for the year).

        ``measure, published_gbp, estimate_gbp, difference_gbp, difference_pct, note``
        (:func:`tuttotal.analysis.published.published_comparison`).
        """
        import pandas as pd

        if not self.exists:
            return pd.DataFrame(columns=published_counts.COMPARISON_COLUMNS)
        count = self.count
        return published_counts.published_comparison(
            count.place.published,
            count.count.ward_spend,
            self.spend_of_year(),
            count.count.reconciliation.placed_pence,
            count.source,
        )

    def bridge(self) -> pd.DataFrame:
        """From our figure to the published one, step by step (``published.csv``).

        :func:`tuttotal.analysis.published.published_bridge`.
        """
        import pandas as pd

        if not self.exists:
            return pd.DataFrame(columns=published_counts.BRIDGE_COLUMNS)
        return published_counts.published_bridge(self.count.place.published, self.spend_of_year(), self.count.year)

    def summary(self) -> dict:
        """``summary.json``'s ``published``: the comparison in a few figures."""
        return published_counts.published_summary(self.comparison(), self.count.year, self.count.source)

    def text(self) -> str:
        """The published count beside our estimate, in a few lines (empty without a published count)."""
        return published_counts.published_text(self.comparison(), self.count.source)

    def books_bridge(self) -> pd.DataFrame:
        """Where the measured and the modelled cover the same money: the authorities' books beside the CRA's
        local government current lines, for the place and its region(s), each year the books measure
        (``bridge.csv``; :mod:`tuttotal.count.measured_modelled`). Only the books are in the count."""
        return self.count.memo.table("bridge", self._books_bridge)

    def _books_bridge(self) -> pd.DataFrame:
        import pandas as pd

        count = self.count
        years = count.measured_years
        if count.topdown is None or not years:
            return pd.DataFrame()
        lines = count.topdown.lines
        books = count.outturn.lines if count.outturn is not None else None
        place = measured_modelled.place_bridge(lines, books, years)
        totals = read_totals(count.data_root, years=years)
        regions = measured_modelled.authority_regions(authority_table(), lad_regions(count.data_root))
        region = measured_modelled.region_bridge(lines, totals, regions, years)
        table = pd.concat([place, region], ignore_index=True)
        if len(table):
            table["note"] = measured_modelled.BRIDGE_NOTE
        return table.sort_values(["year", "area"], kind="stable", ignore_index=True) if len(table) else table
