"""COFOG functions to Total Place themes, as data a researcher edits.

``data/themes.csv`` maps each COFOG division (``01``–``10``) and any group
(``10.2``) to a cross-cutting Total Place theme and to the driver by which
top-down amounts of that function are apportioned to wards. A group's row
wins over its division's; a spend row's own ``theme`` wins over both.

Examples
--------
>>> from tuttotal import themes
>>> table = themes.load_themes()
>>> themes.theme_of("10.5", table), themes.theme_of("07", table)
('worklessness and economy', 'health and wellbeing')
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

THEME_COLUMNS = ("function", "theme", "driver")


def default_themes_path() -> Path:
    """``data/themes.csv`` of the repository."""
    from . import paths

    return paths.data_dir() / "themes.csv"


def load_themes(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read the function → theme and driver table, indexed by function code.

    Raises
    ------
    InputError
        For a missing column, a bad function code or a function listed twice.
    """
    import pandas as pd

    from .spend import parse_function

    path = Path(path) if path else default_themes_path()
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:
        raise InputError(f"cannot read the themes table ({exc})", file=path) from None
    missing = [c for c in THEME_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"the themes table lacks the column(s) {missing}; found {list(table.columns)}",
            file=path,
            fix="columns are function, function_name, theme, driver, note",
        )
    codes = []
    for i, raw in enumerate(table["function"], start=2):
        try:
            codes.append(parse_function(raw))
        except ValueError as exc:
            raise InputError(str(exc), file=path, row=i, column="function", value=raw) from None
    table["function"] = codes
    dup = table[table.function.duplicated()]
    if len(dup):
        raise InputError(f"function {dup.function.iloc[0]} is listed twice", file=path, fix="keep one row per function")
    table["theme"] = table["theme"].str.strip()
    table["driver"] = table["driver"].str.strip().str.lower().replace("", "population")
    table.attrs["source"] = str(path)
    return table.set_index("function")


def _lookup(function: str, table: pd.DataFrame, column: str) -> str:
    if function in table.index:
        return str(table.at[function, column])
    division = function.split(".")[0]
    if division in table.index:
        return str(table.at[division, column])
    raise InputError(
        f"function {function} has no row in the themes table",
        file=table.attrs.get("source"),
        fix=f"add a row for {division} to the themes table",
    )


def theme_of(function: str, table: pd.DataFrame) -> str:
    """The theme of a COFOG function: its group's row, else its division's."""
    return _lookup(function, table, "theme")


def driver_of(function: str, table: pd.DataFrame) -> str:
    """The driver that apportions a function's top-down amounts."""
    return _lookup(function, table, "driver")


def classify(spend: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Add ``theme`` (row override, else the table's) and ``driver`` to a spend table."""
    out = spend.copy()
    functions = out["function"].unique()
    themes = {f: theme_of(f, table) for f in functions}
    drivers = {f: driver_of(f, table) for f in functions}
    own = out["theme"].fillna("").astype(str).str.strip()
    out["theme"] = own.where(own != "", out["function"].map(themes))
    out["driver"] = out["function"].map(drivers)
    return out
