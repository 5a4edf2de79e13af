"""What changes when a control of the explorer changes: the computation of an update, timed by step.

A change of control (themes, agency types, measure, scheme, number of
classes, chosen ward) is answered from the place already loaded
(:class:`tuttotal.explore.model.PlaceData`): the ward values and their
classes, the map redrawn by whoever shows it (the ``draw_map`` callable:
the explorer's :class:`tuttotal.explore.leaflet_map.LeafletWardMap`), then
the panels' HTML (map title, legend, theme breakdown, ward profile).
:func:`compute_update` does this without a widget and says how long each
step took; the explorer puts its :class:`Update` on screen, and
``benchmarks/explore.py`` times it as the widgets' events run it.

Examples
--------
>>> from tuttotal.explore import model, updates
>>> data = model.load_place("demo")  # doctest: +SKIP
>>> update = updates.compute_update(data, data.default_selection())  # doctest: +SKIP
>>> sorted(update.steps)  # doctest: +SKIP
['map_s', 'panels_s', 'total_s', 'values_s']
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuttotal.explore.html_cards import legend_html, map_title_html, no_profile_html, profile_html, theme_html
from tuttotal.explore.model import describe, theme_table, view_titles, ward_profile, ward_table
from tuttotal.figures.classify import classify

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from tuttotal.explore.model import PlaceData, Selection

__all__ = ["STEPS", "Update", "compute_update"]

#: The steps an update is timed by, in seconds: values and classes, the map's redraw, the panels' HTML.
STEPS = ("values_s", "map_s", "panels_s", "total_s")


@dataclass
class Update:
    """What a change of control changes: the ward values and classes, and the panels' HTML.

    Attributes
    ----------
    table : pandas.DataFrame
        :func:`tuttotal.explore.model.ward_table` of the selection.
    bins, classes : numpy.ndarray
        The classes' upper bounds and each ward's class (``-1``: no data).
    scheme_name : str
        The scheme as the legend names it.
    map_title, legend, profile : str
        HTML of the map's title, the legend and the ward profile (or how to choose a ward).
    themes : str or None
        HTML of the theme breakdown; None when only the chosen ward changed (the breakdown stays).
    steps : dict
        Seconds by step (:data:`STEPS`).
    """

    table: pd.DataFrame
    bins: np.ndarray
    classes: np.ndarray
    scheme_name: str
    map_title: str
    legend: str
    themes: str | None
    profile: str
    steps: dict[str, float] = field(default_factory=dict)


def compute_update(
    data: PlaceData,
    selection: Selection,
    *,
    draw_map: Callable[..., Any] | None = None,
    what: str = "all",
    typed_ward: str = "",
    focus: bool = False,
) -> Update:
    """The update for ``selection``, each step timed; ``draw_map`` (if given) redraws the map on the way.

    Parameters
    ----------
    data, selection : PlaceData, Selection
        The place loaded and the controls' state.
    draw_map : callable, optional
        Called as ``draw_map(table, bins, classes, measure=..., selected=...)``
        once the values are classed (the map widget's ``draw``); its time is ``map_s``.
    what : str
        ``"all"``, or ``"ward"`` when only the chosen ward changed: the
        values and classes are the same, the theme breakdown is not redone.
    typed_ward : str
        What the ward box holds, for the profile panel's message when it names no ward.
    focus : bool
        True when the map outlines focus wards (the legend keys them).
    """
    start = time.perf_counter()
    steps: dict[str, float] = {}
    table = ward_table(data, selection)
    values = table["value"].to_numpy(dtype=float)
    bins, classes, shown = classify(values, selection.scheme, selection.k)
    steps["values_s"] = time.perf_counter() - start
    if draw_map is not None:
        draw_map(table, bins, classes, measure=selection.measure, selected=selection.ward)
    steps["map_s"] = time.perf_counter() - start - sum(steps.values())
    titles = view_titles(data, selection)
    chosen = str(table["ward_name"].iloc[list(table.ward_code).index(selection.ward)]) if selection.ward else ""
    legend = legend_html(
        bins, values, classes, measure=selection.measure, scheme_name=shown, focus=focus, selected=chosen
    )
    themes = None
    if what != "ward":
        agencies = describe(selection.agency_types, data.agency_types, "agency types")
        themes = theme_html(theme_table(data, selection), place_name=data.name, agencies_note=f"Agencies: {agencies}")
    if selection.ward:
        profile = profile_html(ward_profile(data, selection, selection.ward))
    else:
        profile = no_profile_html(data.name, typed_ward.strip())
    steps["panels_s"] = time.perf_counter() - start - sum(steps.values())
    steps["total_s"] = time.perf_counter() - start
    return Update(
        table=table,
        bins=bins,
        classes=classes,
        scheme_name=shown,
        map_title=map_title_html(titles["title"], titles["subtitle"]),
        legend=legend,
        themes=themes,
        profile=profile,
        steps=steps,
    )
