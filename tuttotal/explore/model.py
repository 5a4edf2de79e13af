"""The explorer's model: a place loaded once, and what the controls select from it (no widgets, no HTML).

:class:`PlaceData` keeps the apportioned spend as a cube of pence (ward x
theme x agency type), so a change of control is a masked sum over that
cube: :func:`ward_table` (one row per ward, the measure's ``value``),
:func:`theme_table` (the place by theme), :func:`ward_profile` (one ward
beside its LAD and the place, with :class:`DriverSensitivity`, how much the
driver decides its figure). :class:`Selection` is the controls' state.
The tests and ``benchmarks/explore.py`` call these without a browser.

Examples
--------
>>> from tuttotal.explore import model
>>> data = model.load_place("demo")
>>> selection = data.default_selection()
>>> table = model.ward_table(data, selection)
>>> len(table), round(table.amount_gbp.sum())
(24, 981961956)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from tuttotal import report
from tuttotal.count.parameters import PlaceParameters, place_parameters
from tuttotal.count.real_years import year_label
from tuttotal.data.geography import find_ward
from tuttotal.figures.classify import SCHEMES as HOUSE_SCHEMES

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from tuttotal.report import PlaceReport

__all__ = [
    "AREA_PREFIX",
    "SCHEMES",
    "DriverSensitivity",
    "PlaceData",
    "Selection",
    "WardProfile",
    "describe",
    "filter_spend",
    "from_report",
    "load_place",
    "theme_table",
    "view_titles",
    "ward_profile",
    "ward_table",
    "whole_pounds",
    "year_options",
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
    count : PlaceReport
        What :func:`tuttotal.report.prepare` returned.
    year : str
        The financial year counted.
    cube : numpy.ndarray
        Pence, ``int64``, shaped (wards, themes, agency types), wards in the
        order of ``count.wards``.
    themes, agency_types : tuple of str
        The cube's axes, largest total first.
    population : numpy.ndarray or None
        People per ward (``nan`` where unknown), None without a population driver.
    lad_index : numpy.ndarray
        Position of each ward's LAD in ``lad_codes``.
    """

    count: PlaceReport
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

        :meth:`tuttotal.report.sensitivity.SensitivitySection.table` (``sensitivity.csv``'s
        ward rows), worked out on first use (the first ward chosen) and kept;
        empty without modelled money (a spend file, the demo) or people.
        """
        if self._sensitivity is None:
            table = self.count.sensitivity.table(self.year)
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
        return self.count.place.slug

    @property
    def name(self) -> str:
        """The place's name for titles."""
        return self.count.place.name

    @property
    def wards(self) -> gpd.GeoDataFrame:
        """The place's wards (the ward contract)."""
        return self.count.wards

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


def from_report(count: PlaceReport, year: str | None = None) -> PlaceData:
    """Build :class:`PlaceData` from a prepared place (for another ``year``: counted again, wards kept).

    Parameters
    ----------
    count : PlaceReport
        From :func:`tuttotal.report.prepare`.
    year : str, optional
        A year of ``count.years``: counted as ``count.year`` is
        (:meth:`tuttotal.report.core.ReportCore.ward_spend_of_year`).
    """
    the_year = year or count.year
    ward_spend = count.ward_spend_of_year(the_year)
    themes = tuple(ward_spend.groupby("theme")["amount_pence"].sum().sort_values(ascending=False).index)
    agencies = tuple(ward_spend.groupby("agency_type")["amount_pence"].sum().sort_values(ascending=False).index)
    wards = count.wards
    codes = list(wards.ward_code)
    population = count.population_of_year(the_year)  # per head of the chosen year's people
    lad_codes = tuple(dict.fromkeys(wards.lad_code))
    lad_names = tuple(wards.drop_duplicates("lad_code").set_index("lad_code").loc[list(lad_codes), "lad_name"])
    lad_index = wards.lad_code.map({c: i for i, c in enumerate(lad_codes)}).to_numpy(dtype=int)
    shared = set(wards.ward_name[wards.ward_name.duplicated(keep=False)])
    labels = tuple(
        f"{name} ({lad})" if name not in shared else f"{name} ({lad}, {code})"
        for name, lad, code in zip(wards.ward_name, wards.lad_name, wards.ward_code, strict=True)
    )
    return PlaceData(
        count=count,
        year=the_year,
        cube=_cube(ward_spend, codes, themes, agencies),
        themes=themes,
        agency_types=agencies,
        population=None if population is None else population.to_numpy(dtype=float),
        lad_index=lad_index,
        lad_codes=lad_codes,
        lad_names=lad_names,
        ward_labels=labels,
        need=count.need.ward_need().set_index("ward_code").reindex(codes) if count.need.has_need else None,
    )


