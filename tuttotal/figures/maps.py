"""Ward choropleth maps for reports: classed £ values, districts, focus wards.

:func:`ward_map` draws one value per ward (in pounds) as a classed
choropleth on British National Grid, north up, with the legend outside the
map, district (LAD) boundaries, focus wards outlined and labelled with
leader lines, a scale bar, and notes and attribution as a footer.
:func:`save_figure` (from :mod:`tuttotal.figures.canvas`) writes any figure of this package as a PNG.

Figures are :class:`ReportFigure` objects (a :class:`matplotlib.figure.Figure`
with a PNG representation) built without pyplot's global state: they draw
headless (CI, papermill) and, in a notebook, a figure shows itself when it
is the cell's last expression, whether or not pyplot was imported.

Examples
--------
>>> from tuttotal.data import place_wards, geography, places  # doctest: +SKIP
>>> from tuttotal.figures import maps  # doctest: +SKIP
>>> wards = place_wards.load_place_wards(
...     places.get_place("kent"), "../shared/data/wards-2013"
... )  # doctest: +SKIP
>>> wards["per_head"] = 7000.0  # doctest: +SKIP
>>> fig = maps.ward_map(
...     wards, "per_head",
...     title="Kent: public spending per head by ward, 2008-09",
...     measure="£ per head", focus=["E05005093", "E05005088"],
...     stamp="ILLUSTRATIVE",
... )  # doctest: +SKIP
>>> maps.save_figure(fig, "/tmp/figs/kent.png")  # doctest: +SKIP
PosixPath('/tmp/figs/kent.png')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from tuttotal.data.geography import BRITISH_NATIONAL_GRID, find_ward
from tuttotal.figures.canvas import ReportFigure, new_figure, save_figure
from tuttotal.figures.cartography import (
    draw_inset,
    draw_scale_bar,
    draw_stamp,
    draw_wards,
    inset_extent,
    map_extent,
    set_limits,
    wrap_lines,
)
from tuttotal.figures.classify import SCHEMES, class_labels, classify, money_labels
from tuttotal.figures.map_labels import MapLayout, label_districts, label_focus
from tuttotal.figures.style import (
    ATTRIBUTION_PT,
    CMAP,
    FOCUS_EDGE,
    LAD_EDGE,
    LEGEND_PT,
    MAP_TITLE_PT,
    NO_DATA_COLOUR,
    NOTE_PT,
    TEXT_DARK,
    TEXT_MUTED,
    basis_split_labels,
    class_colours,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes

__all__ = ["SCHEMES", "ReportFigure", "money_labels", "new_figure", "save_figure", "ward_map"]

_TITLE_PT = MAP_TITLE_PT
_NOTE_PT = NOTE_PT
_ATTRIBUTION_PT = ATTRIBUTION_PT
_LEGEND_PT = LEGEND_PT
_LEGEND_WIDTH_IN = 2.55  # room kept right of the map for the legend


# --------------------------------------------------------------------------- colours


def class_legend(
    ax: Axes,
    colours: Sequence,
    labels: Sequence[str],
    title: str,
    *,
    missing_label: str | None = None,
    labelspacing: float = 0.45,
):
    """A choropleth's legend right of the map: a swatch a class (then "no data" when ``missing_label``
    is given), the title in bold. Shared by :func:`ward_map` and
    :func:`tuttotal.figures.england_maps.england_map`; returns the legend.
    """
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="#8a8a8a", linewidth=0.4) for c in colours]
    labels = list(labels)
    if missing_label is not None:
        handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="#8a8a8a", linewidth=0.4))
        labels.append(missing_label)
    legend = ax.legend(
        handles,
        labels,
        title=title,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        frameon=False,
        fontsize=_LEGEND_PT,
        title_fontsize=_LEGEND_PT + 0.5,
        handlelength=1.6,
        handleheight=1.1,
        labelspacing=labelspacing,
        borderaxespad=0,
        alignment="left",
    )
    legend.get_title().set_fontweight("bold")
    return legend


def _basis_legend(ax: Axes, basis: tuple[float, float]):
    """The mapped money by basis, in words under a bold title (no swatches: the map does not hatch)."""
    from matplotlib.patches import Patch

    labels = basis_split_labels(float(basis[0]), float(basis[1]))
    legend = ax.legend(
        [Patch(visible=False) for _ in labels],
        labels,
        title="Measured or modelled",
        loc="upper left",
        frameon=False,
        fontsize=_LEGEND_PT,
        title_fontsize=_LEGEND_PT + 0.5,
        handlelength=0,
        handletextpad=0,
        borderaxespad=0,
        alignment="left",
    )
    legend.get_title().set_fontweight("bold")
    legend.set_gid("basis")
    return legend


def draw_title_and_footer(
    fig: Figure,
    *,
    left_in: float,
    title_top_in: float,
    footer_top_in: float,
    title_lines: Sequence[str],
    note_lines: Sequence[str],
    attribution_lines: Sequence[str],
) -> None:
    """A map's title (bold, at the top) and footer (notes, then attribution, under the map), in inches.

    The lines are wrapped already; the texts keep the ``gid`` ``title``, ``notes`` and
    ``attribution``. Shared by :func:`ward_map` and :func:`tuttotal.figures.england_maps.england_map`.
    """
    fig_w, fig_h = fig.get_size_inches()
    fig.text(
        left_in / fig_w,
        title_top_in / fig_h,
        "\n".join(title_lines),
        ha="left",
        va="top",
        fontsize=_TITLE_PT,
        fontweight="bold",
        color=TEXT_DARK,
        gid="title",
    )
    y = footer_top_in / fig_h
    if note_lines:
        fig.text(
            left_in / fig_w,
            y,
            "\n".join(note_lines),
            ha="left",
            va="top",
            fontsize=_NOTE_PT,
            color="#333333",
            linespacing=1.35,
            gid="notes",
        )
        y -= len(note_lines) * _NOTE_PT * 1.4 / 72 / fig_h
    if attribution_lines:
        fig.text(
            left_in / fig_w,
            y - 0.04 / fig_h,
            "\n".join(attribution_lines),
            ha="left",
            va="top",
            fontsize=_ATTRIBUTION_PT,
            color=TEXT_MUTED,
            linespacing=1.3,
            gid="attribution",
        )


def ward_map(
    wards: gpd.GeoDataFrame,
    column: str,
    *,
    title: str,
    measure: str,
    focus: Sequence[str] = (),
    scheme: str = "quantiles",
    k: int = 5,
    notes: Sequence[str] = (),
    attribution: str = "",
    stamp: str | None = None,
    figsize: tuple[float, float] = (10, 8),
    value_format: str = "gbp",
    cmap: str = CMAP,
    basis: tuple[float, float] | None = None,
) -> Figure:
    """Choropleth of a £ value (or a share) per ward, ready for a report.

    Wards are filled by class of ``column`` (a sequential palette; grey for
    no data), with thin white ward edges, darker district (LAD) boundaries,
    focus wards outlined and labelled with leader lines, a scale bar and
    north arrow, and the legend outside the map, on its right. The map is
    drawn in British National Grid as is: north up, equal aspect, no axes.

    Parameters
    ----------
    wards : geopandas.GeoDataFrame
        The ward contract (``ward_code, ward_name, lad_code, lad_name,
        geometry``) plus ``column``, in EPSG:27700 (other CRSs are
        reprojected to it; no CRS is taken as EPSG:27700).
    column : str
        The value to map, in pounds. Missing or non-finite values are drawn
        grey and counted as "No data" in the legend.
    title : str
        Title naming place, measure and year, e.g.
        ``"Kent: public spending per head by ward, 2008-09"``.
    measure : str
        What the values are, for the legend title, e.g. ``"£ per head"``.
    focus : sequence of str
        Ward codes (or names, as :func:`tuttotal.data.geography.find_ward`
        takes them) to outline and label.
    scheme : str
        ``"quantiles"``, ``"naturalbreaks"`` (Fisher-Jenks, deterministic)
        or ``"equalinterval"``; see :data:`SCHEMES`.
    k : int
        Number of classes wanted; fewer are drawn when the values have
        fewer distinct amounts (or tie at quantile breaks). The legend title
        gives the number drawn.
    notes : sequence of str
        Footer lines (caveats, definitions), wrapped to the figure width.
    attribution : str
        Data attribution, printed small under the notes.
    stamp : str, optional
        A mark such as ``"ILLUSTRATIVE"`` or ``"SYNTHETIC"``, boxed in a
        corner of the map that is clear of land and labels.
    figsize : (float, float)
        Figure size in inches; the map keeps its shape inside it, and
        :func:`save_figure` trims the blank margin.
    value_format : str
        ``"gbp"`` (pounds, the default) or ``"percent"`` (shares from 0 to
        1, such as income deprivation) for the legend's bounds.
    cmap : str
        A sequential matplotlib colour map; deprivation maps use ``"OrRd"``
        so that they are not mistaken for money.
    basis : (float, float), optional
        The mapped money's measured and modelled pounds (a body's own books;
        a region's money shared by driver). A choropleth cannot hatch a
        share, so a legend under the key gives both with their shares,
        ``measured £312m (24%)`` and ``modelled £1.01bn (76%)``.

    Returns
    -------
    matplotlib.figure.Figure
        The map axes is ``fig.axes[0]``; its ``get_legend()`` is the class
        legend; with ``basis``, the legend of the money by basis is the
        axes' artist with ``gid="basis"``.

    Raises
    ------
    ValueError
        For no wards, a missing or non-numeric ``column``, an unknown
        ``scheme`` or ``k < 1``.
    tuttotal.errors.PlaceNotFoundError
        For a focus ward that is not among ``wards``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> wards = gpd.GeoDataFrame(
    ...     {"ward_code": ["E05000001", "E05000002", "E05000003"],
    ...      "ward_name": ["North", "Middle", "South"],
    ...      "lad_code": ["E07000001"] * 3, "lad_name": ["Somewhere"] * 3,
    ...      "spend": [6_210.0, 7_400.0, 8_120.0]},
    ...     geometry=[box(0, y, 1000, y + 1000) for y in (2000, 1000, 0)], crs=27700,
    ... )
    >>> fig = ward_map(wards, "spend", title="Somewhere: spend per head by ward, 2008-09",
    ...                measure="£ per head", k=2, focus=["E05000001"], stamp="SYNTHETIC")
    >>> fig.axes[0].get_legend().get_title().get_text()
    '£ per head (quantiles, 2 classes)'
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['£6.2k – £7.4k  (2 wards)', '£7.4k – £8.1k  (1 ward)']
    """
    import geopandas as gpd
    import pandas as pd
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if wards is None or len(wards) == 0:
        raise ValueError("there are no wards to map")
    if column not in wards.columns:
        raise ValueError(f"no column {column!r} to map; the columns are {list(wards.columns)}")
    lacking = [c for c in ("ward_code", "ward_name", "lad_code", "lad_name") if c not in wards.columns]
    if lacking:
        raise ValueError(f"the wards lack the column(s) {lacking}; read them with tuttotal.data.geography.read_wards")
    try:
        values = pd.to_numeric(wards[column], errors="raise").astype(float).to_numpy()
    except (TypeError, ValueError):
        raise ValueError(f"column {column!r} must hold numbers (pounds)") from None
    frame = gpd.GeoDataFrame(wards.copy(), geometry=wards.geometry.name)
    if frame.geometry.name != "geometry":
        frame = frame.rename_geometry("geometry")
    if frame.crs is None:
        frame = frame.set_crs(BRITISH_NATIONAL_GRID)
    elif frame.crs.to_epsg() != BRITISH_NATIONAL_GRID:
        frame = frame.to_crs(BRITISH_NATIONAL_GRID)
    frame = frame.reset_index(drop=True)
    values = np.where(np.isfinite(values), values, np.nan)

    bins, classes, scheme_name = classify(values, scheme, k)
    n_classes = len(bins)
    colours = class_colours(n_classes, cmap) if n_classes else []
    fill = np.array([colours[c] if c >= 0 else to_rgba(NO_DATA_COLOUR) for c in classes]).reshape(-1, 4)
    focus_labels = list(dict.fromkeys(find_ward(frame, code).name for code in focus))  # each ward once
    focus_rows = [frame.loc[label] for label in focus_labels]

    # ---- layout, in inches: title, map (keeping its shape), legend on the right, footer.
    fig, renderer = new_figure(figsize)
    fig_w, fig_h = figsize
    margin = 0.15
    title_lines = wrap_lines([title], fig_w - 2 * margin, _TITLE_PT)
    title_h = len(title_lines) * _TITLE_PT * 1.3 / 72 + 0.2
    note_lines = wrap_lines(notes, fig_w - 2 * margin, _NOTE_PT)
    attribution_lines = wrap_lines([attribution], fig_w - 2 * margin, _ATTRIBUTION_PT) if attribution else []
    footer_h = (len(note_lines) * _NOTE_PT + len(attribution_lines) * _ATTRIBUTION_PT) * 1.4 / 72 + 0.15
    avail_w = max(1.0, fig_w - 2 * margin - _LEGEND_WIDTH_IN)
    avail_h = max(1.0, fig_h - margin - title_h - footer_h - margin)
    limits, box_w, box_h = map_extent(frame.total_bounds, avail_w, avail_h)
    left = margin
    top = fig_h - margin - title_h
    ax = fig.add_axes((left / fig_w, (top - box_h) / fig_h, box_w / fig_w, box_h / fig_h), label="map")
    set_limits(ax, limits)

    # ---- the map
    frame["_area"] = frame.geometry.area
    lads = frame.dissolve(by="lad_code", aggfunc={"lad_name": "first", "_area": "sum"}).rename(
        columns={"_area": "area"}
    )
    focus_frame = frame.loc[focus_labels] if focus_rows else None
    size = max(np.ptp(limits[0::2]), np.ptp(limits[1::2]))
    land = lads.geometry.union_all().simplify(0.002 * size)
    layout = MapLayout(ax, land)
    inset_box = inset_extent(focus_frame, frame.total_bounds) if focus_rows else None
    draw_wards(ax, frame, fill, lads, focus_frame, focus_width=0.8 if inset_box else 1.6)
    set_limits(ax, limits)
    if focus_rows:
        label_focus(ax, renderer, layout, focus_rows, focus_frame.geometry.union_all())
    if stamp:
        draw_stamp(ax, renderer, layout, str(stamp))
    draw_scale_bar(ax, renderer, layout)
    if len(lads) > 1:
        outlines = focus_frame.boundary.union_all() if focus_rows else None
        label_districts(ax, renderer, layout, lads, avoid=outlines)

    # ---- legend, outside the map on its right
    finite = values[np.isfinite(values)]
    one_per_value = n_classes > 1 and np.unique(finite).size == n_classes
    labels = class_labels(bins, values, classes, value_format) if n_classes else []
    missing = int((classes < 0).sum())
    missing_label = f"No data  ({missing} ward{'' if missing == 1 else 's'})" if missing else None
    if n_classes == 0:
        legend_title = f"{measure} (no data)"
    elif len(finite) == 1:
        legend_title = f"{measure} (one ward)"
    elif n_classes == 1 and np.unique(finite).size == 1:
        legend_title = f"{measure} (all wards equal)"
    elif one_per_value:
        legend_title = f"{measure} ({scheme_name}, {n_classes} classes: one per value)"
    else:
        legend_title = f"{measure} ({scheme_name}, {n_classes} class{'' if n_classes == 1 else 'es'})"
    key_handles = [Line2D([], [], color=LAD_EDGE, linewidth=0.9)]
    key_labels = ["District boundary"]
    if focus_rows:
        key_handles.append(Patch(facecolor="none", edgecolor=FOCUS_EDGE, linewidth=1.6))
        key_labels.append("Focus ward")
    key = ax.legend(
        key_handles, key_labels, loc="upper left", frameon=False, fontsize=_LEGEND_PT, handlelength=1.6, borderaxespad=0
    )
    ax.add_artist(key)
    legend = class_legend(ax, colours, labels, legend_title, missing_label=missing_label, labelspacing=0.45)
    # Put the key under the class legend. The map's box takes its final shape (equal aspect) as a
    # draw would give it; the legends' extents then follow without a draw of the whole figure.
    ax.apply_aspect()
    box = legend.get_window_extent(renderer).transformed(ax.transAxes.inverted())
    key.set_bbox_to_anchor((1.02 + 0.0, box.y0 - 0.04), transform=ax.transAxes)
    if basis is not None:
        split = _basis_legend(ax, basis)
        ax.add_artist(split)
        ax.legend_ = legend  # get_legend() stays the class legend
        below = key.get_window_extent(renderer).transformed(ax.transAxes.inverted())
        split.set_bbox_to_anchor((1.02, below.y0 - 0.04), transform=ax.transAxes)
        key = split  # the lowest legend, for the inset below

    # ---- detail of small focus wards, under the key, when there is room
    if inset_box is not None:
        key_bottom = key.get_window_extent(renderer).y0 / fig.dpi  # inches from the figure's bottom
        map_right = left + box_w
        side = min(2.3, _LEGEND_WIDTH_IN - 0.25, key_bottom - 0.45 - (top - box_h))
        if side >= 1.3:
            x = map_right + 0.02 * box_w
            y = top - box_h
            draw_inset(
                ax,
                renderer,
                frame,
                fill,
                lads,
                focus_frame,
                inset_box,
                (x / fig_w, y / fig_h, side / fig_w, side / fig_h),
            )

    # ---- title and footer
    draw_title_and_footer(
        fig,
        left_in=left,
        title_top_in=fig_h - margin,
        footer_top_in=top - box_h - 0.12,
        title_lines=title_lines,
        note_lines=note_lines,
        attribution_lines=attribution_lines,
    )
    return fig
