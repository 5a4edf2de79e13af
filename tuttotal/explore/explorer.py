"""An ipywidgets explorer of spend by ward and theme, for JupyterLab 4.

One call shows it::

    from tuttotal.explore.explorer import explore
    explore(place="kent")

Controls: the place (the pilots, Cumbria, Herefordshire and the synthetic
demo, or LAD codes typed), the year, the measure (£ total, £ per head,
share of place), the themes and agency types counted, the classification
scheme and the number of classes. The ward map is an ipyleaflet widget
(:class:`tuttotal.explore.leaflet_map.LeafletWardMap`, no basemap, so it works
offline): hover a ward for its name, district and value, zoom and pan,
click a ward to choose it. The map, legend, theme breakdown and profile
update together; choosing a ward (on the map or in the searchable list)
opens its profile (totals by theme, the comparison with its LAD and the
place, its ranks, and how much the driver decides its figure: its modelled
money by population alone beside the need drivers, as ``sensitivity.csv``).
The export button writes the current map as the house PNG
(:class:`ExplorerMap`) and the tables (CSV) to ``outputs/<slug>/explore/``
and says where.

Speed comes from loading a place once: :class:`PlaceData` keeps the
apportioned spend as a cube of pence (ward x theme x agency type), so a
change of control is a masked sum over that cube, a classification and a
new fill for each ward of a map made once (only the fills and the chosen
ward's outline go to the browser). The update path is made of plain
functions (:func:`ward_table`, :func:`classify`, :func:`ward_profile`, ...)
that the tests and ``benchmarks/explore.py`` call without a browser.

Examples
--------
>>> from tuttotal.explore import explorer as explore
>>> data = explore.load_place("demo")  # doctest: +SKIP
>>> selection = data.default_selection()  # doctest: +SKIP
>>> table = explore.ward_table(data, selection)  # doctest: +SKIP
>>> len(table), round(table.amount_gbp.sum())  # doctest: +SKIP
(24, 409962340)
"""

from __future__ import annotations

import hashlib
import io
import json
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tuttotal import paths, report
from tuttotal.analysis.breakdown import BASES, with_basis
from tuttotal.count.real import year_label
from tuttotal.data import places
from tuttotal.data.geography import find_ward
from tuttotal.data.safe_csv import write_csv
from tuttotal.errors import TuttotalError
from tuttotal.explore.england_view import ENGLAND, EnglandSwitch
from tuttotal.explore.leaflet_map import LeafletWardMap
from tuttotal.explore.measures import MEASURES, value_format
from tuttotal.figures.canvas import new_figure, save_figure
from tuttotal.figures.classify import SCHEMES as HOUSE_SCHEMES
from tuttotal.figures.classify import class_labels, classify
from tuttotal.figures.maps import map_extent
from tuttotal.figures.style import (
    HOUSE_BLUE,
    LAD_EDGE,
    MUTED,
    NO_DATA_COLOUR,
    SELECTED_EDGE,
    STAMP_BOX,
    STAMP_COLOUR,
    STAMP_TEXT,
    TEXT_DARK,
    TEXT_MUTED,
    WARD_EDGE,
    class_colours,
)
from tuttotal.money import format_gbp, pence_to_decimal_string

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from tuttotal.explore.leaflet_map import LeafletWardMap
    from tuttotal.report import PlaceReport

__all__ = [
    "MEASURES",
    "SCHEMES",
    "DriverSensitivity",
    "Explorer",
    "ExplorerMap",
    "PlaceData",
    "Selection",
    "WardProfile",
    "explore",
    "export",
    "filter_spend",
    "load_place",
    "theme_table",
    "ward_profile",
    "ward_table",
]

#: Classification schemes offered: key (as :data:`tuttotal.figures.classify.SCHEMES`) -> label.
SCHEMES: dict[str, str] = {key: HOUSE_SCHEMES[key][1] for key in ("quantiles", "naturalbreaks", "equalinterval")}
AREA_PREFIX = "lads:"  # key of an area of LAD codes in the explorer's cache


# --------------------------------------------------------------------------- the data of one place


@dataclass(frozen=True)
class Selection:
    """The state of the explorer's controls that the update path reads.

    Attributes
    ----------
    themes, agency_types : tuple of str
        Themes and agency types counted (an empty tuple counts nothing).
    measure : str
        ``total``, ``per_head`` or ``share`` (:data:`MEASURES`).
    scheme : str
        ``quantiles``, ``naturalbreaks`` or ``equalinterval``.
    k : int
        Number of classes.
    ward : str
        Code of the chosen ward, ``""`` for none.
    """

    themes: tuple[str, ...]
    agency_types: tuple[str, ...]
    measure: str = "per_head"
    scheme: str = "quantiles"
    k: int = 5
    ward: str = ""


@dataclass
class PlaceData:
    """What the explorer keeps of a place: loaded once, read by every update.

    Attributes
    ----------
    run : PlaceReport
        What :func:`tuttotal.report.prepare` returned.
    year : str
        The financial year counted.
    cube : numpy.ndarray
        Pence, ``int64``, shaped (wards, themes, agency types), wards in the
        order of ``run.wards``.
    themes, agency_types : tuple of str
        The cube's axes, largest total first.
    population : numpy.ndarray or None
        People per ward (``nan`` where unknown), None without a population driver.
    lad_index : numpy.ndarray
        Position of each ward's LAD in ``lad_codes``.
    """

    run: PlaceReport
    year: str
    cube: np.ndarray
    themes: tuple[str, ...]
    agency_types: tuple[str, ...]
    population: np.ndarray | None
    lad_index: np.ndarray
    lad_codes: tuple[str, ...]
    lad_names: tuple[str, ...]
    ward_labels: tuple[str, ...] = field(default=())
    shapes: dict = field(default_factory=dict, repr=False)
    need: pd.DataFrame | None = field(default=None, repr=False)
    _sensitivity: pd.DataFrame | None = field(default=None, repr=False)

    def sensitivity(self) -> pd.DataFrame:
        """Each ward's modelled money by the need drivers beside population alone, for :attr:`year`, by ward code.

        :meth:`tuttotal.report.PlaceReport.sensitivity` (``sensitivity.csv``'s
        ward rows), worked out on first use (the first ward chosen) and kept;
        empty without modelled money (a spend file, the demo) or people.
        """
        if self._sensitivity is None:
            table = self.run.sensitivity(self.year)
            if len(table):
                table = table[table["area_type"] == "ward"].set_index("code")
            self._sensitivity = table
        return self._sensitivity

    @property
    def has_need(self) -> bool:
        """True when income deprivation can be shown beside the money."""
        return self.need is not None

    @property
    def slug(self) -> str:
        """The place's folder name under ``outputs/``."""
        return self.run.place.slug

    @property
    def name(self) -> str:
        """The place's name for titles."""
        return self.run.place.name

    @property
    def wards(self) -> gpd.GeoDataFrame:
        """The place's wards (the ward contract)."""
        return self.run.wards

    @property
    def has_population(self) -> bool:
        """True when spend per head can be shown."""
        return self.population is not None

    def default_selection(self) -> Selection:
        """Every theme and agency type, per head (in total without population), quantiles in 5 classes."""
        return Selection(
            themes=self.themes,
            agency_types=self.agency_types,
            measure="per_head" if self.has_population else "total",
        )

    def ward_code(self, query: str) -> str:
        """The code of a ward given by code, name, ``"Name, LAD"`` or a label of :attr:`ward_labels`."""

        text = str(query).strip()
        if text in self.ward_labels:
            return str(self.wards.ward_code.iloc[self.ward_labels.index(text)])
        return str(find_ward(self.wards, text).ward_code)

    def ward_pence(self, themes: Sequence[str], agency_types: Sequence[str]) -> np.ndarray:
        """Pence per ward (``int64``, exact) counting only ``themes`` and ``agency_types``."""
        theme_mask = np.isin(self.themes, list(themes)).astype(np.int64)
        agency_mask = np.isin(self.agency_types, list(agency_types)).astype(np.int64)
        return self.cube @ agency_mask @ theme_mask if self.cube.size else np.zeros(len(self.cube), np.int64)


def _cube(ward_spend: pd.DataFrame, ward_codes, themes, agency_types) -> np.ndarray:
    """Pence summed into a (ward, theme, agency type) array."""
    import pandas as pd

    sums = ward_spend.groupby(["ward_code", "theme", "agency_type"], observed=True)["amount_pence"].sum()
    index = pd.MultiIndex.from_product([list(ward_codes), list(themes), list(agency_types)])
    full = sums.reindex(index, fill_value=0).to_numpy(dtype=np.int64)
    return full.reshape(len(ward_codes), len(themes), len(agency_types))