def load_place(place: str | PlaceParameters = "", /, **keywords: Any) -> PlaceData:
    """Load, count and cube a place once: :func:`tuttotal.report.count_place`, then :func:`from_report`.

    Parameters
    ----------
    place : str or PlaceParameters
        A place's slug or name (``""`` for an area of ``lads``), or its parameters built already.
    **keywords
        Fields of :class:`tuttotal.count.parameters.PlaceParameters`
        (:func:`tuttotal.count.parameters.place_parameters`); ``data_dir`` defaults to
        ``$TUTTOTAL_DATA_DIR`` (:func:`tuttotal.report.environment_data_dir`).

    Examples
    --------
    >>> data = load_place("demo")
    >>> data.cube.shape
    (24, 10, 7)
    """
    parameters = place_parameters(place, **keywords)
    count = report.count_place(replace(parameters, data_dir=parameters.data_dir or report.environment_data_dir()))
    return from_report(count)


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


def whole_pounds(value: float) -> str:
    """Pounds to the pound, or an en dash when unknown.

    Examples
    --------
    >>> whole_pounds(12345.6), whole_pounds(float("nan"))
    ('£12,346', '–')
    """
    return "–" if not np.isfinite(value) else f"£{value:,.0f}"


@dataclass
class DriverSensitivity:
    """How much the driver decides a ward's figure: its modelled money by the need drivers and by population alone.

    A ward's row of ``sensitivity.csv``
    (:meth:`tuttotal.report.sensitivity.SensitivitySection.table`), for every theme and
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
        """The per-head figures in a sentence, as the report says them (``report.sensitivity.text()``)."""
        return (
            f"{whole_pounds(self.need_per_head_gbp)} a head with the need drivers, "
            f"{whole_pounds(self.population_per_head_gbp)} with population alone."
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


def _rank(values: np.ndarray) -> np.ndarray:
    """Ranks, 1 for the highest, ties sharing the lowest rank (pandas' ``method='min'``), 0 for ``nan``."""
    import pandas as pd

    return pd.Series(values).rank(ascending=False, method="min").fillna(0).to_numpy(dtype=int)


def ward_profile(data: PlaceData, selection: Selection, ward: str) -> WardProfile:
    """The profile of ``ward`` (code, name or list label) under ``selection``'s themes and agency types.

    With every theme and agency type chosen, its figures are those of
    :meth:`tuttotal.report.core.ReportCore.ward_profiles`.
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


def year_options(count: PlaceReport) -> list[tuple[str, str]]:
    """The years a place can be shown for, each labelled with the count it belongs to (real places).

    A real place offers every year of its real count, 2003-04 to 2017-18,
    each labelled with what it is: councils' books measured with the rest
    modelled (2007-08 to 2016-17), or top-down and modelled throughout.
    """

    if count.spend_kind != "real":
        return [(year, year) for year in count.years]
    return [(year_label(year), year) for year in count.years]


def view_titles(data: PlaceData, selection: Selection) -> dict[str, str]:
    """Title and subtitle of the map for a selection."""
    if selection.measure == "income_deprived":
        vintage = " (IMD 2010)" if data.count.driver_table is not None else ""
        title = f"{data.name}: people income-deprived by ward{vintage}"
        return {"title": title, "subtitle": "Not money: the share of each ward's people who are income-deprived."}
    what = {"total": "in total", "per_head": "per head", "share": "as a share of the place"}[selection.measure]
    title = f"{data.name}: public spending {what} by ward, {data.year}"
    subtitle = (
        f"Themes: {describe(selection.themes, data.themes, 'themes')}. "
        f"Agencies: {describe(selection.agency_types, data.agency_types, 'agency types')}."
    )
    return {"title": title, "subtitle": subtitle}
