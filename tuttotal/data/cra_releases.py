"""Every year of HM Treasury's Country and Regional Analysis, by the kind of body that spends each line.

The CRA *databases* (released with PESA 2010, 2014 and 2018) have one row
per spending line: department, COFOG function and sub-function, capital or
current, identifiable or not, region, and the kind of body that spends it
(``CG`` central government, ``LG`` local government, ``PC`` public
corporations, ``BOE`` Bank of England). :func:`cra_lines` reads them into
one tidy table of English regions' identifiable spending, one year from one
release:

=========  =================================================================
year       release
=========  =================================================================
2003-04    PESA 2009 (chapter 9 JSON, :func:`tuttotal.data.cra.region_lines`)
2004-05 …  CRA 2010 (chapter 9 database, £ million; sub-functions from
2008-09    chapter 10)
2009-10 …  CRA 2014 (combined database, £ thousand)
2012-13
2013-14 …  CRA 2018 (database, £ thousand)
2017-18
=========  =================================================================

Each year comes from the latest release that has it (a later release is
the revised figure), see :data:`YEAR_RELEASE`.

Rules, so that a region-year adds up to its release's own total to the penny:

* **Amounts.** Every cell is converted once to whole pence: the cell's
  value (a number as the workbook stores it, read as its shortest decimal
  form, or a numeric text) times 100,000,000 (£ million) or 100,000
  (£ thousand), rounded half to even to the penny. A £k cell of 1234.567
  is 123,456,700 pence; a £m cell of 0.082144462877538113 is 8,214,446
  pence. A blank cell is nothing (0). Lines are then summed in pence.
* **Regions.** ``ENGLAND_West Midlands``, ``ENGLAND_Yorkshire and The
  Humber``… are matched without case to :data:`tuttotal.data.cra.REGIONS`;
  Scotland, Wales, Northern Ireland, outside the UK and not identifiable
  (however spelled) are left out; any other spelling is an error.
* **Bodies.** ``LA`` (CRA 2010) is ``LG``.
* **Sub-functions of 2004-05 to 2008-09.** CRA 2010's chapter 9 has regions
  but only COFOG level 1; chapter 10 has the same lines (department,
  programme object group, capital or current, body) with their COFOG
  level 2 sub-functions for England as one. Each regional line is split
  by *its own line's* England sub-function shares of the same year (largest
  remainder on pence), and says so in ``note``. The English regions of
  chapter 9 add up to chapter 10's England line for line, so nothing is lost.
* **2003-04** (PESA 2009, no body): the PESA lines, each split by body in
  the proportions of the same region's 2004-05 lines (CRA 2010) of the
  same COFOG group and capital or current (of its function when the group
  has none; ``CG`` when the function has none either), ``note`` saying it
  is a split, never measured; ``department`` is blank.
* **COFOG codes** are written as ``data/themes.csv`` expects them
  (``04.5``, ``10.2``); health's ``7.A``/``7.B``/``7.C`` are ``07.1``
  medical services, ``07.5`` research, ``07.4`` central and other; COFOG
  4.1 lines of the HMT function *employment policies* are ``04.1.2``. A
  sub-function is named as PESA 2009 names its code (``data/cra_lines.csv``)
  when it does, else as the release does, so a line has one name in every year.

The parsed table is kept as Parquet under ``<cache dir>/cra/``, named by
the SHA-256 of the source files and of this module's code, so a second
read is fast.

Examples
--------
>>> from tuttotal.data import cra_releases
>>> cra_releases.YEAR_RELEASE["2008-09"], cra_releases.YEAR_RELEASE["2017-18"]
('CRA 2010', 'CRA 2018')
>>> cra_releases.to_pence(1234.567, cra_releases.THOUSAND)
123456700
>>> lines = cra_releases.cra_lines("../shared/data")  # doctest: +SKIP
>>> wm = lines[(lines.year == "2008-09") & (lines.region == "West Midlands")]  # doctest: +SKIP
>>> (wm.groupby("body").region_pence.sum() // 100_000).to_dict()  # £0.1m  # doctest: +SKIP
{'CG': 304620, 'LG': 128305, 'PC': 576}
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuttotal import cache, settings
from tuttotal import paths as project_paths
from tuttotal.data import cra, sources
from tuttotal.errors import InputError
from tuttotal.money import largest_remainder

if TYPE_CHECKING:
    import pandas as pd

MILLION = 100_000_000  #: pence in £1 million
THOUSAND = 100_000  #: pence in £1 thousand
PESA_2009, CRA_2010, CRA_2014, CRA_2018 = "PESA 2009", "CRA 2010", "CRA 2014", "CRA 2018"
#: Each year's release: the latest that has it.
YEAR_RELEASE = {
    "2003-04": PESA_2009,
    **dict.fromkeys(("2004-05", "2005-06", "2006-07", "2007-08", "2008-09"), CRA_2010),
    **dict.fromkeys(("2009-10", "2010-11", "2011-12", "2012-13"), CRA_2014),
    **dict.fromkeys(("2013-14", "2014-15", "2015-16", "2016-17", "2017-18"), CRA_2018),
}
YEARS = tuple(YEAR_RELEASE)
BODIES = ("CG", "LG", "PC", "BOE")
COLUMNS = [
    "year",
    "release",
    "region",
    "department",
    "function",
    "sub_function",
    "cofog",
    "body",
    "spend_type",
    "region_pence",
    "note",
]
NOTE_CHAPTER10 = "sub-function: the line's England shares in CRA 2010 chapter 10 (split, not measured)"
NOTE_UNSPLIT = "no sub-function: the line has no England split in CRA 2010 chapter 10"
NOTE_2003 = "body: split by the region's 2004-05 shares (CRA 2010) of the COFOG group, not measured"
NOTE_2003_FUNCTION = "body: split by the region's 2004-05 shares (CRA 2010) of the function, not measured"
NOTE_2003_CG = "body: none in 2004-05 for the function, taken as central government (not measured)"
NOTE_ROUNDING = "PESA 2009 rounding: no body"
#: COFOG function names by number (COFOG level 0 / CRA 2010 level 1).
FUNCTIONS = {
    1: "General public services",
    2: "Defence",
    3: "Public order and safety",
    4: "Economic affairs",
    5: "Environment protection",
    6: "Housing and community amenities",
    7: "Health",
    8: "Recreation, culture and religion",
    9: "Education",
    10: "Social protection",
}
_HEALTH = {"a": "07.1", "b": "07.5", "c": "07.4"}
_HEALTH_NAMES = {"medical services": "07.1", "health research": "07.5", "central and other health services": "07.4"}
_OUTSIDE_ENGLAND = {
    "scotland",
    "wales",
    "northern ireland",
    "outside uk",
    "not identifiable",
    "non-regional",
    "england",
}
_REGION_KEYS = {region.lower(): region for region in cra.REGIONS}


@dataclass(frozen=True)
class Release:
    """One CRA database: where its sheet is, its unit and which header holds each field."""

    name: str
    source: str
    sheet: str
    pence_per_unit: int
    years: tuple[str, ...]
    columns: dict[str, str]


_CRA2010_COLUMNS = {
    "department": "Dept Name",
    "function": "COFOG level 1",
    "hmt_function": "HMT Functional Classification",
    "pog": "Programme Object Group",
    "identifiable": "ID or non-ID",
    "spend_type": "CAP or CUR",
    "body": "CG, LG or PC",
    "region": "NUTS 1 region",
}
RELEASES = {
    "cra_2010_chapter9": Release(
        CRA_2010,
        "cra_2010_chapter9",
        "CRA 2010 Chapter 9 DB final ",
        MILLION,
        ("2004-05", "2005-06", "2006-07", "2007-08", "2008-09"),
        _CRA2010_COLUMNS,
    ),
    "cra_2010_chapter10": Release(
        CRA_2010,
        "cra_2010_chapter10",
        "CRA 2010 Chapter 10 DB final ",
        MILLION,
        ("2004-05", "2005-06", "2006-07", "2007-08", "2008-09"),
        {**_CRA2010_COLUMNS, "sub_function": "COFOG Level 2"},
    ),
    "cra_2014": Release(
        CRA_2014,
        "cra_2014",
        "CRA14 combined database",
        THOUSAND,
        ("2009-10", "2010-11", "2011-12", "2012-13"),
        {
            "department": "Department",
            "function": "COFOG Level 0",
            "hmt_function": "HMT Function",
            "sub_function": "COFOG Level 1",
            "identifiable": "ID/non-ID",
            "spend_type": "CAP or CUR",
            "body": "CG, LG or PC",
            "region": "NUTS Region",
        },
    ),
    "cra_2018": Release(
        CRA_2018,
        "cra_2018",
        "CRA 2018 database",
        THOUSAND,
        ("2013-14", "2014-15", "2015-16", "2016-17", "2017-18"),
        {
            "department": "Department Name",
            "function": "COFOG Level 0",
            "hmt_function": "HMT Function",
            "sub_function": "COFOG Level 1",
            "identifiable": "ID/non-ID",
            "spend_type": "CAP or CUR",
            "body": "CG, LG, PC, BOE",
            "region": "NUTS Region",
        },
    ),
}
_FIX = "use the pinned release (tuttotal data fetch), or a copy of HM Treasury's database with its headers unchanged"


def to_pence(value: Any, pence_per_unit: int) -> int:
    """One cell's amount in whole pence: its value times ``pence_per_unit``, rounded half to even once.

    A float is read as its shortest decimal form (``repr``), so that a cell
    of 1234.567 (£k) is exactly 123,456,700 pence; a blank cell (``None``,
    NaN, empty or ``-`` text) is 0.

    Raises
    ------
    ValueError
        For text that is not a number, infinities, or booleans.

    Examples
    --------
    >>> to_pence(1234.567, THOUSAND), to_pence(0.082144462877538113, MILLION), to_pence("1,234", THOUSAND)
    (123456700, 8214446, 123400000)
    >>> to_pence(None, MILLION), to_pence(-0.000000005, MILLION), to_pence(-0.000000015, MILLION)
    (0, 0, -2)
    """
    if value is None or isinstance(value, bool):
        if value is None:
            return 0
        raise ValueError("is not an amount")
    if isinstance(value, int):
        return value * pence_per_unit
    if isinstance(value, float):
        if math.isnan(value):
            return 0
        if math.isinf(value):
            raise ValueError("is not a finite amount")
        number = Decimal(repr(value))
    else:
        text = str(value).strip().replace(",", "")
        if text in ("", "-"):
            return 0
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("is not an amount") from None
        if not number.is_finite():
            raise ValueError("is not a finite amount")
    return int((number * pence_per_unit).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def region_of(text: Any) -> str | None:
    """The CRA region of a database's region cell, ``None`` outside England; ``KeyError`` if unknown.

    Examples
    --------
    >>> region_of("ENGLAND_Yorkshire and The Humber"), region_of("SCOTLAND"), region_of("Not identifiable")
    ('Yorkshire and the Humber', None, None)
    """
    key = re.sub(r"\s+", " ", str(text)).strip().lower()
    if key in _OUTSIDE_ENGLAND:
        return None
    key = key.removeprefix("england_").removeprefix("england ").strip()
    if key in _REGION_KEYS:
        return _REGION_KEYS[key]
    raise KeyError(text)


def cofog_of(text: str) -> tuple[str, str]:
    """``(code, name)`` of a COFOG sub-function cell: ``"4.5 Transport"`` → ``("04.5", "Transport")``.

    Examples
    --------
    >>> cofog_of("10.2 Old age"), cofog_of("7.A Medical services"), cofog_of("7. Health research")
    (('10.2', 'Old age'), ('07.1', 'Medical services'), ('07.5', 'Health research'))
    """
    text = re.sub(r"\s+", " ", str(text)).strip()
    found = re.match(r"^(\d+)\.([0-9A-Za-z]*)\s*(.*)$", text)
    if not found:
        raise ValueError("is not a COFOG sub-function such as '4.5 Transport'")
    major, minor, name = int(found.group(1)), found.group(2).lower(), found.group(3).strip()
    if major == 7 and minor in _HEALTH:
        return _HEALTH[minor], name
    if major == 7 and not minor:
        if name.lower() not in _HEALTH_NAMES:
            raise ValueError("is not a COFOG health sub-function")
        return _HEALTH_NAMES[name.lower()], name
    if not minor.isdigit():
        raise ValueError("is not a COFOG sub-function such as '4.5 Transport'")
    return f"{major:02d}.{minor}", name


def _function_of(text: str) -> str:
    found = re.match(r"^\s*(\d+)\.", str(text))
    if not found or int(found.group(1)) not in FUNCTIONS:
        raise ValueError("is not a COFOG function such as '4. Economic affairs'")
    return FUNCTIONS[int(found.group(1))]


def _sheet(path: Path, release: Release) -> tuple[str, int, list[list]]:
    """``(sheet name, sheet row number of the first row, rows)`` of a release's sheet (python-calamine)."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # a damaged or foreign file raises many types
        raise InputError(f"cannot be read as a workbook ({type(exc).__name__})", file=path, fix=_FIX) from None
    names = {str(name).strip().lower(): name for name in book.sheet_names}
    sheet = names.get(release.sheet.strip().lower())
    if sheet is None:
        raise InputError(
            f"has no sheet {release.sheet.strip()!r} ({release.name}); its sheets are {book.sheet_names}",
            file=path,
            fix=_FIX,
        )
    data = book.get_sheet_by_name(sheet)
    return str(sheet), data.start[0] + 1 if data.start else 1, data.to_python()


