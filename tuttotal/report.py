"""One place's report, step by step: what the notebooks call.

:func:`count_place` (or :func:`prepare`, by keyword) loads the wards and the
spend of a place, classifies and apportions the spend, and returns a
:class:`PlaceReport` whose methods give its tables and draw its figures;
:func:`tuttotal.writers.place.write_outputs` writes the files of the output
layout::

    ward_map.png, themes.png, ward_theme.csv, reconciliation.csv, summary.json

Drivers (population by age, deprivation) of a real place are the real
ones, moved from 2011 LSOAs onto its wards (:mod:`tuttotal.data.ward_drivers`)
and written as ``drivers.csv``; a user's ``drivers_path`` overrides them.
When no spend file is given for a real place, its count is the real
top-down one (:mod:`tuttotal.count.topdown`: its share of its region's
identifiable spending by need), written line by line as ``topdown.csv``;
``summary.json`` says ``"spend": "real"`` and every figure names the source
and method.

Examples
--------
>>> from tuttotal import report
>>> demo = report.prepare(place="demo")
>>> demo.wards_count, demo.spend_kind
(24, 'synthetic')
"""

from __future__ import annotations

import logging
import platform
import tempfile
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal import __version__, paths, settings
from tuttotal.analysis import cuts, need, per_head, place_text
from tuttotal.analysis import headline as headline_figures
from tuttotal.analysis import published as published_counts
from tuttotal.analysis.breakdown import basis_totals, theme_by_agency, ward_profiles, ward_theme
from tuttotal.analysis.compare import ALL_THEMES, change_by_year, pilot_median_per_head
from tuttotal.analysis.deep_dive import theme_need, ward_theme_totals
from tuttotal.analysis.deprivation import spend_in_most_deprived
from tuttotal.analysis.focus import focus_comparison_table, pilot_median_note
from tuttotal.analysis.ranks import no_ranks, place_rank, with_ranks_note
from tuttotal.analysis.sensitivity import population_only, sensitivity_table, sensitivity_text, ward_sensitivity
from tuttotal.analysis.summary import basis_summary, real_counts_summary
from tuttotal.analysis.web_map import web_map_wards
from tuttotal.count import measured_modelled, themes, topdown
from tuttotal.count.apportion import MEASURED, MODELLED, apportion, load_transfer_rules
from tuttotal.count.inputs import run_inputs
from tuttotal.count.outturn_count import METHOD as BOOKS
from tuttotal.count.outturn_count import authority_table, outturn_count
from tuttotal.count.parameters import PlaceParameters
from tuttotal.count.pilot_medians import pilots_theme_per_head
from tuttotal.count.place_count import PlaceCount
from tuttotal.count.real_years import check_real_year, measured_years, source_of_year
from tuttotal.count.sources import CountSource, RealSource, SpendFileSource, SyntheticSource, TopDownSource
from tuttotal.count.topdown import METHOD, region_theme_per_head
from tuttotal.count.year_counts import count_years
from tuttotal.data import (
    cra_releases,
    datasets,
    deflators,
    geography,
    place_wards,
    places,
    population_years,
    safe_html,
    sources,
    ward_drivers,
)
from tuttotal.data.cra import lad_regions
from tuttotal.data.datasets import ATTRIBUTION, lad_names
from tuttotal.data.lsoa import england_imd_deciles, lsoa_table
from tuttotal.data.outturn import YEARS, function_transfers, read_totals, service_table
from tuttotal.data.spend import parse_year, read_drivers, read_spend
from tuttotal.england import ranks as england_ranks
from tuttotal.england.findings import PlaceAreas
from tuttotal.england.web_shapes import england_web_shapes
from tuttotal.errors import TuttotalError, TuttotalWarning
from tuttotal.figures import place_figures, webmap
from tuttotal.figures.charts import theme_bars, trend_lines
from tuttotal.figures.maps import ward_map
from tuttotal.money import format_gbp

logger = logging.getLogger(__name__)

#: The two years "where the cuts fell" compares (and the outturn year set beside the top-down 2008-09): the span of
#: the first five RS years, kept while the outturn grew to 2007-08 to 2016-17 (the lead picks the combined count's).
CUTS_YEARS = ("2010-11", "2014-15")

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from matplotlib.figure import Figure

    from tuttotal.data.places import Place


