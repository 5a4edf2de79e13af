"""Reading spend counts and driver tables, with errors that name file, row, column and fix.

A **spend count** is long format, one row per amount (CSV, XLSX or
Parquet):

=============  ========  ======================================================
column         required  meaning
=============  ========  ======================================================
year           yes       financial year ``2008-09`` (``2008/09``, ``2008`` too)
agency         yes       spending body, e.g. ``Thanet District Council``
agency_type    yes       council, nhs, police, fire, dwp, central or other
area_code      yes       ward (``E05…``), LAD (``E06``–``E09…``) or ``*`` (place)
function       yes       COFOG division ``01``–``10`` or group such as ``07.1``
amount_gbp     yes       ``1234``, ``£1,234.50``, ``(1,000)`` = −1000
theme          no        overrides the theme the function maps to
transfer       no        ``yes`` for a transfer between agencies
=============  ========  ======================================================

Rows are numbered as a spreadsheet shows them: the header is row 1.
Amounts are kept as whole pence (``amount_pence``), so money is conserved
to the penny. A file is read once, in columns (:mod:`tuttotal.data.tabular`,
which also refuses absurd shapes before parsing), and each column is checked
in bulk; every sheet of a workbook that carries the columns is counted.

A **driver table** has columns ``area_code, driver, value`` (e.g.
``E05005093, population, 9012``).

Examples
--------
>>> from tuttotal.data import spend
>>> table = spend.read_spend("data/sample/spend.csv")  # doctest: +SKIP
>>> table.columns.tolist()  # doctest: +SKIP
['year', 'agency', 'agency_type', 'area_code', 'function', 'amount_pence', 'theme', 'transfer', 'row']
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal import cache
from tuttotal.data.catalogue import sha256_of
from tuttotal.data.tabular import (
    MAX_FIELD_CHARS,
    MAX_TITLE_ROWS,
    TextTable,
    check_size,
    clean_header,
    from_frame,
    is_text,
    read_table,
    scan_text,
)
from tuttotal.errors import SpendFileError, TuttotalWarning
from tuttotal.money import ONE_TRILLION_PENCE, parse_amount

_ENTRIES = cache.Disk("spend", "spend")  # validated tables of spend files, by their SHA-256 and the readers' code

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

REQUIRED = ("year", "agency", "agency_type", "area_code", "function", "amount_gbp")
OPTIONAL = ("theme", "transfer")
AGENCY_TYPES = ("council", "nhs", "police", "fire", "dwp", "central", "other")
DRIVER_COLUMNS = ("area_code", "driver", "value")
SPEND_COLUMNS = [
    "year",
    "agency",
    "agency_type",
    "area_code",
    "function",
    "amount_pence",
    "theme",
    "transfer",
    "row",
]

_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$")
_YEAR_SINGLE = re.compile(r"^(\d{4})(\.0+)?$")
_FUNCTION = re.compile(r"^0?([1-9]|10)(?:\.(\d)(?:\.(\d))?)?$")
_TRUE = {"yes", "y", "true", "1", "t"}
_FALSE = {"", "no", "n", "false", "0", "f"}


def parse_year(text: str) -> str:
    """Normalise a financial year to ``2008-09``.

    Examples
    --------
    >>> parse_year("2008/09"), parse_year("2008"), parse_year("2009-2010")
    ('2008-09', '2008-09', '2009-10')
    """
    s = str(text).strip()
    if m := _YEAR_RANGE.match(s):
        start, end = int(m.group(1)), int(m.group(2))
        if end % 100 != (start + 1) % 100:
            raise ValueError("is not a financial year (the second year must follow the first)")
        return f"{start}-{(start + 1) % 100:02d}"
    if m := _YEAR_SINGLE.match(s):
        start = int(m.group(1))
        return f"{start}-{(start + 1) % 100:02d}"
    raise ValueError("is not a financial year")


def parse_function(text: str) -> str:
    """Normalise a COFOG division, group or class: ``7`` → ``07``, ``7.1`` → ``07.1``, ``4.1.2`` → ``04.1.2``.

    Examples
    --------
    >>> parse_function("7"), parse_function("07.1"), parse_function("10"), parse_function("4.1.2")
    ('07', '07.1', '10', '04.1.2')
    """
    s = str(text).strip()
    m = _FUNCTION.match(s)
    if not m:
        raise ValueError("is not a COFOG function (01 to 10, or a group such as 07.1)")
    division = f"{int(m.group(1)):02d}"
    group, klass = m.group(2), m.group(3)
    if group in (None, "0"):
        return division
    return f"{division}.{group}" if klass in (None, "0") else f"{division}.{group}.{klass}"


def _parse_agency_type(text: str) -> str:
    s = str(text).strip().lower()
    if s not in AGENCY_TYPES:
        raise ValueError("is not an agency type")
    return s


def _parse_text(text: str) -> str:
    s = str(text).strip()
    if not s:
        raise ValueError("is blank")
    return s


def _parse_area_code(text: str) -> str:
    return _parse_text(text).upper()


def _parse_transfer(text: str) -> bool:
    s = str(text).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError("is not yes or no")


def _parse_amount(text: str) -> int:
    pence = parse_amount(text, whole_pence=True)  # a sub-penny amount is refused by row, never rounded unseen
    if abs(pence) > ONE_TRILLION_PENCE:
        raise ValueError("is over £1 trillion, more than any place spends")
    return pence


_FIXES = {
    "year": "write financial years as 2008-09 (2008/09 and 2008 are read too)",
    "agency": "name the spending body, e.g. 'Thanet District Council'",
    "agency_type": "use one of " + ", ".join(AGENCY_TYPES),
    "area_code": "give a ward code (E05…), a LAD code (E06–E09…) or * for the whole place",
    "function": "use a COFOG division 01 to 10 (or a group such as 07.1)",
    "amount_gbp": "write a number of pounds such as 1234.50, £1,234.50, or (1,000) for -1000",
    "transfer": "write yes or no (or leave blank for no)",
    "value": "give a number of zero or more (e.g. a population)",
    "driver": "name the driver, e.g. population, households, claimants, pupils",
}

_PARSERS: dict[str, Callable[[str], object]] = {
    "year": parse_year,
    "agency": _parse_text,
    "agency_type": _parse_agency_type,
    "area_code": _parse_area_code,
    "function": parse_function,
    "amount_gbp": _parse_amount,
    "transfer": _parse_transfer,
}


_clean_header = clean_header

#: The most a spend table's amounts may add up to, in absolute pence: what a 64-bit integer holds, less a margin.
MAX_TOTAL_PENCE = 9_200_000_000_000_000_000


def _column_index(header: list[str], required: tuple[str, ...], path: Path) -> dict[str, int]:
    import difflib

    cleaned = [_clean_header(h) for h in header]
    index = {name: i for i, name in reversed(list(enumerate(cleaned)))}
    missing = [c for c in required if c not in index]
    if missing:
        hints = []
        for name in missing:
            close = difflib.get_close_matches(name, cleaned, n=1, cutoff=0.6)
            if close:
                hints.append(f"rename '{header[cleaned.index(close[0])]}' to '{name}'")
        raise SpendFileError(
            f"the required column(s) {', '.join(missing)} are missing; the columns found are "
            f"{[h for h in header if h]}",
            file=path,
            column=missing[0],
            fix="; ".join(hints) if hints else "add the column(s); the schema is " + ", ".join(required),
        )
    return index


def _fail(table: TextTable, column: str, problems: list[tuple[int, str, str]], count: int) -> SpendFileError:
    """The error for a column's bad values: the first row in full, the count and the next rows by number."""
    first, value, reason = problems[0]
    where, row = table.where(first)
    more = ""
    if count > 1:
        others = ", ".join(_row_label(table, i) for i, _, _ in problems[1:6])
        ellipsis = ", …" if count > 6 else ""
        more = f"; {count - 1} more row(s) have the same problem (rows {others}{ellipsis})"
    return SpendFileError(f"{reason}{more}", file=where, row=row, column=column, value=value, fix=_FIXES.get(column))


