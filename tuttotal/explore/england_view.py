"""The explorer's "England" view: England's 326 districts by spending per head, to pick any one as the place.

Choosing *England* in the explorer's place menu shows every LAD of 2013 on
one map (an ipyleaflet widget, no basemap, as the ward map), coloured by
public spending per head for the year, with where the figures come from
and their basis:

* England's national tables when a national run wrote them
  (``outputs/england/<year>/lads.csv`` and ``wards.csv``, ``tuttotal england
  --year <year>``, read by :func:`tuttotal.england.ranks.read_national`);
* otherwise the LAD-level national count
  (:func:`tuttotal.england.ranks.lad_level_table`: the regions' CRA lines and
  councils' books shared to every district, transfers removed, no wards).

Each year's view is made once and kept (:meth:`EnglandView.show`); the
boundaries are read and simplified once. A district is picked by clicking
it on the map or by typing its name or code in the searchable list
(:func:`find_lad`, whose error lists the closest names); the explorer then
loads it as the place, with its wards.

Examples
--------
>>> find_lad("thanet"), find_lad("E07000114 "), find_lad("Thanet (E07000114)")
('E07000114', 'E07000114', 'E07000114')
>>> find_lad("Thant")
Traceback (most recent call last):
...
tuttotal.errors.PlaceNotFoundError: no English district called 'Thant'. Close matches: Thanet (E07000114)...
"""

from __future__ import annotations

import difflib
import html
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from tuttotal import paths, settings
from tuttotal.count.real_years import TOPDOWN_YEARS, year_label
from tuttotal.data.datasets import lad_names
from tuttotal.england.geography import england_lads
from tuttotal.england.ranks import lad_level_table, national_folder, read_national
from tuttotal.errors import PlaceNotFoundError
from tuttotal.explore.leaflet_map import fit_view, round_geometry
from tuttotal.figures.classify import class_labels, classify
from tuttotal.figures.style import NO_DATA_COLOUR, TEXT_DARK, TEXT_MUTED, class_colours
from tuttotal.names import normalise

if TYPE_CHECKING:
    import pandas as pd

    from tuttotal.count.parameters import PlaceParameters
    from tuttotal.explore.model import PlaceData

__all__ = [
    "ENGLAND",
    "EnglandHost",
    "EnglandSwitch",
    "EnglandView",
    "EnglandYear",
    "england_year",
    "find_lad",
    "lad_labels",
]

#: The place menu's value for England (no place's slug holds a colon).
ENGLAND = "england:"
#: The year England opens on when the place shown is not a real count (the pilots counted 2008-09).
DEFAULT_YEAR = "2008-09"
#: Simplification of the districts for the screen, metres (England fills about 640 × 500 px: 1.3 km a pixel).
SIMPLIFY_M = 500
#: Columns of :attr:`EnglandYear.table`.
COLUMNS = ["lad_code", "lad_name", "people", "total_gbp", "measured_gbp", "measured_share", "per_head_gbp"]
WIDTH_PX, HEIGHT_PX = 560, 600
CHOSEN_EDGE = "#c2185b"
CLASSES = 5
MATCHES = 5  # close matches named by an error


# --------------------------------------------------------------------------- the names


def lad_labels() -> dict[str, str]:
    """``"Name (code)"`` of each of the 326 LADs of 2013, by code, in name order (the picker's options).

    Examples
    --------
    >>> labels = lad_labels()
    >>> len(labels), labels["E07000114"]
    (326, 'Thanet (E07000114)')
    """
    names = lad_names()
    return {code: f"{names[code]} ({code})" for code in sorted(names, key=lambda c: (names[c], c))}


