"""Apportionment conserves money to the penny, whatever the input; reconciliation names what is not placed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.count import themes
from tuttotal.count.apportion import (
    DRIVER_ZERO,
    NO_DRIVER_VALUE,
    UNKNOWN_AREA,
    YEAR_OUTSIDE,
    apportion,
    load_transfer_rules,
)
from tuttotal.money import largest_remainder

WARDS = pd.DataFrame(
    {
        "ward_code": ["W01", "W02", "W03", "W04", "W05"],
        "lad_code": ["L1", "L1", "L1", "L2", "L2"],
    }
)
THEMES = themes.load_themes()
AREAS = ["W01", "W02", "W03", "W04", "W05", "L1", "L2", "*"]


def spend_table(rows):
    table = pd.DataFrame(rows, columns=["area_code", "function", "amount_pence"])
    table["year"] = "2008-09"
    table["agency"] = "Agency"
    table["agency_type"] = "council"
    table["theme"] = ""
    table["transfer"] = False
    return themes.assign_themes(table, THEMES)


spend_rows = st.lists(
    st.tuples(
        st.sampled_from(AREAS),
        st.sampled_from(["01", "07", "09", "10.5"]),
        st.integers(min_value=-(10**12), max_value=10**12),
    ),
    min_size=1,
    max_size=30,
)
driver_values = st.lists(st.integers(min_value=0, max_value=10**6), min_size=5, max_size=5).filter(
    lambda v: sum(v[:3]) > 0 and sum(v[3:]) > 0
)


def drivers_table(values):
    return pd.DataFrame({"area_code": WARDS.ward_code, "driver": "population", "value": [float(v) for v in values]})


@given(st.integers(min_value=-(10**15), max_value=10**15), st.lists(st.floats(0, 1e9), min_size=1, max_size=50))
def test_largest_remainder_adds_up_exactly(amount, weights):
    weights = np.array(weights)
    if not weights.sum() > 0:
        weights[0] = 1.0
    shares = largest_remainder(amount, weights)
    assert int(shares.sum()) == amount
    assert (np.sign(shares) * np.sign(amount) >= 0).all()


@settings(max_examples=80, deadline=None)
@given(spend_rows, driver_values)
def test_ward_amounts_add_up_to_the_placed_total_and_placed_plus_unplaced_is_input(rows, values):
    count = apportion(spend_table(rows), WARDS, drivers_table(values))
    recon = count.reconciliation
    assert int(count.ward_spend.amount_pence.sum()) == recon.placed_pence
    assert recon.placed_pence + recon.unplaced_pence == recon.input_pence == sum(r[2] for r in rows)
    assert set(count.ward_spend.ward_code) <= set(WARDS.ward_code)


@settings(max_examples=40, deadline=None)
@given(spend_rows, driver_values, st.randoms(use_true_random=False))
def test_row_order_changes_nothing(rows, values, rnd):
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    a = apportion(spend_table(rows), WARDS, drivers_table(values)).ward_spend
    b = apportion(spend_table(shuffled), WARDS, drivers_table(values)).ward_spend
    pd.testing.assert_frame_equal(a, b)


@settings(max_examples=40, deadline=None)
@given(spend_rows, driver_values)
def test_doubling_every_amount_doubles_every_output(rows, values):
    once = apportion(spend_table(rows), WARDS, drivers_table(values))
    twice = apportion(spend_table([(a, f, 2 * p) for a, f, p in rows]), WARDS, drivers_table(values))
    # Exactly double in total; per ward within the penny each apportioned amount may round
    # (a ward gets at most one LAD-level and one place-level share per agency and function).
    assert twice.reconciliation.input_pence == 2 * once.reconciliation.input_pence
    assert twice.reconciliation.placed_pence == 2 * once.reconciliation.placed_pence
    difference = (twice.ward_spend.amount_pence - 2 * once.ward_spend.amount_pence).abs()
    assert difference.max() <= 2


def test_bottom_up_amounts_stay_in_their_ward():
    count = apportion(spend_table([("W02", "07", 12345)]), WARDS)
    assert count.ward_spend[["ward_code", "amount_pence", "method"]].values.tolist() == [["W02", 12345, "bottom-up"]]


def test_lad_amounts_follow_the_driver():
    count = apportion(spend_table([("L1", "07", 1000)]), WARDS, drivers_table([1, 1, 2, 5, 5]))
    placed = count.ward_spend.set_index("ward_code").amount_pence.to_dict()
    assert placed == {"W01": 250, "W02": 250, "W03": 500}
    assert count.notes == []


def test_without_drivers_shares_are_equal_and_said_so():
    count = apportion(spend_table([("*", "07", 500)]), WARDS)
    assert count.ward_spend.amount_pence.tolist() == [100] * 5
    assert "equally" in count.notes[0]


def test_unknown_codes_are_reported_with_their_sum():
    rows = [("L1", "07", 300), ("E05999999", "07", 111), ("E06999999", "01", 222), ("W01", "01", 5)]
    recon = apportion(spend_table(rows), WARDS).reconciliation
    assert recon.unplaced == [{"reason": UNKNOWN_AREA, "amount_pence": 333, "codes": ["E05999999", "E06999999"]}]
    assert recon.placed_pence == 305


def test_driver_summing_to_zero_is_reported():
    recon = apportion(spend_table([("L1", "07", 300)]), WARDS, drivers_table([0, 0, 0, 1, 1])).reconciliation
    assert recon.unplaced[0]["reason"] == DRIVER_ZERO and recon.unplaced[0]["amount_pence"] == 300


def test_years_outside_the_run_are_reported():
    table = spend_table([("W01", "07", 10), ("W02", "07", 20)])
    table.loc[1, "year"] = "2009-10"
    recon = apportion(table, WARDS, year="2008-09").reconciliation
    assert recon.unplaced == [{"reason": YEAR_OUTSIDE, "amount_pence": 20, "codes": ["2009-10"]}]


def test_a_third_at_lad_level_with_unknown_codes_adds_up(two_district_wards):
    """The issue's check: a third of rows at LAD level (two districts), some unknown codes, exact ward totals."""
    rng = np.random.default_rng(7)
    wards = two_district_wards.ward_code.tolist()
    lads = sorted(two_district_wards.lad_code.unique())
    assert len(lads) == 2
    rows = []
    for i in range(300):
        area = lads[i % len(lads)] if i % 3 == 0 else ("E05099999" if i % 50 == 1 else wards[i % len(wards)])
        rows.append((area, ["01", "03", "04", "05", "06", "07", "08", "09", "10"][i % 9], int(rng.integers(1, 10**9))))
    count = apportion(spend_table(rows), two_district_wards)
    recon = count.reconciliation
    unknown_sum = sum(p for a, _, p in rows if a == "E05099999")
    assert recon.unplaced == [{"reason": UNKNOWN_AREA, "amount_pence": unknown_sum, "codes": ["E05099999"]}]
    assert int(count.ward_spend.amount_pence.sum()) == sum(p for *_, p in rows) - unknown_sum
    with pytest.raises(AssertionError):
        recon.placed_pence += 1
        recon.check()


