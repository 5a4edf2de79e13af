"""The real count's years: what is measured and what is modelled in each.

A real place's count is made the way the pilots made theirs: the bodies'
own books where they exist, the rest top down.

* **Measured**: local government (councils, police and fire authorities)
  from each authority's own Revenue Outturn (:mod:`tuttotal.count.outturn_count`),
  for the years the RS covers: 2007-08 to 2016-17, and any later release
  a user drops into the data root's ``outturn/`` folder
  (:func:`tuttotal.data.outturn.available_years`).
* **Modelled**: the region's central government and public corporation
  lines of HM Treasury's Country and Regional Analysis, shared to the place
  by population and need (:mod:`tuttotal.count.topdown`), 2003-04 to
  2017-18; in a year without outturn, local government's lines too.

In a year with both, the CRA's local government current lines are the same
money as the authorities' books: they are left out of the total (kept in
``topdown.csv`` with driver ``measured``) and set beside the books in
``bridge.csv``, never counted twice. Local government capital stays
modelled (the RS is current spending only).

Examples
--------
>>> from tuttotal.count import real_years as real
>>> real.source_of_year("2005-06"), real.source_of_year("2008-09"), real.source_of_year("2017-18")
('top-down', 'measured', 'top-down')
>>> real.year_label("2008-09")
"2008-09 · councils' books measured, the rest modelled"
>>> real.TOPDOWN_YEARS[0], real.TOPDOWN_YEARS[-1]
('2003-04', '2017-18')
"""

from __future__ import annotations

from tuttotal.data import cra_releases, outturn
from tuttotal.errors import InputError

#: The years of the top-down count (HM Treasury's regional analysis).
TOPDOWN_YEARS = cra_releases.YEARS
#: A year's count: top-down only, councils' books with the rest top down, or councils' books only.
TOPDOWN, MEASURED, OUTTURN = "top-down", "measured", "outturn"
LABELS = {
    TOPDOWN: "top-down (HM Treasury CRA), modelled",
    MEASURED: "councils' books measured, the rest modelled",
    OUTTURN: "councils' books only (DCLG Revenue Outturn), measured",
}


def measured_years(data_dir=None) -> tuple[str, ...]:
    """The years whose local government is measured: every Revenue Outturn year found."""
    return outturn.available_years(data_dir)


def source_of_year(year: str, data_dir=None) -> str:
    """``top-down``, ``measured`` (councils' books and the rest top down), ``outturn`` (books only) or ``""``."""
    books = year in measured_years(data_dir)
    if year in TOPDOWN_YEARS:
        return MEASURED if books else TOPDOWN
    return OUTTURN if books else ""


def year_label(year: str) -> str:
    """A year with what its count is, for menus and titles."""
    source = source_of_year(year)
    return f"{year} · {LABELS[source]}" if source else year


def check_real_year(year: str, data_dir=None) -> str:
    """``year`` if a real count covers it, else an :class:`InputError` naming the ranges."""
    if not source_of_year(year, data_dir):
        books = measured_years(data_dir)
        raise InputError(
            f"no real count covers {year}: the top-down count (HM Treasury's regional analysis) covers "
            f"{TOPDOWN_YEARS[0]} to {TOPDOWN_YEARS[-1]}, councils' own books (Revenue Outturn) {books[0]} to "
            f"{books[-1]}",
            fix=f"choose a year from {TOPDOWN_YEARS[0]} to {TOPDOWN_YEARS[-1]} (the pilots counted 2008-09), drop "
            "a later RS workbook into <data root>/outturn/, or give your own count with --spend",
        )
    return year
