"""National choropleths: every district (326) or every ward (~7,600) of England on one A4 page, London inset.

:func:`england_map` draws the areas it is given (a GeoDataFrame of LADs or
of wards, with a value column) classed by
:func:`tuttotal.figures.classify.classify` (mapclassify's quantiles, natural
breaks or equal intervals), in the house colours, north up on British
National Grid, with district and region outlines, a London inset (its
boroughs or wards at five times the scale, boxed on the map), a scale bar,
the legend outside the map with its units, classes and basis, and notes and
the boundaries' attribution as a footer. It loads nothing: the boundaries
come from :mod:`tuttotal.england.geography` (or any reader of the ward
contract) and the values from the national tables.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> lads = gpd.GeoDataFrame(
...     {"lad_code": ["E09000001", "E07000114", "E08000025"], "lad_name": ["City", "Thanet", "Birmingham"],
...      "region": ["London", "South East", "West Midlands"], "v": [1500.0, 900.0, 1200.0]},
...     geometry=[box(530000, 180000, 533000, 182000), box(630000, 165000, 640000, 172000),
...               box(400000, 280000, 415000, 295000)], crs=27700)
>>> fig = england_map(lads, "v", title="Councils' spending per head, 2010-11", measure="£ per head", k=3,
...                   basis="measured: councils' own books")
>>> fig.axes[0].get_legend().get_title().get_text().splitlines()[0]
'£ per head'
>>> [ax.get_label() for ax in fig.axes]
['map', 'london']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.data.geography import BRITISH_NATIONAL_GRID
from tuttotal.figures.canvas import new_figure
from tuttotal.figures.cartography import draw_scale_bar, map_extent, set_limits, wrap_lines
from tuttotal.figures.classify import class_labels, classify
from tuttotal.figures.furniture import text_width
from tuttotal.figures.map_labels import MapLayout
from tuttotal.figures.maps import class_legend, draw_title_and_footer
from tuttotal.figures.style import (
    ATTRIBUTION_PT,
    CMAP,
    FOCUS_EDGE,
    LAD_EDGE,
    LEGEND_PT,
    MAP_TITLE_PT,
    NO_DATA_COLOUR,
    NOTE_PT,
    STAMP_BOX,
    STAMP_TEXT,
    TEXT_DARK,
    class_colours,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

__all__ = ["LONDON_PREFIX", "england_map"]

#: London's boroughs (and the City): their LAD codes start so.
LONDON_PREFIX = "E09"
REGION_EDGE = "#4d4d4d"
DISTRICT_EDGE = "#6e6e6e"  # over wards, at the scale of England: lighter than the regions
_RIGHT_IN = 2.75  # the column right of the map: legend, then the London inset
_MARGIN = 0.15


def _in_bng(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    import geopandas as gpd

    frame = gpd.GeoDataFrame(frame, geometry=frame.geometry.name)
    if frame.crs is None:
        return frame.set_crs(BRITISH_NATIONAL_GRID)
    if frame.crs.to_epsg() != BRITISH_NATIONAL_GRID:
        return frame.to_crs(BRITISH_NATIONAL_GRID)
    return frame


def _wrap_to(fig, renderer, text: str, width_in: float, fontsize: float) -> list[str]:
    """``text`` in lines of bold type no wider than ``width_in``, measured (words never split)."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(fig, renderer, [trial], fontsize, fontweight="bold") <= width_in:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def outline_of(frame: gpd.GeoDataFrame, by: str, tolerance: float = 100.0) -> gpd.GeoDataFrame:
    """The frame's areas dissolved by ``by`` (regions from districts, places from their districts), drawable.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> two = gpd.GeoDataFrame({"region": ["A", "A"]}, geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
    ...                        crs=27700)
    >>> outline_of(two, "region").geometry.iloc[0].bounds
    (0.0, 0.0, 2000.0, 1000.0)
    """
    import shapely

    frame = _in_bng(frame)
    whole = frame[[by]].set_geometry(
        shapely.make_valid(frame.geometry.values, method="structure", keep_collapsed=False)
    )
    merged = whole.dissolve(by=by)  # shared edges dissolve exactly before any simplification
    simple = shapely.simplify(merged.geometry.values, tolerance)
    return merged.set_geometry(shapely.make_valid(simple, method="structure", keep_collapsed=False), crs=frame.crs)


