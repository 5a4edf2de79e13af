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
to the penny.

A **driver table** has columns ``area_code, driver, value`` (e.g.
``E05005093, population, 9012``).

Examples
--------
>>> from tuttotal import spend
>>> table = spend.read_spend("data/sample/spend.csv")  # doctest: +SKIP
>>> table.columns.tolist()  # doctest: +SKIP
['year', 'agency', 'agency_type', 'area_code', 'function', 'amount_pence', 'theme', 'transfer', 'row']
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SpendFileError, TuttotalWarning
from .money import ONE_TRILLION_PENCE, parse_amount

if TYPE_CHECKING:
    import pandas as pd

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
    pence = parse_amount(text)
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


def _clean_header(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).replace("\ufeff", "").strip().lower())


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # A UK council's export from Excel on Windows: '£' is byte 0xA3.
        return data.decode("cp1252", errors="replace"), "cp1252"


def _read_csv_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], dict]:
    text, encoding = _decode(path.read_bytes(), path)
    first_line = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    row_number = 0
    for fields in reader:
        row_number += 1
        if not any(f.strip() for f in fields):
            continue
        if header is None:
            header = fields
            continue
        rows.append((row_number, fields))
    if header is None:
        raise SpendFileError(
            "the file is empty", file=path, fix="give a table with a header row: " + ", ".join(REQUIRED)
        )
    return header, rows, {"encoding": encoding, "delimiter": delimiter}


def _read_excel_rows(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, list[str]]], dict]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise SpendFileError(f"cannot be opened as an Excel workbook ({exc})", file=path) from None
    seen = {}
    for sheet in book.worksheets:
        cells = sheet.iter_rows(values_only=True)
        header = None
        rows = []
        for number, values in enumerate(cells, start=1):
            fields = ["" if v is None else (str(v) if not isinstance(v, float) else repr(v)) for v in values]
            if not any(f.strip() for f in fields):
                continue
            if header is None:
                header = fields
                seen[sheet.title] = [_clean_header(h) for h in header if h]
                if not set(required) <= set(seen[sheet.title]):
                    break
                continue
            rows.append((number, fields))
        else:
            if header is not None:
                return header, rows, {"sheet": sheet.title}
    raise SpendFileError(
        "no sheet has the columns " + ", ".join(required) + f"; sheets and their columns: {seen}",
        file=path,
        fix="put the table on one sheet with a header row of those columns",
    )


def _read_parquet_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], dict]:
    import pandas as pd

    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise SpendFileError(f"cannot be read as Parquet ({exc})", file=path) from None

    def text(v: object) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return ""
        return repr(v) if isinstance(v, float) else str(v)

    rows = [(i + 1, [text(v) for v in rec]) for i, rec in enumerate(frame.itertuples(index=False))]
    return [str(c) for c in frame.columns], rows, {}


def read_rows(path: str | os.PathLike, required: tuple[str, ...] = REQUIRED):
    """Read any table file to a header and ``(row number, fields)`` pairs of text."""
    path = Path(path)
    if not path.is_file():
        raise SpendFileError("no such file", file=path, fix="check the path")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_excel_rows(path, required)
    if suffix in {".parquet", ".pq"}:
        return _read_parquet_rows(path)
    return _read_csv_rows(path)


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


def _fail(path: Path, column: str, problems: list[tuple[int, str, str]]) -> SpendFileError:
    row, value, reason = problems[0]
    more = ""
    if len(problems) > 1:
        others = ", ".join(str(r) for r, _, _ in problems[1:6])
        ellipsis = ", …" if len(problems) > 6 else ""
        more = f"; {len(problems) - 1} more row(s) have the same problem (rows {others}{ellipsis})"
    return SpendFileError(f"{reason}{more}", file=path, row=row, column=column, value=value, fix=_FIXES.get(column))


