"""The CRA databases (2010, 2014, 2018) and PESA 2009 read into one table by body: tuttotal.data.cra_releases."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuttotal.data import cra, cra_releases
from tuttotal.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "cra"
FILE_OF = {
    "cra_2010_chapter9": "pesa_2010_database_tables_chapter9.xlsx",
    "cra_2010_chapter10": "pesa_2010_database_tables_chapter10.xlsx",
    "cra_2014": "CRA_2014_Combined_Database_for_Publication.xlsx",
    "cra_2018": "CRA_2018_Database_for_Publication_rvsd.xlsx",
}


@pytest.fixture(scope="module")
def lines(data_root):
    return cra_releases.cra_lines(data_root, download=False)


def _pounds_m(frame) -> float:
    return round(int(frame["region_pence"].sum()) / 100_000_000, 1)


# ---- the README's check figures (£ million, to £0.1m)

#: The Thanet fixture holds the South East's lines only: the West Midlands' need the real data root.
OTHER_REGION = pytest.mark.data("the West Midlands' CRA lines (the fixture holds the South East's)")
CHECKS = [
    pytest.param("2008-09", "West Midlands", {"CG": 30462.0, "LG": 12830.5, "PC": 57.6}, 43350.2, marks=OTHER_REGION),
    pytest.param("2010-11", "West Midlands", {"CG": 32930.0, "LG": 13489.9, "PC": 374.5}, None, marks=OTHER_REGION),
    ("2010-11", "South East", None, 64947.6),
    pytest.param("2017-18", "West Midlands", {"CG": 40405.6, "LG": 11936.8, "PC": 208.9}, None, marks=OTHER_REGION),
]


@pytest.mark.parametrize(("year", "region", "bodies", "total"), CHECKS)
def test_check_figures(lines, year, region, bodies, total):
    found = lines[(lines["year"] == year) & (lines["region"] == region)]
    if bodies:
        by_body = {body: _pounds_m(part) for body, part in found.groupby("body")}
        assert by_body == bodies
    if total is not None:
        assert _pounds_m(found) == total


# ---- each region-year is its release's own total, to the penny


def _raw_totals(path: Path, sheet: str, region_header: str, unit: int, years) -> dict[tuple[str, str], int]:
    """Sum a release's English identifiable cells straight from the sheet (openpyxl), each cell to the penny."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = book[sheet].iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows)]
    region_at, id_at = header.index(region_header), next(i for i, h in enumerate(header) if h.lower().startswith("id"))
    year_at = {year: header.index(year) for year in years}
    names = {r.lower(): r for r in cra.REGIONS}
    totals: dict[tuple[str, str], int] = {}
    for row in rows:
        region = str(row[region_at])
        if not region.startswith("ENGLAND_") or str(row[id_at]).lower() != "id":
            continue
        region = names[region.removeprefix("ENGLAND_").lower()]
        for year, at in year_at.items():
            value = row[at]
            if value is None:
                continue
            pence = (Decimal(repr(value)) * unit).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
            totals[(year, region)] = totals.get((year, region), 0) + int(pence)
    book.close()
    return totals


@pytest.mark.data("every region's CRA lines (the fixture holds the South East's)")
@pytest.mark.parametrize(
    ("source", "sheet", "region_header"),
    [
        ("cra_2010_chapter9", "CRA 2010 Chapter 9 DB final ", "NUTS 1 region"),
        ("cra_2014", "CRA14 combined database", "NUTS Region"),
        ("cra_2018", "CRA 2018 database", "NUTS Region"),
    ],
)
@pytest.mark.slow
def test_region_years_add_up_to_the_release_to_the_penny(lines, data_root, source, sheet, region_header):
    release = cra_releases.RELEASES[source]
    years = [y for y, r in cra_releases.YEAR_RELEASE.items() if r == release.name]
    raw = _raw_totals(data_root / "cra" / FILE_OF[source], sheet, region_header, release.pence_per_unit, years)
    ours = lines[lines["year"].isin(years)].groupby(["year", "region"])["region_pence"].sum()
    assert len(raw) == len(years) * len(cra.REGIONS)
    assert {key: int(value) for key, value in ours.items()} == raw


def test_2003_04_is_pesa_2009_split_by_body_and_says_so(lines, data_root):
    first = lines[lines["year"] == "2003-04"]
    assert set(first["release"]) == {"PESA 2009"}
    assert (first["note"] != "").all()
    published = cra.published_totals(data_root)
    published = published[(published["year"] == "2003-04") & published["region"].isin(cra.REGIONS)]
    ours = first.groupby("region")["region_pence"].sum()
    for row in published.itertuples():
        assert int(ours[row.region]) == round(row.total_gbp * 100)
    # every PESA line is kept whole across its bodies
    pesa = cra.region_lines(data_root, download=False)
    pesa = pesa[pesa["year"] == "2003-04"].groupby(["region", "function", "sub_function", "spend_type"])
    mine = first.groupby(["region", "function", "sub_function", "spend_type"])["region_pence"].sum()
    assert mine.to_dict() == pesa["region_pence"].sum()[lambda s: s != 0].to_dict()
    assert first.loc[first["sub_function"] != cra.ROUNDING, "body"].isin(cra_releases.BODIES).all()


