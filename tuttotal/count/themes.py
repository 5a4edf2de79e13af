"""COFOG functions to Total Place themes and drivers, as data a researcher edits.

``data/themes.csv`` maps each COFOG division (``01``–``10``), group
(``10.2``) or class (``04.1.2``) to one of the pilots' client-group themes
and to the driver by which top-down amounts of that function are
apportioned to wards, each with a one-line reason. The most specific row
wins (class, then group, then division); a spend row's own ``theme`` (and
``driver``) win over the table.

A function may have several rows, to **split** it across themes: the
``share`` column holds either numbers (fixed weights that add up to 1) or
``driver`` on every row (weights in proportion to the place's total of each
row's driver: sickness and disability split by age). A function whose
driver is ``excluded`` is not a place's spending (defence, debt interest):
the count reports it, never places it.

Examples
--------
>>> from tuttotal.count import themes
>>> table = themes.load_themes()
>>> themes.theme_of("10.5", table), themes.theme_of("07", table), themes.theme_of("04.5", table)
('working-age adults and worklessness', 'health and wellbeing', 'economy and transport')
>>> [(r.theme, r.driver) for r in themes.rules_of("10.1", table).itertuples()]
[('older people', 'people_60_plus'), ('working-age adults and worklessness', 'people_16_59')]
>>> themes.driver_of("02.1", table)
'excluded'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tuttotal import cache, paths
from tuttotal.data.spend import parse_function
from tuttotal.errors import InputError
from tuttotal.money import largest_remainder

if TYPE_CHECKING:
    import pandas as pd

THEME_COLUMNS = ("function", "theme", "driver")
EXCLUDED = "excluded"


def default_themes_path() -> Path:
    """``data/themes.csv`` of the repository."""

    return paths.data_dir() / "themes.csv"


def load_themes(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read the function → theme and driver table, indexed by function code.

    The table is read once per file content (path, size and modification
    time): treat it as read-only.

    Raises
    ------
    InputError
        For a missing column, a bad function code or a function listed twice.
    """
    return _load_themes(paths.file_version(path or default_themes_path()))


@cache.memoize("themes-load-themes", maxsize=8)
def _load_themes(key: tuple) -> pd.DataFrame:
    import pandas as pd

    path = Path(key[0])
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
    table["theme"] = table["theme"].str.strip()
    table["driver"] = table["driver"].str.strip().str.lower().replace("", "population")
    if "share" not in table.columns:
        table["share"] = ""
    table["share"] = table["share"].str.strip().str.lower()
    for column in ("reason", "note"):
        if column not in table.columns:
            table[column] = ""
    _check_splits(table, path)
    table.attrs["source"] = str(path)
    return table.set_index("function")


def _check_splits(table: pd.DataFrame, path: Path) -> None:
    """One row per function, or rows whose shares are all numbers adding up to 1, or all ``driver``."""
    for function, rows in table.groupby("function", sort=False):
        row = int(rows.index[0]) + 2
        if len(rows) == 1:
            if rows["driver"].iloc[0] != EXCLUDED and not rows["theme"].iloc[0]:
                raise InputError("has no theme", file=path, row=row, column="theme", fix="name the theme of the row")
            continue
        shares = rows["share"].tolist()
        if EXCLUDED in set(rows["driver"]):
            raise InputError(
                f"function {function} is split and excluded at once",
                file=path,
                row=row,
                fix="an excluded function has one row",
            )
        if all(share == "driver" for share in shares):
            continue
        try:
            weights = [float(share) for share in shares]
        except ValueError:
            raise InputError(
                f"function {function} is listed {len(rows)} times without shares",
                file=path,
                row=row,
                column="share",
                fix="keep one row per function, or give each row a share: numbers adding up to 1, or 'driver'",
            ) from None
        if min(weights) < 0 or abs(sum(weights) - 1) > 1e-9:
            raise InputError(
                f"the shares of function {function} add up to {sum(weights):g}, not 1",
                file=path,
                row=row,
                column="share",
                fix="make the shares add up to 1",
            )


def rules_of(function: str, table: pd.DataFrame) -> pd.DataFrame:
    """The table's rows for a COFOG code: its own, else its group's, else its division's (looked up once per table)."""
    return _rules_memo(table, function)


def _find_rules(table: pd.DataFrame, function: str) -> pd.DataFrame:
    parts = function.split(".")
    for depth in range(len(parts), 0, -1):
        key = ".".join(parts[:depth])
        if key in table.index:
            rows = table.loc[[key]]
            return rows.reset_index()
    raise InputError(
        f"function {function} has no row in the themes table",
        file=table.attrs.get("source"),
        fix=f"add a row for {parts[0]} to the themes table",
    )


