"""Reading a table file (CSV, XLSX, Parquet) into columns of text, refusing absurd shapes first.

A spend count or a driver table is read **once, in columns**: a CSV by
``pyarrow.csv`` (every column as text), a workbook sheet by sheet, a
Parquet file by ``pyarrow.parquet``. What comes back is a :class:`TextTable`:
the header, one Arrow string array per column, and for every row the
number a spreadsheet shows (the header is row 1) and, for a workbook, its
sheet. The checks of each column's values (``tuttotal.data.spend``) then work on
whole columns.

Before any parsing, a file is measured with a bounded buffer, so that a
hostile or broken file is refused with exit code 2 before it can fill
memory:

==================  ==============================================================
limit               value
==================  ==============================================================
file size           :data:`MAX_FILE_BYTES` (1 GiB; a workbook's or Parquet file's
                    content counts unpacked)
line of a CSV       :data:`MAX_LINE_BYTES` (1 MiB)
field               :data:`MAX_FIELD_CHARS` (10,000 characters)
sheets              :data:`MAX_SHEETS` (100 in a workbook)
rows                :data:`MAX_ROWS` (5 million) of a Parquet file, from its
                    metadata, and of a workbook sheet, while it is read
decoded Parquet     :data:`MAX_FILE_BYTES`, estimated from the metadata (rows
                    times the widest value its statistics or dictionary allow)
                    before a value is read, then measured row group by row group
workbook cells      :data:`MAX_CELLS` (50 million): a sheet's declared
                    ``<dimension ref=...>`` (rows × columns), read from the first
                    KiB of its XML before openpyxl opens the file
NUL bytes           none (a text table has none: a UTF-16 or binary file)
==================  ==============================================================

Every sheet of a workbook whose header row has the required columns is
read (a row is then named by its sheet and row); a sheet whose header has
some of them but not all is an error, never skipped; other sheets (notes,
contents) are listed in ``info["sheets_skipped"]``.

Examples
--------
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = f.write_text("area_code;value\\nE05005093;9012\\n\\nE05005094;1\\n")
>>> table = read_table(f, ("area_code", "value"))
>>> table.header, table.rows.tolist(), table.info["delimiter"]
(['area_code', 'value'], [2, 3, 4], ';')
>>> table.columns[1].to_pylist()  # a blank line is a row of blanks; the schema's reader drops it
['9012', '', '1']
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal.data.parquet_footer import parquet_rows
from tuttotal.errors import SpendFileError

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

MAX_FILE_BYTES = 1024**3
MAX_LINE_BYTES = 1024**2
MAX_FIELD_CHARS = 10_000
MAX_SHEETS = 100
#: Rows of a table: a spend count of every ward of England by function and agency type is under 1 million.
MAX_ROWS = 5_000_000
#: Cells a workbook sheet may declare (rows × columns of its ``<dimension ref=...>``).
MAX_CELLS = 50_000_000
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\"")
_CHUNK = 4 * 1024**2


def clean_header(name: object) -> str:
    """A column name as the schema spells it: ``' Amount GBP'`` → ``amount_gbp``.

    Examples
    --------
    >>> clean_header("\\ufeffAgency Type "), clean_header("amount-gbp")
    ('agency_type', 'amount_gbp')
    """
    return re.sub(r"[\s\-]+", "_", str(name).replace("\ufeff", "").strip().lower())


@dataclass
class TextTable:
    """A table read as text: header, one Arrow string array per column, and where each row came from.

    ``rows`` holds the row number a spreadsheet shows for each row; ``sheets``
    the sheet of each row when the rows come from several sheets of a
    workbook (else None, and ``info["sheet"]`` names the one sheet).
    """

    path: Path
    header: list[str]
    columns: list[pa.Array]
    rows: np.ndarray
    sheets: np.ndarray | None = None
    info: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def where(self, i: int) -> tuple[str, int]:
        """The file (with its sheet, for a workbook of several) and the row number of row ``i``."""
        if self.sheets is not None:
            return f"{self.path} (sheet '{self.sheets[i]}')", int(self.rows[i])
        return str(self.path), int(self.rows[i])

    def take(self, keep: np.ndarray) -> TextTable:
        """The rows where the boolean mask ``keep`` is True."""
        import pyarrow as pa

        mask = pa.array(keep)
        return TextTable(
            self.path,
            self.header,
            [c.filter(mask) for c in self.columns],
            self.rows[keep],
            None if self.sheets is None else self.sheets[keep],
            self.info,
        )


def _too_big(path: Path, size: int, what: str = "the file") -> SpendFileError:
    return SpendFileError(
        f"{what} is {size / 1024**2:,.0f} MiB, over the limit of {MAX_FILE_BYTES / 1024**2:,.0f} MiB",
        file=path,
        fix="split it (by year or by agency) into files under the limit, or check that it is the spend table",
    )


def check_size(path: Path) -> None:
    """Refuse a file over :data:`MAX_FILE_BYTES` before reading a byte of it."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _too_big(path, size)


