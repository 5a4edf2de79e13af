"""``data/authorities.csv`` against the real Revenue Outturn: every authority has a row, every LAD is served.

The RS files are read here with a reader of the test's own (not the
script's), so that the table is checked against the data, not against the
code that wrote it.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
OUTTURN = DATA / "outturn"
TABLE = REPO / "data" / "authorities.csv"
SCRIPT = REPO / "scripts" / "build_authorities.py"
REGISTRY = REPO / "tuttotal" / "data" / "registry" / "wards_2013.csv"
YEARS = tuple(f"{y}-{(y + 1) % 100:02d}" for y in range(2007, 2017))  # 2007-08 to 2016-17
#: Authority rows of each RS year: before the April 2009 reorganisation 478, then 443-446.
ROWS = {"2007-08": 478, "2008-09": 478, "2009-10": 443, "2016-17": 446}
CORNWALL, COUNTY_DURHAM, NORTHUMBERLAND = "E06000052", "E06000047", "E06000057"
SHROPSHIRE, WILTSHIRE, BEDFORD, CENTRAL_BEDS = "E06000051", "E06000054", "E06000055", "E06000056"
CHESHIRE_EAST, CHESHIRE_WEST = "E06000049", "E06000050"
COUNCIL_CLASSES = {"SC", "SD", "UA", "MD", "L", "LB"}
KENT_DISTRICTS = [f"E07000{n}" for n in range(105, 117)]
MEDWAY, CITY_OF_LONDON = "E06000035", "E09000001"
#: A police body in a year: police services over £1 million (Hertfordshire CC books £1-3 thousand in two years).
POLICE_THRESHOLD = 1_000  # £ thousand
#: Authorities whose row of a year holds only "…" (no return: DCLG grossed them, the file shows no figures).
NO_RETURN = {"2016-17": {"E4001", "E7012"}}  # the Isles of Scilly; Dorset's police and crime commissioner

pytestmark = [
    pytest.mark.data("every council's Revenue Outturn of ten years (../shared/data/outturn)"),
    pytest.mark.skipif(
        not OUTTURN.is_dir(),
        reason="every council's Revenue Outturn of ten years: ../shared/data/outturn is not beside the repository",
    ),
]


def sheet_rows(year: str) -> list[list]:
    """The rows of one RS year's net current expenditure sheet (.xls to 2014-15, .xlsx from 2015-16)."""
    (path,) = sorted(
        [*OUTTURN.glob(f"Revenue_Outturn_Summary__RS__data_{year}_by_LA*.xls"), *OUTTURN.glob(f"RS_{year}_*.xlsx")]
    )
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        (name,) = [name for name in book.sheetnames if name.startswith("RS LA Data")]  # one data sheet
        return [["" if v is None else v for v in row] for row in book[name].iter_rows(values_only=True)]
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True)
    (sheet,) = [
        book.sheet_by_name(name)
        for name in book.sheet_names()
        if "net current expenditure" in str(book.sheet_by_name(name).cell_value(2, 0)).lower()
    ]
    return [sheet.row_values(r) for r in range(sheet.nrows)]


def read_year(year: str) -> dict[str, dict]:
    """E-code → name, class and police services (£ thousand) of one RS year's net current expenditure sheet."""
    values = sheet_rows(year)
    header_row = 6 if year >= "2015-16" else 5
    headers = [str(v).strip() for v in values[header_row]]
    assert headers[0] == "E-code", f"{year}: the header row is not row {header_row + 1}"
    name, klass, police = (headers.index(h) for h in ("Local authority", "Class", "Police services"))
    rows = {}
    for row in values[header_row + 1 :]:
        code = str(row[0]).strip() if row else ""
        if re.fullmatch(r"E\d{4}", code):
            value = row[police]
            assert value != "…" or code in NO_RETURN.get(year, set()), (year, code)
            rows[code] = {
                "name": str(row[name]).strip(),
                "class": str(row[klass]).strip(),
                "police": float(value) if isinstance(value, (int, float)) else 0.0,
            }
    return rows


@pytest.fixture(scope="module")
def years() -> dict[str, dict[str, dict]]:
    return {year: read_year(year) for year in YEARS}


