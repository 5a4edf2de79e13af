"""Councils' own books for every year, 2007-08 to 2016-17: layouts found by their text, the 2009 reorganisation, fire.

The layout tests build small workbooks from real rows committed in
``tests/fixtures/`` (the 2008-09 and 2015-16 layouts), so they run without
the shared data; the rest read the real RS files and skip without them.
"""

from __future__ import annotations

import csv
import logging
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuttotal.count import outturn_count, real_years
from tuttotal.data import outturn
from tuttotal.errors import InputError

from .conftest import THANET

FIXTURES = Path(__file__).resolve().parent / "fixtures"
OLD_ROWS, NEW_ROWS = FIXTURES / "rs_2008-09_rows.csv", FIXTURES / "rs_2015-16_rows.csv"
THOUSAND = 100_000  # pence in £ thousand
CARLISLE, WARWICK = "E07000028", "E07000222"  # districts of Cumbria and Warwickshire, both their own fire authority
COUNTY_DURHAM, NORTHUMBERLAND = "E06000047", "E06000057"
CHESHIRE_EAST, CHESHIRE_WEST = "E06000049", "E06000050"
DURHAM_COUNTY, DURHAM_DISTRICTS = "E1321", ["E1331", "E1333", "E1334", "E1335", "E1336", "E1337", "E1338"]


#: Beyond the Thanet fixture (Kent's, Thanet's and Dartford's councils): the books and people of other counties.
OTHER_COUNTIES = pytest.mark.data("the Revenue Outturn and LSOAs of Cumbria, Warwickshire, Durham and Cheshire")