def _sniff_delimiter(first_line: str) -> str:
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def scan_text(path: Path) -> dict:
    """Measure a text table with a bounded buffer: size, NUL bytes, longest line, encoding, first lines.

    Reads the file in 4 MiB chunks, never holding more, and raises before
    anything is parsed when the file is over :data:`MAX_FILE_BYTES`, holds a
    NUL byte, or has a line over :data:`MAX_LINE_BYTES`.

    Returns
    -------
    dict
        ``encoding`` (``utf-8``, ``utf-8-sig`` or ``cp1252``), ``head`` (the
        first lines, decoded), ``lines`` (the number of lines), ``sha256``
        (of the bytes, computed in the same pass).
    """
    import hashlib

    import numpy as np

    check_size(path)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    line_start = 0  # byte offset where the current line began
    lines = 0
    offset = 0
    head = b""
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            data = np.frombuffer(chunk, dtype=np.uint8)
            nul = np.flatnonzero(data == 0)
            newlines = np.flatnonzero(data == 10) + offset
            if nul.size:
                at = offset + int(nul[0])
                line = lines + int(np.searchsorted(newlines, at)) + 1
                raise SpendFileError(
                    f"the file holds NUL bytes (the first at byte {at:,}, line {line:,}): it is not a text table",
                    file=path,
                    fix="save the table as CSV UTF-8 (a UTF-16 'Unicode text' export or a binary file cannot be read)",
                )
            starts = np.concatenate(([line_start], newlines + 1))
            ends = np.concatenate((newlines, [offset + len(chunk)]))
            lengths = ends - starts
            longest = int(np.argmax(lengths))
            if lengths[longest] > MAX_LINE_BYTES:
                raise SpendFileError(
                    f"line {lines + longest + 1:,} is over {MAX_LINE_BYTES // 1024**2} MiB long "
                    f"({int(lengths[longest]):,} bytes or more): not a table of spend",
                    file=path,
                    fix="check the file: a table's lines are short (is it one line, or not a CSV?)",
                )
            if newlines.size:
                line_start = int(newlines[-1]) + 1
            lines += int(newlines.size)
            if len(head) < 65536:
                head += chunk[: 65536 - len(head)]
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            offset += len(chunk)
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if offset > line_start:
        lines += 1
    # Not UTF-8: a UK council's export from Excel on Windows ('£' is byte 0xA3).
    encoding = ("utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8") if utf8 else "cp1252"
    text = head.decode("utf-8-sig" if utf8 else "cp1252", errors="replace")
    return {"encoding": encoding, "head": text, "lines": lines, "sha256": digest.hexdigest()}


def _header_of(head: str, delimiter: str) -> tuple[int, list[str]] | None:
    """The number of records before the header (blank ones) and the header's fields."""
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    try:
        for skipped, fields in enumerate(reader):
            if any(f.strip() for f in fields):
                return skipped, fields
    except csv.Error:
        return None
    return None