def from_report(run: PlaceReport, year: str | None = None) -> PlaceData:
    """Build :class:`PlaceData` from a prepared place (for another ``year``: counted again, wards kept).

    Parameters
    ----------
    run : PlaceReport
        From :func:`tuttotal.report.prepare`.
    year : str, optional
        A year of ``run.years``: counted as ``run.year`` is
        (:meth:`tuttotal.report.PlaceReport.ward_spend_of_year`).
    """
    the_year = year or run.year
    ward_spend = run.ward_spend_of_year(the_year)
    themes = tuple(ward_spend.groupby("theme")["amount_pence"].sum().sort_values(ascending=False).index)
    agencies = tuple(ward_spend.groupby("agency_type")["amount_pence"].sum().sort_values(ascending=False).index)
    wards = run.wards
    codes = list(wards.ward_code)
    population = run.population_of_year(the_year)  # per head of the chosen year's people
    lad_codes = tuple(dict.fromkeys(wards.lad_code))
    lad_names = tuple(wards.drop_duplicates("lad_code").set_index("lad_code").loc[list(lad_codes), "lad_name"])
    lad_index = wards.lad_code.map({c: i for i, c in enumerate(lad_codes)}).to_numpy(dtype=int)
    shared = set(wards.ward_name[wards.ward_name.duplicated(keep=False)])
    labels = tuple(
        f"{name} ({lad})" if name not in shared else f"{name} ({lad}, {code})"
        for name, lad, code in zip(wards.ward_name, wards.lad_name, wards.ward_code, strict=True)
    )
    return PlaceData(
        run=run,
        year=the_year,
        cube=_cube(ward_spend, codes, themes, agencies),
        themes=themes,
        agency_types=agencies,
        population=None if population is None else population.to_numpy(dtype=float),
        lad_index=lad_index,
        lad_codes=lad_codes,
        lad_names=lad_names,
        ward_labels=labels,
        need=run.ward_need().set_index("ward_code").reindex(codes) if run.has_need else None,
    )


def load_place(
    place: str = "",
    lads: Sequence[str] = (),
    *,
    year: str = "",
    focus_wards: Sequence[str] = (),
    spend_path: str = "",
    drivers_path: str = "",
    data_dir: str = "",
) -> PlaceData:
    """Load, count and cube a place once: :func:`tuttotal.report.prepare`, then :func:`from_report`.

    ``data_dir`` defaults to ``$TUTTOTAL_DATA_DIR`` (:func:`tuttotal.report.environment_data_dir`).

    Examples
    --------
    >>> data = load_place("demo")  # doctest: +SKIP
    >>> data.cube.shape  # doctest: +SKIP
    (24, 9, 7)
    """

    run = report.prepare(
        place=place,
        lads=list(lads),
        year=year,
        focus_wards=list(focus_wards),
        spend_path=spend_path,
        drivers_path=drivers_path,
        data_dir=data_dir or report.environment_data_dir(),
    )
    return from_report(run)


# --------------------------------------------------------------------------- the update path


def filter_spend(ward_spend: pd.DataFrame, themes: Sequence[str], agency_types: Sequence[str]) -> pd.DataFrame:
    """Rows of a ``ward_spend`` table whose theme and agency type are chosen (the slow, obvious way).

    Examples
    --------
    >>> import pandas as pd
    >>> spend = pd.DataFrame({"ward_code": ["W1", "W1", "W2"], "theme": ["health", "older people", "health"],
    ...                       "agency_type": ["nhs", "council", "council"], "amount_pence": [100, 50, 250]})
    >>> filter_spend(spend, ["health"], ["council"]).amount_pence.tolist()
    [250]
    """
    keep = ward_spend["theme"].isin(list(themes)) & ward_spend["agency_type"].isin(list(agency_types))
    return ward_spend[keep]


def ward_table(data: PlaceData, selection: Selection) -> pd.DataFrame:
    """One row per ward: the chosen spend in £, per head, share of the place, and the measure's ``value``.

    Returns
    -------
    pandas.DataFrame
        ``ward_code, ward_name, lad_code, lad_name, amount_pence, amount_gbp,
        [population, per_head_gbp,] share_of_place, value`` in the order of
        the place's wards; ``value`` is the column of ``selection.measure``.
    """
    import pandas as pd

    pence = data.ward_pence(selection.themes, selection.agency_types)
    wards = data.wards
    table = pd.DataFrame(
        {
            "ward_code": wards.ward_code.to_numpy(),
            "ward_name": wards.ward_name.to_numpy(),
            "lad_code": wards.lad_code.to_numpy(),
            "lad_name": wards.lad_name.to_numpy(),
            "amount_pence": pence,
            "amount_gbp": pence / 100,
        }
    )
    if data.population is not None:
        people = data.population
        table["population"] = people
        with np.errstate(divide="ignore", invalid="ignore"):
            table["per_head_gbp"] = np.where(people > 0, pence / 100 / people, np.nan)
    total = pence.sum()
    table["share_of_place"] = pence / total if total else np.nan
    if data.need is not None:
        table["income_deprived_share"] = data.need["income_deprived_share"].to_numpy(dtype=float)
    column = {
        "total": "amount_gbp",
        "per_head": "per_head_gbp",
        "share": "share_of_place",
        "income_deprived": "income_deprived_share",
    }[selection.measure]
    if column not in table:
        needs = "deprivation drivers" if selection.measure == "income_deprived" else "a population driver"
        raise ValueError(f"measure {selection.measure!r} needs {needs}; use 'total' or 'share'")
    table["value"] = table[column]
    return table


def theme_table(data: PlaceData, selection: Selection) -> pd.DataFrame:
    """The place's spend by theme under the chosen agency types, every theme listed, chosen ones marked.

    Returns
    -------
    pandas.DataFrame
        ``theme, chosen, amount_gbp, [per_head_gbp,] share_of_chosen``,
        largest first; ``share_of_chosen`` is the theme's share of the
        chosen themes' total (``nan`` for themes not chosen).
    """
    import pandas as pd

    agency_mask = np.isin(data.agency_types, list(selection.agency_types))
    pence = data.cube[:, :, agency_mask].sum(axis=(0, 2))
    chosen = np.isin(data.themes, list(selection.themes))
    table = pd.DataFrame({"theme": list(data.themes), "chosen": chosen, "amount_gbp": pence / 100})
    if data.population is not None:
        people = np.nansum(data.population)
        table["per_head_gbp"] = table["amount_gbp"] / people if people > 0 else np.nan
    chosen_total = table.loc[table.chosen, "amount_gbp"].sum()
    table["share_of_chosen"] = (table["amount_gbp"] / chosen_total).where(table.chosen) if chosen_total else np.nan
    return table.sort_values("amount_gbp", ascending=False, kind="stable", ignore_index=True)


@dataclass
class DriverSensitivity:
    """How much the driver decides a ward's figure: its modelled money by the need drivers and by population alone.

    A ward's row of ``sensitivity.csv``
    (:meth:`tuttotal.report.PlaceReport.sensitivity`), for every theme and
    agency type: the region's money shared to the ward by the need drivers
    (children, people 60+, income- and employment-deprived people) beside the
    same money by population alone; its measured money (the authorities' own
    books) is the same in both. Per head: measured plus each modelled figure,
    over the ward's people of the year.
    """

    year: str
    measured_gbp: float
    modelled_need_gbp: float
    modelled_population_gbp: float
    need_per_head_gbp: float
    population_per_head_gbp: float

    def sentence(self) -> str:
        """The per-head figures in a sentence, as the report says them (``PlaceReport.sensitivity_text``)."""
        return (
            f"{_pounds(self.need_per_head_gbp)} a head with the need drivers, "
            f"{_pounds(self.population_per_head_gbp)} with population alone."
        )

    def to_html(self) -> str:
        """A small block of the profile card: the sentence, then the modelled money by each driver."""
        modelled = (
            f"Modelled money (the region's, shared by driver): {format_gbp(self.modelled_need_gbp * 100, 3)} by the "
            f"need drivers, {format_gbp(self.modelled_population_gbp * 100, 3)} by population alone"
        )
        if self.measured_gbp:
            modelled += (
                f"; measured money, {format_gbp(self.measured_gbp * 100, 3)} (the authorities' own books), is the "
                "same in both"
            )
        modelled += ". The gap is the choice of driver, not a measurement."
        return (
            "<div class='tuttotal-driver-sensitivity' style='margin:0 0 8px 0'>"
            f"<div style='font-weight:600'>How much the driver decides ({_escape(self.year)}, all themes and "
            "agencies)</div>"
            f"<div>{_escape(self.sentence())}</div>"
            f"<div style='color:{TEXT_MUTED};font-size:11.5px'>{_escape(modelled)}</div></div>"
        )


