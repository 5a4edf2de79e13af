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
YEARS = ("2010-11", "2011-12", "2012-13", "2013-14", "2014-15")
COUNCIL_CLASSES = {"SC", "SD", "UA", "MD", "L", "LB"}
KENT_DISTRICTS = [f"E07000{n}" for n in range(105, 117)]
MEDWAY, CITY_OF_LONDON = "E06000035", "E09000001"
#: A police body in a year: police services over £1 million (Hertfordshire CC books £1-3 thousand in two years).
POLICE_THRESHOLD = 1_000  # £ thousand

pytestmark = pytest.mark.skipif(
    not OUTTURN.is_dir(), reason=f"the real Revenue Outturn files are not beside the repository ({OUTTURN} is absent)"
)


def read_year(year: str) -> dict[str, dict]:
    """E-code → name, class and police services (£ thousand) of one RS year's net current expenditure sheet."""
    import xlrd

    (path,) = sorted(OUTTURN.glob(f"Revenue_Outturn_Summary__RS__data_{year}_by_LA_*.xls"))
    book = xlrd.open_workbook(str(path), on_demand=True)
    (sheet,) = [
        book.sheet_by_name(name)
        for name in book.sheet_names()
        if "net current expenditure" in str(book.sheet_by_name(name).cell_value(2, 0)).lower()
    ]
    headers = [str(v).strip() for v in sheet.row_values(5)]
    assert headers[0] == "E-code", f"{path.name}: the header row is not row 6"
    name, klass, police = (headers.index(h) for h in ("Local authority", "Class", "Police services"))
    rows = {}
    for r in range(7, sheet.nrows):
        code = str(sheet.cell_value(r, 0)).strip()
        if re.fullmatch(r"E\d{4}", code):
            value = sheet.cell_value(r, police)
            rows[code] = {
                "name": str(sheet.cell_value(r, name)).strip(),
                "class": str(sheet.cell_value(r, klass)).strip(),
                "police": value if isinstance(value, float) else 0.0,
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
        assert len(rows) == 444
    assert set(table) == set().union(*years.values()), "no row for an E-code that is in no RS year"
    latest = {code: row for rows in years.values() for code, row in rows.items()}
    assert all(table[code]["class"] == latest[code]["class"] for code in table)


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
        # a LAD has its district/unitary and at most its county
        assert max(councils.values()) <= 2
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