def _row_label(table: TextTable, i: int) -> str:
    _, row = table.where(i)
    return f"{row} of sheet '{table.sheets[i]}'" if table.sheets is not None else str(row)


def _by_value(table: TextTable, i: int, parser: Callable[[str], object], kind=None) -> tuple[pa.Array, list, int]:
    """Parse a column value by value (each distinct value once): Arrow values, first problems, problem count."""
    import numpy as np
    import pyarrow as pa

    encoded = table.columns[i].dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
    results: list = []
    reasons: dict[int, str] = {}
    for j, text in enumerate(distinct):
        try:
            results.append(parser(text))
        except ValueError as exc:
            results.append(None)
            reasons[j] = str(exc)
    values = pa.array(results, type=kind or pa.string()).take(encoded.indices)
    if not reasons:
        return values, [], 0
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    bad = np.flatnonzero(np.isin(codes, np.fromiter(reasons, dtype=codes.dtype)))
    problems = [(int(k), distinct[codes[k]], reasons[int(codes[k])]) for k in bad[:6]]
    return values, problems, len(bad)


_SIMPLE_AMOUNT = r"^(?P<sign>-?)(?P<whole>[0-9]{1,13})(?:\.(?P<frac>[0-9]{0,2}))?$"


def _amount_column(table: TextTable, i: int) -> tuple[np.ndarray, list, int]:
    """Amounts to pence: plain ``-1234.5`` style in bulk (Arrow), any other style value by value."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table.columns[i]
    parts = pc.extract_regex(column, _SIMPLE_AMOUNT)
    valid = parts.is_valid()
    simple = valid.to_numpy(zero_copy_only=False)
    whole = pc.cast(pc.if_else(valid, parts.field("whole"), "0"), "int64").to_numpy(zero_copy_only=False)
    frac = pc.utf8_rpad(pc.if_else(valid, parts.field("frac"), ""), width=2, padding="0")
    pence = whole * 100 + pc.cast(frac, "int64").to_numpy(zero_copy_only=False)
    negative = pc.equal(parts.field("sign"), "-").to_numpy(zero_copy_only=False)
    pence = np.where(negative & simple, -pence, pence)
    problems: list = []
    count = 0
    if not simple.all():
        rest = np.flatnonzero(~simple)
        sub = TextTable(table.path, table.header, [column.take(rest)], table.rows[rest])
        values, sub_problems, count = _by_value(sub, 0, _parse_amount, pa.int64())
        problems = [(int(rest[k]), value, reason) for k, value, reason in sub_problems]
        pence[rest] = pc.fill_null(values, 0).to_numpy(zero_copy_only=False)
    over = np.flatnonzero(np.abs(pence) > ONE_TRILLION_PENCE)
    if over.size:
        texts = column.take(over[:6]).to_pylist()
        extra = [
            (int(k), t, "is over £1 trillion, more than any place spends") for k, t in zip(over[:6], texts, strict=True)
        ]
        problems = sorted(problems + extra)[:6]
        count += int(over.size)
    return pence, problems, count


def _check_field_sizes(table: TextTable) -> None:
    import numpy as np
    import pyarrow.compute as pc

    for name, column in zip(table.header, table.columns, strict=True):
        if not len(column):
            continue
        lengths = pc.utf8_length(column)
        if pc.max(lengths).as_py() > MAX_FIELD_CHARS:
            first = int(np.argmax(lengths.to_numpy(zero_copy_only=False) > MAX_FIELD_CHARS))
            where, row = table.where(first)
            raise SpendFileError(
                f"a value is over {MAX_FIELD_CHARS:,} characters long ({pc.max(lengths).as_py():,}): "
                "not a table of spend",
                file=where,
                row=row,
                column=_clean_header(name) or None,
                fix="check the file: names, codes and amounts are short (an unclosed quote joins many values into one)",
            )


def _without_blank_and_repeated_headers(table: TextTable, index: dict[str, int]) -> TextTable:
    """Drop blank rows and copies of the header row (warned), checked in bulk (Arrow), not cell by cell."""
    import numpy as np
    import pyarrow.compute as pc

    blank = np.ones(len(table), dtype=bool)
    for column in table.columns:
        blank &= pc.equal(pc.utf8_trim_whitespace(column), "").to_numpy(zero_copy_only=False)
        if not blank.any():
            break
    header_clean = [_clean_header(h) for h in table.header]
    repeated = np.ones(len(table), dtype=bool)
    for i, column in enumerate(table.columns):  # a row is a header when every cell cleans to the header's name
        cleaned = pc.utf8_lower(pc.utf8_trim_whitespace(pc.replace_substring(column, "\ufeff", "")))
        cleaned = pc.replace_substring_regex(cleaned, r"[\s\-]+", "_")
        repeated &= pc.equal(cleaned, header_clean[i]).to_numpy(zero_copy_only=False)
        if not repeated.any():
            break
    if repeated.any():
        skipped = [_row_label(table, int(k)) for k in np.flatnonzero(repeated)[:5]]
        warnings.warn(
            f"{table.path}: header row repeated at row(s) [{', '.join(skipped)}]: skipped",
            TuttotalWarning,
            stacklevel=4,
        )
    drop = blank | repeated
    return table.take(~drop) if drop.any() else table


def _parse_columns(table: TextTable, columns: dict[str, Callable]) -> dict[str, object]:
    """Check and parse each column of the schema, in bulk; the first bad column raises with its rows."""
    import pyarrow as pa

    kinds = {"transfer": pa.bool_(), "value": pa.float64()}  # text otherwise
    index = _column_index(table.header, tuple(c for c in columns if c not in OPTIONAL), table.path)
    _check_field_sizes(table)
    table = _without_blank_and_repeated_headers(table, index)
    parsed: dict[str, object] = {"_table": table}
    for column, parser in columns.items():
        if column not in index:
            continue
        if column == "amount_gbp":
            values, problems, count = _amount_column(table, index[column])
        else:
            values, problems, count = _by_value(table, index[column], parser, kinds.get(column))
        if problems:
            raise _fail(table, column, problems, count)
        parsed[column] = values
    parsed["row"] = table.rows
    return parsed


def read_spend(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate a spend count (CSV, XLSX or Parquet), in columns, parsed once per file.

    A CSV is read by ``pyarrow.csv`` and checked column by column (each
    distinct value once, amounts in bulk); every sheet of a workbook that
    carries the spend columns is read. The validated table is kept in the
    cache folder under the file's SHA-256, so the check before a run and
    the run itself parse the file once.

    Parameters
    ----------
    path : path
        The file. CSV may be UTF-8 (with or without BOM) or Windows-1252,
        comma-, semicolon- or tab-delimited. Limits: see :mod:`tuttotal.data.tabular`.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, agency, agency_type, area_code, function,
        amount_pence, theme, transfer, row`` (and ``sheet`` for a workbook
        of several data sheets); ``attrs["source"]`` and
        ``attrs["encoding"]`` (or ``attrs["sheet"]``/``attrs["sheets"]``) say
        where it came from.

    Raises
    ------
    SpendFileError
        Naming the file (and sheet), the row (as a spreadsheet numbers it),
        the column, the value and the fix, for the first bad value of a
        column; or a file whose shape is absurd (see :mod:`tuttotal.data.tabular`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "spend.csv"
    >>> _ = f.write_text(
    ...     "year,agency,agency_type,area_code,function,amount_gbp\\n"
    ...     "2008-09,Thanet District Council,council,E07000114,06,\\"£1,234.50\\"\\n")
    >>> read_spend(f)[["area_code", "amount_pence"]].to_dict("records")
    [{'area_code': 'E07000114', 'amount_pence': 123450}]
    """

    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "no such file"
        raise SpendFileError(what, file=path, fix="check the path")
    check_size(path)  # before reading a byte
    scan = scan_text(path) if is_text(path) else None  # NUL bytes, long lines and the SHA-256, in one pass
    cached = _cache_entry(path, scan["sha256"] if scan else None)
    if cached is not None and cached[1].is_file():
        table = _read_cached(cached[1], path)
        if table is not None:
            _release_arrow_memory()  # the decompression's buffers
            return table
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TuttotalWarning)
        data, attrs = _spend_from_text(read_table(path, REQUIRED, scan))
    messages = [str(w.message) for w in caught if issubclass(w.category, TuttotalWarning)]
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if cached is not None:
        _write_cached(cached[1], data, attrs, messages)
    table = _to_frame(data, attrs)
    del data
    _release_arrow_memory()
    return table