def read_csv(path: Path, required: tuple[str, ...], scan: dict | None = None) -> TextTable:
    """Read a CSV (any of ``, ; tab |``) in columns with ``pyarrow.csv``, every column as text.

    ``scan`` is :func:`scan_text`'s measure of the file, when already taken.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    scan = scan or scan_text(path)
    first_line = scan["head"].lstrip("\r\n").split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    found = _header_of(scan["head"], delimiter)
    info = {"encoding": scan["encoding"], "delimiter": delimiter}
    if found is None:
        raise SpendFileError(
            "the file is empty", file=path, fix="give a table with a header row: " + ", ".join(required)
        )
    before, header = found
    width = len(header)
    names = [f"c{i}" for i in range(width)]
    odd: list[tuple[int, str, int]] = []  # (record number, text, fields) of rows pyarrow could not fit

    def invalid(row) -> str:
        odd.append((row.number, row.text, row.actual_columns))
        return "skip"

    codec = "latin-1" if scan["encoding"] == "cp1252" else "utf8"
    if scan["encoding"] == "cp1252":
        try:
            with open(path, "rb") as f:
                while chunk := f.read(_CHUNK):
                    chunk.decode("cp1252")
            codec = "cp1252"
        except UnicodeDecodeError:
            pass  # bytes cp1252 leaves undefined: read them as Latin-1
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                use_threads=False,
                block_size=2 * MAX_LINE_BYTES,
                skip_rows=before + 1,
                column_names=names,
                encoding=codec,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise SpendFileError(
            f"cannot be read as a table ({exc})",
            file=path,
            fix=f"check the quotes: a quoted value longer than {2 * MAX_LINE_BYTES // 1024**2} MiB, or a quote "
            "that is never closed, makes the rest of the file one value",
        ) from None
    # pyarrow numbers records from 1 at the file's first line, as a spreadsheet numbers rows.
    first_record = before + 2
    total = table.num_rows + len(odd)
    records = np.arange(first_record, first_record + total, dtype=np.int64)
    rows = np.setdiff1d(records, np.array([n for n, _, _ in odd], dtype=np.int64)) if odd else records
    columns = [table.column(i).combine_chunks() for i in range(width)]
    text = TextTable(path, header, columns, rows, None, info)
    if odd:
        text = _with_odd_rows(text, odd, delimiter, width)
    return text


def _with_odd_rows(text: TextTable, odd: list, delimiter: str, width: int) -> TextTable:
    """Put back rows with more fields than the header whose extra fields are blank; refuse the others."""
    import numpy as np
    import pyarrow as pa

    extra_rows, extra_fields = [], []
    for number, line, _ in sorted(odd):
        row = number
        fields = next(csv.reader(io.StringIO(line, newline=""), delimiter=delimiter), [])
        if not any(f.strip() for f in fields):
            continue  # a blank line
        if len(fields) < width or any(f.strip() for f in fields[width:]):
            raise SpendFileError(
                f"the row has {len(fields)} fields but the header has {width}",
                file=text.path,
                row=row,
                fix="put values that contain the delimiter (such as 1,000 or 'Kent, Police') in double quotes",
            )
        extra_rows.append(row)
        extra_fields.append(fields[:width])
    if not extra_rows:
        return text
    rows = np.concatenate((text.rows, np.array(extra_rows, dtype=np.int64)))
    order = np.argsort(rows, kind="stable")
    columns = [
        pa.concat_arrays([c, pa.array([f[i] for f in extra_fields], pa.string())]).take(pa.array(order))
        for i, c in enumerate(text.columns)
    ]
    return TextTable(text.path, text.header, columns, rows[order], None, text.info)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if value != value else repr(value)
    return str(value)


def check_workbook_size(path: Path) -> None:
    import zipfile

    check_size(path)
    try:
        with zipfile.ZipFile(path) as book:
            unpacked = sum(info.file_size for info in book.infolist())
            sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    except zipfile.BadZipFile:
        raise SpendFileError("cannot be opened as an Excel workbook (not a zip file)", file=path) from None
    if unpacked > MAX_FILE_BYTES:
        raise _too_big(path, unpacked, "the workbook, unpacked,")
    if len(sheets) > MAX_SHEETS:
        raise SpendFileError(
            f"the workbook has {len(sheets)} sheets, over the limit of {MAX_SHEETS}",
            file=path,
            fix="keep the spend on fewer sheets (one is best), or save it as CSV",
        )
    with zipfile.ZipFile(path) as book:
        for name in sheets:
            with book.open(name) as f:
                head = f.read(_DIMENSION_BYTES)
            declared = declared_cells(head)
            if declared is not None and declared[0] * declared[1] > MAX_CELLS:
                rows, columns = declared
                raise SpendFileError(
                    f"the sheet {name} declares {rows:,} rows by {columns:,} columns "
                    f"({rows * columns:,} cells, over the limit of {MAX_CELLS:,})",
                    file=path,
                    fix="delete the empty rows and columns below and beside the table (or copy the table to a new "
                    "workbook), or save it as CSV",
                )


#: How much of a sheet's XML is searched for its ``<dimension ref=...>`` (it comes first, after the sheet's properties).
_DIMENSION_BYTES = 16 * 1024


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def declared_cells(head: bytes) -> tuple[int, int] | None:
    """The rows and columns a sheet's XML declares in ``<dimension ref=...>`` (None when it declares none).

    Examples
    --------
    >>> declared_cells(b'<worksheet><dimension ref="A1:XFD1048576"/><sheetData>')
    (1048576, 16384)
    >>> declared_cells(b'<x:dimension ref="B2:F10"/>'), declared_cells(b'<dimension ref="A1"/>')
    ((9, 5), (1, 1))
    """
    found = _DIMENSION.search(head)
    if found is None:
        return None
    first_col, first_row, last_col, last_row = found.groups()
    last_col, last_row = last_col or first_col, last_row or first_row
    rows = int(last_row) - int(first_row) + 1
    columns = _column_number(last_col) - _column_number(first_col) + 1
    return max(rows, 1), max(columns, 1)


#: Non-blank rows (a title, a note) a workbook sheet may have above its header row.
MAX_TITLE_ROWS = 5


def read_workbook(path: Path, required: tuple[str, ...]) -> TextTable:
    """Read every sheet of an XLSX workbook whose header row has the required columns.

    The header row is the first row with every required column, after at
    most :data:`MAX_TITLE_ROWS` non-blank rows (a title) above it.

    Raises
    ------
    SpendFileError
        When no sheet has them, or a sheet has some of them but not all (it
        would otherwise be left out without a word).
    """
    import numpy as np
    import openpyxl
    import pyarrow as pa

    check_workbook_size(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise SpendFileError(f"cannot be opened as an Excel workbook ({exc})", file=path) from None
    seen: dict[str, list[str]] = {}
    read: list[tuple[str, list[str], list[int], list[list[str]]]] = []
    skipped = []
    try:
        for sheet in book.worksheets:
            header: list[str] | None = None
            numbers: list[int] = []
            records: list[list[str]] = []
            cells = 0
            # Read the rows that are there, not the dimension the sheet declares: a dimension that says
            # less than the sheet holds would cut rows off without a word, and padding to a wide declared
            # dimension is what costs time. Rows then come as long as their last cell.
            sheet.reset_dimensions()
            above = 0  # non-blank rows above the header (a title, a note): at most MAX_TITLE_ROWS
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells += len(values)
                if number > MAX_ROWS or cells > MAX_CELLS:
                    raise SpendFileError(
                        f"sheet '{sheet.title}' holds over {MAX_ROWS:,} rows or {MAX_CELLS:,} cells "
                        f"(row {number:,} reached)",
                        file=path,
                        fix="delete the empty rows and columns below and beside the table, or save it as CSV",
                    )
                fields = [_cell_text(v) for v in values]
                if not any(f.strip() for f in fields):
                    continue
                if header is None:
                    cleaned = [clean_header(h) for h in fields if h]
                    if above == 0:
                        seen[sheet.title] = cleaned
                    if set(required) <= set(cleaned):
                        header = fields
                        seen[sheet.title] = cleaned
                        continue
                    above += 1
                    if len(set(cleaned) & set(required)) >= 2 or above > MAX_TITLE_ROWS:
                        header = fields  # a header with some columns (refused below), or none at all
                        seen[sheet.title] = cleaned
                        break
                    continue
                numbers.append(number)
                records.append(fields)
            if header is None:
                if sheet.title in seen:  # a few rows, none of them a header: a sheet of notes
                    skipped.append(sheet.title)
                continue
            cleaned = set(seen[sheet.title])
            if set(required) <= cleaned:
                read.append((sheet.title, header, numbers, records))
            elif len(cleaned & set(required)) >= 2:
                missing = [c for c in required if c not in cleaned]
                raise SpendFileError(
                    f"sheet '{sheet.title}' has some of the table's columns but not {', '.join(missing)}: "
                    "it would be left out of the count",
                    file=path,
                    column=missing[0],
                    fix="give every sheet of the spend the same header row (" + ", ".join(required) + "), "
                    "or move what is not spend to a sheet without those columns",
                )
            else:
                skipped.append(sheet.title)
    finally:
        book.close()
    if not read:
        raise SpendFileError(
            "no sheet has the columns " + ", ".join(required) + f"; sheets and their columns: {seen}",
            file=path,
            fix="put the table on a sheet with a header row of those columns",
        )
    # One header for all: the first sheet's, with any column another sheet adds.
    names: list[str] = []
    for _, header, _, _ in read:
        for h in header:
            if h and clean_header(h) not in {clean_header(n) for n in names}:
                names.append(h)
    columns: list[list[str]] = [[] for _ in names]
    rows: list[int] = []
    sheets: list[str] = []
    for title, header, numbers, records in read:
        position = {clean_header(h): i for i, h in reversed(list(enumerate(header))) if h}
        width = len(header)
        for number, fields in zip(numbers, records, strict=True):
            if len(fields) > width and any(f.strip() for f in fields[width:]):
                raise SpendFileError(
                    f"the row has values beyond the header's {width} columns",
                    file=f"{path} (sheet '{title}')",
                    row=number,
                    fix="give every value a column with a name in the header row",
                )
        for j, name in enumerate(names):
            i = position.get(clean_header(name))
            columns[j].extend(f[i] if i is not None and i < len(f) else "" for f in records)
        rows.extend(numbers)
        sheets.extend([title] * len(numbers))
    info = {"sheet": read[0][0]} if len(read) == 1 else {"sheets": [r[0] for r in read]}
    if skipped:
        info["sheets_skipped"] = skipped
    return TextTable(
        path,
        names,
        [pa.array(c, pa.string()) for c in columns],
        np.array(rows, dtype=np.int64),
        None if len(read) == 1 else np.array(sheets, dtype=object),
        info,
    )


def check_parquet_metadata(meta, path: Path) -> None:
    """Refuse a Parquet file from its metadata alone: too many rows, or too large once decoded.

    The decoded size is estimated per column chunk: its unpacked pages, plus,
    for a dictionary-encoded chunk (where a few bytes stand for a long value
    repeated), its values times the widest value the chunk's statistics show
    (at least 8 bytes). A file of 300 million rows of one repeated value is
    a few MiB on disk and in its pages, and refused here before a value is read.

    Raises
    ------
    SpendFileError
        Over :data:`MAX_ROWS` rows, or over :data:`MAX_FILE_BYTES` decoded; the numbers in the message.
    """
    if meta.num_rows > MAX_ROWS:
        raise _too_many_rows(path, meta.num_rows)
    estimate = 0
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        for j in range(group.num_columns):
            chunk = group.column(j)
            estimate += chunk.total_uncompressed_size
            if chunk.has_dictionary_page:
                width = 8
                stats = chunk.statistics
                if stats is not None and stats.has_min_max:
                    width = max(width, *(len(str(v)) for v in (stats.min, stats.max)))
                estimate += chunk.num_values * width
    if estimate > MAX_FILE_BYTES:
        raise _too_big(path, estimate, "the table, decoded (estimated from its metadata),")


def _is_text_type(kind) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind)


def _decoded_bytes(column) -> int:
    """The bytes a column takes once its dictionaries are decoded (as text, as :func:`read_parquet` makes it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 0
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type) and len(chunk):
            lengths = pc.binary_length(chunk.dictionary) if _is_text_type(chunk.type) else None
            if lengths is None:
                total += chunk.nbytes
                continue
            used = pc.take(lengths, chunk.indices)
            total += int(pc.sum(used).as_py() or 0) + 4 * len(chunk)
        else:
            total += chunk.nbytes
    return total


