"""``datapackage.json``: a Frictionless Data Package describing every CSV of a place's output folder.

Each output folder (``outputs/<slug>/``) holds several CSV tables. This
module writes beside them one `Data Package
<https://specs.frictionlessdata.io/data-package/>`_ that says, for every
``*.csv`` directly in the folder, what the table is and what each column
means (type, description, unit), and, for the package, which place, year and
kind of spend it is, which sources it rests on (pinned URLs and vintages from
:mod:`tuttotal.data.sources`) and under which licences.

What the tables and their columns are is data: :data:`TABLES`. A CSV that
is not in it is still described, its column types inferred from its values;
columns of a known table that the file lacks are left out, and columns it
has beyond the known ones are inferred too. A known column keeps its
documented type even if the values disagree (a warning says so and
validating the package then fails), so that the package documents the
contract, not whatever a file happens to hold.

The file is the same byte for byte from the same CSVs and arguments: no
timestamp, resources sorted by file name, each with its size and SHA-256
(so a validator also notices a CSV changed after the package was written).

Examples
--------
>>> from tuttotal.data.datapackage import slugify, TABLES
>>> slugify("South Tyneside, Gateshead & Sunderland")
'south-tyneside-gateshead-sunderland'
>>> TABLES["ward_theme.csv"]["fields"]["amount_gbp"]["unit"]
'GBP'
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import secrets
import unicodedata
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuttotal.data import sources as registry
from tuttotal.errors import InputError, TuttotalWarning

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

PACKAGE_FILE = "datapackage.json"

#: What each kind of spend is, for the package's description.
SPEND_KINDS: dict[str, str] = {
    "real": (
        "the real count: the councils', police and fire authorities' own books where DCLG's Revenue Outturn has the "
        "year (measured), and the rest top down from HM Treasury's Country and Regional Analysis: each English "
        "region's identifiable public spending by function, shared by the place's population and need (modelled)"
    ),
    "user": "a supplied spend file, classified into themes and apportioned to wards by tuttotal",
    "synthetic": "SYNTHETIC: the demo's generated money for an invented place, not real spending",
}

#: Licences recognised in a source's licence line (or the boundary attribution), as Frictionless licence objects.
LICENCES: tuple[dict[str, str], ...] = (
    {
        "pattern": r"Open Government Licence v\s*3(\.0)?|\bOGL\s*v?\s*3(\.0)?\b",
        "name": "OGL-UK-3.0",
        "title": "Open Government Licence v3.0",
        "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    },
    {
        "pattern": r"\bCC[ -]BY[ -]4\.0\b|Creative Commons Attribution 4\.0",
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    },
)

# ------------------------------------------------------------------ field vocabulary (data)
_GBP = "GBP"
_GBP_PER_HEAD = "GBP per head"
_PEOPLE = "people"
_SHARE = "share (0-1)"

_WARD_CODE = {"type": "string", "description": "ONS (GSS) code of the ward, e.g. E05005093"}
_WARD_NAME = {"type": "string", "description": "Name of the ward"}
_LAD_CODE = {"type": "string", "description": "ONS (GSS) code of the ward's local authority district (LAD)"}
_LAD_NAME = {"type": "string", "description": "Name of the ward's local authority district (LAD)"}
_THEME = {"type": "string", "description": "Theme of spending the lines were classified into (e.g. health, education)"}
_YEAR = {"type": "string", "description": "Financial year, e.g. 2008-09"}
_PRICES = {
    "type": "string",
    "description": "The prices of the table's money: cash (as spent each year) or '<year> prices' (real terms at "
    "that financial year's prices, HM Treasury GDP deflator, --prices)",
}
_BASIS = {
    "type": "string",
    "description": "measured: money the body that spent it reports in its own books (councils' Revenue Outturn, "
    "a user's spend file); modelled: a share of a region's money (HM Treasury's regional analysis) by a driver",
    "constraints": {"enum": ["measured", "modelled"]},
}
_NEED_BASIS = {
    **_BASIS,
    "description": "The basis of the money the table's figures are computed on: measured where the count has any "
    "(the authorities' own books: spending per head beside need is then a finding, not the drivers' echo), else "
    "modelled (a real count without councils' books: the region's money shared by population and need drivers, so "
    "it follows need by construction); a spend file's money is measured",
}
_MEASURED_BASIS = {
    **_BASIS,
    "description": "measured: the councils' own books (DCLG Revenue Outturn), the only money these tables hold",
}
_CASH = {
    **_PRICES,
    "description": "The prices of the table's money: cash (as spent in the year counted; --prices converts only the "
    "series over years)",
}


def _part(basis: str, of: str) -> dict[str, Any]:
    """The field of ``measured_gbp`` or ``modelled_gbp``: the part of ``of`` of that basis."""
    what = {
        "measured": "measured (the body's own books: councils' Revenue Outturn, a spend file)",
        "modelled": "modelled (a region's money shared by a driver)",
    }[basis]
    return {
        "type": "number",
        "description": f"The part of {of} that is {what}, in pounds; measured_gbp plus modelled_gbp is the whole",
        "unit": _GBP,
    }


_POPULATION = {
    "type": "number",
    "description": "People living in the ward in the year (for real places: the mid-2015 population driver, "
    "excluding prisoners, scaled by its LAD's growth to the ONS mid-year estimate of the year), in people; "
    "may be fractional after areal interpolation",
    "unit": _PEOPLE,
}
_PER_HEAD = {
    "type": "number",
    "description": "Spending per head: amount_gbp over the population, in pounds per person (cash)",
    "unit": _GBP_PER_HEAD,
}
_AREA = {"type": "string", "description": "Name of the area: a ward, a LAD, the place, a region or England"}

#: Every known table of an output folder: title, description and its columns (in the order they are written).
#: ``other_fields`` describes columns named by the data (``{name}`` is the column's name).
TABLES: dict[str, dict[str, Any]] = {
    "ward_theme.csv": {
        "title": "Spending by ward and theme",
        "description": "Public spending placed in each ward, theme by theme; money exact to the penny.",
        "fields": {
            "ward_code": _WARD_CODE,
            "ward_name": _WARD_NAME,
            "lad_code": _LAD_CODE,
            "theme": _THEME,
            "basis": _BASIS,
            "amount_gbp": {
                "type": "number",
                "description": "Spending placed in the ward on the theme, in pounds (cash), exact to the penny",
                "unit": _GBP,
            },
            "per_head": {
                "type": "number",
                "description": "amount_gbp over the ward's population, in pounds per person (rounded to the penny)",
                "unit": _GBP_PER_HEAD,
            },
            "prices": _CASH,
        },
    },
    "reconciliation.csv": {
        "title": "Reconciliation of the count",
        "description": "Where every pound of the input went: the input total, each reason money could not be "
        "placed in a ward, transfers removed, and what was placed in wards, each with its measured and modelled "
        "parts; exact to the penny.",
        "fields": {
            "item": {
                "type": "string",
                "description": "Line of the reconciliation: input, 'unplaced: <reason>', transfers removed, "
                "placed in wards",
            },
            "codes": {"type": "string", "description": "Spend codes (space-separated) of the unplaced lines"},
            "amount_gbp": {"type": "number", "description": "Amount of the line, in pounds (cash)", "unit": _GBP},
            "measured_gbp": _part("measured", "the line's amount"),
            "modelled_gbp": _part("modelled", "the line's amount"),
            "prices": _CASH,
        },
    },
    "theme_agency.csv": {
        "title": "Spending by theme and type of agency",
        "description": "Pounds spent on each theme (rows, largest first) by each type of agency (columns, largest "
        "first), with a total over all agencies; a row per theme and basis (measured, then modelled), so a theme's "
        "rows add up to its spending.",
        "fields": {
            "theme": _THEME,
            "basis": _BASIS,
            "all agencies": {
                "type": "number",
                "description": "Pounds spent on the theme by all agencies together, of the row's basis (cash)",
                "unit": _GBP,
            },
            "prices": _CASH,
        },
        "other_fields": {
            "type": "number",
            "description": "Pounds spent on the theme by agencies of type '{name}', of the row's basis (cash)",
            "unit": _GBP,
        },
    },
    "ward_profiles.csv": {
        "title": "Ward profiles",
        "description": "One row per ward: its total spending (and its measured and modelled parts), spending per "
        "head, its share of its LAD's and of the place's spending, and its rank in both (per head, shares and ranks "
        "of the whole).",
        "fields": {
            "ward_code": _WARD_CODE,
            "ward_name": _WARD_NAME,
            "lad_code": _LAD_CODE,
            "lad_name": _LAD_NAME,
            "amount_gbp": {
                "type": "number",
                "description": "Total spending placed in the ward, in pounds (cash)",
                "unit": _GBP,
            },
            "measured_gbp": _part("measured", "amount_gbp"),
            "modelled_gbp": _part("modelled", "amount_gbp"),
            "population": _POPULATION,
            "per_head_gbp": _PER_HEAD,
            "share_of_lad": {
                "type": "number",
                "description": "The ward's share of its LAD's spending, from 0 to 1",
                "unit": _SHARE,
            },
            "share_of_place": {
                "type": "number",
                "description": "The ward's share of the place's spending, from 0 to 1",
                "unit": _SHARE,
            },
            "rank_in_place": {
                "type": "integer",
                "description": "Rank of the ward in the place by spending per head where a population is known, "
                "else by total (1 = highest)",
            },
            "rank_in_lad": {
                "type": "integer",
                "description": "Rank of the ward in its LAD by spending per head where a population is known, "
                "else by total (1 = highest)",
            },
            "prices": _CASH,
        },
    },
    "focus_comparison.csv": {
        "title": "Focus wards against their LAD, the place and the median pilot place",
        "description": "Spending by theme of each focus ward beside its LAD, the place and (for pilot places) "
        "the median pilot place; a row per basis (measured, then modelled), each per head of the area's people, so "
        "an area's rows for a theme add up to its spending on it. The median pilot place is modelled (the pilots' "
        "top-down counts).",
        "fields": {
            "area": _AREA,
            "level": {"type": "string", "description": "Kind of area: ward, LAD, place or pilot median"},
            "theme": _THEME,
            "basis": _BASIS,
            "amount_gbp": {
                "type": "number",
                "description": "Spending of the area on the theme, of the row's basis, in pounds (cash); empty for "
                "the median pilot place",
                "unit": _GBP,
            },
            "per_head_gbp": {
                "type": "number",
                "description": "Spending of the area on the theme, of the row's basis, per head of all the area's "
                "people, in pounds per person (cash)",
                "unit": _GBP_PER_HEAD,
            },
            "prices": _CASH,
        },
    },
    "change_by_year.csv": {
        "title": "Spending by year",
        "description": "Spending of the focus wards, their LADs and the place in each year of the count, with "
        "the change on the year before; cash (nominal) pounds, not adjusted for inflation.",
        "fields": {
            "prices": _PRICES,
            "year": _YEAR,
            "area": _AREA,
            "level": {"type": "string", "description": "Kind of area: ward, LAD or place"},
            "amount_gbp": {
                "type": "number",
                "description": "Spending of the area in the year, in pounds (at the table's prices)",
                "unit": _GBP,
            },
            "measured_gbp": _part("measured", "amount_gbp"),
            "modelled_gbp": _part("modelled", "amount_gbp"),
            "per_head_gbp": {
                "type": "number",
                "description": "Spending of the area in the year per head, in pounds per person (cash, nominal)",
                "unit": _GBP_PER_HEAD,
            },
            "change_pct": {
                "type": "number",
                "description": "Change on the year before, in percent (of spending per head where a population is "
                "known, else of the total; cash, nominal); empty for the first year and after a gap in the years",
                "unit": "percent",
            },
        },
    },
    "drivers.csv": {
        "title": "Drivers of each ward",
        "description": "The people and need measures money is shared by, one row per ward and driver, moved "
        "from 2011 LSOAs onto the wards by areal interpolation.",
        "fields": {
            "ward_code": _WARD_CODE,
            "ward_name": _WARD_NAME,
            "lad_code": _LAD_CODE,
            "driver": {
                "type": "string",
                "description": "Name of the driver: population, children_0_15, people_16_59, people_60_plus, "
                "working_age, income_deprived, employment_deprived (counts of people), income_deprived_share "
                "(share, 0-1), imd2010_score or imd2015_score (IMD scores)",
            },
            "value": {
                "type": "number",
                "description": "Value of the driver in the ward: people for the counts, a share from 0 to 1 for "
                "income_deprived_share, an index score (higher = more deprived) for the IMD scores",
            },
            "source": {"type": "string", "description": "Where the driver comes from and how it reached the ward"},
        },
    },
    "ward_need.csv": {
        "title": "Spending beside need, by ward",
        "description": "Each ward's spending beside its people and its deprivation (IMD 2010 income domain, "
        "IMD 2010 and 2015 scores): the money of one basis (the basis column), measured where the count has any.",
        "fields": {
            "ward_code": _WARD_CODE,
            "ward_name": _WARD_NAME,
            "lad_code": _LAD_CODE,
            "lad_name": _LAD_NAME,
            "basis": _NEED_BASIS,
            "amount_gbp": {
                "type": "number",
                "description": "Spending of the row's basis placed in the ward, in pounds (cash)",
                "unit": _GBP,
            },
            "population": _POPULATION,
            "income_deprived_share": {
                "type": "number",
                "description": "Share of the ward's people who are income-deprived (IMD 2010 income domain, "
                "population-weighted), from 0 to 1",
                "unit": _SHARE,
            },
            "imd2010_score": {
                "type": "number",
                "description": "IMD 2010 score, population-weighted over the ward's LSOAs (higher = more deprived)",
                "unit": "IMD score",
            },
            "imd2015_score": {
                "type": "number",
                "description": "IMD 2015 score, population-weighted over the ward's LSOAs (higher = more deprived)",
                "unit": "IMD score",
            },
            "per_head_gbp": _PER_HEAD,
            "income_rank_in_place": {
                "type": "integer",
                "description": "Rank of the ward in the place by income_deprived_share (1 = most income-deprived)",
            },
            "england_imd_decile": {
                "type": "integer",
                "description": "England decile of the ward's IMD 2015 score among all English LSOAs "
                "(1 = most deprived 10%)",
            },
            "prices": _CASH,
        },
    },
    "most_deprived.csv": {
        "title": "Spending in the most deprived wards",
        "description": "Share of the place's spending (of one basis: the basis column) and of its people in its "
        "most income-deprived wards.",
        "fields": {
            "most_deprived": {
                "type": "string",
                "description": "Group of wards: the most income-deprived share of the place's wards, "
                "e.g. '10% of wards'",
            },
            "wards": {"type": "integer", "description": "Number of wards in the group", "unit": "wards"},
            "basis": _NEED_BASIS,
            "spend_share": {
                "type": "number",
                "description": "Share of the place's spending placed in the group, from 0 to 1",
                "unit": _SHARE,
            },
            "population_share": {
                "type": "number",
                "description": "Share of the place's people living in the group, from 0 to 1",
                "unit": _SHARE,
            },
        },
    },
    "topdown.csv": {
        "title": "Top-down count: the place's share of every line of its region",
        "description": "Every line of the region's identifiable spending (HM Treasury Country and Regional "
        "Analysis: PESA 2009 for 2003-04, the CRA databases 2010, 2014 and 2018 after), by department and "
        "kind of body, split by theme, with the driver it is shared by and the place's share "
        "(place_gbp = region_gbp x place_driver / region_driver). Lines that are not a place's spending "
        "(defence, debt interest, PESA's rounding) have driver 'excluded' and a reason, so the lines add up "
        "to the region's published total.",
        "fields": {
            "year": _YEAR,
            "release": {
                "type": "string",
                "description": "Release the year's lines come from: PESA 2009 (2003-04), CRA 2010 (2004-05 to "
                "2008-09), CRA 2014 (2009-10 to 2012-13) or CRA 2018 (2013-14 to 2017-18)",
            },
            "region": {"type": "string", "description": "English region of the line"},
            "department": {
                "type": "string",
                "description": "Department of the line in the release (empty for 2003-04: PESA 2009 names none)",
            },
            "body": {
                "type": "string",
                "description": "Kind of body that spends the line: CG central government, LG local government, "
                "PC public corporations, BOE Bank of England (2003-04: split by the region's 2004-05 shares, see "
                "source); empty for PESA's rounding",
            },
            "function": {"type": "string", "description": "Function of the line in the regional analysis"},
            "sub_function": {
                "type": "string",
                "description": "Sub-function of the line in the regional analysis ('rounding' for what PESA's "
                "rounding leaves)",
            },
            "cofog": {
                "type": "string",
                "description": "COFOG code of the line's group, e.g. 01.2 (a code, not a number); empty for rounding",
            },
            "spend_type": {"type": "string", "description": "Current or capital spending"},
            "theme": _THEME,
            "region_gbp": {
                "type": "number",
                "description": "The region's spending on the line (its part for this theme), in pounds (cash)",
                "unit": _GBP,
            },
            "driver": {
                "type": "string",
                "description": "Driver the line is shared by (population, children_0_15, people_60_plus, ...), "
                "or 'excluded'",
            },
            "region_driver": {
                "type": "number",
                "description": "Value of the driver over the whole region (people); empty for excluded lines",
                "unit": _PEOPLE,
            },
            "place_driver": {
                "type": "number",
                "description": "Value of the driver over the place's part of the region (people); empty for "
                "excluded lines",
                "unit": _PEOPLE,
            },
            "place_gbp": {
                "type": "number",
                "description": "The place's share of the line, in pounds (cash); 0 for excluded lines",
                "unit": _GBP,
            },
            "source": {"type": "string", "description": "Table of the regional analysis the line comes from"},
            "reason": {"type": "string", "description": "Why the line has its theme and driver, or is excluded"},
            "basis": _BASIS,
            "in_count": {
                "type": "string",
                "description": "What the line is in the count: modelled (shared top down), excluded (not a place's "
                "spending), or measured elsewhere (local government's current lines in a year of Revenue Outturn: "
                "the authorities' own books count that money, see bridge.csv)",
            },
            "prices": _CASH,
        },
    },
    "bridge.csv": {
        "title": "The bridge between measured and modelled",
        "description": "Where the authorities' own books (measured) and the regional analysis's local government "
        "current lines (modelled) cover the same money: the two side by side for the place and its region(s), each "
        "year of Revenue Outturn. Only the measured figure is in the count.",
        "fields": {
            "year": _YEAR,
            "area": {"type": "string", "description": "place, or 'region: <name>'"},
            "modelled_gbp": {
                "type": "number",
                "description": "The CRA's local government current spending (the place's share by driver, or the "
                "region's total), in pounds (cash)",
                "unit": _GBP,
            },
            "measured_gbp": {
                "type": "number",
                "description": "The authorities' own net current expenditure (the place's part, or the sum over the "
                "region's authorities), in pounds (cash)",
                "unit": _GBP,
            },
            "difference_gbp": {"type": "number", "description": "measured_gbp minus modelled_gbp", "unit": _GBP},
            "difference_pct": {
                "type": "number",
                "description": "difference_gbp as a percentage of modelled_gbp",
                "unit": "percent",
            },
            "modelled_is": {"type": "string", "description": "What the modelled figure is"},
            "measured_is": {"type": "string", "description": "What the measured figure is"},
            "note": {"type": "string", "description": "Why the two differ"},
            "prices": _CASH,
        },
    },
    "england_ranks.csv": {
        "title": "The place among England's districts and wards",
        "description": "The place's districts ranked among England's LADs of 2013 and its focus wards among "
        "England's wards, by spending per head (all money; measured money only), by the change in councils' own "
        "spending per head from 2010-11 to the latest outturn year (real terms, transfers of function apart; "
        "districts only: a ward's row says it has none) and by income deprivation: "
        "competition ranks (tied values share the best rank), read from the national tables of "
        "tuttotal england (england/<year>/lads.csv, wards.csv) or computed (the table column says which).",
        "fields": {
            "level": {"type": "string", "description": "place (as if one district), district or ward"},
            "area_code": {"type": "string", "description": "ONS code(s) of the area (a code, not a number)"},
            "area_name": _AREA,
            "lad_name": _LAD_NAME,
            "measure": {"type": "string", "description": "The column of the national table ranked by"},
            "what": {"type": "string", "description": "The measure in words"},
            "value": {
                "type": "number",
                "description": "The area's value in the national table: pounds per head, the change in pounds "
                "per head (negative: a cut), or the share of people income-deprived (IMD 2010 income domain)",
            },
            "rank": {"type": "integer", "description": "The area's competition rank (empty: no national table)"},
            "of": {"type": "integer", "description": "How many areas of the national table have a value"},
            "direction": {"type": "string", "description": "Which way rank 1 lies"},
            "rank_basis": {
                "type": "string",
                "description": "The basis of the rank in words: measured, measured and modelled (with the "
                "measured share), or need (not money)",
            },
            "measured_share": {
                "type": "number",
                "description": "The share of the ranked money that is measured (1 for measured money per head and "
                "the councils' change; "
                "empty for need, which is not money)",
                "unit": _SHARE,
            },
            "prices": {**_PRICES, "description": "The prices of the value's money (empty for need)"},
            "table": {
                "type": "string",
                "description": "Where the national table came from: its file, or computed (and how)",
            },
            "note": {"type": "string", "description": "What the rank rests on, or how to get a missing one"},
        },
    },
    "sensitivity.csv": {
        "title": "How much the driver decides",
        "description": "Each LAD's and ward's modelled money (the region's, shared by driver) by the need drivers "
        "beside the same money shared by population alone; measured money (authorities' own books) is the same "
        "in both. Per head: measured plus each modelled figure, over the area's people.",
        "fields": {
            "area_type": {"type": "string", "description": "lad or ward"},
            "code": {"type": "string", "description": "ONS code of the LAD or ward (a code, not a number)"},
            "name": _AREA,
            "lad_code": _LAD_CODE,
            "measured_gbp": {
                "type": "number",
                "description": "Measured money placed in the area, in pounds (cash)",
                "unit": _GBP,
            },
            "modelled_need_gbp": {
                "type": "number",
                "description": "Modelled money placed in the area by the need drivers (children, people 60+, "
                "income- and employment-deprived people, population), in pounds (cash)",
                "unit": _GBP,
            },
            "modelled_population_gbp": {
                "type": "number",
                "description": "The same modelled money placed by population alone, in pounds (cash)",
                "unit": _GBP,
            },
            "difference_gbp": {
                "type": "number",
                "description": "modelled_need_gbp minus modelled_population_gbp, in pounds (cash)",
                "unit": _GBP,
            },
            "population": _POPULATION,
            "need_per_head_gbp": {
                "type": "number",
                "description": "measured_gbp plus modelled_need_gbp, over the population",
                "unit": _GBP_PER_HEAD,
            },
            "population_per_head_gbp": {
                "type": "number",
                "description": "measured_gbp plus modelled_population_gbp, over the population",
                "unit": _GBP_PER_HEAD,
            },
            "prices": _CASH,
        },
    },
    "outturn.csv": {
        "title": "Councils' revenue outturn shared to the place",
        "description": "Each council's net current expenditure by service (DCLG Revenue Outturn Summary), with "
        "the driver and share by which it reaches the place.",
        "fields": {
            "year": _YEAR,
            "authority": {"type": "string", "description": "Name of the local authority"},
            "basis": _BASIS,
            "e_code": {"type": "string", "description": "DCLG E-code of the authority (a code, not a number)"},
            "service": {"type": "string", "description": "Service line of the revenue outturn"},
            "authority_gbp": {
                "type": "number",
                "description": "The authority's net current expenditure on the service, in pounds (cash)",
                "unit": _GBP,
            },
            "driver": {"type": "string", "description": "Driver the spending is shared by"},
            "share": {
                "type": "number",
                "description": "Share of the authority's spending that falls in the place, from 0 to 1",
                "unit": _SHARE,
            },
            "place_gbp": {
                "type": "number",
                "description": "The place's part: authority_gbp x share, in pounds (cash)",
                "unit": _GBP,
            },
            "cofog": {"type": "string", "description": "COFOG group of the service (a code, not a number)"},
            "theme": _THEME,
            "prices": _CASH,
        },
    },
    "cuts_by_service.csv": {
        "title": "Where the cuts fell, by service",
        "description": "Councils' outturn in the place by service group, 2010-11 and 2014-15, and the change, in "
        "cash and per head of each year's people.",
        "fields": {
            "prices": _PRICES,
            "basis": _MEASURED_BASIS,
            "service": {"type": "string", "description": "Service group of the revenue outturn"},
            "first_gbp": {"type": "number", "description": "2010-11, pounds (cash)", "unit": _GBP},
            "last_gbp": {"type": "number", "description": "2014-15, pounds (cash)", "unit": _GBP},
            "change_gbp": {"type": "number", "description": "2014-15 less 2010-11, pounds (cash)", "unit": _GBP},
            "change_pct": {"type": "number", "description": "Change as a percentage of 2010-11", "unit": "percent"},
            "first_per_head_gbp": {"type": "number", "description": "2010-11 per head", "unit": _GBP_PER_HEAD},
            "last_per_head_gbp": {"type": "number", "description": "2014-15 per head", "unit": _GBP_PER_HEAD},
            "change_per_head_gbp": {"type": "number", "description": "Change per head", "unit": _GBP_PER_HEAD},
            "transfer_of_function": {
                "type": "string",
                "description": "The transfer of function that moved the service's money between the two years (not "
                "a cut), with its date; empty for none",
            },
            "change_without_transfers_gbp": {
                "type": "number",
                "description": "change_gbp, 0 for a service whose money moved by a transfer of function",
                "unit": _GBP,
            },
        },
    },
    "cuts_by_ward.csv": {
        "title": "Where the cuts fell, by ward",
        "description": "Councils' outturn placed in each ward, 2010-11 and 2014-15, and the change, in cash and per "
        "head.",
        "fields": {
            "prices": _PRICES,
            "ward_code": _WARD_CODE,
            "ward_name": _WARD_NAME,
            "lad_code": _LAD_CODE,
            "lad_name": _LAD_NAME,
            "basis": _MEASURED_BASIS,
            "first_gbp": {"type": "number", "description": "2010-11, pounds (cash)", "unit": _GBP},
            "last_gbp": {"type": "number", "description": "2014-15, pounds (cash)", "unit": _GBP},
            "change_gbp": {"type": "number", "description": "2014-15 less 2010-11, pounds (cash)", "unit": _GBP},
            "change_pct": {"type": "number", "description": "Change as a percentage of 2010-11", "unit": "percent"},
            "population": {"type": "number", "description": "People, mid-2014 (of the last year)", "unit": _PEOPLE},
            "change_per_head_gbp": {
                "type": "number",
                "description": "2014-15 per head of its people less 2010-11 per head of its people",
                "unit": _GBP_PER_HEAD,
            },
            "change_without_transfers_gbp": {
                "type": "number",
                "description": "change_gbp without the services whose money moved by a transfer of function",
                "unit": _GBP,
            },
            "change_without_transfers_per_head_gbp": {
                "type": "number",
                "description": "change_per_head_gbp without the services whose money moved by a transfer of function",
                "unit": _GBP_PER_HEAD,
            },
        },
    },
    "theme_per_head.csv": {
        "title": "Spending per head by theme: the place, its region and England",
        "description": "Spending per head by theme of the place beside its region(s), England and (for pilot "
        "places) the median pilot place.",
        "fields": {
            "theme": _THEME,
            "area": _AREA,
            "level": {"type": "string", "description": "Kind of area: place, region, England or pilot median"},
            "basis": {
                **_BASIS,
                "description": "modelled: a year without councils' books, so the place's money, like the region's, "
                "England's and the median pilot's, is the regional analysis shared by driver",
            },
            "per_head_gbp": {
                "type": "number",
                "description": "Spending on the theme per head, in pounds per person (cash)",
                "unit": _GBP_PER_HEAD,
            },
            "prices": _CASH,
        },
    },
    "published.csv": {
        "title": "From our count to the place's published count, step by step",
        "description": "For each published Total Place figure (the total, a type of body, a body): our figure, "
        "each step that moves it toward the published one (capital, coverage, body) with its amount and source, "
        "what the open data cannot explain, and the published figure.",
        "fields": {
            "measure": {"type": "string", "description": "What is compared: the total, or one agency or type"},
            "step": {"type": "string", "description": "The step: our count, a correction, the rest, the published"},
            "kind": {
                "type": "string",
                "description": "ours, capital, coverage, not explained by open data, or published",
            },
            "amount_gbp": {"type": "number", "description": "The step's amount, in pounds (cash)", "unit": _GBP},
            "measured_gbp": {
                **_part("measured", "amount_gbp"),
                "description": "The part of our figure or of the step that is measured (the authorities' own books), "
                "in pounds; empty for the rest and the published figure, which are not our money",
            },
            "modelled_gbp": {
                **_part("modelled", "amount_gbp"),
                "description": "The part of our figure or of the step that is modelled (the region's money shared by "
                "driver), in pounds; empty for the rest and the published figure",
            },
            "running_gbp": {
                "type": "number",
                "description": "Our figure after this step, in pounds (cash): the last two rows are the published",
                "unit": _GBP,
            },
            "source": {"type": "string", "description": "Where the step's amount comes from"},
            "prices": _CASH,
        },
    },
}

_UNDOCUMENTED_TABLE = (
    "Not documented: a table of this folder that tuttotal does not describe; its column types are inferred "
    "from its values."
)
_UNDOCUMENTED_FIELD = "Not documented; type inferred from the values."

# What each Table Schema type accepts, as frictionless-py reads a CSV cell (numbers via Decimal, integers via int).
_READS_AS = {
    "integer": (r"\s*[+-]?\d+\s*", 0),
    "number": (r"\s*[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|inf|infinity|nan)\s*", re.IGNORECASE),
    "boolean": (r"true|True|TRUE|false|False|FALSE", 0),
}


def slugify(text: str, allowed: str = "") -> str:
    """Lower-case ASCII name of ``text``: letters, digits, ``-`` and the characters of ``allowed``.

    Examples
    --------
    >>> slugify("Bradford & Leeds (City Region)")
    'bradford-leeds-city-region'
    >>> slugify("Ward Theme.v2", allowed="._")
    'ward-theme.v2'
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(rf"[^a-z0-9{re.escape(allowed)}]+", "-", ascii_text).strip("-")