def test_wards_without_a_driver_value_are_reported_not_guessed():
    drivers = drivers_table([1, 1, 1, 1, 1]).iloc[[0, 1, 3, 4]]  # W03 has no population
    count = apportion(spend_table([("L1", "07", 300), ("L2", "07", 200)]), WARDS, drivers)
    recon = count.reconciliation
    assert recon.unplaced == [{"reason": NO_DRIVER_VALUE, "amount_pence": 300, "codes": ["W03"]}]
    assert recon.placed_pence == 200


def test_rows_flagged_as_transfers_are_counted_once():
    table = spend_table([("W01", "07", 1000), ("W01", "07", 400)])
    table.loc[1, "transfer"] = True
    count = apportion(table, WARDS)
    assert count.reconciliation.transfers_pence == 400 and count.reconciliation.placed_pence == 1000
    assert "double counting" in count.notes[-1]


def test_transfer_rules_apply_only_when_the_recipient_is_counted():
    rules = load_transfer_rules()
    assert ("dwp", "10.6", "council") in set(zip(rules.payer_type, rules.function, rules.recipient_type, strict=True))
    table = spend_table([("L1", "10.6", 500), ("L1", "10.6", 300)])
    table.loc[0, "agency_type"] = "council"
    table.loc[1, "agency_type"] = "dwp"
    assert apportion(table, WARDS, transfer_rules=rules).reconciliation.transfers_pence == 300
    dwp_only = table.iloc[[1]]
    assert apportion(dwp_only, WARDS, transfer_rules=rules).reconciliation.transfers_pence == 0


