"""Councils' own books: DCLG's Revenue Outturn Summary (RS) for every English authority, 2007-08 to 2016-17.

The RS gives each authority's **net current expenditure** by service, in
£ thousand: councils (counties ``SC``, districts ``SD``, unitaries ``UA``,
metropolitan districts ``MD``, London boroughs ``L``) and police, fire and
other authorities (``O``). It is revenue spending net of the service's own
income (fees, specific grants inside the service): not capital, and not
schools' own income. :func:`read_outturn` reads every year into one tidy
table; which services are read, and what each is (COFOG group, driver), is
data: ``data/outturn_services.csv`` (its ``header`` lists the header texts
a service has had, separated by `` | ``). Services are matched by their
header text, never by position, since the columns and sheets change over
the years:

* 2007-08 and 2008-09: sheets ``Net current expenditure (col 1)``,
  ``Capital charges (col 2)``, ``Net total cost (col 3)``; header row
  ``E-code, Local authority, Region, Class``; one ``Social care`` column,
  ``Court services``; the authorities **before the April 2009
  reorganisation** (Cornwall's, Durham's, Northumberland's, Shropshire's,
  Wiltshire's, Bedfordshire's and Cheshire's counties and districts);
* 2009-10 to 2014-15: sheets ``RS LA Data <year> (1)``…; 2011-12 on split
  children's and adults' social care, 2013-14 on add ``Public Health``,
  2014-15 adds ``ONS Code`` and ``Region``;
* 2015-16 on (.xlsx): one sheet ``RS LA Data <year>``, header row
  ``E-code, ONS Code, Local authority, Class``.

The sheet is the one whose title (first rows) says "net current
expenditure"; the header row is the row whose first cell is ``E-code``.
Housing benefit and council tax benefit lines are kept as services of their
own. Levies, trading accounts and other adjustments below the services are
not read as services: they are payments between bodies that are counted
where they are spent. The two totals, ``total service expenditure`` and
``net current expenditure`` (services plus benefits, levies and
adjustments), are read too (:func:`read_totals`), for bridging to other
counts.

A later RS release that a user drops into the data root's ``outturn/``
folder (a workbook whose name or sheet says ``RS`` or ``Revenue Outturn``
and a year after :data:`PINNED_YEARS`) is read the same way, by header
text; it is **not hash-pinned**, which a logged warning and the table's
``attrs["unpinned"]`` say.

Examples
--------
>>> from tuttotal.data import outturn
>>> outturn.PINNED_YEARS[0], outturn.PINNED_YEARS[-1]
('2007-08', '2016-17')
>>> table = outturn.read_outturn()
>>> kent = table[(table.e_code == "E2221") & (table.year == "2010-11")]
>>> int(kent[kent.service == "education"].amount_pence.sum()) // 100_000  # £ thousand
1180308
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal import cache, paths, settings
from tuttotal.data import sources
from tuttotal.data.catalogue import sha256_of
from tuttotal.data.tabular import check_workbook_size
from tuttotal.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

#: The RS years whose files the package pins by SHA-256 (``tuttotal/data/registry/sources.csv``).
PINNED_YEARS = (
    "2007-08",
    "2008-09",
    "2009-10",
    "2010-11",
    "2011-12",
    "2012-13",
    "2013-14",
    "2014-15",
    "2015-16",
    "2016-17",
)
#: Years before the April 2009 reorganisation (Cornwall's, Durham's … counties and districts still exist).
BEFORE_2009 = ("2007-08", "2008-09")
SHEET_TITLE = "net current expenditure"
_E_CODE = re.compile(r"^E\d{4}$")
_YEAR = re.compile(r"(20\d\d)\s*[-_/ ]\s*(\d\d)(?!\d)")
_RS_NAME = re.compile(r"(^|[^a-z])rs([^a-z]|$)|revenue[ _-]*outturn", re.IGNORECASE)
_THOUSAND_PENCE = 100_000
CLASSES = {"SC", "SD", "UA", "MD", "L", "LB", "O"}
#: Marks of "no figure" (2016-17 shows "…" for an authority that made no return and was grossed by DCLG).
NOT_AVAILABLE = ("n/a", "..", "...", "\u2026")
#: The two totals read beside the services, by header text (a suffix "(total of lines …)" is ignored).
TOTALS = {
    "total service expenditure": "total service expenditure",
    "net current expenditure": "net current expenditure",
}
_ONE_SOCIAL_CARE = ("Education services", "Social care", "Police services", "Central services")
_SPLIT_SOCIAL_CARE = (
    "Education services",
    "Children Social Care",
    "Adult Social Care",
    "Police services",
    "Central services",
)
#: Every service line the count needs each year (by header text): a year without one is a reshaped sheet.
REQUIRED = {year: _ONE_SOCIAL_CARE if year <= "2010-11" else _SPLIT_SOCIAL_CARE for year in PINNED_YEARS}


def required(year: str) -> tuple[str, ...]:
    """The header texts a year's sheet must have (a later, unpinned year: as 2016-17)."""
    return REQUIRED.get(year, _SPLIT_SOCIAL_CARE)


