"""The explorer's export: the view on screen as the house ward map (PNG) and its tables (CSV), named by the view.

The map is drawn by the report's own choropleth,
:func:`tuttotal.figures.maps.ward_map`, with the selection's values, classes
and title: legend outside the map with its classes and scheme, district
boundaries, focus wards (and the ward chosen in the explorer) outlined and
named, scale bar, the notes and attribution under it, and the basis of the
money mapped (measured and modelled) for a real count.

Examples
--------
>>> from tuttotal.explore import export, model
>>> data = model.load_place("demo")  # doctest: +SKIP
>>> written = export.export(data, data.default_selection(), output_dir="outputs")  # doctest: +SKIP
>>> sorted(written)  # doctest: +SKIP
['map', 'selection', 'table', 'themes']
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal import paths
from tuttotal.analysis.breakdown import BASES, with_basis
from tuttotal.explore.measures import MEASURES, value_format
from tuttotal.explore.model import filter_spend, theme_table, view_titles, ward_table
from tuttotal.figures.canvas import save_figure
from tuttotal.figures.classify import class_labels, classify
from tuttotal.figures.maps import ward_map
from tuttotal.money import pence_to_decimal_string
from tuttotal.writers.safe_csv import write_csv

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from tuttotal.explore.model import PlaceData, Selection

__all__ = ["export", "export_map", "selection_stem"]


def selection_stem(data: PlaceData, selection: Selection) -> str:
    """A file stem naming the view: year, measure, scheme, classes and a short digest of the whole selection.

    The chosen ward is not part of it: the same controls write the same files.
    """
    blob = json.dumps(
        {"place": data.slug, "year": data.year, **{k: v for k, v in vars(selection).items() if k != "ward"}},
        sort_keys=True,
    )
    digest = hashlib.sha256(blob.encode()).hexdigest()[:8]
    measure = selection.measure.replace("_", "-")
    return f"{data.year}_{measure}_{selection.scheme}-{selection.k}_{digest}"


def export_map(data: PlaceData, selection: Selection, table: pd.DataFrame, chosen: pd.DataFrame) -> Figure:
    """The house ward map (:func:`tuttotal.figures.maps.ward_map`) of ``table.value`` for ``selection``.

    ``chosen`` is the spend counted (with its ``basis``), for the legend of
    its measured and modelled money; the ward chosen in the explorer is
    outlined and named with the focus wards.
    """
    count = data.count
    titles = view_titles(data, selection)
    need = selection.measure == "income_deprived"
    focus = list(dict.fromkeys([*count.focus["ward_code"], *([selection.ward] if selection.ward else [])]))
    wards = data.wards.assign(value=table["value"].to_numpy(dtype=float))
    return ward_map(
        wards,
        "value",
        title=titles["title"],
        measure=MEASURES[selection.measure],
        focus=focus,
        scheme=selection.scheme,
        k=selection.k,
        notes=[titles["subtitle"], *(count.need.notes if need else count.provenance.notes_for(data.year))],
        attribution=count.provenance.attribution,
        stamp=count.stamp,
        value_format=value_format(selection.measure),
        **({"cmap": "OrRd"} if need else {}),  # need in the deprivation map's colours, not money's
        basis=None if need else count.basis_split(chosen),
    )


def export(data: PlaceData, selection: Selection, output_dir: str | Path | None = None) -> dict[str, Path]:
    """Write the current map (PNG) and tables (CSV) to ``<output_dir>/<slug>/explore/``.

    Files are named by the view (:func:`selection_stem`,
    ``<year>_<measure>_<scheme>-<k>_<digest>``): the same controls write the
    same files, other controls other files. ``.png`` is the house ward map
    (:func:`export_map`), ``.csv`` the ward table (values, classes, £ with
    its measured and modelled parts, per head, share), ``_themes.csv`` the
    theme breakdown (its £ by basis too), each with ``prices`` (``cash``),
    and ``.json`` the controls. ``output_dir`` defaults to the repository's
    ``outputs/``.

    Returns
    -------
    dict
        ``map``, ``table``, ``themes``, ``selection``: the paths written.
    """
    base = Path(output_dir) if output_dir else paths.project_outputs_dir()
    folder = base / data.slug / "explore"
    folder.mkdir(parents=True, exist_ok=True)
    stem = selection_stem(data, selection)
    table = ward_table(data, selection)
    values = table["value"].to_numpy(dtype=float)
    bins, classes, shown = classify(values, selection.scheme, selection.k)
    labels = class_labels(bins, values, classes, value_format(selection.measure))

    out = table.drop(columns=["amount_pence"]).copy()
    out["amount_gbp"] = table["amount_pence"].map(pence_to_decimal_string)  # exact to the penny
    spend = with_basis(data.count.ward_spend_of_year(data.year))
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
        "map": save_figure(export_map(data, selection, table, chosen), folder / f"{stem}.png"),
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
        "spend": data.count.spend_kind,
        **{k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(selection).items()},
        "scheme_name": shown,
        "bins": bins.tolist(),
    }
    temporary = written["selection"].with_name(f".{written['selection'].name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(about, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, written["selection"])  # whole or not at all
    return written