@dataclass(frozen=True, eq=False)
class PlaceReport(PlaceCount):
    """A place's count (:class:`tuttotal.count.place_count.PlaceCount`) and what its report shows of it.

    Tables and figures are derived from the count's data on first use and kept (never stored back into it).
    """

    _figures: dict[tuple, Figure] = field(default_factory=dict, repr=False, compare=False)
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    _year_counts: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    def _computed_once(self, key: str, make):
        """The table under ``key``, made on first use (a copy each time, so callers may change it)."""
        if key not in self._tables:
            self._tables[key] = make()
        table = self._tables[key]
        copy = table.copy()
        copy.attrs.update(table.attrs)
        return copy

    # ----------------------------------------------------------------- facts
    @property
    def spend_kind(self) -> str:
        """``real`` (the real count), ``user`` (a spend file) or ``synthetic`` (the demo): ``summary.json``'s spend."""
        return self.count_source.kind

    @property
    def is_illustrative(self) -> bool:
        """True only for generated money (the synthetic demo)."""
        return self.count_source.is_illustrative

    @property
    def wards_count(self) -> int:
        """Number of wards in the place."""
        return len(self.wards)

    @property
    def stamp(self) -> str | None:
        """The mark every figure carries: SYNTHETIC, ILLUSTRATIVE or nothing."""
        return self.count_source.stamp

    @property
    def provenance_note(self) -> str:
        """One sentence on where the spend came from."""
        return self.provenance_for(self.year)

    def provenance_for(self, year: str) -> str:
        """One sentence on where the spend of ``year`` came from (a real place's years come from two counts)."""
        return self.source_of(year).provenance(year)

    def source_of(self, year: str) -> CountSource:
        """The source of ``year``'s money: the count's own, or for a real place the kind of that year's count."""
        if not isinstance(self.count_source, RealSource):
            return self.count_source
        return self.count_source.of_year(source_of_year(year, self.parameters.data_root))

    def notes_for(self, year: str) -> list[str]:
        """Footer lines of a figure of ``year`` (the count's own notes only for the counted year)."""
        notes = [self.provenance_for(year)]
        if self.drivers_note:
            notes.append(self.drivers_note.replace(f"a {self.year} count", f"a {year} count"))
        return [*self.coverage_notes, *notes, *(self.count.notes if year == self.year else [])]

    @property
    def coverage(self) -> dict[str, float]:
        """Share of each LAD's area the user's ward files cover (empty for the registry's or the demo's wards)."""
        return dict(self.wards.attrs.get("coverage", {}))

    @property
    def coverage_notes(self) -> list[str]:
        """A warning for each LAD the user's ward files cover less than 95% of (first on every figure)."""
        names = {lad.code: lad.name for lad in self.place.lads}
        return geography.partial_cover_notes(self.coverage, names, self.wards)

    @property
    def drivers_note(self) -> str | None:
        """One sentence on the drivers: where they come from and their vintage."""
        if self.driver_table is not None:
            return (
                "People: mid-2015 populations (IoD 2019 File 6) and IMD 2010 deprivation, moved from 2011 LSOAs "
                "onto wards by area (tuttotal areal interpolation)"
                + (f"; applied to a {self.year} count" if self.year else "")
                + "; per head of each year's people (mid-2015 scaled to the ONS mid-year estimate)."
            )
        if self.parameters.drivers_path:
            return f"Drivers: {Path(self.parameters.drivers_path).name}."
        return None

    @property
    def figure_notes(self) -> list[str]:
        """Footer lines of every figure."""
        notes = [*self.coverage_notes, self.provenance_note]
        if self.basis_note:
            notes.append(self.basis_note)
        if self.drivers_note:
            notes.append(self.drivers_note)
        return [*notes, *self.count.notes]

    @property
    def basis_note(self) -> str | None:
        """One sentence on how much of the count is measured and how much modelled (None when nothing was placed).

        A spend file's money (and the demo's) is all measured (the body's own
        books), which the sentence says; a real count mixes councils' own
        books (measured) with shares of the region's money by driver
        (modelled), which follow the drivers by construction: the figures
        hatch the modelled part, or give both in a map's legend.
        """
        return self.count_source.basis_note(basis_totals(self.count.ward_spend))

    def modelled_by_theme(self) -> pd.Series:
        """Pounds of modelled money by theme (0 where a theme is all measured)."""
        spend = self.count.ward_spend
        if "basis" not in spend:
            return spend.groupby("theme")["amount_pence"].sum() * 0.0
        part = spend[spend["basis"] == MODELLED].groupby("theme")["amount_pence"].sum() / 100
        return part.reindex(spend["theme"].unique()).fillna(0.0)

    @property
    def attribution(self) -> str:
        """The boundary data's attribution line."""
        if self.place.is_synthetic:
            return "Synthetic boundaries made by data/sample/make_sample.py."
        if self.parameters.wards_paths:
            return "Boundaries: " + ", ".join(Path(p).name for p in self.parameters.wards_paths) + "."

        return ATTRIBUTION

    @property
    def population(self) -> pd.Series | None:
        """People per ward code of the report's year (the per-head denominator), when a population driver exists.

        :meth:`population_of_year` of :attr:`year`.
        """
        return self.population_of_year(self.year)

    def population_of_year(self, year: str) -> pd.Series | None:
        """People per ward code of ``year``: the per-head denominator of that year's figures.

        A real count's wards (drivers from mid-2015 LSOAs) take their people
        of the year: the ``population`` driver times their LAD's growth from
        mid-2015 to the ONS mid-year estimate of the year's first calendar
        year (2008-09 → mid-2008; :func:`tuttotal.data.population_years.ward_population_of_year`).
        A supplied drivers file, the synthetic demo, wards outside England's
        2013 LADs and years the estimates do not cover keep the ``population``
        driver. Only the denominator changes: the drivers that share the money
        out keep mid-2015 people and IMD 2010 need.
        """
        if self.drivers is None:
            return None
        if "population driver" not in self._tables:  # the trend and the cuts ask for it year after year
            pop = self.drivers[self.drivers.driver == "population"].set_index("area_code")["value"]
            self._tables["population driver"] = pop.reindex(self.wards.ward_code)
        pop = self._tables["population driver"]
        if not pop.notna().any():
            return None
        if not self.count_source.is_real or self.driver_table is None or not year:
            return pop.copy()
        key = f"population of {year}"
        if key not in self._tables:
            data_dir = self.parameters.data_dir or None
            lads = self.wards.set_index("ward_code")["lad_code"]
            known = lads.isin(list(population_years.lad_upper_tier())).all()
            if known and population_years.covers(year, data_dir):
                self._tables[key] = population_years.ward_population_of_year(pop, lads, year, data_dir)
            else:
                self._tables[key] = pop
        return self._tables[key].copy()

    # ----------------------------------------------------------- breakdowns
    def ward_theme(self, *, by_basis: bool = False) -> pd.DataFrame:
        """``ward_code, ward_name, lad_code, theme[, basis], amount_pence[, population, per_head_gbp]``.

        A row per ward and theme, or per ward, theme and basis with ``by_basis``.
        """

        return ward_theme(self.count.ward_spend, self.wards, self.population, by_basis=by_basis)

    def ward_profiles(self) -> pd.DataFrame:
        """Every ward's total, per head, share of its LAD and of the place, and ranks."""

        return ward_profiles(self.count.ward_spend, self.wards, self.population)

    def theme_by_agency(self, *, by_basis: bool = False) -> pd.DataFrame:
        """Pounds by theme and agency type, with totals (a row per theme and basis with ``by_basis``)."""

        return theme_by_agency(self.count.ward_spend, by_basis=by_basis)

    def focus_comparison(self, *, by_basis: bool = False) -> pd.DataFrame:
        """Each focus ward against its LAD, the place and (pilots) the median pilot place, by theme.

        :func:`tuttotal.analysis.focus.focus_comparison_table` of the count: ``area, level, theme[, basis],
        amount_gbp, per_head_gbp``; empty without focus wards or a population driver.
        """
        median, note = self._pilot_median() if self.population is not None and len(self.focus) else (None, "")
        return focus_comparison_table(
            self.count.ward_spend,
            self.wards,
            self.population,
            list(self.focus.ward_code),
            place_name=self.place.name,
            pilot_median=median,
            pilot_note=note,
            by_basis=by_basis,
        )

    def _pilot_median(self) -> tuple[pd.Series | None, str]:
        """The median pilot place's spend per head by theme (pilots only) and a note saying what it is."""
        if self.place.status != "pilot":
            return None, ""
        median = pilot_median_per_head(pilots_theme_per_head(self.parameters.data_dir or None, self.year))
        return median, pilot_median_note(self.year, median)

    def comparison_chart(self) -> Figure | None:
        """Focus wards against their LAD, the place and the median pilot place, per head by theme (drawn once)."""
        return self._drawn_once(("comparison",), self._draw_comparison_chart)

    def _draw_comparison_chart(self) -> Figure | None:
        if self.nothing_placed:  # no bars to draw: the themes figure says why
            return None
        return place_figures.focus_comparison_chart(
            self.focus_comparison(),
            focus_names=list(self.focus.ward_name),
            year=self.year,
            notes=self.figure_notes,
            stamp=self.stamp,
            by_basis=self.focus_comparison(by_basis=True) if self.count_source.is_real else None,
        )

    @property
    def years(self) -> list[str]:
        """Financial years in the spend count."""
        return sorted(self.spend["year"].unique())

    def change_by_year(self) -> pd.DataFrame:
        """Per-head spend by year for focus wards, their LADs and the place (needs several years)."""
        return self._computed_once("change_by_year", self._change_by_year)

    @property
    def prices(self) -> str:
        """The prices of the report's series over years: ``cash`` or a financial year such as ``2016-17``."""
        return self.parameters.prices or deflators.CASH

    @property
    def prices_words(self) -> str:
        """``cash (not adjusted for inflation)`` or ``real terms, 2016-17 prices (HM Treasury GDP deflator)``."""
        if self.prices == deflators.CASH:
            return "cash (not adjusted for inflation)"
        return f"real terms, {self.prices_label} (HM Treasury GDP deflator)"

    @property
    def prices_label(self) -> str:
        """``cash`` or ``2016-17 prices``, for titles, axes and the ``prices`` column of the series' CSVs."""
        return deflators.prices_label(self.prices)

    def in_prices(self, spend: pd.DataFrame, year: str) -> pd.DataFrame:
        """A year's table of ``amount_pence`` at the report's prices (the same table for cash).

        Each amount is multiplied by the year's GDP deflator factor and rounded
        to the penny once (:func:`tuttotal.data.deflators.price_factors`).
        """
        if self.prices == deflators.CASH:
            return spend
        import numpy as np

        factor = deflators.price_factors([year], self.prices, data_dir=self.parameters.data_dir or None)[0]
        return spend.assign(amount_pence=np.rint(spend["amount_pence"].to_numpy(dtype=float) * factor).astype("int64"))

    def _change_by_year(self) -> pd.DataFrame:
        years = sorted(self.comparable_years)
        return change_by_year(
            {year: self.in_prices(self.ward_spend_of_year(year), year) for year in years},
            self.wards,
            self.drivers,
            focus_codes=list(self.focus.ward_code),
            place_name=self.place.name,
            people_by_year={year: self.population_of_year(year) for year in years},
        )

    def trend_chart(self) -> Figure | None:
        """Spend per head across the years of the spend count, or None for a single year (drawn once)."""
        return self._drawn_once(("trend",), self._draw_trend_chart)

    def _draw_trend_chart(self) -> Figure | None:
        if self.nothing_placed:  # no bars to draw: the themes figure says why
            return None
        if len(self.comparable_years) < 2:
            return None
        table = self.change_by_year()
        measure = "per_head_gbp" if self.population is not None else "amount_gbp"
        columns = ["year", "area", "value"]
        if self.count_source.is_real:  # the modelled part of the focus line, hatched under it
            share = (table["modelled_gbp"] / table["amount_gbp"]).where(table["amount_gbp"] != 0, 0.0)
            table = table.assign(modelled=table[measure] * share)
            columns.append("modelled")
        return trend_lines(
            table.rename(columns={measure: "value"})[columns],
            title=f"{self.place.name}: public spending {'per head' if self.population is not None else ''} by year"
            + (f", {self.prices_words}" if self.count_source.is_real or self.prices != "cash" else ""),
            measure=("£ per head" if self.population is not None else "£ total")
            + (f", {self.prices_label}" if self.count_source.is_real or self.prices != "cash" else ""),
            notes=[*self.figure_notes, *self.transfer_notes(self.comparable_years)],
            stamp=self.stamp,
        )

    def transfer_notes(self, years: list[str]) -> list[str]:
        """Lines naming the transfers of function between the first and last of ``years`` (councils' books only)."""
        if not self.count_source.is_real or len(years) < 2 or self.outturn is None or years[0] not in YEARS:
            return []
        found = function_transfers(years[0], years[-1])
        return [f"Transfer of function, not a cut: {group}: {what}" for group, what in found.items()]

    def ward_totals(self, basis: str | None = None) -> gpd.GeoDataFrame:
        """Wards with ``amount_pence``, ``amount_gbp`` and (with population) ``per_head_gbp``.

        ``basis`` (``measured`` or ``modelled``) keeps that money only; ``None`` all of it.
        """
        spend = self.count.ward_spend
        if basis is not None:
            spend = spend[spend["basis"] == basis]
        totals = spend.groupby("ward_code")["amount_pence"].sum()
        wards = self.wards.copy()
        wards["amount_pence"] = wards["ward_code"].map(totals).fillna(0).astype("int64")
        wards["amount_gbp"] = wards["amount_pence"] / 100
        pop = self.population
        if pop is not None:
            values = pop.to_numpy()
            wards["population"] = values
            wards["per_head_gbp"] = wards["amount_gbp"].where(values > 0) / values
        return wards

    def theme_totals(self) -> pd.Series:
        """Pounds by theme, largest first."""
        totals = self.count.ward_spend.groupby("theme")["amount_pence"].sum() / 100
        return totals.sort_values(ascending=False)

    def agency_totals(self) -> pd.Series:
        """Pounds by agency type, largest first."""
        totals = self.count.ward_spend.groupby("agency_type")["amount_pence"].sum() / 100
        return totals.sort_values(ascending=False)

    def headline(self):
        """A Markdown heading naming the place, the year and where the spend came from.

        Every name in it (the place's, its districts', the spend file's) comes
        from outside and is escaped (:func:`tuttotal.data.safe_html.markdown`):
        shown as text, never as markup.
        """
        from IPython.display import Markdown

        md = safe_html.markdown
        lads = ", ".join(f"{md(lad.name)} ({md(lad.code)})" for lad in self.place.lads)
        return Markdown(
            f"## {md(self.place.name)}, {md(self.year)}\n\n**{md(self.provenance_note)}**\n\nDistricts: {lads}."
        )

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
            provenance=self.provenance_note,
            wards=self.wards_count,
            lads=len(self.place.lads),
            year=self.year,
            warnings=([self.nothing_placed_text()] if self.nothing_placed else []) + list(self.coverage_notes),
            capital_pence=self.capital_pence(),
            transfers_pence=r.transfers_pence,
            unplaced=r.unplaced,
            people=people,
            drivers_note=self.drivers_note or "",
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
        return self._computed_once("england_ranks", self._england_ranks)

    def _england_ranks(self) -> pd.DataFrame:
        if not self.count_source.is_real:
            return no_ranks(england_ranks.RANK_COLUMNS, illustrative=self.is_illustrative)
        area = PlaceAreas(self.place.slug, self.place.name, tuple(self.place.lad_codes), tuple(self.focus["ward_code"]))
        return with_ranks_note(
            england_ranks.place_ranks(
                area,
                self.year,
                output_root=self.output_dir.parent,
                data_dir=self.parameters.data_dir or None,
                prices=self.prices,
            )
        )

    def england_rank(self, measure: str = "per_head_gbp") -> tuple[str, str] | None:
        """Where the place ranks among England's districts by ``measure``, from :meth:`england_ranks`.

        :func:`tuttotal.analysis.ranks.place_rank`: ``per_head_gbp`` (the default) or any measure of
        :data:`tuttotal.england.ranks.RANK_MEASURES`; the place as if one district when it has several.
        """
        return place_rank(
            self.england_ranks(),
            measure,
            several_lads=len(self.place.lads) > 1,
            signed=measure == england_ranks.CHANGE,
        )

    def totals_text(self) -> str:
        """The count's totals in a few plain lines, for the notebook (:mod:`tuttotal.analysis.place_text`)."""
        return place_text.totals_text(
            self.count.reconciliation,
            heading=f"{self.place.name}, {self.year}: {self.wards_count} wards in {len(self.place.lads)} LAD(s)",
            provenance=self.provenance_note,
            warnings=[*self._nothing_placed_warning(), *self.coverage_notes],
            population=self.population,
        )

    def focus_text(self) -> str:
        """The focus wards: total, per head, share of their LAD and of the place, rank, need (in words)."""
        return place_text.focus_text(
            self.ward_profiles(),
            list(self.focus.ward_code),
            place_name=self.place.name,
            need=self.ward_need() if self.has_need and len(self.focus) else None,
            people_year=self.year if self.driver_table is not None else "",
        )

    # ----------------------------------------------------------- deprivation
    @property
    def has_need(self) -> bool:
        """True when the drivers carry population and income deprivation for every ward."""
        return need.has_need(self.ward_drivers_wide())

    @property
    def nothing_placed(self) -> bool:
        """True when not a penny of the input could be placed in a ward (every pound is in the reconciliation)."""
        return self.count.reconciliation.placed_pence == 0

    @property
    def need_measurable(self) -> bool:
        """True when spend per head can be set beside need: :attr:`has_need` and some ward with a value per head."""
        return self.has_need and not self.nothing_placed and need.need_measurable(self.ward_need())

    def nothing_placed_text(self) -> str:
        """Why nothing was placed, from the reconciliation: each reason and its amount."""
        return place_text.nothing_placed_text(self.count.reconciliation, self.place.name)

    def _nothing_placed_warning(self) -> list[str]:
        return [self.nothing_placed_text()] if self.nothing_placed else []

    def ward_drivers_wide(self) -> pd.DataFrame | None:
        """Drivers one row per ward (``ward_code`` and one column per driver), or None."""
        if self.driver_table is not None:
            return self.driver_table
        return need.drivers_wide(self.drivers, self.wards.ward_code)

    def ward_need(self) -> pd.DataFrame:
        """Each ward's spend, people and income deprivation (:func:`~tuttotal.analysis.deprivation.ward_need`).

        For real places, the England decile of each ward's IMD 2015 score is
        given against all English LSOAs.
        """
        return self._computed_once("ward_need", self._ward_need)

    def _ward_need(self) -> pd.DataFrame:
        cut_offs = None
        if self.driver_table is not None:
            cut_offs = england_imd_deciles(lsoa_table(self.parameters.data_dir or None))
        totals = self.ward_totals(MEASURED if self.need_basis == MEASURED else None)
        # per head of the year's people; need (shares, scores) as it is
        return need.place_ward_need(totals, self.ward_drivers_wide(), self.population, cut_offs)

    @property
    def need_basis(self) -> str:
        """The money the need figures are computed on: ``measured`` where a real count has any, else ``all``."""
        return need.need_basis(self.count.ward_spend, is_real=self.count_source.is_real)

    @property
    def need_money_basis(self) -> str:
        """``measured`` or ``modelled``: the basis of the money the need figures and tables are computed on."""
        return need.need_money_basis(self.need_basis, is_real=self.count_source.is_real)

    @property
    def by_construction_note(self) -> str | None:
        """The caveat of need figures on money placed by drivers, or None where none is."""
        return need.by_construction_note(self.need_basis, is_real=self.count_source.is_real)

    def most_deprived_spend(self) -> pd.DataFrame:
        """Share of spend and people in the most income-deprived 10% and 20% of wards."""

        return spend_in_most_deprived(self.ward_need())

    def gini(self) -> float:
        """Gini coefficient of spend per head across wards."""
        return need.gini(self.ward_need())

    @property
    def need_notes(self) -> list[str]:
        """Footer lines of the deprivation figures (:func:`tuttotal.analysis.need.need_notes`)."""
        return need.need_notes(
            coverage_notes=self.coverage_notes,
            provenance=self.provenance_note,
            year=self.year,
            real_drivers=self.driver_table is not None,
            drivers_note=self.drivers_note,
            construction=self.by_construction_note,
        )

    @property
    def need_money_notes(self) -> list[str]:
        """Footer lines of the need figures that show money (scatter, Lorenz): :attr:`need_notes` and its basis.

        A real count's say it in :attr:`by_construction_note`; a spend file's and the demo's add :attr:`basis_note`.
        """
        if self.count_source.is_real or not self.basis_note:
            return self.need_notes
        return [*self.need_notes, self.basis_note]

    @property
    def deprivation_label(self) -> str:
        """What income deprivation is, for axes: its source for real places."""
        return need.deprivation_label(real_drivers=self.driver_table is not None)

    def deprivation_map(self) -> Figure | None:
        """Ward map of the share of people income-deprived (drawn once), or None without it."""
        return self._drawn_once(("deprivation_map",), self._draw_deprivation_map)

    def _draw_deprivation_map(self) -> Figure | None:
        if not self.has_need:
            return None
        return place_figures.deprivation_map(
            self.wards,
            self.ward_need(),
            place_name=self.place.name,
            real_drivers=self.driver_table is not None,
            focus=list(self.focus["ward_code"]),
            notes=self.need_notes,
            attribution=self.attribution,
            stamp=self.stamp,
        )

    def need_chart(self) -> Figure | None:
        """Spend per head against income deprivation, wards as points (drawn once), or None."""
        return self._drawn_once(("need",), self._draw_need_chart)

    def _draw_need_chart(self) -> Figure | None:
        if not self.need_measurable:
            return None
        return self._need_scatter(self.ward_need())

    # ------------------------------------------------------------ deep dive
    def theme_map(self, theme: str, *, scheme: str = "quantiles", k: int = 5) -> Figure:
        """Choropleth of one theme's spend per head (or in total) by ward, focus wards outlined (drawn once).

        ``theme`` is a theme of the count or ``all themes``
        (:func:`tuttotal.analysis.deep_dive.choose_theme`).
        """
        return self._drawn_once(("theme_map", theme, scheme, k), lambda: self._draw_theme_map(theme, scheme, k))

    def _draw_theme_map(self, theme: str, scheme: str, k: int) -> Figure:
        table = ward_theme_totals(self.ward_theme(), theme).set_index("ward_code")
        per_head = "per_head_gbp" in table
        wards = self.wards.copy()
        column = "per_head_gbp" if per_head else "amount_gbp"
        wards[column] = wards["ward_code"].map(table["per_head_gbp"] if per_head else table["amount_pence"] / 100)
        spend = self.count.ward_spend
        if theme != ALL_THEMES:
            spend = spend[spend["theme"] == theme]
        return self._house_ward_map(wards, column, f"{theme}, spending", scheme=scheme, k=k, spend=spend)

    def basis_split(self, spend: pd.DataFrame | None = None) -> tuple[float, float] | None:
        """Pounds of ``spend`` (default: the count's) measured and modelled, for a map's legend.

        None but for a real count: a spend file's and the demo's money is all
        measured, and their notes say so instead.
        """
        if not self.count_source.is_real:
            return None
        totals = basis_totals(self.count.ward_spend if spend is None else spend)
        return totals[MEASURED] / 100, totals[MODELLED] / 100

    def _house_ward_map(
        self, wards: gpd.GeoDataFrame, column: str, what: str, *, scheme: str, k: int, spend: pd.DataFrame | None = None
    ) -> Figure:
        """A ward map of ``column`` (``per_head_gbp`` or ``amount_gbp``) with the place's focus wards and furniture.

        ``spend`` is the money mapped (default: the count's), for the legend of its measured and modelled parts.
        """
        per_head = column == "per_head_gbp"
        return ward_map(
            wards,
            column,
            title=f"{self.place.name}: {what} {'per head' if per_head else 'in total'} by ward, {self.year}",
            measure="£ per head" if per_head else "£ total",
            focus=list(self.focus["ward_code"]),
            scheme=scheme,
            k=k,
            notes=self.figure_notes,
            attribution=self.attribution,
            stamp=self.stamp,
            basis=self.basis_split(spend),
        )

    def theme_need(self, theme: str) -> pd.DataFrame:
        """Each ward's spend on one theme beside its people and income deprivation."""

        return theme_need(self.count.ward_spend, self.wards, self.ward_drivers_wide(), theme)

    def theme_need_chart(self, theme: str) -> Figure | None:
        """One theme's spend per head against income deprivation, wards as points (None without drivers)."""
        return self._drawn_once(("theme_need", theme), lambda: self._draw_theme_need_chart(theme))

    def _draw_theme_need_chart(self, theme: str) -> Figure | None:
        if not self.has_need:
            return None
        return self._need_scatter(self.theme_need(theme), theme)

    def _need_scatter(self, table: pd.DataFrame, theme: str = "") -> Figure:
        return place_figures.need_chart(
            table,
            place_name=self.place.name,
            year=self.year,
            theme=theme,
            focus=list(self.focus["ward_code"]),
            notes=self.need_money_notes,
            x_label=self.deprivation_label,
            stamp=self.stamp,
        )

    def lorenz_chart(self) -> Figure | None:
        """Lorenz curve and Gini of spend per head across wards (drawn once), or None without population."""
        return self._drawn_once(("lorenz",), self._draw_lorenz_chart)

    def _draw_lorenz_chart(self) -> Figure | None:
        if not self.need_measurable:
            return None
        notes, name = self.need_money_notes, self.place.name
        return place_figures.lorenz(self.ward_need(), place_name=name, year=self.year, notes=notes, stamp=self.stamp)

    def need_text(self) -> str:
        """Deprivation beside the money, in a few lines: the most deprived wards' share and the Gini."""
        table = self.ward_need() if self.need_measurable else None
        return need.need_text(table, has_need=self.has_need, construction=self.by_construction_note)

    # -------------------------------------------------------------- figures
    def ward_map(self, *, scheme: str = "quantiles", k: int = 5) -> Figure:
        """Choropleth of spend per head (or in total, without population) by ward.

        Drawn once per ``scheme`` and ``k``: the map the notebook shows is the
        one :func:`tuttotal.writers.place.save_figures` writes.
        """
        return self._drawn_once(("ward_map", scheme, int(k)), lambda: self._draw_ward_map(scheme=scheme, k=k))

    def _drawn_once(self, key: tuple, draw):
        """The figure under ``key``, drawn on first use (None figures are remembered too)."""
        if key not in self._figures:
            self._figures[key] = draw()
        return self._figures[key]

    def _draw_ward_map(self, *, scheme: str, k: int) -> Figure:
        wards = self.ward_totals()
        column = "per_head_gbp" if "per_head_gbp" in wards else "amount_gbp"
        return self._house_ward_map(wards, column, "public spending", scheme=scheme, k=k)

    # -------------------------------------------------------------- web maps
    def web_map_labels(self) -> webmap.PlaceLabels:
        """What the web maps say about the place: names, year, kind of count, attribution, stamp."""
        return webmap.PlaceLabels(
            slug=self.place.slug,
            name=self.place.name,
            year=self.year,
            spend=self.spend_kind,
            count=self.count_label,
            attribution=self.attribution,
            stamp=self.stamp,
        )

    def web_map_wards(self) -> gpd.GeoDataFrame:
        """The wards with £, per head and income deprivation (where known): what the ward web map shows."""
        deprived = self.ward_need().set_index("ward_code")["income_deprived_share"] if self.has_need else None
        return web_map_wards(self.ward_totals(), deprived)

    def web_map(self, *, scheme: str = "quantiles", k: int = 5) -> webmap.WebMap:
        """The interactive ward map (:func:`tuttotal.figures.webmap.ward_map`): the house map's classes, hover, zoom."""
        return webmap.ward_map(
            self.web_map_wards(),
            self.web_map_labels(),
            focus=set(self.focus["ward_code"]),
            basis_split=self.basis_split(),
            scheme=scheme,
            k=k,
        )

    def england_web_map(self) -> webmap.WebMap | webmap.MapNote:
        """The place's LADs on a map of England's 326, by top-down spending per head (a real count).

        For a real count the colours are each LAD's top-down estimate per head
        (:func:`tuttotal.count.topdown.lad_per_head`) of the report's year, or of
        2008-09 for a councils' outturn year; for a user's or the synthetic count
        the LADs are plain and the place's shaded. A place with no English LAD
        (the synthetic demo), or no boundaries of England to be had, gets a sentence.
        """
        codes = [lad.code for lad in self.place.lads]
        if not set(codes) & set(lad_names()):
            return webmap.MapNote(
                f"{self.place.name} has no district of England's 2013 LADs: no map of England to show."
            )
        data_dir = self.parameters.data_dir or None
        try:
            england = england_web_shapes(data_dir)
        except TuttotalError as error:
            return webmap.MapNote(f"No map of England: {error.message if hasattr(error, 'message') else error}")
        if not self.count_source.is_real:
            return webmap.england_map(england, self.web_map_labels(), codes)
        year = self.year if self.year in topdown.YEARS else "2008-09"
        return webmap.england_map(
            england,
            self.web_map_labels(),
            codes,
            per_head=topdown.lad_per_head(year, data_dir=data_dir),
            per_head_year=year,
            per_head_source=cra_releases.YEAR_RELEASE[year],
        )

    def themes_chart(self) -> Figure:
        """Bar chart of the place's spend by Total Place theme (drawn once).

        When nothing was placed, a figure that says so (and why) instead of bars.
        """
        if self.nothing_placed:
            text = self.nothing_placed_text()
            return self._drawn_once(
                ("themes",), lambda: place_figures.nothing_placed(self.place.name, self.year, text, self.stamp)
            )
        return self._drawn_once(
            ("themes",),
            lambda: theme_bars(
                self.theme_totals(),
                title=f"{self.place.name}: public spending by theme, {self.year}",
                measure=f"£ total, {self.year}",
                notes=self.figure_notes,
                stamp=self.stamp,
                modelled=self.modelled_by_theme() if self.count_source.is_real else None,
            ),
        )

    # -------------------------------------------------------------- writing
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
                self.topdown, self.outturn, self.bridge(), topdown_method=METHOD, books_method=BOOKS
            )
            if self.count_source.is_real
            else {},
            "published": self._published_summary(),
            "sources": self.source_list(),
            "totals": self.count.reconciliation.to_summary(),
            "basis": basis_summary(self.count.ward_spend),
            "wards": self.wards_count,
            "focus_wards": [
                {"code": c, "name": n} for c, n in zip(self.focus.ward_code, self.focus.ward_name, strict=True)
            ],
            "boundaries_vintage": self.wards.attrs.get("vintage", ""),
            "ward_coverage": self.coverage,
            "drivers_used": self.count.drivers_used,
            "inputs": self.inputs,
            "parameters": self.parameters.record(),
            "versions": package_versions(),
            "timings": self.timings,
            "deprivation": need.deprivation_summary(self.ward_need()) if self.need_measurable else {},
            "drivers_source": self.drivers_note or "",
            "warnings": [*self.warnings, *self.count.notes, *self._nothing_placed_warning()],
        }

    # ------------------------------------------------------- the real count
    @property
    def source(self) -> str:
        """Where the counted year comes from: ``top-down``, ``outturn`` (real counts) or ``file``."""

        return self.count_source.name

    @property
    def count_label(self) -> str:
        """What kind of count this is, in a few words (maps of several places class like with like by it)."""
        return self.count_source.label

    @property
    def shows_cuts(self) -> bool:
        """Whether the report shows where councils' cuts fell: a real count of a year of the cuts (2010-11 on)."""
        return self.count_source.has_books and self.year >= CUTS_YEARS[0]

    @property
    def comparable_years(self) -> list[str]:
        """The years of the spend that are counted the same way as ``year`` (the trend's years)."""

        data_dir = self.parameters.data_root
        return self.count_source.comparable_years(self.years, lambda year: source_of_year(year, data_dir))

    @property
    def method(self) -> str:
        """How the count was made, in one sentence."""
        return self.count_source.method

    def source_list(self) -> list[dict]:
        """Every dataset the outputs rest on: name, what it is, vintage, licence, URL."""

        names = [name.split(":", 1)[1] for name in self.inputs if name.startswith("data:")]
        found = [
            {"name": s.name, "title": s.description, "vintage": s.vintage, "licence": s.licence, "url": s.url}
            for s in (sources.source(n) for n in dict.fromkeys(names))
        ]
        if not self.place.is_synthetic and not self.parameters.wards_paths:
            found.append(
                {
                    "name": "boundaries",
                    "title": "2013 ward and 2011 LSOA boundaries",
                    "vintage": "2013",
                    "licence": ATTRIBUTION,
                    "url": "https://github.com/martinjc/UK-GeoJSON",
                }
            )
        return found

    def theme_per_head(self) -> pd.DataFrame:
        """£ per head by theme: the place, its region(s), England and (pilots) the median pilot, real counts only.

        ``theme, area, level, basis, per_head_gbp``; regions and England from the
        same lines, each per head of its people of the year (:meth:`population_of_year`,
        :func:`tuttotal.count.topdown.region_theme_per_head`). Only a top-down
        year has it, so every row is ``modelled``: the region's money shared by
        driver (the median pilot's too).
        """
        return self._computed_once("theme_per_head", self._theme_per_head)

    def _theme_per_head(self) -> pd.DataFrame:
        import pandas as pd

        if not self.count_source.is_real or self.source != "top-down" or self.population is None:
            return pd.DataFrame(columns=per_head.COLUMNS)
        others = region_theme_per_head(self.year, data_dir=self.parameters.data_dir or None)
        median, _ = self._pilot_median()
        return per_head.theme_per_head_beside(
            self.count.ward_spend,
            float(self.population.sum()),
            self.place.name,
            others,
            sorted(set(self.topdown.lines["region"])),
            median,
        )

    def theme_per_head_chart(self) -> Figure | None:
        """Per head by theme against the region, England and the median pilot (drawn once), or None."""
        return self._drawn_once(("theme_per_head",), self._draw_theme_per_head_chart)

    def _draw_theme_per_head_chart(self) -> Figure | None:
        if self.nothing_placed:  # no bars to draw: the themes figure says why
            return None
        return place_figures.theme_per_head_chart(
            self.theme_per_head(), place_name=self.place.name, year=self.year, notes=self.figure_notes, stamp=self.stamp
        )

    def published_comparison(self) -> pd.DataFrame:
        """Our estimate beside the place's published count (where the place file gives one for the year).

        ``measure, published_gbp, estimate_gbp, difference_gbp, difference_pct, note``
        (:func:`tuttotal.analysis.published.published_comparison`).
        """
        import pandas as pd

        if not self.has_published:
            return pd.DataFrame(columns=published_counts.COMPARISON_COLUMNS)
        return published_counts.published_comparison(
            self.place.published,
            self.count.ward_spend,
            self._spend_of_year(),
            self.count.reconciliation.placed_pence,
            self.source,
        )

    @property
    def has_published(self) -> bool:
        """Whether the place published a count of the report's year that a real count can be set beside."""
        found = self.place.published
        return bool(found) and str(found.get("year", "")) == self.year and self.count_source.is_real

    def _spend_of_year(self) -> pd.DataFrame:
        """The count's input rows of the report's year (real counts carry ``spend_type`` on top-down rows)."""
        spend = self.spend[self.spend["year"] == self.year]
        if "source" in spend and self.count_source.is_real:
            spend = spend[spend["source"].isin(["top-down", "outturn"])]
        return spend

    def capital_pence(self) -> int:
        """Pence of capital spending in the count (the CRA's capital lines; the RS is current only)."""
        spend = self._spend_of_year()
        if "spend_type" not in spend:
            return 0
        return int(spend.loc[spend["spend_type"] == "capital", "amount_pence"].sum())

    def published_bridge(self) -> pd.DataFrame:
        """From our figure to the published one, step by step (``published.csv``).

        :func:`tuttotal.analysis.published.published_bridge`.
        """
        import pandas as pd

        if not self.has_published:
            return pd.DataFrame(columns=published_counts.BRIDGE_COLUMNS)
        return published_counts.published_bridge(self.place.published, self._spend_of_year(), self.year)

    def _published_summary(self) -> dict:
        return published_counts.published_summary(self.published_comparison(), self.year, self.source)

    def published_text(self) -> str:
        """The published count beside our estimate, in a few lines (empty without a published count)."""
        return published_counts.published_text(self.published_comparison(), self.source)

    # ----------------------------------------------------- councils' books
    def ward_spend_of_year(self, year: str) -> pd.DataFrame:
        """A year's ward spend, counted as the report's own year is: the same classification, wards,
        drivers, ``driver`` and transfer rules. The report's year is its count; the other years of
        the trend (and the councils' cuts, and ``year``) are counted together on the first call, in
        one pass (:func:`tuttotal.count.year_counts.count_years`: each year's rows as counting it
        alone would make them), and kept (the trend, the cuts and the explorer share them).
        Treat the table as read-only."""
        if year == self.year:
            return self.count.ward_spend
        if year not in self._year_counts:
            in_spend = set(self.spend["year"].unique())
            wanted = {year, *self.comparable_years, *(CUTS_YEARS if self.outturn is not None else ())}
            years = sorted(y for y in wanted - {self.year, *self._year_counts} if y in in_spend or y == year)
            counted = count_years(
                self.spend,
                self.wards,
                self.drivers,
                themes.load_themes(self.parameters.themes_path or None),
                years=years,
                driver=self.parameters.driver or None,
                transfer_rules=load_transfer_rules(self.parameters.transfers_path or None),
                driver_totals=driver_totals(self.drivers, self.wards),
            )
            for counted_year in years:
                self._year_counts[counted_year] = counted.of_year(counted_year)
        return self._year_counts[year]

    # ------------------------------------------------ how much the driver decides
    def sensitivity(self, year: str | None = None) -> pd.DataFrame:
        """Each ward's and LAD's modelled money by the need drivers beside population alone (``sensitivity.csv``).

        The same regional lines shared to the place, and in it to the wards, by
        population only; measured money is the same in both and kept apart
        (:mod:`tuttotal.analysis.sensitivity`). ``year`` (default: the report's)
        is counted as :meth:`ward_spend_of_year` counts it, per head of its own
        people (the explorer's other years). Empty for a spend file, a count
        without people, or a year the regional analysis does not cover.
        """
        the_year = year or self.year
        return self._computed_once(f"sensitivity {the_year}", lambda: self._sensitivity(the_year))

    def _sensitivity(self, year: str) -> pd.DataFrame:
        import pandas as pd

        people = self.population_of_year(year) if self.count_source.is_real else None
        if people is None or year not in topdown.YEARS:
            return pd.DataFrame()
        flat = population_only(themes.load_themes(self.parameters.themes_path or None))
        data_dir = self.parameters.data_dir or None
        lines = topdown.topdown_count(self.place.lad_codes, data_dir=data_dir, years=(year,), theme_table=flat)
        spend = measured_modelled.combine(lines.spend, None, ())  # every line modelled
        spend = spend[~measured_modelled.replaced_by_books(spend, self.measured_years)]  # as in the count
        if spend.empty:
            return pd.DataFrame()
        classified = themes.assign_themes(spend, flat, driver_totals(self.drivers, self.wards))
        flat_count = apportion(
            classified,
            self.wards,
            self.drivers,
            year=year,
            driver="population",
            transfer_rules=load_transfer_rules(self.parameters.transfers_path or None),
        )
        wards = ward_sensitivity(self.ward_spend_of_year(year), flat_count.ward_spend, self.wards, people)
        return sensitivity_table(wards, self.wards, year)

    def sensitivity_text(self) -> str:
        """How much the driver decides, for the focus wards and the place, in a few lines ("" without it)."""
        return sensitivity_text(self.sensitivity(), self.focus, self.year)

    def cuts_by_service(self) -> pd.DataFrame:
        """Councils' outturn in the place by service, first and last year (2010-11, 2014-15), the change, cash.

        Services are grouped so that the years compare (2010-11's one social care line with the later
        children's and adults' lines; the housing benefit lines together): ``data/outturn_services.csv``.
        ``service, first_gbp, last_gbp, change_gbp, change_pct, first_per_head_gbp, last_per_head_gbp,
        change_per_head_gbp`` (each year per head of its own people, :meth:`population_of_year`;
        the change is the difference of the two).
        """
        return self._computed_once("cuts_by_service", self._cuts_by_service)

    def _cuts_by_service(self) -> pd.DataFrame:
        import pandas as pd

        if self.outturn is None:
            return pd.DataFrame()
        groups = service_table().drop_duplicates("service").set_index("service")["group"]
        lines = self.outturn.lines.assign(group=lambda t: t["service"].map(groups).fillna(t["service"]))
        lines = deflators.to_real(
            lines, self.prices, amount_columns=["place_gbp"], data_dir=self.parameters.data_dir or None
        )
        people = {year: self.population_of_year(year) for year in CUTS_YEARS}
        return cuts.cuts_by_service(lines, function_transfers(*CUTS_YEARS), people, CUTS_YEARS)

    def cuts_by_ward(self) -> pd.DataFrame:
        """Each ward's councils' outturn in the first and last year and the change, in cash and per head."""
        return self._computed_once("cuts_by_ward", self._cuts_by_ward)

    def _cuts_by_ward(self) -> pd.DataFrame:
        import pandas as pd

        if self.outturn is None:
            return pd.DataFrame()
        first, last = CUTS_YEARS
        moved = cuts.transferred_functions(service_table(), function_transfers(first, last))
        spend = {year: self.in_prices(self.ward_spend_of_year(year), year) for year in CUTS_YEARS}
        people = {year: self.population_of_year(year) for year in CUTS_YEARS} if self.population is not None else None
        return cuts.cuts_by_ward(self.wards, spend, moved, people, CUTS_YEARS)

    def cuts_map(self) -> Figure | None:
        """Ward map of the change in councils' outturn per head, 2010-11 to 2014-15 (drawn once), or None."""
        return self._drawn_once(("cuts_map",), self._draw_cuts_map)

    def _draw_cuts_map(self) -> Figure | None:
        table = self.cuts_by_ward()
        if not len(table) or "change_per_head_gbp" not in table:
            return None
        first, last = table.attrs["years"]
        column = "change_without_transfers_per_head_gbp"
        wards = self.wards.merge(table[["ward_code", column]], on="ward_code")
        moved = function_transfers(first, last)
        return ward_map(
            wards,
            column,
            title=f"{self.place.name}: change in councils' spending per head by ward, {first} to {last}",
            measure=f"£ per head, {last} less {first} ({self.prices_label}"
            + (", transfers of function left out)" if moved else ")"),
            focus=list(self.focus["ward_code"]),
            notes=[
                f"Measured throughout, councils' own books: net current expenditure (DCLG Revenue Outturn) of every "
                "authority serving "
                f"{self.place.name}, {first} and {last}, cash; each authority's part by mid-2015 population and IMD "
                "2010 need, the same in both years, so the change is the authorities' own.",
                "A county's (and a police or fire authority's) change is shared among its wards by fixed ward "
                "shares: within a county the map shows each district's own change plus the county's spread by need.",
                *[f"Left out, a transfer of function, not a cut: {group}: {what}" for group, what in moved.items()],
                *([self.drivers_note] if self.drivers_note else []),
            ],
            attribution=self.attribution,
            stamp=self.stamp,
            cmap="Reds_r",
        )

    def cuts_chart(self) -> Figure | None:
        """Bars of the change in councils' outturn by service, 2010-11 to 2014-15 (drawn once), or None."""
        return self._drawn_once(("cuts_chart",), self._draw_cuts_chart)

    def _draw_cuts_chart(self) -> Figure | None:
        table = self.cuts_by_service()
        if not len(table):
            return None
        first, last = table.attrs["years"]
        flagged = table[table["transfer_of_function"] != ""]
        with_all, without = table.attrs["change_gbp"], table.attrs["change_without_transfers_gbp"]
        return theme_bars(
            table.set_index("service")["change_gbp"],
            title=f"{self.place.name}: change in councils' spending by service, {first} to {last}",
            measure=f"£, {last} less {first} ({self.prices_words})",
            notes=[
                "Measured throughout: councils' own books (DCLG Revenue Outturn, net current expenditure) of every "
                "authority serving "
                f"{self.place.name}: their part by mid-2015 population and IMD 2010 need.",
                f"All services: {format_gbp(with_all * 100, 3)}; without the transfers of function (grey): "
                f"{format_gbp(without * 100, 3)}.",
                *[
                    f"Transfer of function, not a cut: {row.service}: {row.transfer_of_function}"
                    for row in flagged.itertuples()
                ],
            ],
            stamp=self.stamp,
            item="service",
            muted=dict(zip(flagged["service"], ["transfer of function, not a cut"] * len(flagged), strict=True)),
        )

    @property
    def measured_years(self) -> tuple[str, ...]:
        """The years of a real count whose local government is measured (the authorities' own books)."""
        if not self.count_source.is_real or self.outturn is None:
            return ()
        return measured_years(self.parameters.data_dir or None)

    def bridge(self) -> pd.DataFrame:
        """Where the measured and the modelled cover the same money: the authorities' books beside the CRA's
        local government current lines, for the place and its region(s), each year the books measure
        (``bridge.csv``; :mod:`tuttotal.count.measured_modelled`). Only the books are in the count."""
        return self._computed_once("bridge", self._bridge)

    def _bridge(self) -> pd.DataFrame:
        import pandas as pd

        years = self.measured_years
        if self.topdown is None or not years:
            return pd.DataFrame()
        lines = self.topdown.lines
        books = self.outturn.lines if self.outturn is not None else None
        place = measured_modelled.place_bridge(lines, books, years)
        data_dir = self.parameters.data_dir or None
        totals = read_totals(data_dir, years=years)
        regions = measured_modelled.authority_regions(authority_table(), lad_regions(data_dir))
        region = measured_modelled.region_bridge(lines, totals, regions, years)
        table = pd.concat([place, region], ignore_index=True)
        if len(table):
            table["note"] = measured_modelled.BRIDGE_NOTE
        return table.sort_values(["year", "area"], kind="stable", ignore_index=True) if len(table) else table


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape the results."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"tuttotal": __version__, "python": platform.python_version()}
    for name in (
        "pandas",
        "numpy",
        "geopandas",
        "shapely",
        "pyproj",
        "pyogrio",
        "matplotlib",
        "papermill",
        "nbformat",
    ):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _load_drivers(place: Place, wards, drivers_path: str, data_dir: str):
    """The driver table: the user's, the demo's sample, or the real ward drivers; and the files read.

    Returns ``(drivers, driver_table, files)``: the long table the count uses
    (or None), the wide real table written as ``drivers.csv`` (or None) and
    the files read, by name.
    """

    if drivers_path:
        return read_drivers(drivers_path), None, {"drivers": Path(drivers_path)}
    if place.is_synthetic:
        path = paths.project_file(place.sample["drivers"])
        return read_drivers(path), None, {"drivers": path}
    if not ward_drivers.has_real_drivers(sorted(set(wards["lad_code"]))):
        return None, None, {}
    table = ward_drivers.ward_driver_table(wards, data_dir or None)
    files = {name: Path(path) for name, path in table.attrs["files"].items()}
    return ward_drivers.long_drivers(table), table, files


