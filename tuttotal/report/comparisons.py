"""The focus wards and the place beside others: their LAD, the place, the region, England, the median pilot.

:class:`ComparisonsSection` is the report's section of comparisons by theme (``report.comparisons``): each focus
ward per head by theme against its LAD, the place and (pilots) the median pilot place
(:func:`tuttotal.analysis.focus.focus_comparison_table`) and its chart; the place per head by theme
beside its region(s), England and the median pilot (:mod:`tuttotal.analysis.per_head`) and its chart;
and the focus wards in words.

Examples
--------
>>> from tuttotal.report import prepare
>>> demo = prepare(place="demo")
>>> sorted(set(demo.comparisons.focus()["level"]))
['LAD', 'place', 'ward']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuttotal.analysis import per_head, place_text
from tuttotal.analysis.compare import pilot_median_per_head
from tuttotal.analysis.focus import focus_comparison_table, pilot_median_note
from tuttotal.count.pilot_medians import pilots_theme_per_head
from tuttotal.count.topdown import region_theme_per_head
from tuttotal.figures import place_figures
from tuttotal.report.core import ReportCore
from tuttotal.report.need import NeedSection
from tuttotal.report.provenance import Provenance

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


@dataclass(frozen=True, eq=False)
class ComparisonsSection:
    """Per head by theme: the focus wards against their surroundings, the place against its region and England.

    Attributes
    ----------
    count : ReportCore
        The report.
    provenance : Provenance
        Its notes.
    need : NeedSection
        Its need (the focus wards' deprivation, in words).
    """

    count: ReportCore
    provenance: Provenance
    need: NeedSection

    def pilot_median(self) -> tuple[pd.Series | None, str]:
        """The median pilot place's spend per head by theme (pilots only) and a note saying what it is."""
        count = self.count
        if count.place.status != "pilot":
            return None, ""
        median = pilot_median_per_head(pilots_theme_per_head(count.data_root, count.year))
        return median, pilot_median_note(count.year, median)

    def focus(self, *, by_basis: bool = False) -> pd.DataFrame:
        """Each focus ward against its LAD, the place and (pilots) the median pilot place, by theme.

        :func:`tuttotal.analysis.focus.focus_comparison_table` of the count: ``area, level, theme[, basis],
        amount_gbp, per_head_gbp``; empty without focus wards or a population driver.
        """
        count = self.count
        median, note = self.pilot_median() if count.population is not None and len(count.focus) else (None, "")
        return focus_comparison_table(
            count.count.ward_spend,
            count.wards,
            count.population,
            list(count.focus.ward_code),
            place_name=count.place.name,
            pilot_median=median,
            pilot_note=note,
            by_basis=by_basis,
        )

    def focus_chart(self) -> Figure | None:
        """Focus wards against their LAD, the place and the median pilot place, per head by theme (drawn once)."""
        return self.count.memo.figure("comparison", self._draw_focus_chart)

    def _draw_focus_chart(self) -> Figure | None:
        count = self.count
        if count.nothing_placed:  # no bars to draw: the themes figure says why
            return None
        return place_figures.focus_comparison_chart(
            self.focus(),
            focus_names=list(count.focus.ward_name),
            year=count.year,
            notes=self.provenance.figure_notes,
            stamp=count.stamp,
            by_basis=self.focus(by_basis=True) if count.count_source.is_real else None,
        )

    def theme_per_head(self) -> pd.DataFrame:
        """£ per head by theme: the place, its region(s), England and (pilots) the median pilot, real counts only.

        ``theme, area, level, basis, per_head_gbp``; regions and England from the
        same lines, each per head of its people of the year
        (:meth:`~tuttotal.report.core.ReportCore.population_of_year`,
        :func:`tuttotal.count.topdown.region_theme_per_head`). Only a top-down
        year has it, so every row is ``modelled``: the region's money shared by
        driver (the median pilot's too).
        """
        return self.count.memo.table("theme_per_head", self._theme_per_head)

    def _theme_per_head(self) -> pd.DataFrame:
        import pandas as pd

        count = self.count
        if not count.count_source.is_real or count.source != "top-down" or count.population is None:
            return pd.DataFrame(columns=per_head.COLUMNS)
        others = region_theme_per_head(count.year, data_dir=count.data_root)
        median, _ = self.pilot_median()
        return per_head.theme_per_head_beside(
            count.count.ward_spend,
            float(count.population.sum()),
            count.place.name,
            others,
            sorted(set(count.topdown.lines["region"])),
            median,
        )

    def theme_per_head_chart(self) -> Figure | None:
        """Per head by theme against the region, England and the median pilot (drawn once), or None."""
        return self.count.memo.figure("theme_per_head", self._draw_theme_per_head_chart)

    def _draw_theme_per_head_chart(self) -> Figure | None:
        count = self.count
        if count.nothing_placed:  # no bars to draw: the themes figure says why
            return None
        return place_figures.theme_per_head_chart(
            self.theme_per_head(),
            place_name=count.place.name,
            year=count.year,
            notes=self.provenance.figure_notes,
            stamp=count.stamp,
        )

    def focus_text(self) -> str:
        """The focus wards: total, per head, share of their LAD and of the place, rank, need (in words)."""
        count = self.count
        return place_text.focus_text(
            count.ward_profiles(),
            list(count.focus.ward_code),
            place_name=count.place.name,
            need=self.need.ward_need() if self.need.has_need and len(count.focus) else None,
            people_year=count.year if count.driver_table is not None else "",
        )
