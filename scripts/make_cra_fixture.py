"""Cut the tiny committed CRA fixture (tests/fixtures/cra/) from the real databases in ../shared/data/cra.

A few dozen real rows of each release: West Midlands lines of a few departments (and their England
lines in CRA 2010 chapter 10), a few rows of other spellings (Scotland, Yorkshire and The Humber,
not identifiable). Run: python scripts/make_cra_fixture.py ../shared/data
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import python_calamine

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "cra"
FILES = {
    "cra_2010_chapter9": ("pesa_2010_database_tables_chapter9.xlsx", "CRA 2010 Chapter 9 DB final "),
    "cra_2010_chapter10": ("pesa_2010_database_tables_chapter10.xlsx", "CRA 2010 Chapter 10 DB final "),
    "cra_2014": ("CRA_2014_Combined_Database_for_Publication.xlsx", "CRA14 combined database"),
    "cra_2018": ("CRA_2018_Database_for_Publication_rvsd.xlsx", "CRA 2018 database"),
}
#: (region, text in the row's first cells, how many rows) of each release's chosen rows
QUOTAS = (
    ("ENGLAND_West Midlands", "Home Office", 12),
    ("ENGLAND_West Midlands", "LA", 12),
    ("ENGLAND_West Midlands", "Local Government England", 12),
    ("ENGLAND_Yorkshire and The Humber", "", 3),
    ("ENGLAND_Yorkshire and the Humber", "", 2),
    ("SCOTLAND", "", 2),
    ("Scotland", "", 1),
    ("Not Identifiable", "", 1),
    ("NON-REGIONAL", "", 1),
)


def rows_of(path: Path, sheet: str) -> list[list]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def choose(header: list, body: list[list], name: str, pogs: set) -> list[list]:
    region_at = header.index("NUTS 1 region" if "NUTS 1 region" in header else "NUTS Region")
    if name == "cra_2010_chapter10":
        at = [header.index(h) for h in ("Programme Object Group", "Dept Name", "HMT Functional Classification")]
        return [r for r in body if r[region_at] == "ENGLAND" and tuple(r[i] for i in at) in pogs]
    chosen = []
    for region, text, count in QUOTAS:
        found = [r for r in body if r[region_at] == region and text in " ".join(str(v) for v in r[:4])]
        chosen += [r for r in found if any(isinstance(v, (int, float)) and v for v in r)][:count]
    return chosen


def main(root: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    pogs: set = set()
    for name, (file, sheet) in FILES.items():
        rows = rows_of(Path(root) / "cra" / file, sheet)
        header, body = rows[0], rows[1:]
        chosen = choose(header, body, name, pogs)
        if name == "cra_2010_chapter9":
            at = [header.index(h) for h in ("Programme Object Group", "Dept Name", "HMT Functional Classification")]
            pogs = {tuple(r[i] for i in at) for r in chosen}
        book = openpyxl.Workbook()
        book.active.title = "Metadata"
        ws = book.create_sheet(sheet)
        ws.append(header)
        for r in chosen:
            ws.append([None if v == "" else v for v in r])
        book.save(OUT / f"{name}.xlsx")
        print(name, len(chosen))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