def infer_type(values: pd.Series | Sequence[str]) -> str:
    """Table Schema type of a column of CSV cells: integer, number, boolean or string.

    Empty cells are missing values and do not count; a column with no values
    is ``string``. Only what a Frictionless validator reads back as that type
    is given it (so ``01.2`` is a number, ``E05005093`` a string).

    Examples
    --------
    >>> import pandas as pd
    >>> [infer_type(pd.Series(v)) for v in (["1", "", "-3"], ["1.5", "2"], ["True", "false"], ["01.2", "x"], [""])]
    ['integer', 'number', 'boolean', 'string', 'string']
    """
    cells = [cell for cell in _distinct(values) if cell != ""]
    if not cells:
        return "string"
    return next((kind for kind in _READS_AS if all(_reads_as(cells, kind))), "string")


def _distinct(values: pd.Series | Sequence[str]) -> list[str]:
    """The distinct cells of a column as text (a value is checked once, however often it repeats)."""
    if hasattr(values, "fillna"):
        values = values.fillna("").astype(str).to_numpy(dtype=object).tolist()
    return list(dict.fromkeys(values))


def _reads_as(cells: list[str], kind: str) -> list[bool]:
    """Which cells a validator reads as a value of ``kind`` (every cell for ``string``)."""
    if kind == "string":
        return [True] * len(cells)
    pattern, flags = _READS_AS[kind]
    fullmatch = re.compile(pattern, flags).fullmatch
    return [fullmatch(cell) is not None for cell in cells]