def fixture_rows(path: Path) -> tuple[list[str], list[list]]:
    with open(path, newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, [[float(v) if re.fullmatch(r"-?\d+(\.\d+)?", v) else v for v in row] for row in rows]


def old_layout_workbook(path: Path, *, header: bool = True, shift: bool = False) -> None:
    """The 2007-08 / 2008-09 layout: a drop-down sheet, then 'Capital charges (col 2)' *before* the net current
    expenditure sheet (the reader must find it by its title), title in A1 and A3, header on row 6, data from row 8."""
    import openpyxl

    columns, rows = fixture_rows(OLD_ROWS)
    book = openpyxl.Workbook()
    book.active.title = "Front page"
    drop = book.create_sheet("RS08 LA drop-down")
    drop["A1"] = "Revenue Outturn Summary (RS): 2008-09 data for ENGLAND"
    drop["A4"] = "Select local authority by clicking on the box below"
    for name, title, factor in (
        ("Capital charges (col 2)", "Capital charges (£ thousand)", 0),
        ("Net current expenditure (col 1)", "Net current expenditure (£ thousand)", 1),
    ):
        sheet = book.create_sheet(name)
        sheet["A1"] = "Revenue Outturn Summary (RS): 2008-09 data"
        sheet["A3"] = title
        if header:
            for c, text in enumerate(columns, start=1):
                sheet.cell(row=6, column=c, value=text)
        for r, values in enumerate(rows, start=8):
            for c, value in enumerate(values, start=2 if shift else 1):
                sheet.cell(row=r, column=c, value=value * factor if isinstance(value, float) else value)
    book.save(path)


def new_layout_workbook(path: Path, year: str = "2015-16") -> None:
    """The 2015-16 layout: one data sheet 'RS LA Data <year>', title in A1-A3, header on row 7 (E-code, ONS Code…)."""
    import openpyxl

    columns, rows = fixture_rows(NEW_ROWS)
    book = openpyxl.Workbook()
    book.active.title = "Front Page"
    book.create_sheet("LA drop-down")
    sheet = book.create_sheet(f"RS LA Data {year}")
    sheet["A1"] = f"Revenue Outturn (RO) {year}: Revenue Outturn Summary (RS) data"
    sheet["A2"] = "Net current expenditure (£ thousand)"
    sheet["A3"] = "Hide or delete"
    for c, text in enumerate(columns, start=1):
        sheet.cell(row=7, column=c, value=text)
    for r, values in enumerate(rows, start=8):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    book.save(path)


def pounds_thousand(table, e_code: str, service: str, year: str | None = None) -> float:
    rows = table[(table.e_code == e_code) & (table.service == service)]
    if year is not None:
        rows = rows[rows.year == year]
    return int(rows.amount_pence.sum()) / THOUSAND


# ------------------------------------------------------------------ layouts, from the committed real rows


def test_the_old_layout_is_found_by_its_title_not_its_position(tmp_path):
    path = tmp_path / "rs_2008-09.xlsx"
    old_layout_workbook(path)
    read = outturn.read_year(path, "2008-09")
    assert set(read.sheet) == {"Net current expenditure (col 1)"}  # not the capital charges sheet before it
    assert pounds_thousand(read, "E4601", "education") == 1_130_943  # Birmingham
    assert pounds_thousand(read, "E4601", "total service expenditure") == 1_925_860
    assert pounds_thousand(read, "E4601", "net current expenditure") == 2_320_854
    assert pounds_thousand(read, "E2221", "education") == 1_115_259  # Kent
    assert pounds_thousand(read, "E0832", "environment and regulation") == 5_482  # Carrick, before 2009
    assert pounds_thousand(read, "E3720", "court services") == 332
    # one social care line, split later by its fixed shares; rows are the sheet's own
    assert "social care" in set(read.service) and "adult social care" not in set(read.service)
    assert set(read["row"]) == set(range(8, 15)) and set(read["class"]) == {"SC", "SD", "MD"}


def test_the_2015_layout_with_its_ons_codes(tmp_path):
    path = tmp_path / "rs_2015-16.xlsx"
    new_layout_workbook(path)
    read = outturn.read_year(path, "2015-16")
    assert pounds_thousand(read, "E2221", "education") == 833_085  # Kent
    assert pounds_thousand(read, "E4601", "net current expenditure") == 2_272_756  # Birmingham
    assert set(read.loc[read.e_code == "E3720", "ons_code"]) == {"E10000031"}  # Warwickshire
    assert pounds_thousand(read, "E3720", "fire and rescue") == 21_784


@pytest.mark.data("every English council's Revenue Outturn rows (the fixture holds Kent's, Thanet's and Dartford's)")
def test_the_committed_rows_are_the_real_rows(data_root):
    for fixture, year in ((OLD_ROWS, "2008-09"), (NEW_ROWS, "2015-16")):
        columns, rows = fixture_rows(fixture)
        real_table = outturn.read_year(outturn.year_path(year, data_root, download=False), year)
        by_header = {outturn.header_key(h): h for h in columns}
        for row in rows:
            mine = real_table[real_table.e_code == row[0]]
            assert set(mine.authority) == {row[columns.index("Local authority")]}
            for line in mine.itertuples():
                key = outturn.header_key(line.header)
                if key in by_header:
                    expected = round(Decimal(str(row[columns.index(by_header[key])])) * THOUSAND)
                    assert line.amount_pence == expected, (year, row[0], line.header)


def test_a_sheet_without_its_e_code_header_is_refused_naming_sheet_row_and_column(tmp_path):
    path = tmp_path / "no_header.xlsx"
    old_layout_workbook(path, header=False)
    with pytest.raises(InputError) as caught:
        outturn.read_year(path, "2008-09")
    text = str(caught.value)
    assert "no_header.xlsx" in text and "Net current expenditure (col 1)" in text
    assert "row 6" in text and "column 'A'" in text and "E-code" in text
    assert caught.value.exit_code == 2


def test_data_shifted_a_column_is_refused_naming_the_row_and_column(tmp_path):
    path = tmp_path / "shifted.xlsx"
    old_layout_workbook(path, shift=True)
    with pytest.raises(InputError) as caught:
        outturn.read_year(path, "2008-09")
    text = str(caught.value)
    assert "shifted.xlsx" in text and "Net current expenditure (col 1)" in text
    assert "row 8" in text and "column 'B'" in text and "shifted" in text


def test_a_workbook_with_no_net_current_expenditure_sheet_is_refused(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Capital charges (col 2)"
    book.active["A3"] = "Capital charges (£ thousand)"
    path = tmp_path / "capital_only.xlsx"
    book.save(path)
    with pytest.raises(InputError) as caught:
        outturn.read_year(path, "2008-09")
    text = str(caught.value)
    assert "capital_only.xlsx" in text and "Capital charges (col 2)" in text and "row 3" in text


def test_a_later_release_dropped_into_the_data_root_is_read_and_flagged_not_pinned(tmp_path, caplog):
    folder = tmp_path / "outturn"
    folder.mkdir()
    new_layout_workbook(folder / "RS_2017-18_data_by_LA.xlsx", year="2017-18")
    (folder / "notes.xlsx").write_bytes(b"not a workbook")  # not an RS release: left alone
    assert outturn.available_years(tmp_path) == (*outturn.PINNED_YEARS, "2017-18")
    with caplog.at_level(logging.WARNING, logger="tuttotal.data.outturn"):
        table = outturn.read_outturn(tmp_path, download=False, years=("2017-18",))
    assert "not hash-pinned" in caplog.text
    assert set(table.attrs["unpinned"]) == {"2017-18"}
    assert any("not hash-pinned" in name for name in table.attrs["files"])
    assert pounds_thousand(table, "E2221", "education", "2017-18") == 833_085
    assert outturn_count.check_year("2017-18", tmp_path) == "2017-18"
    with pytest.raises(InputError, match="no year 2018-19"):
        outturn_count.check_year("2018-19", tmp_path)


def test_a_second_read_is_the_same_table_and_still_warns(tmp_path, caplog):
    """The years are combined once per set of file versions; each read still warns and has its own attrs."""
    folder = tmp_path / "outturn"
    folder.mkdir()
    path = folder / "RS_2017-18_data_by_LA.xlsx"
    new_layout_workbook(path, year="2017-18")
    first = outturn.read_outturn(tmp_path, download=False, years=("2017-18",))
    first.attrs["unpinned"].clear()  # a caller's change to its attrs is its own
    with caplog.at_level(logging.WARNING, logger="tuttotal.data.outturn"):
        second = outturn.read_outturn(tmp_path, download=False, years=("2017-18",))
    assert "not hash-pinned" in caplog.text
    assert set(second.attrs["unpinned"]) == {"2017-18"}
    pd.testing.assert_frame_equal(first, second)
    totals = outturn.read_totals(tmp_path, download=False, years=("2017-18",))
    assert set(totals.attrs["unpinned"]) == {"2017-18"}


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_amounts_are_whole_pence_exactly(pence):
    """Any £ thousand figure with up to five decimals (a penny) becomes its pence exactly, text or number."""
    text = str(Decimal(pence) / THOUSAND)
    assert outturn._pence(text, path=Path("x"), sheet=None, r=0, c=0, header="h") == pence
    if pence % 100 == 0:  # whole pounds: what the RS files hold, as binary floats
        assert outturn._pence(float(text), path=Path("x"), sheet=None, r=0, c=0, header="h") == pence


@given(st.text(alphabet="abcdefghij -()0123456789:", max_size=40))
def test_header_keys_are_stable(text):
    key = outturn.header_key(text)
    assert outturn.header_key(key) == key
    assert outturn.header_key(text.upper() + "  ") == key


# ------------------------------------------------------------------ the real files, every year


@pytest.fixture(scope="module")
def books(data_root):
    return outturn.read_outturn(data_root, download=False)


@pytest.fixture(scope="module")
def totals(data_root):
    return outturn.read_totals(data_root, download=False)


@pytest.mark.data("every English council's Revenue Outturn rows (the fixture holds Kent's, Thanet's and Dartford's)")
def test_every_pinned_year_is_available_and_read(books):
    ten = tuple(f"{y}-{(y + 1) % 100:02d}" for y in range(2007, 2017))
    assert ten == outturn.PINNED_YEARS
    assert tuple(sorted(set(books.year))) == outturn.PINNED_YEARS
    assert not books.attrs["unpinned"]
    # rows of "…" only (no return; DCLG grossed them): the Isles of Scilly and Dorset's PCC in 2016-17, read as £0
    assert {year: sorted(codes) for year, codes in books.attrs["no_return"].items()} == {"2016-17": ["E4001", "E7012"]}


@pytest.mark.data("every English council's Revenue Outturn rows (the fixture holds Kent's, Thanet's and Dartford's)")
def test_the_readme_check_figures_of_the_new_years(books, totals):
    assert pounds_thousand(books, "E4601", "education", "2008-09") == 1_130_943  # Birmingham
    assert pounds_thousand(books, "E2221", "education", "2008-09") == 1_115_259  # Kent
    assert pounds_thousand(books, "E2221", "education", "2007-08") == 1_056_594
    assert pounds_thousand(books, "E2221", "education", "2009-10") == 1_231_048
    assert pounds_thousand(books, "E2221", "education", "2015-16") == 833_085
    assert pounds_thousand(books, "E2221", "education", "2016-17") == 835_992
    birmingham = totals[totals.e_code == "E4601"].set_index("year")
    assert birmingham.loc["2008-09", "total service expenditure"] == 1_925_860 * THOUSAND
    assert birmingham.loc["2008-09", "net current expenditure"] == 2_320_854 * THOUSAND
    assert birmingham.loc["2015-16", "net current expenditure"] == 2_272_756 * THOUSAND


@pytest.mark.data("every English council's Revenue Outturn rows (the fixture holds Kent's, Thanet's and Dartford's)")
def test_every_authority_of_every_year_has_an_e_code_and_a_class(books):
    authorities = books.drop_duplicates(["year", "e_code"])
    assert authorities.e_code.str.fullmatch(r"E\d{4}").all()
    assert set(authorities["class"]) <= outturn.CLASSES
    per_year = authorities.groupby("year").size()
    assert per_year["2007-08"] == per_year["2008-09"] == 478  # before the April 2009 reorganisation
    assert (per_year.drop(["2007-08", "2008-09"]).between(443, 446)).all()


@pytest.mark.data("every English council's Revenue Outturn rows (the fixture holds Kent's, Thanet's and Dartford's)")
def test_the_2008_09_table_has_the_authorities_before_the_reorganisation(books):
    year = books[books.year == "2008-09"].drop_duplicates("e_code").set_index("e_code")
    assert year.loc["E0832", "authority"] == "Carrick" and year.loc["E0832", "class"] == "SD"
    assert year.loc["E0820", "authority"] == "Cornwall" and year.loc["E0820", "class"] == "SC"
    assert year.loc["E1333", "authority"] == "Derwentside" and year.loc["E1321", "class"] == "SC"
    later = set(books.loc[books.year == "2009-10", "e_code"])
    assert not {"E0832", "E0820", "E1333", "E1321", "E0621", "E0221"} & later


def test_the_services_read_add_up_to_the_rs_total_service_expenditure(books, totals):
    """Every service line is read in every year: their sum is the RS's own total, to its rounding (£1 thousand)."""
    benefits = ("housing benefit", "council tax benefit", "student support")
    services = books[~books.service.str.startswith(benefits)].groupby(["year", "e_code"]).amount_pence.sum()
    total = totals.set_index(["year", "e_code"])["total service expenditure"].reindex(services.index)
    assert (services - total).abs().max() <= THOUSAND


# ------------------------------------------------------------------ the count: fire, every year, the reorganisation


def place_share(data_root, lad: str, county_lads: list[str]) -> float:
    from tuttotal.data import lsoa

    people = lsoa.lad_totals(lsoa.lsoa_table(data_root, download=False))["population"]
    return float(people[lad]) / float(people[county_lads].sum())


@OTHER_COUNTIES
@pytest.mark.parametrize(("lad", "county"), [(CARLISLE, "E0920"), (WARWICK, "E3720")])  # Cumbria, Warwickshire
def test_a_councils_own_fire_service_is_counted_as_fire(data_root, books, lad, county):
    result = outturn_count.outturn_count([lad], data_dir=data_root, years=("2010-11",), download=False)
    spend = result.spend
    fire = spend[spend.agency_type == "fire"]
    assert fire.amount_pence.sum() > 0 and spend[spend.agency_type == "council"].amount_pence.sum() > 0
    name = books.loc[books.e_code == county, "authority"].iloc[0]
    assert set(fire.agency) == {f"{name} (fire and rescue)"}
    county_lads = outturn_count.authority_table().set_index("e_code").loc[county, "lads"].split()
    rs_fire = pounds_thousand(books, county, "fire and rescue", "2010-11") * THOUSAND
    expected = rs_fire * place_share(data_root, lad, county_lads)
    assert fire.amount_pence.sum() == pytest.approx(expected, abs=1)  # to the penny
    # nothing of the council's fire line is left typed council
    council_fire = spend[(spend.agency_type == "council") & (spend.function == "03.2")]
    assert council_fire.empty


@pytest.mark.data("every English council's Revenue Outturn rows (the fixture holds Kent's, Thanet's and Dartford's)")
def test_fifteen_councils_were_their_own_fire_authority_in_2010_11(books):
    year = books[(books.year == "2010-11") & (books.service == "fire and rescue") & (books.amount_pence != 0)]
    councils = year[year["class"].isin(outturn_count.COUNCIL_CLASSES)]
    assert councils.e_code.nunique() == 15 and "Warwickshire" in set(councils.authority)
    assert councils.amount_pence.sum() / THOUSAND == pytest.approx(356_174, abs=1)
    pairs = zip(councils["class"], councils.authority, strict=True)
    kinds = {outturn_count.agency_of(k, a, "fire and rescue")[1] for k, a in pairs}
    assert kinds == {"fire"}


@OTHER_COUNTIES
def test_county_durham_in_2008_09_gets_its_county_council_and_its_seven_districts(data_root, books):
    result = outturn_count.outturn_count([COUNTY_DURHAM], data_dir=data_root, years=("2008-09",), download=False)
    lines = result.lines
    councils = set(lines.loc[lines.e_code.str.match(r"E13\d\d"), "e_code"])
    assert councils == {DURHAM_COUNTY, *DURHAM_DISTRICTS}
    mine = lines[lines.e_code.isin(councils)]
    assert len(mine) and np.allclose(mine.share, 1.0)  # all of each council's area is the place
    for code in councils:
        rs = int(books[(books.year == "2008-09") & (books.e_code == code)].amount_pence.sum())
        assert round(lines.loc[lines.e_code == code, "place_gbp"].sum() * 100) == rs, code
    # a district's own money lands only in its own area
    derwentside = result.spend[result.spend.agency == "Derwentside"]
    assert derwentside.amount_pence.sum() > 0 and set(derwentside.area_code) == {COUNTY_DURHAM}
    elsewhere = outturn_count.outturn_count([NORTHUMBERLAND], data_dir=data_root, years=("2008-09",), download=False)
    assert not set(elsewhere.lines.e_code) & councils


@OTHER_COUNTIES
def test_cheshire_county_council_in_2008_09_is_shared_between_its_two_unitaries(data_root):
    east = outturn_count.outturn_count([CHESHIRE_EAST], data_dir=data_root, years=("2008-09",), download=False)
    west = outturn_count.outturn_count([CHESHIRE_WEST], data_dir=data_root, years=("2008-09",), download=False)
    assert {"E0632", "E0633", "E0636"} <= set(east.lines.e_code) and "E0631" not in set(east.lines.e_code)
    assert {"E0631", "E0634", "E0637"} <= set(west.lines.e_code) and "E0636" not in set(west.lines.e_code)
    county = [r.lines[r.lines.e_code == "E0621"].groupby("service").place_gbp.sum() for r in (east, west)]
    whole = east.lines[east.lines.e_code == "E0621"].groupby("service").authority_gbp.sum()
    assert (county[0] > 0).all() and (county[1] > 0).all() and list(county[0].index) == list(whole.index)
    assert (county[0] + county[1] - whole).abs().max() <= 0.02  # each part rounded to the penny on each side


def test_the_count_takes_every_outturn_year_and_conserves_money(data_root):
    result = outturn_count.outturn_count([THANET], data_dir=data_root, download=False)
    assert tuple(sorted(set(result.lines.year))) == outturn.PINNED_YEARS
    placed = round(result.lines.place_gbp.sum() * 100)
    assert result.spend.amount_pence.sum() == placed
    assert sum(1 for name in result.files if name.startswith("data:outturn_")) == len(outturn.PINNED_YEARS)


def test_every_year_of_outturn_is_measured_and_the_rest_top_down():
    assert real_years.source_of_year("2006-07") == real_years.source_of_year("2017-18") == "top-down"
    assert real_years.source_of_year("2007-08") == real_years.source_of_year("2016-17") == "measured"
    assert {"2007-08", "2008-09"} <= set(outturn.YEARS) and real_years.measured_years() == tuple(outturn.YEARS)
    assert real_years.source_of_year("2030-31") == ""


def test_the_check_command_reads_the_old_layout_and_exits_2_on_a_shifted_one(tmp_path, capsys):
    from tuttotal.cli import main

    good, shifted = tmp_path / "rs_2008-09.xlsx", tmp_path / "rs_shifted.xlsx"
    old_layout_workbook(good)
    old_layout_workbook(shifted, shift=True)
    assert main(["data", "check-outturn", str(good), "--year", "2008-09"]) == 0
    out = capsys.readouterr().out
    assert "sheet 'Net current expenditure (col 1)': 7 authorities, 12 services, £5,916,126,000" in out
    # the 12 services add up to the seven authorities' own total service expenditure; the totals are not counted
    assert main(["data", "check-outturn", str(shifted), "--year", "2008-09"]) == 2
    err = capsys.readouterr().err
    assert "rs_shifted.xlsx" in err and "row 8" in err and "column 'B'" in err