@pytest.mark.data("every region's CRA lines (the fixture holds the South East's)")
def test_year_release_rule_and_columns(lines):
    assert list(lines.columns) == cra_releases.COLUMNS
    assert str(lines["region_pence"].dtype) == "int64"
    assert lines.groupby("year")["release"].unique().map(list).to_dict() == {
        year: [release] for year, release in cra_releases.YEAR_RELEASE.items()
    }
    assert sorted(lines["year"].unique()) == list(cra_releases.YEARS)
    for year, part in lines.groupby("year"):
        assert sorted(part["region"].unique()) == sorted(cra.REGIONS), year
    measured = lines[lines["year"] != "2003-04"]
    assert set(measured["body"]) <= set(cra_releases.BODIES)
    assert set(measured["spend_type"]) == {"capital", "current"}
    assert measured["cofog"].str.fullmatch(r"\d\d(\.\d(\.\d)?)?").all()
    # sub-functions of 2004-05 to 2008-09 come from chapter 10, and say so
    assert (lines.loc[lines["release"] == "CRA 2010", "note"] != "").all()
    assert (lines.loc[lines["release"].isin(["CRA 2014", "CRA 2018"]), "note"] == "").all()


@pytest.mark.data("the West Midlands' CRA lines (the fixture holds the South East's)")
def test_local_government_police_and_fire_are_lg_lines(lines):
    wm = lines[(lines["year"] == "2010-11") & (lines["region"] == "West Midlands")]
    police = wm[wm["cofog"] == "03.1"].groupby("body")["region_pence"].sum()
    assert police["LG"] > police.get("CG", 0) > 0
    transport = wm[wm["cofog"] == "04.5"].groupby("body")["region_pence"].sum()
    assert transport["CG"] > 0 and transport["LG"] > 0


def test_second_read_comes_from_the_cache(lines, data_root):
    import pandas as pd

    entry = cra_releases.cache_path(data_root)
    assert entry.is_file() and entry.parent.name == "cra"
    assert pd.read_parquet(entry).equals(lines)  # the Parquet entry is the table itself
    again = cra_releases.cra_lines(data_root, download=False)
    assert again.equals(lines)
    assert set(again.attrs["files"]) >= {"data:cra_2010_chapter9", "data:cra_2014", "data:cra_2018"}


# ---- the committed fixture: a few dozen real rows of each release, no shared data needed


@pytest.mark.parametrize("source", list(cra_releases.RELEASES))
def test_fixture_parses_to_its_own_cells(source):
    path = FIXTURES / f"{source}.xlsx"
    release = cra_releases.RELEASES[source]
    frame = cra_releases.read_database(path, source)
    book = openpyxl.load_workbook(path, data_only=True)
    sheet = book[release.sheet]
    header = [c.value for c in sheet[1]]
    region_at = header.index(release.columns["region"])
    expected = 0
    for row in sheet.iter_rows(min_row=2, values_only=True):
        region = str(row[region_at])
        england = region == "ENGLAND" if source.endswith("chapter10") else region.startswith("ENGLAND_")
        id_at = header.index(release.columns["identifiable"])
        if not england or str(row[id_at]).lower() != "id":
            continue
        for year in release.years:
            value = row[header.index(year)]
            if value is not None:
                expected += cra_releases.to_pence(value, release.pence_per_unit)
    assert int(frame["region_pence"].sum()) == expected != 0
    assert frame["row"].min() >= 2
    assert set(frame["body"]) <= set(cra_releases.BODIES)
    if not source.endswith("chapter10"):
        assert set(frame["region"]) == {"West Midlands", "Yorkshire and the Humber"}


def test_fixture_chapter9_split_by_chapter10_keeps_every_penny():
    chapter9 = cra_releases.read_database(FIXTURES / "cra_2010_chapter9.xlsx", "cra_2010_chapter9")
    chapter10 = cra_releases.read_database(FIXTURES / "cra_2010_chapter10.xlsx", "cra_2010_chapter10")
    split = cra_releases._split_by_chapter10(chapter9, chapter10)
    keys = ["year", "region", "department", "body", "spend_type"]
    assert split.groupby(keys)["region_pence"].sum().equals(chapter9.groupby(keys)["region_pence"].sum())
    assert (split["note"] == cra_releases.NOTE_CHAPTER10).all()
    assert split["cofog"].str.fullmatch(r"\d\d\.\d").all()
    lg = split[split["body"] == "LG"]
    assert "03.1" in set(lg["cofog"]) or "09.2" in set(lg["cofog"]) or len(lg["cofog"].unique()) > 1


