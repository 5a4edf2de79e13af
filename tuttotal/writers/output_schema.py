"""What every table of a place's output folder is and what each of its columns means: data, not code.

:data:`TABLES` gives each known CSV its title, description and fields (type,
description, unit; in the order they are written), built from a small
vocabulary of shared fields (ward and LAD codes, themes, prices, basis,
money). :func:`tuttotal.writers.datapackage.write_datapackage` reads it to
describe a folder in ``datapackage.json``; a change here is a change of the
published contract.

Examples
--------
>>> from tuttotal.writers.output_schema import TABLES
>>> TABLES["ward_theme.csv"]["fields"]["amount_gbp"]["unit"]
'GBP'
>>> TABLES["ward_theme.csv"]["fields"]["basis"]["constraints"]
{'enum': ['measured', 'modelled']}
"""

from __future__ import annotations

from typing import Any

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