def _release_arrow_memory() -> None:
    """Give the memory Arrow kept for the text columns back to the system (a big file's is hundreds of MB)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _cache_entry(path: Path, sha256: str | None = None) -> tuple[str, Path] | None:
    """Where the validated table of ``path`` is kept: named by its SHA-256 and the readers' code."""
    try:
        key = f"{sha256 or sha256_of(path)}-{cache.code_hash(__file__)[:16]}"  # spend.py and all it imports
        return key, _ENTRIES.path(f"{key}.arrow")
    except OSError:
        return None


def _read_cached(entry: Path, path: Path) -> pd.DataFrame | None:
    import json

    import pyarrow.feather as feather

    try:
        data = feather.read_table(entry, memory_map=False)
        meta = json.loads(data.schema.metadata[b"tuttotal"])
        table = _to_frame(data.replace_schema_metadata(None), {**meta["attrs"], "source": str(path)})
    except Exception:  # a damaged entry is parsed again and rewritten
        return None
    for message in meta["warnings"]:
        warnings.warn(message.replace(meta["attrs"].get("source", ""), str(path)), TuttotalWarning, stacklevel=3)
    return table


def _to_frame(data: pa.Table, attrs: dict) -> pd.DataFrame:
    """The spend table as pandas: text columns as pandas' default strings, ``theme`` as objects."""
    import numpy as np
    import pandas as pd

    # ``theme`` as objects, each distinct theme one shared Python string (not one per row).
    theme = data.column("theme").combine_chunks().dictionary_encode()
    table = data.drop_columns(["theme"]).to_pandas()
    distinct = np.empty(len(theme.dictionary), dtype=object)
    distinct[:] = theme.dictionary.to_pylist()
    codes = theme.indices.to_numpy(zero_copy_only=False)
    table.insert(SPEND_COLUMNS.index("theme"), "theme", pd.Series(distinct[codes], index=table.index, dtype=object))
    table.attrs.update(attrs)
    return table


