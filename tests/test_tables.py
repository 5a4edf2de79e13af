"""Formatted tables: how the notebooks show pounds, per head and shares, and sorting them in report.html."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuttotal.figures import tables
from tuttotal.run.report_page import export_html

from .conftest import REPO
from .test_batch import ARTIFACTS, block_network, browser_page


def test_columns_are_formatted_by_their_names_and_values_stay_numbers():
    table = pd.DataFrame(
        {
            "area": ["Margate Central", "Thanet"],
            "amount_gbp": [12_345_678.4, -1500.0],
            "per_head_gbp": [6398.456, float("nan")],
            "share_of_place": [0.0637, 0.5],
            "change_pct": [-12.34, 3.0],
            "population": [9783.0, 139822.0],
        }
    )
    styler = tables.styled(table, index=False, caption="Kent, 2008-09")
    html = styler.to_html()
    for shown in ("£12,345,678", "-£1,500", "£6,398.46", "6.4%", "50.0%", "-12.3%", "139,822", "Kent, 2008-09"):
        assert shown in html, shown
    assert 'class="tuttotal-table"' in html
    assert styler.data["amount_gbp"].dtype == float  # the values underneath are untouched
    assert ">nan<" not in html.lower()


def test_a_named_index_becomes_the_first_column_and_ids_are_stable():
    totals = pd.Series({"health": 10.0, "older people": 5.0}, name="amount_gbp").rename_axis("theme")
    first, second = tables.styled(totals).to_html(), tables.styled(totals).to_html()
    assert first == second  # a re-run notebook stores the same page (nbval compares it)
    header = first.split("<thead>")[1].split("</thead>")[0]
    assert header.count("<tr>") == 1 and ">theme<" in header and ">amount_gbp<" in header


@given(st.floats(min_value=-1e13, max_value=1e13, allow_nan=False))
def test_pounds_read_back_to_the_value_they_show(value):
    shown = tables.POUNDS(value)
    back = float(shown.replace("£", "").replace(",", ""))
    assert back == pytest.approx(round(value), abs=0.5)


@pytest.mark.browser
def test_report_tables_sort_on_a_click_in_chromium(tmp_path):
    """The stored report notebook's tables, exported as report.html, sort by number on a heading's click."""
    notebook = nbformat.read(REPO / "notebooks" / "place_report.ipynb", as_version=4)
    assert any(tables.TABLE_CLASS in json.dumps(cell.get("outputs", [])) for cell in notebook.cells)
    page_path = export_html(REPO / "notebooks" / "place_report.ipynb", tmp_path / "report.html", title="demo")
    with browser_page({"width": 1280, "height": 900}) as page:
        requested = block_network(page)
        page.goto(page_path.as_uri())
        table = page.locator("table.tuttotal-table").nth(2)  # £ by theme and agency type (after the headline)
        heading = table.locator("thead tr").last.locator("th").nth(2)
        column = heading.inner_text().strip()
        assert column == "dwp"

        def values() -> list[float]:
            cells = table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.cells[2].textContent)")
            return [float(c.replace("£", "").replace(",", "")) for c in cells]

        heading.click()
        assert values() == sorted(values(), reverse=True) and values()[0] > 0
        heading.click()
        assert values() == sorted(values())
        table.screenshot(path=str(ARTIFACTS / "report-table-sorted.png"))
        assert requested == []  # nothing but the file itself: the page needs no network