def _load_spend(place: Place, spend_path: str, data_dir: str, theme_table):
    """Spend table, its source (the demo's, a spend file, the real count of the place's year), files read.

    The real count's source is that of the place's year; :func:`count_place` makes it of the year counted.
    """

    if spend_path:
        return read_spend(spend_path), SpendFileSource(place.name, spend_path), {"spend": Path(spend_path)}
    if place.is_synthetic:
        path = paths.project_file(place.sample["spend"])
        return read_spend(path), SyntheticSource(place.name), {"spend": path}
    spend, count, books = real_spend(place.lad_codes, data_dir, theme_table)
    files = {name: Path(path) for name, path in {**count.files, **books.files}.items()}
    return spend, TopDownSource(place.name, topdown=count, outturn=books), files


def real_spend(
    lad_codes: list[str] | tuple[str, ...],
    data_dir: str,
    theme_table,
    *,
    measured: bool = True,
):
    """The real count of an area in the spend schema: councils' books (measured) and the rest top down (modelled).

    Returns ``(spend, topdown, outturn)``: the spend table of every year
    (:func:`tuttotal.count.measured_modelled.combine`: ``source`` and
    ``basis`` on every row; in a year with Revenue Outturn the CRA's local
    government current lines are left to the books) and the two counts it was
    made from (``outturn`` None without ``measured``: every line modelled).
    """
    count = topdown.topdown_count(lad_codes, data_dir=data_dir or None, theme_table=theme_table)
    books, years = None, ()
    if measured:
        years = measured_years(data_dir or None)
        books = outturn_count(lad_codes, data_dir=data_dir or None, theme_table=theme_table, years=years)
    spend = measured_modelled.combine(count.spend, None if books is None else books.spend, years)
    return spend, count, books


