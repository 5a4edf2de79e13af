"""The explorer's map: an ipyleaflet widget of the place's wards, to hover, click, zoom and pan.

Made for JupyterLab 4 and ipywidgets 8 (ipyleaflet 0.20, whose front end
is the ``jupyter-leaflet`` extension installed with it). There is **no
basemap**: no tile is ever requested, so the map works with no network,
and the wards, district boundaries and focus wards are all it shows. The
wards are one GeoJSON layer (WGS84, simplified once to what the screen
shows, about 25 m for Kent); a change of control rewrites only the fill of
each ward, a change of the chosen ward only the outline layer. Outlines
(districts, focus wards, the chosen ward) are drawn over the wards without
fill, and the explorer's CSS lets the pointer through them, so hover and
click always reach the ward.

* **hover** a ward: its name, district and the measure's value, in a box
  on the map (the kernel answers Leaflet's ``mouseover``);
* **click** a ward: :attr:`LeafletWardMap.on_choose` is called with its
  code (the explorer chooses it: the list follows and the profile opens);
* **zoom and pan**: the wheel, the +/− buttons, a double click, dragging.

Examples
--------
>>> from tuttotal.explore import explorer as explore
>>> data = explore.load_place("demo")
>>> view = LeafletWardMap(data)
>>> type(view.widget).__name__  # an ipyleaflet map: show it in JupyterLab with ``view.widget``
'Map'
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from tuttotal.explore.measures import MEASURES, PERCENT_MEASURES
from tuttotal.figures.style import LAD_EDGE, NO_DATA_COLOUR, class_colours

if TYPE_CHECKING:
    import pandas as pd

    from tuttotal.explore.model import PlaceData

__all__ = ["LeafletWardMap", "fit_view", "leaflet_shapes", "round_geometry"]

#: The widget's size on screen, used to open the map on the whole place.
WIDTH_PX, HEIGHT_PX = 640, 500
SELECTED_EDGE = "#c2185b"
WARD_EDGE = "#ffffff"


def round_geometry(geometry: dict, decimals: int = 4) -> dict:
    """A GeoJSON geometry rounded to 1e-4 degrees (7 m east-west, 11 m north-south: under the simplification).

    Examples
    --------
    >>> round_geometry({"type": "Point", "coordinates": (1.385712, 51.389431)})
    {'type': 'Point', 'coordinates': [1.3857, 51.3894]}
    """

    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(float(v), decimals) for v in value[:2]]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def leaflet_shapes(data: PlaceData) -> dict:
    """The wards, district boundaries and extent in WGS84 for Leaflet, simplified once per place and cached.

    Returns
    -------
    dict
        ``features`` (one GeoJSON geometry per ward, in the order of
        ``data.wards``), ``lad_lines`` (a FeatureCollection), ``bounds``
        (west, south, east, north) and ``mercator_bounds`` (EPSG:3857).
    """
    if "leaflet" in data.shapes:
        return data.shapes["leaflet"]
    import geopandas as gpd
    import shapely

    wards = data.wards.to_crs(27700)
    extent = wards.total_bounds
    tolerance = max(extent[2] - extent[0], extent[3] - extent[1], 1.0) / 4000
    simple = gpd.GeoSeries(shapely.simplify(wards.geometry.to_numpy(), tolerance, preserve_topology=True), crs=27700)
    lads = wards[["lad_code", "geometry"]].dissolve("lad_code")
    lines = gpd.GeoSeries(shapely.simplify(lads.boundary.to_numpy(), tolerance), crs=27700)
    features = [round_geometry(json.loads(shapely.to_geojson(g))) for g in simple.to_crs(4326)]
    line_features = [
        {"type": "Feature", "properties": {}, "geometry": round_geometry(json.loads(shapely.to_geojson(g)))}
        for g in lines.to_crs(4326)
    ]
    shapes = {
        "features": features,
        "lad_lines": {"type": "FeatureCollection", "features": line_features},
        "bounds": tuple(float(b) for b in simple.to_crs(4326).total_bounds),
        "mercator_bounds": tuple(float(b) for b in simple.to_crs(3857).total_bounds),
    }
    data.shapes["leaflet"] = shapes
    return shapes


def fit_view(mercator_bounds, width_px: int = WIDTH_PX, height_px: int = HEIGHT_PX) -> tuple[float, float, float]:
    """Centre (lat, lon) and zoom (quarter steps) that show ``mercator_bounds`` whole in a map of that size.

    Leaflet's Web Mercator has 156,543.03 m a pixel at zoom 0, halved at
    each zoom level.

    Examples
    --------
    >>> fit_view((0.0, 0.0, 156543.03 * 400, 156543.03 * 200), 640, 500)[2]
    0.5
    """
    west, south, east, north = mercator_bounds
    span = max((east - west) / (0.92 * width_px), (north - south) / (0.92 * height_px), 1e-9)
    zoom = math.floor(4 * math.log2(156543.03392 / span)) / 4
    x, y = (west + east) / 2, (south + north) / 2
    lon = math.degrees(x / 6378137.0)
    lat = math.degrees(2 * math.atan(math.exp(y / 6378137.0)) - math.pi / 2)
    return lat, lon, float(max(zoom, 0.0))


class LeafletWardMap:
    """An ipyleaflet map of one place's wards that the explorer recolours.

    Parameters
    ----------
    data : PlaceData
        The place (:func:`tuttotal.explore.model.load_place`).
    on_choose : callable, optional
        Called with a ward code when a ward is clicked.

    Attributes
    ----------
    widget : ipyleaflet.Map
        What the explorer shows (CSS class ``tuttotal-map``).
    hover : ipywidgets.HTML
        The box on the map that names the ward under the pointer.
    """

    def __init__(self, data: PlaceData, *, on_choose: Callable[[str], Any] | None = None) -> None:
        import ipywidgets as w
        from ipyleaflet import GeoJSON, Map, ScaleControl, WidgetControl

        self.on_choose = on_choose
        self.no_data = NO_DATA_COLOUR
        shapes = leaflet_shapes(data)
        self.geometries = shapes["features"]
        self.codes = list(data.wards.ward_code)
        self.names = list(data.wards.ward_name)
        self.lad_names = list(data.wards.lad_name)
        self.index = {code: i for i, code in enumerate(self.codes)}
        self.values: list[str] = [""] * len(self.codes)
        self.measure_label = ""
        lat, lon, zoom = fit_view(shapes["mercator_bounds"])
        self.home = ((lat, lon), zoom)
        self.widget = Map(
            layers=(),
            center=(lat, lon),
            zoom=zoom,
            zoom_snap=0.25,
            zoom_delta=0.5,
            scroll_wheel_zoom=True,
            attribution_control=False,
            layout=w.Layout(width="100%", height=f"{HEIGHT_PX}px"),
        )
        self.widget.add_class("tuttotal-map")
        self._fills = [self.no_data] * len(self.codes)
        self.wards = GeoJSON(
            data=self._collection(self._fills),
            hover_style={"color": SELECTED_EDGE, "weight": 2.5, "fillOpacity": 0.95},
            name="Wards",
        )
        self.wards.on_hover(self._on_hover)
        self.wards.on_click(self._on_click)
        self.lines = GeoJSON(
            data=shapes["lad_lines"],
            style={"color": LAD_EDGE, "weight": 1.3, "fill": False, "opacity": 1},
            name="District boundaries",
        )
        focus = set(data.count.focus.ward_code)
        self.focus_codes = [c for c in self.codes if c in focus]
        self.focus = GeoJSON(
            data=self._subset(self.focus_codes),
            style={"color": "#111111", "weight": 2.2, "fill": False, "opacity": 1},
            name="Focus wards",
        )
        self.selected = GeoJSON(
            data=self._subset([]),
            style={"color": SELECTED_EDGE, "weight": 4, "fill": False, "opacity": 1},
            name="Chosen ward",
        )
        for layer in (self.wards, self.lines, self.focus, self.selected):
            self.widget.add(layer)
        self.hover = w.HTML(
            "<div style='font-size:12px;color:#555;padding:0 2px'>Hover a ward; click to choose it.</div>",
            layout=w.Layout(max_width="240px"),
        )
        self.hover.add_class("tuttotal-hover")
        self.widget.add(WidgetControl(widget=self.hover, position="topright"))
        self.widget.add(ScaleControl(position="bottomleft", imperial=False))
        self.selected_code = ""

    # ------------------------------------------------------------------ layers
    def _collection(self, fills: list[str]) -> dict:
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": code,
                    "properties": {
                        "code": code,
                        "style": {
                            "fillColor": fill,
                            "fillOpacity": 0.85,
                            "color": WARD_EDGE,
                            "weight": 0.6,
                            "opacity": 1,
                        },
                    },
                    "geometry": geometry,
                }
                for code, fill, geometry in zip(self.codes, fills, self.geometries, strict=True)
            ],
        }

    def _subset(self, codes: list[str]) -> dict:
        return {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"code": c}, "geometry": self.geometries[self.index[c]]}
                for c in codes
            ],
        }

    # ------------------------------------------------------------------ drawing
    def draw(
        self, table: pd.DataFrame, bins: np.ndarray, classes: np.ndarray, *, measure: str, selected: str = "", **_: Any
    ) -> None:
        """Recolour the wards for ``table.value`` in ``bins`` (house colours) and outline the chosen ward.

        Only what changed is sent to the browser: the ward fills when a
        class changed, the outline when the chosen ward changed.
        """
        from matplotlib.colors import to_hex

        palette = [to_hex(c) for c in class_colours(max(bins.size, 1))]
        fills = [palette[c] if c >= 0 else self.no_data for c in classes]
        values = table["value"].to_numpy(dtype=float)
        percent = measure in PERCENT_MEASURES
        self.measure_label = MEASURES[measure]
        self.values = [
            "no data" if not np.isfinite(v) else (f"{100 * v:.1f}%" if percent else _money(v)) for v in values
        ]
        if fills != self._fills:
            self._fills = fills
            self.wards.data = self._collection(fills)
        self.show_selected(selected)

    def show_selected(self, code: str) -> None:
        """Outline the chosen ward (or none)."""
        code = code if code in self.index else ""
        if code != self.selected_code:
            self.selected_code = code
            self.selected.data = self._subset([code] if code else [])

    def describe(self, code: str) -> str:
        """The hover box's HTML for a ward: name, district, measure and value."""
        i = self.index[code]
        e = html.escape
        return (
            f"<div style='font-size:12.5px;line-height:1.35;padding:0 2px'><b>{e(self.names[i])}</b>"
            f"<br><span style='color:#555'>{e(self.lad_names[i])}</span>"
            f"<br>{e(self.measure_label)}: <b>{e(self.values[i])}</b></div>"
        )

    # ------------------------------------------------------------------ events
    def _code_of(self, feature: dict | None, properties: dict | None) -> str:
        props = properties or (feature or {}).get("properties") or {}
        return str(props.get("code", ""))

    def _on_hover(self, feature=None, properties=None, **_):
        code = self._code_of(feature, properties)
        if code in self.index:
            self.hover.value = self.describe(code)

    def _on_click(self, feature=None, properties=None, **_):
        code = self._code_of(feature, properties)
        if code in self.index and self.on_choose is not None:
            self.on_choose(code)

    def payload_bytes(self) -> int:
        """Size of the wards layer as the browser receives it (JSON), for the benchmark."""
        return len(json.dumps(self.wards.data, separators=(",", ":")))


def _money(value: float) -> str:
    if abs(value) >= 1e6:
        return f"£{value / 1e6:,.2f}m"
    return f"£{value:,.0f}"
