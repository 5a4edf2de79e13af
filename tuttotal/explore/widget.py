"""The explorer's widgets: :class:`Explorer` (ipywidgets, JupyterLab 4) and :func:`explore`, the notebook's one call.

Controls: the place (the pilots, Cumbria, Herefordshire and the synthetic
demo, LAD codes typed, or England's map to pick any district), the year,
the measure (£ total, £ per head, share of place, people income-deprived),
the themes and agency types counted, the classification scheme and the
number of classes. The ward map is an ipyleaflet widget
(:class:`tuttotal.explore.leaflet_map.LeafletWardMap`, no basemap, so it
works offline): hover a ward for its name, district and value, zoom and
pan, click a ward to choose it. A change of control runs
:func:`tuttotal.explore.updates.compute_update` on the place already loaded
(:mod:`tuttotal.explore.model`) and puts its map fills and HTML panels
(:mod:`tuttotal.explore.html_cards`) on screen. The export button writes
the view as the house ward map and its tables
(:func:`tuttotal.explore.export.export`) and says where.

Examples
--------
>>> from tuttotal.explore.widget import explore
>>> explorer = explore("demo")  # doctest: +SKIP
>>> explorer  # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuttotal import paths, report
from tuttotal.count.parameters import PlaceParameters, place_parameters
from tuttotal.data import places
from tuttotal.errors import TuttotalError
from tuttotal.explore.england_view import ENGLAND, EnglandSwitch
from tuttotal.explore.export import export
from tuttotal.explore.html_cards import CONTROLS_HINT, EXPLORER_CSS, escape, header_html, notes_html, status_html
from tuttotal.explore.leaflet_map import LeafletWardMap
from tuttotal.explore.measures import MEASURES
from tuttotal.explore.model import (
    AREA_PREFIX,
    SCHEMES,
    PlaceData,
    Selection,
    WardProfile,
    from_report,
    ward_profile,
    year_options,
)
from tuttotal.explore.updates import compute_update
from tuttotal.figures.style import STAMP_COLOUR, TEXT_MUTED

if TYPE_CHECKING:
    from tuttotal.report import PlaceReport

__all__ = ["Explorer", "explore"]


class Explorer:
    """The explorer: widgets, a cache of loaded places, and the update path between them.

    Parameters
    ----------
    place : str or PlaceParameters
        The first place shown: a slug or name (``""`` for an area of ``lads``), or its parameters built
        already; the synthetic demo when neither a place nor LADs are given.
    **keywords
        Fields of :class:`tuttotal.count.parameters.PlaceParameters`, the notebooks' parameters
        (:func:`tuttotal.count.parameters.place_parameters`); every place shown is counted with them.
        ``output_dir`` is where exports go (``""``: the repository's ``outputs/``); each count itself
        writes nothing.

    Attributes
    ----------
    parameters : PlaceParameters
        Those given, the first place's; the place, LADs and year change as other places are shown.

    Notes
    -----
    ``explorer.widget`` is the ipywidgets box; the explorer shows itself
    when it is the last expression of a notebook cell. Every update records
    its time in ``explorer.timings`` (seconds, by step).
    """

    def __init__(self, place: str | PlaceParameters = "", /, **keywords: Any) -> None:
        parameters = place_parameters(place, **keywords)
        if not parameters.place and not parameters.lads:
            parameters = replace(parameters, place="demo")
        self.parameters = parameters
        self.output_dir = parameters.output_dir
        self._counts: dict[str, PlaceReport] = {}
        self._data: dict[tuple[str, str], PlaceData] = {}
        self._maps: dict[str, LeafletWardMap] = {}
        self._quiet = False
        self.timings: dict[str, float] = {}
        self.history: list[dict[str, float]] = []
        self._build_widgets()
        self.england = EnglandSwitch(self, status=self._status, guarded=self._guarded)

        if parameters.place:
            key = places.get_place(parameters.place).slug
        else:
            key = AREA_PREFIX + ",".join(places.area_from_lads(list(parameters.lads)).lad_codes)
            self.lads_box.value = ", ".join(parameters.lads)
        self.data: PlaceData = self._load(key, parameters.year)
        self._show_place(select_place=key if parameters.place else "", first=True)

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
        hint = w.HTML(CONTROLS_HINT)
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
        css = w.HTML(EXPLORER_CSS)
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
        if key not in self._counts:
            if key.startswith(AREA_PREFIX):
                place, lads = "", [c for c in key[len(AREA_PREFIX) :].split(",") if c]
            else:
                place, lads = key, []
            self._counts[key] = report.count_place(
                replace(
                    self.parameters,
                    place=place,
                    lads=tuple(lads),
                    year=year,
                    data_dir=self.parameters.data_dir or report.environment_data_dir(),
                    output_dir="",  # the exports' folder, not the count's
                )
            )
        count = self._counts[key]
        the_year = year or count.year
        if (key, the_year) not in self._data:
            self._data[(key, the_year)] = from_report(count, the_year)
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
            self.year_box.options = year_options(data.count)
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
        self.map_notes.value = notes_html([*data.count.count.notes, data.count.provenance.attribution])
        self.header.value = header_html(
            data.name,
            data.year,
            stamp=data.count.stamp,
            wards=len(data.wards),
            lads=[lad.name for lad in data.count.place.lads],
            provenance=data.count.provenance.provenance_for(data.year),
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
        found = compute_update(
            self.data,
            self.selection,
            draw_map=self.view.draw,
            what=what,
            typed_ward=self.ward_box.value or "",
            focus=bool(self.view.focus_codes),
        )
        self.map_title.value = found.map_title
        self.legend.value = found.legend
        if found.themes is not None:
            self.themes_html.value = found.themes
        self.profile_html.value = found.profile
        steps = found.steps
        self.timings = steps
        self.history.append(steps)
        return steps

    # ------------------------------------------------------------------ events
    def _status(self, text: str, colour: str = TEXT_MUTED) -> None:
        self.status.value = status_html(text, colour)

    def _guarded(self, action, *args) -> None:
        try:
            action(*args)
        except TuttotalError as error:
            self._status(escape(error).replace("\n", "<br>"), STAMP_COLOUR)
        except ValueError as error:
            self._status(escape(error), STAMP_COLOUR)

    def set_place(self, place: str = "", lads: Sequence[str] = (), year: str = "") -> None:
        """Show another place (a slug or name), or an area of LAD codes, for ``year``; loaded once, then cached."""

        if place:
            key = places.get_place(place).slug
        else:
            area = places.area_from_lads(list(lads))
            key, label = AREA_PREFIX + ",".join(area.lad_codes), f"{area.name} ({', '.join(area.lad_codes)})"
        self._status(f"Loading {escape(place or label)}{', ' + escape(year) if year else ''}: its wards, its count…")
        start = time.perf_counter()
        self.data = self._load(key, year)
        self._show_place(select_place=key if place else "")
        self._status(f"Loaded {escape(self.data.name)} in {time.perf_counter() - start:.1f} s.")

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
        written = export(self.data, self.selection, self.output_dir or None)
        folder = written["map"].parent.resolve()

        root = paths.project_outputs_dir().parent.resolve()
        shown = folder.relative_to(root) if folder.is_relative_to(root) else folder
        names = ", ".join(p.name for p in written.values())
        self._status(f"Exported to <code>{escape(shown)}</code>: {escape(names)}", "#1b5e20")
        return written

    def _on_export(self, _button) -> None:
        self._guarded(self.export)


def explore(place: str | PlaceParameters = "", /, **keywords: Any) -> Explorer:
    """Show the explorer for a place: the notebook's one call.

    Parameters are those of the notebooks, :class:`tuttotal.count.parameters.PlaceParameters` (or an object
    of it), built once by :func:`tuttotal.count.parameters.place_parameters`; ``data_dir`` defaults to
    ``$TUTTOTAL_DATA_DIR``, ``output_dir`` (exports) to the repository's ``outputs/``, the place to the
    synthetic demo.

    Examples
    --------
    >>> from tuttotal.explore.explorer import explore
    >>> explorer = explore(place="thanet", year="2008-09")  # doctest: +SKIP
    >>> explorer.parameters.year  # doctest: +SKIP
    '2008-09'
    """
    return Explorer(place_parameters(place, **keywords))