def test_transfer_rules_match_bodies_that_serve_the_same_wards():
    """A council's housing benefit in one LAD does not remove DWP's subsidy to another (issue: matched by place)."""
    rules = load_transfer_rules()
    table = spend_table([("L1", "10.6", 500), ("L1", "10.6", 300), ("L2", "10.6", 200), ("W04", "10.6", 70)])
    table["agency_type"] = ["council", "dwp", "dwp", "dwp"]
    recon = apportion(table, WARDS, transfer_rules=rules).reconciliation
    assert recon.transfers_pence == 300  # only L1's DWP row: L2 and its ward W04 have no council row
    ward_level = spend_table([("W01", "10.6", 500), ("L1", "10.6", 300), ("L2", "10.6", 200)])
    ward_level["agency_type"] = ["council", "dwp", "dwp"]
    assert apportion(ward_level, WARDS, transfer_rules=rules).reconciliation.transfers_pence == 300
    place_level = spend_table([("*", "10.6", 500), ("L1", "10.6", 300), ("L2", "10.6", 200)])
    place_level["agency_type"] = ["council", "dwp", "dwp"]
    assert apportion(place_level, WARDS, transfer_rules=rules).reconciliation.transfers_pence == 500


def test_one_driver_for_the_run_overrides_the_themes_table():
    drivers = pd.concat(
        [drivers_table([1, 1, 2, 1, 1]), drivers_table([0, 0, 1, 0, 0]).assign(driver="children_0_15")],
        ignore_index=True,
    )
    table = spend_table([("L1", "09", 400)])  # 09 education: the children_0_15 driver in data/themes.csv
    by_table = apportion(table, WARDS, drivers).ward_spend.set_index("ward_code").amount_pence
    by_run = apportion(table, WARDS, drivers, driver="population").ward_spend.set_index("ward_code").amount_pence
    assert by_table.to_dict() == {"W01": 0, "W02": 0, "W03": 400}
    assert by_run.to_dict() == {"W01": 100, "W02": 100, "W03": 200}


def test_editing_one_line_of_the_themes_table_moves_the_money(tmp_path):
    edited = (themes.default_themes_path().read_text()).replace(
        "07,Health,health and wellbeing,", "07,Health,drugs and alcohol,"
    )
    (tmp_path / "themes.csv").write_text(edited)
    table = pd.DataFrame(
        {
            "area_code": ["W01"],
            "function": ["07"],
            "amount_pence": [999],
            "year": "2008-09",
            "agency": "PCT",
            "agency_type": "nhs",
            "theme": "",
            "transfer": False,
        }
    )
    before = apportion(themes.assign_themes(table, THEMES), WARDS).ward_spend.theme.tolist()
    after = apportion(themes.assign_themes(table, themes.load_themes(tmp_path / "themes.csv")), WARDS).ward_spend
    assert before == ["health and wellbeing"] and after.theme.tolist() == ["drugs and alcohol"]


def test_a_driver_given_twice_for_an_area_is_refused_naming_both():
    from tuttotal.errors import InputError

    drivers = drivers_table([1, 2, 3, 4, 5])
    drivers = pd.concat([drivers, drivers.iloc[[3]]], ignore_index=True)
    with pytest.raises(InputError, match="the population of W04 is given twice"):
        apportion(spend_table([("L2", "07", 1000)]), WARDS, drivers)


@settings(deadline=None)
@given(spend_rows, driver_values, st.integers(min_value=1, max_value=9_900))
def test_summary_totals_carry_exact_pence_at_any_size(rows, values, times):
    """At £9.9 quadrillion the floats of pounds are off by pounds; the integer pence beside them add up exactly."""
    big = [(area, function, amount * times) for area, function, amount in rows]
    totals = apportion(spend_table(big), WARDS, drivers_table(values)).reconciliation.to_summary()
    assert totals["input_pence"] == sum(amount for _, _, amount in big)
    parts = totals["placed_pence"] + totals["unplaced_pence"] + totals["transfers_removed_pence"]
    assert parts == totals["input_pence"]
    assert totals["unplaced_pence"] == sum(u["amount_pence"] for u in totals["unplaced"])
    assert all(isinstance(totals[k], int) for k in ("input_pence", "placed_pence", "unplaced_pence"))
    assert totals["input_gbp"] == totals["input_pence"] / 100  # the float kept beside it, for reading


def test_summary_pence_are_exact_where_the_floats_are_not():
    """The issue's case: £9.9 quadrillion placed and a penny unplaced (floats of pounds cannot show the penny)."""
    rows = [("L1", "01", 10**15)] * 990 + [("X99", "01", 1)]  # 990 × £10 trillion, and 1p under an unknown code
    totals = apportion(spend_table(rows), WARDS, drivers_table([1, 2, 3, 4, 5])).reconciliation.to_summary()
    assert totals["placed_pence"] == 990 * 10**15 and totals["unplaced_pence"] == 1
    assert totals["placed_pence"] + totals["unplaced_pence"] == totals["input_pence"] == 990 * 10**15 + 1
    assert round(totals["input_gbp"] * 100) != totals["input_pence"]  # the float has lost the penny: why pence