_rules_memo = cache.TableMemo("theme-rules", _find_rules)
_first_rule = cache.TableMemo(
    "theme-first-rule", lambda table, function: rules_of(function, table).iloc[0]
)  # a row as a Series: slow to make


def one_driver(table: pd.DataFrame, driver: str) -> pd.DataFrame:
    """The themes table with every counted function's driver set to ``driver`` (exclusions kept).

    Made once per table and driver, so the rules looked up in it are looked up once per process
    too (a warm kernel's places share it): treat it as read-only.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"function": ["09", "02"], "driver": ["children_0_15", "excluded"]})
    >>> one_driver(table, "population")["driver"].tolist()
    ['population', 'excluded']
    >>> one_driver(table, "population") is one_driver(table, "population")
    True
    """
    return _one_driver_memo(table, driver)


def _with_one_driver(table: pd.DataFrame, driver: str) -> pd.DataFrame:
    out = table.copy()
    out.loc[out["driver"] != EXCLUDED, "driver"] = driver
    out.attrs = dict(table.attrs)
    return out


_one_driver_memo = cache.TableMemo("theme-one-driver", _with_one_driver)


def _lookup(function: str, table: pd.DataFrame, column: str) -> str:
    return str(rules_of(function, table)[column].iloc[0])


def theme_of(function: str, table: pd.DataFrame) -> str:
    """The theme of a COFOG function: its group's row, else its division's."""
    return _lookup(function, table, "theme")


def driver_of(function: str, table: pd.DataFrame) -> str:
    """The driver that apportions a function's top-down amounts."""
    return _lookup(function, table, "driver")


def assign_themes(spend: pd.DataFrame, table: pd.DataFrame, driver_totals: dict | None = None) -> pd.DataFrame:
    """Add ``theme`` and ``driver`` to a spend table, splitting the rows of split functions.

    Parameters
    ----------
    spend : pandas.DataFrame
        With ``function`` and ``amount_pence``; an optional ``theme`` (and
        ``driver``) column per row overrides the table.
    table : pandas.DataFrame
        From :func:`load_themes`.
    driver_totals : dict, optional
        The place's total of each driver, for splits ``by driver``; without
        it such a split is made in equal parts and ``attrs["notes"]`` says so.

    Returns
    -------
    pandas.DataFrame
        One row per input row, or one per part of a split row (amounts in
        whole pence, adding up to the row's exactly).
    """
    import pandas as pd

    out = spend.copy()
    notes: list[str] = []
    own_theme = out["theme"].fillna("").astype(str).str.strip() if "theme" in out else pd.Series("", index=out.index)
    own_driver = (
        out["driver"].fillna("").astype(str).str.strip().str.lower()
        if "driver" in out
        else pd.Series("", index=out.index)
    )
    rules = {f: rules_of(f, table) for f in out["function"].unique()}
    first = {f: _first_rule(table, f) for f in rules}
    out["theme"] = own_theme.where(own_theme != "", out["function"].map({f: r.theme for f, r in first.items()}))
    out["driver"] = own_driver.where(own_driver != "", out["function"].map({f: r.driver for f, r in first.items()}))
    split_functions = {f for f, r in rules.items() if len(r) > 1}
    to_split = out["function"].isin(split_functions) & (own_theme == "") & (own_driver == "")
    if not to_split.any():
        out.attrs["notes"] = notes
        return out
    pieces = [out[~to_split]]
    weights_of: dict[str, np.ndarray] = {}
    for function in split_functions:
        parts = rules[function]
        if (parts["share"] == "driver").all():
            totals = [float((driver_totals or {}).get(d, np.nan)) for d in parts["driver"]]
            if not np.isfinite(totals).all() or not sum(totals) > 0:
                notes.append(f"Function {function} split equally between {', '.join(parts.theme)} (no driver totals).")
                totals = [1.0] * len(parts)
            weights_of[function] = np.array(totals, dtype=float)
        else:
            weights_of[function] = parts["share"].astype(float).to_numpy()
    rows = out[to_split]
    expanded = []
    for index, function, pence in zip(rows.index, rows["function"], rows["amount_pence"], strict=True):
        parts = rules[function]
        amounts = largest_remainder(int(pence), weights_of[function]) if pence else np.zeros(len(parts), np.int64)
        for part, amount in zip(parts.itertuples(), amounts, strict=True):
            expanded.append((index, part.theme, part.driver, int(amount)))
    frame = pd.DataFrame(expanded, columns=["_row", "theme", "driver", "amount_pence"])
    base = rows.drop(columns=["theme", "driver", "amount_pence"]).loc[frame["_row"]].reset_index(drop=True)
    split = pd.concat([base, frame.drop(columns="_row")], axis=1)[out.columns]
    pieces.append(split)
    result = pd.concat(pieces, ignore_index=True)
    result["amount_pence"] = result["amount_pence"].astype("int64")
    result.attrs["notes"] = notes
    return result