def driver_totals(drivers, wards) -> dict[str, float]:
    """The place's total of each driver (for splits of a function across themes by driver)."""
    if drivers is None:
        return {}
    inside = drivers[drivers["area_code"].isin(wards["ward_code"])]
    return {str(k): float(v) for k, v in inside.groupby("driver")["value"].sum().items()}


def prepare(
    place: str = "",
    lads: list[str] | tuple[str, ...] = (),
    year: str = "",
    focus_wards: list[str] | tuple[str, ...] = (),
    spend_path: str = "",
    drivers_path: str = "",
    data_dir: str = "",
    output_dir: str = "",
    wards_paths: list[str] | tuple[str, ...] = (),
    themes_path: str = "",
    transfers_path: str = "",
    driver: str = "",
    prices: str = "",
) -> PlaceReport:
    """Load, classify and apportion a place's spend: :func:`count_place` by keyword (the notebooks' one call).

    The keywords are those of :class:`tuttotal.count.parameters.PlaceParameters`, which documents each.

    Returns
    -------
    PlaceReport
    """
    return count_place(
        PlaceParameters(
            place=place,
            lads=lads,
            year=year,
            focus_wards=focus_wards,
            spend_path=spend_path,
            drivers_path=drivers_path,
            data_dir=data_dir,
            output_dir=output_dir,
            wards_paths=wards_paths,
            themes_path=themes_path,
            transfers_path=transfers_path,
            driver=driver,
            prices=prices,
        )
    )