def read_database(path: str | os.PathLike, source: str) -> pd.DataFrame:
    """One release's English identifiable lines, one row per line and year, before any split.

    Parameters
    ----------
    path : path
        The workbook.
    source : str
        A key of :data:`RELEASES` (``cra_2010_chapter9``, ``cra_2010_chapter10``, ``cra_2014``, ``cra_2018``).

    Returns
    -------
    pandas.DataFrame
        ``row`` (the sheet's row number), ``year, release, region, department,
        function, hmt_function, sub_function, cofog, body, spend_type,
        region_pence``, plus ``key`` (department code, programme object
        group, capital or current, body) for CRA 2010. Chapter 10 keeps
        England (``region`` ``England``). Rows of zero pence are left out.

    Raises
    ------
    InputError
        Naming the file, sheet, row and column: a missing sheet or column,
        an unknown region spelling or body, a non-numeric amount.
    """
    import pandas as pd

    path = Path(path)
    release = RELEASES[source]
    sheet, first_row, table = _sheet(path, release)
    header = table[0] if table else []
    headers = {}
    for at, name in enumerate(header):
        headers.setdefault(re.sub(r"\s+", " ", str(name)).strip().lower(), at)
    where = f"sheet {sheet!r}"
    wanted = {**release.columns, **{year: year for year in release.years}}
    found = {}
    for field, wanted_header in wanted.items():
        column = headers.get(wanted_header.lower())
        if column is None:
            raise InputError(
                f"{where} has no column {wanted_header!r} ({release.name} database)",
                file=path,
                row=first_row,
                column=wanted_header,
                fix=_FIX,
            )
        found[field] = column
    england_ten = source == "cra_2010_chapter10"
    rows: list[dict] = []
    width = max(found.values()) + 1
    for index, line in enumerate(table[1:]):
        line = list(line) + [""] * (width - len(line))
        cells = {field: line[at] for field, at in found.items()}
        row = first_row + 1 + index

        def bad(field: str, message: str, fix: str = _FIX, cells=cells, row=row) -> InputError:
            return InputError(
                f"{where}: {message}", file=path, row=row, column=wanted[field], value=cells[field], fix=fix
            )

        if str(cells["identifiable"]).strip().lower() != "id":
            continue
        text = re.sub(r"\s+", " ", str(cells["region"])).strip().lower()
        if england_ten:
            if text != "england":
                continue
            region = "England"
        else:
            try:
                region = region_of(cells["region"])
            except KeyError:
                raise bad(
                    "region",
                    "is not a region spelling this reader knows",
                    fix=f"write an English region as 'ENGLAND_<region>' with <region> one of {', '.join(cra.REGIONS)}",
                ) from None
            if region is None:
                continue
        body = str(cells["body"]).strip().upper()
        body = "LG" if body == "LA" else body
        if body not in BODIES:
            raise bad("body", "is not a kind of body (CG, LG or LA, PC, BOE)")
        spend_type = {"CAP": "capital", "CUR": "current"}.get(str(cells["spend_type"]).strip().upper())
        if spend_type is None:
            raise bad("spend_type", "is neither CAP nor CUR")
        try:
            function = _function_of(cells["function"])
        except ValueError as exc:
            raise bad("function", f"an identifiable English line whose function {exc}") from None
        hmt = re.sub(r"\s+", " ", str(cells["hmt_function"])).strip()
        if "sub_function" in found:
            try:
                cofog, sub_function = cofog_of(cells["sub_function"])
            except ValueError as exc:
                raise bad("sub_function", str(exc)) from None
            if cofog == "04.1" and "employment policies" in hmt.lower():
                cofog = "04.1.2"
        else:
            cofog, sub_function = "", ""
        base = dict(
            release=release.name,
            region=region,
            department=re.sub(r"\s+", " ", str(cells["department"])).strip(),
            function=function,
            hmt_function=hmt,
            sub_function=sub_function,
            cofog=cofog,
            body=body,
            spend_type=spend_type,
        )
        if "pog" in found:
            # chapter 9 and 10 spell local government's department code differently ("England LA
            # data" / 999) and give it one programme object group for every function
            pog = re.sub(r"\s+", " ", str(cells["pog"])).strip()
            base["key"] = "|".join((base["department"], pog, function, hmt.lower(), spend_type, body))
        for year in release.years:
            try:
                pence = to_pence(cells[year], release.pence_per_unit)
            except ValueError as exc:
                raise bad(year, f"{exc}", fix="write the amount as a number") from None
            if pence:
                rows.append(dict(row=row, year=year, **base, region_pence=pence))
    columns = ["row", "year", *base_columns(source), "region_pence"]
    out = pd.DataFrame(rows, columns=columns)
    out["region_pence"] = out["region_pence"].astype("int64")
    out.attrs.update(file=str(path), sheet=sheet)
    return out