@dataclass
class WardProfile:
    """A ward under the chosen themes and agency types: totals, shares, ranks and themes.

    ``by_theme`` is ``theme, ward_gbp, ward_per_head_gbp, lad_per_head_gbp,
    place_per_head_gbp`` (per head columns without population are ``nan``),
    the chosen themes, largest for the ward first. Ranks are 1 for the
    highest, by ``ranked_by`` (``per_head_gbp`` when there is a population,
    else ``amount_gbp``), as :func:`tuttotal.analysis.breakdown.ward_profiles`.
    """

    ward_code: str
    ward_name: str
    lad_code: str
    lad_name: str
    place_name: str
    amount_gbp: float
    population: float
    per_head_gbp: float
    share_of_lad: float
    share_of_place: float
    rank_in_lad: int
    rank_in_place: int
    lad_wards: int
    place_wards: int
    ranked_by: str
    by_theme: pd.DataFrame
    income_deprived_share: float = float("nan")
    income_rank_in_place: int | None = None
    england_imd_decile: int | None = None
    driver: DriverSensitivity | None = None

    def to_html(self) -> str:
        """The profile as a small HTML card (what the explorer shows)."""

        per_head = self.ranked_by == "per_head_gbp"
        what = "per head" if per_head else "in total"
        facts = [
            ("Spend counted", f"{format_gbp(self.amount_gbp * 100, 3)} (£{self.amount_gbp:,.0f})"),
        ]
        if per_head:
            facts.append(("Per head", f"£{self.per_head_gbp:,.0f} ({self.population:,.0f} people)"))
        if np.isfinite(self.income_deprived_share):
            text = f"{self.income_deprived_share:.1%} of people"
            if self.income_rank_in_place is not None:
                text += f", rank {self.income_rank_in_place} of {self.place_wards} in {self.place_name} (1 = most)"
            facts.append(("Income-deprived", text))
        if self.england_imd_decile is not None:
            facts.append(("IMD 2015", f"England decile {self.england_imd_decile} of 10 (1 = most deprived LSOAs)"))
        facts += [
            ("Share", f"{self.share_of_lad:.1%} of {self.lad_name}, {self.share_of_place:.2%} of {self.place_name}"),
            (
                "Rank",
                f"{self.rank_in_lad} of {self.lad_wards} in {self.lad_name}, "
                f"{self.rank_in_place} of {self.place_wards} in {self.place_name} ({what}, 1 = highest)",
            ),
        ]
        fact_rows = "".join(
            f"<tr><th style='text-align:left;padding:1px 10px 1px 0;color:{TEXT_MUTED};font-weight:normal'>{k}</th>"
            f"<td style='padding:1px 0'>{_escape(v)}</td></tr>"
            for k, v in facts
        )
        head = (
            f"<div class='tuttotal-profile-card' style='font-size:13px;line-height:1.35;color:{TEXT_DARK}'>"
            f"<div style='font-size:15px;font-weight:bold;margin-bottom:2px'>{_escape(self.ward_name)}</div>"
            f"<div style='color:{TEXT_MUTED};margin-bottom:6px'>{_escape(self.ward_code)} · {_escape(self.lad_name)} "
            f"({_escape(self.lad_code)}) · {_escape(self.place_name)}</div>"
            f"<table style='border-collapse:collapse;margin-bottom:8px'>{fact_rows}</table>"
            + (self.driver.to_html() if self.driver is not None else "")
        )
        if not len(self.by_theme):
            return head + "<div>No theme chosen.</div></div>"
        if per_head:
            scale = np.nanmax(self.by_theme[["ward_per_head_gbp", "lad_per_head_gbp", "place_per_head_gbp"]].to_numpy())
            cells = ["Theme", "Ward £", "Ward / head", "LAD / head", "Place / head", ""]
        else:
            scale = float(self.by_theme["ward_gbp"].max())
            cells = ["Theme", "Ward £", ""]
        header = "".join(
            f"<th style='text-align:{'left' if i == 0 else 'right'};padding:2px 6px;border-bottom:1px solid #ccc;"
            f"font-weight:600'>{c}</th>"
            for i, c in enumerate(cells)
        )
        rows = []
        for row in self.by_theme.itertuples():
            td = "style='text-align:right;padding:1px 6px;white-space:nowrap'"
            line = f"<td style='padding:1px 6px'>{_escape(row.theme)}</td>"
            line += f"<td {td}>{format_gbp(row.ward_gbp * 100, 3)}</td>"
            if per_head:
                line += "".join(
                    f"<td {td}>{_pounds(v)}</td>"
                    for v in (row.ward_per_head_gbp, row.lad_per_head_gbp, row.place_per_head_gbp)
                )
                bars = _bars(
                    [row.ward_per_head_gbp, row.lad_per_head_gbp, row.place_per_head_gbp],
                    scale,
                    [SELECTED_EDGE, "#e3a548", "#9e9e9e"],
                )
            else:
                bars = _bars([row.ward_gbp], scale, [SELECTED_EDGE])
            rows.append(f"<tr>{line}<td style='padding:1px 6px;width:70px;min-width:50px'>{bars}</td></tr>")
        key = (
            f"<div style='color:{TEXT_MUTED};font-size:11.5px;margin-top:4px'>Bars: "
            + " ".join(
                f"<span style='display:inline-block;width:9px;height:9px;background:{c};margin:0 3px 0 8px'></span>{n}"
                for c, n in ((SELECTED_EDGE, "ward"), ("#e3a548", self.lad_name), ("#9e9e9e", self.place_name))
            )
            + " (per head)</div>"
            if per_head
            else ""
        )
        table = f"<table style='border-collapse:collapse;font-size:12.5px'><tr>{header}</tr>{''.join(rows)}</table>"
        return head + table + key + "</div>"


def _rank(values: np.ndarray) -> np.ndarray:
    """Ranks, 1 for the highest, ties sharing the lowest rank (pandas' ``method='min'``), 0 for ``nan``."""
    import pandas as pd

    return pd.Series(values).rank(ascending=False, method="min").fillna(0).to_numpy(dtype=int)


def ward_profile(data: PlaceData, selection: Selection, ward: str) -> WardProfile:
    """The profile of ``ward`` (code, name or list label) under ``selection``'s themes and agency types.

    With every theme and agency type chosen, its figures are those of
    :meth:`tuttotal.report.PlaceReport.ward_profiles`.
    """
    import pandas as pd

    code = data.ward_code(ward)
    wards = data.wards
    i = int(np.flatnonzero(wards.ward_code.to_numpy() == code)[0])
    theme_mask = np.isin(data.themes, list(selection.themes))
    agency_mask = np.isin(data.agency_types, list(selection.agency_types))
    by_theme_pence = data.cube[:, theme_mask][:, :, agency_mask].sum(axis=2)  # (wards, chosen themes)
    pence = by_theme_pence.sum(axis=1)
    amount = pence / 100
    in_lad = data.lad_index == data.lad_index[i]
    lad_total, place_total = amount[in_lad].sum(), amount.sum()
    people = data.population
    if people is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            per_head = np.where(people > 0, amount / people, np.nan)
        measure, ranked_by = per_head, "per_head_gbp"
    else:
        per_head, measure, ranked_by = np.full(amount.shape, np.nan), amount, "amount_gbp"
    themes = [t for t, keep in zip(data.themes, theme_mask, strict=True) if keep]

    def per_head_of(rows: np.ndarray) -> np.ndarray:
        if people is None:
            return np.full(len(themes), np.nan)
        total_people = np.nansum(people[rows])
        return by_theme_pence[rows].sum(axis=0) / 100 / total_people if total_people > 0 else np.nan

    by_theme = pd.DataFrame(
        {
            "theme": themes,
            "ward_gbp": by_theme_pence[i] / 100,
            "ward_per_head_gbp": per_head_of(np.arange(len(amount)) == i),
            "lad_per_head_gbp": per_head_of(in_lad),
            "place_per_head_gbp": per_head_of(np.ones(len(amount), bool)),
        }
    ).sort_values("ward_gbp", ascending=False, kind="stable", ignore_index=True)
    row = wards.iloc[i]
    need = {}
    if data.need is not None:
        found = data.need.iloc[i]
        decile = found.get("england_imd_decile")
        need = {
            "income_deprived_share": float(found["income_deprived_share"]),
            "income_rank_in_place": int(found["income_rank_in_place"]),
            "england_imd_decile": None if decile is None or pd.isna(decile) else int(decile),
        }
    sensitivity = data.sensitivity()
    driver = None
    if code in sensitivity.index and "need_per_head_gbp" in sensitivity:
        found = sensitivity.loc[code]
        driver = DriverSensitivity(
            year=data.year,
            **{
                name: float(found[name])
                for name in (
                    "measured_gbp",
                    "modelled_need_gbp",
                    "modelled_population_gbp",
                    "need_per_head_gbp",
                    "population_per_head_gbp",
                )
            },
        )
    return WardProfile(
        ward_code=code,
        ward_name=str(row.ward_name),
        lad_code=str(row.lad_code),
        lad_name=str(row.lad_name),
        place_name=data.name,
        amount_gbp=float(amount[i]),
        population=float(people[i]) if people is not None else float("nan"),
        per_head_gbp=float(per_head[i]),
        share_of_lad=float(amount[i] / lad_total) if lad_total else float("nan"),
        share_of_place=float(amount[i] / place_total) if place_total else float("nan"),
        rank_in_lad=int(_rank(measure[in_lad])[np.flatnonzero(in_lad).tolist().index(i)]),
        rank_in_place=int(_rank(measure)[i]),
        lad_wards=int(in_lad.sum()),
        place_wards=len(amount),
        ranked_by=ranked_by,
        by_theme=by_theme,
        driver=driver,
        **need,
    )


