"""Writing CSV files that a spreadsheet opens as data, never as formulas (OWASP "CSV Injection").

Names in the outputs come from the user's files: themes and agencies from a
spend file, ward names from ``--wards``. A cell such as ``=cmd|' /C calc'!A0``
or ``@SUM(1)`` would reach an analyst's spreadsheet as a formula. As OWASP
recommends, every text cell (and column name) that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return, and is not a number, is prefixed with
a single quote: the spreadsheet shows it as text. Numbers (``-12.50``,
``+3``, ``-1e5``) are left alone, and so is every numeric column.

Every CSV the project writes goes through :func:`write_csv` (a test holds
the package and the notebooks to it).

Examples
--------
>>> neutralise("=cmd|' /C calc'!A0"), neutralise("@SUM(1)"), neutralise("-12.50"), neutralise("Margate")
("'=cmd|' /C calc'!A0", "'@SUM(1)", '-12.50', 'Margate')
>>> neutralise(neutralise("+1+1"))  # idempotent
"'+1+1"
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: The first characters a spreadsheet reads as the start of a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(,\d{3})*|\d*)(\.\d+)?([eE][+-]?\d+)?$")


def is_number(text: str) -> bool:
    """Whether ``text`` is a plain number (``-12.50``, ``+3``, ``1,234.5``, ``-1e5``), which is left as it is.

    Examples
    --------
    >>> is_number("-12.50"), is_number("+3"), is_number("-1e5"), is_number("-"), is_number("-1+1")
    (True, True, True, False, False)
    """
    return bool(_NUMBER.match(text)) and any(c.isdigit() for c in text)


def neutralise(value: object) -> object:
    """A text cell made safe for a spreadsheet: ``'`` before a formula start; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not is_number(value):
        return "'" + value
    return value


def _has_formula(values) -> bool:
    """Whether :func:`neutralise` would change any of ``values`` (a loop over the cells, without a Series)."""
    return any(isinstance(v, str) and v.startswith(FORMULA_STARTS) and not is_number(v) for v in values)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell, column name and index label neutralised (a copy when anything changes).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"ward_name": ["=1+1", "Margate"], "amount_gbp": [-5.0, 2.5]})
    >>> safe_frame(frame).to_dict("list")
    {'ward_name': ["'=1+1", 'Margate'], 'amount_gbp': [-5.0, 2.5]}
    """
    import pandas as pd

    out = frame
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)) and not isinstance(
            series.dtype, pd.CategoricalDtype
        ):
            continue
        if isinstance(series.dtype, pd.StringDtype):
            starts = series.str.startswith(FORMULA_STARTS, na=False).to_numpy(dtype=bool)
            if not starts.any() or not _has_formula(series.to_numpy(dtype=object)[starts]):
                continue  # nothing to neutralise (almost every column; negative amounts are numbers): no copy, no map
        elif not _has_formula(series.to_numpy(dtype=object)):
            continue  # nothing to neutralise (almost every column): no copy, no map
        values = series.astype(object)
        changed = values.map(neutralise)
        if not values.equals(changed):
            if out is frame:
                out = frame.copy()
            out.isetitem(position, changed)
    names = [neutralise(c) for c in out.columns]
    if names != list(out.columns):
        out = out.copy() if out is frame else out
        out.columns = names
    if not isinstance(out.index, pd.RangeIndex):
        labels = out.index.map(lambda v: tuple(neutralise(x) for x in v) if isinstance(v, tuple) else neutralise(v))
        if not labels.equals(out.index):
            out = out.copy() if out is frame else out
            out.index = labels
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, *, index: bool = False, **options) -> Path:
    """Write ``frame`` as CSV with every text cell neutralised, atomically (a temporary file, then a move).

    Parameters
    ----------
    frame : pandas.DataFrame
    path : path
    index : bool
        Write the index too (as ``DataFrame.to_csv``; default False).
    **options
        More ``DataFrame.to_csv`` options; lines end with ``\\n`` unless told.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = write_csv(pd.DataFrame({"theme": ["@SUM(1)"], "amount_gbp": [-1.5]}), path)
    >>> print(path.read_text(), end="")
    theme,amount_gbp
    '@SUM(1),-1.5
    """
    path = Path(path)
    options.setdefault("lineterminator", "\n")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding=options.pop("encoding", "utf-8"), newline="") as f:
            safe_frame(frame).to_csv(f, index=index, **options)
        os.chmod(temporary, 0o666 & ~current_umask())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path


def current_umask() -> int:
    """The process's file-creation mask (read without changing it), for files made with a temporary's mode."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
