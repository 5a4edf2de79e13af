"""A place's count, frozen: the data every table, figure and file of its report is made from.

:func:`tuttotal.count.place_loader.load_place_count` loads and counts a place once;
:func:`tuttotal.report.count_place` wraps the count in its report, a :class:`PlaceCount`
whose sections give its tables and figures (:class:`tuttotal.report.PlaceReport`); the
fields below are its data and never change after the count (a table is derived, never
stored back).

Examples
--------
>>> from dataclasses import fields
>>> [f.name for f in fields(PlaceCount)][:4]
['place', 'year', 'wards', 'focus']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tuttotal import settings

if TYPE_CHECKING:
    from pathlib import Path

    import geopandas as gpd
    import pandas as pd

    from tuttotal.count.apportion import Count
    from tuttotal.count.outturn_count import OutturnCount
    from tuttotal.count.parameters import PlaceParameters
    from tuttotal.count.sources import CountSource
    from tuttotal.count.topdown import TopDown
    from tuttotal.data.places import Place


@dataclass(frozen=True, eq=False)
class PlaceCount:
    """One place's count of one year: what was counted, from what, and the result.

    Attributes
    ----------
    place : Place
        The place or area (its LADs, focus wards, published count).
    year : str
        The financial year counted.
    wards : GeoDataFrame
        Its wards (``ward_code, ward_name, lad_code, lad_name, geometry``).
    focus : DataFrame
        The focus wards (``ward_code, ward_name, lad_code, lad_name``).
    spend : DataFrame
        The spend table read (a real count's: every year, for the trend).
    drivers, driver_table : DataFrame or None
        The long driver table the count used, and the real drivers' wide table (``drivers.csv``).
    topdown, outturn : TopDown, OutturnCount or None
        A real count's two counts: the region's money top down, councils' books.
    count : Count
        The money placed in wards and its reconciliation (:func:`tuttotal.count.apportion.apportion`).
    output_dir : Path
        Where the place's files go.
    count_source : CountSource
        Where the money comes from, with its provenance, method and stamp (:mod:`tuttotal.count.sources`).
    inputs : dict
        Every file read, by name, with its SHA-256.
    parameters : PlaceParameters
        What was asked for.
    warnings : list of str
        Warnings raised while counting.
    timings : dict
        Seconds each stage took (the report adds its figures').
    data_root : DataRoot
        Where the data is read from: ``parameters.data_dir`` resolved once (:func:`tuttotal.settings.data_root`).
    """

    place: Place
    year: str
    wards: gpd.GeoDataFrame
    focus: pd.DataFrame
    spend: pd.DataFrame
    drivers: pd.DataFrame | None
    driver_table: pd.DataFrame | None
    topdown: TopDown | None
    outturn: OutturnCount | None
    count: Count
    output_dir: Path
    count_source: CountSource
    inputs: dict[str, str]
    parameters: PlaceParameters
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    data_root: settings.DataRoot = field(default_factory=settings.data_root)
