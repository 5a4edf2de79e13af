"""The two real counts and their years: top-down (HM Treasury's regional analysis) and councils' outturn.

A real place's spend holds both: the top-down count for 2003-04 to 2008-09
(:mod:`tuttotal.count.topdown`) and its councils' own books for 2010-11 to
2014-15 (:mod:`tuttotal.count.outturn_count`). The years do not overlap, so the
year asked says which count is meant.

Examples
--------
>>> from tuttotal.count import real
>>> real.source_of_year("2008-09"), real.source_of_year("2012-13")
('top-down', 'outturn')
>>> real.year_label("2012-13")
"2012-13 · councils' outturn (DCLG)"
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