def _blank(row: list[str]) -> bool:
    """A line pandas skips as blank: nothing, or only spaces and tabs (``""``, a quoted empty cell, is a row)."""
    return not row or (len(row) == 1 and row[0] != "" and not row[0].strip(" \t"))


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header (as written) and columns of cells (text, ``""`` for empty) of a CSV file.

    Read with :mod:`csv`, as pandas would with ``dtype=str`` and ``on_bad_lines="skip"``: blank
    lines and rows with more cells than the header are skipped, short rows padded with ``""``
    (``tests/test_datapackage.py`` holds the two to the same cells).
    A report's tables are small; this is a tenth of ``read_csv``'s cost for them.
    """
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = csv.reader(f)
            header = next(rows, [])
            width = len(header)
            body = [row + [""] * (width - len(row)) for row in rows if len(row) <= width and not _blank(row)]
    except UnicodeDecodeError:
        raise InputError(
            "is not UTF-8 text: a data package declares every CSV as utf-8",
            file=path,
            fix="write the table as UTF-8 (pandas' to_csv does by default)",
        ) from None
    return header, [list(column) for column in zip(*body, strict=True)] if body else [[] for _ in header]


def _field(name: str, known: dict | None, values: pd.Series | Sequence[str], file: Path) -> dict[str, Any]:
    """One Table Schema field: the known description, or an inferred one (warning when the values contradict it)."""
    if known is None:
        return {"name": name, "type": infer_type(values), "description": _UNDOCUMENTED_FIELD}
    field = {"name": name, **known}
    cells = [cell for cell in _distinct(values) if cell != ""]
    wrong = [cell for cell, ok in zip(cells, _reads_as(cells, field["type"]), strict=True) if not ok]
    if wrong:
        warnings.warn(
            f"{file.name}: column {name!r} is documented as {field['type']} but holds {wrong[0]!r}; the data "
            "package keeps the documented type, so it will not validate",
            TuttotalWarning,
            stacklevel=2,
        )
    return field


def resource_descriptor(path: Path, name: str) -> dict[str, Any]:
    """The ``tabular-data-resource`` of one CSV file (see :data:`TABLES`).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "most_deprived.csv"
    ...     _ = path.write_text("most_deprived,wards,spend_share,extra\\n10% of wards,3,0.25,x\\n")
    ...     found = resource_descriptor(path, "most_deprived")
    >>> [(f["name"], f["type"], f.get("unit")) for f in found["schema"]["fields"]]
    [('most_deprived', 'string', None), ('wards', 'integer', 'wards'), ('spend_share', 'number', 'share (0-1)'), \
('extra', 'string', None)]
    """
    table = TABLES.get(path.name)
    header, columns = _read_table(path)
    fields = []
    for column, values in zip(header, columns, strict=True):
        known = (table or {}).get("fields", {}).get(column)
        if known is None and (table or {}).get("other_fields"):
            known = {k: v.format(name=column) if isinstance(v, str) else v for k, v in table["other_fields"].items()}
        fields.append(_field(column, known, values, path))
    data = path.read_bytes()
    return {
        "name": name,
        "path": path.name,
        "profile": "tabular-data-resource",
        "title": table["title"] if table else path.stem,
        "description": table["description"] if table else _UNDOCUMENTED_TABLE,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "schema": {"fields": fields, "missingValues": [""]},
    }


def _licences(lines: list[str]) -> list[dict[str, str]]:
    """Licence objects of :data:`LICENCES` named in any of ``lines``, in the order of :data:`LICENCES`."""
    return [
        {k: licence[k] for k in ("name", "title", "path")}
        for licence in LICENCES
        if any(re.search(licence["pattern"], line) for line in lines)
    ]


def package_descriptor(
    folder: str | os.PathLike,
    *,
    place_name: str,
    sources: list[str],
    boundaries_attribution: str,
    spend_kind: str,
    year: str,
) -> dict[str, Any]:
    """The content of ``datapackage.json`` for ``folder`` (see :func:`write_datapackage`)."""

    if spend_kind not in SPEND_KINDS:
        raise ValueError(f"unknown kind of spend {spend_kind!r}: use one of {', '.join(SPEND_KINDS)}")
    found = [registry.source(name) for name in dict.fromkeys(sources)]  # KeyError naming the known sources
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no output folder {folder}")

    csvs = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file() and p.name[0] != ".")
    resources, used = [], set()
    for path in csvs:
        name = slugify(path.stem, allowed="._") or "table"
        base, n = name, 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        resources.append(resource_descriptor(path, name))

    when = f", {year}" if year else ""
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": slugify(place_name) or "place",
        "title": f"{place_name}: public spending by ward{when}" + (" (synthetic demo)" * (spend_kind == "synthetic")),
        "description": (
            f"Public spending in {place_name}{' in ' + year if year else ''}, placed ward by ward by tuttotal. "
            f"Spend ({spend_kind}): {SPEND_KINDS[spend_kind]}. Money is in pounds (GBP); each table's prices column "
            "says its prices (cash, as spent, unless --prices put a series over years in real terms) and its basis "
            "column, or its measured_gbp and modelled_gbp columns, whether the money is measured (a body's own "
            "books) or modelled (a region's money shared by a driver). Every CSV table of this folder is a resource "
            "below."
        ),
    }
    licences = _licences([s.licence for s in found] + [boundaries_attribution])
    if licences:
        descriptor["licenses"] = licences
    descriptor["sources"] = [
        {"name": s.name, "title": s.description, "path": s.url, "vintage": s.vintage, "licence": s.licence}
        for s in found
    ]
    if boundaries_attribution:
        descriptor["sources"].append({"name": "boundaries", "title": boundaries_attribution})
    descriptor["resources"] = resources
    return descriptor


def write_datapackage(
    folder: str | os.PathLike,
    *,
    place_name: str,
    sources: list[str],
    boundaries_attribution: str,
    spend_kind: str,
    year: str,
) -> Path:
    """Write ``<folder>/datapackage.json``: a Frictionless Data Package of every CSV directly in ``folder``.

    Call it after the last CSV is written: each resource carries its file's
    size and SHA-256. The file is written atomically (a temporary file in
    ``folder``, then :func:`os.replace`) and is byte-identical for the same
    CSVs and arguments (no timestamp).

    Parameters
    ----------
    folder : path
        The place's output folder, e.g. ``outputs/kent``. Files whose names
        start with ``.`` and subfolders are left out.
    place_name : str
        The place's name, e.g. ``"Kent"``; the package's ``name`` is its slug.
    sources : list of str
        Names of :func:`tuttotal.data.sources.sources` the outputs rest on (repeats
        ignored); each becomes a source with its pinned URL and vintage, and
        its licence a package licence.
    boundaries_attribution : str
        The boundary data's attribution line (a source of its own; a licence
        it names is added), or ``""``.
    spend_kind : str
        ``real`` (top-down count from HM Treasury's Country and Regional
        Analysis), ``user`` (a supplied spend file) or ``synthetic`` (the
        demo's generated money).
    year : str
        The year of the count, e.g. ``"2008-09"`` (``""`` when none).

    Returns
    -------
    pathlib.Path
        The path of ``datapackage.json``.

    Raises
    ------
    KeyError
        A name of ``sources`` that is not a known data source (nothing is written).
    ValueError
        An unknown ``spend_kind`` (nothing is written).
    tuttotal.errors.InputError
        A CSV that is not UTF-8 text.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> _ = (folder / "reconciliation.csv").write_text("item,codes,amount_gbp\\ninput,,1234.56\\n")
    >>> path = write_datapackage(folder, place_name="Demo Borough", sources=["population"],
    ...                          boundaries_attribution="", spend_kind="synthetic", year="2010-11")
    >>> package = json.loads(path.read_text(encoding="utf-8"))
    >>> package["name"], [r["path"] for r in package["resources"]], package["licenses"][0]["name"]
    ('demo-borough', ['reconciliation.csv'], 'OGL-UK-3.0')
    >>> [(f["name"], f["type"]) for f in package["resources"][0]["schema"]["fields"]]
    [('item', 'string'), ('codes', 'string'), ('amount_gbp', 'number')]
    >>> tmp.cleanup()
    """
    folder = Path(folder)
    descriptor = package_descriptor(
        folder,
        place_name=place_name,
        sources=sources,
        boundaries_attribution=boundaries_attribution,
        spend_kind=spend_kind,
        year=year,
    )
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    target = folder / PACKAGE_FILE
    temporary = folder / f".{PACKAGE_FILE}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        with open(temporary, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target