@pytest.fixture(scope="module")
def table() -> dict[str, dict]:
    with open(TABLE, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["e_code", "authority", "class", "lads", "rule", "source"]
    codes = [row["e_code"] for row in rows]
    assert len(codes) == len(set(codes)), "one row per E-code"
    return {row["e_code"]: {**row, "lads": row["lads"].split()} for row in rows}


@pytest.fixture(scope="module")
def registry() -> set[str]:
    with open(REGISTRY, newline="", encoding="utf-8") as handle:
        codes = {row["lad_code"] for row in csv.DictReader(handle)}
    assert len(codes) == 326
    return codes


def test_every_authority_of_every_year_has_a_row(years, table):
    for year, rows in years.items():
        missing = sorted(set(rows) - set(table))
        assert not missing, f"{year}: E-codes without a row: {missing}"
        assert len(rows) == ROWS.get(year, 444), year
    assert set(table) == set().union(*years.values()), "no row for an E-code that is in no RS year"
    classes = {code: {rows[code]["class"] for rows in years.values() if code in rows} for code in table}
    assert all(classes[code] == {table[code]["class"]} for code in table)  # no E-code changed class


def test_every_lad_is_a_2013_lad_and_lists_are_sorted(table, registry):
    for code, row in table.items():
        assert set(row["lads"]) <= registry, f"{code}: {sorted(set(row['lads']) - registry)} are not 2013 LADs"
        assert row["lads"] == sorted(set(row["lads"])), f"{code}: lads not sorted and unique"
        assert row["rule"] and row["source"], code


def test_only_the_parks_are_not_placed_and_they_say_why(table):
    empty = {code: row for code, row in table.items() if not row["lads"]}
    assert all(row["rule"].startswith("not placed:") for row in empty.values())
    assert all(row["class"] == "O" for row in empty.values())
    assert sorted(empty) == [*(f"E64{n:02d}" for n in range(1, 11)), "E6803"]  # 10 national parks, Lee Valley


def test_every_lad_has_exactly_one_police_body_each_year(years, table, registry):
    for year, rows in years.items():
        bodies = {code for code, row in rows.items() if row["police"] > POLICE_THRESHOLD}
        bodies |= {code for code in NO_RETURN.get(year, set()) if "police" in rows[code]["name"].lower()}
        named = {code for code, row in rows.items() if row["class"] == "O" and "police" in row["name"].lower()}
        assert named <= bodies, f"{year}: police bodies with no police spending: {sorted(named - bodies)}"
        # the Met is inside the GLA's row (E5100) and the City of London Police inside the City's (E5010)
        assert bodies - named == {"E5100", "E5010"}, year
        assert len(named) == 37, year  # the English forces outside London
        cover = Counter(lad for code in bodies for lad in table[code]["lads"])
        assert set(cover) == registry, f"{year}: LADs without police: {sorted(registry - set(cover))}"
        twice = sorted(lad for lad, n in cover.items() if n > 1)
        assert not twice, f"{year}: LADs with two police bodies: {twice}"


def test_a_police_authority_and_its_commissioner_cover_the_same_area(years, table):
    def force(name: str) -> str:
        return re.split(r" Police ", name)[0]

    authorities = {
        force(row["name"]): code for code, row in years["2011-12"].items() if "Police Authority" in row["name"]
    }
    commissioners = {
        force(row["name"]): code for code, row in years["2012-13"].items() if "Commissioner" in row["name"]
    }
    assert set(authorities) == set(commissioners) and len(authorities) == 37
    for name, code in authorities.items():
        assert table[code]["lads"] == table[commissioners[name]]["lads"], name


def test_every_lad_has_a_council_and_at_most_one_fire_authority(years, table, registry):
    for year, rows in years.items():
        councils = Counter(
            lad for code, row in rows.items() if row["class"] in COUNCIL_CLASSES for lad in table[code]["lads"]
        )
        assert set(councils) == registry, f"{year}: LADs without a council: {sorted(registry - set(councils))}"
        # a LAD has its district/unitary and at most its county; before April 2009 the 2013 unitaries of the
        # reorganisation held several districts (whose rows say so)
        counties = Counter(lad for code, row in rows.items() if row["class"] == "SC" for lad in table[code]["lads"])
        assert max(counties.values()) == 1, year
        lower = {
            lad: [c for c, row in rows.items() if row["class"] in COUNCIL_CLASSES - {"SC"} and lad in table[c]["lads"]]
            for lad in registry
        }
        for lad, codes in lower.items():
            assert len(codes) == 1 or all("abolished April 2009" in table[c]["rule"] for c in codes), (year, lad)
        fire = Counter(
            lad for code, row in rows.items() if "fire" in row["name"].lower() for lad in table[code]["lads"]
        )
        assert max(fire.values()) == 1, f"{year}: LADs with two fire authorities"


def test_kent_thanet_and_kent_police(table):
    assert table["E2221"]["lads"] == KENT_DISTRICTS  # Kent County Council
    assert table["E2242"]["lads"] == ["E07000114"]  # Thanet
    for code in ("E6022", "E7022"):  # Kent Police Authority, then the Kent PCC
        assert table[code]["lads"] == sorted([*KENT_DISTRICTS, MEDWAY]), code
    assert table["E6122"]["lads"] == sorted([*KENT_DISTRICTS, MEDWAY])  # Kent and Medway fire
    assert table["E2201"]["lads"] == [MEDWAY]  # Medway is not the county's


def test_the_metropolitan_police_does_not_cover_the_city_of_london(table):
    # the RS has no Metropolitan Police row: its spending is the GLA group's police line
    assert not any("metropolitan police" in row["authority"].lower() for row in table.values())
    gla = table["E5100"]
    assert "Metropolitan Police" in gla["rule"]
    assert CITY_OF_LONDON not in gla["lads"] and len(gla["lads"]) == 32
    assert all(lad.startswith("E09") for lad in gla["lads"])
    assert table["E5010"]["lads"] == [CITY_OF_LONDON]  # the City, with its own police


def test_the_script_rewrites_the_table_byte_for_byte(tmp_path):
    output = tmp_path / "authorities.csv"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(DATA), str(output)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert output.read_bytes() == TABLE.read_bytes()


def test_the_councils_abolished_in_2009_are_placed_in_the_unitaries_that_replaced_them(years, table, registry):
    before = set(years["2008-09"]) - set().union(*(years[y] for y in YEARS[2:]))
    assert len(before) == 44  # 7 counties and 37 districts
    assert before <= set(years["2007-08"])
    assert set(years["2007-08"]) - set(years["2008-09"]) == {"E0534"}  # Huntingdonshire's 2007-08 E-code
    for code in before:
        assert table[code]["lads"] and set(table[code]["lads"]) <= registry, code
    assert table["E0832"]["lads"] == [CORNWALL]  # Carrick
    assert table["E0820"]["lads"] == [CORNWALL]  # Cornwall County Council (not the Isles of Scilly)
    assert table["E1333"]["lads"] == [COUNTY_DURHAM]  # Derwentside
    assert table["E0221"]["lads"] == [BEDFORD, CENTRAL_BEDS]  # Bedfordshire County Council
    assert table["E0231"]["lads"] == [BEDFORD]  # Bedford borough
    assert table["E0233"]["lads"] == table["E0234"]["lads"] == [CENTRAL_BEDS]  # Mid and South Bedfordshire
    assert table["E0621"]["lads"] == [CHESHIRE_EAST, CHESHIRE_WEST]  # Cheshire County Council
    for code in ("E0632", "E0633", "E0636"):  # Congleton, Crewe and Nantwich, Macclesfield
        assert table[code]["lads"] == [CHESHIRE_EAST], code
    for code in ("E0631", "E0634", "E0637"):  # Chester, Ellesmere Port and Neston, Vale Royal
        assert table[code]["lads"] == [CHESHIRE_WEST], code
    assert table["E0534"]["lads"] == table["E0551"]["lads"] == ["E07000011"]  # Huntingdonshire, renumbered
    # each reorganised area had its county and its districts in 2008-09; its unitary from 2009-10
    expected = {CORNWALL: 7, COUNTY_DURHAM: 8, NORTHUMBERLAND: 7, SHROPSHIRE: 6, WILTSHIRE: 5}
    for lad, n in expected.items():
        old = [c for c, row in years["2008-09"].items() if row["class"] in COUNCIL_CLASSES and lad in table[c]["lads"]]
        assert len(old) == n, (lad, sorted(old))
        assert all("abolished April 2009" in table[c]["rule"] and "Order 2008" in table[c]["source"] for c in old)
        new = [c for c, row in years["2009-10"].items() if row["class"] in COUNCIL_CLASSES and lad in table[c]["lads"]]
        assert len(new) == 1 and table[new[0]]["class"] == "UA", lad


def test_the_2013_lad_codes_are_the_registry_and_ons_names(table):
    names = {}
    with open(DATA / "lookups" / "lad13_to_nuts.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names[row["LAD13CD"]] = row["LAD13NM"]
    assert names[CORNWALL] == "Cornwall" and names[COUNTY_DURHAM] == "County Durham"
    assert names[BEDFORD] == "Bedford" and names[CENTRAL_BEDS] == "Central Bedfordshire"
    assert names[CHESHIRE_EAST] == "Cheshire East" and names[CHESHIRE_WEST] == "Cheshire West and Chester"
    assert names[SHROPSHIRE] == "Shropshire" and names[WILTSHIRE] == "Wiltshire"
    assert names.get(NORTHUMBERLAND, "Northumberland") == "Northumberland"  # 2013 code (E06000048 before)
