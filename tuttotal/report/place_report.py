"""A place's report: its count (:class:`~tuttotal.report.core.ReportCore`) and its sections, one object.

:class:`PlaceReport` is what the notebooks hold (``count``): the count's data and shared facts, the
headline, the totals and themes, ``summary.json``, and a section for each part of the story, each in its
own module and made once per report:

- ``provenance``: where the money and boundaries come from, the figures' footers (:mod:`~tuttotal.report.provenance`);
- ``need``: spending beside income deprivation (:mod:`~tuttotal.report.need`);
- ``change``: the years, the trend and the councils' cuts (:mod:`~tuttotal.report.change`);
- ``comparisons``: the focus wards and the place beside others, by theme (:mod:`~tuttotal.report.comparisons`);
- ``published``: the place's published count and the books beside the CRA (:mod:`~tuttotal.report.published`);
- ``maps``: the ward map, a theme's, the web maps (:mod:`~tuttotal.report.maps`);
- ``sensitivity``: how much the driver decides (:mod:`~tuttotal.report.sensitivity`).

Examples
--------
>>> from tuttotal.report import prepare
>>> demo = prepare(place="demo")
>>> demo.need is demo.need, demo.change.trend_chart() is None
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property
from typing import TYPE_CHECKING

from tuttotal.analysis import headline as headline_figures
from tuttotal.analysis import place_text
from tuttotal.analysis.breakdown import basis_totals
from tuttotal.analysis.ranks import no_ranks, place_rank, with_ranks_note
from tuttotal.analysis.summary import basis_summary, real_counts_summary
from tuttotal.count.outturn_count import METHOD as BOOKS
from tuttotal.count.place_count import PlaceCount
from tuttotal.count.topdown import METHOD
from tuttotal.data import safe_html
from tuttotal.england import ranks as england_ranks
from tuttotal.england.findings import PlaceAreas
from tuttotal.figures import place_figures
from tuttotal.figures.charts import theme_bars
from tuttotal.report.change import ChangeSection
from tuttotal.report.comparisons import ComparisonsSection
from tuttotal.report.core import ReportCore
from tuttotal.report.maps import MapsSection
from tuttotal.report.need import NeedSection
from tuttotal.report.provenance import Provenance, package_versions
from tuttotal.report.published import PublishedSection
from tuttotal.report.sensitivity import SensitivitySection

if TYPE_CHECKING:
    import pandas as pd
    from IPython.display import Markdown
    from matplotlib.figure import Figure


@dataclass(frozen=True, eq=False)
class PlaceReport(ReportCore):
    """A place's count and its report: the headline, the totals, ``summary.json`` and a section per part.

    Tables and figures are derived from the count's data on first use and kept (never stored back into it).
    """

    @classmethod
    def of(cls, count: PlaceCount) -> PlaceReport:
        """The report of a count (:func:`tuttotal.count.place_loader.load_place_count`)."""
        return cls(**{item.name: getattr(count, item.name) for item in fields(PlaceCount)})

    # -------------------------------------------------------------- sections
    @cached_property
    def provenance(self) -> Provenance:
        """Where the money and boundaries come from; the figures' footers."""
        return Provenance(self)

    @cached_property
    def need(self) -> NeedSection:
        """Spending beside income deprivation: the need tables, figures and words."""
        return NeedSection(self, self.provenance)

    @cached_property
    def change(self) -> ChangeSection:
        """Spending by year, the trend, the councils' cuts."""
        return ChangeSection(self, self.provenance)

    @cached_property
    def comparisons(self) -> ComparisonsSection:
        """The focus wards and the place beside their LAD, region, England and the median pilot, by theme."""
        return ComparisonsSection(self, self.provenance, self.need)

    @cached_property
    def published(self) -> PublishedSection:
        """The place's published count beside ours; the councils' books beside the CRA's lines."""
        return PublishedSection(self)

    @cached_property
    def maps(self) -> MapsSection:
        """The ward map, a theme's map, the web maps of the place and of England."""
        return MapsSection(self, self.provenance, self.need)

    @cached_property
    def sensitivity(self) -> SensitivitySection:
        """How much the driver decides: modelled money by need beside population alone."""
        return SensitivitySection(self)

    # -------------------------------------------------------------- headline
    def headline(self) -> Markdown:
        """A Markdown heading naming the place, the year and where the spend came from.

        Every name in it (the place's, its districts', the spend file's) comes
        from outside and is escaped (:func:`tuttotal.data.safe_html.markdown`):
        shown as text, never as markup.
        """
        from IPython.display import Markdown

        md = safe_html.markdown
        lads = ", ".join(f"{md(lad.name)} ({md(lad.code)})" for lad in self.place.lads)
        provenance = md(self.provenance.provenance_note)
        return Markdown(f"## {md(self.place.name)}, {md(self.year)}\n\n**{provenance}**\n\nDistricts: {lads}.")

    def headline_table(self) -> pd.DataFrame:
        """The place's headline figures, one per row (``figure``, ``value``, ``note``): what the report opens with.

        The money counted and placed in wards, its measured and modelled parts
        and the measured share, what was not placed, the people and the
        spending per head, and (for a real count) where the place's spending
        per head, and the change in its councils' spending per head since
        2010-11, rank among England's 326 districts of 2013 (:meth:`england_rank`,
        from the same table as :meth:`england_ranks`).
        """
        r = self.count.reconciliation
        pop = self.population
        people = float(pop.sum()) if pop is not None and pop.sum() > 0 else None
        ranks = []
        if people:
            ranks = [
                ("Rank in England (per head)", self.england_rank()),
                ("Rank in England (councils' change per head)", self.england_rank(england_ranks.CHANGE)),
            ]
        return headline_figures.headline_table(
            placed_pence=r.placed_pence,
            input_pence=r.input_pence,
            totals=basis_totals(self.count.ward_spend),
            provenance=self.provenance.provenance_note,
            wards=self.wards_count,
            lads=len(self.place.lads),
            year=self.year,
            warnings=self.nothing_placed_warnings() + list(self.provenance.coverage_notes),
            capital_pence=self.published.capital_pence(),
            transfers_pence=r.transfers_pence,
            unplaced=r.unplaced,
            people=people,
            drivers_note=self.provenance.drivers_note or "",
            ranks=ranks,
        )

    def england_ranks(self) -> pd.DataFrame:
        """The place's districts ranked among England's LADs, and its focus wards among England's wards.

        Per head (all money, and measured money only), by the change in
        councils' own spending per head from 2010-11 to the latest outturn
        year (real terms, transfers of function apart: districts only, a
        ward's row says it has none) and by income deprivation, read from
        the national tables of the same year and prices
        under the run's output root (``<output root>/england/<year>/``, where
        ``tuttotal england`` writes them; the output root is the parent of the
        report's folder); without them, computed
        (:func:`tuttotal.england.ranks.place_ranks`: the national count when
        its caches are warm, else the LAD-level count, the wards' rows then
        saying how to get theirs). Each row states its basis and its table.

        Only for a real count: the synthetic demo and a user's spend file count
        other money than England's tables, so they get an empty table (its
        ``attrs["note"]`` says why).

        Returns
        -------
        pandas.DataFrame
            :data:`tuttotal.england.ranks.RANK_COLUMNS`.
        """
        return self.memo.table("england_ranks", self._england_ranks)

    def _england_ranks(self) -> pd.DataFrame:
        if not self.count_source.is_real:
            return no_ranks(england_ranks.RANK_COLUMNS, illustrative=self.is_illustrative)
        area = PlaceAreas(self.place.slug, self.place.name, tuple(self.place.lad_codes), tuple(self.focus["ward_code"]))
        return with_ranks_note(
            england_ranks.place_ranks(
                area, self.year, output_root=self.output_dir.parent, data_dir=self.data_root, prices=self.prices
            )
        )

    def england_rank(self, measure: str = "per_head_gbp") -> tuple[str, str] | None:
        """Where the place ranks among England's districts by ``measure``, from :meth:`england_ranks`.

        :func:`tuttotal.analysis.ranks.place_rank`: ``per_head_gbp`` (the default) or any measure of
        :data:`tuttotal.england.ranks.RANK_MEASURES`; the place as if one district when it has several.
        """
        return place_rank(
            self.england_ranks(), measure, several_lads=len(self.place.lads) > 1, signed=measure == england_ranks.CHANGE
        )

    def totals_text(self) -> str:
        """The count's totals in a few plain lines, for the notebook (:mod:`tuttotal.analysis.place_text`)."""
        return place_text.totals_text(
            self.count.reconciliation,
            heading=f"{self.place.name}, {self.year}: {self.wards_count} wards in {len(self.place.lads)} LAD(s)",
            provenance=self.provenance.provenance_note,
            warnings=[*self.nothing_placed_warnings(), *self.provenance.coverage_notes],
            population=self.population,
        )

    def themes_chart(self) -> Figure:
        """Bar chart of the place's spend by Total Place theme (drawn once).

        When nothing was placed, a figure that says so (and why) instead of bars.
        """
        return self.memo.figure("themes", self._draw_themes_chart)

    def _draw_themes_chart(self) -> Figure:
        if self.nothing_placed:
            return place_figures.nothing_placed(self.place.name, self.year, self.nothing_placed_text(), self.stamp)
        return theme_bars(
            self.theme_totals(),
            title=f"{self.place.name}: public spending by theme, {self.year}",
            measure=f"£ total, {self.year}",
            notes=self.provenance.figure_notes,
            stamp=self.stamp,
            modelled=self.modelled_by_theme() if self.count_source.is_real else None,
        )

    # -------------------------------------------------------------- summary
    def summary(self) -> dict:
        """The content of ``summary.json``."""
        return {
            "place": self.place.slug,
            "name": self.place.name,
            "lads": list(self.place.lad_codes),
            "year": self.year,
            "illustrative": self.is_illustrative,
            "spend": self.spend_kind,
            "method": self.method,
            "source": self.source,
            "real_counts": real_counts_summary(
                self.topdown, self.outturn, self.published.books_bridge(), topdown_method=METHOD, books_method=BOOKS
            )
            if self.count_source.is_real
            else {},
            "published": self.published.summary(),
            "sources": self.provenance.source_list(),
            "totals": self.count.reconciliation.to_summary(),
            "basis": basis_summary(self.count.ward_spend),
            "wards": self.wards_count,
            "focus_wards": [
                {"code": c, "name": n} for c, n in zip(self.focus.ward_code, self.focus.ward_name, strict=True)
            ],
            "boundaries_vintage": self.wards.attrs.get("vintage", ""),
            "ward_coverage": self.provenance.coverage,
            "drivers_used": self.count.drivers_used,
            "inputs": self.inputs,
            "parameters": self.parameters.record(),
            "versions": package_versions(),
            "timings": self.timings,
            "deprivation": self.need.summary(),
            "drivers_source": self.provenance.drivers_note or "",
            "warnings": [*self.warnings, *self.count.notes, *self.nothing_placed_warnings()],
        }
