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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal import __version__, paths, settings
from tuttotal.analysis import cuts, per_head
from tuttotal.analysis import headline as headline_figures
from tuttotal.analysis import published as published_counts
from tuttotal.analysis.breakdown import basis_totals, theme_by_agency, ward_profiles, ward_theme, with_basis
from tuttotal.analysis.compare import ALL_THEMES, change_by_year, focus_comparison, pilot_median_per_head
from tuttotal.analysis.deep_dive import theme_need, ward_theme_totals
from tuttotal.analysis.deprivation import lorenz_gini, spend_in_most_deprived, ward_need
from tuttotal.analysis.sensitivity import population_only, sensitivity_table, sensitivity_text, ward_sensitivity
from tuttotal.count import measured_modelled, themes, topdown
from tuttotal.count.apportion import BASES, MEASURED, MODELLED, apportion, load_transfer_rules
from tuttotal.count.inputs import run_inputs
from tuttotal.count.outturn_count import METHOD as BOOKS
from tuttotal.count.outturn_count import authority_table, outturn_count
from tuttotal.count.parameters import PlaceParameters
from tuttotal.count.pilot_medians import pilots_theme_per_head
from tuttotal.count.place_count import PlaceCount
from tuttotal.count.real_years import check_real_year, measured_years, source_of_year
from tuttotal.count.sources import CountSource, RealSource, SpendFileSource, SyntheticSource, TopDownSource
from tuttotal.count.topdown import METHOD, region_theme_per_head
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
from tuttotal.data.lad_boundaries import england_lads
from tuttotal.data.lsoa import england_imd_deciles, lsoa_table
from tuttotal.data.outturn import YEARS, function_transfers, read_totals, service_table
from tuttotal.data.spend import parse_year, read_drivers, read_spend
from tuttotal.data.ward_drivers import drivers_csv_table
from tuttotal.data.web_map_file import write_web_map
from tuttotal.england import ranks as england_ranks
from tuttotal.england.findings import PlaceAreas
from tuttotal.errors import TuttotalError, TuttotalWarning
from tuttotal.figures import webmap
from tuttotal.figures.canvas import new_figure
from tuttotal.figures.charts import comparison_bars, theme_bars, trend_lines
from tuttotal.figures.maps import ward_map
from tuttotal.figures.need_charts import lorenz_chart, need_scatter
from tuttotal.money import format_gbp, pence_to_decimal_string

logger = logging.getLogger(__name__)

