"""The report opens with the place's headline figures as a table: total, measured share, per head, rank."""

from __future__ import annotations

import pytest

from tuttotal.money import format_gbp

from .conftest import THANET


def test_a_spend_file_is_all_measured(tmp_path):
    from tuttotal import report

    run = report.prepare(place="demo", output_dir=str(tmp_path))
    table = run.headline_table().set_index("figure")
    placed = run.count.reconciliation.placed_pence
    assert table.loc["Placed in wards", "value"] == format_gbp(placed, 3)
    assert table.loc["Measured", "value"] == f"{format_gbp(placed, 3)} (100%)"
    assert table.loc["Modelled", "value"] == "£0 (0%)"
    assert "Rank in England (per head)" not in table.index, "a synthetic place has no rank in England"
    assert run.summary()["basis"]["measured_share"] == 1.0


@pytest.mark.data("England's 326 districts, to rank Thanet among them")
def test_a_real_district_is_ranked_among_england_s(data_root, tmp_path):
    from tuttotal import report
    from tuttotal.count import topdown

    run = report.prepare(lads=[THANET], year="2005-06", data_dir=str(data_root), output_dir=str(tmp_path))
    table = run.headline_table().set_index("figure")
    national = topdown.lad_per_head("2005-06", data_dir=str(data_root))
    expected = int((national > national[THANET] + 0.5).sum()) + 1
    rank = int(table.loc["Rank in England (per head)", "value"].split(" of ")[0])
    assert rank == pytest.approx(expected, abs=1), "the district's own per head, among the 326"
    assert table.loc["Rank in England (per head)", "value"].endswith(" of 326")
    assert "modelled" in table.loc["Rank in England (per head)", "note"]
    assert table.loc["Modelled", "value"].endswith("(100%)"), "a top-down year is all modelled"
    capital = run.published.capital_pence()
    assert 0 < capital < run.count.reconciliation.placed_pence
    assert table.loc["Capital spending (apart)", "value"] == format_gbp(capital, 3)


@pytest.mark.data("England's 326 districts, to rank Thanet among them")
def test_the_pilots_year_is_ranked_among_england_s_by_the_national_count(data_root, tmp_path):
    from tuttotal import report

    run = report.prepare(lads=[THANET], data_dir=str(data_root), output_dir=str(tmp_path / "thanet"))
    table = run.headline_table().set_index("figure")
    assert run.year == "2008-09" and table.loc["Rank in England (per head)", "value"].endswith(" of 326")
    note = table.loc["Rank in England (per head)", "note"]
    assert "measured and modelled" in note and "computed" in note, "no national tables here: computed, and said so"
    measured = table.loc["Measured", "value"]
    assert measured.startswith("£") and not measured.endswith("(0%)"), "councils' books measured"