def find_lad(query: str) -> str:
    """The code of the LAD of 2013 named by ``query``: its code, name, label or the start of one name only.

    Case, spacing and punctuation are ignored (:func:`tuttotal.names.normalise`).

    Raises
    ------
    PlaceNotFoundError
        When no LAD matches, listing the closest names (by spelling, then
        those whose name holds what was typed).

    Examples
    --------
    >>> find_lad("king's lynn and west norfolk"), find_lad("Bristol")
    ('E07000146', 'E06000023')
    """
    text = str(query).strip()
    names = lad_names()
    key = normalise(text)
    for code, label in lad_labels().items():
        if key and key in (normalise(code), normalise(names[code]), normalise(label)):
            return code
    by_name = {normalise(names[code]): code for code in lad_labels()}
    starting = [code for name, code in by_name.items() if key and name.startswith(key)]
    if len(starting) == 1:  # "Bristol": Bristol, City of
        return starting[0]
    spelt = [by_name[k] for k in difflib.get_close_matches(key, list(by_name), n=MATCHES, cutoff=0.6)]
    holding = [c for c in lad_labels() if key and key in normalise(lad_labels()[c])]
    if key.startswith("e0"):  # part of a code: the codes in order
        holding.sort()
    close = list(dict.fromkeys([*starting, *spelt, *holding]))  # the names it starts, then the spellings near it
    listed = ", ".join(lad_labels()[code] for code in close[:MATCHES])
    raise PlaceNotFoundError(
        f"no English district called {text!r}. " + (f"Close matches: {listed}" if listed else "Nothing is close"),
        fix="type a district's name or its 2013 code (such as Thanet or E07000114), or pick one from the list",
    )


# --------------------------------------------------------------------------- a year's figures


@dataclass(frozen=True)
class EnglandYear:
    """England's districts for one year, as the England view shows them.

    Attributes
    ----------
    year : str
        The financial year.
    table : pandas.DataFrame
        :data:`COLUMNS`, one row per LAD of 2013 (326), in code order.
    source : str
        ``"national"`` (``lads.csv`` of a national run) or ``"lad-level"``
        (the LAD-level count, computed).
    source_text, basis_text : str
        Where the figures came from, and what is measured and modelled, in words.
    """

    year: str
    table: pd.DataFrame
    source: str
    source_text: str
    basis_text: str

    @property
    def measured_share(self) -> float:
        """The share of England's money that is measured (councils' books)."""
        total = float(self.table["total_gbp"].sum())
        return float(self.table["measured_gbp"].sum()) / total if total else 0.0


def _shown(path: Path) -> str:
    """A path as the page shows it: from ``outputs/`` on, never this machine's folders."""
    parts = path.parts
    return "/".join(parts[parts.index("outputs") :]) if "outputs" in parts else "/".join(parts[-3:])


def england_year(
    year: str, *, output_root: str | os.PathLike | None = None, data_dir: str | os.PathLike | None = None
) -> EnglandYear:
    """England's districts for ``year``: the national run's ``lads.csv`` when there is one, else the LAD-level count.

    Parameters
    ----------
    year : str
        A financial year of the real count (2003-04 to 2017-18).
    output_root : path, optional
        The folder holding ``england/<year>/`` (the repository's ``outputs/``).
    data_dir : path, optional
        The data root, for the LAD-level count.

    Examples
    --------
    >>> view = england_year("2008-09")  # doctest: +SKIP
    >>> view.source, len(view.table)  # doctest: +SKIP
    ('lad-level', 326)
    """
    found = read_national(output_root, year) if output_root is not None else None
    command = f"tuttotal england --year {year}"
    if found is not None:
        table, folder = found[0], found[2]
        source = "national"
        source_text = (
            f"England's national count of {year} ({_shown(folder / 'lads.csv')}, written by {command}): "
            "every district's money placed in its wards, then added up."
        )
    else:
        table = lad_level_table(year, data_dir)
        source = "lad-level"
        folder = national_folder(output_root or "outputs", year)
        source_text = (
            f"England's LAD-level count of {year}, computed here: the regions' CRA lines and councils' books shared "
            f"to every district, transfers removed, before the ward step (no national run in "
            f"{_shown(folder)}/: {command} makes one)."
        )
    table = table.sort_values("lad_code")[COLUMNS].reset_index(drop=True)
    measured = float(table["measured_gbp"].sum()) / max(float(table["total_gbp"].sum()), 1.0)
    if measured > 0:
        basis_text = (
            f"Measured: councils' own books (DCLG Revenue Outturn), {measured:.0%} of England's money; the rest "
            "modelled: HM Treasury's regional lines shared by population and need. Cash, per head of the year's people."
        )
    else:
        basis_text = (
            "All modelled: HM Treasury's regional lines shared by population and need (no councils' books this "
            "year). Cash, per head of the year's people."
        )
    return EnglandYear(year, table, source, source_text, basis_text)


