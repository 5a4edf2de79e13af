"""The parameters of one place count, defined once: :class:`PlaceParameters`.

Every way into a count takes these: :func:`tuttotal.report.count_place`
(and its keyword face :func:`tuttotal.report.prepare`), a batch's
:class:`tuttotal.run.batch.PlaceJob`, the explorer (``explore``,
``Explorer`` and ``load_place``, through :func:`place_parameters`) and the
notebooks' ``parameters`` cells, whose names are :data:`NOTEBOOK_PARAMETERS`
in that order (papermill passes them by name; a test compares each
notebook's cell with this list).

Examples
--------
>>> from tuttotal.count.parameters import PlaceParameters
>>> params = PlaceParameters.from_mapping({"place": "demo", "focus_wards": ["Abbey Meads"]})
>>> params.focus_wards
('Abbey Meads',)
>>> NOTEBOOK_PARAMETERS[:3]
('place', 'lads', 'year')
>>> PlaceParameters.from_mapping({"plcae": "demo"})
Traceback (most recent call last):
...
ValueError: unknown place parameter 'plcae': use one of place, lads, year, focus_wards, spend_path, drivers_path, \
data_dir, output_dir, wards_paths, driver, prices, themes_path, transfers_path
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

#: The parameters every notebook's ``parameters`` cell declares, in its order (``tuttotal.run.parameters``).
NOTEBOOK_PARAMETERS = (
    "place",
    "lads",
    "year",
    "focus_wards",
    "spend_path",
    "drivers_path",
    "data_dir",
    "output_dir",
    "wards_paths",
    "driver",
    "prices",
)
#: The parameters given as lists (a tuple in the object; a single string is taken as a list of one).
LISTS = frozenset({"lads", "focus_wards", "wards_paths"})


@dataclass(frozen=True)
class PlaceParameters:
    """What to count: a place or area, a year, focus wards, the user's files and the count's options.

    Parameters
    ----------
    place : str
        Slug or name of a place in ``params/`` (``""`` for an area of ``lads``).
    lads : tuple of str
        LAD codes of an ad-hoc area, used when ``place`` is empty.
    year : str
        Financial year to count (``""``: the place's year).
    focus_wards : tuple of str
        Ward names or codes to outline and compare (``()``: the place's own).
    spend_path, drivers_path : str
        The user's spend count and driver table (``""``: the real count and drivers, or the demo's sample).
    data_dir : str
        The data root or a folder of ward files (``""``: ``$TUTTOTAL_DATA_DIR``, the cache, a download).
    output_dir : str
        Where files are written (``""``: a new temporary folder).
    wards_paths : tuple of str
        The user's own boundary files, instead of the registry's.
    driver : str
        One driver for every function (``""``: each function's own from the themes table).
    prices : str
        Series over years at the prices of this financial year (``""``: cash, as spent).
    themes_path, transfers_path : str
        A themes table and transfer rules instead of ``data/themes.csv`` and ``data/transfers.csv``.

    Raises
    ------
    TypeError
        A parameter of the wrong type (the message names it and what to give).

    Examples
    --------
    >>> PlaceParameters(place="kent", year="2008-09").lads
    ()
    >>> PlaceParameters(lads="E07000114").lads
    ('E07000114',)
    """

    place: str = ""
    lads: tuple[str, ...] = ()
    year: str = ""
    focus_wards: tuple[str, ...] = ()
    spend_path: str = ""
    drivers_path: str = ""
    data_dir: str = ""
    output_dir: str = ""
    wards_paths: tuple[str, ...] = ()
    driver: str = ""
    prices: str = ""
    themes_path: str = ""
    transfers_path: str = ""

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in LISTS:
                object.__setattr__(self, item.name, _strings(item.name, value))
            else:
                object.__setattr__(self, item.name, _string(item.name, value))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> PlaceParameters:
        """The parameters of a mapping (a notebook's cell values, a YAML file, keyword arguments).

        Raises
        ------
        ValueError
            A name that is not a place parameter (the message lists those there are).
        """
        names = [item.name for item in fields(cls)]
        unknown = [name for name in mapping if name not in names]
        if unknown:
            raise ValueError(f"unknown place parameter {unknown[0]!r}: use one of {', '.join(names)}")
        return cls(**dict(mapping))

    def record(self) -> dict[str, Any]:
        """The parameters as ``summary.json`` records them (lists, no ``output_dir``).

        Examples
        --------
        >>> list(PlaceParameters(place="demo").record())[:4]
        ['place', 'lads', 'year', 'focus_wards']
        """
        return {
            "place": self.place,
            "lads": list(self.lads),
            "year": self.year,
            "focus_wards": list(self.focus_wards),
            "spend_path": self.spend_path,
            "drivers_path": self.drivers_path,
            "data_dir": self.data_dir,
            "wards_paths": list(self.wards_paths),
            "themes_path": self.themes_path,
            "transfers_path": self.transfers_path,
            "driver": self.driver,
            "prices": self.prices,
        }

    def notebook_values(self) -> dict[str, Any]:
        """The values of a notebook's ``parameters`` cell, by the names of :data:`NOTEBOOK_PARAMETERS`.

        Examples
        --------
        >>> tuple(PlaceParameters(place="demo").notebook_values()) == NOTEBOOK_PARAMETERS
        True
        """
        values = {name: getattr(self, name) for name in NOTEBOOK_PARAMETERS}
        return {name: list(value) if name in LISTS else value for name, value in values.items()}

    @property
    def data_root(self) -> str | None:
        """``data_dir`` or None (the environment's, the cache, a download)."""
        return self.data_dir or None


def place_parameters(place: str | PlaceParameters = "", /, **keywords: Any) -> PlaceParameters:
    """A place run's parameters from either face: a :class:`PlaceParameters`, or keywords (the user's face).

    Every function that counts a place takes its parameters through this one
    helper (the explorer's :func:`~tuttotal.explore.widget.explore`,
    :class:`~tuttotal.explore.widget.Explorer` and
    :func:`~tuttotal.explore.model.load_place`), so the list of parameters is
    written once, in :class:`PlaceParameters`.

    Parameters
    ----------
    place : str or PlaceParameters
        A place's slug or name (``""`` for an area of ``lads``), or parameters built already.
    **keywords
        Any field of :class:`PlaceParameters`; with parameters given, those it changes.

    Raises
    ------
    ValueError
        A keyword that is not a place parameter (the message lists those there are).

    Examples
    --------
    >>> place_parameters("thanet", year="2008-09").year
    '2008-09'
    >>> base = PlaceParameters(place="kent")
    >>> place_parameters(base) is base, place_parameters(base, year="2010-11").year
    (True, '2010-11')
    """
    if isinstance(place, PlaceParameters):
        if not keywords:
            return place
        PlaceParameters.from_mapping(keywords)  # a wrong name refused as the keyword face refuses it
        return replace(place, **keywords)
    return PlaceParameters.from_mapping({"place": place, **keywords})


def _string(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if not isinstance(value, str):
        raise TypeError(f"place parameter {name!r} is {type(value).__name__} {value!r}: give a string")
    return value


def _strings(name: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | os.PathLike):
        return (_string(name, value),)
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(
            f"place parameter {name!r} is {type(value).__name__} {value!r}: give a list of strings"
        ) from None
    return tuple(_string(name, item) for item in items)