def function_transfers(first: str, last: str) -> dict[str, str]:
    """Service groups whose change between two years is a transfer of function, not a cut: group → what and when.

    From ``data/function_transfers.csv`` (reviewed, with sources): schools
    leaving council books as academies (from 2010-11), council tax benefit
    replaced by council tax support (2013-14), public health moving from the
    NHS to councils (2013-14). A transfer made once counts between ``first``
    and ``last`` when it took effect after ``first`` and by ``last``; an
    ongoing one (academy conversions, year after year) whenever it had begun
    by ``last``.

    Examples
    --------
    >>> sorted(function_transfers("2010-11", "2014-15"))
    ['council tax benefit', 'education', 'public health']
    >>> sorted(function_transfers("2010-11", "2012-13"))
    ['education']
    >>> function_transfers("2013-14", "2014-15")["education"][-38:]
    'not through the council (from 2010-11)'
    """
    path = paths.data_dir() / "function_transfers.csv"
    table = _transfers_table(str(path), tuple(paths.file_version(path)))
    found = {}
    for row in table.itertuples():
        if (first < row.year <= last) or (row.kind == "ongoing" and row.year <= last):
            found[row.group] = f"{row.what} (from {row.year})"
    return found


@cache.memoize("outturn-function-transfers", maxsize=2)
def _transfers_table(path: str, version: tuple) -> pd.DataFrame:
    """``data/function_transfers.csv``, read once per file version (the trend and the cuts ask place after place)."""
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False)


@cache.memoize("outturn-service-table", maxsize=1)
def service_table() -> pd.DataFrame:
    """``data/outturn_services.csv``: each RS line read, its COFOG group, driver, share and reason."""
    import pandas as pd

    path = paths.data_dir() / "outturn_services.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.attrs["source"] = str(path)
    return table


