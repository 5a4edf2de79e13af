"""A place's maps: the house ward map of its spending, a theme's, and the interactive web maps.

:class:`MapsSection` is the report's section of maps (``report.maps``): the choropleth of spending per head
by ward (:func:`tuttotal.figures.maps.ward_map`), one theme's, the interactive ward map of the same classes
(:func:`tuttotal.figures.webmap.ward_map`) and the place's districts on a map of England's.

Examples
--------
>>> from tuttotal.report import prepare
>>> demo = prepare(place="demo")
>>> demo.maps.ward_map() is demo.maps.ward_map()
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuttotal.analysis.compare import ALL_THEMES
from tuttotal.analysis.deep_dive import ward_theme_totals
from tuttotal.analysis.web_map import web_map_wards
from tuttotal.count import topdown
from tuttotal.data import cra_releases
from tuttotal.data.datasets import lad_names
from tuttotal.england.web_shapes import england_web_shapes
from tuttotal.errors import TuttotalError
from tuttotal.figures import webmap
from tuttotal.figures.maps import ward_map
from tuttotal.report.core import ReportCore
from tuttotal.report.need import NeedSection
from tuttotal.report.provenance import Provenance

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from matplotlib.figure import Figure


@dataclass(frozen=True, eq=False)
class MapsSection:
    """The report's maps: the house ward map, a theme's, the web maps of the place and of England.

    Attributes
    ----------
    count : ReportCore
        The report.
    provenance : Provenance
        Its notes (footers, attribution).
    need : NeedSection
        Its need (the web map's income deprivation).
    """

    count: ReportCore
    provenance: Provenance
    need: NeedSection

    def ward_map(self, *, scheme: str = "quantiles", k: int = 5) -> Figure:
        """Choropleth of spend per head (or in total, without population) by ward.

        Drawn once per ``scheme`` and ``k``: the map the notebook shows is the
        one :func:`tuttotal.writers.place.save_figures` writes.
        """
        return self.count.memo.figure(("ward_map", scheme, int(k)), lambda: self.draw_ward_map(scheme=scheme, k=k))

    def draw_ward_map(self, *, scheme: str = "quantiles", k: int = 5) -> Figure:
        """The ward map of :meth:`ward_map`, drawn anew on every call (for timing; :meth:`ward_map` keeps the first)."""
        wards = self.count.ward_totals()
        column = "per_head_gbp" if "per_head_gbp" in wards else "amount_gbp"
        return self.house_ward_map(wards, column, "public spending", scheme=scheme, k=k)

    def theme_map(self, theme: str, *, scheme: str = "quantiles", k: int = 5) -> Figure:
        """Choropleth of one theme's spend per head (or in total) by ward, focus wards outlined (drawn once).

        ``theme`` is a theme of the count or ``all themes``
        (:func:`tuttotal.analysis.deep_dive.choose_theme`).
        """
        return self.count.memo.figure(("theme_map", theme, scheme, k), lambda: self._draw_theme_map(theme, scheme, k))

    def _draw_theme_map(self, theme: str, scheme: str, k: int) -> Figure:
        count = self.count
        table = ward_theme_totals(count.ward_theme(), theme).set_index("ward_code")
        per_head = "per_head_gbp" in table
        wards = count.wards.copy()
        column = "per_head_gbp" if per_head else "amount_gbp"
        wards[column] = wards["ward_code"].map(table["per_head_gbp"] if per_head else table["amount_pence"] / 100)
        spend = count.count.ward_spend
        if theme != ALL_THEMES:
            spend = spend[spend["theme"] == theme]
        return self.house_ward_map(wards, column, f"{theme}, spending", scheme=scheme, k=k, spend=spend)

    def house_ward_map(
        self, wards: gpd.GeoDataFrame, column: str, what: str, *, scheme: str, k: int, spend: pd.DataFrame | None = None
    ) -> Figure:
        """A ward map of ``column`` (``per_head_gbp`` or ``amount_gbp``) with the place's focus wards and furniture.

        ``spend`` is the money mapped (default: the count's), for the legend of its measured and modelled parts.
        """
        count = self.count
        per_head = column == "per_head_gbp"
        return ward_map(
            wards,
            column,
            title=f"{count.place.name}: {what} {'per head' if per_head else 'in total'} by ward, {count.year}",
            measure="£ per head" if per_head else "£ total",
            focus=list(count.focus["ward_code"]),
            scheme=scheme,
            k=k,
            notes=self.provenance.figure_notes,
            attribution=self.provenance.attribution,
            stamp=count.stamp,
            basis=count.basis_split(spend),
        )

    def web_map_labels(self) -> webmap.PlaceLabels:
        """What the web maps say about the place: names, year, kind of count, attribution, stamp."""
        count = self.count
        return webmap.PlaceLabels(
            slug=count.place.slug,
            name=count.place.name,
            year=count.year,
            spend=count.spend_kind,
            count=count.count_label,
            attribution=self.provenance.attribution,
            stamp=count.stamp,
        )

    def web_map_wards(self) -> gpd.GeoDataFrame:
        """The wards with £, per head and income deprivation (where known): what the ward web map shows."""
        need = self.need
        deprived = need.ward_need().set_index("ward_code")["income_deprived_share"] if need.has_need else None
        return web_map_wards(self.count.ward_totals(), deprived)

    def web_map(self, *, scheme: str = "quantiles", k: int = 5) -> webmap.WebMap:
        """The interactive ward map (:func:`tuttotal.figures.webmap.ward_map`): the house map's classes, hover, zoom."""
        return webmap.ward_map(
            self.web_map_wards(),
            self.web_map_labels(),
            focus=set(self.count.focus["ward_code"]),
            basis_split=self.count.basis_split(),
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
        count = self.count
        codes = [lad.code for lad in count.place.lads]
        if not set(codes) & set(lad_names()):
            return webmap.MapNote(
                f"{count.place.name} has no district of England's 2013 LADs: no map of England to show."
            )
        try:
            england = england_web_shapes(count.data_root)
        except TuttotalError as error:
            return webmap.MapNote(f"No map of England: {error.message if hasattr(error, 'message') else error}")
        if not count.count_source.is_real:
            return webmap.england_map(england, self.web_map_labels(), codes)
        year = count.year if count.year in topdown.YEARS else "2008-09"
        return webmap.england_map(
            england,
            self.web_map_labels(),
            codes,
            per_head=topdown.lad_per_head(year, data_dir=count.data_root),
            per_head_year=year,
            per_head_source=cra_releases.YEAR_RELEASE[year],
        )
