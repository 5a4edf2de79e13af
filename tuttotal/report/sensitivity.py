"""How much the driver decides: a real count's modelled money shared by need beside population alone.

:class:`SensitivitySection` is the report's section of sensitivity (``report.sensitivity``): the same
regional lines shared to the place, and in it to the wards, by population only, each ward's and LAD's
money beside the count's (:mod:`tuttotal.analysis.sensitivity`: ``sensitivity.csv``), and the words.

Examples
--------
>>> from tuttotal.report import prepare
>>> demo = prepare(place="demo")
>>> demo.sensitivity.table().empty, demo.sensitivity.text()
(True, '')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuttotal.analysis.sensitivity import population_only, sensitivity_table, sensitivity_text, ward_sensitivity
from tuttotal.count import measured_modelled, themes, topdown
from tuttotal.count.apportion import apportion, load_transfer_rules
from tuttotal.count.place_loader import driver_totals
from tuttotal.report.core import ReportCore

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, eq=False)
class SensitivitySection:
    """The count's modelled money by the need drivers beside population alone.

    Attributes
    ----------
    count : ReportCore
        The report.
    """

    count: ReportCore

    def table(self, year: str | None = None) -> pd.DataFrame:
        """Each ward's and LAD's modelled money by the need drivers beside population alone (``sensitivity.csv``).

        The same regional lines shared to the place, and in it to the wards, by
        population only; measured money is the same in both and kept apart
        (:mod:`tuttotal.analysis.sensitivity`). ``year`` (default: the report's)
        is counted as :meth:`~tuttotal.report.core.ReportCore.ward_spend_of_year`
        counts it, per head of its own people (the explorer's other years). Empty
        for a spend file, a count without people, or a year the regional analysis
        does not cover.
        """
        the_year = year or self.count.year
        return self.count.memo.table(f"sensitivity {the_year}", lambda: self._table(the_year))

    def _table(self, year: str) -> pd.DataFrame:
        import pandas as pd

        count = self.count
        people = count.population_of_year(year) if count.count_source.is_real else None
        if people is None or year not in topdown.YEARS:
            return pd.DataFrame()
        flat = population_only(themes.load_themes(count.parameters.themes_path or None))
        lines = topdown.topdown_count(count.place.lad_codes, data_dir=count.data_root, years=(year,), theme_table=flat)
        spend = measured_modelled.combine(lines.spend, None, ())  # every line modelled
        spend = spend[~measured_modelled.replaced_by_books(spend, count.measured_years)]  # as in the count
        if spend.empty:
            return pd.DataFrame()
        classified = themes.assign_themes(spend, flat, driver_totals(count.drivers, count.wards))
        flat_count = apportion(
            classified,
            count.wards,
            count.drivers,
            year=year,
            driver="population",
            transfer_rules=load_transfer_rules(count.parameters.transfers_path or None),
        )
        wards = ward_sensitivity(count.ward_spend_of_year(year), flat_count.ward_spend, count.wards, people)
        return sensitivity_table(wards, count.wards, year)

    def text(self) -> str:
        """How much the driver decides, for the focus wards and the place, in a few lines ("" without it)."""
        return sensitivity_text(self.table(), self.count.focus, self.count.year)