def base_columns(source: str) -> list[str]:
    """The descriptive columns :func:`read_database` returns for a release."""
    names = ["release", "region", "department", "function", "hmt_function", "sub_function", "cofog", "body"]
    names.append("spend_type")
    if source.startswith("cra_2010"):
        names.append("key")
    return names


def _split_by_chapter10(chapter9: pd.DataFrame, chapter10: pd.DataFrame) -> pd.DataFrame:
    """Each chapter 9 regional line split by its own line's England sub-function shares (chapter 10)."""
    import numpy as np
    import pandas as pd

    shares = chapter10.groupby(["key", "year", "sub_function", "cofog"], as_index=False)["region_pence"].sum()
    totals = shares.groupby(["key", "year"])["region_pence"].agg(["sum", lambda s: s.abs().sum()])
    totals.columns = ["net", "gross"]
    one_sign = totals[(totals["net"].abs() == totals["gross"]) & (totals["gross"] > 0)].index
    shares = shares.set_index(["key", "year"]).loc[lambda s: s.index.isin(one_sign)].reset_index()
    lines = chapter9.drop(columns=["sub_function", "cofog"]).reset_index(drop=True)
    lines["line"] = np.arange(len(lines))
    merged = lines.merge(shares.rename(columns={"region_pence": "weight"}), on=["key", "year"], how="left")
    unsplit = merged["weight"].isna()
    merged.loc[unsplit, "sub_function"] = ""
    merged.loc[unsplit, "cofog"] = [
        f"{list(FUNCTIONS.values()).index(f) + 1:02d}" for f in merged.loc[unsplit, "function"]
    ]
    merged["note"] = np.where(unsplit, NOTE_UNSPLIT, NOTE_CHAPTER10)
    weights = merged["weight"].abs().fillna(1.0).to_numpy(dtype=float)
    pence = merged["region_pence"].to_numpy(dtype=np.int64).copy()
    for where in merged.groupby("line", sort=False).indices.values():
        if len(where) > 1:
            pence[where] = largest_remainder(int(pence[where[0]]), weights[where])
    merged["region_pence"] = pence
    return pd.DataFrame(merged)


