"""``datapackage.json``: a Frictionless Data Package describing every CSV of a place's output folder.

Each output folder (``outputs/<slug>/``) holds several CSV tables. This
module writes beside them one `Data Package
<https://specs.frictionlessdata.io/data-package/>`_ that says, for every
``*.csv`` directly in the folder, what the table is and what each column
means (type, description, unit), and, for the package, which place, year and
kind of spend it is, which sources it rests on (pinned URLs and vintages from
:mod:`tuttotal.data.sources`) and under which licences.

What the tables and their columns are is data:
:data:`tuttotal.writers.output_schema.TABLES`. A CSV that
is not in it is still described, its column types inferred from its values;
columns of a known table that the file lacks are left out, and columns it
has beyond the known ones are inferred too. A known column keeps its
documented type even if the values disagree (a warning says so and
validating the package then fails), so that the package documents the
contract, not whatever a file happens to hold.

The file is the same byte for byte from the same CSVs and arguments: no
timestamp, resources sorted by file name, each with its size and SHA-256
(so a validator also notices a CSV changed after the package was written).

A hand-written copy of what frictionless does (``Resource.infer``,
``validate``, ``Package``), kept for speed: in a batch of single-LAD areas
frictionless' writer costs 20-41% of an area's ``prepare`` +
``write_outputs`` (``datapackage_area`` in
``docs/benchmarks/results/libraries_parts.txt``, from
``benchmarks/libraries.py --parts``; its first call, mostly jsonschema's
import, 8% of a whole Kent run; a sixth of the demo's ``tuttotal run``). frictionless
judges it in the tests: every package written there validates
(``tests/test_datapackage.py``, a hypothesis test of any undocumented table
among them, on no data root).

Examples
--------
>>> from tuttotal.writers.datapackage import slugify
>>> slugify("South Tyneside, Gateshead & Sunderland")
'south-tyneside-gateshead-sunderland'
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import secrets
import unicodedata
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuttotal.data import sources as registry
from tuttotal.errors import InputError, TuttotalWarning
from tuttotal.writers.output_schema import TABLES

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

PACKAGE_FILE = "datapackage.json"

#: What each kind of spend is, for the package's description.
SPEND_KINDS: dict[str, str] = {
    "real": (
        "the real count: the councils', police and fire authorities' own books where DCLG's Revenue Outturn has the "
        "year (measured), and the rest top down from HM Treasury's Country and Regional Analysis: each English "
        "region's identifiable public spending by function, shared by the place's population and need (modelled)"
    ),
    "user": "a supplied spend file, classified into themes and apportioned to wards by tuttotal",
    "synthetic": "SYNTHETIC: the demo's generated money for an invented place, not real spending",
}

#: Licences recognised in a source's licence line (or the boundary attribution), as Frictionless licence objects.
LICENCES: tuple[dict[str, str], ...] = (
    {
        "pattern": r"Open Government Licence v\s*3(\.0)?|\bOGL\s*v?\s*3(\.0)?\b",
        "name": "OGL-UK-3.0",
        "title": "Open Government Licence v3.0",
        "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    },
    {
        "pattern": r"\bCC[ -]BY[ -]4\.0\b|Creative Commons Attribution 4\.0",
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    },
)


_UNDOCUMENTED_TABLE = (
    "Not documented: a table of this folder that tuttotal does not describe; its column types are inferred "
    "from its values."
)
_UNDOCUMENTED_FIELD = "Not documented; type inferred from the values."

# What each Table Schema type accepts, as frictionless-py reads a CSV cell (numbers via Decimal, integers via int).
_READS_AS = {
    "integer": (r"\s*[+-]?\d+\s*", 0),
    "number": (r"\s*[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|inf|infinity|nan)\s*", re.IGNORECASE),
    "boolean": (r"true|True|TRUE|false|False|FALSE", 0),
}


def slugify(text: str, allowed: str = "") -> str:
    """Lower-case ASCII name of ``text``: letters, digits, ``-`` and the characters of ``allowed``.

    Examples
    --------
    >>> slugify("Bradford & Leeds (City Region)")
    'bradford-leeds-city-region'
    >>> slugify("Ward Theme.v2", allowed="._")
    'ward-theme.v2'
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(rf"[^a-z0-9{re.escape(allowed)}]+", "-", ascii_text).strip("-")


def infer_type(values: pd.Series | Sequence[str]) -> str:
    """Table Schema type of a column of CSV cells: integer, number, boolean or string.

    Empty cells are missing values and do not count; a column with no values
    is ``string``. Only what a Frictionless validator reads back as that type
    is given it (so ``01.2`` is a number, ``E05005093`` a string).

    Examples
    --------
    >>> import pandas as pd
    >>> [infer_type(pd.Series(v)) for v in (["1", "", "-3"], ["1.5", "2"], ["True", "false"], ["01.2", "x"], [""])]
    ['integer', 'number', 'boolean', 'string', 'string']
    """
    cells = [cell for cell in _distinct(values) if cell != ""]
    if not cells:
        return "string"
    return next((kind for kind in _READS_AS if all(_reads_as(cells, kind))), "string")