def _write_cached(entry: Path, data: pa.Table, attrs: dict, messages: list[str]) -> None:
    import json

    import pyarrow as pa
    import pyarrow.feather as feather

    try:
        meta = {"attrs": attrs, "warnings": messages}
        data = data.replace_schema_metadata({**(data.schema.metadata or {}), b"tuttotal": json.dumps(meta).encode()})
        # Arrow IPC: written and read in a blink
        cache.write_atomic(entry, lambda temporary: feather.write_feather(data, temporary, compression="lz4"))
    except (OSError, pa.ArrowException, TypeError, ValueError):
        pass  # a cache that cannot be written only costs a second parse


def parse_table(frame: pd.DataFrame, source: str = "table") -> pd.DataFrame:
    """Validate an in-memory table in the file schema, exactly as :func:`read_spend` does a file.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"year": ["2008"], "agency": ["PCT"], "agency_type": ["nhs"],
    ...                       "area_code": ["*"], "function": ["7"], "amount_gbp": ["1,000"]})
    >>> parse_table(frame)[["year", "function", "amount_pence"]].to_dict("records")
    [{'year': '2008-09', 'function': '07', 'amount_pence': 100000}]
    """
    return _to_frame(*_spend_from_text(from_frame(frame, source)))


def _check_total(table: TextTable, pence: np.ndarray) -> None:
    """Refuse amounts whose sum would not fit in 64-bit whole pence (every sum of the count must)."""
    import numpy as np

    running = np.cumsum(np.abs(pence).astype(np.float64))
    if len(running) and running[-1] > MAX_TOTAL_PENCE:
        first = int(np.argmax(running > MAX_TOTAL_PENCE))
        where, row = table.where(first)
        raise SpendFileError(
            f"the amounts add up to more than £{MAX_TOTAL_PENCE // 100:,} by this row, beyond what the count "
            "can hold in whole pence",
            file=where,
            row=row,
            column="amount_gbp",
            fix="check the amounts (pounds, not pence?); no place spends this much",
        )


