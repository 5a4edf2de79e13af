"""Councils' own books: every RS year read by header text, placed in wards to the penny, cuts by service and ward."""

from __future__ import annotations

import numpy as np
import pytest

from tuttotal import report
from tuttotal.count import outturn_count, real_years
from tuttotal.data import outturn
from tuttotal.errors import InputError
from tuttotal.writers.place import write_outputs

from .bad_inputs.make_corpus import rs_workbook
from .conftest import THANET

KENT_DISTRICTS = [f"E07000{n}" for n in range(105, 117)]


@pytest.fixture(scope="module")
def table(data_root):
    return outturn.read_outturn(data_root, download=False)


@pytest.fixture(scope="module")
def thanet(data_root, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("thanet"))
    return report.prepare(lads=[THANET], year="2012-13", data_dir=data_root, output_dir=out)


def pounds(table, e_code, year, service):
    rows = table[(table.e_code == e_code) & (table.year == year) & (table.service == service)]
    return rows.amount_pence.sum() / 100


def test_the_readme_check_figures(table):
    assert pounds(table, "E2221", "2010-11", "education") == 1_180_308_000  # Kent, SC
    assert pounds(table, "E6022", "2010-11", "police") == 317_624_000  # Kent Police Authority
    thanet = table[(table.e_code == "E2242") & (table.year == "2010-11")]
    services = thanet[~thanet.service.str.startswith(("housing benefit", "council tax benefit"))]
    assert services.amount_pence.sum() / 100 == 25_885_000  # Thanet's total service expenditure
    assert pounds(table, "E2242", "2010-11", "housing benefit: rent allowances") == 57_027_000


def test_every_year_is_read_by_header_text(table):
    assert sorted(set(table.year)) == list(outturn.YEARS)
    services = table.groupby("year")["service"].apply(set)
    assert "social care" in services["2010-11"] and "adult social care" not in services["2010-11"]
    assert {"children's social care", "adult social care"} <= services["2011-12"]
    kent_public_health = pounds(table, "E2221", "2014-15", "public health")
    assert kent_public_health > 0 and pounds(table, "E2221", "2012-13", "public health") == 0
    # 2014-15's ONS Code column reaches every year through the E-code
    assert set(table.loc[table.e_code == "E2242", "ons_code"]) == {THANET}
    assert table.amount_pence.dtype == np.int64


@pytest.mark.data("every English council's Revenue Outturn rows (the fixture holds Kent's, Thanet's and Dartford's)")
def test_every_council_of_every_year_is_read(table):
    assert len(table) > 30_000


def test_a_reshaped_sheet_is_refused_with_file_sheet_row_and_column(tmp_path):
    path = tmp_path / "rs.xlsx"
    rs_workbook(path, social_care="lots")
    with pytest.raises(InputError) as caught:
        outturn.read_year(path, "2010-11")
    text = str(caught.value)
    assert "rs.xlsx" in text and "RS LA Data 2010-11 (1)" in text and "row 9" in text and "'Social care'" in text
    good = tmp_path / "good.xlsx"
    rs_workbook(good)
    read = outturn.read_year(good, "2010-11")
    assert read[read.e_code == "E2242"].amount_pence.sum() == (1425 + 65175 + 6835) * 100_000


def test_each_authority_serving_thanet_is_counted_and_money_is_conserved(thanet):
    lines = thanet.outturn.lines
    year = lines[lines.year == "2012-13"]
    authorities = set(year.authority)
    assert {"E2242", "E2221"} <= set(year.e_code)  # Thanet district and Kent county
    assert any("Police" in a for a in authorities) and any("Fire" in a for a in authorities)
    # Thanet's own spending is all in Thanet; Kent's is shared by the driver over its 12 districts
    assert (year.loc[year.e_code == "E2242", "share"] == 1).all()
    kent = year[year.e_code == "E2221"]
    assert ((kent.share > 0.05) & (kent.share < 0.2)).all()
    by_driver = kent.groupby("driver").share.first()
    assert by_driver["income_deprived"] > by_driver["population"]  # Thanet holds more of Kent's need than people
    placed = round(year.place_gbp.sum() * 100)
    spend = thanet.count.ward_spend
    assert int(spend.loc[spend.basis == "measured", "amount_pence"].sum()) == placed  # the books are the measured
    recon = thanet.count.reconciliation
    assert recon.input_pence == recon.placed_pence == int(spend.amount_pence.sum())
    assert thanet.summary()["source"] == "measured" and thanet.summary()["spend"] == "real"


def test_services_go_by_their_documented_drivers(thanet):
    year = thanet.outturn.lines[thanet.outturn.lines.year == "2012-13"].drop_duplicates("service")
    driver = dict(zip(year.service, year.driver, strict=True))
    assert driver["education"] == "children_0_15"
    assert driver["children's social care"] == "children_0_15"
    assert driver["adult social care"] == "people_60_plus"
    assert driver["housing benefit: rent allowances"] == "income_deprived"
    assert driver["highways and transport"] == "population"