# --------------------------------------------------------------------------- the widget


def _money(value: float) -> str:
    return "no data" if not np.isfinite(value) else f"£{value:,.0f}"


class EnglandView:
    """The England view: a map of England's districts, a year menu and a searchable picker.

    Parameters
    ----------
    on_pick : callable
        Called with what was picked (a LAD code, from the map, or the text of
        the picker); the explorer resolves it with :func:`find_lad` and loads it.
    output_root, data_dir : path, optional
        As :func:`england_year`.
    status : callable, optional
        Called with a line of HTML to say what is being done (the explorer's status).

    Attributes
    ----------
    widget : ipywidgets.VBox
        Title, map with legend, notes (CSS class ``tuttotal-england``).
    controls : list of ipywidgets.Widget
        The year menu, the picker and a hint, for the explorer's left column.
    header : ipywidgets.HTML
        "England, <year>" and the basis of its figures.
    made : list of str
        The years whose figures were made, in order: each year once.
    """

    def __init__(
        self,
        on_pick: Callable[[str], Any],
        *,
        output_root: str | os.PathLike | None = None,
        data_dir: str | os.PathLike | None = None,
        status: Callable[[str], Any] | None = None,
    ) -> None:
        import ipywidgets as w

        self.on_pick = on_pick
        self.status = status or (lambda _text: None)
        self.output_root, self.data_dir = output_root, data_dir
        self.years: dict[str, EnglandYear] = {}
        self.current: EnglandYear | None = None
        self.made: list[str] = []  # the years made, in order: each once
        self.map: Any = None
        narrow, style = w.Layout(width="100%"), {"description_width": "72px"}
        self.year_box = w.Dropdown(
            options=[(year_label(y), y) for y in TOPDOWN_YEARS], description="Year", layout=narrow, style=style
        )
        self.picker = w.Combobox(
            options=list(lad_labels().values()),
            placeholder="District name or code ⏎",
            description="District",
            ensure_option=False,
            continuous_update=False,
            layout=narrow,
            style=style,
        )
        hint = w.HTML(
            f"<div style='font-size:11.5px;color:{TEXT_MUTED};line-height:1.35;margin:2px 0 0 4px'>"
            "Click a district on the map, or type its name or code (E07000114) and press Enter: it opens "
            "with its wards. Choose a place above to leave England.</div>"
        )
        self.header = w.HTML()
        self.title = w.HTML(layout=w.Layout(width="100%"))
        self.legend = w.HTML(layout=w.Layout(flex="0 0 215px", width="215px", padding="0 0 0 10px"))
        self.notes = w.HTML(layout=w.Layout(width="100%"))
        self.map_box = w.Box(layout=w.Layout(flex="1 1 0%", min_width="0", max_width=f"{WIDTH_PX + 40}px"))
        for widget, name in [
            (self.year_box, "england-year"),
            (self.picker, "england-pick"),
            (self.header, "england-header"),
            (self.title, "england-title"),
            (self.legend, "england-legend"),
            (self.notes, "england-notes"),
        ]:
            widget.add_class(f"tuttotal-{name}")
        self.controls = [self.year_box, self.picker, hint]
        self.widget = w.VBox(
            [self.title, w.HBox([self.map_box, self.legend]), self.notes],
            layout=w.Layout(flex="1 1 0%", min_width="0"),
        )
        self.widget.add_class("tuttotal-england")
        self._quiet = False
        self.year_box.observe(self._on_year, names="value")
        self.picker.observe(self._on_picker, names="value")

    # ------------------------------------------------------------------ the map
    def _build_map(self) -> None:
        """The districts as one GeoJSON layer (simplified once), and a layer outlining the place shown."""
        import ipywidgets as w
        import shapely
        from ipyleaflet import GeoJSON, Map, WidgetControl

        lads = england_lads(self.data_dir, simplify=SIMPLIFY_M).sort_values("lad_code")
        self.codes = list(lads["lad_code"])
        self.names = list(lads["lad_name"])
        self.regions = list(lads["region"])
        self.index = {code: i for i, code in enumerate(self.codes)}
        self.geometries = [round_geometry(json.loads(shapely.to_geojson(g))) for g in lads.to_crs(4326).geometry]
        lat, lon, zoom = fit_view(tuple(lads.to_crs(3857).total_bounds), WIDTH_PX, HEIGHT_PX)
        self.map = Map(
            layers=(),
            center=(lat, lon),
            zoom=zoom,
            zoom_snap=0.25,
            zoom_delta=0.5,
            scroll_wheel_zoom=True,
            attribution_control=False,
            layout=w.Layout(width="100%", height=f"{HEIGHT_PX}px"),
        )
        self.map.add_class("tuttotal-england-map")
        self.fills = [NO_DATA_COLOUR] * len(self.codes)
        self.lads = GeoJSON(
            data=self._collection(), hover_style={"color": CHOSEN_EDGE, "weight": 2.5}, name="Districts"
        )
        self.lads.on_hover(self._on_hover)
        self.lads.on_click(self._on_click)
        self.chosen = GeoJSON(
            data=self._subset([]), style={"color": CHOSEN_EDGE, "weight": 3, "fill": False}, name="The place shown"
        )
        self.map.add(self.lads)
        self.map.add(self.chosen)
        self.hover = w.HTML(
            "<div style='font-size:12px;color:#555;padding:0 2px'>Hover a district; click to open it.</div>",
            layout=w.Layout(max_width="240px"),
        )
        self.hover.add_class("tuttotal-england-hover")
        self.map.add(WidgetControl(widget=self.hover, position="topright"))
        self.map_box.children = [self.map]

    def _collection(self) -> dict:
        style = {"fillOpacity": 0.9, "color": "#ffffff", "weight": 0.5, "opacity": 1}
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": code,
                    "properties": {"code": code, "style": {**style, "fillColor": fill}},
                    "geometry": geometry,
                }
                for code, fill, geometry in zip(self.codes, self.fills, self.geometries, strict=True)
            ],
        }

    def _subset(self, codes: list[str]) -> dict:
        return {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"code": c}, "geometry": self.geometries[self.index[c]]}
                for c in codes
                if c in self.index
            ],
        }

    # ------------------------------------------------------------------ showing a year
    def figures(self, year: str) -> EnglandYear:
        """England's districts for ``year``: made on first use (:func:`england_year`), then kept."""
        if year not in self.years:
            self.status(f"Counting England's 326 districts for {html.escape(year)} (once a year)…")
            start = time.perf_counter()
            self.years[year] = figures = england_year(year, output_root=self.output_root, data_dir=self.data_dir)
            self.made.append(year)
            how = "read" if figures.source == "national" else "counted"
            self.status(f"England's districts for {html.escape(year)} {how} in {time.perf_counter() - start:.1f} s.")
        return self.years[year]

    def show(self, year: str, chosen: list[str] | tuple[str, ...] = ()) -> EnglandYear:
        """Colour the map by spending per head for ``year`` (quantiles, 5 classes) and outline ``chosen`` LADs."""
        from matplotlib.colors import to_hex

        if self.map is None:
            self.status("Drawing England's 326 districts (once)…")
            self._build_map()
        figures = self.current = self.figures(year)
        self._quiet = True
        self.year_box.value = year
        self._quiet = False
        values = figures.table.set_index("lad_code")["per_head_gbp"].reindex(self.codes).to_numpy(dtype=float)
        bins, classes, scheme = classify(values, "quantiles", CLASSES)
        palette = [to_hex(c) for c in class_colours(max(bins.size, 1))]
        fills = [palette[c] if c >= 0 else NO_DATA_COLOUR for c in classes]
        if fills != self.fills:
            self.fills = fills
            self.lads.data = self._collection()
        self.chosen.data = self._subset(list(chosen))
        self.title.value = (
            f"<div style='font-size:15px;font-weight:bold;color:{TEXT_DARK}'>England: public spending per head "
            f"by district, {html.escape(year)}</div><div style='font-size:12px;color:{TEXT_MUTED};margin-bottom:4px'>"
            f"{len(self.codes)} districts (LADs of 2013), every theme and agency.</div>"
        )
        self.legend.value = self._legend(bins, values, classes, scheme, chosen)
        self.header.value = self.header_html()
        self.notes.value = (
            f"<div style='font-size:11px;color:{TEXT_MUTED};line-height:1.35'>{html.escape(figures.source_text)}"
            f"<br>{html.escape(figures.basis_text)}</div>"
        )
        return figures

    def _legend(self, bins, values, classes, scheme: str, chosen) -> str:
        from matplotlib.colors import to_hex

        labels = class_labels(bins, values, classes, "gbp", unit="district") if bins.size else []
        swatch = "display:inline-block;width:16px;height:12px;margin-right:7px;vertical-align:-1px;"
        colours = [to_hex(c) for c in class_colours(max(bins.size, 1))]
        rows = [
            f"<div><span style='{swatch}background:{c};border:1px solid #999'></span>{html.escape(label)}</div>"
            for c, label in zip(colours, labels, strict=False)
        ]
        missing = int((classes < 0).sum())
        if missing:
            rows.append(f"<div><span style='{swatch}background:{NO_DATA_COLOUR}'></span>no data ({missing})</div>")
        if chosen:
            named = ", ".join(self.names[self.index[c]] for c in chosen if c in self.index)
            rows.append(
                f"<div style='margin-top:8px'><span style='{swatch}border:2.5px solid {CHOSEN_EDGE};"
                f"box-sizing:border-box'></span>{html.escape(named)} (shown before)</div>"
            )
        title = f"£ per head ({scheme}, {bins.size} classes)"
        return (
            f"<div class='tuttotal-legend-card' style='font-size:12.5px;line-height:1.65;color:{TEXT_DARK}'>"
            f"<div style='font-weight:bold;margin-bottom:2px'>{html.escape(title)}</div>{''.join(rows)}</div>"
        )

    def header_html(self) -> str:
        """The explorer's header while England is shown."""
        figures = self.current
        what = "" if figures is None else f", {html.escape(figures.year)}"
        source = {
            "national": "Figures from England's national tables (tuttotal england).",
            "lad-level": "Figures from England's LAD-level count (no national run for this year yet).",
        }.get(figures.source if figures is not None else "", "")
        return (
            f"<div style='margin:0 0 6px 0'><span style='font-size:17px;font-weight:bold;color:{TEXT_DARK}'>"
            f"England{what}</span><div style='font-size:12px;color:{TEXT_MUTED};line-height:1.4'>Every district of "
            f"England: pick one to explore its wards. {source}</div></div>"
        )

    def describe(self, code: str) -> str:
        """The hover box's HTML for a district: name, code, region, per head, measured share."""
        i = self.index[code]
        row = self.current.table.set_index("lad_code").loc[code] if self.current is not None else None
        share = "" if row is None or not np.isfinite(row.measured_share) else f"<br>measured: {row.measured_share:.0%}"
        per_head = "" if row is None else f"<br>£ per head: <b>{_money(float(row.per_head_gbp))}</b>"
        return (
            f"<div style='font-size:12.5px;line-height:1.35;padding:0 2px'><b>{html.escape(self.names[i])}</b> "
            f"<span style='color:#555'>{code}</span><br><span style='color:#555'>{html.escape(self.regions[i])}"
            f"</span>{per_head}{share}<br><span style='color:#555'>click to open it</span></div>"
        )

    def page(self, place_box, status, css) -> list:
        """The explorer's children while England is shown: its CSS, the header, the controls beside the map, status."""
        import ipywidgets as w

        controls = w.VBox(
            [place_box, *self.controls], layout=w.Layout(flex="0 0 290px", width="290px", padding="0 12px 0 0")
        )
        below = w.HBox([status], layout=w.Layout(margin="10px 0 0 0"))
        return [css, self.header, w.HBox([controls, self.widget]), below]

    # ------------------------------------------------------------------ events
    def busy(self, loading: bool) -> None:
        """Grey the picker and the year menu while a district loads."""
        self.picker.disabled = self.year_box.disabled = loading

    def _on_year(self, change) -> None:
        if not self._quiet and change["new"]:
            self.show(change["new"])

    def _on_picker(self, change) -> None:
        if not self._quiet and str(change["new"]).strip():
            self.on_pick(str(change["new"]))

    def _on_hover(self, feature=None, properties=None, **_: Any) -> None:
        code = str((properties or (feature or {}).get("properties") or {}).get("code", ""))
        if code in self.index:
            self.hover.value = self.describe(code)

    def _on_click(self, feature=None, properties=None, **_: Any) -> None:
        code = str((properties or (feature or {}).get("properties") or {}).get("code", ""))
        if code in self.index:
            self.on_pick(code)

    def clear_picker(self) -> None:
        """Empty the picker without picking."""
        self._quiet = True
        self.picker.value = ""
        self._quiet = False


