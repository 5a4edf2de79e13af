"""One place's report, step by step: what the notebooks call.

:func:`count_place` (or :func:`prepare`, by keyword) loads the wards and the
spend of a place, classifies and apportions the spend
(:func:`tuttotal.count.place_loader.load_place_count`), and returns a
:class:`PlaceReport` whose sections give its tables and draw its figures
(``count.need.text()``, ``count.change.trend_chart()``, ``count.maps.ward_map()``…:
:mod:`tuttotal.report.place_report`); :func:`tuttotal.writers.place.write_outputs`
writes the files of the output layout::

    ward_map.png, themes.png, ward_theme.csv, reconciliation.csv, summary.json

Drivers (population by age, deprivation) of a real place are the real
ones, moved from 2011 LSOAs onto its wards (:mod:`tuttotal.data.ward_drivers`)
and written as ``drivers.csv``; a user's ``drivers_path`` overrides them.
When no spend file is given for a real place, its count is the real
top-down one (:mod:`tuttotal.count.topdown`: its share of its region's
identifiable spending by need), written line by line as ``topdown.csv``;
``summary.json`` says ``"spend": "real"`` and every figure names the source
and method.

Examples
--------
>>> from tuttotal import report
>>> demo = report.prepare(place="demo")
>>> demo.wards_count, demo.spend_kind
(24, 'synthetic')
"""

from __future__ import annotations

from tuttotal import settings
from tuttotal.count.parameters import PlaceParameters
from tuttotal.count.place_loader import load_place_count
from tuttotal.report.core import CUTS_YEARS
from tuttotal.report.place_report import PlaceReport

__all__ = ["CUTS_YEARS", "PlaceReport", "count_place", "environment_data_dir", "prepare"]


def prepare(
    place: str = "",
    lads: list[str] | tuple[str, ...] = (),
    year: str = "",
    focus_wards: list[str] | tuple[str, ...] = (),
    spend_path: str = "",
    drivers_path: str = "",
    data_dir: str = "",
    output_dir: str = "",
    wards_paths: list[str] | tuple[str, ...] = (),
    themes_path: str = "",
    transfers_path: str = "",
    driver: str = "",
    prices: str = "",
) -> PlaceReport:
    """Load, classify and apportion a place's spend: :func:`count_place` by keyword (the notebooks' one call).

    The keywords are those of :class:`tuttotal.count.parameters.PlaceParameters`, which documents each.

    Returns
    -------
    PlaceReport
    """
    return count_place(
        PlaceParameters(
            place=place,
            lads=lads,
            year=year,
            focus_wards=focus_wards,
            spend_path=spend_path,
            drivers_path=drivers_path,
            data_dir=data_dir,
            output_dir=output_dir,
            wards_paths=wards_paths,
            themes_path=themes_path,
            transfers_path=transfers_path,
            driver=driver,
            prices=prices,
        )
    )


def count_place(parameters: PlaceParameters) -> PlaceReport:
    """Load, classify and apportion the spend of the place ``parameters`` name, and give its report.

    Parameters
    ----------
    parameters : PlaceParameters
        The place or area, year, focus wards, files and options (``year`` ``""``: the place's year, 2008-09 for
        the pilots; ``prices`` ``""``: cash; ``output_dir`` ``""``: a new temporary folder; ``data_dir``
        resolved once into the count's ``data_root``).

    Returns
    -------
    PlaceReport
        Its ``parameters`` are those given, ``prices`` as a financial year (or ``""`` for cash).

    Examples
    --------
    >>> report = count_place(PlaceParameters(place="demo"))
    >>> report.wards_count
    24
    """
    return PlaceReport.of(load_place_count(parameters))


def environment_data_dir() -> str:
    """``$TUTTOTAL_DATA_DIR`` or ``""``: the notebooks' default ``data_dir``."""
    return settings.env_data_dir()
