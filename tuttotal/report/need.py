"""Need beside the money: a place's wards' spending set beside their people and income deprivation.

:class:`NeedSection` is the report's section of need (``report.need``): which money need is set beside
(:mod:`tuttotal.analysis.need`), each ward's need table, the most deprived wards' share, the Gini, the
deprivation map, the need scatter, the Lorenz curve, a theme's need and the words that say it.

Examples
--------
>>> from tuttotal.report import prepare
>>> demo = prepare(place="demo")
>>> demo.need.has_need, demo.need.basis
(True, 'all')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuttotal.analysis import need
from tuttotal.analysis.deep_dive import theme_need
from tuttotal.analysis.deprivation import spend_in_most_deprived
from tuttotal.count.apportion import MEASURED
from tuttotal.data.lsoa import england_imd_deciles, lsoa_table
from tuttotal.figures import place_figures
from tuttotal.report.core import ReportCore
from tuttotal.report.provenance import Provenance

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


@dataclass(frozen=True, eq=False)
class NeedSection:
    """Spend per head beside income deprivation, by ward: tables, figures and words.

    Attributes
    ----------
    count : ReportCore
        The report.
    provenance : Provenance
        Its notes (the footers of the need figures).
    """

    count: ReportCore
    provenance: Provenance

    @property
    def has_need(self) -> bool:
        """True when the drivers carry population and income deprivation for every ward."""
        return need.has_need(self.count.ward_drivers_wide())

    @property
    def measurable(self) -> bool:
        """True when spend per head can be set beside need: :attr:`has_need` and some ward with a value per head."""
        return self.has_need and not self.count.nothing_placed and need.need_measurable(self.ward_need())

    def ward_need(self) -> pd.DataFrame:
        """Each ward's spend, people and income deprivation (:func:`~tuttotal.analysis.deprivation.ward_need`).

        For real places, the England decile of each ward's IMD 2015 score is
        given against all English LSOAs.
        """
        return self.count.memo.table("ward_need", self._ward_need)

    def _ward_need(self) -> pd.DataFrame:
        count = self.count
        cut_offs = None
        if count.driver_table is not None:
            cut_offs = england_imd_deciles(lsoa_table(count.data_root))
        totals = count.ward_totals(MEASURED if self.basis == MEASURED else None)
        # per head of the year's people; need (shares, scores) as it is
        return need.place_ward_need(totals, count.ward_drivers_wide(), count.population, cut_offs)

    @property
    def basis(self) -> str:
        """The money the need figures are computed on: ``measured`` where a real count has any, else ``all``."""
        return need.need_basis(self.count.count.ward_spend, is_real=self.count.count_source.is_real)

    @property
    def money_basis(self) -> str:
        """``measured`` or ``modelled``: the basis of the money the need figures and tables are computed on."""
        return need.need_money_basis(self.basis, is_real=self.count.count_source.is_real)

    @property
    def by_construction_note(self) -> str | None:
        """The caveat of need figures on money placed by drivers, or None where none is."""
        return need.by_construction_note(self.basis, is_real=self.count.count_source.is_real)

    def most_deprived_spend(self) -> pd.DataFrame:
        """Share of spend and people in the most income-deprived 10% and 20% of wards."""
        return spend_in_most_deprived(self.ward_need())

    def gini(self) -> float:
        """Gini coefficient of spend per head across wards."""
        return need.gini(self.ward_need())

    def summary(self) -> dict:
        """``summary.json``'s ``deprivation`` (empty when need cannot be set beside the money)."""
        return need.deprivation_summary(self.ward_need()) if self.measurable else {}

    @property
    def notes(self) -> list[str]:
        """Footer lines of the deprivation figures (:func:`tuttotal.analysis.need.need_notes`)."""
        count, provenance = self.count, self.provenance
        return need.need_notes(
            coverage_notes=provenance.coverage_notes,
            provenance=provenance.provenance_note,
            year=count.year,
            real_drivers=count.driver_table is not None,
            drivers_note=provenance.drivers_note,
            construction=self.by_construction_note,
        )

    @property
    def money_notes(self) -> list[str]:
        """Footer lines of the need figures that show money (scatter, Lorenz): :attr:`notes` and its basis.

        A real count's say it in :attr:`by_construction_note`; a spend file's and the demo's add the basis note.
        """
        basis_note = self.provenance.basis_note
        if self.count.count_source.is_real or not basis_note:
            return self.notes
        return [*self.notes, basis_note]

    @property
    def deprivation_label(self) -> str:
        """What income deprivation is, for axes: its source for real places."""
        return need.deprivation_label(real_drivers=self.count.driver_table is not None)

    def deprivation_map(self) -> Figure | None:
        """Ward map of the share of people income-deprived (drawn once), or None without it."""
        return self.count.memo.figure("deprivation_map", self._draw_deprivation_map)

    def _draw_deprivation_map(self) -> Figure | None:
        if not self.has_need:
            return None
        count = self.count
        return place_figures.deprivation_map(
            count.wards,
            self.ward_need(),
            place_name=count.place.name,
            real_drivers=count.driver_table is not None,
            focus=list(count.focus["ward_code"]),
            notes=self.notes,
            attribution=self.provenance.attribution,
            stamp=count.stamp,
        )

    def chart(self) -> Figure | None:
        """Spend per head against income deprivation, wards as points (drawn once), or None."""
        return self.count.memo.figure("need", self._draw_chart)

    def _draw_chart(self) -> Figure | None:
        if not self.measurable:
            return None
        return self._scatter(self.ward_need())

    def theme_need(self, theme: str) -> pd.DataFrame:
        """Each ward's spend on one theme beside its people and income deprivation."""
        count = self.count
        return theme_need(count.count.ward_spend, count.wards, count.ward_drivers_wide(), theme)

    def theme_chart(self, theme: str) -> Figure | None:
        """One theme's spend per head against income deprivation, wards as points (None without drivers)."""
        return self.count.memo.figure(("theme_need", theme), lambda: self._draw_theme_chart(theme))

    def _draw_theme_chart(self, theme: str) -> Figure | None:
        if not self.has_need:
            return None
        return self._scatter(self.theme_need(theme), theme)

    def _scatter(self, table: pd.DataFrame, theme: str = "") -> Figure:
        count = self.count
        return place_figures.need_chart(
            table,
            place_name=count.place.name,
            year=count.year,
            theme=theme,
            focus=list(count.focus["ward_code"]),
            notes=self.money_notes,
            x_label=self.deprivation_label,
            stamp=count.stamp,
        )

    def lorenz_chart(self) -> Figure | None:
        """Lorenz curve and Gini of spend per head across wards (drawn once), or None without population."""
        return self.count.memo.figure("lorenz", self._draw_lorenz_chart)

    def _draw_lorenz_chart(self) -> Figure | None:
        if not self.measurable:
            return None
        count = self.count
        return place_figures.lorenz(
            self.ward_need(), place_name=count.place.name, year=count.year, notes=self.money_notes, stamp=count.stamp
        )

    def text(self) -> str:
        """Deprivation beside the money, in a few lines: the most deprived wards' share and the Gini."""
        table = self.ward_need() if self.measurable else None
        return need.need_text(table, has_need=self.has_need, construction=self.by_construction_note)