# --------------------------------------------------------------------------- the switch in the explorer


class EnglandHost(Protocol):
    """What the England switch needs of the explorer it lives in (:class:`tuttotal.explore.widget.Explorer`).

    The explorer's page (``widget.children``), its place shown, its parameters
    (:class:`tuttotal.count.parameters.PlaceParameters`) and exports' folder,
    the place menu, LAD codes box and status, and two actions: set a control without acting on it, and load a place.
    """

    widget: Any
    data: PlaceData
    parameters: PlaceParameters
    output_dir: str
    place_box: Any
    lads_box: Any
    status: Any

    def set_quietly(self, box: Any, value: Any) -> None: ...

    def set_place(self, place: str = "", lads: Sequence[str] = (), year: str = "") -> None: ...


class EnglandSwitch:
    """England in an explorer: the switch to the England view and back, and a district picked from it.

    The explorer makes one (``explorer.england``); its place menu's *England*
    calls :meth:`show`; a district clicked or typed calls :meth:`pick`, which
    loads it as the place with its wards (:meth:`tuttotal.explore.widget.Explorer.set_place`) at the
    England view's year.

    Parameters
    ----------
    explorer : EnglandHost
        The explorer whose page it switches (:class:`tuttotal.explore.widget.Explorer`).
    status : callable
        Says a line of HTML in the explorer's status.
    guarded : callable
        Runs an action, saying its error in the status instead of raising
        (for what a click or a key starts).

    Examples
    --------
    >>> from tuttotal.explore.explorer import explore  # doctest: +SKIP
    >>> explorer = explore("demo")  # doctest: +SKIP
    >>> explorer.england.show("2008-09").source  # doctest: +SKIP
    'lad-level'
    >>> explorer.england.pick("Thanet").name, len(explorer.data.wards)  # doctest: +SKIP
    ('Thanet', 23)
    """

    def __init__(self, explorer: EnglandHost, *, status: Callable[[str], Any], guarded: Callable[..., Any]) -> None:
        self.explorer = explorer
        self.status, self.guarded = status, guarded
        self.place_page = explorer.widget.children  # the explorer's page of a place, restored when one is shown
        self.view: EnglandView | None = None

    @property
    def shown(self) -> bool:
        """Whether the explorer shows England now."""
        return self.view is not None and self.explorer.widget.children != self.place_page

    def show(self, year: str = "") -> EnglandYear:
        """Show England's 326 districts by spending per head for ``year`` (made once a year), to pick one from.

        ``year`` defaults to the year of the place shown (2008-09 after the
        demo or a spend file of one's own). The district(s) shown before are
        outlined.
        """
        explorer = self.explorer
        data_dir = explorer.parameters.data_dir or settings.env_data_dir() or None
        if self.view is None:
            self.view = EnglandView(
                lambda query: self.guarded(self.pick, query),
                output_root=explorer.output_dir or paths.project_outputs_dir(),
                data_dir=data_dir,
                status=self.status,
            )
        real = explorer.data.count.spend_kind == "real"
        year = year or (explorer.data.year if real and explorer.data.year in TOPDOWN_YEARS else DEFAULT_YEAR)
        figures = self.view.show(year, explorer.data.lad_codes if real else ())
        explorer.widget.children = self.view.page(explorer.place_box, explorer.status, self.place_page[0])
        explorer.set_quietly(explorer.place_box, ENGLAND)
        return figures

    def pick(self, query: str) -> PlaceData:
        """Load a district of England as the place, with its wards: by name, code or label (:func:`find_lad`).

        Raises
        ------
        PlaceNotFoundError
            For a name no district has, listing the closest.
        """
        code = find_lad(query)
        explorer, view = self.explorer, self.view
        year = view.current.year if view is not None and view.current is not None else ""
        if view is not None:
            view.busy(True)
        try:
            explorer.set_quietly(explorer.lads_box, code)
            explorer.set_place("", [code], year=year)
        finally:
            if view is not None:
                view.busy(False)
                view.clear_picker()
        return explorer.data
