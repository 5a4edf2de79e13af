"""The place report's analysis as functions of tables (issue 22, item 1): focus comparison, need, ranks, text.

Run on small tables made here, without the data root: what :class:`tuttotal.report.PlaceReport` gets from them
is the same as it got from its own methods before the split (the four places' outputs are byte-identical).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.analysis import need, place_text
from tuttotal.analysis.focus import focus_comparison_table, pilot_median_note
from tuttotal.analysis.ranks import no_ranks, place_rank, with_ranks_note
from tuttotal.analysis.summary import basis_summary
from tuttotal.analysis.web_map import web_map_wards
from tuttotal.count.apportion import Reconciliation

WARDS = pd.DataFrame(
    {
        "ward_code": ["W1", "W2", "W3", "W4"],
        "ward_name": ["Alpha", "Beta", "Gamma", "Delta"],
        "lad_code": ["L1", "L1", "L2", "L2"],
        "lad_name": ["North", "North", "South", "South"],
    }
)
PEOPLE = pd.Series({"W1": 100.0, "W2": 300.0, "W3": 200.0, "W4": 400.0})


def spend_of(pence: list[int], bases: list[str]) -> pd.DataFrame:
    """A ward spend table: ward, theme and basis cycling over the rows."""
    n = len(pence)
    return pd.DataFrame(
        {
            "ward_code": [WARDS.ward_code[i % 4] for i in range(n)],
            "theme": [("health", "housing", "police")[i % 3] for i in range(n)],
            "basis": bases,
            "amount_pence": pence,
        }
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10_000_000), st.sampled_from(["measured", "modelled"])), min_size=1, max_size=24)
)
def test_an_areas_rows_by_basis_add_up_to_its_row(rows):
    """By basis, each area's rows of a theme add up to its row of all money (amount and per head)."""
    spend = spend_of([p for p, _ in rows], [b for _, b in rows])
    median = pd.Series({"all themes": 7.0, "health": 3.0})
    kwargs = dict(place_name="Place", pilot_median=median, pilot_note=pilot_median_note("2008-09", median))
    whole = focus_comparison_table(spend, WARDS, PEOPLE, ["W1", "W3"], **kwargs)
    parts = focus_comparison_table(spend, WARDS, PEOPLE, ["W1", "W3"], by_basis=True, **kwargs)
    assert list(whole.columns) == ["area", "level", "theme", "amount_gbp", "per_head_gbp"]
    assert whole.attrs["notes"] == parts.attrs["notes"] == [kwargs["pilot_note"]]
    assert set(parts.loc[parts.level == "pilot median", "basis"]) == {"modelled"}
    money = parts[parts.level != "pilot median"].groupby(["area", "level", "theme"])[["amount_gbp", "per_head_gbp"]]
    mine = whole[whole.level != "pilot median"]
    summed = money.sum().reindex(pd.MultiIndex.from_frame(mine[["area", "level", "theme"]]))
    assert np.allclose(summed["amount_gbp"].to_numpy(), mine["amount_gbp"].to_numpy())
    assert np.allclose(summed["per_head_gbp"].to_numpy(), mine["per_head_gbp"].to_numpy())
    assert list(whole.level.drop_duplicates()) == ["ward", "LAD", "place", "pilot median"]


def test_no_focus_wards_or_no_people_give_an_empty_comparison():
    spend = spend_of([100], ["measured"])
    assert focus_comparison_table(spend, WARDS, None, ["W1"], place_name="P").empty
    assert list(focus_comparison_table(spend, WARDS, PEOPLE, [], place_name="P", by_basis=True).columns) == [
        "area", "level", "theme", "basis", "amount_gbp", "per_head_gbp",
    ]  # fmt: skip


def test_need_is_on_the_measured_money_of_a_real_count_and_says_so():
    spend = spend_of([100, 300], ["measured", "modelled"])
    assert need.need_basis(spend, is_real=True) == "measured"
    assert need.need_basis(spend.assign(basis="modelled"), is_real=True) == "all"
    assert need.need_money_basis("all", is_real=True) == "modelled"
    assert need.need_money_basis("all", is_real=False) == "measured"
    construction = need.by_construction_note("all", is_real=True)
    notes = need.need_notes(
        coverage_notes=["part"], provenance="From.", year="2010-11", real_drivers=True, drivers_note="D.",
        construction=construction,
    )  # fmt: skip
    assert notes[0] == "part" and "mid-2010" in notes[2] and notes[-1] == construction
    assert need.need_notes(coverage_notes=[], provenance="From.", year="", real_drivers=False, drivers_note="D.",
                           construction=None) == ["From.", "D."]  # fmt: skip


