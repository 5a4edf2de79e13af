"""The thirteen pilots' real top-down counts, per head by theme: what the median pilot place is made of.

Each pilot's count is its share of its region's identifiable spending
(:mod:`tuttotal.count.topdown`: no boundaries needed, only the LSOA tables),
per head of its people of the year. Counting all thirteen takes a while, so
the table is kept on disk in the cache (``pilots`` of :mod:`tuttotal.cache`), under a key that hashes every input
and every module of the package the count runs (found by following the
imports, so that a change to any of them, ``money.py`` included, makes a new
table). The median itself is analysis: :func:`tuttotal.analysis.compare.pilot_median_per_head`.

Examples
--------
>>> from tuttotal.count import pilot_medians
>>> "tuttotal/money.py" in {p.relative_to(p.parents[1]).as_posix() for p in pilot_medians.code_files()}
True
>>> table = pilot_medians.pilots_theme_per_head(None, "2008-09")  # doctest: +SKIP
>>> table.shape[1]  # doctest: +SKIP
13
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal import __version__, cache, paths, settings
from tuttotal.count import topdown
from tuttotal.data import places, population_years
from tuttotal.errors import DataUnavailableError, HashMismatchError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ALL_THEMES", "cache_key", "code_files", "pilots_theme_per_head", "place_theme_per_head"]

#: The row of a place's whole count, beside its themes.
ALL_THEMES = "all themes"
_PACKAGE = Path(__file__).parents[1]
_ENTRIES = cache.Disk("pilots", "pilots")


def code_files() -> list[Path]:
    """The package's source files the pilots' count runs: this module and all it imports, followed to the end.

    Sorted, each once; every file the count could run, so none can change unseen by :func:`cache_key`
    (:func:`tuttotal.cache.code_files`).
    """
    return cache.code_files(__file__)


def cache_key(year: str) -> str:
    """A hash of the version, the year, every source file the count runs and every reference table it reads."""
    tables = [
        *sorted(paths.data_dir().glob("*.csv")),
        *sorted((_PACKAGE / "data" / "registry").glob("*.csv")),
        *sorted(paths.params_dir().glob("*.yaml")),
    ]
    return cache.key(__version__, year, code=[__file__], files=tables)[:16]


def place_theme_per_head(place, data_dir: settings.DataRootLike, year: str) -> pd.Series:
    """Spend per head by theme (and ``all themes``) of a place's real top-down count (no boundaries needed).

    Per head of the place's people of ``year`` (:func:`tuttotal.data.population_years.lad_population_of_year`).
    """
    count = topdown.topdown_count(place.lad_codes, data_dir=data_dir, years=(year,))
    people = float(population_years.lad_population_of_year(year, data_dir).loc[list(place.lad_codes)].sum())
    by_theme = count.spend.groupby("theme")["amount_pence"].sum() / 100 / people
    by_theme[ALL_THEMES] = count.spend["amount_pence"].sum() / 100 / people
    return by_theme


def pilots_theme_per_head(data_dir: settings.DataRootLike, year: str) -> pd.DataFrame | None:
    """Spend per head by theme (rows) of each pilot's real count (columns, by slug); None without the data.

    None too for a year the regional analysis does not cover. Counted once
    and kept in the cache (``pilots/pilot-per-head-<key>.json``, written atomically);
    read back exactly (JSON keeps every float's digits).
    """
    import pandas as pd

    if year not in topdown.YEARS:
        return None
    entry = _ENTRIES.path(f"pilot-per-head-{cache_key(year)}.json")
    if not entry.is_file():
        try:
            columns = {p.slug: place_theme_per_head(p, data_dir, year) for p in places.pilot_places()}
        except (DataUnavailableError, HashMismatchError):
            return None
        table = {slug: {str(k): float(v) for k, v in column.items()} for slug, column in columns.items()}
        text = json.dumps(table, sort_keys=True)
        cache.write_atomic(entry, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return pd.DataFrame(json.loads(entry.read_text(encoding="utf-8")), dtype=float)