def england_map(
    areas: gpd.GeoDataFrame,
    column: str,
    *,
    title: str,
    measure: str,
    basis: str = "",
    outlines: gpd.GeoDataFrame | None = None,
    highlight: gpd.GeoDataFrame | None = None,
    highlight_label: str = "Total Place pilot",
    scheme: str = "quantiles",
    k: int = 7,
    notes: Sequence[str] = (),
    attribution: str = "",
    stamp: str | None = None,
    figsize: tuple[float, float] = (8.27, 10.6),
    value_format: str = "gbp",
    cmap: str = CMAP,
    reverse: bool = False,
    unit: str | None = None,
    london_inset: bool = True,
) -> Figure:
    """A classed choropleth of England's districts or wards, legible on an A4 page, with a London inset.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        The areas to fill: every LAD (``lad_code, lad_name`` …) or every ward
        (``ward_code, ward_name, lad_code`` …), any CRS (drawn in EPSG:27700),
        with ``column``. Missing values are grey, counted as "No data".
    column : str
        The value: pounds (``value_format="gbp"``) or a share (``"percent"``).
    title : str
        Names the measure, the year and England.
    measure : str
        What the values are, with units (``£ per head, 2016-17 prices``): the legend's title.
    basis : str
        The money's basis (``measured: councils' own books``; ``measured and
        modelled (38% measured)``), under the legend's title.
    outlines : geopandas.GeoDataFrame, optional
        District (LAD) polygons drawn as outlines over wards; with a
        ``region`` column the regions are outlined too. Default: the areas
        themselves when they are districts (their regions from their own
        ``region`` column), none for wards.
    highlight : geopandas.GeoDataFrame, optional
        Areas to outline boldly (the pilots' places), named in the key as
        ``highlight_label``.
    scheme, k
        Classes (:func:`tuttotal.figures.classify.classify`): ``quantiles``,
        ``naturalbreaks`` or ``equalinterval``; fewer classes when the values tie.
    notes, attribution, stamp
        Footer lines, the boundaries' attribution, a stamp (``SYNTHETIC``).
    figsize : (float, float)
        Inches; the default fills an A4 page's width.
    value_format : {"gbp", "percent"}
    cmap : str
        A sequential colour map (``"OrRd"`` for need, not money).
    reverse : bool
        Darkest for the lowest values (a change where the deepest cut matters most).
    unit : str, optional
        What an area is, for the legend's counts (default ``district`` or ``ward``).
    london_inset : bool
        Draw London's areas at a larger scale beside the map.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.axes[0]`` (label ``map``) holds the class legend; the inset is the axes labelled ``london``.

    Raises
    ------
    ValueError
        No areas, a missing or non-numeric column, an unknown scheme or ``k < 1``.
    """
    import pandas as pd
    from matplotlib.colors import to_rgba
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    if areas is None or len(areas) == 0:
        raise ValueError("there are no areas to map")
    if column not in areas.columns:
        raise ValueError(f"no column {column!r} to map; the columns are {list(areas.columns)}")
    if "lad_code" not in areas.columns:
        raise ValueError("the areas need a lad_code column (districts, or wards with their district)")
    try:
        values = pd.to_numeric(areas[column], errors="raise").astype(float).to_numpy()
    except (TypeError, ValueError):
        raise ValueError(f"column {column!r} must hold numbers") from None
    frame = _in_bng(areas).reset_index(drop=True)
    wards = "ward_code" in frame.columns
    unit = unit or ("ward" if wards else "district")
    values = np.where(np.isfinite(values), values, np.nan)
    bins, classes, scheme_name = classify(values, scheme, k)
    colours = class_colours(len(bins), cmap) if len(bins) else []
    if reverse:
        colours = colours[::-1]
    fill = np.array([colours[c] if c >= 0 else to_rgba(NO_DATA_COLOUR) for c in classes]).reshape(-1, 4)
    tolerance = max(np.ptp(frame.total_bounds[0::2]), np.ptp(frame.total_bounds[1::2])) / 8000  # ~70 m: < a pixel
    frame = frame.set_geometry(frame.geometry.simplify(tolerance))
    if outlines is None and not wards:
        outlines = frame
    outlines = None if outlines is None else _in_bng(outlines)
    regions = outline_of(outlines, "region", tolerance) if outlines is not None and "region" in outlines else None

    # ---- layout, in inches: title; map left, legend and London right; footer
    fig, renderer = new_figure(figsize)
    fig_w, fig_h = figsize
    title_lines = wrap_lines([title], fig_w - 2 * _MARGIN, MAP_TITLE_PT)
    title_h = len(title_lines) * MAP_TITLE_PT * 1.3 / 72 + 0.2
    note_lines = wrap_lines(notes, fig_w - 2 * _MARGIN, NOTE_PT)
    attribution_lines = wrap_lines([attribution], fig_w - 2 * _MARGIN, ATTRIBUTION_PT) if attribution else []
    footer_h = (len(note_lines) * NOTE_PT + len(attribution_lines) * ATTRIBUTION_PT) * 1.4 / 72 + 0.2
    avail_w = fig_w - 2 * _MARGIN - _RIGHT_IN
    avail_h = fig_h - _MARGIN - title_h - footer_h - _MARGIN
    limits, box_w, box_h = map_extent(frame.total_bounds, avail_w, avail_h)
    top = fig_h - _MARGIN - title_h
    ax = fig.add_axes((_MARGIN / fig_w, (top - box_h) / fig_h, box_w / fig_w, box_h / fig_h), label="map")
    set_limits(ax, limits)

    def draw(target, part, part_fill, detail: bool) -> None:
        part.plot(
            ax=target,
            color=part_fill,
            edgecolor="white" if (detail or not wards) else "none",
            linewidth=(0.25 if wards else 0.4) if (detail or not wards) else 0.0,
            zorder=1,
        )
        if outlines is not None and (wards or detail):
            near = outlines if not detail else outlines[outlines["lad_code"].str.startswith(LONDON_PREFIX)]
            near.boundary.plot(
                ax=target, color=LAD_EDGE if detail else DISTRICT_EDGE, linewidth=0.7 if detail else 0.2, zorder=2
            )
        if regions is not None and not detail:
            regions.boundary.plot(ax=target, color=REGION_EDGE, linewidth=0.7, zorder=3)
        if highlight is not None and len(highlight):
            _in_bng(highlight).boundary.plot(
                ax=target, color=FOCUS_EDGE, linewidth=1.8 if detail else 1.5, zorder=4, gid="highlight"
            )

    draw(ax, frame, fill, detail=False)
    set_limits(ax, limits)
    land = (regions if regions is not None else outline_of(frame.assign(_all=1), "_all", 2000)).geometry.union_all()
    layout = MapLayout(ax, land)
    draw_scale_bar(ax, renderer, layout)
    if stamp:
        ax.text(0.02, 0.98, str(stamp), transform=ax.transAxes, ha="left", va="top", bbox=STAMP_BOX, **STAMP_TEXT)

    # ---- legend: classes with their units and basis, then the key to the lines
    finite = values[np.isfinite(values)]
    labels = class_labels(bins, values, classes, value_format, unit=unit) if len(bins) else []
    if len(finite) and finite.min() < 0:  # "-£221 – -£161" reads badly: "-£221 to -£161"
        labels = [label.replace(" – ", " to ") for label in labels]
    missing = int((classes < 0).sum())
    missing_label = f"No data  ({missing:,} {unit}{'' if missing == 1 else 's'})" if missing else None
    if len(bins) == 0:
        classes_words = "no data"
    elif len(bins) == 1 and np.unique(finite).size == 1:
        classes_words = f"all {unit}s equal"
    else:
        classes_words = f"{scheme_name}, {len(bins)} class{'' if len(bins) == 1 else 'es'}"
    room = fig_w - _MARGIN - (_MARGIN + box_w * 1.02) - 0.05  # inches right of the map, to the page's edge
    legend_title = "\n".join(
        line
        for text in ([measure, basis] if basis else [measure])
        for line in _wrap_to(fig, renderer, text, room, LEGEND_PT + 0.5)
    )
    legend_title += f"\n({classes_words})"
    legend = class_legend(ax, colours, labels, legend_title, missing_label=missing_label, labelspacing=0.4)
    key_handles, key_labels = [], []
    if regions is not None:
        key_handles.append(Line2D([], [], color=REGION_EDGE, linewidth=0.7))
        key_labels.append("Region boundary")
    if outlines is not None and wards:
        key_handles.append(Line2D([], [], color=DISTRICT_EDGE, linewidth=0.5))
        key_labels.append("District boundary")
    if highlight is not None and len(highlight):
        key_handles.append(Patch(facecolor="none", edgecolor=FOCUS_EDGE, linewidth=1.5))
        key_labels.append(highlight_label)
    ax.apply_aspect()
    legend_box = legend.get_window_extent(renderer).transformed(ax.transAxes.inverted())
    bottom_of_key = legend_box.y0
    if key_handles:  # a second legend under the classes (ax.get_legend() stays the classes')
        key = Legend(
            ax,
            key_handles,
            key_labels,
            loc="upper left",
            bbox_to_anchor=(1.02, legend_box.y0 - 0.025),
            frameon=False,
            fontsize=LEGEND_PT,
            handlelength=1.6,
            borderaxespad=0,
        )
        ax.add_artist(key)
        bottom_of_key = key.get_window_extent(renderer).transformed(ax.transAxes.inverted()).y0

    # ---- London, at a larger scale, under the legend
    london = frame[frame["lad_code"].astype(str).str.startswith(LONDON_PREFIX)]
    if london_inset and len(london):
        map_bottom = top - box_h
        key_bottom_in = map_bottom + bottom_of_key * box_h
        side = min(_RIGHT_IN - 0.15, key_bottom_in - map_bottom - 0.35)
        if side >= 1.2:
            x0, y0, x1, y1 = london.total_bounds
            # a square extent for the square inset: equal aspect without matplotlib moving fixed limits
            half = 0.5 * max(x1 - x0, y1 - y0) * 1.08
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            extent = (cx - half, cy - half, cx + half, cy + half)
            inset = fig.add_axes(
                ((_MARGIN + box_w + 0.12) / fig_w, map_bottom / fig_h, side / fig_w, side / fig_h), label="london"
            )
            draw(inset, london, fill[london.index.to_numpy()], detail=True)
            inset.set_xlim(extent[0], extent[2])
            inset.set_ylim(extent[1], extent[3])
            inset.set_aspect("equal", adjustable="box")
            inset.set_xticks([])
            inset.set_yticks([])
            inset.set_xlabel("")
            inset.set_ylabel("")
            for spine in inset.spines.values():
                spine.set_edgecolor("#555555")
                spine.set_linewidth(0.8)
            inset.set_title("London (boxed on the map)", loc="left", fontsize=LEGEND_PT, color=TEXT_DARK, pad=4)
            ax.add_patch(
                Rectangle(
                    (extent[0], extent[1]),
                    extent[2] - extent[0],
                    extent[3] - extent[1],
                    facecolor="none",
                    edgecolor="#555555",
                    linewidth=0.8,
                    zorder=6,
                )
            )

    # ---- title and footer
    draw_title_and_footer(
        fig,
        left_in=_MARGIN,
        title_top_in=fig_h - _MARGIN,
        footer_top_in=top - box_h - 0.15,
        title_lines=title_lines,
        note_lines=note_lines,
        attribution_lines=attribution_lines,
    )
    return fig