# ---- spellings, codes, units


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("ENGLAND_West Midlands", "West Midlands"),
        ("ENGLAND_Yorkshire and The Humber", "Yorkshire and the Humber"),
        ("ENGLAND_Yorkshire and the Humber", "Yorkshire and the Humber"),
        ("  ENGLAND_East ", "East"),
        ("SCOTLAND", None),
        ("Scotland", None),
        ("Not identifiable", None),
        ("Not Identifiable", None),
        ("NON-REGIONAL", None),
        ("OUTSIDE UK", None),
    ],
)
def test_region_spellings(text, region):
    assert cra_releases.region_of(text) == region


def test_unknown_region_spelling_is_a_key_error():
    with pytest.raises(KeyError):
        cra_releases.region_of("ENGLAND_Midlands")


@pytest.mark.parametrize(
    ("text", "code"),
    [("4.5 Transport", "04.5"), ("10.9 Social protection n.e.c.", "10.9"), ("7.C Central and other health", "07.4")],
)
def test_cofog_codes(text, code):
    assert cra_releases.cofog_of(text)[0] == code


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=3))
def test_thousands_convert_to_pence_exactly(amount):
    exact = int(amount * 100_000)
    assert cra_releases.to_pence(float(amount), cra_releases.THOUSAND) == exact
    assert cra_releases.to_pence(str(amount), cra_releases.THOUSAND) == exact


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_millions_round_once_to_the_nearest_penny(value):
    pence = cra_releases.to_pence(value, cra_releases.MILLION)
    exact = Decimal(repr(value)) * cra_releases.MILLION
    assert abs(Decimal(pence) - exact) <= Decimal("0.5")
    assert cra_releases.to_pence(-value, cra_releases.MILLION) == -pence


@given(st.lists(st.decimals(min_value=-(10**6), max_value=10**6, places=2), max_size=30))
def test_whole_pounds_thousands_sum_like_their_text(amounts):
    total = sum(cra_releases.to_pence(float(a), cra_releases.THOUSAND) for a in amounts)
    assert total == int(sum(amounts, Decimal(0)) * 100_000)


# ---- bad input: the file, sheet, row and column, and exit code 2


def _edited(tmp_path: Path, source: str, edit) -> Path:
    book = openpyxl.load_workbook(FIXTURES / f"{source}.xlsx")
    edit(book[cra_releases.RELEASES[source].sheet])
    path = tmp_path / f"bad_{source}.xlsx"
    book.save(path)
    return path


def _header_at(sheet, name: str) -> int:
    return next(c.column for c in sheet[1] if c.value == name)


def test_missing_column_names_file_sheet_row_and_column(tmp_path):
    path = _edited(tmp_path, "cra_2014", lambda ws: ws.delete_cols(_header_at(ws, "CAP or CUR")))
    with pytest.raises(InputError) as caught:
        cra_releases.read_database(path, "cra_2014")
    error = caught.value
    assert error.exit_code == 2
    assert error.file == str(path) and error.row == 1 and error.column == "CAP or CUR"
    assert "CRA14 combined database" in str(error) and "Fix:" in str(error)


def test_missing_year_column_is_named(tmp_path):
    path = _edited(tmp_path, "cra_2018", lambda ws: ws.delete_cols(_header_at(ws, "2015-16")))
    with pytest.raises(InputError, match=r"row 1, column '2015-16'"):
        cra_releases.read_database(path, "cra_2018")


def _first_english_row(sheet, region_header: str) -> int:
    at = _header_at(sheet, region_header)
    return next(r for r in range(2, sheet.max_row + 1) if str(sheet.cell(r, at).value).startswith("ENGLAND_"))


def test_non_numeric_amount_names_its_cell(tmp_path):
    def edit(ws):
        row = _first_english_row(ws, "NUTS 1 region")
        ws.cell(row, _header_at(ws, "2006-07")).value = "twelve"
        edit.row = row

    path = _edited(tmp_path, "cra_2010_chapter9", edit)
    with pytest.raises(InputError) as caught:
        cra_releases.read_database(path, "cra_2010_chapter9")
    assert caught.value.row == edit.row and caught.value.column == "2006-07" and caught.value.value == "twelve"
    assert re.search(r"sheet 'CRA 2010 Chapter 9 DB final '", str(caught.value))


def test_unknown_region_spelling_names_its_cell(tmp_path):
    def edit(ws):
        row = _first_english_row(ws, "NUTS Region")
        ws.cell(row, _header_at(ws, "NUTS Region")).value = "ENGLAND_Midlands"
        edit.row = row

    path = _edited(tmp_path, "cra_2014", edit)
    with pytest.raises(InputError, match="West Midlands") as caught:
        cra_releases.read_database(path, "cra_2014")
    assert caught.value.row == edit.row and caught.value.column == "NUTS Region"


def test_missing_sheet_is_named(tmp_path):
    def edit(ws):
        ws.title = "Sheet1"

    path = _edited(tmp_path, "cra_2018", edit)
    with pytest.raises(InputError, match="has no sheet 'CRA 2018 database'"):
        cra_releases.read_database(path, "cra_2018")