def _body_shares(lines: pd.DataFrame, keys: list[str]) -> dict[tuple, dict[str, int]]:
    """Pence by body (negative ones as 0) of each group of ``keys``, for the groups with a positive sum."""
    found: dict[tuple, dict[str, int]] = {}
    for (*key, body), pence in lines.groupby([*keys, "body"])["region_pence"].sum().items():
        found.setdefault(tuple(key), {})[body] = max(int(pence), 0)
    return {key: bodies for key, bodies in found.items() if sum(bodies.values()) > 0}


def _year_2003(lines_2004: pd.DataFrame, data_dir, download: bool) -> pd.DataFrame:
    """PESA 2009's 2003-04 lines, each split by body in its region's 2004-05 proportions."""
    import numpy as np
    import pandas as pd

    pesa = cra.region_lines(data_dir, download=download)
    pesa = pesa[pesa["year"] == "2003-04"].reset_index(drop=True)
    names = cra.line_table()
    codes = {(f, s): c for f, s, c in names[["function", "sub_function", "cofog"]].itertuples(index=False)}
    group = _body_shares(lines_2004, ["region", "cofog", "spend_type"])
    function = _body_shares(lines_2004, ["region", "function", "spend_type"])
    rows = []
    for line in pesa.itertuples(index=False):
        base = dict(
            year=line.year,
            release=PESA_2009,
            region=line.region,
            department="",
            function=line.function,
            sub_function=line.sub_function,
            spend_type=line.spend_type,
        )
        if line.sub_function == cra.ROUNDING:
            rows.append(dict(base, cofog="", body="", region_pence=int(line.region_pence), note=NOTE_ROUNDING))
            continue
        cofog = codes.get((line.function, line.sub_function))
        if cofog is None:
            raise InputError(
                f"the PESA 2009 line {line.function!r} / {line.sub_function!r} has no row in the CRA line table",
                file=names.attrs.get("source"),
                fix="add the line with its COFOG group",
            )
        weights, note = None, NOTE_2003_CG
        for table, key, text in (
            (group, (line.region, cofog, line.spend_type), NOTE_2003),
            (function, (line.region, line.function, line.spend_type), NOTE_2003_FUNCTION),
        ):
            if key in table:
                weights, note = table[key], text
                break
        if weights is None:
            rows.append(dict(base, cofog=cofog, body="CG", region_pence=int(line.region_pence), note=note))
            continue
        parts = largest_remainder(int(line.region_pence), np.array(list(weights.values()), dtype=float))
        for body, pence in zip(weights, parts, strict=True):
            if pence:
                rows.append(dict(base, cofog=cofog, body=body, region_pence=int(pence), note=note))
    out = pd.DataFrame(rows)
    out["region_pence"] = out["region_pence"].astype(np.int64)
    return out


