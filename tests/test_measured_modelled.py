"""Measured where it was measured: the authorities' books replace the CRA's local government current lines."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.count import measured_modelled
from tuttotal.writers.place import write_tables

from .conftest import THANET

ROWS = st.lists(
    st.tuples(
        st.sampled_from(["2007-08", "2008-09", "2017-18"]),
        st.sampled_from(["CG", "LG", "PC"]),
        st.sampled_from(["current", "capital"]),
        st.integers(-(10**12), 10**12),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=80, deadline=None)
@given(rows=ROWS, books=st.lists(st.integers(0, 10**12), max_size=5))
def test_every_pound_is_counted_once_measured_or_modelled(rows, books):
    topdown = pd.DataFrame(rows, columns=["year", "body", "spend_type", "amount_pence"])
    book_rows = pd.DataFrame({"year": ["2008-09"] * len(books), "amount_pence": books}, dtype=object)
    book_rows["amount_pence"] = book_rows["amount_pence"].astype("int64")
    years = ("2007-08", "2008-09")
    spend = measured_modelled.combine(topdown, book_rows, years)
    replaced = topdown[topdown["year"].isin(years) & (topdown["body"] == "LG") & (topdown["spend_type"] == "current")]
    assert int(spend["amount_pence"].sum()) == int(topdown["amount_pence"].sum()) - int(
        replaced["amount_pence"].sum()
    ) + sum(books)
    assert set(spend["basis"]) <= {"measured", "modelled"}
    modelled = spend[spend["basis"] == "modelled"]
    in_measured_year = modelled["year"].isin(years)
    assert not (in_measured_year & (modelled["body"] == "LG") & (modelled["spend_type"] == "current")).any()
    assert int(spend.loc[spend["basis"] == "measured", "amount_pence"].sum()) == sum(books)
    lines = topdown.assign(driver="population", place_gbp=topdown["amount_pence"] / 100)
    marked = measured_modelled.mark_lines(lines, years)
    assert (marked["in_count"] == measured_modelled.REPLACED).sum() == len(replaced)


def test_a_year_without_outturn_is_modelled_throughout():
    topdown = pd.DataFrame({"year": ["2017-18"], "body": ["LG"], "spend_type": ["current"], "amount_pence": [5]})
    spend = measured_modelled.combine(topdown, None, ("2008-09",))
    assert spend["basis"].tolist() == ["modelled"] and int(spend["amount_pence"].sum()) == 5


@pytest.fixture(scope="module")
def thanet(data_root, tmp_path_factory):
    from tuttotal import report

    return report.prepare(lads=[THANET], data_dir=str(data_root), output_dir=str(tmp_path_factory.mktemp("t")))


def test_the_pilots_year_is_measured_by_default_and_never_counted_twice(thanet):
    assert thanet.year == "2008-09" and thanet.source == "measured"
    spend = thanet.count.ward_spend
    measured = spend.loc[spend["basis"] == "measured", "amount_pence"].sum()
    books = thanet.outturn.lines.query("year == '2008-09'")["place_gbp"].sum()
    assert measured / 100 == pytest.approx(books, abs=1.0), "the books are the measured money, to the pound"
    lines = measured_modelled.mark_lines(thanet.topdown.lines, thanet.measured_years)
    lg_current = lines[(lines.year == "2008-09") & (lines.body == "LG") & (lines.spend_type == "current")]
    assert (lg_current["in_count"] == measured_modelled.REPLACED).all()
    modelled = spend.loc[spend["basis"] == "modelled", "amount_pence"].sum() / 100
    counted = lines[(lines.year == "2008-09") & (lines.in_count == "modelled")]["place_gbp"].sum()
    assert modelled == pytest.approx(counted, abs=1.0), "the modelled money is the lines left in the count"
    assert "measured" in thanet.provenance.provenance_note and "modelled" in thanet.provenance.provenance_note


@pytest.mark.data("the books of every authority of the South East (the region's bridge)")
def test_the_bridge_sets_the_books_beside_the_cra_for_place_and_region(thanet):
    bridge = thanet.published.books_bridge()
    row = bridge[(bridge.year == "2008-09") & (bridge.area == "place")].iloc[0]
    lines = thanet.topdown.lines
    replaced = lines[(lines.year == "2008-09") & (lines.body == "LG") & (lines.spend_type == "current")]
    assert row["modelled_gbp"] == pytest.approx(replaced["place_gbp"].sum())
    assert abs(row["difference_pct"]) < 15, "the books and the CRA are close measures of the same money"
    region = bridge[(bridge.year == "2008-09") & (bridge.area == "region: South East")].iloc[0]
    assert region["modelled_gbp"] == pytest.approx(replaced["region_gbp"].sum())
    assert abs(region["difference_pct"]) < 5
    written = write_tables(thanet)
    assert "bridge" in written and "councils_beside_topdown" not in written


@pytest.mark.data("every South East council's books (the fixture holds Kent's and Thanet's)")
def test_the_regions_books_and_cra_are_close(thanet):
    bridge = thanet.published.books_bridge()
    region = bridge[(bridge.year == "2008-09") & (bridge.area == "region: South East")].iloc[0]
    assert abs(region["difference_pct"]) < 5


def test_places_of_different_years_and_counts_are_never_classed_together(tmp_path):
    import json

    from tuttotal.figures.webmap import places_map

    def place(slug, year, count, per_head):
        ward = {
            "code": "W",
            "name": "W",
            "lad_name": "L",
            "amount_gbp": 1.0,
            "per_head_gbp": per_head,
            "path": "M0,0 10,0 10,10Z",
        }
        data = {
            "slug": slug,
            "name": slug,
            "year": year,
            "spend": "real",
            "count": count,
            "unit_m": 50,
            "origin": [0, 0],
            "wards": [ward],
        }
        return json.loads(json.dumps(data))

    html = places_map(
        [place("a", "2008-09", "measured", 7000.0), place("b", "2012-13", "councils' books only", 1600.0)]
    )
    assert html.count("class='tt-webmap'") == 2
    assert "2008-09, measured" in html and "2012-13, councils&#x27; books only" in html