# --------------------------------------------------------------------------- small HTML helpers


def _escape(text: object) -> str:
    import html

    return html.escape(str(text))


def _pounds(value: float) -> str:
    return "–" if not np.isfinite(value) else f"£{value:,.0f}"


def _bars(values: Sequence[float], scale: float, colours: Sequence[str]) -> str:
    """Thin horizontal CSS bars, one under the other, scaled to ``scale``."""
    out = []
    for value, colour in zip(values, colours, strict=True):
        width = 0.0 if not (np.isfinite(value) and scale and scale > 0) else max(0.0, 100 * value / scale)
        out.append(f"<div style='height:4px;margin:1px 0;width:{width:.1f}%;background:{colour}'></div>")
    return "".join(out)


def theme_html(table: pd.DataFrame, *, place_name: str, agencies_note: str) -> str:
    """The theme breakdown as an HTML table of bars: chosen themes in blue, the others grey."""

    scale = float(table["amount_gbp"].max()) if len(table) else 0.0
    per_head = "per_head_gbp" in table
    rows = []
    for row in table.itertuples():
        colour = HOUSE_BLUE if row.chosen else MUTED
        text_colour = TEXT_DARK if row.chosen else "#8a8a8a"
        width = 100 * row.amount_gbp / scale if scale > 0 else 0
        share = f"{row.share_of_chosen:.0%}" if row.chosen and np.isfinite(row.share_of_chosen) else ""
        rows.append(
            f"<tr style='color:{text_colour}'>"
            f"<td style='padding:2px 8px 2px 0;white-space:nowrap'>{_escape(row.theme)}</td>"
            f"<td style='width:45%;padding:2px 0'><div style='height:12px;width:{max(width, 0):.1f}%;"
            f"background:{colour}'></div></td>"
            f"<td style='text-align:right;padding:2px 0 2px 8px;white-space:nowrap'>"
            f"{format_gbp(row.amount_gbp * 100, 3)}</td>"
            + (
                f"<td style='text-align:right;padding:2px 0 2px 8px'>{_pounds(row.per_head_gbp)}</td>"
                if per_head
                else ""
            )
            + f"<td style='text-align:right;padding:2px 0 2px 8px;color:{TEXT_MUTED}'>{share}</td></tr>"
        )
    chosen = table[table.chosen]
    total = chosen["amount_gbp"].sum()
    head_cells = ["Theme", "", "£ total", *(["£ / head"] if per_head else []), "share"]
    header = "".join(
        f"<th style='text-align:{'left' if i == 0 else 'right'};font-weight:600;padding:2px 0 2px 8px;"
        f"border-bottom:1px solid #ccc'>{c}</th>"
        for i, c in enumerate(head_cells)
    )
    return (
        f"<div class='tuttotal-themes-card' style='font-size:12.5px;line-height:1.3;color:{TEXT_DARK}'>"
        f"<div style='font-size:14px;font-weight:bold;margin-bottom:2px'>{_escape(place_name)}: spend by theme</div>"
        f"<div style='color:{TEXT_MUTED};margin-bottom:6px'>{_escape(agencies_note)}. Chosen themes "
        f"({len(chosen)} of {len(table)}) in blue: {format_gbp(total * 100, 3)} in all.</div>"
        f"<table style='border-collapse:collapse;width:100%'><tr>{header}</tr>{''.join(rows)}</table></div>"
    )


def describe(chosen: Sequence[str], every: Sequence[str], what: str) -> str:
    """``all 9 themes``, ``health and wellbeing`` or ``3 of 9 themes: a, b, c``.

    Examples
    --------
    >>> describe(["a", "b"], ["a", "b", "c"], "themes")
    '2 of 3 themes: a, b'
    """
    chosen = [c for c in every if c in set(chosen)]
    if len(chosen) == len(every):
        return f"all {len(every)} {what}"
    if not chosen:
        return f"no {what}"
    if len(chosen) == 1:
        return chosen[0]
    return f"{len(chosen)} of {len(every)} {what}: " + ", ".join(chosen)


# --------------------------------------------------------------------------- the map


def _geometry_path(geometry):
    """A matplotlib Path of a (multi)polygon, holes included."""
    from matplotlib.path import Path as MplPath

    polygons = [geometry] if geometry.geom_type == "Polygon" else list(getattr(geometry, "geoms", []))
    vertices, codes = [], []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            kind = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            kind[0], kind[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            vertices.append(xy)
            codes.append(kind)
    if not vertices:
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _map_shapes(data: PlaceData) -> dict:
    """Ward paths (simplified to what a 100 dpi map shows), LAD boundary lines and ward centres, made once."""
    if "paths" in data.shapes:
        return data.shapes
    import shapely

    wards = data.wards
    bounds = wards.total_bounds
    tolerance = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1.0) / 4000
    simple = shapely.simplify(wards.geometry.to_numpy(), tolerance, preserve_topology=True)
    lads = wards[["lad_code", "geometry"]].dissolve("lad_code")
    lines = []
    for boundary in shapely.simplify(lads.boundary.to_numpy(), tolerance):
        for part in getattr(boundary, "geoms", [boundary]):
            lines.append(np.asarray(part.coords)[:, :2])
    data.shapes.update(
        paths=[_geometry_path(g) for g in simple],
        codes=list(wards.ward_code),
        centres=np.array([[p.x, p.y] for p in wards.geometry.representative_point()]),
        bounds=bounds,
        lad_lines=lines,
    )
    return data.shapes


def legend_html(
    bins: np.ndarray,
    values: np.ndarray,
    classes: np.ndarray,
    *,
    measure: str,
    scheme_name: str,
    focus: bool = False,
    selected: str = "",
) -> str:
    """The map's legend as HTML: the classes with their colours and ward counts, then the outlines."""
    from matplotlib.colors import to_hex

    labels = class_labels(bins, values, classes, value_format(measure)) if bins.size else []
    palette = [to_hex(c) for c in class_colours(max(bins.size, 1))]
    swatch = "display:inline-block;width:16px;height:12px;margin-right:7px;vertical-align:-1px;"
    rows = [
        f"<div><span style='{swatch}background:{colour};border:1px solid #999'></span>{_escape(label)}</div>"
        for colour, label in zip(palette, labels, strict=False)
    ]
    missing = int((classes < 0).sum())
    if missing:
        rows.append(
            f"<div><span style='{swatch}background:{NO_DATA_COLOUR};border:1px solid #999'></span>"
            f"no data ({missing})</div>"
        )
    outline = "display:inline-block;width:16px;margin-right:7px;vertical-align:3px;"
    extra = [f"<div><span style='{outline}border-top:1.5px solid {LAD_EDGE}'></span>District boundary</div>"]
    if focus:
        extra.append(
            f"<div><span style='{swatch}border:1.5px solid #111;box-sizing:border-box'></span>Focus ward</div>"
        )
    if selected:
        extra.append(
            f"<div><span style='{swatch}border:2.5px solid {SELECTED_EDGE};box-sizing:border-box'></span>"
            f"{_escape(selected)}</div>"
        )
    title = f"{MEASURES[measure]} ({scheme_name}, {bins.size} class{'' if bins.size == 1 else 'es'})"
    return (
        f"<div class='tuttotal-legend-card' style='font-size:12.5px;line-height:1.65;color:{TEXT_DARK}'>"
        f"<div style='font-weight:bold;margin-bottom:2px'>{_escape(title)}</div>{''.join(rows)}"
        f"<div style='margin-top:8px'>{''.join(extra)}</div></div>"
    )


