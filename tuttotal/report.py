"""One place's report, step by step: what the notebooks call.

:func:`prepare` loads the wards and the spend of a place, classifies and
apportions the spend, and returns a :class:`PlaceReport` whose methods draw
the figures and write the files of the output layout::

    ward_map.png, themes.png, ward_theme.csv, reconciliation.csv, summary.json

When no spend file is given for a real place, an illustrative count is
generated for its real wards (:mod:`tuttotal.illustrative`), saved beside
the outputs as ``illustrative_spend.csv`` and ``illustrative_drivers.csv``,
and every figure and ``summary.json`` say so.

Examples
--------
>>> from tuttotal import report
>>> run = report.prepare(place="demo")  # doctest: +SKIP
>>> run.wards_count, run.is_illustrative  # doctest: +SKIP
(24, True)
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import TuttotalWarning

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from matplotlib.figure import Figure

    from .count import Count
    from .places import Place


@dataclass
class PlaceReport:
    """Everything a place's report shows, loaded once."""

    place: Place
    year: str
    wards: gpd.GeoDataFrame
    focus: pd.DataFrame
    spend: pd.DataFrame
    drivers: pd.DataFrame | None
    count: Count
    output_dir: Path
    spend_kind: str  # "supplied", "illustrative" or "synthetic"
    inputs: dict[str, str]
    parameters: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    _figures: dict[tuple, Figure] = field(default_factory=dict, repr=False, compare=False)

    # ----------------------------------------------------------------- facts
    @property
    def is_illustrative(self) -> bool:
        """True when the spend was generated, not supplied by the user."""
        return self.spend_kind != "supplied"

    @property
    def wards_count(self) -> int:
        """Number of wards in the place."""
        return len(self.wards)

    @property
    def stamp(self) -> str | None:
        """The mark every figure carries: SYNTHETIC, ILLUSTRATIVE or nothing."""
        return {"synthetic": "SYNTHETIC", "illustrative": "ILLUSTRATIVE"}.get(self.spend_kind)

    @property
    def provenance_note(self) -> str:
        """One sentence on where the spend came from."""
        if self.spend_kind == "synthetic":
            return f"SYNTHETIC: {self.place.name} and its spend do not exist (demo data)."
        if self.spend_kind == "illustrative":
            return f"ILLUSTRATIVE spend, generated for the real wards of {self.place.name}: not a reported count."
        return f"Spend: {Path(self.parameters['spend_path']).name}."

    @property
    def figure_notes(self) -> list[str]:
        """Footer lines of every figure."""
        return [self.provenance_note, *self.count.notes]

    @property
    def attribution(self) -> str:
        """The boundary data's attribution line."""
        if self.place.is_synthetic:
            return "Synthetic boundaries made by data/sample/make_sample.py."
        if self.parameters.get("wards_paths"):
            return "Boundaries: " + ", ".join(Path(p).name for p in self.parameters["wards_paths"]) + "."
        from .datasets import ATTRIBUTION

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
        """``ward_code, ward_name, lad_code, theme, amount_pence[, population]`` for every ward and theme."""
        spend = self.count.ward_spend.groupby(["ward_code", "theme"], as_index=False)["amount_pence"].sum()
        table = self.wards[["ward_code", "ward_name", "lad_code"]].merge(spend, on="ward_code", how="inner")
        pop = self.population
        if pop is not None:
            table["population"] = table["ward_code"].map(pop)
        return table.sort_values(["ward_code", "theme"], ignore_index=True)

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
        from .money import format_gbp

        r = self.count.reconciliation
        lines = [
            f"{self.place.name}, {self.year}: {self.wards_count} wards in {len(self.place.lads)} LAD(s)",
            self.provenance_note,
            f"input total:  £{r.input_pence / 100:,.2f} ({format_gbp(r.input_pence)})",
            f"placed:       £{r.placed_pence / 100:,.2f}",
            f"not placed:   £{r.unplaced_pence / 100:,.2f}",
        ]
        for item in r.unplaced:
            lines.append(f"  {item['reason']}: £{item['amount_pence'] / 100:,.2f} ({', '.join(item['codes'])})")
        pop = self.population
        if pop is not None:
            lines.append(f"per head:     £{r.placed_pence / 100 / pop.sum():,.0f} (population {pop.sum():,.0f})")
        return "\n".join(lines)

    def focus_text(self) -> str:
        """The focus wards: total, per head and rank among the place's wards."""
        from .money import format_gbp

        if not len(self.focus):
            return "No focus wards."
        wards = self.ward_totals()
        measure = "per_head_gbp" if "per_head_gbp" in wards else "amount_gbp"
        wards["rank"] = wards[measure].rank(ascending=False, method="min").astype(int)
        lines = []
        for ward in wards[wards.ward_code.isin(self.focus.ward_code)].itertuples():
            text = f"{ward.ward_name} ({ward.ward_code}, {ward.lad_name}): {format_gbp(ward.amount_pence, 3)}"
            if measure == "per_head_gbp":
                text += f", £{ward.per_head_gbp:,.0f} per head"
            lines.append(text + f", rank {ward.rank} of {len(wards)} wards")
        return "\n".join(lines)

    # -------------------------------------------------------------- figures
    def ward_map(self, *, scheme: str = "quantiles", k: int = 5) -> Figure:
        """Choropleth of spend per head (or in total, without population) by ward.

        Drawn once per ``scheme`` and ``k``: the map the notebook shows is the
        one :meth:`save_figures` writes.
        """
        key = ("ward_map", scheme, int(k))
        if key not in self._figures:
            self._figures[key] = self._draw_ward_map(scheme=scheme, k=k)
        return self._figures[key]

    def _draw_ward_map(self, *, scheme: str, k: int) -> Figure:
        from .maps import ward_map

        wards = self.ward_totals()
        per_head = "per_head_gbp" in wards
        measure = "£ per head" if per_head else "£ total"
        title = f"{self.place.name}: public spending {'per head' if per_head else 'in total'} by ward, {self.year}"
        return ward_map(
            wards,
            "per_head_gbp" if per_head else "amount_gbp",
            title=title,
            measure=measure,
            focus=list(self.focus["ward_code"]),
            scheme=scheme,
            k=k,
            notes=self.figure_notes,
            attribution=self.attribution,
            stamp=self.stamp,
        )

    def themes_chart(self) -> Figure:
        """Bar chart of the place's spend by Total Place theme (drawn once)."""
        from .charts import theme_bars

        if ("themes",) in self._figures:
            return self._figures[("themes",)]
        self._figures[("themes",)] = theme_bars(
            self.theme_totals(),
            title=f"{self.place.name}: public spending by theme, {self.year}",
            measure=f"£ total, {self.year}",
            notes=self.figure_notes,
            stamp=self.stamp,
        )
        return self._figures[("themes",)]

    # -------------------------------------------------------------- writing
    def save_figures(self) -> dict[str, Path]:
        """Write ``ward_map.png`` and ``themes.png`` to the output folder."""
        from .maps import save_figure

        start = time.perf_counter()
        paths = {
            "ward_map": save_figure(self.ward_map(), self.output_dir / "ward_map.png"),
            "themes": save_figure(self.themes_chart(), self.output_dir / "themes.png"),
        }
        self.timings["figures_s"] = round(time.perf_counter() - start, 3)
        return paths

    def write_tables(self) -> dict[str, Path]:
        """Write ``ward_theme.csv`` and ``reconciliation.csv`` (money exact to the penny)."""
        from .money import pence_to_decimal_string

        table = self.ward_theme()
        out = table[["ward_code", "ward_name", "lad_code", "theme"]].copy()
        out["amount_gbp"] = table["amount_pence"].map(pence_to_decimal_string)
        if "population" in table:
            per_head = (table["amount_pence"] / 100 / table["population"]).where(table["population"] > 0)
            out["per_head"] = per_head.round(2)
        paths = {
            "ward_theme": self.output_dir / "ward_theme.csv",
            "reconciliation": self.output_dir / "reconciliation.csv",
        }
        out.to_csv(paths["ward_theme"], index=False, lineterminator="\n")
        self.count.reconciliation.table().to_csv(paths["reconciliation"], index=False, lineterminator="\n")
        return paths

    def summary(self) -> dict:
        """The content of ``summary.json``."""
        import geopandas
        import pandas

        return {
            "place": self.place.slug,
            "name": self.place.name,
            "lads": list(self.place.lad_codes),
            "year": self.year,
            "illustrative": self.is_illustrative,
            "spend": self.spend_kind,
            "totals": self.count.reconciliation.to_summary(),
            "wards": self.wards_count,
            "focus_wards": [
                {"code": c, "name": n} for c, n in zip(self.focus.ward_code, self.focus.ward_name, strict=True)
            ],
            "boundaries_vintage": self.wards.attrs.get("vintage", ""),
            "drivers_used": self.count.drivers_used,
            "inputs": self.inputs,
            "parameters": self.parameters,
            "versions": {
                "tuttotal": __version__,
                "python": platform.python_version(),
                "pandas": pandas.__version__,
                "geopandas": geopandas.__version__,
            },
            "timings": self.timings,
            "warnings": self.warnings + self.count.notes,
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
        return paths


def _load_spend(place: Place, wards, spend_path: str, drivers_path: str, output_dir: Path, year: str):
    """Spend table, driver table, kind of spend, and the files read (for hashing)."""
    from . import illustrative, paths
    from .spend import read_drivers, read_spend

    files: dict[str, Path] = {}
    drivers = None
    if spend_path:
        kind = "supplied"
        files["spend"] = Path(spend_path)
    elif place.is_synthetic:
        kind = "synthetic"
        files["spend"] = paths.project_root() / place.sample["spend"]
        if not drivers_path:
            files["drivers"] = paths.project_root() / place.sample["drivers"]
    else:
        kind = "illustrative"
        seed = illustrative.seed_for(place.slug)
        generated = illustrative.illustrative_drivers(wards, seed)
        table = illustrative.illustrative_spend(wards, generated, place_name=place.name, year=year, seed=seed)
        files["spend"] = output_dir / "illustrative_spend.csv"
        table.to_csv(files["spend"], index=False, lineterminator="\n")
        if not drivers_path:
            files["drivers"] = output_dir / "illustrative_drivers.csv"
            generated.to_csv(files["drivers"], index=False, lineterminator="\n")
    if drivers_path:
        files["drivers"] = Path(drivers_path)
    spend = read_spend(files["spend"])
    if "drivers" in files:
        drivers = read_drivers(files["drivers"])
    return spend, drivers, kind, files


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
) -> PlaceReport:
    """Load, classify and apportion a place's spend: the notebooks' one call.

    Parameters
    ----------
    place : str
        Slug or name of a place in ``params/`` (``""`` for an area of ``lads``).
    lads : list of str
        LAD codes of an ad-hoc area, used when ``place`` is empty.
    year : str
        Financial year to count (``""``: the place's year, else the latest in the spend).
    focus_wards : list of str
        Ward names or codes to outline and compare (``[]``: the place's own).
    spend_path, drivers_path : str
        The user's spend count and driver table (``""``: the place's sample or
        illustrative count).
    data_dir : str
        Folder of registry boundary files (``""``: ``$TUTTOTAL_DATA_DIR``, cache, download).
    output_dir : str
        Where files are written (``""``: a new temporary folder).
    wards_paths : list of str
        The user's own boundary files, instead of the registry's.
    themes_path : str
        A themes table instead of ``data/themes.csv``.

    Returns
    -------
    PlaceReport
    """
    from . import datasets, geography, places, themes
    from .count import apportion
    from .spend import parse_year

    timings: dict[str, float] = {}
    start = time.perf_counter()
    the_place = places.resolve(place, lads)
    out = Path(output_dir) if output_dir else Path(tempfile.mkdtemp(prefix=f"tuttotal-{the_place.slug}-"))
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TuttotalWarning)
        wards = geography.load_place_wards(the_place, data_dir or None, wards_paths)
        timings["wards_s"] = round(time.perf_counter() - start, 3)
        the_year = parse_year(year) if year else the_place.year
        spend, drivers, kind, files = _load_spend(the_place, wards, spend_path, drivers_path, out, the_year)
        if not year and the_year not in set(spend["year"]):
            the_year = max(spend["year"])
        theme_table = themes.load_themes(themes_path or None)
        classified = themes.classify(spend, theme_table)
        count = apportion(classified, wards, drivers, year=the_year)
        timings["count_s"] = round(time.perf_counter() - start - timings["wards_s"], 3)
    messages = [str(w.message) for w in caught if issubclass(w.category, TuttotalWarning)]
    for message in messages:
        print(f"warning: {message}")
    focus_queries = list(focus_wards) or list(the_place.focus_wards)
    focus_rows = [geography.find_ward(wards, q) for q in focus_queries]
    focus = wards.loc[[r.name for r in focus_rows], ["ward_code", "ward_name", "lad_code", "lad_name"]]

    files["themes"] = Path(theme_table.attrs["source"])
    for source in wards.attrs.get("sources", []):
        files[f"boundaries:{Path(source).name}"] = Path(source)
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
    }
    return PlaceReport(
        place=the_place,
        year=the_year,
        wards=wards,
        focus=focus,
        spend=spend,
        drivers=drivers,
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
    return os.environ.get("TUTTOTAL_DATA_DIR", "")
