"""What every column of the national tables is: type, description, unit, basis and prices.

The national count's tables (:mod:`tuttotal.england.tables`) are a contract;
:data:`FIELDS` documents each fixed column, :data:`THEME_FIELD` the theme ×
basis columns, :data:`TABLES` each file's title and description, and
:func:`field_of` one column's entry. :mod:`tuttotal.england.notebook` writes
them into the national ``datapackage.json``.

Examples
--------
>>> field_of("total_gbp", {}, "cash")["unit"]
'GBP'
>>> field_of("health_measured_gbp", {"health_measured_gbp": ("health", "measured")}, "cash")["basis"]
'measured'
"""

from __future__ import annotations

from typing import Any

from tuttotal.count.apportion import BASES, MEASURED, MODELLED

_GBP, _PER_HEAD, _SHARE, _PEOPLE = "GBP", "GBP per head", "share (0-1)", "people"
_BOTH = "measured and modelled"


def _money(description: str, basis: str = _BOTH) -> dict[str, Any]:
    return {"type": "number", "unit": _GBP, "description": description, "basis": basis, "prices": "the table's"}


#: What every column of the national tables is: type, description, unit, basis and prices (the data package's
#: schema). ``{theme}`` and ``{basis}`` fill the theme × basis columns.
FIELDS: dict[str, dict[str, Any]] = {
    "year": {"type": "string", "description": "Financial year counted, e.g. 2008-09"},
    "prices": {
        "type": "string",
        "description": "The prices of the row's money: 'cash' (as spent that year) or '<year> prices' (real terms "
        "at that financial year's prices, HM Treasury GDP deflator, --prices)",
    },
    "lad_code": {"type": "string", "description": "ONS (GSS) code of the local authority district (LAD) of 2013"},
    "lad_name": {"type": "string", "description": "Name of the LAD"},
    "region": {"type": "string", "description": "The English region (NUTS 1) of HM Treasury's regional analysis"},
    "ward_code": {"type": "string", "description": "ONS (GSS) code of the 2013 electoral ward"},
    "ward_name": {"type": "string", "description": "Name of the ward"},
    "people": {
        "type": "number",
        "unit": _PEOPLE,
        "description": "People living there in the year: mid-2015 LSOA populations (IoD 2019 File 6) scaled to the "
        "ONS mid-year estimate of the year's first calendar year; a LAD's are whole people, a ward's are its "
        "mid-2015 people (areal interpolation from LSOAs) times its LAD's growth, so fractional",
        "basis": "modelled (estimates)",
    },
    "income_deprived": {
        "type": "number",
        "unit": _SHARE,
        "description": "Share of the people income-deprived, IMD 2010 income domain (indicators mostly 2008), moved "
        "from LSOAs as in the ward drivers: a ward's population-weighted mean, a LAD's income-deprived people over "
        "its people (mid-2015)",
    },
    "total_gbp": _money(
        "All public money counted and placed there: measured and modelled, current and capital (capital also "
        "apart in capital_gbp)"
    ),
    "measured_gbp": _money(
        "Money the bodies that spent it report in their own books (councils', police and fire authorities' Revenue "
        "Outturn: net current expenditure by service), placed by population and need",
        MEASURED,
    ),
    "modelled_gbp": _money(
        "The region's money (HM Treasury Country and Regional Analysis: central government, public corporations, "
        "local government capital; all of it in years without outturn) shared by population and need",
        MODELLED,
    ),
    "measured_share": {
        "type": "number",
        "unit": _SHARE,
        "description": "measured_gbp over total_gbp (empty when nothing is counted)",
    },
    "per_head_gbp": {
        "type": "number",
        "unit": _PER_HEAD,
        "description": "total_gbp over the people of the year",
        "basis": _BOTH,
        "prices": "the table's",
    },
    "measured_per_head_gbp": {
        "type": "number",
        "unit": _PER_HEAD,
        "description": "measured_gbp over the people of the year",
        "basis": MEASURED,
        "prices": "the table's",
    },
    "councils_gbp": _money(
        "Councils' own current spending (county, district, unitary, metropolitan and London borough councils; "
        "police and fire authorities and councils' own fire and rescue lines apart): in a year of Revenue Outturn "
        "their books, measured (councils_basis says which); in other years the CRA's local government current "
        "council lines, modelled. Capital apart",
        "measured in outturn years, else modelled (councils_basis)",
    ),
    "councils_per_head_gbp": {
        "type": "number",
        "unit": _PER_HEAD,
        "description": "councils_gbp over the people of the year",
        "basis": "as councils_gbp",
        "prices": "the table's",
    },
    "capital_gbp": _money(
        "Capital spending (the CRA's capital lines, shared by driver; the Revenue Outturn is current only): inside "
        "total_gbp, shown apart as the place reports show it",
        MODELLED,
    ),
    "current_gbp": _money("total_gbp less capital_gbp: current (revenue) spending, the place reports' headline"),
    "councils_basis": {
        "type": "string",
        "description": "What councils_gbp is: measured (their own books) or modelled (the CRA's lines)",
        "constraints": {"enum": list(BASES)},
    },
    "local_government_gbp": _money(
        "Local government's current spending: councils, police, fire and other authorities (measured from their "
        "books in outturn years, else the CRA's local government current lines, modelled)",
        "as councils_gbp",
    ),
    "wards": {"type": "integer", "unit": "wards", "description": "Number of 2013 wards in the LAD"},
    "lads": {"type": "integer", "unit": "LADs", "description": "Number of LADs counted in the region"},
    "imd2010_score": {
        "type": "number",
        "description": "IMD 2010 score (DCLG), population-weighted over the ward's LSOAs",
    },
    "imd2015_score": {
        "type": "number",
        "description": "IMD 2015 score (DCLG), population-weighted over the ward's LSOAs",
    },
    "theme": {"type": "string", "description": "Total Place theme (data/themes.csv)"},
    "basis": {
        "type": "string",
        "description": "measured: money the body that spent it reports in its own books (Revenue Outturn); modelled: "
        "a share of a region's money (HM Treasury's regional analysis) by a driver; empty for a step of the "
        "reconciliation that holds both (measured_gbp and modelled_gbp split it)",
        "constraints": {"enum": list(BASES)},
    },
    "amount_gbp": {
        "type": "number",
        "unit": _GBP,
        "description": "Pounds, exact to the penny (written as decimal pounds)",
        "prices": "the table's",
    },
    "amount_pence": {"type": "integer", "unit": "pence", "description": "The same amount in whole pence, cash"},
    "step": {"type": "integer", "description": "Order of the step, from the releases to the wards"},
    "operation": {
        "type": "string",
        "description": "add: the step's amount is added; less: it is taken away (a negative amount); total: a "
        "subtotal, the sum of the steps since the release's total",
        "constraints": {"enum": ["add", "less", "total"]},
    },
    "item": {"type": "string", "description": "What the amount is"},
    "source": {"type": "string", "description": "Where the amount comes from"},
    "codes": {"type": "string", "description": "The functions, authorities (E-codes) or areas the item names"},
    "area": {"type": "string", "description": "A region, or England"},
    "difference_gbp": _money("measured_gbp less modelled_gbp", "both (a bridge, not in the count)"),
    "difference_pct": {"type": "number", "unit": "per cent", "description": "difference_gbp over modelled_gbp"},
    "modelled_is": {"type": "string", "description": "What the modelled figure is"},
    "measured_is": {"type": "string", "description": "What the measured figure is"},
}
#: The theme × basis columns' description (``{theme}``, ``{basis}``).
THEME_FIELD = {
    "type": "number",
    "unit": _GBP,
    "description": "Money of the theme '{theme}' that is {basis} ({basis_words})",
    "prices": "the table's",
}
BASIS_WORDS = {
    MEASURED: "reported by the bodies that spent it, their own books",
    MODELLED: "the region's money shared by population and need",
}
#: Each table's title and description.
TABLES = {
    "lads.csv": (
        "Every LAD: people, need, money by theme and basis",
        "One row per local authority district of 2013: the people of the year, income deprivation, the money "
        "counted and placed there (measured and modelled, per head, councils' own, capital apart) and by theme.",
    ),
    "wards.csv": (
        "Every ward: people, need, money by theme and basis",
        "One row per 2013 ward of England: the same as lads.csv, with its LAD and region.",
    ),
    "ward_theme.csv": (
        "Ward × theme × basis, exact",
        "Each ward's money by theme and basis (measured, modelled), exact to the penny: every penny placed.",
    ),
    "regions.csv": ("The nine regions and England", "lads.csv added up by region, and for England."),
    "reconciliation.csv": (
        "From the releases to the wards, every penny",
        "England's identifiable spending (HM Treasury CRA) and every authority's Revenue Outturn lines, step by "
        "step to the money placed in wards; each subtotal is the sum of the steps above it. Cash.",
    ),
    "bridge.csv": (
        "The CRA's local government beside the authorities' books",
        "For a year of Revenue Outturn: each region's CRA local government current spending beside its "
        "authorities' net current expenditure (the money the books replace), cash. Not in the count.",
    ),
}


def field_of(column: str, theme_of: dict[str, tuple[str, str]], prices_label: str) -> dict[str, Any]:
    """The schema entry of ``column`` (its type, description, unit, basis and the table's prices)."""
    if column in theme_of:
        theme, basis = theme_of[column]
        found = {k: v.format(theme=theme, basis=basis, basis_words=BASIS_WORDS[basis]) for k, v in THEME_FIELD.items()}
        found["basis"] = basis
    else:
        found = dict(FIELDS.get(column, {"description": "Not documented"}))
    if found.get("prices") == "the table's":
        found["prices"] = prices_label
    return found