class ExplorerMap:
    """A light choropleth kept on one figure: the wards are drawn once, a change recolours them.

    The layout follows the house map (:func:`tuttotal.figures.maps.ward_map`): no
    axes, north up, the legend outside the map with £ classes and the scheme
    named, district boundaries, focus wards outlined, a title naming place,
    year and measure, notes and attribution underneath. It leaves out the
    house map's slow parts (label placement, inset) and draws the ward
    chosen in the explorer in magenta, with its name.

    Examples
    --------
    >>> data = load_place("demo")  # doctest: +SKIP
    >>> view = ExplorerMap(data)  # doctest: +SKIP
    >>> table = ward_table(data, data.default_selection())  # doctest: +SKIP
    >>> view.draw(table, *classify(table.value.to_numpy(), "quantiles", 5)[:2], measure="per_head",
    ...           scheme_name="quantiles", title="…", subtitle="…")  # doctest: +SKIP
    >>> view.png()[:4]  # doctest: +SKIP
    b'\\x89PNG'
    """

    FIGSIZE = (8.6, 6.0)
    PLAIN_FIGSIZE = (6.6, 5.0)
    DPI = 100
    LEGEND_W = 2.55  # inches kept right of the map for the legend
    MARGIN = 0.15

    def __init__(self, data: PlaceData, *, decorated: bool = True, figsize: tuple[float, float] | None = None) -> None:
        import matplotlib.patheffects as pe
        from matplotlib.collections import LineCollection, PatchCollection
        from matplotlib.patches import PathPatch

        run = data.run
        self.decorated = decorated
        self.no_data = NO_DATA_COLOUR
        shapes = _map_shapes(data)
        self.paths, self.codes, self.centres = shapes["paths"], shapes["codes"], shapes["centres"]
        bounds = shapes["bounds"]
        if decorated:
            fig_w = (figsize or self.FIGSIZE)[0]
            notes = [*run.notes_for(data.year), run.attribution]
            chars = int((fig_w - 2 * self.MARGIN) * 72 / (0.55 * 8))
            self.footer_lines = [line for note in notes for line in (textwrap.wrap(str(note), chars) or [""])]
            self.subtitle_chars = int((fig_w - 2 * self.MARGIN) * 72 / (0.52 * 9.5))
            title_h = 0.95  # title and up to three lines of subtitle
            footer_h = len(self.footer_lines) * 8 * 1.35 / 72 + 0.12
            avail_w = fig_w - 2 * self.MARGIN - self.LEGEND_W
            aspect = (bounds[3] - bounds[1]) / max(bounds[2] - bounds[0], 1.0)
            map_h = float(np.clip(avail_w * aspect * 1.12, 3.3, 7.0))  # the legend needs about 3.3 in
            fig_h = (figsize or (0, map_h + title_h + footer_h + 2 * self.MARGIN))[1]
            avail_h = fig_h - title_h - footer_h - 2 * self.MARGIN
            limits, box_w, box_h = map_extent(bounds, avail_w, avail_h)
            top = fig_h - self.MARGIN - title_h
            box = (self.MARGIN / fig_w, (top - box_h) / fig_h, box_w / fig_w, box_h / fig_h)
        else:  # the map alone, sized to the place's shape; titles and legend are the widget's
            width = (figsize or self.PLAIN_FIGSIZE)[0]
            aspect = (bounds[3] - bounds[1]) / max(bounds[2] - bounds[0], 1.0)
            fig_w, fig_h = width, float(np.clip(width * aspect * 1.08, 0.45 * width, 1.05 * width))
            limits, _, _ = map_extent(bounds, fig_w, fig_h)
            box = (0.0, 0.0, 1.0, 1.0)
        self.figure, _ = new_figure((fig_w, fig_h))
        self.figure.set_dpi(self.DPI)
        ax = self.figure.add_axes(box, label="map")
        ax.set_xlim(limits[0], limits[2])
        ax.set_ylim(limits[1], limits[3])
        ax.set_aspect("equal", adjustable="box")
        ax.set_axis_off()
        self.ax = ax
        self.limits = limits
        self.wards = PatchCollection(
            [PathPatch(p) for p in self.paths], facecolor=NO_DATA_COLOUR, edgecolor=WARD_EDGE, linewidth=0.3, zorder=1
        )
        ax.add_collection(self.wards)
        ax.add_collection(LineCollection(shapes["lad_lines"], colors=LAD_EDGE, linewidths=0.8, zorder=3))
        focus = set(run.focus.ward_code)
        self.focus_codes = [c for c in self.codes if c in focus]
        if self.focus_codes:
            ax.add_collection(
                PatchCollection(
                    [PathPatch(self.paths[self.codes.index(c)]) for c in self.focus_codes],
                    facecolor="none",
                    edgecolor="#111111",
                    linewidth=1.3,
                    zorder=4,
                )
            )
        self.selected = PathPatch(self.paths[0], facecolor="none", edgecolor=SELECTED_EDGE, linewidth=2.4, zorder=6)
        self.selected.set_visible(False)
        ax.add_patch(self.selected)
        (self.marker,) = ax.plot(
            [], [], marker="o", markersize=13, markerfacecolor="none", markeredgecolor=SELECTED_EDGE, zorder=7
        )
        self.marker.set_markeredgewidth(2.0)
        self.selected_label = ax.annotate(
            "",
            xy=(0, 0),
            xytext=(9, 9),
            textcoords="offset points",
            fontsize=10,
            fontweight="bold",
            color=SELECTED_EDGE,
            zorder=8,
            path_effects=[pe.withStroke(linewidth=3, foreground="white")],
            annotation_clip=False,
        )
        self._legend = None
        if not decorated:
            return

        y_title = (fig_h - self.MARGIN) / fig_h
        self.title = self.figure.text(
            self.MARGIN / fig_w, y_title, "", ha="left", va="top", fontsize=13, fontweight="bold", color=TEXT_DARK
        )
        self.subtitle = self.figure.text(
            self.MARGIN / fig_w,
            y_title - 0.30 / fig_h,
            "",
            ha="left",
            va="top",
            fontsize=9.5,
            color=TEXT_MUTED,
            linespacing=1.3,
        )
        self.figure.text(
            self.MARGIN / fig_w,
            (self.MARGIN + footer_h - 0.06) / fig_h,
            "\n".join(self.footer_lines),
            ha="left",
            va="top",
            fontsize=8,
            color=TEXT_MUTED,
            linespacing=1.35,
        )
        self.legend_x = (self.MARGIN + box_w + 0.2) / fig_w
        legend_top = top
        if run.stamp:
            self.figure.text(
                self.legend_x + 0.04 / fig_w,
                (top - 0.05) / fig_h,
                run.stamp,
                ha="left",
                va="top",
                bbox=STAMP_BOX,
                **STAMP_TEXT,
            )
            legend_top = top - 0.45
        self.legend_top = legend_top / fig_h

    def draw(
        self,
        table: pd.DataFrame,
        bins: np.ndarray,
        classes: np.ndarray,
        *,
        measure: str,
        scheme_name: str,
        title: str,
        subtitle: str,
        selected: str = "",
    ) -> None:
        """Recolour the wards for ``table.value`` in ``bins``, and update title, legend and chosen ward."""
        from matplotlib.colors import to_rgba
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        values = table["value"].to_numpy(dtype=float)
        palette = class_colours(max(bins.size, 1))
        colours = np.array([to_rgba(self.no_data)] * len(values))
        has = classes >= 0
        if bins.size:
            colours[has] = np.asarray(palette)[classes[has]]
        self.wards.set_facecolor(colours)
        self._show_selected(table, selected)
        if not self.decorated:
            return
        self.title.set_text(title)
        lines = textwrap.wrap(subtitle, self.subtitle_chars)
        self.subtitle.set_text("\n".join(lines[:3]) + (" …" if len(lines) > 3 else ""))

        labels = class_labels(bins, values, classes, value_format(measure)) if bins.size else []
        handles = [Patch(facecolor=c, edgecolor="#888888", linewidth=0.4) for c in palette[: len(labels)]]
        if (~has).any():
            handles.append(Patch(facecolor=self.no_data, edgecolor="#888888", linewidth=0.4))
            labels.append(f"no data  ({int((~has).sum())})")
        handles.append(Line2D([], [], color="#3a3a3a", linewidth=0.9))
        labels.append("District boundary")
        if self.focus_codes:
            handles.append(Patch(facecolor="none", edgecolor="#111111", linewidth=1.3))
            labels.append("Focus ward")
        if selected:
            handles.append(Patch(facecolor="none", edgecolor=SELECTED_EDGE, linewidth=2.0))
            labels.append("Chosen ward")
        if self._legend is not None:
            self._legend.remove()
        unit = MEASURES[measure]
        self._legend = self.figure.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(self.legend_x, self.legend_top),
            frameon=False,
            fontsize=9,
            title=f"{unit}\n({scheme_name}, {bins.size} class{'' if bins.size == 1 else 'es'})",
            title_fontsize=9.5,
            handlelength=1.6,
            handleheight=1.1,
            labelspacing=0.45,
            borderaxespad=0,
            alignment="left",
        )
        self._legend.get_title().set_fontweight("bold")

    def _show_selected(self, table: pd.DataFrame, selected: str) -> None:
        """Outline, ring and name the chosen ward (or hide them)."""
        if selected and selected in self.codes:
            i = self.codes.index(selected)
            self.selected.set_path(self.paths[i])
            self.selected.set_visible(True)
            x, y = self.centres[i]
            self.marker.set_data([x], [y])
            right = x > self.limits[0] + 0.72 * (self.limits[2] - self.limits[0])
            self.selected_label.xy = (x, y)
            self.selected_label.set_text(str(table["ward_name"].iloc[i]))
            self.selected_label.set_position((-9, 9) if right else (9, 9))
            self.selected_label.set_horizontalalignment("right" if right else "left")
            self.selected_label.set_visible(True)
        else:
            self.selected.set_visible(False)
            self.marker.set_data([], [])
            self.selected_label.set_visible(False)

    def png(self) -> bytes:
        """The figure as PNG bytes (100 dpi, fast compression)."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.DPI, facecolor="white", pil_kwargs={"compress_level": 1})
        return buffer.getvalue()

    def save(self, path: str | Path) -> Path:
        """Write the figure as a PNG (the blank margin trimmed), as :func:`tuttotal.figures.maps.save_figure`."""

        return save_figure(self.figure, path, dpi=self.DPI)


# --------------------------------------------------------------------------- export


def _selection_stem(data: PlaceData, selection: Selection) -> str:
    """A file stem naming the view: measure, scheme, classes and a short digest of the whole selection."""
    blob = json.dumps(
        {"place": data.slug, "year": data.year, **{k: v for k, v in vars(selection).items() if k != "ward"}},
        sort_keys=True,
    )
    digest = hashlib.sha256(blob.encode()).hexdigest()[:8]
    measure = selection.measure.replace("_", "-")
    return f"{data.year}_{measure}_{selection.scheme}-{selection.k}_{digest}"


def export(
    data: PlaceData, selection: Selection, view: ExplorerMap | None = None, output_dir: str | Path | None = None
) -> dict[str, Path]:
    """Write the current map (PNG) and tables (CSV) to ``<output_dir>/<slug>/explore/``.

    Files are named by the view (``<year>_<measure>_<scheme>-<k>_<digest>``):
    the same controls write the same files, other controls other files.
    ``.png`` is the map, ``.csv`` the ward table (values, classes, £ with its
    measured and modelled parts, per head, share), ``_themes.csv`` the theme
    breakdown (its £ by basis too), each with ``prices`` (``cash``), and
    ``.json`` the controls. ``output_dir`` defaults to the repository's
    ``outputs/``.

    Returns
    -------
    dict
        ``map``, ``table``, ``themes``, ``selection``: the paths written.
    """

    base = Path(output_dir) if output_dir else paths.project_outputs_dir()
    folder = base / data.slug / "explore"
    folder.mkdir(parents=True, exist_ok=True)
    stem = _selection_stem(data, selection)
    if view is None:
        view = ExplorerMap(data)
    table = ward_table(data, selection)
    bins, classes, shown = classify(table["value"].to_numpy(dtype=float), selection.scheme, selection.k)
    titles = view_titles(data, selection)
    view.draw(table, bins, classes, measure=selection.measure, scheme_name=shown, selected=selection.ward, **titles)
    labels = class_labels(bins, table["value"].to_numpy(dtype=float), classes, value_format(selection.measure))

    out = table.drop(columns=["amount_pence"]).copy()
    out["amount_gbp"] = table["amount_pence"].map(pence_to_decimal_string)  # exact to the penny
    spend = with_basis(data.run.ward_spend_of_year(data.year))
    chosen = filter_spend(spend, selection.themes, selection.agency_types)
    at = out.columns.get_loc("amount_gbp") + 1
    for i, basis in enumerate(BASES):  # the ward's money by basis, beside the whole: exact too
        part = chosen[chosen["basis"] == basis].groupby("ward_code")["amount_pence"].sum()
        pence = table["ward_code"].map(part).fillna(0).astype("int64")
        out.insert(at + i, f"{basis}_gbp", pence.map(pence_to_decimal_string))
    out.insert(0, "year", data.year)
    out["class"] = classes + 1
    out["class_label"] = [labels[c].split("  (")[0] if c >= 0 else "no data" for c in classes]
    out["prices"] = "cash"
    themes = theme_table(data, selection)
    agencies = filter_spend(spend, data.themes, selection.agency_types)
    at = themes.columns.get_loc("amount_gbp") + 1
    for i, basis in enumerate(BASES):
        part = agencies[agencies["basis"] == basis].groupby("theme")["amount_pence"].sum()
        themes.insert(at + i, f"{basis}_gbp", themes["theme"].map(part).fillna(0).to_numpy() / 100)
    themes["prices"] = "cash"
    written = {
        "map": view.save(folder / f"{stem}.png"),
        "table": folder / f"{stem}.csv",
        "themes": folder / f"{stem}_themes.csv",
        "selection": folder / f"{stem}.json",
    }

    write_csv(out.round(6), written["table"])  # formula-like text cells neutralised
    write_csv(themes.round(6), written["themes"])
    about = {
        "place": data.slug,
        "name": data.name,
        "year": data.year,
        "spend": data.run.spend_kind,
        **{k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(selection).items()},
        "scheme_name": shown,
        "bins": bins.tolist(),
    }
    written["selection"].write_text(json.dumps(about, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return written


def year_options(run: PlaceReport) -> list[tuple[str, str]]:
    """The years a place can be shown for, each labelled with the count it belongs to (real places).

    A real place offers every year of its real count, 2003-04 to 2017-18,
    each labelled with what it is: councils' books measured with the rest
    modelled (2007-08 to 2016-17), or top-down and modelled throughout.
    """

    if run.spend_kind != "real":
        return [(year, year) for year in run.years]
    return [(year_label(year), year) for year in run.years]


def view_titles(data: PlaceData, selection: Selection) -> dict[str, str]:
    """Title and subtitle of the map for a selection."""
    if selection.measure == "income_deprived":
        vintage = " (IMD 2010)" if data.run.driver_table is not None else ""
        title = f"{data.name}: people income-deprived by ward{vintage}"
        return {"title": title, "subtitle": "Not money: the share of each ward's people who are income-deprived."}
    what = {"total": "in total", "per_head": "per head", "share": "as a share of the place"}[selection.measure]
    title = f"{data.name}: public spending {what} by ward, {data.year}"
    subtitle = (
        f"Themes: {describe(selection.themes, data.themes, 'themes')}. "
        f"Agencies: {describe(selection.agency_types, data.agency_types, 'agency types')}."
    )
    return {"title": title, "subtitle": subtitle}


# --------------------------------------------------------------------------- the widget


class Explorer:
    """The explorer: widgets, a cache of loaded places, and the update path between them.

    Parameters
    ----------
    place, lads, year, focus_wards, spend_path, drivers_path, data_dir : str or list
        As the notebooks' parameters (:func:`tuttotal.report.prepare`); the
        first place shown.
    output_dir : str
        Where exports go (``""``: the repository's ``outputs/``).

    Notes
    -----
    ``explorer.widget`` is the ipywidgets box; the explorer shows itself
    when it is the last expression of a notebook cell. Every update records
    its time in ``explorer.timings`` (seconds, by step).
    """

    def __init__(
        self,
        place: str = "demo",
        lads: Sequence[str] = (),
        *,
        year: str = "",
        focus_wards: Sequence[str] = (),
        spend_path: str = "",
        drivers_path: str = "",
        data_dir: str = "",
        output_dir: str = "",
        wards_paths: Sequence[str] = (),
        driver: str = "",
        prices: str = "",
    ) -> None:
        self.options = {
            "focus_wards": list(focus_wards),
            "spend_path": spend_path,
            "drivers_path": drivers_path,
            "data_dir": data_dir,
            "wards_paths": list(wards_paths),
            "driver": driver,
            "prices": prices,
        }
        self.output_dir = output_dir
        self._runs: dict[str, PlaceReport] = {}
        self._data: dict[tuple[str, str], PlaceData] = {}
        self._maps: dict[str, LeafletWardMap] = {}
        self._export_maps: dict[tuple[str, str], ExplorerMap] = {}
        self._quiet = False
        self.timings: dict[str, float] = {}
        self.history: list[dict[str, float]] = []
        self._build_widgets()
        self.england = EnglandSwitch(self, status=self._status, guarded=self._guarded)

        if place:
            key = places.get_place(place).slug
        else:
            key = AREA_PREFIX + ",".join(places.area_from_lads(list(lads)).lad_codes)
            self.lads_box.value = ", ".join(lads)
        self.data: PlaceData = self._load(key, year)
        self._show_place(select_place=key if place else "", first=True)

    # ------------------------------------------------------------------ building
    def _build_widgets(self) -> None:
        import ipywidgets as w

        narrow = w.Layout(width="100%")
        style = {"description_width": "72px"}
        place_options = [
            (p.name if p.status == "pilot" else f"{p.name} ({p.status})", p.slug) for p in places.list_places()
        ]
        place_options += [("Area of LAD codes (type below)", ""), ("England: pick a district", ENGLAND)]
        self.place_box = w.Dropdown(options=place_options, description="Place", layout=narrow, style=style)
        self.lads_box = w.Text(
            placeholder="LAD codes, e.g. E07000114, E07000108 ⏎",
            description="or LADs",
            continuous_update=False,
            layout=narrow,
            style=style,
        )
        self.year_box = w.Dropdown(description="Year", layout=narrow, style=style)
        self.measure_box = w.Dropdown(
            options=[(label, key) for key, label in MEASURES.items()], description="Measure", layout=narrow, style=style
        )
        self.scheme_box = w.Dropdown(
            options=[(label, key) for key, label in SCHEMES.items()], description="Classes", layout=narrow, style=style
        )
        self.k_box = w.IntSlider(value=5, min=2, max=9, description="Number", layout=narrow, style=style)
        self.themes_box = w.SelectMultiple(description="Themes", rows=9, layout=narrow, style=style)
        self.agencies_box = w.SelectMultiple(description="Agencies", rows=7, layout=narrow, style=style)
        self.all_button = w.Button(
            description="All themes and agencies", icon="check-square", layout=w.Layout(width="100%")
        )
        self.ward_box = w.Combobox(
            placeholder="Search a ward by name or code…",
            description="Ward",
            ensure_option=False,
            layout=w.Layout(width="auto", margin="0 4px 6px 0"),
            style={"description_width": "44px"},
        )
        self.map_box = w.Box(layout=w.Layout(width="100%", max_width="680px"))
        self.map_title = w.HTML(layout=w.Layout(width="100%"))
        self.legend = w.HTML(layout=w.Layout(flex="0 0 205px", width="205px", padding="0 0 0 10px"))
        self.map_notes = w.HTML(layout=w.Layout(width="100%"))
        self.themes_html = w.HTML(layout=w.Layout(width="100%"))
        self.profile_html = w.HTML(layout=w.Layout(width="100%"))
        self.export_button = w.Button(
            description="Export map and table",
            icon="download",
            button_style="primary",
            layout=w.Layout(width="230px", flex="0 0 230px"),
        )
        self.status = w.HTML(layout=w.Layout(width="100%"))
        self.header = w.HTML()
        hint = w.HTML(
            f"<div style='font-size:11.5px;color:{TEXT_MUTED};line-height:1.3;margin:2px 0 0 4px'>"
            "Ctrl / ⌘-click to choose several themes or agencies; shift-click for a range.</div>"
        )
        for widget, name in [
            (self.place_box, "place"),
            (self.lads_box, "lads"),
            (self.year_box, "year"),
            (self.measure_box, "measure"),
            (self.scheme_box, "scheme"),
            (self.k_box, "k"),
            (self.themes_box, "themes"),
            (self.agencies_box, "agencies"),
            (self.all_button, "all"),
            (self.ward_box, "ward"),
            (self.map_box, "map-frame"),
            (self.map_title, "map-title"),
            (self.legend, "legend"),
            (self.map_notes, "map-notes"),
            (self.themes_html, "themes-breakdown"),
            (self.profile_html, "profile"),
            (self.export_button, "export"),
            (self.status, "status"),
            (self.header, "header"),
        ]:
            widget.add_class(f"tuttotal-{name}")
        controls = w.VBox(
            [
                self.place_box,
                self.lads_box,
                self.year_box,
                self.measure_box,
                self.scheme_box,
                self.k_box,
                self.themes_box,
                self.agencies_box,
                hint,
                self.all_button,
            ],
            layout=w.Layout(flex="0 0 290px", width="290px", padding="0 12px 0 0"),
        )
        picture = w.Box([self.map_box], layout=w.Layout(flex="1 1 0%", min_width="0"))
        map_panel = w.VBox(
            [self.map_title, w.HBox([picture, self.legend]), self.map_notes],
            layout=w.Layout(flex="1 1 0%", min_width="0"),
        )
        top = w.HBox([controls, map_panel])
        ward_panel = w.VBox(
            [self.ward_box, self.profile_html],
            layout=w.Layout(flex="1 1 0%", min_width="0", padding="0 0 0 16px", border_left="1px solid #e0e0e0"),
        )
        bottom = w.HBox(
            [
                w.Box([self.themes_html], layout=w.Layout(flex="1 1 0%", min_width="0", padding="0 16px 0 0")),
                ward_panel,
            ],
            layout=w.Layout(margin="12px 0 0 0", padding="10px 0 0 0", border_top="1px solid #e0e0e0"),
        )
        export_row = w.HBox(
            [self.export_button, self.status], layout=w.Layout(margin="10px 0 0 0", align_items="center")
        )
        css = w.HTML(
            "<style>"
            ".tuttotal-explorer select[multiple] option:checked {"
            " background: #cfe3f1 linear-gradient(0deg, #cfe3f1 0%, #cfe3f1 100%); color: #1a1a1a; }"
            ".tuttotal-explorer select[multiple] option { padding: 1px 4px; }"
            ".tuttotal-explorer select[multiple] { background: white; }"
            ".tuttotal-explorer .leaflet-container { background: #f4f6f8; }"
            ".tuttotal-explorer .tuttotal-map path.leaflet-interactive[fill='none'] { pointer-events: none; }"
            "</style>"
        )
        self.widget = w.VBox(
            [css, self.header, top, bottom, export_row], layout=w.Layout(width="100%", max_width="1180px")
        )
        self.widget.add_class("tuttotal-explorer")

        self.place_box.observe(self._on_place, names="value")
        self.lads_box.observe(self._on_lads, names="value")
        self.year_box.observe(self._on_year, names="value")
        for box in (self.measure_box, self.scheme_box, self.k_box, self.themes_box, self.agencies_box):
            box.observe(self._on_control, names="value")
        self.ward_box.observe(self._on_ward, names="value")
        self.all_button.on_click(self._on_all)
        self.export_button.on_click(self._on_export)

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------------ loading
    def _load(self, key: str, year: str = "") -> PlaceData:
        """The place of ``key`` (slug, or ``lads:`` codes) for ``year``: loaded at most once."""
        if key not in self._runs:
            if key.startswith(AREA_PREFIX):
                place, lads = "", [c for c in key[len(AREA_PREFIX) :].split(",") if c]
            else:
                place, lads = key, []
            options = dict(self.options)
            data_dir = options.pop("data_dir") or report.environment_data_dir()
            self._runs[key] = report.prepare(place=place, lads=lads, year=year, data_dir=data_dir, **options)
        run = self._runs[key]
        the_year = year or run.year
        if (key, the_year) not in self._data:
            self._data[(key, the_year)] = from_report(run, the_year)
        if key not in self._maps:
            self._maps[key] = LeafletWardMap(self._data[(key, the_year)], on_choose=self._on_map_click)
        self.key = key
        return self._data[(key, the_year)]

    @property
    def view(self) -> LeafletWardMap:
        """The map widget of the current place."""
        return self._maps[self.key]

    def _show_place(self, select_place: str | None = None, *, first: bool = False) -> None:
        """Point every control at the current place, then draw."""
        data = self.data
        self.widget.children = self.england.place_page
        self._quiet = True
        try:
            if first:
                self.measure_box.value = None
            if select_place is not None:
                values = [value for _, value in self.place_box.options]
                self.place_box.value = select_place if select_place in values else ""
            self.year_box.options = year_options(data.run)
            self.year_box.value = data.year
            measures = [
                (label, key)
                for key, label in MEASURES.items()
                if (key != "per_head" or data.has_population) and (key != "income_deprived" or data.has_need)
            ]
            if self.measure_box.value not in [m[1] for m in measures]:
                self.measure_box.value = None
            self.measure_box.options = measures
            if self.measure_box.value is None:
                self.measure_box.value = data.default_selection().measure
            self.themes_box.options = data.themes
            self.themes_box.value = data.themes
            self.agencies_box.options = data.agency_types
            self.agencies_box.value = data.agency_types
            self.ward_box.options = data.ward_labels
            self.ward_box.value = ""
        finally:
            self._quiet = False
        self.map_box.children = [self.view.widget]
        stamp = data.run.stamp
        mark = (
            f" <span style='border:1px solid {STAMP_COLOUR};color:{STAMP_COLOUR};border-radius:3px;padding:0 4px;"
            f"font-size:11px;font-weight:bold'>{stamp}</span>"
            if stamp
            else ""
        )
        notes = "<br>".join(_escape(n) for n in [*data.run.count.notes, data.run.attribution])
        self.map_notes.value = f"<div style='font-size:11px;color:{TEXT_MUTED};line-height:1.35'>{notes}</div>"
        lads = ", ".join(lad.name for lad in data.run.place.lads)
        self.header.value = (
            f"<div style='margin:0 0 6px 0'><span style='font-size:17px;font-weight:bold;color:{TEXT_DARK}'>"
            f"{_escape(data.name)}, {_escape(data.year)}</span>{mark}"
            f"<div style='font-size:12px;color:{TEXT_MUTED}'>{len(data.wards)} wards in {len(data.lad_codes)} "
            f"district(s): {_escape(textwrap.shorten(lads, 160, placeholder=' …'))}. "
            f"{_escape(data.run.provenance_for(data.year))}"
            "</div></div>"
        )
        self.update()

    # ------------------------------------------------------------------ state
    @property
    def selection(self) -> Selection:
        """The controls' state."""
        ward = ""
        text = (self.ward_box.value or "").strip()
        if text:
            try:
                ward = self.data.ward_code(text)
            except Exception:
                ward = ""
        return Selection(
            themes=tuple(self.themes_box.value),
            agency_types=tuple(self.agencies_box.value),
            measure=self.measure_box.value or "total",
            scheme=self.scheme_box.value,
            k=int(self.k_box.value),
            ward=ward,
        )

    def update(self, what: str = "all") -> dict[str, float]:
        """Redraw from the cached place: map and theme breakdown (and profile), timed by step.

        ``what`` is ``"all"`` or ``"ward"`` (only the chosen ward changed:
        the values and classes are the same, the map's highlight and the
        profile are redrawn).
        """
        start = time.perf_counter()
        data, selection = self.data, self.selection
        steps: dict[str, float] = {}
        table = ward_table(data, selection)
        values = table["value"].to_numpy(dtype=float)
        bins, classes, shown = classify(values, selection.scheme, selection.k)
        steps["values_s"] = time.perf_counter() - start
        titles = view_titles(data, selection)
        self.view.draw(table, bins, classes, measure=selection.measure, selected=selection.ward)
        steps["map_s"] = time.perf_counter() - start - sum(steps.values())
        self.map_title.value = (
            f"<div style='font-size:15px;font-weight:bold;color:{TEXT_DARK}'>{_escape(titles['title'])}</div>"
            f"<div style='font-size:12px;color:{TEXT_MUTED};margin-bottom:4px'>{_escape(titles['subtitle'])}</div>"
        )
        chosen = str(table["ward_name"].iloc[list(table.ward_code).index(selection.ward)]) if selection.ward else ""
        self.legend.value = legend_html(
            bins,
            values,
            classes,
            measure=selection.measure,
            scheme_name=shown,
            focus=bool(self.view.focus_codes),
            selected=chosen,
        )
        if what != "ward":
            agencies = describe(selection.agency_types, data.agency_types, "agency types")
            self.themes_html.value = theme_html(
                theme_table(data, selection), place_name=data.name, agencies_note=f"Agencies: {agencies}"
            )
        if selection.ward:
            self.profile_html.value = ward_profile(data, selection, selection.ward).to_html()
        else:
            text = (self.ward_box.value or "").strip()
            message = (
                f"No ward of {_escape(data.name)} matches “{_escape(text)}” yet: pick one from the list."
                if text
                else "Choose a ward above (type part of its name) to see its profile."
            )
            self.profile_html.value = f"<div style='color:{TEXT_MUTED};font-size:12.5px;margin-top:6px'>{message}</div>"
        steps["panels_s"] = time.perf_counter() - start - sum(steps.values())
        steps["total_s"] = time.perf_counter() - start
        self.timings = steps
        self.history.append(steps)
        return steps

    # ------------------------------------------------------------------ events
    def _status(self, text: str, colour: str = TEXT_MUTED) -> None:
        self.status.value = f"<span style='color:{colour};font-size:12.5px;margin-left:10px'>{text}</span>"

    def _guarded(self, action, *args) -> None:
        try:
            action(*args)
        except TuttotalError as error:
            self._status(_escape(error).replace("\n", "<br>"), STAMP_COLOUR)
        except ValueError as error:
            self._status(_escape(error), STAMP_COLOUR)

    def set_place(self, place: str = "", lads: Sequence[str] = (), year: str = "") -> None:
        """Show another place (a slug or name), or an area of LAD codes, for ``year``; loaded once, then cached."""

        if place:
            key = places.get_place(place).slug
        else:
            area = places.area_from_lads(list(lads))
            key, label = AREA_PREFIX + ",".join(area.lad_codes), f"{area.name} ({', '.join(area.lad_codes)})"
        self._status(f"Loading {_escape(place or label)}{', ' + _escape(year) if year else ''}: its wards, its count…")
        start = time.perf_counter()
        self.data = self._load(key, year)
        self._show_place(select_place=key if place else "")
        self._status(f"Loaded {_escape(self.data.name)} in {time.perf_counter() - start:.1f} s.")

    def _on_place(self, change) -> None:
        if self._quiet or not change["new"]:
            return
        if change["new"] == ENGLAND:
            return self._guarded(self.england.show)
        self._quiet = True
        self.lads_box.value = ""
        self._quiet = False
        self._guarded(self.set_place, change["new"])

    def set_quietly(self, box, value) -> None:
        """Set a control's value without acting on it (the England view's place menu and LAD codes)."""
        self._quiet = True
        try:
            box.value = value
        finally:
            self._quiet = False

    def _on_lads(self, change) -> None:
        if self._quiet or not change["new"].strip():
            return
        codes = [c for c in change["new"].replace(";", ",").replace(" ", ",").split(",") if c.strip()]
        self._guarded(self.set_place, "", codes)

    def _on_year(self, change) -> None:
        if self._quiet or not change["new"] or change["new"] == self.data.year:
            return
        self.data = self._load(self.key, change["new"])
        self._show_place()

    def _on_control(self, change) -> None:
        if not self._quiet:
            self._guarded(self.update)

    def _on_all(self, _button) -> None:
        self._quiet = True
        self.themes_box.value = self.data.themes
        self.agencies_box.value = self.data.agency_types
        self._quiet = False
        self.update()

    def select_ward(self, query: str) -> WardProfile:
        """Choose a ward (name, code or list label): its profile shows and the map marks it."""
        code = self.data.ward_code(query)
        label = self.data.ward_labels[list(self.data.wards.ward_code).index(code)]
        self.ward_box.value = label  # observed: redraws
        return ward_profile(self.data, self.selection, code)

    def _on_map_click(self, code: str) -> None:
        """A ward clicked on the map: choose it (the list follows, the profile opens)."""
        self._guarded(self.select_ward, code)

    def _on_ward(self, change) -> None:
        if not self._quiet:
            self._guarded(self.update, "ward")

    def export(self) -> dict[str, Path]:
        """Write the current map (PNG) and tables (CSV) to ``outputs/<slug>/explore/`` and say where."""
        key = (self.key, self.data.year)
        if key not in self._export_maps:
            self._export_maps[key] = ExplorerMap(self.data)
        written = export(self.data, self.selection, self._export_maps[key], self.output_dir or None)
        folder = written["map"].parent.resolve()

        root = paths.project_outputs_dir().parent.resolve()
        shown = folder.relative_to(root) if folder.is_relative_to(root) else folder
        names = ", ".join(p.name for p in written.values())
        self._status(f"Exported to <code>{_escape(shown)}</code>: {_escape(names)}", "#1b5e20")
        return written

    def _on_export(self, _button) -> None:
        self._guarded(self.export)


def explore(
    place: str = "demo",
    lads: Sequence[str] = (),
    year: str = "",
    focus_wards: Sequence[str] = (),
    spend_path: str = "",
    drivers_path: str = "",
    data_dir: str = "",
    output_dir: str = "",
    wards_paths: Sequence[str] = (),
    driver: str = "",
    prices: str = "",
) -> Explorer:
    """Show the explorer for a place: the notebook's one call.

    Parameters are those of the notebooks (:func:`tuttotal.report.prepare`);
    ``data_dir`` defaults to ``$TUTTOTAL_DATA_DIR``, ``output_dir`` (exports)
    to the repository's ``outputs/``.

    Examples
    --------
    >>> from tuttotal.explore.explorer import explore
    >>> explorer = explore("demo")  # doctest: +SKIP
    >>> explorer  # doctest: +SKIP
    """
    return Explorer(
        place,
        lads,
        year=year,
        focus_wards=focus_wards,
        spend_path=spend_path,
        drivers_path=drivers_path,
        data_dir=data_dir,
        output_dir=output_dir,
        wards_paths=wards_paths,
        driver=driver,
        prices=prices,
    )
