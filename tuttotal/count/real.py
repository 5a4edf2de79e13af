"""The two real counts and their years: top-down (HM Treasury's regional analysis) and councils' outturn.

A real place's spend holds both: the top-down count for the years of the
regional analysis (:mod:`tuttotal.count.topdown`, :data:`tuttotal.data.cra.YEARS`)
and its councils' own books (:mod:`tuttotal.count.outturn_count`) for the
Revenue Outturn years, 2007-08 to 2016-17 and any later release found
(:func:`tuttotal.data.outturn.available_years`). The two overlap in 2007-08
and 2008-09: there the top-down count is the year's count (the pilots counted
2008-09 top-down), and :func:`outturn_years` are the outturn years that are
the outturn's own, so that a year is never counted twice. The outturn count
itself takes every outturn year (``outturn_count(..., years=...)``), for the
combined measured-and-modelled count.

Examples
--------
>>> from tuttotal.count import real
>>> real.source_of_year("2008-09"), real.source_of_year("2012-13")
('top-down', 'outturn')
>>> real.year_label("2012-13")
"2012-13 · councils' outturn (DCLG)"
>>> real.outturn_years()[:2], real.outturn_years()[-1]
(('2009-10', '2010-11'), '2016-17')
"""

from __future__ import annotations

from tuttotal.data import cra, outturn
from tuttotal.errors import InputError

LABELS = {"top-down": "top-down (HM Treasury CRA)", "outturn": "councils' outturn (DCLG)"}


def source_of_year(year: str) -> str:
    """``top-down``, ``outturn``, or ``""`` for a year neither covers."""
    if year in cra.YEARS:
        return "top-down"
    if year in outturn.YEARS:
        return "outturn"
    return ""


def outturn_years(data_dir=None) -> tuple[str, ...]:
    """The outturn years that :func:`source_of_year` gives to the outturn (not the top-down count's years)."""
    return tuple(year for year in outturn.available_years(data_dir) if year not in cra.YEARS)


def year_label(year: str) -> str:
    """A year with the count it belongs to, for menus and titles."""
    source = source_of_year(year)
    return f"{year} · {LABELS[source]}" if source else year


def check_real_year(year: str) -> str:
    """``year`` if a real count covers it, else an :class:`InputError` naming both ranges."""
    if not source_of_year(year):
        raise InputError(
            f"no real count covers {year}: the top-down count (HM Treasury's regional analysis) covers "
            f"{cra.YEARS[0]} to {cra.YEARS[-1]}, councils' outturn {outturn.YEARS[0]} to {outturn.YEARS[-1]}",
            fix=f"choose a year from {cra.YEARS[0]} to {cra.YEARS[-1]} (the pilots counted 2008-09) or from "
            f"{outturn.YEARS[0]} to {outturn.YEARS[-1]}, or give your own count with --spend",
        )
    return year
