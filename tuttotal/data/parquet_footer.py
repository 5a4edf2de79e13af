"""The row count a Parquet file declares, read from its footer without pyarrow.

A Parquet file ends with its metadata (``FileMetaData``, Thrift compact
protocol), its length and ``PAR1``. :func:`parquet_rows` reads only that
footer and walks the Thrift fields to ``num_rows``, so that
:func:`tuttotal.data.tabular.check_limits` refuses a file of too many rows in
milliseconds, before pyarrow (a second and 70 MiB to import) is loaded.

Examples
--------
>>> from tuttotal.data.parquet_footer import parquet_rows
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = f.write_text("not parquet")
>>> parquet_rows(f) is None
True
"""

from __future__ import annotations

import os


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _skip(data: bytes, at: int, kind: int) -> int:
    """Skip one Thrift compact-protocol value of type ``kind`` at ``at``; return where the next begins."""
    if kind in (1, 2):  # a bool in a struct: in the field header; in a list: one byte (handled by the caller)
        return at
    if kind == 3:
        return at + 1
    if kind in (4, 5, 6):
        return _varint(data, at)[1]
    if kind == 7:
        return at + 8
    if kind == 8:
        size, at = _varint(data, at)
        return at + size
    if kind in (9, 10):
        head = data[at]
        at += 1
        size, element = head >> 4, head & 0x0F
        if size == 15:
            size, at = _varint(data, at)
        for _ in range(size):
            at = at + 1 if element in (1, 2) else _skip(data, at, element)
        return at
    if kind == 11:
        size, at = _varint(data, at)
        if size:
            types = data[at]
            at += 1
            for _ in range(size):
                at = _skip(data, at, types >> 4)
                at = _skip(data, at, types & 0x0F)
        return at
    if kind == 12:
        while True:
            head = data[at]
            at += 1
            if head == 0:
                return at
            if not head >> 4:
                at = _varint(data, at)[1]
            at = _skip(data, at, head & 0x0F)
    raise ValueError(f"unknown Thrift type {kind}")


#: The largest Parquet footer read to find the row count (a real one is a few KiB to a few MiB).
_MAX_FOOTER_BYTES = 64 * 1024**2


def parquet_rows(path: str | os.PathLike) -> int | None:
    """The row count a Parquet file's footer declares (``FileMetaData.num_rows``), read without pyarrow.

    None when the file is not Parquet or its footer cannot be read this way
    (pyarrow then reads it, and says what is wrong).

    Examples
    --------
    >>> import tempfile, pathlib, pyarrow as pa, pyarrow.parquet as pq
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> pq.write_table(pa.table({"a": list(range(1234)), "b": ["x"] * 1234}), f)
    >>> parquet_rows(f)
    1234
    """
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            if size < 12:
                return None
            f.seek(size - 8)
            tail = f.read(8)
            if tail[4:] != b"PAR1":
                return None
            length = int.from_bytes(tail[:4], "little")
            if length > min(_MAX_FOOTER_BYTES, size - 12):
                return None
            f.seek(size - 8 - length)
            footer = f.read(length)
        at, field = 0, 0
        while True:
            head = footer[at]
            at += 1
            if head == 0:
                return None
            delta, kind = head >> 4, head & 0x0F
            if delta:
                field += delta
            else:
                raw, at = _varint(footer, at)
                field = (raw >> 1) ^ -(raw & 1)
            if field == 3 and kind == 6:
                raw, _ = _varint(footer, at)
                return (raw >> 1) ^ -(raw & 1)
            at = _skip(footer, at, kind)
    except (OSError, IndexError, ValueError, RecursionError):
        return None
