"""What every section of a place's report reads of its count: the facts, the money by ward, theme and year.

:class:`ReportCore` is the count (:class:`tuttotal.count.place_count.PlaceCount`) with a memo and the
few derived things every section shares: what kind of count it is, its people of each year, its other
years counted the same way, its prices, and its money by ward, theme and agency. The sections
(:mod:`tuttotal.report.provenance`, :mod:`~tuttotal.report.need`, :mod:`~tuttotal.report.change`,
:mod:`~tuttotal.report.comparisons`, :mod:`~tuttotal.report.published`, :mod:`~tuttotal.report.maps`,
:mod:`~tuttotal.report.sensitivity`) each hold one and the report (:mod:`tuttotal.report.place_report`)
is one.

Examples
--------
>>> from tuttotal.report import prepare
>>> demo = prepare(place="demo")
>>> demo.spend_kind, demo.wards_count, demo.prices_label
('synthetic', 24, 'cash')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tuttotal.analysis import need
from tuttotal.analysis.breakdown import basis_totals, theme_by_agency, ward_profiles, ward_theme
from tuttotal.analysis.place_text import nothing_placed_text
from tuttotal.count import themes
from tuttotal.count.apportion import MEASURED, MODELLED, load_transfer_rules
from tuttotal.count.place_count import PlaceCount
from tuttotal.count.place_loader import driver_totals
from tuttotal.count.real_years import measured_years, source_of_year
from tuttotal.count.year_counts import count_years
from tuttotal.data import deflators, population_years
from tuttotal.report.memo import ReportMemo

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

#: The two years "where the cuts fell" compares (and the outturn year set beside the top-down 2008-09): the span of
#: the first five RS years, kept while the outturn grew to 2007-08 to 2016-17 (the lead picks the combined count's).
CUTS_YEARS = ("2010-11", "2014-15")


@dataclass(frozen=True, eq=False)
class ReportCore(PlaceCount):
    """A place's count and what every section of its report shares of it.

    Tables are derived from the count's data on first use and kept in :attr:`memo` (never stored back into it).
    """

    memo: ReportMemo = field(default_factory=ReportMemo, repr=False, compare=False)

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
    def source(self) -> str:
        """Where the counted year comes from: ``top-down``, ``outturn`` (real counts) or ``file``."""
        return self.count_source.name

    @property
    def count_label(self) -> str:
        """What kind of count this is, in a few words (maps of several places class like with like by it)."""
        return self.count_source.label

    @property
    def method(self) -> str:
        """How the count was made, in one sentence."""
        return self.count_source.method

    @property
    def nothing_placed(self) -> bool:
        """True when not a penny of the input could be placed in a ward (every pound is in the reconciliation)."""
        return self.count.reconciliation.placed_pence == 0

    def nothing_placed_text(self) -> str:
        """Why nothing was placed, from the reconciliation: each reason and its amount."""
        return nothing_placed_text(self.count.reconciliation, self.place.name)

    def nothing_placed_warnings(self) -> list[str]:
        """:meth:`nothing_placed_text` as a list of one warning when nothing was placed, else empty."""
        return [self.nothing_placed_text()] if self.nothing_placed else []

    # ---------------------------------------------------------------- people
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
        tables = self.memo.tables
        if "population driver" not in tables:  # the trend and the cuts ask for it year after year
            pop = self.drivers[self.drivers.driver == "population"].set_index("area_code")["value"]
            tables["population driver"] = pop.reindex(self.wards.ward_code)
        pop = tables["population driver"]
        if not pop.notna().any():
            return None
        if not self.count_source.is_real or self.driver_table is None or not year:
            return pop.copy()
        key = f"population of {year}"
        if key not in tables:  # this year's and every other the trend and the cuts will ask for, together
            wanted = {year, *self.comparable_years, *(CUTS_YEARS if self.outturn is not None else ())}
            years = sorted(y for y in wanted if f"population of {y}" not in tables)
            lads = self.wards.set_index("ward_code")["lad_code"]
            known = lads.isin(list(population_years.lad_upper_tier())).all()
            covered = [y for y in years if known and population_years.covers(y, self.data_root)]
            found = population_years.ward_population_of_years(pop, lads, covered, self.data_root)
            for each in years:
                tables[f"population of {each}"] = found.get(each, pop)
        return tables[key].copy()

    def ward_drivers_wide(self) -> pd.DataFrame | None:
        """Drivers one row per ward (``ward_code`` and one column per driver), or None."""
        if self.driver_table is not None:
            return self.driver_table
        return need.drivers_wide(self.drivers, self.wards.ward_code)

    # ----------------------------------------------------------------- years
    @property
    def years(self) -> list[str]:
        """Financial years in the spend count."""
        return sorted(self.spend["year"].unique())

    @property
    def comparable_years(self) -> list[str]:
        """The years of the spend that are counted the same way as ``year`` (the trend's years)."""
        root = self.data_root
        return self.count_source.comparable_years(self.years, lambda year: source_of_year(year, root))

    @property
    def measured_years(self) -> tuple[str, ...]:
        """The years of a real count whose local government is measured (the authorities' own books)."""
        if not self.count_source.is_real or self.outturn is None:
            return ()
        return measured_years(self.data_root)

    @property
    def shows_cuts(self) -> bool:
        """Whether the report shows where councils' cuts fell: a real count of a year of the cuts (2010-11 on)."""
        return self.count_source.has_books and self.year >= CUTS_YEARS[0]

    def ward_spend_of_year(self, year: str) -> pd.DataFrame:
        """A year's ward spend, counted as the report's own year is: the same classification, wards,
        drivers, ``driver`` and transfer rules. The report's year is its count; the other years of
        the trend (and the councils' cuts, and ``year``) are counted together on the first call, in
        one pass (:func:`tuttotal.count.year_counts.count_years`: each year's rows as counting it
        alone would make them), and kept (the trend, the cuts and the explorer share them).
        Treat the table as read-only."""
        if year == self.year:
            return self.count.ward_spend
        counts = self.memo.year_counts
        if year not in counts:
            in_spend = set(self.spend["year"].unique())
            wanted = {year, *self.comparable_years, *(CUTS_YEARS if self.outturn is not None else ())}
            years = sorted(y for y in wanted - {self.year, *counts} if y in in_spend or y == year)
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
                counts[counted_year] = counted.of_year(counted_year)
        return counts[year]

    # ---------------------------------------------------------------- prices
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

        factor = deflators.price_factors([year], self.prices, data_dir=self.data_root)[0]
        return spend.assign(amount_pence=np.rint(spend["amount_pence"].to_numpy(dtype=float) * factor).astype("int64"))

    # ------------------------------------------------------------ breakdowns
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

    def modelled_by_theme(self) -> pd.Series:
        """Pounds of modelled money by theme (0 where a theme is all measured)."""
        spend = self.count.ward_spend
        if "basis" not in spend:
            return spend.groupby("theme")["amount_pence"].sum() * 0.0
        part = spend[spend["basis"] == MODELLED].groupby("theme")["amount_pence"].sum() / 100
        return part.reindex(spend["theme"].unique()).fillna(0.0)

    def basis_split(self, spend: pd.DataFrame | None = None) -> tuple[float, float] | None:
        """Pounds of ``spend`` (default: the count's) measured and modelled, for a map's legend.

        None but for a real count: a spend file's and the demo's money is all
        measured, and their notes say so instead.
        """
        if not self.count_source.is_real:
            return None
        totals = basis_totals(self.count.ward_spend if spend is None else spend)
        return totals[MEASURED] / 100, totals[MODELLED] / 100