def count_place(parameters: PlaceParameters) -> PlaceReport:
    """Load, classify and apportion the spend of the place ``parameters`` name.

    Parameters
    ----------
    parameters : PlaceParameters
        The place or area, year, focus wards, files and options (``year`` ``""``: the place's year, 2008-09 for
        the pilots; ``prices`` ``""``: cash; ``output_dir`` ``""``: a new temporary folder).

    Returns
    -------
    PlaceReport
        Its ``parameters`` are those given, ``prices`` as a financial year (or ``""`` for cash).

    Examples
    --------
    >>> report = count_place(PlaceParameters(place="demo"))
    >>> report.wards_count
    24
    """

    timings: dict[str, float] = {}
    start = time.perf_counter()
    data_dir = parameters.data_dir
    prices = parameters.prices
    if prices and prices.strip().lower() != deflators.CASH:
        prices = deflators.financial_year(prices)
        deflators.deflator_index(prices, data_dir=data_dir or None)  # a year the deflator has, or exit 2 now
    else:
        prices = ""
    parameters = replace(parameters, prices=prices)
    spend_path, drivers_path, wards_paths = parameters.spend_path, parameters.drivers_path, parameters.wards_paths
    the_place = places.resolve(parameters.place, list(parameters.lads))
    output_dir = parameters.output_dir
    out = Path(output_dir) if output_dir else Path(tempfile.mkdtemp(prefix=f"tuttotal-{the_place.slug}-"))
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TuttotalWarning)
        wards = place_wards.load_place_wards(the_place, data_dir or None, list(wards_paths))
        timings["wards_s"] = round(time.perf_counter() - start, 3)
        the_year = parse_year(parameters.year) if parameters.year else the_place.year
        drivers, driver_table, _ = _load_drivers(the_place, wards, drivers_path, data_dir)
        timings["drivers_s"] = round(time.perf_counter() - start - timings["wards_s"], 3)
        theme_table = themes.load_themes(parameters.themes_path or None)
        if not spend_path and not the_place.is_synthetic:
            check_real_year(the_year, data_dir or None)
        spend, source, _ = _load_spend(the_place, spend_path, data_dir, theme_table)
        if not parameters.year and the_year not in set(spend["year"].unique()):
            the_year = max(spend["year"])
        classified = themes.assign_themes(spend, theme_table, driver_totals(drivers, wards))
        if isinstance(source, RealSource):  # every CRA year is in the table for the trend; the count is of one year
            classified = classified[classified["year"] == the_year]
        transfer_rules = load_transfer_rules(parameters.transfers_path or None)
        count = apportion(
            classified,
            wards,
            drivers,
            year=the_year,
            driver=parameters.driver or None,
            transfer_rules=transfer_rules,
        )
        count.notes[:0] = classified.attrs.get("notes", [])
        timings["count_s"] = round(time.perf_counter() - start - timings["wards_s"] - timings["drivers_s"], 3)
    messages = [str(w.message) for w in caught if issubclass(w.category, TuttotalWarning)]
    for message in messages:
        logger.warning("warning: %s", message)
    focus_queries = list(parameters.focus_wards) or list(the_place.focus_wards)
    focus_rows = [geography.find_ward(wards, q) for q in focus_queries]
    focus = wards.loc[[r.name for r in focus_rows], ["ward_code", "ward_name", "lad_code", "lad_name"]]

    files = run_inputs(
        the_place,
        spend_path=spend_path,
        drivers_path=drivers_path,
        data_dir=data_dir or None,
        wards_paths=list(wards_paths),
        themes_path=parameters.themes_path,
        transfers_path=parameters.transfers_path,
        download=True,
    )
    if prices:  # the deflator the series are converted by
        files["data:deflator_hmt"] = sources.get_path("deflator_hmt", data_dir or None)
    inputs = {name: datasets.sha256_of(path) for name, path in files.items()}
    return PlaceReport(
        place=the_place,
        year=the_year,
        wards=wards,
        focus=focus,
        spend=spend,
        drivers=drivers,
        driver_table=driver_table,
        topdown=source.topdown if isinstance(source, RealSource) else None,
        outturn=source.outturn if isinstance(source, RealSource) else None,
        count=count,
        output_dir=out,
        count_source=source.of_year(source_of_year(the_year, data_dir or None))
        if isinstance(source, RealSource)
        else source,
        inputs=inputs,
        parameters=parameters,
        warnings=messages,
        timings=timings,
    )


def environment_data_dir() -> str:
    """``$TUTTOTAL_DATA_DIR`` or ``""``: the notebooks' default ``data_dir``."""

    return settings.env_data_dir()