def _build(paths: dict[str, Path], data_dir, download: bool) -> pd.DataFrame:
    import pandas as pd

    chapter9 = read_database(paths["cra_2010_chapter9"], "cra_2010_chapter9")
    chapter10 = read_database(paths["cra_2010_chapter10"], "cra_2010_chapter10")
    frames = [_split_by_chapter10(chapter9, chapter10)]
    for source in ("cra_2014", "cra_2018"):
        frame = read_database(paths[source], source)
        frame["note"] = ""
        frames.append(frame)
    lines = pd.concat(frames, ignore_index=True)
    lines = lines[lines["year"].map(YEAR_RELEASE) == lines["release"]]
    # one name per COFOG code in every year: PESA 2009's (data/cra_lines.csv) where it has the code
    names = cra.line_table().drop_duplicates("cofog").set_index("cofog")["sub_function"]
    lines["sub_function"] = lines["cofog"].map(names).fillna(lines["sub_function"])
    keys = [c for c in COLUMNS if c != "region_pence"]
    lines = lines.groupby(keys, sort=False, as_index=False)["region_pence"].sum()
    first = _year_2003(lines[lines["year"] == "2004-05"], data_dir, download)
    lines = pd.concat([first, lines], ignore_index=True)[COLUMNS]
    lines = lines[lines["region_pence"] != 0]
    lines = lines.sort_values(
        ["year", "region", "function", "cofog", "body", "spend_type", "department"], kind="stable"
    )
    lines = lines.reset_index(drop=True)
    lines["region_pence"] = lines["region_pence"].astype("int64")
    return lines