def _normal(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def header_key(text: object) -> str:
    """A header reduced for matching: lower case, one space, no "(total of lines …)", no spaces around ``-``.

    Examples
    --------
    >>> header_key("Net current expenditure(total of lines 699to748)")
    'net current expenditure'
    >>> header_key("Housing benefits: rent rebates to HRA tenants - mandatory payments")
    'housing benefits: rent rebates to hra tenants-mandatory payments'
    """
    text = _normal(text)
    text = re.sub(r"\s*\(total of lines[^)]*\)\s*$", "", text)
    return re.sub(r"\s*-\s*", "-", text)


def _headers_of(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(" | ") if part.strip()]


def column_name(index: int) -> str:
    """Spreadsheet column letters of a 0-based index: 0 → ``A``, 27 → ``AB``."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class _XlsxSheet:
    """The few reads :func:`read_year` makes, over an openpyxl worksheet (RS releases after 2015 are .xlsx)."""

    def __init__(self, sheet) -> None:
        self.name = sheet.title
        self._sheet = sheet
        self._rows: list[list] | None = None
        self._head = [list(row) for row in sheet.iter_rows(values_only=True, max_row=15)]

    @property
    def rows(self) -> list[list]:
        if self._rows is None:
            self._rows = [list(row) for row in self._sheet.iter_rows(values_only=True)]
        return self._rows

    @property
    def nrows(self) -> int:
        return len(self.rows)

    def cell_value(self, r: int, c: int):
        rows = self._head if r < len(self._head) and self._rows is None else self.rows
        if r >= len(rows):
            return ""
        row = rows[r]
        value = row[c] if c < len(row) else None
        return "" if value is None else value

    def row_values(self, r: int) -> list:
        rows = self._head if r < len(self._head) and self._rows is None else self.rows
        return ["" if v is None else v for v in rows[r]] if r < len(rows) else []


class _XlsxBook:
    def __init__(self, path: Path) -> None:
        import openpyxl

        check_workbook_size(path)  # size, sheets and declared cells, before openpyxl pads a bomb's empty rows
        self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)

    def sheet_names(self) -> list[str]:
        return list(self._book.sheetnames)

    def sheet_by_name(self, name: str) -> _XlsxSheet:
        return _XlsxSheet(self._book[name])


def _open_book(path: Path):
    """An .xls workbook through xlrd, or an .xlsx one through openpyxl, with xlrd's few methods."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _XlsxBook(path)
    import xlrd

    return xlrd.open_workbook(str(path), on_demand=True)


def _cell(sheet, r: int, c: int):
    """A cell's value, ``""`` outside the sheet."""
    try:
        return sheet.cell_value(r, c)
    except IndexError:
        return ""


def _title(sheet) -> str:
    """The sheet's title rows: the first cells of its first six rows."""
    return " ".join(_normal(_cell(sheet, r, 0)) for r in range(6))


def _header_row(sheet) -> int | None:
    return next((r for r in range(15) if _normal(_cell(sheet, r, 0)) == "e-code"), None)


def _sheet(book, path: Path, year: str):
    """The net current expenditure sheet: its title says so (never the capital charges or net total cost)."""
    found = []
    for name in book.sheet_names():
        sheet = book.sheet_by_name(name)
        title = _title(sheet)
        if SHEET_TITLE in title and not any(other in title for other in ("capital charges", "net total cost")):
            found.append(sheet)
    if len(found) > 1:  # never the first of two: the count would follow the order of the sheets
        raise InputError(
            f"{len(found)} sheets say net current expenditure for {year}: "
            + ", ".join(f"'{sheet.name}'" for sheet in found),
            file=path,
            fix="keep one 'RS LA Data … (1)' sheet of net current expenditure (use the pinned RS file: "
            "tuttotal data fetch)",
        )
    if found:
        return found[0]
    raise InputError(
        f"no sheet of net current expenditure for {year} (sheets: {', '.join(book.sheet_names())}): none says "
        "'Net current expenditure' in the first cells of its first six rows",
        file=path,
        row=3,
        column="A",
        fix="use the pinned RS file (tuttotal data fetch): its net current expenditure sheet ('RS LA Data … (1)', "
        "'Net current expenditure (col 1)' or 'RS LA Data <year>') says 'Net current expenditure (£ thousand)' in "
        "its first rows",
    )


def _pence(value, *, path: Path, sheet, r: int, c: int, header: str) -> int:
    """A cell of £ thousand as whole pence, exactly (blank, ``-``, ``..``, ``x`` are 0)."""
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text in ("", "-", "x", ":") or text in NOT_AVAILABLE:  # blanks and "not available" marks
            return 0
        try:
            number = Decimal(text)
        except ArithmeticError:
            raise InputError(
                f"is not an amount (£ thousand) (spreadsheet column {column_name(c)})",
                file=f"{path} (sheet '{sheet.name}')",
                row=r + 1,
                column=header,
                value=value,
                fix="use the pinned RS file (tuttotal data fetch); amounts are numbers of £ thousand",
            ) from None
    else:
        number = Decimal(repr(float(value or 0.0)))
    if not number.is_finite() or abs(number) > MAX_THOUSANDS:
        raise InputError(
            "is not a finite amount of £ thousand under £1 trillion",
            file=f"{path} (sheet '{sheet.name}')",
            row=r + 1,
            column=header,
            value=value,
            fix="use the pinned RS file (tuttotal data fetch); amounts are numbers of £ thousand",
        )
    return int((number * _THOUSAND_PENCE).to_integral_value())


#: £1 trillion, in £ thousand: more than any authority's line (England's councils spend about £110bn a year).
MAX_THOUSANDS = 10**9


def read_year(path: str | os.PathLike, year: str) -> pd.DataFrame:
    """One RS file: ``year, e_code, ons_code, authority, class, service, header, amount_pence, sheet, row``.

    The two totals (:data:`TOTALS`) come as rows whose ``service`` is
    ``total service expenditure`` / ``net current expenditure`` and whose
    ``header`` is the sheet's; :func:`read_outturn` leaves them out and
    :func:`read_totals` keeps only them.

    Raises
    ------
    InputError
        Naming the file, sheet, row and column: no net current expenditure
        sheet, no header row, a service column renamed or missing, text in a
        number cell, an E-code or class out of its column (data shifted).
    """
    import pandas as pd

    path = Path(path)
    import xlrd  # noqa: F401  (a missing reader is an installation problem, not a bad file: let it raise)

    try:
        book = _open_book(path)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"cannot be read as an RS workbook ({type(exc).__name__}: {exc})", file=path) from None
    sheet = _sheet(book, path, year)
    where_file = f"{path} (sheet '{sheet.name}')"
    header_row = _header_row(sheet)
    if header_row is None:
        raise InputError(
            "has no header row: expected a row whose first cell is 'E-code' in the first 15 rows",
            file=where_file,
            row=6,
            column="A",
            fix="use the pinned RS file (tuttotal data fetch); the RS header row starts 'E-code, Local authority'",
        )
    headers = [header_key(v) for v in sheet.row_values(header_row)]
    where = {h: i for i, h in reversed(list(enumerate(headers))) if h}
    for needed in ("e-code", "local authority", "class", *required(year)):
        if header_key(needed) not in where:
            raise InputError(
                f"the header has no column '{needed}' (expected the RS header: E-code, Local authority, Class, "
                f"{', '.join(required(year))}, …)",
                file=where_file,
                row=header_row + 1,
                column=needed.lower(),
                fix="the RS columns are matched by their header text; use the pinned file, or rename the column back",
            )
    wanted = []
    for row in service_table().drop_duplicates("header").itertuples():
        found = [h for h in _headers_of(row.header) if header_key(h) in where]
        if found:
            wanted.append((row.service, found[0], where[header_key(found[0])]))
    for service, key in TOTALS.items():
        if key in where:
            wanted.append((service, sheet.row_values(header_row)[where[key]], where[key]))
    ons_column = where.get("ons code")
    code_column, name_column, class_column = where["e-code"], where["local authority"], where["class"]
    rows = []
    no_return = []
    for r in range(header_row + 1, sheet.nrows):
        code = str(sheet.cell_value(r, code_column)).strip()
        if not _E_CODE.match(code):
            shifted = next((c for c, v in enumerate(sheet.row_values(r)[:8]) if _E_CODE.match(str(v).strip())), None)
            if shifted is not None:
                raise InputError(
                    f"an E-code is in column {column_name(shifted)} but the header puts 'E-code' in column "
                    f"{column_name(code_column)}: the data are shifted against the header",
                    file=where_file,
                    row=r + 1,
                    column=column_name(shifted),
                    value=sheet.cell_value(r, shifted),
                    fix="the RS is read by its header text: keep each value under its header (use the pinned file)",
                )
            continue  # blank lines and the footnotes under the table
        authority = str(sheet.cell_value(r, name_column)).strip()
        klass = str(sheet.cell_value(r, class_column)).strip()
        if klass not in CLASSES:
            raise InputError(
                f"is not an RS class ({', '.join(sorted(CLASSES))}): the column under 'Class' holds something else",
                file=where_file,
                row=r + 1,
                column=f"{column_name(class_column)} (Class)",
                value=klass,
                fix="the RS is read by its header text: keep each value under its header (use the pinned file)",
            )
        for c, value in enumerate(sheet.row_values(r)):
            unheaded = c >= len(headers) or not headers[c]
            if isinstance(value, (int, float)) and not isinstance(value, bool) and unheaded:
                raise InputError(
                    f"spreadsheet column {column_name(c)} holds a number but has no header: the values of this row "
                    "do not sit under their headers",
                    file=where_file,
                    row=r + 1,
                    column=column_name(c),
                    value=value,
                    fix="put every value under its header (use the pinned RS file: tuttotal data fetch)",
                )
        ons = str(sheet.cell_value(r, ons_column)).strip() if ons_column is not None else ""
        marks = 0
        for service, header, column in wanted:
            value = _cell(sheet, r, column)
            marks += isinstance(value, str) and value.strip() in NOT_AVAILABLE
            pence = _pence(value, path=path, sheet=sheet, r=r, c=column, header=str(header))
            rows.append((year, code, ons, authority, klass, service, str(header), pence, sheet.name, r + 1))
        if wanted and marks == len(wanted):
            no_return.append(code)
            logger.info(  # listed in attrs["no_return"]; a place they serve says so in its outturn.csv (£0)
                "%s %s (%s): no figures in the RS (marked not available): counted as £0", year, code, authority
            )
    if not rows:
        raise InputError(
            f"has no authority rows under its header: expected E-codes (E + four digits) in column "
            f"{column_name(code_column)} from row {header_row + 2}",
            file=where_file,
            row=header_row + 2,
            column=column_name(code_column),
            fix="use the pinned RS file (tuttotal data fetch)",
        )
    columns = ["year", "e_code", "ons_code", "authority", "class", "service", "header", "amount_pence", "sheet", "row"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["amount_pence"] = frame["amount_pence"].astype("int64")
    frame.attrs["no_return"] = no_return
    return frame


# --------------------------------------------------------------------------------------------- years and files


def _year_of(path: Path) -> str:
    match = _YEAR.search(path.name)
    if match is None:
        return ""
    first, second = int(match.group(1)), int(match.group(2))
    return f"{first}-{second:02d}" if (first + 1) % 100 == second else ""


def _is_rs(path: Path) -> tuple[bool, str]:
    """Whether a workbook is an RS release, and its year (from its name, else its sheets' names)."""
    year = _year_of(path)
    if _RS_NAME.search(path.stem.replace("_", " ")) and year:
        return True, year
    try:
        names = _open_book(path).sheet_names()
    except Exception:  # not a workbook at all: not ours to read
        return False, ""
    for name in names:
        if _RS_NAME.search(name):
            year = year or _year_of(Path(name.replace(" ", "_")))
            if year:
                return True, year
    return False, ""


@cache.memoize("outturn-found", maxsize=8)
def _found(folder: str, listing: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    pinned = {Path(sources.source(f"outturn_{year}").path).name for year in PINNED_YEARS}
    found = {}
    for name in listing:
        path = Path(folder) / name
        if name in pinned or name.startswith((".", "~$")):
            continue
        ok, year = _is_rs(path)
        if ok and year > PINNED_YEARS[-1]:
            if year in found:
                raise InputError(
                    f"two RS releases of {year} in the data root's outturn folder: {found[year].name} and {name}",
                    file=path,
                    fix="keep one RS file per year in outturn/",
                )
            found[year] = path
    return tuple(sorted((year, str(path)) for year, path in found.items()))


def found_files(data_dir: settings.DataRootLike = None) -> dict[str, Path]:
    """Later RS releases a user dropped into ``<data root>/outturn/``, year → path (not hash-pinned)."""
    folder = settings.data_root(data_dir).folder("outturn")
    if folder is None or not folder.is_dir():
        return {}
    listing = tuple(sorted(p.name for p in folder.iterdir() if p.suffix.lower() in {".xls", ".xlsx", ".xlsm"}))
    return {year: Path(path) for year, path in _found(str(folder), listing)}


def available_years(data_dir: settings.DataRootLike = None) -> tuple[str, ...]:
    """The pinned years plus any later RS year found in the data root's ``outturn/`` folder."""
    return PINNED_YEARS + tuple(year for year in sorted(found_files(data_dir)) if year not in PINNED_YEARS)


def year_path(year: str, data_dir: settings.DataRootLike = None, *, download: bool = True) -> Path:
    """The verified file of a pinned year, or the found (unpinned) file of a later one."""
    if year in PINNED_YEARS:
        return sources.get_path(f"outturn_{year}", data_dir, download=download)
    found = found_files(data_dir)
    if year not in found:
        raise InputError(
            f"the revenue outturn has no year {year}: it covers {PINNED_YEARS[0]} to {PINNED_YEARS[-1]}, and no "
            f"later RS release is in the data root's outturn/ folder",
            fix=f"choose a year of {', '.join(available_years(data_dir))}, or drop the RS workbook of {year} "
            "into <data root>/outturn/",
        )
    return found[year]


def __getattr__(name: str):
    """``YEARS``: what is available, pinned years plus later ones found in ``$TUTTOTAL_DATA_DIR/outturn/``."""
    if name == "YEARS":
        return available_years()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Bump to make new cache entries of the RS years (see :func:`cache_path`).
CACHE_FORMAT = 1


_ENTRIES = cache.Disk("outturn", "outturn")


def cache_path(year: str, path: str | os.PathLike) -> Path:
    """``<cache dir>/outturn/<year>-<hash>.parquet``: one RS year's rows, named by the file's SHA-256 and the code.

    Parsing an RS workbook cell by cell (xlrd, openpyxl) takes one to three seconds a year, and a real
    count of a year with councils' books reads all ten: every new process (a batch worker's kernel,
    ``tuttotal run``) paid about 20 s before its first place. The rows are kept as Parquet, written
    atomically, and read back exactly (types, order and ``attrs["no_return"]``).
    """
    code = cache.code_hash(__file__, files=[paths.data_dir() / "outturn_services.csv"])  # and all it imports
    return _ENTRIES.path(f"{year}-{cache.key(f'format {CACHE_FORMAT}', year, sha256_of(path), code)[:24]}.parquet")


def _read_cached(entry: Path) -> pd.DataFrame | None:
    """A cache entry's rows (``attrs["no_return"]`` restored), or None when there is none or it cannot be read."""
    import pyarrow.parquet as pq

    if not entry.is_file():
        return None
    try:
        with pq.ParquetFile(entry) as parquet:
            table = parquet.read()
        no_return = json.loads(table.schema.metadata[b"tuttotal"])["no_return"]
        frame = table.replace_schema_metadata({b"pandas": table.schema.metadata[b"pandas"]}).to_pandas()
    except Exception:  # an unreadable entry: parse the workbook again and rewrite it
        return None
    frame.attrs["no_return"] = list(no_return)
    return frame


def _write_cached(frame: pd.DataFrame, entry: Path) -> None:
    """Write an RS year's rows to its cache entry, atomically (a temporary file, then a rename)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    ours = json.dumps({"no_return": list(frame.attrs.get("no_return", []))}).encode()
    table = table.replace_schema_metadata({b"pandas": table.schema.metadata[b"pandas"], b"tuttotal": ours})
    cache.write_atomic(entry, lambda temporary: pq.write_table(table, temporary, compression="zstd"))


def read_year_cached(path: str | os.PathLike, year: str) -> pd.DataFrame:
    """:func:`read_year`, parsed once per file content and code, then read from the cache.

    Examples
    --------
    >>> path = year_path("2016-17")  # outturn/RS_2016-17_data_by_LA.xlsx of $TUTTOTAL_DATA_DIR
    >>> rows = read_year_cached(path, "2016-17")
    >>> rows.equals(read_year(path, "2016-17"))
    True
    """
    entry = cache_path(year, path)
    frame = _read_cached(entry)
    if frame is not None:
        for code in frame.attrs["no_return"]:  # said again, as the parse says it
            logger.info("%s %s: no figures in the RS (marked not available): counted as £0", year, code)
        return frame
    frame = read_year(path, year)
    with contextlib.suppress(OSError):  # a read-only cache folder only costs speed
        _write_cached(frame, entry)
    return frame


@cache.memoize("outturn-read-one", maxsize=16)
def _read_one(year: str, path: str, version: tuple) -> pd.DataFrame:
    return read_year_cached(path, year)


def _read_all(files: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """The years' files, each read once per file version (a replaced file is read again)."""
    import pandas as pd

    return pd.concat(
        [_read_one(year, path, tuple(paths.file_version(path))) for year, path in files], ignore_index=True
    )


def _read(data_dir, download: bool, years: tuple[str, ...] | None) -> pd.DataFrame:
    """The years' files in one table (shared: the caller must not change it; ``attrs`` is the caller's own)."""
    import copy

    table = _shared(data_dir, download, years)
    return _with_attrs(table, copy.deepcopy(table.attrs))


def _shared(data_dir, download: bool, years: tuple[str, ...] | None) -> pd.DataFrame:
    """The years' combined table itself (never change it, nor its ``attrs``); an unpinned year is warned of."""
    years = available_years(data_dir) if years is None else tuple(years)
    files = tuple((year, str(year_path(year, data_dir, download=download))) for year in years)
    table = _combined(tuple((year, path, tuple(paths.file_version(path))) for year, path in files))
    for year, path in table.attrs["unpinned"].items():
        logger.warning("the revenue outturn of %s (%s) is not hash-pinned: read by its header text", year, path)
    return table


def _with_attrs(table: pd.DataFrame, attrs: dict) -> pd.DataFrame:
    """A view of ``table`` (no copy of its columns) with its own ``attrs``."""
    view = table.copy(deep=False)
    view.attrs = attrs
    return view


@cache.memoize("outturn-combined", maxsize=4)
def _combined(files: tuple[tuple[str, str, tuple], ...]) -> pd.DataFrame:
    """The years' files combined, once per set of file versions (every place of a batch reads the same)."""
    table = _read_all(tuple((year, path) for year, path, _ in files)).copy()
    no_return = {year: list(_read_one(year, path, version).attrs.get("no_return", [])) for year, path, version in files}
    latest = table[table["ons_code"] != ""].drop_duplicates("e_code", keep="last").set_index("e_code")["ons_code"]
    table["ons_code"] = table["e_code"].map(latest.to_dict()).astype(object).fillna("").astype(str)
    unpinned = {year: path for year, path, _ in files if year not in PINNED_YEARS}
    table.attrs["files"] = {
        (f"data:outturn_{year}" if year in PINNED_YEARS else f"data:outturn_{year} (not hash-pinned)"): path
        for year, path, _ in files
    }
    table.attrs["unpinned"] = unpinned
    table.attrs["no_return"] = {year: codes for year, codes in no_return.items() if codes}
    return table


def read_outturn(
    data_dir: settings.DataRootLike = None, *, download: bool = True, years: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Every RS year (:func:`available_years`, or ``years``) in one tidy table of services (see :func:`read_year`).

    Authorities' classes and names are those of each year; the latest year's
    ONS code is carried to the others by E-code. ``attrs["files"]`` names
    the files read; ``attrs["unpinned"]`` (year → path) the found later
    releases, which are not hash-pinned (a warning is logged too);
    ``attrs["no_return"]`` (year → E-codes) the authorities whose row holds
    no figures, only "not available" marks (2016-17: the Isles of Scilly and
    Dorset's police and crime commissioner), read as £0.
    """
    import copy

    table = _shared(data_dir, download, years)
    return _with_attrs(_services_of(table), copy.deepcopy(table.attrs))


def _only_services(table: pd.DataFrame, _: None = None) -> pd.DataFrame:
    return table[~table["service"].isin(list(TOTALS))].reset_index(drop=True)


#: The service lines of a combined table, once per table (a warm kernel's places read the same years).
_services_of = cache.TableMemo("outturn-services", _only_services)


def read_totals(
    data_dir: settings.DataRootLike = None, *, download: bool = True, years: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Each authority's two RS totals by year: ``year, e_code, authority, class, total service expenditure`` and
    ``net current expenditure`` (whole pence), for bridging the services read to the RS's own totals."""
    import copy

    table = _shared(data_dir, download, years)
    return _with_attrs(_totals_of(table), copy.deepcopy(table.attrs))


def _only_totals(table: pd.DataFrame, _: None = None) -> pd.DataFrame:
    totals = table[table["service"].isin(list(TOTALS))]
    wide = totals.pivot_table(
        index=["year", "e_code", "authority", "class"], columns="service", values="amount_pence", aggfunc="sum"
    )
    wide = wide.reindex(columns=list(TOTALS)).fillna(0).astype("int64").reset_index()
    wide.columns.name = None
    wide.attrs = {}
    return wide


#: Each authority's two totals by year, once per combined table.
_totals_of = cache.TableMemo("outturn-totals", _only_totals)
