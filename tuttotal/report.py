"""One place's report, step by step: what the notebooks call.

:func:`prepare` loads the wards and the spend of a place, classifies and
apportions the spend, and returns a :class:`PlaceReport` whose methods draw
the figures and write the files of the output layout::

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
>>> run = report.prepare(place="demo")  # doctest: +SKIP
>>> run.wards_count, run.spend_kind  # doctest: +SKIP
(24, 'synthetic')
"""

from __future__ import annotations

import json
import logging
import platform
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuttotal import __version__, paths, settings
from tuttotal.analysis.breakdown import theme_by_agency, ward_profiles, ward_theme
from tuttotal.analysis.compare import ALL_THEMES, change_by_year, focus_comparison, pilot_median_per_head
from tuttotal.analysis.deep_dive import theme_need, ward_theme_totals
from tuttotal.analysis.deprivation import lorenz_gini, spend_in_most_deprived, ward_need
from tuttotal.count import themes, topdown
from tuttotal.count.apportion import apportion, load_transfer_rules
from tuttotal.count.inputs import run_inputs
from tuttotal.count.outturn_count import METHOD as BOOKS
from tuttotal.count.outturn_count import outturn_count
from tuttotal.count.real import TOPDOWN_YEARS, check_real_year, source_of_year
from tuttotal.count.topdown import METHOD, region_theme_per_head
from tuttotal.data import cra_releases, datasets, geography, place_wards, places, sources, ward_drivers
from tuttotal.data.datapackage import write_datapackage
from tuttotal.data.datasets import ATTRIBUTION
from tuttotal.data.lsoa import england_imd_deciles, lsoa_table
from tuttotal.data.outturn import YEARS, service_table
from tuttotal.data.safe_csv import write_csv
from tuttotal.data.spend import parse_year, read_drivers, read_spend
from tuttotal.data.ward_drivers import drivers_csv_table
from tuttotal.errors import TuttotalWarning
from tuttotal.figures.canvas import save_figure
from tuttotal.figures.charts import comparison_bars, theme_bars, trend_lines
from tuttotal.figures.maps import ward_map
from tuttotal.figures.need_charts import lorenz_chart, need_scatter
from tuttotal.money import format_gbp, pence_to_decimal_string

logger = logging.getLogger(__name__)

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

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from matplotlib.figure import Figure

    from tuttotal.count.apportion import Count
    from tuttotal.count.outturn_count import OutturnCount
    from tuttotal.count.topdown import TopDown
    from tuttotal.data.places import Place