def _spend_from_text(text: TextTable) -> tuple[pa.Table, dict]:
    """Check every column of a table read as text; the spend table (Arrow) and its ``attrs``."""
    import numpy as np
    import pyarrow as pa

    path = text.path
    columns: dict[str, Callable] = {c: _PARSERS[c] for c in REQUIRED}
    columns["theme"] = lambda s: str(s).strip()
    columns["transfer"] = _parse_transfer
    parsed = _parse_columns(text, columns)
    table_text: TextTable = parsed.pop("_table")
    n = len(parsed["row"])
    if not n:
        raise SpendFileError(
            "the file has a header but no rows of spend", file=path, fix="add at least one row of spend"
        )
    pence = parsed.pop("amount_gbp")
    _check_total(table_text, pence)
    parsed["amount_pence"] = pa.array(pence, pa.int64())
    parsed.setdefault("theme", pa.array([""] * n, pa.string()))
    parsed.setdefault("transfer", pa.array(np.zeros(n, dtype=bool)))
    parsed["row"] = pa.array(parsed["row"], pa.int64())
    if table_text.sheets is not None:
        parsed["sheet"] = pa.array(table_text.sheets.tolist(), pa.string())
    data = pa.table({c: parsed[c] for c in [*SPEND_COLUMNS, *(["sheet"] if "sheet" in parsed else [])]})
    negative = pence < 0
    if negative.any():
        first = int(negative.argmax())
        warnings.warn(
            f"{path}: {int(negative.sum())} negative amount(s), the first on row {_row_label(table_text, first)}: "
            "kept as refunds or income",
            TuttotalWarning,
            stacklevel=3,
        )
    _note_lower_case_codes(table_text)
    for sheet in text.info.get("sheets_skipped", []):
        warnings.warn(
            f"{path}: sheet '{sheet}' has no header row with the spend columns ({', '.join(REQUIRED)}) in its "
            f"first {MAX_TITLE_ROWS + 1} rows that are not blank: not counted",
            TuttotalWarning,
            stacklevel=3,
        )
    return data, {"source": str(path), **text.info}


