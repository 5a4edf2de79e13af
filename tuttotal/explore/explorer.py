"""The explorer of spend by ward and theme, for JupyterLab 4: its public names in one place.

One call shows it::

    from tuttotal.explore.explorer import explore
    explore(place="kent")

The explorer is made of small modules, each with one job, and this one
gathers their public names (what ``notebooks/explore.ipynb``, the tests and
users import):

* :mod:`tuttotal.explore.model`: a place loaded once (:class:`PlaceData`,
  its spend as a cube of pence: ward x theme x agency type), the controls'
  state (:class:`Selection`) and what is read from them
  (:func:`ward_table`, :func:`theme_table`, :func:`ward_profile`, the
  driver's sensitivity): no widgets, no HTML;
* :mod:`tuttotal.explore.updates`: what a change of control changes
  (:func:`compute_update`, timed by step);
* :mod:`tuttotal.explore.html_cards`: the panels' HTML (:func:`theme_html`,
  :func:`legend_html`, :func:`profile_html`), escaped;
* :mod:`tuttotal.explore.widget`: the ipywidgets :class:`Explorer` and
  :func:`explore`;
* :mod:`tuttotal.explore.export`: the view written as the house ward map
  (PNG) and its tables (:func:`export`);
* :mod:`tuttotal.explore.leaflet_map` (the ward map widget) and
  :mod:`tuttotal.explore.england_view` (England's districts, to pick one).

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

from tuttotal.explore.export import export, selection_stem
from tuttotal.explore.html_cards import legend_html, profile_html, theme_html
from tuttotal.explore.measures import MEASURES, value_format
from tuttotal.explore.model import (
    SCHEMES,
    DriverSensitivity,
    PlaceData,
    Selection,
    WardProfile,
    describe,
    filter_spend,
    from_report,
    load_place,
    theme_table,
    view_titles,
    ward_profile,
    ward_table,
    year_options,
)
from tuttotal.explore.updates import Update, compute_update
from tuttotal.explore.widget import Explorer, explore

__all__ = [
    "MEASURES",
    "SCHEMES",
    "DriverSensitivity",
    "Explorer",
    "PlaceData",
    "Selection",
    "Update",
    "WardProfile",
    "compute_update",
    "describe",
    "explore",
    "export",
    "filter_spend",
    "from_report",
    "legend_html",
    "load_place",
    "profile_html",
    "selection_stem",
    "theme_html",
    "theme_table",
    "value_format",
    "view_titles",
    "ward_profile",
    "ward_table",
    "year_options",
]