@dataclass
class PlaceReport:
    """Everything a place's report shows, loaded once."""

    place: Place
    year: str
    wards: gpd.GeoDataFrame
    focus: pd.DataFrame
    spend: pd.DataFrame
    drivers: pd.DataFrame | None
    driver_table: pd.DataFrame | None
    topdown: TopDown | None
    outturn: OutturnCount | None
    count: Count
    output_dir: Path
    spend_kind: str  # "real" (top-down count), "user" (a spend file) or "synthetic" (the demo)
    inputs: dict[str, str]
    parameters: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
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
    def is_illustrative(self) -> bool:
        """True only for generated money (the synthetic demo)."""
        return self.spend_kind == "synthetic"

    @property
    def wards_count(self) -> int:
        """Number of wards in the place."""
        return len(self.wards)

    @property
    def stamp(self) -> str | None:
        """The mark every figure carries: SYNTHETIC, ILLUSTRATIVE or nothing."""
        return {"synthetic": "SYNTHETIC"}.get(self.spend_kind)

    @property
    def provenance_note(self) -> str:
        """One sentence on where the spend came from."""
        return self.provenance_for(self.year)

    def provenance_for(self, year: str) -> str:
        """One sentence on where the spend of ``year`` came from (a real place's years come from two counts)."""

        if self.spend_kind == "synthetic":
            return f"SYNTHETIC: {self.place.name} and its spend do not exist (demo data)."
        if self.spend_kind == "real" and source_of_year(year) == "outturn":
            served = self.outturn.lines[self.outturn.lines["year"] == year]["authority"].nunique()
            return (
                f"Real count, councils' own books: the net current expenditure of the {served} authorities serving "
                f"{self.place.name}, {year}, cash (DCLG Revenue Outturn), their part by mid-2015 population and "
                "IMD 2010 need."
            )
        if self.spend_kind == "real":
            regions = " and ".join(sorted(set(self.topdown.lines["region"]))) if self.topdown is not None else ""
            return (
                f"Real count, top-down: {self.place.name}'s share of {regions}'s identifiable public spending, "
                f"{year}, cash (HM Treasury Country and Regional Analysis, {cra_releases.YEAR_RELEASE.get(year, '')}), "
                "by mid-2015 population "
                "and IMD 2010 need."
            )
        return f"Spend: {Path(self.parameters['spend_path']).name} (supplied)."

    def notes_for(self, year: str) -> list[str]:
        """Footer lines of a figure of ``year`` (the count's own notes only for the counted year)."""
        notes = [self.provenance_for(year)]
        if self.drivers_note:
            notes.append(self.drivers_note.replace(f"a {self.year} count", f"a {year} count"))
        return [*notes, *(self.count.notes if year == self.year else [])]

    @property
    def drivers_note(self) -> str | None:
        """One sentence on the drivers: where they come from and their vintage."""
        if self.driver_table is not None:
            return (
                "People: mid-2015 populations (IoD 2019 File 6) and IMD 2010 deprivation, moved from 2011 LSOAs "
                "onto wards by area (tuttotal areal interpolation)"
                + (f"; applied to a {self.year} count." if self.year else ".")
            )
        if self.parameters.get("drivers_path"):
            return f"Drivers: {Path(self.parameters['drivers_path']).name}."
        return None

    @property
    def figure_notes(self) -> list[str]:
        """Footer lines of every figure."""
        notes = [self.provenance_note]
        if self.drivers_note:
            notes.append(self.drivers_note)
        return [*notes, *self.count.notes]

    @property
    def attribution(self) -> str:
        """The boundary data's attribution line."""
        if self.place.is_synthetic:
            return "Synthetic boundaries made by data/sample/make_sample.py."
        if self.parameters.get("wards_paths"):
            return "Boundaries: " + ", ".join(Path(p).name for p in self.parameters["wards_paths"]) + "."

        return ATTRIBUTION

    @property
    def population(self) -> pd.Series | None:
        """Population per ward code, when a population driver exists."""
        if self.drivers is None:
            return None
        pop = self.drivers[self.drivers.driver == "population"].set_index("area_code")["value"]
        pop = pop.reindex(self.wards.ward_code)
        return pop if pop.notna().any() else None

    # ----------------------------------------------------------- breakdowns
    def ward_theme(self) -> pd.DataFrame:
        """``ward_code, ward_name, lad_code, theme, amount_pence[, population, per_head_gbp]``."""

        return ward_theme(self.count.ward_spend, self.wards, self.population)

    def ward_profiles(self) -> pd.DataFrame:
        """Every ward's total, per head, share of its LAD and of the place, and ranks."""

        return ward_profiles(self.count.ward_spend, self.wards, self.population)

    def theme_by_agency(self) -> pd.DataFrame:
        """Pounds by theme and agency type, with totals."""

        return theme_by_agency(self.count.ward_spend)

    def focus_comparison(self) -> pd.DataFrame:
        """Each focus ward against its LAD, the place and (pilots) the median pilot place, by theme.

        Tidy: ``area, level, theme, amount_gbp, per_head_gbp``; empty without
        focus wards or a population driver.
        """
        import pandas as pd

        if self.population is None or not len(self.focus):
            return pd.DataFrame(columns=["area", "level", "theme", "amount_gbp", "per_head_gbp"])
        median, note = self._pilot_median()
        tables = [
            focus_comparison(
                self.count.ward_spend,
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
        median = pilot_median_per_head(self.parameters.get("data_dir") or None, self.year)
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
        table = self.focus_comparison()
        if not len(table):
            return None
        names = " and ".join(self.focus.ward_name)
        others = list(dict.fromkeys(table.loc[table.level.isin(["LAD", "place"]), "area"]))
        against = " and ".join(others) if len(others) < 3 else ", ".join(others[:-1]) + " and " + others[-1]
        return comparison_bars(
            table[table.theme != ALL_THEMES].rename(columns={"per_head_gbp": "value"}),
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

    def _change_by_year(self) -> pd.DataFrame:
        return change_by_year(
            {year: self.ward_spend_of_year(year) for year in sorted(self.comparable_years)},
            self.wards,
            self.drivers,
            focus_codes=list(self.focus.ward_code),
            place_name=self.place.name,
        )

    def trend_chart(self) -> Figure | None:
        """Spend per head across the years of the spend count, or None for a single year (drawn once)."""
        return self._drawn_once(("trend",), self._draw_trend_chart)

    def _draw_trend_chart(self) -> Figure | None:
        if len(self.comparable_years) < 2:
            return None
        table = self.change_by_year()
        measure = "per_head_gbp" if self.population is not None else "amount_gbp"
        return trend_lines(
            table.rename(columns={measure: "value"})[["year", "area", "value"]],
            title=f"{self.place.name}: public spending {'per head' if self.population is not None else ''} by year"
            + (", cash (not adjusted for inflation)" if self.spend_kind == "real" else ""),
            measure=("£ per head" if self.population is not None else "£ total")
            + (", cash (nominal)" if self.spend_kind == "real" else ""),
            notes=self.figure_notes,
            stamp=self.stamp,
        )

    def ward_totals(self) -> gpd.GeoDataFrame:
        """Wards with ``amount_pence``, ``amount_gbp`` and (with population) ``per_head_gbp``."""
        totals = self.count.ward_spend.groupby("ward_code")["amount_pence"].sum()
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
        """A Markdown heading naming the place, the year and where the spend came from."""
        from IPython.display import Markdown

        lads = ", ".join(f"{lad.name} ({lad.code})" for lad in self.place.lads)
        return Markdown(f"## {self.place.name}, {self.year}\n\n**{self.provenance_note}**\n\nDistricts: {lads}.")

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
                    f"    {need.population:,.0f} people{' (mid-2015)' if real else ''}; "
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
            cut_offs = england_imd_deciles(lsoa_table(self.parameters.get("data_dir") or None))
        totals = self.ward_totals()[["ward_code", "ward_name", "lad_code", "lad_name", "amount_gbp"]]
        return ward_need(totals, self.ward_drivers_wide(), cut_offs)

    def most_deprived_spend(self) -> pd.DataFrame:
        """Share of spend and people in the most income-deprived 10% and 20% of wards."""

        return spend_in_most_deprived(self.ward_need())

    def gini(self) -> float:
        """Gini coefficient of spend per head across wards."""

        return lorenz_gini(self.ward_need()["per_head_gbp"])[2]

    @property
    def need_notes(self) -> list[str]:
        """Footer lines of the deprivation figures."""
        notes = [self.provenance_note]
        if self.driver_table is not None:
            notes.append(
                "Income deprivation: IMD 2010 income domain (DCLG; indicators mostly 2008), people: mid-2015 "
                "(IoD 2019 File 6), moved from 2011 LSOAs onto wards by area."
            )
        elif self.drivers_note:
            notes.append(self.drivers_note)
        return notes

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
        if not self.has_need:
            return None
        return need_scatter(
            self.ward_need(),
            title=f"{self.place.name}: spending per head and income deprivation by ward, {self.year}",
            focus=list(self.focus["ward_code"]),
            notes=self.need_notes,
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
        return self._house_ward_map(wards, column, f"{theme}, spending", scheme=scheme, k=k)

    def _house_ward_map(self, wards: gpd.GeoDataFrame, column: str, what: str, *, scheme: str, k: int) -> Figure:
        """A ward map of ``column`` (``per_head_gbp`` or ``amount_gbp``) with the place's focus wards and furniture."""
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
            notes=self.need_notes,
            stamp=self.stamp,
            x_label=self.deprivation_label,
        )

    def lorenz_chart(self) -> Figure | None:
        """Lorenz curve and Gini of spend per head across wards (drawn once), or None without population."""
        return self._drawn_once(("lorenz",), self._draw_lorenz_chart)

    def _draw_lorenz_chart(self) -> Figure | None:
        if not self.has_need:
            return None
        x, y, gini = lorenz_gini(self.ward_need()["per_head_gbp"])
        return lorenz_chart(
            x,
            y,
            gini,
            title=f"{self.place.name}: how evenly spending per head is spread across wards, {self.year}",
            notes=self.need_notes,
            stamp=self.stamp,
        )

    def need_text(self) -> str:
        """Deprivation beside the money, in a few lines: the most deprived wards' share and the Gini."""
        if not self.has_need:
            return "No population and deprivation drivers: nothing to show beside the money."
        lines = []
        for row in self.most_deprived_spend().itertuples():
            lines.append(
                f"The most income-deprived {row.most_deprived} ({row.wards}) hold {row.spend_share:.1%} of the "
                f"spending and {row.population_share:.1%} of the people."
            )
        lines.append(f"Gini of spend per head across wards: {self.gini():.3f}.")
        return "\n".join(lines)

    # -------------------------------------------------------------- figures
    def ward_map(self, *, scheme: str = "quantiles", k: int = 5) -> Figure:
        """Choropleth of spend per head (or in total, without population) by ward.

        Drawn once per ``scheme`` and ``k``: the map the notebook shows is the
        one :meth:`save_figures` writes.
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

    def themes_chart(self) -> Figure:
        """Bar chart of the place's spend by Total Place theme (drawn once)."""

        return self._drawn_once(
            ("themes",),
            lambda: theme_bars(
                self.theme_totals(),
                title=f"{self.place.name}: public spending by theme, {self.year}",
                measure=f"£ total, {self.year}",
                notes=self.figure_notes,
                stamp=self.stamp,
            ),
        )

    # -------------------------------------------------------------- writing
    def save_figures(self) -> dict[str, Path]:
        """Write ``ward_map.png`` and ``themes.png`` to the output folder."""

        start = time.perf_counter()
        paths = {
            "ward_map": save_figure(self.ward_map(), self.output_dir / "ward_map.png"),
            "themes": save_figure(self.themes_chart(), self.output_dir / "themes.png"),
        }
        comparison = self.comparison_chart()
        if comparison is not None:
            paths["focus_comparison_chart"] = save_figure(comparison, self.output_dir / "focus_comparison.png")
        trend = self.trend_chart()
        if trend is not None:
            paths["trend"] = save_figure(trend, self.output_dir / "trend.png")
        per_head = self.theme_per_head_chart()
        if per_head is not None:
            paths["theme_per_head_chart"] = save_figure(per_head, self.output_dir / "theme_per_head.png")
        if self.source == "outturn":  # where the cuts fell: the reports of the outturn years
            for name, figure in (("cuts_map", self.cuts_map()), ("cuts_by_service", self.cuts_chart())):
                if figure is not None:
                    paths[name] = save_figure(figure, self.output_dir / f"{name}.png")
        for name, figure in (
            ("deprivation_map", self.deprivation_map()),
            ("need_scatter", self.need_chart()),
            ("lorenz", self.lorenz_chart()),
        ):
            if figure is not None:
                paths[name] = save_figure(figure, self.output_dir / f"{name}.png")
        self.timings["figures_s"] = round(time.perf_counter() - start, 3)
        return paths

    def write_tables(self) -> dict[str, Path]:
        """Write the CSV tables of the report.

        ``ward_theme``, ``reconciliation``, ``theme_agency``, ``ward_profiles``,
        and where they apply ``focus_comparison`` and ``change_by_year``. Money in
        ``ward_theme.csv`` and ``reconciliation.csv`` is exact to the penny.
        """

        table = self.ward_theme()
        out = table[["ward_code", "ward_name", "lad_code", "theme"]].copy()
        out["amount_gbp"] = table["amount_pence"].map(pence_to_decimal_string)
        if "per_head_gbp" in table:
            out["per_head"] = table["per_head_gbp"].round(2)
        tables = {
            "ward_theme": out,
            "reconciliation": self.count.reconciliation.table(),
            "theme_agency": self.theme_by_agency().round(2).reset_index(),
            "ward_profiles": self.ward_profiles().round(6),
        }
        comparison = self.focus_comparison()
        if len(comparison):
            tables["focus_comparison"] = comparison.round(2)
        if len(self.comparable_years) > 1:
            tables["change_by_year"] = self.change_by_year().round(2)
        if self.has_need:
            tables["ward_need"] = self.ward_need().round(6)
            tables["most_deprived"] = self.most_deprived_spend().round(6)
        if self.driver_table is not None:
            tables["drivers"] = drivers_csv_table(self.driver_table)
        if self.topdown is not None:
            lines = self.topdown.lines.copy()
            for column in ("region_gbp", "place_gbp"):
                lines[column] = (lines[column] * 100).round().astype("int64").map(pence_to_decimal_string)
            tables["topdown"] = lines
        per_head = self.theme_per_head()
        if len(per_head):
            tables["theme_per_head"] = per_head.round(2)
        published = self.published_comparison()
        if len(published):
            tables["published"] = published.round(2)
        if self.outturn is not None:
            lines = self.outturn.lines[OUTTURN_FIELDS].copy()
            for column in ("authority_gbp", "place_gbp"):
                lines[column] = (lines[column] * 100).round().astype("int64").map(pence_to_decimal_string)
            lines["share"] = lines["share"].round(8)
            tables["outturn"] = lines
            tables["cuts_by_service"] = self.cuts_by_service().round(2)
            tables["cuts_by_ward"] = self.cuts_by_ward().round(2)
            tables["councils_beside_topdown"] = self.councils_beside_topdown().round(2)

        paths = {}
        for name, frame in tables.items():
            paths[name] = write_csv(frame, self.output_dir / f"{name}.csv")  # formula-like text cells neutralised
        return paths

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
            "wards": self.wards_count,
            "focus_wards": [
                {"code": c, "name": n} for c, n in zip(self.focus.ward_code, self.focus.ward_name, strict=True)
            ],
            "boundaries_vintage": self.wards.attrs.get("vintage", ""),
            "drivers_used": self.count.drivers_used,
            "inputs": self.inputs,
            "parameters": self.parameters,
            "versions": package_versions(),
            "timings": self.timings,
            "deprivation": self._deprivation_summary(),
            "drivers_source": self.drivers_note or "",
            "warnings": self.warnings + self.count.notes,
        }

    # ------------------------------------------------------- the real count
    @property
    def source(self) -> str:
        """Where the counted year comes from: ``top-down``, ``outturn`` (real counts) or ``file``."""

        return source_of_year(self.year) if self.spend_kind == "real" else "file"

    @property
    def comparable_years(self) -> list[str]:
        """The years of the spend that are counted the same way as ``year`` (the trend's years)."""

        if self.spend_kind != "real":
            return self.years
        return [y for y in self.years if source_of_year(y) == self.source]

    @property
    def method(self) -> str:
        """How the count was made, in one sentence."""
        if self.spend_kind == "real":
            return BOOKS if self.source == "outturn" else METHOD
        if self.spend_kind == "synthetic":
            return "Synthetic: generated by data/sample/make_sample.py (not real money)."
        return "Bottom-up where the spend file records wards; LAD and place amounts apportioned by driver."

    def source_list(self) -> list[dict]:
        """Every dataset the outputs rest on: name, what it is, vintage, licence, URL."""

        names = [name.split(":", 1)[1] for name in self.inputs if name.startswith("data:")]
        found = [
            {"name": s.name, "title": s.description, "vintage": s.vintage, "licence": s.licence, "url": s.url}
            for s in (sources.source(n) for n in dict.fromkeys(names))
        ]
        if not self.place.is_synthetic and not self.parameters.get("wards_paths"):
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

        ``theme, area, level, per_head_gbp``; regions and England from the
        same lines, per head of their mid-2015 population.
        """
        return self._computed_once("theme_per_head", self._theme_per_head)

    def _theme_per_head(self) -> pd.DataFrame:
        import pandas as pd

        if self.spend_kind != "real" or self.source != "top-down" or self.population is None:
            return pd.DataFrame(columns=["theme", "area", "level", "per_head_gbp"])
        people = float(self.population.sum())
        own = self.count.ward_spend.groupby("theme")["amount_pence"].sum() / 100 / people
        own[ALL_THEMES] = own.sum()
        frames = [pd.DataFrame({"theme": own.index, "area": self.place.name, "level": "place", "per_head_gbp": own})]
        data_dir = self.parameters.get("data_dir") or None
        others = region_theme_per_head(self.year, data_dir=data_dir)
        for region in sorted(set(self.topdown.lines["region"])):
            frames.append(
                pd.DataFrame(
                    {
                        "theme": others.index,
                        "area": region,
                        "level": "region",
                        "per_head_gbp": others[region].to_numpy(),
                    }
                )
            )
        frames.append(
            pd.DataFrame(
                {
                    "theme": others.index,
                    "area": "England",
                    "level": "England",
                    "per_head_gbp": others["England"].to_numpy(),
                }
            )
        )
        median, _ = self._pilot_median()
        if median is not None:
            frames.append(
                pd.DataFrame(
                    {
                        "theme": median.index,
                        "area": "Median pilot place",
                        "level": "pilot median",
                        "per_head_gbp": median.to_numpy(),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def theme_per_head_chart(self) -> Figure | None:
        """Per head by theme against the region, England and the median pilot (drawn once), or None."""
        return self._drawn_once(("theme_per_head",), self._draw_theme_per_head_chart)

    def _draw_theme_per_head_chart(self) -> Figure | None:
        table = self.theme_per_head()
        if not len(table):
            return None
        others = [a for a in dict.fromkeys(table.area) if a != self.place.name]
        return comparison_bars(
            table[table.theme != ALL_THEMES].rename(columns={"per_head_gbp": "value"})[["area", "theme", "value"]],
            title=f"{self.place.name} against {', '.join(others)}: spending per head by theme, {self.year}",
            measure=f"£ per head, {self.year}, cash",
            notes=[
                *self.figure_notes,
                "Region and England: the same lines of the regional analysis over their mid-2015 population. "
                "Median pilot: the median of the 13 pilots' real counts.",
            ],
            stamp=self.stamp,
        )

    def published_comparison(self) -> pd.DataFrame:
        """Our estimate beside the place's published count (where the place file gives one for the year).

        ``measure, published_gbp, estimate_gbp, difference_gbp, difference_pct, note``.
        """
        import pandas as pd

        columns = ["measure", "published_gbp", "estimate_gbp", "difference_gbp", "difference_pct", "note"]
        published = self.place.published
        if not published or str(published.get("year", "")) != self.year or self.spend_kind != "real":
            return pd.DataFrame(columns=columns)
        spend = self.count.ward_spend
        rows = []

        def add(measure: str, figure, estimate: float | None, note: str) -> None:
            figure = float(figure)
            diff = None if estimate is None else estimate - figure
            rows.append(
                {
                    "measure": measure,
                    "published_gbp": figure,
                    "estimate_gbp": estimate,
                    "difference_gbp": diff,
                    "difference_pct": None if diff is None else 100 * diff / figure,
                    "note": note,
                }
            )

        total = self.count.reconciliation.placed_pence / 100
        add(
            "total",
            published["total_gbp"],
            total,
            "ours: every line of the regional analysis a place receives (benefits, health, education, police…); "
            "the published count: the bodies the pilot counted",
        )
        by_type = spend.groupby("agency_type")["amount_pence"].sum() / 100
        notes = {
            "council": "ours: the lines the regional analysis says local government spends (schools, local "
            "transport, social care, housing…), police and fire apart",
            "nhs": "ours: the Department of Health's lines (NHS)",
        }
        for agency_type, figure in (published.get("by_agency_type") or {}).items():
            add(
                f"agency type: {agency_type}",
                figure,
                float(by_type.get(agency_type, 0.0)),
                notes.get(agency_type, "ours: the lines the regional analysis says this type of body spends"),
            )
        for agency, figure in (published.get("by_agency") or {}).items():
            add(
                f"agency: {agency}",
                figure,
                None,
                "no comparable line: the regional analysis is by function, not by spending body",
            )
        frame = pd.DataFrame(rows, columns=columns)
        frame.attrs["source"] = str(published.get("source", "")).strip()
        return frame

    def _real_counts_summary(self) -> dict:
        """Both real counts of a real place: their years, method, and what the outturn could not place."""
        if self.spend_kind != "real":
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
            beside = self.councils_beside_topdown()
            found["councils_beside_topdown"] = beside.drop(columns="note").to_dict("records") if len(beside) else []
        return found

    def _published_summary(self) -> dict:
        table = self.published_comparison()
        if not len(table):
            return {}
        return {
            "year": self.year,
            "source": table.attrs.get("source", ""),
            "figures": [
                {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
                for row in table.to_dict("records")
            ],
            "explanation": (
                "Coverage: the estimate is HM Treasury's identifiable spending for the region (all departments, "
                "capital and current, benefits included, defence and debt interest left out), the published count "
                "what the pilot's bodies counted. Year: both 2008-09, cash. Method: a share of the region by "
                "mid-2015 population and IMD 2010 need, not the local accounts."
            ),
        }

    def published_text(self) -> str:
        """The published count beside our estimate, in a few lines (empty without a published count)."""

        table = self.published_comparison()
        if not len(table):
            return ""
        lines = [f"Published count ({table.attrs.get('source', '')}):"]
        for row in table.itertuples():
            if row.estimate_gbp is None or row.estimate_gbp != row.estimate_gbp:
                lines.append(f"  {row.measure}: published {format_gbp(row.published_gbp * 100, 3)}; {row.note}")
                continue
            lines.append(
                f"  {row.measure}: published {format_gbp(row.published_gbp * 100, 3)}, ours "
                f"{format_gbp(row.estimate_gbp * 100, 3)} ({row.difference_pct:+.0f}%); {row.note}"
            )
        lines.append(self._published_summary()["explanation"])
        return "\n".join(lines)

    # ----------------------------------------------------- councils' books
    def ward_spend_of_year(self, year: str) -> pd.DataFrame:
        """A year's ward spend, counted as the report's own year is: the same classification, wards,
        drivers, ``driver`` and transfer rules. The report's year is its count; another year is
        counted on first use, once (the trend, the councils' cuts and the explorer share it).
        Treat the table as read-only."""
        if year == self.year:
            return self.count.ward_spend
        if year not in self._year_counts:
            table = themes.load_themes(self.parameters.get("themes_path") or None)
            classified = themes.classify(
                self.spend[self.spend["year"] == year], table, driver_totals(self.drivers, self.wards)
            )
            self._year_counts[year] = apportion(
                classified,
                self.wards,
                self.drivers,
                year=year,
                driver=self.parameters.get("driver") or None,
                transfer_rules=load_transfer_rules(self.parameters.get("transfers_path") or None),
            ).ward_spend
        return self._year_counts[year]

    def cuts_by_service(self) -> pd.DataFrame:
        """Councils' outturn in the place by service, first and last year (2010-11, 2014-15), the change, cash.

        Services are grouped so that the years compare (2010-11's one social care line with the later
        children's and adults' lines; the housing benefit lines together): ``data/outturn_services.csv``.
        ``service, first_gbp, last_gbp, change_gbp, change_pct, first_per_head_gbp, last_per_head_gbp,
        change_per_head_gbp`` (per head of the mid-2015 population, the same in both years).
        """
        return self._computed_once("cuts_by_service", self._cuts_by_service)

    def _cuts_by_service(self) -> pd.DataFrame:
        import pandas as pd

        if self.outturn is None:
            return pd.DataFrame()

        groups = service_table().drop_duplicates("service").set_index("service")["group"]
        lines = self.outturn.lines.assign(group=lambda t: t["service"].map(groups).fillna(t["service"]))
        first, last = YEARS[0], YEARS[-1]
        by = lines.pivot_table(index="group", columns="year", values="place_gbp", aggfunc="sum", fill_value=0.0)
        by = by.reindex(columns=[first, last], fill_value=0.0)
        table = pd.DataFrame({"service": by.index, "first_gbp": by[first].to_numpy(), "last_gbp": by[last].to_numpy()})
        table["change_gbp"] = table["last_gbp"] - table["first_gbp"]
        table["change_pct"] = 100 * table["change_gbp"] / table["first_gbp"].where(table["first_gbp"] != 0)
        people = float(self.population.sum()) if self.population is not None else float("nan")
        for column in ("first", "last", "change"):
            table[f"{column}_per_head_gbp"] = table[f"{column}_gbp"] / people
        table.attrs["years"] = (first, last)
        return table.sort_values("change_gbp", ignore_index=True)

    def cuts_by_ward(self) -> pd.DataFrame:
        """Each ward's councils' outturn in the first and last year and the change, in cash and per head."""
        return self._computed_once("cuts_by_ward", self._cuts_by_ward)

    def _cuts_by_ward(self) -> pd.DataFrame:
        import pandas as pd

        if self.outturn is None:
            return pd.DataFrame()
        first, last = YEARS[0], YEARS[-1]
        table = self.wards[["ward_code", "ward_name", "lad_code", "lad_name"]].copy()
        for name, year in (("first", first), ("last", last)):
            pence = self.ward_spend_of_year(year).groupby("ward_code")["amount_pence"].sum()
            table[f"{name}_gbp"] = table["ward_code"].map(pence).fillna(0).to_numpy() / 100
        table["change_gbp"] = table["last_gbp"] - table["first_gbp"]
        table["change_pct"] = 100 * table["change_gbp"] / table["first_gbp"].where(table["first_gbp"] != 0)
        if self.population is not None:
            people = self.population.reindex(table["ward_code"]).to_numpy()
            table["population"] = people
            table["change_per_head_gbp"] = (
                table["change_gbp"] / pd.Series(people).where(pd.Series(people) > 0).to_numpy()
            )
        table.attrs["years"] = (first, last)
        return table.sort_values("ward_code", ignore_index=True)

    def cuts_map(self) -> Figure | None:
        """Ward map of the change in councils' outturn per head, 2010-11 to 2014-15 (drawn once), or None."""
        return self._drawn_once(("cuts_map",), self._draw_cuts_map)

    def _draw_cuts_map(self) -> Figure | None:
        table = self.cuts_by_ward()
        if not len(table) or "change_per_head_gbp" not in table:
            return None
        first, last = table.attrs["years"]
        wards = self.wards.merge(table[["ward_code", "change_per_head_gbp"]], on="ward_code")
        return ward_map(
            wards,
            "change_per_head_gbp",
            title=f"{self.place.name}: change in councils' spending per head by ward, {first} to {last}",
            measure=f"£ per head, {last} less {first} (cash)",
            focus=list(self.focus["ward_code"]),
            notes=[
                f"Councils' own books: net current expenditure (DCLG Revenue Outturn) of every authority serving "
                f"{self.place.name}, {first} and {last}, cash; each authority's part by mid-2015 population and IMD "
                "2010 need, the same in both years, so the change is the authorities' own.",
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
        return theme_bars(
            table.set_index("service")["change_gbp"],
            title=f"{self.place.name}: change in councils' spending by service, {first} to {last}",
            measure=f"£, {last} less {first} (cash, not adjusted for inflation)",
            notes=[
                "Councils' own books (DCLG Revenue Outturn, net current expenditure) of every authority serving "
                f"{self.place.name}: their part by mid-2015 population and IMD 2010 need.",
                "Public health moved to councils in 2013-14; council tax benefit ended in 2013-14.",
            ],
            stamp=self.stamp,
            item="service",
        )

    def councils_beside_topdown(self) -> pd.DataFrame:
        """The councils' share of the top-down estimate (2008-09) next to their own outturn (2010-11), and the gap."""
        import pandas as pd

        if self.topdown is None or self.outturn is None:
            return pd.DataFrame()
        td = self.spend[(self.spend["source"] == "top-down") & (self.spend["year"] == "2008-09")]
        books = self.spend[(self.spend["source"] == "outturn") & (self.spend["year"] == YEARS[0])]
        rows = []
        for kind in ("council", "police", "fire"):
            estimate = td.loc[td["agency_type"] == kind, "amount_pence"].sum() / 100
            own = books.loc[books["agency_type"] == kind, "amount_pence"].sum() / 100
            rows.append(
                {
                    "agency_type": kind,
                    "topdown_2008_09_gbp": estimate,
                    f"outturn_{YEARS[0].replace('-', '_')}_gbp": own,
                    "gap_gbp": own - estimate,
                    "note": "top-down: the regional analysis lines local government spends (by body; capital "
                    "too); outturn: their net current expenditure (revenue only, net of their own income). "
                    "Two years apart.",
                }
            )
        return pd.DataFrame(rows)

    def _deprivation_summary(self) -> dict:
        if not self.has_need:
            return {}
        return {
            "gini_per_head_across_wards": round(self.gini(), 6),
            "most_deprived": self.most_deprived_spend().round(6).to_dict("records"),
            "measure": "income deprivation: IMD 2010 income domain share",
        }

    def write_summary(self) -> Path:
        """Write ``summary.json``."""
        path = self.output_dir / "summary.json"
        path.write_text(json.dumps(self.summary(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    def write_all(self) -> dict[str, Path]:
        """Figures, tables and summary: every file of the output layout but the notebook."""
        paths = {**self.save_figures(), **self.write_tables()}
        paths["summary"] = self.write_summary()
        paths["datapackage"] = self.write_datapackage()
        return paths

    def write_datapackage(self) -> Path:
        """``datapackage.json``: a Frictionless Data Package describing every CSV of the output folder."""

        return write_datapackage(
            self.output_dir,
            place_name=self.place.name,
            sources=[name.split(":", 1)[1] for name in self.inputs if name.startswith("data:")],
            boundaries_attribution=self.attribution,
            spend_kind=self.spend_kind,
            year=self.year,
        )


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
    """Spend table, its kind (``real``, ``user``, ``synthetic``), the top-down count (or None), files read."""

    if spend_path:
        return read_spend(spend_path), "user", None, {"spend": Path(spend_path)}
    if place.is_synthetic:
        path = paths.project_file(place.sample["spend"])
        return read_spend(path), "synthetic", None, {"spend": path}
    import pandas as pd

    count = topdown.topdown_count(
        place.lad_codes, data_dir=data_dir or None, theme_table=theme_table, years=TOPDOWN_YEARS
    )
    books = outturn_count(place.lad_codes, data_dir=data_dir or None, theme_table=theme_table)
    spend = pd.concat([count.spend.assign(source="top-down"), books.spend.assign(source="outturn")], ignore_index=True)
    files = {name: Path(path) for name, path in {**count.files, **books.files}.items()}
    return spend, "real", (count, books), files


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
) -> PlaceReport:
    """Load, classify and apportion a place's spend: the notebooks' one call.

    Parameters
    ----------
    place : str
        Slug or name of a place in ``params/`` (``""`` for an area of ``lads``).
    lads : list of str
        LAD codes of an ad-hoc area, used when ``place`` is empty.
    year : str
        Financial year to count (``""``: the place's year, 2008-09 for the pilots; the real count
        covers 2003-04 to 2017-18: top-down, with councils' books for 2010-11 to 2014-15).
    focus_wards : list of str
        Ward names or codes to outline and compare (``[]``: the place's own).
    spend_path, drivers_path : str
        The user's spend count and driver table (``""``: the real top-down count
        and real drivers, or the demo's sample).
    data_dir : str
        The data root (like ``../shared/data``) or a folder of ward files
        (``""``: ``$TUTTOTAL_DATA_DIR``, then the cache, then a download).
    output_dir : str
        Where files are written (``""``: a new temporary folder).
    wards_paths : list of str
        The user's own boundary files, instead of the registry's.
    themes_path : str
        A themes table instead of ``data/themes.csv``.
    transfers_path : str
        Transfer rules instead of ``data/transfers.csv``.
    driver : str
        One driver for every function (``""``: each function's driver from the themes table).

    Returns
    -------
    PlaceReport
    """

    timings: dict[str, float] = {}
    start = time.perf_counter()
    data_dir = str(data_dir) if data_dir else ""  # a Path is welcome too; parameters are recorded as JSON
    the_place = places.resolve(place, lads)
    out = Path(output_dir) if output_dir else Path(tempfile.mkdtemp(prefix=f"tuttotal-{the_place.slug}-"))
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TuttotalWarning)
        wards = place_wards.load_place_wards(the_place, data_dir or None, wards_paths)
        timings["wards_s"] = round(time.perf_counter() - start, 3)
        the_year = parse_year(year) if year else the_place.year
        drivers, driver_table, _ = _load_drivers(the_place, wards, drivers_path, data_dir)
        timings["drivers_s"] = round(time.perf_counter() - start - timings["wards_s"], 3)
        theme_table = themes.load_themes(themes_path or None)
        if not spend_path and not the_place.is_synthetic:
            check_real_year(the_year)
        spend, kind, counts, _ = _load_spend(the_place, spend_path, data_dir, theme_table)
        top_down, books = counts if counts else (None, None)
        if not year and the_year not in set(spend["year"].unique()):
            the_year = max(spend["year"])
        classified = themes.classify(spend, theme_table, driver_totals(drivers, wards))
        if kind == "real":  # every CRA year is in the table for the trend; the count is of one year
            classified = classified[classified["year"] == the_year]
        transfer_rules = load_transfer_rules(transfers_path or None)
        count = apportion(
            classified, wards, drivers, year=the_year, driver=driver or None, transfer_rules=transfer_rules
        )
        count.notes[:0] = classified.attrs.get("notes", [])
        timings["count_s"] = round(time.perf_counter() - start - timings["wards_s"] - timings["drivers_s"], 3)
    messages = [str(w.message) for w in caught if issubclass(w.category, TuttotalWarning)]
    for message in messages:
        logger.warning("warning: %s", message)
    focus_queries = list(focus_wards) or list(the_place.focus_wards)
    focus_rows = [geography.find_ward(wards, q) for q in focus_queries]
    focus = wards.loc[[r.name for r in focus_rows], ["ward_code", "ward_name", "lad_code", "lad_name"]]

    files = run_inputs(
        the_place,
        spend_path=spend_path,
        drivers_path=drivers_path,
        data_dir=data_dir or None,
        wards_paths=wards_paths,
        themes_path=themes_path,
        transfers_path=transfers_path,
        download=True,
    )
    inputs = {name: datasets.sha256_of(path) for name, path in files.items()}
    parameters = {
        "place": place,
        "lads": list(lads),
        "year": year,
        "focus_wards": list(focus_wards),
        "spend_path": spend_path,
        "drivers_path": drivers_path,
        "data_dir": data_dir,
        "wards_paths": list(wards_paths),
        "themes_path": themes_path,
        "transfers_path": transfers_path,
        "driver": driver,
    }
    return PlaceReport(
        place=the_place,
        year=the_year,
        wards=wards,
        focus=focus,
        spend=spend,
        drivers=drivers,
        driver_table=driver_table,
        topdown=top_down,
        outturn=books,
        count=count,
        output_dir=out,
        spend_kind=kind,
        inputs=inputs,
        parameters=parameters,
        warnings=messages,
        timings=timings,
    )


def environment_data_dir() -> str:
    """``$TUTTOTAL_DATA_DIR`` or ``""``: the notebooks' default ``data_dir``."""

    return settings.env_data_dir()