def _note_lower_case_codes(table: TextTable) -> None:
    """Warn when area codes are in lower case: they are read in upper case (``e05005093`` is ward ``E05005093``)."""
    import numpy as np
    import pyarrow.compute as pc

    cleaned = [_clean_header(h) for h in table.header]
    if "area_code" not in cleaned:
        return
    lower = pc.match_substring_regex(table.columns[cleaned.index("area_code")], "[a-z]")
    lower = np.asarray(pc.fill_null(lower, False).to_numpy(zero_copy_only=False), dtype=bool)
    if lower.any():
        first = int(lower.argmax())
        warnings.warn(
            f"{table.path}: {int(lower.sum())} area code(s) are in lower case, the first on row "
            f"{_row_label(table, first)} ({table.columns[cleaned.index('area_code')][first].as_py()!r}): "
            "read in upper case",
            TuttotalWarning,
            stacklevel=4,
        )


def _parse_driver_value(text: str) -> float:
    s = str(text).strip().replace(",", "")
    try:
        value = float(s)
    except ValueError:
        raise ValueError("is not a number") from None
    if value != value or value < 0 or value == float("inf"):
        raise ValueError("must be a number of zero or more")
    return value


def read_drivers(path: str | os.PathLike) -> pd.DataFrame:
    """Read a driver table: ``area_code, driver, value`` (values zero or more).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "drivers.csv"
    >>> _ = f.write_text("area_code,driver,value\\nE05005093,population,\\"9,012\\"\\n")
    >>> read_drivers(f).to_dict("records")
    [{'area_code': 'E05005093', 'driver': 'population', 'value': 9012.0}]
    """
    import pyarrow as pa

    path = Path(path)
    text = read_table(path, DRIVER_COLUMNS)
    parsed = _parse_columns(
        text,
        {
            "area_code": _parse_area_code,
            "driver": lambda s: _parse_text(s).lower(),
            "value": _parse_driver_value,
        },
    )
    parsed.pop("_table")
    if not len(parsed["row"]):
        raise SpendFileError("the driver table has no rows", file=path, fix="add rows: area_code, driver, value")
    parsed["row"] = pa.array(parsed["row"], pa.int64())
    table = pa.table({c: parsed[c] for c in (*DRIVER_COLUMNS, "row")}).to_pandas()
    dup = table[table.duplicated(["area_code", "driver"], keep="first")]
    if len(dup):
        first = dup.iloc[0]
        raise SpendFileError(
            f"the {first.driver} of {first.area_code} is given twice",
            file=path,
            row=int(first.row),
            column="area_code",
            fix="give each area one value per driver",
        )
    _check_driver_sums(table, path)
    table.attrs.update(source=str(path), **text.info)
    return table.drop(columns="row")


