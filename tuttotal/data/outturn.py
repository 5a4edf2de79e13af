"""Councils' own books: DCLG's Revenue Outturn Summary (RS) for every English authority, 2010-11 to 2014-15.

The RS gives each authority's **net current expenditure** by service, in
£ thousand: councils (counties ``SC``, districts ``SD``, unitaries ``UA``,
metropolitan districts ``MD``, London boroughs ``L``) and police, fire and
other authorities (``O``). It is revenue spending net of the service's own
income (fees, specific grants inside the service): not capital, and not
schools' own income. :func:`read_outturn` reads every year into one tidy
table; which services are read, and what each is (COFOG group, driver), is
data: ``data/outturn_services.csv``. Services are matched by their header
text, never by position, since the columns change over the years (2010-11
has one ``Social care`` column, 2011-12 on split children's and adults',
2013-14 on add ``Public Health``, 2014-15 adds ``ONS Code`` and ``Region``).
Housing benefit and council tax benefit lines are kept as services of their
own. Levies, trading accounts and other adjustments below the services are
not read: they are payments between bodies that are counted where they are
spent.

Examples
--------
>>> from tuttotal.data import outturn
>>> table = outturn.read_outturn("../shared/data")  # doctest: +SKIP
>>> kent = table[(table.e_code == "E2221") & (table.year == "2010-11")]  # doctest: +SKIP
>>> int(kent[kent.service == "education"].amount_pence.sum()) // 100_000  # £ thousand  # doctest: +SKIP
1180308
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal import paths
from tuttotal.data import sources
from tuttotal.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

YEARS = ("2010-11", "2011-12", "2012-13", "2013-14", "2014-15")
SHEET_TITLE = "net current expenditure"
_E_CODE = re.compile(r"^E\d{4}$")
_THOUSAND_PENCE = 100_000
#: Every service line the count needs each year (by header text): a year without one is a reshaped sheet.
REQUIRED = {
    "2010-11": ("Education services", "Social care", "Police services", "Central services"),
    **{
        year: ("Education services", "Children Social Care", "Adult Social Care", "Police services", "Central services")
        for year in YEARS[1:]
    },
}


@lru_cache(maxsize=1)
def service_table() -> pd.DataFrame:
    """``data/outturn_services.csv``: each RS line read, its COFOG group, driver, share and reason."""
    import pandas as pd

    path = paths.data_dir() / "outturn_services.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.attrs["source"] = str(path)
    return table


def _normal(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower()


class _XlsxSheet:
    """The few reads :func:`read_year` makes, over an openpyxl worksheet (RS releases after 2015 are .xlsx)."""

    def __init__(self, sheet) -> None:
        self.name = sheet.title
        self._rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.nrows = len(self._rows)

    def cell_value(self, r: int, c: int):
        row = self._rows[r]
        value = row[c] if c < len(row) else None
        return "" if value is None else value

    def row_values(self, r: int) -> list:
        return ["" if v is None else v for v in self._rows[r]]


class _XlsxBook:
    def __init__(self, path: Path) -> None:
        import openpyxl

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


def _sheet(book, path: Path, year: str):
    found = []
    for name in book.sheet_names():
        if not name.startswith("RS LA Data"):
            continue
        sheet = book.sheet_by_name(name)
        head = " ".join(_normal(sheet.cell_value(r, 0)) for r in range(min(5, sheet.nrows)))
        if SHEET_TITLE in head:
            found.append(sheet)
    if len(found) > 1:  # never the first of two at random: the count would follow the order of the sheets
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
        f"no sheet of net current expenditure for {year} (sheets: {', '.join(book.sheet_names())})",
        file=path,
        fix="use the pinned RS file (tuttotal data fetch): its 'RS LA Data … (1)' sheet says 'Net current "
        "expenditure (£ thousand)' in its first rows",
    )


def read_year(path: str | os.PathLike, year: str) -> pd.DataFrame:
    """One RS file: ``year, e_code, ons_code, authority, class, service, header, amount_pence, sheet, row``.

    Raises
    ------
    InputError
        Naming the file, sheet, row and column: no net current expenditure
        sheet, no header row, a service column renamed or missing, text in a
        number cell.
    """
    import pandas as pd

    path = Path(path)
    import xlrd  # noqa: F401  (a missing reader is an installation problem, not a bad file: let it raise)

    try:
        book = _open_book(path)
    except Exception as exc:
        raise InputError(f"cannot be read as an RS workbook ({type(exc).__name__}: {exc})", file=path) from None
    sheet = _sheet(book, path, year)
    header_row = next((r for r in range(min(15, sheet.nrows)) if _normal(sheet.cell_value(r, 0)) == "e-code"), None)
    if header_row is None:
        raise InputError(
            f"sheet '{sheet.name}' has no header row (a first cell 'E-code' in its first 15 rows)",
            file=path,
            fix="use the pinned RS file (tuttotal data fetch)",
        )
    headers = [_normal(v) for v in sheet.row_values(header_row)]
    where = {h: i for i, h in reversed(list(enumerate(headers))) if h}
    for needed in ("e-code", "local authority", "class", *(h.lower() for h in REQUIRED[year])):
        if needed not in where:
            raise InputError(
                f"sheet '{sheet.name}' has no column '{needed}' in its header",
                file=path,
                row=header_row + 1,
                column=needed,
                fix="the RS columns are matched by their header text; use the pinned file, or rename the column back",
            )
    services = service_table().drop_duplicates("header")
    wanted = [(row.service, row.header) for row in services.itertuples() if _normal(row.header) in where]
    ons_column = where.get("ons code")
    rows = []
    for r in range(header_row + 1, sheet.nrows):
        code = str(sheet.cell_value(r, 0)).strip()
        if not _E_CODE.match(code):
            continue  # blank lines and the footnotes under the table
        _check_under_headers(sheet, r, headers, where, path)
        authority = str(sheet.cell_value(r, where["local authority"])).strip()
        klass = str(sheet.cell_value(r, where["class"])).strip()
        ons = str(sheet.cell_value(r, ons_column)).strip() if ons_column is not None else ""
        for service, header in wanted:
            column = where[_normal(header)]
            value = sheet.cell_value(r, column)
            if isinstance(value, str):
                text = value.strip().replace(",", "")
                if text in ("", "-", "n/a", "..", "x"):
                    value = 0.0
                else:
                    try:
                        value = float(text)
                    except ValueError:
                        raise InputError(
                            "is not an amount (£ thousand)",
                            file=f"{path} (sheet '{sheet.name}')",
                            row=r + 1,
                            column=header,
                            value=value,
                            fix="use the pinned RS file (tuttotal data fetch); amounts are numbers of £ thousand",
                        ) from None
            value = _finite_thousands(value, f"{path} (sheet '{sheet.name}')", r + 1, header)
            rows.append(
                (
                    year,
                    code,
                    ons,
                    authority,
                    klass,
                    service,
                    header,
                    round(float(value) * _THOUSAND_PENCE),
                    sheet.name,
                    r + 1,
                )
            )
    if not rows:
        raise InputError(
            f"sheet '{sheet.name}' has no authority under its header (E-codes such as E2242 in column A)",
            file=path,
            row=header_row + 1,
            fix="use the pinned RS file (tuttotal data fetch)",
        )
    columns = ["year", "e_code", "ons_code", "authority", "class", "service", "header", "amount_pence", "sheet", "row"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["amount_pence"] = frame["amount_pence"].astype("int64")
    return frame


#: The classes of authority in the RS (county, district, unitary, metropolitan, London, other).
CLASSES = ("SC", "SD", "UA", "MD", "L", "O")
#: £1 trillion, in £ thousand: more than any authority's line (England's councils spend about £110bn a year).
MAX_THOUSANDS = 1e9


def _check_under_headers(sheet, r: int, headers: list[str], where: dict[str, int], path: Path) -> None:
    """Refuse a row whose values do not sit under their headers: a class that is not a class, or a
    number in a column with no header (a row, or the whole table, moved one column right)."""
    place = f"{path} (sheet '{sheet.name}')"
    klass = str(sheet.cell_value(r, where["class"])).strip()
    if klass not in CLASSES:
        raise InputError(
            f"is not a class of authority ({', '.join(CLASSES)}): the values of this row do not sit under "
            "their headers",
            file=place,
            row=r + 1,
            column="class",
            value=klass,
            fix="put every value under its header (use the pinned RS file: tuttotal data fetch)",
        )
    for c, value in enumerate(sheet.row_values(r)):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (c >= len(headers) or not headers[c]):
            raise InputError(
                f"column {c + 1} holds a number but has no header: the values of this row do not sit under "
                "their headers",
                file=place,
                row=r + 1,
                value=value,
                fix="put every value under its header (use the pinned RS file: tuttotal data fetch)",
            )


def _finite_thousands(value: object, place: str, row: int, column: str) -> float:
    """A cell of £ thousand as a float, refusing NaN, infinity and absurd sizes (naming where)."""
    import math

    number = float(value)
    if not math.isfinite(number) or abs(number) > MAX_THOUSANDS:
        raise InputError(
            "is not a finite amount of £ thousand under £1 trillion",
            file=place,
            row=row,
            column=column,
            value=value,
            fix="use the pinned RS file (tuttotal data fetch); amounts are numbers of £ thousand",
        )
    return number


@lru_cache(maxsize=2)
def _read_all(paths: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    import pandas as pd

    return pd.concat([read_year(path, year) for year, path in paths], ignore_index=True)


def read_outturn(data_dir: str | os.PathLike | None = None, *, download: bool = True) -> pd.DataFrame:
    """Every RS year (2010-11 to 2014-15) in one tidy table (see :func:`read_year`).

    Authorities' classes and names are those of each year; the latest year's
    ONS code is carried to the others by E-code. ``attrs["files"]`` names
    the files read.
    """
    paths = tuple((year, str(sources.get_path(f"outturn_{year}", data_dir, download=download))) for year in YEARS)
    table = _read_all(paths).copy()
    latest = table[table["ons_code"] != ""].drop_duplicates("e_code", keep="last").set_index("e_code")["ons_code"]
    table["ons_code"] = table["e_code"].map(latest).fillna("")
    table.attrs["files"] = {f"data:outturn_{year}": path for year, path in paths}
    return table