def test_where_the_cuts_fell(thanet):
    by_service = thanet.change.cuts_by_service().set_index("service")
    assert by_service.loc["education", "change_gbp"] < 0  # academies left council books
    assert by_service.loc["public health", "first_gbp"] == 0 and by_service.loc["public health", "last_gbp"] > 0
    by_ward = thanet.change.cuts_by_ward()
    assert len(by_ward) == 23 and by_ward.change_per_head_gbp.notna().all()
    total_change = by_service.change_gbp.sum()
    assert by_ward.change_gbp.sum() == pytest.approx(total_change, abs=1.0)
    assert thanet.change.cuts_map() is not None and thanet.change.cuts_chart() is not None
    trend = thanet.change.change_by_year()
    assert sorted(set(trend.year)) == list(real_years.measured_years())  # the trend keeps to the years measured alike


def test_the_books_are_bridged_to_the_cra_like_for_like(thanet):
    bridge = thanet.published.books_bridge().set_index(["year", "area"])
    row = bridge.loc[("2012-13", "place")]
    books = thanet.outturn.lines.query("year == '2012-13'").place_gbp.sum()
    assert row["measured_gbp"] == pytest.approx(books) and row["modelled_gbp"] > 0
    assert row["difference_gbp"] == pytest.approx(row["measured_gbp"] - row["modelled_gbp"])
    summary = thanet.summary()["real_counts"]
    assert {"top-down", "outturn", "bridge"} <= set(summary)
    assert summary["outturn"]["years"] == list(real_years.measured_years())


def test_the_explorer_offers_both_counts_years_labelled(thanet):
    from tuttotal.explore.explorer import year_options

    labels = dict((value, label) for label, value in year_options(thanet))
    assert "top-down" in labels["2005-06"] and "measured" in labels["2012-13"] and "measured" in labels["2008-09"]


def test_an_authority_the_table_cannot_place_is_reported(data_root):
    result = outturn_count.outturn_count([THANET], data_dir=data_root, years=("2012-13",))
    table = outturn_count.authority_table()
    empty = set(table.loc[table.lads == "", "e_code"])
    reported = {code for item in result.unplaced for code in item["codes"]}
    books = outturn.read_outturn(data_root)
    spenders = set(books.loc[(books.year == "2012-13") & (books.amount_pence != 0), "e_code"])
    assert reported == empty & spenders


def test_kent_county_spending_is_shared_across_its_districts_exactly(data_root):
    whole = outturn_count.outturn_count(KENT_DISTRICTS, data_dir=data_root, years=("2013-14",))
    kent = whole.lines[whole.lines.e_code == "E2221"]
    assert np.allclose(kent.share, 1.0)  # all of Kent county's area is in the place
    assert kent.place_gbp.sum() == pytest.approx(kent.authority_gbp.sum(), abs=0.01 * len(kent) * 12)


def test_an_outturn_year_folder_is_a_valid_data_package(thanet):
    frictionless = pytest.importorskip("frictionless", reason="frictionless validates data packages (test extra)")
    written = write_outputs(thanet)
    for name in ("outturn", "cuts_by_service", "cuts_by_ward", "bridge", "topdown", "datapackage"):
        assert name in written, name
    report_ = frictionless.validate(str(written["datapackage"]))
    assert report_.valid, report_.flatten(["rowNumber", "fieldName", "type", "note"])
    import json

    described = {r["path"]: r for r in json.loads(written["datapackage"].read_text())["resources"]}
    assert "undocumented" not in described["cuts_by_ward.csv"]["description"].lower()


def test_a_year_is_parsed_once_then_read_back_exactly_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "rs.xlsx"
    rs_workbook(path)
    parsed = outturn.read_year(path, "2010-11")
    entry = outturn.cache_path("2010-11", path)
    assert not entry.exists()
    cold = outturn.read_year_cached(path, "2010-11")
    assert entry.is_file() and list(entry.parent.iterdir()) == [entry]  # written whole, nothing left behind
    warm = outturn.read_year_cached(path, "2010-11")
    for read in (cold, warm):
        assert read.equals(parsed) and list(read.dtypes) == list(parsed.dtypes) and read.attrs == parsed.attrs
    entry.write_bytes(b"not parquet")  # a damaged entry is parsed again and rewritten
    assert outturn.read_year_cached(path, "2010-11").equals(parsed)
    assert entry.read_bytes().startswith(b"PAR1")
    rs_workbook(path, social_care="lots")  # another file: another entry, and its own error
    assert outturn.cache_path("2010-11", path) != entry
    with pytest.raises(InputError):
        outturn.read_year_cached(path, "2010-11")