def _check_driver_sums(table: pd.DataFrame, path: Path) -> None:
    """Refuse a driver whose values add up past what a float holds (``1e308`` twice is infinite).

    Shares are value / sum: an infinite sum gives every area a share of 0 (or
    NaN), and the money would vanish. Named: the row at which the sum first
    overflows.
    """
    import numpy as np

    for driver, rows in table.groupby("driver", sort=False):
        with np.errstate(over="ignore"):
            running = np.cumsum(rows["value"].to_numpy(dtype=float))
        over = np.flatnonzero(~np.isfinite(running))
        if len(over):
            row = rows.iloc[int(over[0])]
            raise SpendFileError(
                f"the values of driver {driver!r} add up past the largest number a float holds (about 1.8e308)",
                file=path,
                row=int(row.row),
                column="value",
                value=float(row.value),
                fix="give the driver in its real units (people, households, pupils): shares are value / sum",
            )


def check_spend_file(path: str | os.PathLike, wards: pd.DataFrame) -> None:
    """Check a spend file before a run: read and validate it (filling the cache the run reads) and its wards.

    The table is dropped and its memory given back, so that the process that
    checks (the command, a batch worker) stays small while the run counts.

    Raises
    ------
    SpendFileError
        As :func:`read_spend` and :func:`check_ward_vintage`.
    """
    import gc

    check_ward_vintage(read_spend(path), wards)
    gc.collect()
    _release_arrow_memory()


def check_ward_vintage(spend: pd.DataFrame, wards: pd.DataFrame) -> None:
    """Refuse a spend count whose ward codes are mostly not wards of the boundaries: another vintage.

    A few unknown codes are reported by the count's reconciliation; most of
    them unknown means the spend and the boundaries are of different ward
    vintages, and the count would place almost nothing.

    Raises
    ------
    SpendFileError
        Naming the file, the first row with an unknown ward code, and the fix.
    """
    ward_like = spend[spend["area_code"].str.match(r"^[EWSN]05\d{6}$")]
    if not len(ward_like):
        return
    codes = set(ward_like["area_code"])
    unknown = sorted(codes - set(wards["ward_code"]))
    if len(unknown) * 2 <= len(codes):
        return
    first = ward_like[ward_like["area_code"].isin(unknown)].iloc[0]
    source = spend.attrs.get("source")
    if "sheet" in spend:  # a workbook of several data sheets: name the sheet too
        source = f"{source} (sheet '{first['sheet']}')"
    vintage = wards.attrs.get("vintage", "")
    raise SpendFileError(
        f"{len(unknown)} of the {len(codes)} ward codes in the spend are not wards of the boundaries"
        f"{f' ({vintage} vintage)' if vintage else ''}, e.g. {', '.join(unknown[:3])}: "
        "the spend and the boundaries look like two ward vintages",
        file=source,
        row=int(first["row"]),
        column="area_code",
        value=first["area_code"],
        fix="give boundaries of the spend's vintage with --wards FILE, or recode the spend to the boundaries' wards",
    )