def read_parquet(path: Path) -> TextTable:
    """Read a Parquet file's columns as text (numbers as Python writes them, nulls and NaN blank)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    check_size(path)
    try:
        parquet = pq.ParquetFile(path)
        check_parquet_metadata(parquet.metadata, path)
        texts = [f.name for f in parquet.schema_arrow if _is_text_type(f.type)]
        # Text columns stay dictionaries while read: a value repeated a million times is held once.
        parquet = pq.ParquetFile(path, read_dictionary=texts)
        groups, decoded = [], 0
        for i in range(parquet.num_row_groups):
            group = parquet.read_row_group(i)
            decoded += sum(_decoded_bytes(column) for column in group.columns)
            if decoded > MAX_FILE_BYTES:
                raise _too_big(path, decoded, "the table, decoded,")
            groups.append(group)
        table = pa.concat_tables(groups) if groups else parquet.schema_arrow.empty_table()
        del groups
    except SpendFileError:
        raise
    except Exception as exc:
        raise SpendFileError(f"cannot be read as Parquet ({exc})", file=path) from None
    columns = []
    for column in table.columns:
        column = column.combine_chunks()
        if pa.types.is_floating(column.type):
            column = pc.if_else(pc.is_nan(column), pa.scalar(None, column.type), column)
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            try:
                column = column.cast(pa.string())
            except pa.ArrowNotImplementedError:
                column = pa.array([_cell_text(v) for v in column.to_pylist()], pa.string())
        columns.append(pc.fill_null(column.cast(pa.string()), ""))
    rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    return TextTable(path, [str(n) for n in table.column_names], columns, rows, None, {})


def from_frame(frame, source: str = "table") -> TextTable:
    """An in-memory table as text, rows numbered as a spreadsheet would (the header is row 1)."""
    import numpy as np
    import pyarrow as pa

    columns = [pa.array([_cell_text(v) for v in frame[c].tolist()], pa.string()) for c in frame.columns]
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return TextTable(Path(source), [str(c) for c in frame.columns], columns, rows, None, {})


def check_limits(path: str | os.PathLike) -> None:
    """The limits that need no parsing, alone: file size, and a Parquet file's metadata or a workbook's zip
    directory and declared dimensions. Milliseconds, whatever the file holds; the command runs it on a
    single place's spend and driver files before anything else (the readers check the rest).

    A path that is not a regular file passes: the reader reports it in its own words.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = f.write_text("area_code,value\\n")
    >>> check_limits(f)
    """
    path = Path(path)
    if not path.is_file():
        return
    check_size(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        check_workbook_size(path)
    elif suffix in {".parquet", ".pq"}:
        rows = parquet_rows(path)  # from the footer, without importing pyarrow (a second and 70 MiB)
        if rows is not None and rows > MAX_ROWS:
            raise _too_many_rows(path, rows)


def _too_many_rows(path: Path, rows: int) -> SpendFileError:
    return SpendFileError(
        f"the table has {rows:,} rows (from its metadata), over the limit of {MAX_ROWS:,}",
        file=path,
        fix="split it (by year or by agency) into files under the limit, or check that it is the spend table",
    )


def is_text(path: Path) -> bool:
    """Whether :func:`read_table` reads ``path`` as a delimited text file (not a workbook, not Parquet)."""
    return path.suffix.lower() not in {".xlsx", ".xlsm", ".parquet", ".pq"}


def read_table(path: str | os.PathLike, required: tuple[str, ...], scan: dict | None = None) -> TextTable:
    """Read any table file (CSV, XLSX, Parquet) into columns of text, refusing absurd shapes first.

    Raises
    ------
    SpendFileError
        No such file, over a limit (file size, line, sheets), NUL bytes,
        empty, or unreadable; naming the file and the fix.
    """
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "no such file"
        raise SpendFileError(what, file=path, fix="check the path")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return read_workbook(path, required)
    if suffix in {".parquet", ".pq"}:
        return read_parquet(path)
    return read_csv(path, required, scan)
