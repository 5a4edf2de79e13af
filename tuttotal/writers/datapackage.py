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

Examples
--------
>>> from tuttotal.writers.datapackage import slugify
>>> slugify("South Tyneside, Gateshead & Sunderland")
'south-tyneside-gateshead-sunderland'
"""

from __future__ import annotations

import json
import os
import re
import secrets
import unicodedata
import warnings
from pathlib import Path
from typing import Any

from tuttotal.data import sources as registry
from tuttotal.errors import InputError, TuttotalWarning
from tuttotal.writers.output_schema import TABLES

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

#: The Table Schema types an undocumented column may be given; any other type frictionless infers (a date, a
#: year-month from "2008-09", a JSON array) is written as ``string``, which every cell reads as.
INFERRED_TYPES = ("integer", "number", "boolean", "string")


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


def _inferred(path: Path) -> Any:
    """frictionless' ``Resource`` of one CSV: its schema inferred from the first rows, its stats (size, SHA-256).

    Inference reads frictionless' sample (100 rows; reading every row doubles the cost of
    ``datapackage.json``, ``benchmarks/libraries.py --parts``); :func:`resource_descriptor`
    validates every row and turns an undocumented column that a later row contradicts into text.
    """
    from frictionless import Detector, Resource

    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            "is not UTF-8 text: a data package declares every CSV as utf-8",
            file=path,
            fix="write the table as UTF-8 (pandas' to_csv does by default)",
        ) from None
    detector = Detector(
        field_confidence=1.0,
        field_missing_values=[""],
    )
    resource = Resource(path=path.name, basepath=str(path.parent), encoding="utf-8", detector=detector)
    resource.infer(stats=True)
    return resource


def _invalid_cells(resource: Any) -> list[tuple[int, str, str]]:
    """Row, column and value of every cell that breaks its field (type or constraints), by frictionless."""
    report = resource.validate()
    return [tuple(e) for e in report.flatten(["rowNumber", "fieldName", "cell"]) if e[0] is not None and e[1]]


def resource_descriptor(path: Path, name: str) -> dict[str, Any]:
    """The ``tabular-data-resource`` of one CSV file (see :data:`tuttotal.writers.output_schema.TABLES`).

    frictionless describes the file (its columns, size and SHA-256; the types of
    columns that are not documented, inferred from every value); the documented
    columns keep their type, description and unit. frictionless then validates
    the file against that schema: a value that breaks it is a warning.

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
    from frictionless import Schema

    table = TABLES.get(path.name)
    resource = _inferred(path)
    fields, documented = [], set()
    for inferred in resource.schema.fields:
        column = inferred.name
        known = (table or {}).get("fields", {}).get(column)
        if known is None and (table or {}).get("other_fields"):
            known = {k: v.format(name=column) if isinstance(v, str) else v for k, v in table["other_fields"].items()}
        if known is None:
            kind = inferred.type if inferred.type in INFERRED_TYPES else "string"
            known = {"type": kind, "description": _UNDOCUMENTED_FIELD}
        else:
            documented.add(column)
        fields.append({"name": column, **known})
    resource.schema = Schema.from_descriptor({"fields": fields, "missingValues": [""]})
    resource.name = name
    resource.title = table["title"] if table else path.stem
    resource.description = table["description"] if table else _UNDOCUMENTED_TABLE
    cells = _invalid_cells(resource)
    guessed = {column for _, column, _ in cells} - documented
    if guessed:  # inferred from the sample, contradicted further down: text
        for field in fields:
            if field["name"] in guessed:
                field["type"] = "string"
        resource.schema = Schema.from_descriptor({"fields": fields, "missingValues": [""]})
    broken = [cell for cell in cells if cell[1] in documented]
    if broken:
        row, column, value = broken[0]
        warnings.warn(
            f"{path.name}, row {row}, column {column!r}: is documented as {resource.schema.get_field(column).type} "
            f"but holds {value!r} ({len(broken)} cell(s) in all); the data package keeps the documented schema, "
            "so it will not validate",
            TuttotalWarning,
            stacklevel=2,
        )
    return {**resource.to_dict(), "profile": "tabular-data-resource"}


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
    """The content of ``datapackage.json`` for ``folder`` (see :func:`write_datapackage`), checked by frictionless."""
    from frictionless import Package

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
    return Package.from_descriptor(descriptor).to_dict()


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
