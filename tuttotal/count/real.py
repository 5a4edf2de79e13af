"""The two real counts and their years: top-down (HM Treasury's regional analysis) and councils' outturn.

A real place's spend holds both: its councils' own books for 2010-11 to
2014-15 (:mod:`tuttotal.count.outturn_count`) and the top-down count for the
other years from 2003-04 to 2017-18 (:mod:`tuttotal.count.topdown`, which
covers every year of them but stands aside where the councils' books are
there). One year, one count, so the year asked says which count is meant.

Examples
--------
>>> from tuttotal.count import real
>>> real.source_of_year("2008-09"), real.source_of_year("2012-13"), real.source_of_year("2016-17")
('top-down', 'outturn', 'top-down')
>>> real.TOPDOWN_YEARS[0], real.TOPDOWN_YEARS[-1], len(real.TOPDOWN_YEARS)
('2003-04', '2017-18', 10)
>>> real.year_label("2012-13")
"2012-13 · councils' outturn (DCLG)"
"""

from __future__ import annotations

from tuttotal.data import cra_releases, outturn
from tuttotal.errors import InputError

#: The years a real place's spend takes from the top-down count: those the councils' books do not cover.
TOPDOWN_YEARS = tuple(year for year in cra_releases.YEARS if year not in outturn.YEARS)
LABELS = {"top-down": "top-down (HM Treasury CRA)", "outturn": "councils' outturn (DCLG)"}


def source_of_year(year: str) -> str:
    """``top-down``, ``outturn``, or ``""`` for a year neither covers."""
    if year in outturn.YEARS:
        return "outturn"
    if year in TOPDOWN_YEARS:
        return "top-down"
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
            f"{TOPDOWN_YEARS[0]} to {TOPDOWN_YEARS[-1]}, councils' outturn {outturn.YEARS[0]} to "
            f"{outturn.YEARS[-1]} (those years are the councils' books)",
            fix=f"choose a year from {TOPDOWN_YEARS[0]} to {TOPDOWN_YEARS[-1]} (the pilots counted 2008-09), "
            "or give your own count with --spend",
        )
    return year