def _parse_columns(path: Path, header, rows, columns: dict[str, Callable]) -> dict[str, list]:
    index = _column_index(header, tuple(c for c in columns if c not in OPTIONAL), path)
    parsed: dict[str, list] = {}
    header_clean = [_clean_header(h) for h in header]
    repeated = [[_clean_header(x) for x in f[: len(header)]] == header_clean for _, f in rows]
    body = [r for r, is_header in zip(rows, repeated, strict=True) if not is_header]
    if len(body) < len(rows):
        skipped = [n for (n, _), is_header in zip(rows, repeated, strict=True) if is_header]
        warnings.warn(f"{path}: header row repeated at row(s) {skipped[:5]}: skipped", TuttotalWarning, stacklevel=3)
    width = len(header)
    for number, fields in body:
        if len(fields) != width and (len(fields) < width or any(f.strip() for f in fields[width:])):
            raise SpendFileError(
                f"the row has {len(fields)} fields but the header has {width}",
                file=path,
                row=number,
                fix="put values that contain the delimiter (such as 1,000 or 'Kent, Police') in double quotes",
            )
    for column, parser in columns.items():
        if column not in index:
            continue
        i = index[column]
        values, problems = [], []
        for number, fields in body:
            raw = fields[i] if i < len(fields) else ""
            try:
                values.append(parser(raw))
            except ValueError as exc:
                problems.append((number, raw, str(exc)))
        if problems:
            raise _fail(path, column, problems)
        parsed[column] = values
    parsed["row"] = [n for n, _ in body]
    return parsed


def read_spend(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate a spend count (CSV, XLSX or Parquet).

    Parameters
    ----------
    path : path
        The file. CSV may be UTF-8 (with or without BOM) or Windows-1252,
        comma-, semicolon- or tab-delimited.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, agency, agency_type, area_code, function,
        amount_pence, theme, transfer, row``; ``attrs["source"]`` and
        ``attrs["encoding"]`` say where it came from.

    Raises
    ------
    SpendFileError
        Naming the file, the row (as a spreadsheet numbers it), the column,
        the value and the fix, for the first bad value of a column.

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
    header, rows, info = read_rows(path, REQUIRED)
    return _spend_from_rows(path, header, rows, info)


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
    header = [str(c) for c in frame.columns]
    rows = [
        (i + 2, ["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in record])
        for i, record in enumerate(frame.itertuples(index=False))
    ]
    return _spend_from_rows(Path(source), header, rows, {})


def _spend_from_rows(path: Path, header: list[str], rows: list, info: dict) -> pd.DataFrame:
    import pandas as pd

    if not rows:
        raise SpendFileError(
            "the file has a header but no rows of spend", file=path, fix="add at least one row of spend"
        )
    columns: dict[str, Callable] = {c: _PARSERS[c] for c in REQUIRED}
    columns["theme"] = lambda s: str(s).strip()
    columns["transfer"] = _parse_transfer
    parsed = _parse_columns(path, header, rows, columns)
    parsed["amount_pence"] = parsed.pop("amount_gbp")
    n = len(parsed["row"])
    parsed.setdefault("theme", [""] * n)
    parsed.setdefault("transfer", [False] * n)
    table = pd.DataFrame({c: parsed[c] for c in SPEND_COLUMNS})
    table["amount_pence"] = table["amount_pence"].astype("int64")
    table["theme"] = table["theme"].astype(object)
    negative = table[table.amount_pence < 0]
    if len(negative):
        warnings.warn(
            f"{path}: {len(negative)} negative amount(s), the first on row {negative.row.iloc[0]}: "
            "kept as refunds or income",
            TuttotalWarning,
            stacklevel=3,
        )
    table.attrs.update(source=str(path), **info)
    return table


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
    import pandas as pd

    path = Path(path)
    header, rows, info = read_rows(path, DRIVER_COLUMNS)
    if not rows:
        raise SpendFileError("the driver table has no rows", file=path, fix="add rows: area_code, driver, value")
    parsed = _parse_columns(
        path,
        header,
        rows,
        {
            "area_code": _parse_area_code,
            "driver": lambda s: _parse_text(s).lower(),
            "value": _parse_driver_value,
        },
    )
    table = pd.DataFrame({c: parsed[c] for c in (*DRIVER_COLUMNS, "row")})
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
    table.attrs.update(source=str(path), **info)
    return table.drop(columns="row")


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
    vintage = wards.attrs.get("vintage", "")
    raise SpendFileError(
        f"{len(unknown)} of the {len(codes)} ward codes in the spend are not wards of the boundaries"
        f"{f' ({vintage} vintage)' if vintage else ''}, e.g. {', '.join(unknown[:3])}: "
        "the spend and the boundaries look like two ward vintages",
        file=spend.attrs.get("source"),
        row=int(first["row"]),
        column="area_code",
        value=first["area_code"],
        fix="give boundaries of the spend's vintage with --wards FILE, or recode the spend to the boundaries' wards",
    )