def test_ward_need_and_its_words_from_a_long_driver_table():
    drivers = pd.DataFrame(
        {
            "area_code": [c for c in WARDS.ward_code for _ in range(2)],
            "driver": ["population", "income_deprived_share"] * 4,
            "value": [100, 0.4, 300, 0.1, 200, 0.3, 400, 0.2],
        }
    )
    wide = need.drivers_wide(drivers, WARDS.ward_code)
    assert need.has_need(wide) and not need.has_need(wide.drop(columns="income_deprived_share"))
    wide = wide.assign(imd2010_score=[40.0, 10.0, 30.0, 20.0], imd2015_score=np.nan)
    totals = WARDS.assign(amount_gbp=[1000.0, 1000.0, 1000.0, 1000.0])
    table = need.place_ward_need(totals, wide, PEOPLE * 2)  # the year's people are the denominator
    assert table.set_index("ward_code")["per_head_gbp"].to_dict() == {"W1": 5.0, "W2": 1000 / 600, "W3": 2.5,
                                                                      "W4": 1.25}  # fmt: skip
    assert need.need_measurable(table)
    assert 0 < need.gini(table) < 1
    text = need.need_text(table, has_need=True, construction="By construction.")
    assert text.splitlines()[-1] == "By construction." and "Gini of spend per head across wards" in text
    assert need.need_text(None, has_need=False, construction=None).startswith("No population")
    assert need.deprivation_summary(table)["gini_per_head_across_wards"] == round(need.gini(table), 6)


def test_a_rank_in_words_and_no_ranks_for_a_count_that_is_not_englands():
    ranks = pd.DataFrame(
        [
            {"level": "district", "measure": "per_head_gbp", "rank": 3.0, "of": 326.0, "value": 2345.6,
             "direction": "1 = most", "what": "£ per head", "prices": "cash", "rank_basis": "all", "table": "t"},
            {"level": "district", "measure": "change", "rank": 10.0, "of": 300.0, "value": -12.4,
             "direction": "1 = most cut", "what": "councils' change", "prices": "2016-17 prices",
             "rank_basis": "books", "table": "t"},
        ]
    )  # fmt: skip
    rank, note = place_rank(ranks, "per_head_gbp", several_lads=False)
    assert rank == "3 of 326" and "£2,346 a head" in note
    assert "−£12 a head" in place_rank(ranks, "change", several_lads=False, signed=True)[1]
    assert place_rank(ranks, "per_head_gbp", several_lads=True) is None  # no place row
    assert no_ranks(["level"], illustrative=False).attrs["note"].endswith("England's tables count.")
    labelled = pd.DataFrame({"level": []})
    labelled.attrs["table"] = "outputs/england/2008-09/lads.csv"
    assert with_ranks_note(labelled).attrs["note"].endswith("Table: outputs/england/2008-09/lads.csv")


def test_totals_and_focus_in_words():
    r = Reconciliation(input_pence=150_000, placed_pence=100_000, transfers_pence=20_000,
                       unplaced=[{"reason": "no ward", "amount_pence": 30_000, "codes": ["X1"]}])  # fmt: skip
    text = place_text.totals_text(r, heading="P", provenance="From.", warnings=["W"], population=PEOPLE)
    assert text.splitlines() == [
        "P", "From.", "input total:  £1,500.00 (£1.5k)", "transfers removed as double counting: £200.00",
        "placed:       £1,000.00", "not placed:   £300.00", "W", "  no ward: £300.00 (X1)",
        "per head:     £1 (population 1,000)",
    ]  # fmt: skip
    assert place_text.focus_text(pd.DataFrame(), [], place_name="P") == "No focus wards."


def test_summary_of_bases_and_the_web_map_table():
    assert basis_summary(spend_of([0], ["measured"]))["measured_share"] is None
    wards = web_map_wards(WARDS.assign(amount_gbp=1.0), pd.Series({"W2": 0.5}))
    assert wards["per_head_gbp"].isna().all()
    assert wards["income_deprived_share"].fillna(-1).tolist() == [-1, 0.5, -1, -1]


@pytest.mark.parametrize("median", [None, pd.Series({"all themes": 1.0})])
def test_the_median_pilot_note_says_what_it_is_or_why_not(median):
    note = pilot_median_note("2008-09", median)
    assert ("left out" in note) is (median is None) and "2008-09" in note