_SOURCES = ("cra_2010_chapter9", "cra_2010_chapter10", "cra_2014", "cra_2018", "cra_chapter9", "cra_chapter10")


_ENTRIES = cache.Disk("cra", "cra")


def cache_path(data_dir: settings.DataRootLike = None) -> Path:
    """``<cache dir>/cra/<hash>.parquet``: named by the sources' SHA-256 (pinned, or an extract's where
    ``data_dir`` is a root of extracts), the code (this module and all it imports) and ``data/cra_lines.csv``."""
    inputs = [sources.source_sha256(name, data_dir) for name in _SOURCES]
    code = cache.code_hash(__file__, files=[project_paths.data_dir() / "cra_lines.csv"])
    return _ENTRIES.path(f"lines-{cache.key(code, *inputs)[:24]}.parquet")


def _write(frame: pd.DataFrame, target: Path) -> None:
    cache.write_atomic(target, lambda temporary: frame.to_parquet(temporary, index=False))


@cache.memoize("cra-lines", maxsize=2)
def _cached(key: tuple[str, ...], data_dir: settings.DataRoot, download: bool) -> pd.DataFrame:
    import pandas as pd

    target = cache_path(data_dir)
    if target.is_file():
        with contextlib.suppress(Exception):  # an unreadable entry is written again
            return pd.read_parquet(target)
    files = dict(zip(_SOURCES, (Path(p) for p in key), strict=True))
    frame = _build(files, data_dir, download)
    with contextlib.suppress(OSError):
        _write(frame, target)
    return frame


def cra_lines(data_dir: settings.DataRootLike = None, *, download: bool = True) -> pd.DataFrame:
    """Every English region's identifiable spending, 2003-04 to 2017-18, by line and body, in pence.

    Parameters
    ----------
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    download : bool
        Whether to download a file that is nowhere local.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`: ``year, release`` (:data:`YEAR_RELEASE`), ``region``
        (:data:`tuttotal.data.cra.REGIONS`), ``department`` (blank for
        2003-04), ``function, sub_function, cofog, body`` (``CG``, ``LG``,
        ``PC``, ``BOE``; blank on PESA 2009's rounding lines),
        ``spend_type`` (``capital``, ``current``; ``total`` on rounding
        lines), ``region_pence`` (int64) and ``note`` (blank when measured,
        else what was split). A region-year adds up to its release's total
        to the penny. ``attrs["files"]`` names the files read.
    """
    root = settings.data_root(data_dir)
    files = {name: sources.get_path(name, root, download=download) for name in _SOURCES}
    frame = _cached(tuple(str(files[n]) for n in _SOURCES), root, download)
    frame = frame.copy()
    frame.attrs["files"] = {f"data:{name}": str(path) for name, path in files.items()}
    return frame