#: The two years "where the cuts fell" compares (and the outturn year set beside the top-down 2008-09): the span of
#: the first five RS years, kept while the outturn grew to 2007-08 to 2016-17 (the lead picks the combined count's).
CUTS_YEARS = ("2010-11", "2014-15")

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
        pop = self.drivers[self.drivers.driver == "population"].set_index("area_code")["value"]
        pop = pop.reindex(self.wards.ward_code)
        if not pop.notna().any():
            return None
        if not self.count_source.is_real or self.driver_table is None or not year:
            return pop
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

        Tidy: ``area, level, theme, amount_gbp, per_head_gbp``; empty without
        focus wards or a population driver. With ``by_basis``, ``area, level,
        theme, basis, amount_gbp, per_head_gbp``: a row per basis (``measured``
        first; none for a basis without money there), each per head of the
        area's people, so an area's rows for a theme add up to its row without
        ``by_basis``; the median pilot place is ``modelled`` (the pilots'
        top-down counts) and per head only (``focus_comparison.csv``).
        """
        import pandas as pd

        columns = ["area", "level", "theme", *(["basis"] if by_basis else []), "amount_gbp", "per_head_gbp"]
        if self.population is None or not len(self.focus):
            return pd.DataFrame(columns=columns)
        median, note = self._pilot_median()
        whole = self._focus_table(self.count.ward_spend, median, note)
        if not by_basis:
            return whole
        spend = with_basis(self.count.ward_spend)
        frames = [
            self._focus_table(spend[spend["basis"] == basis], None, note).assign(basis=basis)
            for basis in BASES
            if (spend["basis"] == basis).any()
        ]
        frames.append(whole[whole["level"] == "pilot median"].assign(basis=MODELLED))
        table = pd.concat(frames, ignore_index=True)
        row_at = {key: i for i, key in enumerate(zip(whole["area"], whole["level"], whole["theme"], strict=True))}
        keys = zip(table["area"], table["level"], table["theme"], table["basis"], strict=True)
        order = [(row_at[(area, level, theme)], BASES.index(basis)) for area, level, theme, basis in keys]
        table = table.iloc[sorted(range(len(table)), key=order.__getitem__)][columns].reset_index(drop=True)
        table.attrs["notes"] = whole.attrs.get("notes", [])
        return table

    def _focus_table(self, spend: pd.DataFrame, median: pd.Series | None, note: str) -> pd.DataFrame:
        """:func:`~tuttotal.analysis.compare.focus_comparison` of ``spend`` for every focus ward, in one table."""
        import pandas as pd

        tables = [
            focus_comparison(
                spend,
                self.wards,
                self.population,
                code,
                place_name=self.place.name,
                pilot_median=median,
                pilot_note=note,
            )
            for code in self.focus.ward_code
        ]
        table = pd.concat(tables, ignore_index=True).drop_duplicates(["area", "level", "theme"])
        order = {"ward": 0, "LAD": 1, "place": 2, "pilot median": 3}
        table = table.sort_values(["level"], key=lambda c: c.map(order), kind="stable", ignore_index=True)
        table.attrs["notes"] = tables[0].attrs.get("notes", [])
        return table

    def _pilot_median(self) -> tuple[pd.Series | None, str]:
        """The median pilot place's spend per head by theme (pilots only) and a note saying what it is."""

        if self.place.status != "pilot":
            return None, ""
        median = pilot_median_per_head(pilots_theme_per_head(self.parameters.data_dir or None, self.year))
        if median is None:
            return None, (
                f"Median pilot place left out: the regional analysis has no {self.year}, or its data are not available."
            )
        return median, (
            "Median pilot place: the median of the 13 pilots' real top-down counts, theme by theme "
            f"({self.year}, HM Treasury CRA shared by need)."
        )

    def comparison_chart(self) -> Figure | None:
        """Focus wards against their LAD, the place and the median pilot place, per head by theme (drawn once)."""
        return self._drawn_once(("comparison",), self._draw_comparison_chart)

    def _draw_comparison_chart(self) -> Figure | None:
        import numpy as np
        import pandas as pd

        if self.nothing_placed:  # no bars to draw: the themes figure says why
            return None
        table = self.focus_comparison()
        charted = table.loc[table.theme != ALL_THEMES, "per_head_gbp"].to_numpy(dtype=float)
        if not len(table) or not np.isfinite(charted).any():  # no ward has people: no value per head to draw
            return None
        names = " and ".join(self.focus.ward_name)
        others = list(dict.fromkeys(table.loc[table.level.isin(["LAD", "place"]), "area"]))
        against = " and ".join(others) if len(others) < 3 else ", ".join(others[:-1]) + " and " + others[-1]
        bars = table[table.theme != ALL_THEMES].rename(columns={"per_head_gbp": "value"})
        if self.count_source.is_real:  # the modelled part of each bar, hatched
            by_basis = self.focus_comparison(by_basis=True)
            part = by_basis[by_basis["basis"] == MODELLED].set_index(["area", "theme"])["per_head_gbp"]
            keys = pd.MultiIndex.from_frame(bars[["area", "theme"]])
            bars = bars.assign(modelled=part.reindex(keys).fillna(0.0).to_numpy())
        return comparison_bars(
            bars,
            title=f"{names} against {against}: spending per head by theme, {self.year}",
            measure=f"£ per head, {self.year}",
            notes=[*self.figure_notes, *table.attrs.get("notes", [])],
            stamp=self.stamp,
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
        import pandas as pd

        if not self.count_source.is_real:
            table = pd.DataFrame(columns=england_ranks.RANK_COLUMNS)
            kind = "the synthetic demo" if self.is_illustrative else "a spend file of your own"
            table.attrs["note"] = (
                f"No ranks among England's: this report counts {kind}, not the real releases England's tables count."
            )
            return table
        area = PlaceAreas(self.place.slug, self.place.name, tuple(self.place.lad_codes), tuple(self.focus["ward_code"]))
        table = england_ranks.place_ranks(
            area,
            self.year,
            output_root=self.output_dir.parent,
            data_dir=self.parameters.data_dir or None,
            prices=self.prices,
        )
        table.attrs["note"] = (
            "Competition ranks (tied values share the best rank), 1 = the most; among England's 326 districts of 2013 "
            "and its wards (the 'of' column: those with a value). Table: " + str(table.attrs.get("table", ""))
        )
        return table

    def england_rank(self, measure: str = "per_head_gbp") -> tuple[str, str] | None:
        """Where the place ranks among England's districts by ``measure``, from :meth:`england_ranks`.

        ``per_head_gbp`` (the default: all money per head) or any measure of
        :data:`tuttotal.england.ranks.RANK_MEASURES` (``change_without_transfers_per_head_gbp``:
        the councils' change since 2010-11). The place as if one district when
        it has several; None without a rank (not a real count, or no figure).
        """
        ranks = self.england_ranks()
        level = "place" if len(self.place.lads) > 1 else "district"
        rows = ranks[(ranks["level"] == level) & (ranks["measure"] == measure) & ranks["rank"].notna()]
        if not len(rows):
            return None
        row = rows.iloc[0]
        what = "the district" if level == "district" else "the place, as if one district,"
        if measure == "per_head_gbp":  # the headline's words since the ranks were added
            value = f"1 = most per head; £{row['value']:,.0f} a head"
        elif measure == england_ranks.CHANGE:
            sign = "−" if row["value"] < 0 else "+"
            value = f"{row['direction']}; {row['what']}: {sign}£{abs(row['value']):,.0f} a head"
        else:
            value = f"{row['direction']}; {row['what']}: {row['value']:,.3g}"
        return (
            f"{int(row['rank'])} of {int(row['of'])}",
            f"{what} among England's districts of 2013 ({value}, {row['prices'] or 'not money'}, in the national "
            f"table): {row['rank_basis']}; table: {row['table']}",
        )

    def totals_text(self) -> str:
        """A short plain-text statement of the count's totals, for the notebook."""

        r = self.count.reconciliation
        lines = [
            f"{self.place.name}, {self.year}: {self.wards_count} wards in {len(self.place.lads)} LAD(s)",
            self.provenance_note,
            f"input total:  £{r.input_pence / 100:,.2f} ({format_gbp(r.input_pence)})",
            f"placed:       £{r.placed_pence / 100:,.2f}",
            f"not placed:   £{r.unplaced_pence / 100:,.2f}",
        ]
        if r.transfers_pence:
            lines.insert(-2, f"transfers removed as double counting: £{r.transfers_pence / 100:,.2f}")
        if self.nothing_placed:
            lines.append(self.nothing_placed_text())
        lines.extend(self.coverage_notes)
        for item in r.unplaced:
            lines.append(f"  {item['reason']}: £{item['amount_pence'] / 100:,.2f} ({', '.join(item['codes'])})")
        pop = self.population
        if pop is not None:
            lines.append(f"per head:     £{r.placed_pence / 100 / pop.sum():,.0f} (population {pop.sum():,.0f})")
        return "\n".join(lines)

    def focus_text(self) -> str:
        """The focus wards: total, per head, share of their LAD and of the place, and rank."""

        if not len(self.focus):
            return "No focus wards."
        profiles = self.ward_profiles()
        per_head = profiles.attrs["ranked_by"] == "per_head_gbp"
        lad_sizes = profiles.lad_code.value_counts()
        lines = []
        for ward in profiles[profiles.ward_code.isin(self.focus.ward_code)].itertuples():
            text = f"{ward.ward_name} ({ward.ward_code}, {ward.lad_name}): {format_gbp(ward.amount_gbp * 100, 3)}"
            if per_head:
                text += f", £{ward.per_head_gbp:,.0f} per head"
            text += (
                f"; {ward.share_of_lad:.1%} of {ward.lad_name}, {ward.share_of_place:.2%} of {self.place.name}"
                f"; rank {ward.rank_in_lad} of {lad_sizes[ward.lad_code]} in {ward.lad_name},"
                f" {ward.rank_in_place} of {len(profiles)} in {self.place.name}"
                f" ({'per head' if per_head else 'in total'})"
            )
            lines.append(text)
            if self.has_need:
                need = self.ward_need().set_index("ward_code").loc[ward.ward_code]
                real = self.driver_table is not None
                text = (
                    f"    {need.population:,.0f} people{f' (mid-{self.year[:4]})' if real else ''}; "
                    f"{need.income_deprived_share:.1%} income-deprived{' (IMD 2010)' if real else ''}, "
                    f"rank {need.income_rank_in_place} of {len(profiles)} in {self.place.name}"
                )
                if "england_imd_decile" in need and need.england_imd_decile is not None:
                    text += f"; IMD 2015 score in England's decile {need.england_imd_decile} (1 = most deprived)"
                lines.append(text)
        return "\n".join(lines)

    # ----------------------------------------------------------- deprivation
    @property
    def has_need(self) -> bool:
        """True when the drivers carry population and income deprivation for every ward."""
        table = self.ward_drivers_wide()
        return table is not None and {"population", "income_deprived_share"} <= set(table.columns)

    @property
    def nothing_placed(self) -> bool:
        """True when not a penny of the input could be placed in a ward (every pound is in the reconciliation)."""
        return self.count.reconciliation.placed_pence == 0

    @property
    def need_measurable(self) -> bool:
        """True when spend per head can be set beside need: :attr:`has_need` and some ward with a value per head."""
        if not self.has_need or self.nothing_placed:
            return False
        import numpy as np

        return bool(np.isfinite(self.ward_need()["per_head_gbp"].to_numpy(dtype=float)).any())

    def nothing_placed_text(self) -> str:
        """Why nothing was placed, from the reconciliation: each reason and its amount."""
        r = self.count.reconciliation
        reasons = "; ".join(f"{u['reason']}: {format_gbp(u['amount_pence'])}" for u in r.unplaced) or "no spend"
        return (
            f"Nothing of the {format_gbp(r.input_pence)} input could be placed in a ward of {self.place.name} "
            f"({reasons}). Every pound is listed in reconciliation.csv."
        )

    def _nothing_placed_warning(self) -> list[str]:
        return [self.nothing_placed_text()] if self.nothing_placed else []

    def ward_drivers_wide(self) -> pd.DataFrame | None:
        """Drivers one row per ward (``ward_code`` and one column per driver), or None."""
        if self.driver_table is not None:
            return self.driver_table
        if self.drivers is None:
            return None
        wide = self.drivers[self.drivers.area_code.isin(self.wards.ward_code)].pivot_table(
            index="area_code", columns="driver", values="value", aggfunc="first"
        )
        wide.columns.name = None
        return wide.rename_axis("ward_code").reset_index()

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
        basis = MEASURED if self.need_basis == MEASURED else None
        totals = self.ward_totals(basis)[["ward_code", "ward_name", "lad_code", "lad_name", "amount_gbp"]]
        wide = self.ward_drivers_wide()
        people = self.population  # per head of the year's people; need (shares, scores) as it is
        if wide is not None and people is not None and "population" in wide:
            wide = wide.assign(population=wide["ward_code"].map(people).to_numpy())
        return ward_need(totals, wide, cut_offs)

    @property
    def need_basis(self) -> str:
        """The money the need figures are computed on: ``measured`` where a real count has any, else ``all``.

        A real count's modelled money is the region's shared out by population
        and need drivers, so how it follows need is so by construction; the
        measured money (authorities' own books) differs between authorities
        for reasons of their own. A spend file's money is all measured.
        """
        if self.count_source.is_real and basis_totals(self.count.ward_spend)[MEASURED] > 0:
            return MEASURED
        return "all"

    @property
    def need_money_basis(self) -> str:
        """``measured`` or ``modelled``: the basis of the money the need figures and tables are computed on.

        The measured money where a real count has any (:attr:`need_basis`);
        else all the count's money, which is modelled for a real count (the
        region's shared by driver) and measured for a spend file or the demo
        (a body's own books: a spend table carries no modelled money).
        """
        if self.need_basis == MEASURED or not self.count_source.is_real:
            return MEASURED
        return MODELLED

    @property
    def by_construction_note(self) -> str | None:
        """The caveat of need figures on money placed by drivers, or None where none is."""
        if not self.count_source.is_real:
            return None
        if self.need_basis == MEASURED:
            return (
                "Measured money only (authorities' own books). Within an authority's area it is placed in wards "
                "by population and need drivers, so how it follows need there is so by construction; between "
                "authorities it is as they spent it."
            )
        return (
            "All of this money is modelled: the region's spending shared out by population and need drivers, so "
            "how it follows need follows the drivers by construction, not from any body's books."
        )

    def most_deprived_spend(self) -> pd.DataFrame:
        """Share of spend and people in the most income-deprived 10% and 20% of wards."""

        return spend_in_most_deprived(self.ward_need())

    def gini(self) -> float:
        """Gini coefficient of spend per head across wards."""

        return lorenz_gini(self.ward_need()["per_head_gbp"])[2]

    @property
    def need_notes(self) -> list[str]:
        """Footer lines of the deprivation figures."""
        notes = [*self.coverage_notes, self.provenance_note]
        if self.driver_table is not None:
            notes.append(
                "Income deprivation: IMD 2010 income domain (DCLG; indicators mostly 2008), people: mid-2015 "
                "(IoD 2019 File 6), moved from 2011 LSOAs onto wards by area, per head scaled to the ONS "
                f"mid-year estimate of mid-{self.year[:4]}."
            )
        elif self.drivers_note:
            notes.append(self.drivers_note)
        if self.by_construction_note:
            notes.append(self.by_construction_note)
        return notes

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
        if self.driver_table is not None:
            return "People income-deprived (IMD 2010 income domain)"
        return "People income-deprived (from the driver table)"

    def deprivation_map(self) -> Figure | None:
        """Ward map of the share of people income-deprived (drawn once), or None without it."""
        return self._drawn_once(("deprivation_map",), self._draw_deprivation_map)

    def _draw_deprivation_map(self) -> Figure | None:
        if not self.has_need:
            return None
        wards = self.wards.merge(self.ward_need()[["ward_code", "income_deprived_share"]], on="ward_code")
        return ward_map(
            wards,
            "income_deprived_share",
            title=f"{self.place.name}: people income-deprived by ward"
            + (" (IMD 2010)" if self.driver_table is not None else ""),
            measure="Share of people income-deprived",
            focus=list(self.focus["ward_code"]),
            notes=self.need_notes,
            attribution=self.attribution,
            stamp=self.stamp,
            value_format="percent",
            cmap="OrRd",
        )

    def need_chart(self) -> Figure | None:
        """Spend per head against income deprivation, wards as points (drawn once), or None."""
        return self._drawn_once(("need",), self._draw_need_chart)

    def _draw_need_chart(self) -> Figure | None:
        if not self.need_measurable:
            return None
        return need_scatter(
            self.ward_need(),
            title=f"{self.place.name}: spending per head and income deprivation by ward, {self.year}",
            focus=list(self.focus["ward_code"]),
            notes=self.need_money_notes,
            stamp=self.stamp,
            x_label=self.deprivation_label,
        )

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
        return need_scatter(
            self.theme_need(theme),
            title=f"{self.place.name}: {theme}, spending per head and income deprivation by ward, {self.year}",
            focus=list(self.focus["ward_code"]),
            notes=self.need_money_notes,
            stamp=self.stamp,
            x_label=self.deprivation_label,
        )

    def lorenz_chart(self) -> Figure | None:
        """Lorenz curve and Gini of spend per head across wards (drawn once), or None without population."""
        return self._drawn_once(("lorenz",), self._draw_lorenz_chart)

    def _draw_lorenz_chart(self) -> Figure | None:
        if not self.need_measurable:
            return None
        x, y, gini = lorenz_gini(self.ward_need()["per_head_gbp"])
        return lorenz_chart(
            x,
            y,
            gini,
            title=f"{self.place.name}: how evenly spending per head is spread across wards, {self.year}",
            notes=self.need_money_notes,
            stamp=self.stamp,
        )

    def need_text(self) -> str:
        """Deprivation beside the money, in a few lines: the most deprived wards' share and the Gini."""
        if not self.has_need:
            return "No population and deprivation drivers: nothing to show beside the money."
        if not self.need_measurable:
            return "No ward has spending per head (nothing was placed, or no ward has people): nothing to compare."
        lines = []
        for row in self.most_deprived_spend().itertuples():
            lines.append(
                f"The most income-deprived {row.most_deprived} ({row.wards}) hold {row.spend_share:.1%} of the "
                f"spending and {row.population_share:.1%} of the people."
            )
        lines.append(f"Gini of spend per head across wards: {self.gini():.3f}.")
        if self.by_construction_note:
            lines.append(self.by_construction_note)
        return "\n".join(lines)

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
        import numpy as np

        wards = self.ward_totals()
        if "per_head_gbp" not in wards:
            wards["per_head_gbp"] = np.nan
        wards["income_deprived_share"] = np.nan
        if self.has_need:
            need = self.ward_need().set_index("ward_code")["income_deprived_share"]
            wards["income_deprived_share"] = wards["ward_code"].map(need).astype(float)
        return wards

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

    def write_web_map(self, block: webmap.WebMap | None = None) -> dict[str, Path]:
        """Write ``web_map.json`` (the wards as SVG paths with their figures) for ``outputs/index.html``.

        Returns ``{"web_map": path}``, to merge with :meth:`write_all`'s.
        """
        return {"web_map": write_web_map((block or self.web_map()).data, self.output_dir)}

    def themes_chart(self) -> Figure:
        """Bar chart of the place's spend by Total Place theme (drawn once).

        When nothing was placed, a figure that says so (and why) instead of bars.
        """
        if self.nothing_placed:
            return self._drawn_once(("themes",), self._draw_nothing_placed)
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

    def _draw_nothing_placed(self) -> Figure:
        import textwrap

        fig, _ = new_figure((8.0, 3.2))
        fig.text(
            0.03,
            0.92,
            f"{self.place.name}: nothing placed, {self.year}",
            ha="left",
            va="top",
            fontsize=13,
            fontweight="bold",
            gid="title",
        )
        body = "\n".join(textwrap.wrap(self.nothing_placed_text(), 95))
        fig.text(0.03, 0.74, body, ha="left", va="top", fontsize=9.5, gid="notes")
        if self.stamp:
            fig.text(0.97, 0.92, self.stamp, ha="right", va="top", fontsize=9, fontweight="bold", gid="stamp")
        return fig

    # -------------------------------------------------------------- writing
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables of the report, by name: what :func:`tuttotal.writers.place.write_tables` writes as CSV.

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

        table = ward_theme(self.count.ward_spend, self.wards, self.population, by_basis=True)
        out = table[["ward_code", "ward_name", "lad_code", "theme", "basis"]].copy()
        out["amount_gbp"] = table["amount_pence"].map(pence_to_decimal_string)
        if "per_head_gbp" in table:
            out["per_head"] = table["per_head_gbp"].round(2)
        tables = {
            "ward_theme": out,
            "reconciliation": self.count.reconciliation.table(),
            "theme_agency": self.theme_by_agency(by_basis=True).round(2).reset_index(),
            "ward_profiles": self.ward_profiles().round(6),
        }
        comparison = self.focus_comparison(by_basis=True)
        if len(comparison):
            tables["focus_comparison"] = comparison.round(2)
        if len(self.comparable_years) > 1:
            tables["change_by_year"] = self.change_by_year().round(2).assign(prices=self.prices_label)
        if self.need_measurable:
            need = self.ward_need().round(6)
            need.insert(need.columns.get_loc("amount_gbp"), "basis", self.need_money_basis)
            tables["ward_need"] = need
            deprived = self.most_deprived_spend().round(6)
            deprived.insert(deprived.columns.get_loc("spend_share"), "basis", self.need_money_basis)
            tables["most_deprived"] = deprived
        if self.driver_table is not None:
            tables["drivers"] = drivers_csv_table(self.driver_table)
        if self.topdown is not None:
            lines = self.topdown.lines.copy()
            for column in ("region_gbp", "place_gbp"):
                lines[column] = (lines[column] * 100).round().astype("int64").map(pence_to_decimal_string)
            lines = measured_modelled.mark_lines(lines, self.measured_years)
            tables["topdown"] = lines
        per_head = self.theme_per_head()
        if len(per_head):
            tables["theme_per_head"] = per_head.round(2)
        published = self.published_bridge()
        if len(published):
            tables["published"] = published.round(2)
        if self.outturn is not None:
            lines = self.outturn.lines[OUTTURN_FIELDS].copy()
            for column in ("authority_gbp", "place_gbp"):
                lines[column] = (lines[column] * 100).round().astype("int64").map(pence_to_decimal_string)
            lines["share"] = lines["share"].round(8)
            lines["basis"] = MEASURED
            tables["outturn"] = lines
            for name, cuts in (("cuts_by_service", self.cuts_by_service()), ("cuts_by_ward", self.cuts_by_ward())):
                cuts = cuts.round(2).assign(prices=self.prices_label)
                cuts.insert(cuts.columns.get_loc("first_gbp"), "basis", MEASURED)  # the councils' own books
                tables[name] = cuts
            bridge = self.bridge()
            if len(bridge):
                tables["bridge"] = bridge.round(2)
        sensitivity = self.sensitivity()
        if len(sensitivity):
            tables["sensitivity"] = sensitivity.round(2)
        ranks = self.england_ranks()
        if len(ranks):
            tables["england_ranks"] = ranks.round({"value": 6})
        for name in CASH_TABLES.intersection(tables):  # one year's money, as spent
            tables[name] = tables[name].assign(prices=deflators.prices_label(deflators.CASH))
        return tables

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
            "real_counts": self._real_counts_summary(),
            "published": self._published_summary(),
            "sources": self.source_list(),
            "totals": self.count.reconciliation.to_summary(),
            "basis": self.basis_summary(),
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
            "deprivation": self._deprivation_summary(),
            "drivers_source": self.drivers_note or "",
            "warnings": [*self.warnings, *self.count.notes, *self._nothing_placed_warning()],
        }

    def basis_summary(self) -> dict:
        """The count's money by basis: measured and modelled pounds (exact decimal strings) and the measured share.

        ``measured`` is money the body that spent it reports in its own books
        (councils' Revenue Outturn, a user's spend file); ``modelled`` is a
        share of a region's money by a driver (the top-down count).
        """
        totals = basis_totals(self.count.ward_spend)
        placed = sum(totals.values())
        return {
            "measured_gbp": pence_to_decimal_string(totals[MEASURED]),
            "modelled_gbp": pence_to_decimal_string(totals[MODELLED]),
            "measured_share": round(totals[MEASURED] / placed, 6) if placed else None,
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
        table = self.theme_per_head()
        if not len(table):
            return None
        others = [a for a in dict.fromkeys(table.area) if a != self.place.name]
        bars = table[table.theme != ALL_THEMES].rename(columns={"per_head_gbp": "value"})
        return comparison_bars(  # a top-down year: every bar modelled, hatched whole
            bars[["area", "theme", "value"]].assign(modelled=bars["value"].where(bars["basis"] == MODELLED, 0.0)),
            title=f"{self.place.name} against {', '.join(others)}: spending per head by theme, {self.year}",
            measure=f"£ per head, {self.year}, cash",
            notes=[
                *self.figure_notes,
                f"Region and England: the same lines of the regional analysis over their people "
                f"of mid-{self.year[:4]}. "
                "Median pilot: the median of the 13 pilots' real counts.",
            ],
            stamp=self.stamp,
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

    def _real_counts_summary(self) -> dict:
        """Both real counts of a real place: their years, method, and what the outturn could not place."""
        if not self.count_source.is_real:
            return {}

        found = {"top-down": {"years": sorted(set(self.topdown.lines["year"])), "method": METHOD}}
        if self.outturn is not None:
            found["outturn"] = {
                "years": sorted(set(self.outturn.lines["year"])),
                "method": BOOKS,
                "authorities": sorted(set(self.outturn.lines["authority"])),
                "not_placed_anywhere": [
                    {"reason": u["reason"], "amount_gbp": u["amount_pence"] / 100, "codes": u["codes"]}
                    for u in self.outturn.unplaced
                ],
            }
            bridge = self.bridge()
            found["bridge"] = bridge.to_dict("records") if len(bridge) else []
        return found

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
        drivers, ``driver`` and transfer rules. The report's year is its count; another year is
        counted on first use, once (the trend, the councils' cuts and the explorer share it).
        Treat the table as read-only."""
        if year == self.year:
            return self.count.ward_spend
        if year not in self._year_counts:
            table = themes.load_themes(self.parameters.themes_path or None)
            classified = themes.assign_themes(
                self.spend[self.spend["year"] == year], table, driver_totals(self.drivers, self.wards)
            )
            self._year_counts[year] = apportion(
                classified,
                self.wards,
                self.drivers,
                year=year,
                driver=self.parameters.driver or None,
                transfer_rules=load_transfer_rules(self.parameters.transfers_path or None),
            ).ward_spend
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

    def _deprivation_summary(self) -> dict:
        if not self.need_measurable:
            return {}
        return {
            "gini_per_head_across_wards": round(self.gini(), 6),
            "most_deprived": self.most_deprived_spend().round(6).to_dict("records"),
            "measure": "income deprivation: IMD 2010 income domain share",
        }


@lru_cache(maxsize=2)
def england_web_shapes(data_dir: str | None = None) -> webmap.EnglandShapes:
    """England's 326 districts as SVG paths for the web maps, made once per process and data root."""
    return webmap.england_shapes(england_lads(data_dir))


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
