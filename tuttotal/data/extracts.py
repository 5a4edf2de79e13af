"""A data root of derived extracts: a few rows of the pinned files, checked against the root's own hashes.

A full data root (``../shared/data``) holds the pinned files themselves, each checked against the SHA-256
that ships in the package. A root of *extracts* holds files rewritten from them (only one district's
rows and features, in the same formats), which cannot have the pinned hashes: it says so with its own
registry, ``registry.csv`` at its top, whose columns are :data:`COLUMNS`:

``key``
    the pinned file's place in a data root (``population/File_6….csv.gz``, ``wards-2013/E07000114.geojson``);
``path``
    the extract's place in this root (the same, or another name where the format's suffix changes);
``sha256``, ``bytes``
    the extract's hash and size: the file is checked against them before use;
``derived_from``
    the SHA-256 of the pinned file it was made from.

In such a root, a key the registry names is read from the extract (and checked against the
extract's hash); a key it does not name is not in the root (the cache or a download is tried next).
The Thanet fixture of the tests (``tests/fixtures/thanet/``) is one; its script says how it is made.

Examples
--------
>>> import pathlib, tempfile
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> find(root, "population/x.csv") is None  # no registry.csv: not a root of extracts
True
>>> _ = (root / "registry.csv").write_text("key,path,sha256,bytes,derived_from\\n"
...     "population/x.csv,population/x-extract.csv,ab12,10,cd34\\n", encoding="utf-8")
>>> entry = find(root, "population/x.csv")
>>> entry.path, entry.sha256
('population/x-extract.csv', 'ab12')
>>> find(root, "population/y.csv") is None
True
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from tuttotal import cache
from tuttotal.errors import InputError

#: The registry file at the top of a root of extracts.
REGISTRY_NAME = "registry.csv"
#: Its columns, in order.
COLUMNS = ("key", "path", "sha256", "bytes", "derived_from")


@dataclass(frozen=True)
class Extract:
    """One extract of a pinned file: where it is in its root, its hash, and the pinned file's hash."""

    key: str
    path: str
    sha256: str
    bytes: int
    derived_from: str


@cache.memoize("extracts-read", maxsize=8)
def _read(path: str, version: tuple[int, int]) -> dict[str, Extract] | None:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            return None  # another kind of registry (the ward folder's lad_code,path,…): not a root of extracts
        found = {}
        for number, row in enumerate(reader, start=2):
            try:
                found[row["key"]] = Extract(row["key"], row["path"], row["sha256"], int(row["bytes"]),
                                            row["derived_from"])  # fmt: skip
            except (TypeError, ValueError):
                raise InputError(
                    "is a registry of extracts with a row that is not key,path,sha256,bytes,derived_from",
                    file=path,
                    row=number,
                    fix="make the extracts again with the script that made them",
                ) from None
        return found


def registry(root: str | os.PathLike | None) -> dict[str, Extract] | None:
    """The extracts of a data root by key, or None when the root is not a root of extracts."""
    if root is None:
        return None
    path = Path(root) / REGISTRY_NAME
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read(str(path), (stat.st_mtime_ns, stat.st_size))


def find(root: str | os.PathLike | None, key: str) -> Extract | None:
    """The extract of ``key`` in a root of extracts; None when the root names none (or is a full root)."""
    found = registry(root)
    return None if found is None else found.get(key)


def is_extract_root(root: str | os.PathLike | None) -> bool:
    """Whether ``root`` is a root of extracts (it has a :data:`REGISTRY_NAME` with :data:`COLUMNS`)."""
    return registry(root) is not None