def _distinct(values: pd.Series | Sequence[str]) -> list[str]:
    """The distinct cells of a column as text (a value is checked once, however often it repeats)."""
    if hasattr(values, "fillna"):
        values = values.fillna("").astype(str).to_numpy(dtype=object).tolist()
    return list(dict.fromkeys(values))


def _reads_as(cells: list[str], kind: str) -> list[bool]:
    """Which cells a validator reads as a value of ``kind`` (every cell for ``string``)."""
    if kind == "string":
        return [True] * len(cells)
    pattern, flags = _READS_AS[kind]
    fullmatch = re.compile(pattern, flags).fullmatch
    return [fullmatch(cell) is not None for cell in cells]


def _blank(row: list[str]) -> bool:
    """A line pandas skips as blank: nothing, or only spaces and tabs (``""``, a quoted empty cell, is a row)."""
    return not row or (len(row) == 1 and row[0] != "" and not row[0].strip(" \t"))


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header (as written) and columns of cells (text, ``""`` for empty) of a CSV file.

    Read with :mod:`csv`, as pandas would with ``dtype=str`` and ``on_bad_lines="skip"``: blank
    lines and rows with more cells than the header are skipped, short rows padded with ``""``
    (``tests/test_datapackage.py`` holds the two to the same cells).
    A report's tables are small; this is a tenth of ``read_csv``'s cost for them.
    """
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = csv.reader(f)
            header = next(rows, [])
            width = len(header)
            body = [row + [""] * (width - len(row)) for row in rows if len(row) <= width and not _blank(row)]
    except UnicodeDecodeError:
        raise InputError(
            "is not UTF-8 text: a data package declares every CSV as utf-8",
            file=path,
            fix="write the table as UTF-8 (pandas' to_csv does by default)",
        ) from None
    return header, [list(column) for column in zip(*body, strict=True)] if body else [[] for _ in header]


def _field(name: str, known: dict | None, values: pd.Series | Sequence[str], file: Path) -> dict[str, Any]:
    """One Table Schema field: the known description, or an inferred one (warning when the values contradict it)."""
    if known is None:
        return {"name": name, "type": infer_type(values), "description": _UNDOCUMENTED_FIELD}
    field = {"name": name, **known}
    cells = [cell for cell in _distinct(values) if cell != ""]
    wrong = [cell for cell, ok in zip(cells, _reads_as(cells, field["type"]), strict=True) if not ok]
    if wrong:
        warnings.warn(
            f"{file.name}: column {name!r} is documented as {field['type']} but holds {wrong[0]!r}; the data "
            "package keeps the documented type, so it will not validate",
            TuttotalWarning,
            stacklevel=2,
        )
    return field


def resource_descriptor(path: Path, name: str) -> dict[str, Any]:
    """The ``tabular-data-resource`` of one CSV file (see :data:`tuttotal.writers.output_schema.TABLES`).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "most_deprived.csv"
    ...     _ = path.write_text("most_deprived,wards,spend_share,extra\\n10% of wards,3,0.25,x\\n")
    ...     found = resource_descriptor(path, "most_deprived")
    >>> [(f["name"], f["type"], f.get("unit")) for f in found["schema"]["fields"]]
    [('most_deprived', 'string', None), ('wards', 'integer', 'wards'), ('spend_share', 'number', 'share (0-1)'), \
('extra', 'string', None)]
    """
    table = TABLES.get(path.name)
    header, columns = _read_table(path)
    fields = []
    for column, values in zip(header, columns, strict=True):
        known = (table or {}).get("fields", {}).get(column)
        if known is None and (table or {}).get("other_fields"):
            known = {k: v.format(name=column) if isinstance(v, str) else v for k, v in table["other_fields"].items()}
        fields.append(_field(column, known, values, path))
    data = path.read_bytes()
    return {
        "name": name,
        "path": path.name,
        "profile": "tabular-data-resource",
        "title": table["title"] if table else path.stem,
        "description": table["description"] if table else _UNDOCUMENTED_TABLE,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "schema": {"fields": fields, "missingValues": [""]},
    }


def _licences(lines: list[str]) -> list[dict[str, str]]:
    """Licence objects of :data:`LICENCES` named in any of ``lines``, in the order of :data:`LICENCES`."""
    return [
        {k: licence[k] for k in ("name", "title", "path")}
        for licence in LICENCES
        if any(re.search(licence["pattern"], line) for line in lines)
    ]


def package_descriptor(
    folder: str | os.PathLike,
    *,
    place_name: str,
    sources: list[str],
    boundaries_attribution: str,
    spend_kind: str,
    year: str,
) -> dict[str, Any]:
    """The content of ``datapackage.json`` for ``folder`` (see :func:`write_datapackage`)."""

    if spend_kind not in SPEND_KINDS:
        raise ValueError(f"unknown kind of spend {spend_kind!r}: use one of {', '.join(SPEND_KINDS)}")
    found = [registry.source(name) for name in dict.fromkeys(sources)]  # KeyError naming the known sources
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no output folder {folder}")

    csvs = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file() and p.name[0] != ".")
    resources, used = [], set()
    for path in csvs:
        name = slugify(path.stem, allowed="._") or "table"
        base, n = name, 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        resources.append(resource_descriptor(path, name))

    when = f", {year}" if year else ""
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": slugify(place_name) or "place",
        "title": f"{place_name}: public spending by ward{when}" + (" (synthetic demo)" * (spend_kind == "synthetic")),
        "description": (
            f"Public spending in {place_name}{' in ' + year if year else ''}, placed ward by ward by tuttotal. "
            f"Spend ({spend_kind}): {SPEND_KINDS[spend_kind]}. Money is in pounds (GBP); each table's prices column "
            "says its prices (cash, as spent, unless --prices put a series over years in real terms) and its basis "
            "column, or its measured_gbp and modelled_gbp columns, whether the money is measured (a body's own "
            "books) or modelled (a region's money shared by a driver). Every CSV table of this folder is a resource "
            "below."
        ),
    }
    licences = _licences([s.licence for s in found] + [boundaries_attribution])
    if licences:
        descriptor["licenses"] = licences
    descriptor["sources"] = [
        {"name": s.name, "title": s.description, "path": s.url, "vintage": s.vintage, "licence": s.licence}
        for s in found
    ]
    if boundaries_attribution:
        descriptor["sources"].append({"name": "boundaries", "title": boundaries_attribution})
    descriptor["resources"] = resources
    return descriptor


def write_datapackage(
    folder: str | os.PathLike,
    *,
    place_name: str,
    sources: list[str],
    boundaries_attribution: str,
    spend_kind: str,
    year: str,
) -> Path:
    """Write ``<folder>/datapackage.json``: a Frictionless Data Package of every CSV directly in ``folder``.

    Call it after the last CSV is written: each resource carries its file's
    size and SHA-256. The file is written atomically (a temporary file in
    ``folder``, then :func:`os.replace`) and is byte-identical for the same
    CSVs and arguments (no timestamp).

    Parameters
    ----------
    folder : path
        The place's output folder, e.g. ``outputs/kent``. Files whose names
        start with ``.`` and subfolders are left out.
    place_name : str
        The place's name, e.g. ``"Kent"``; the package's ``name`` is its slug.
    sources : list of str
        Names of :func:`tuttotal.data.sources.sources` the outputs rest on (repeats
        ignored); each becomes a source with its pinned URL and vintage, and
        its licence a package licence.
    boundaries_attribution : str
        The boundary data's attribution line (a source of its own; a licence
        it names is added), or ``""``.
    spend_kind : str
        ``real`` (top-down count from HM Treasury's Country and Regional
        Analysis), ``user`` (a supplied spend file) or ``synthetic`` (the
        demo's generated money).
    year : str
        The year of the count, e.g. ``"2008-09"`` (``""`` when none).

    Returns
    -------
    pathlib.Path
        The path of ``datapackage.json``.

    Raises
    ------
    KeyError
        A name of ``sources`` that is not a known data source (nothing is written).
    ValueError
        An unknown ``spend_kind`` (nothing is written).
    tuttotal.errors.InputError
        A CSV that is not UTF-8 text.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> _ = (folder / "reconciliation.csv").write_text("item,codes,amount_gbp\\ninput,,1234.56\\n")
    >>> path = write_datapackage(folder, place_name="Demo Borough", sources=["population"],
    ...                          boundaries_attribution="", spend_kind="synthetic", year="2010-11")
    >>> package = json.loads(path.read_text(encoding="utf-8"))
    >>> package["name"], [r["path"] for r in package["resources"]], package["licenses"][0]["name"]
    ('demo-borough', ['reconciliation.csv'], 'OGL-UK-3.0')
    >>> [(f["name"], f["type"]) for f in package["resources"][0]["schema"]["fields"]]
    [('item', 'string'), ('codes', 'string'), ('amount_gbp', 'number')]
    >>> tmp.cleanup()
    """
    folder = Path(folder)
    descriptor = package_descriptor(
        folder,
        place_name=place_name,
        sources=sources,
        boundaries_attribution=boundaries_attribution,
        spend_kind=spend_kind,
        year=year,
    )
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    target = folder / PACKAGE_FILE
    temporary = folder / f".{PACKAGE_FILE}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        with open(temporary, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target
