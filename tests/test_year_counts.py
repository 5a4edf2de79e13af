"""Several years counted in one pass (``count_years``) equal each year counted alone, row for row."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from tuttotal.count import themes
from tuttotal.count.apportion import apportion, load_transfer_rules
from tuttotal.count.year_counts import YearCounts, count_years
from tuttotal.errors import InputError, TuttotalWarning

THANET = "E07000114"
WARDS = pd.DataFrame({"ward_code": ["W1", "W2", "W3", "W4"], "lad_code": ["L1", "L1", "L2", "L2"]})
DRIVERS = pd.concat(
    [
        pd.DataFrame({"area_code": WARDS.ward_code, "driver": "population", "value": [10.0, 30.0, 25.0, 5.0]}),
        pd.DataFrame({"area_code": ["W1", "W2", "W3"], "driver": "children_0_15", "value": [2.0, 0.0, 7.0]}),
        # none in L1's wards: a line of L1 shared by it is unplaced ("driver sums to zero")
        pd.DataFrame({"area_code": WARDS.ward_code, "driver": "households", "value": [0.0, 0.0, 4.0, 1.0]}),
    ],
    ignore_index=True,
)


TOTALS = {name: float(values.sum()) for name, values in DRIVERS.groupby("driver")["value"]}


def one_at_a_time(spend, wards, drivers, table, year, *, driver=None, rules=None, totals=None):
    """The per-year loop the report used before: classify the year's rows, then count them alone."""
    classified = themes.assign_themes(spend[spend["year"] == year], table, totals)
    return apportion(classified, wards, drivers, year=year, driver=driver, transfer_rules=rules)


rows = st.fixed_dictionaries(
    {
        "year": st.sampled_from(["2007-08", "2008-09", "2009-10"]),
        "agency": st.sampled_from(["Council A", "PCT", "DWP"]),
        "agency_type": st.sampled_from(["council", "nhs", "dwp", "central"]),
        "area_code": st.sampled_from(["W1", "W2", "W3", "W4", "L1", "L2", "*", "E99999999"]),
        "function": st.sampled_from(["01", "04", "07", "09", "10", "10.1", "10.2", "02"]),
        "amount_pence": st.integers(-(10**9), 10**11),
        "basis": st.sampled_from(["measured", "modelled"]),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows, min_size=1, max_size=40), st.sampled_from([None, "population", "children_0_15", "households"]))
def test_one_pass_equals_each_year_alone_and_keeps_every_penny(records, driver):
    spend = pd.DataFrame(records)
    table = themes.load_themes()
    rules = load_transfer_rules()
    years = sorted(spend["year"].unique())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TuttotalWarning)
        counted = count_years(
            spend,
            WARDS,
            DRIVERS,
            table,
            years=years,
            driver=driver,
            transfer_rules=rules,
            driver_totals=TOTALS,
        )
        for year in years:
            alone = one_at_a_time(spend, WARDS, DRIVERS, table, year, driver=driver, rules=rules, totals=TOTALS)
            assert_frame_equal(counted.of_year(year), alone.ward_spend)
            recon = counted.reconciliations[year]
            assert recon.to_summary() == alone.reconciliation.to_summary()
            assert recon.basis_pence == alone.reconciliation.basis_pence
            # conservation: the year's money is its input, to the penny, placed or accounted for
            year_input = int(spend.loc[spend["year"] == year, "amount_pence"].sum())
            placed = int(counted.ward_spend.loc[counted.ward_spend["year"] == year, "amount_pence"].sum())
            assert placed + recon.unplaced_pence + recon.transfers_pence == year_input
    assert list(counted.ward_spend["year"]) == sorted(counted.ward_spend["year"])


def test_a_year_of_transfers_does_not_remove_another_years_payments():
    rules = pd.DataFrame({"payer_type": ["dwp"], "function": ["10"], "recipient_type": ["council"]})
    spend = pd.DataFrame(
        {
            "year": ["2008-09", "2008-09", "2009-10"],
            "agency": ["DWP", "Council", "DWP"],
            "agency_type": ["dwp", "council", "dwp"],
            "area_code": ["L1", "L1", "L1"],
            "function": ["10", "10", "10"],
            "amount_pence": [500, 700, 900],
        }
    )
    years = ["2008-09", "2009-10"]
    counted = count_years(spend, WARDS, DRIVERS, themes.load_themes(), years=years, transfer_rules=rules)
    assert counted.reconciliations["2008-09"].transfers_pence == 500
    assert counted.reconciliations["2009-10"].transfers_pence == 0
    assert counted.of_year("2009-10")["amount_pence"].sum() == 900


def test_a_bad_basis_is_refused_naming_the_column():
    spend = pd.DataFrame(
        {"year": ["2008-09"], "agency": ["A"], "agency_type": ["council"], "area_code": ["W1"], "function": ["07"],
         "amount_pence": [1], "basis": ["guessed"]}
    )  # fmt: skip
    with pytest.raises(Exception, match="basis"):
        count_years(spend, WARDS, DRIVERS, themes.load_themes(), years=["2008-09"])


@pytest.fixture(scope="module")
def thanet_2010(data_root, tmp_path_factory):
    """Thanet, 2010-11 (councils' books measured), its other years not yet counted."""
    from tuttotal import report

    return report.prepare(lads=[THANET], year="2010-11", data_dir=str(data_root),
                          output_dir=str(tmp_path_factory.mktemp("thanet-years")))  # fmt: skip


def test_the_reports_years_equal_the_per_year_loop_to_the_penny(thanet_2010):
    """Every year of a real count (the trend's and the cuts'), counted together, is each year's own count."""
    from tuttotal.count import place_loader

    run = thanet_2010
    table = themes.load_themes()
    rules = load_transfer_rules()
    totals = place_loader.driver_totals(run.drivers, run.wards)
    years = [year for year in sorted(set(run.spend["year"])) if year != run.year]
    assert len(years) >= 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TuttotalWarning)
        for year in years:
            classified = themes.assign_themes(run.spend[run.spend["year"] == year], table, totals)
            alone = apportion(classified, run.wards, run.drivers, year=year, transfer_rules=rules)
            together = run.ward_spend_of_year(year)
            assert_frame_equal(together, alone.ward_spend)
            money = run.spend.loc[run.spend["year"] == year, "amount_pence"].sum()
            recon = alone.reconciliation
            assert together["amount_pence"].sum() + recon.unplaced_pence + recon.transfers_pence == money
    by_year = run.change.change_by_year()
    assert np.isfinite(by_year["amount_gbp"]).all()


@given(
    st.lists(st.sampled_from(["2008-09", "2009-10", "2010-11"]), max_size=12),
    st.sampled_from(["2008-09", "2009-10", "2010-11", "2011-12"]),
    st.booleans(),
)
def test_a_years_rows_are_those_of_the_year_in_order_whatever_the_order_of_the_table(years, year, in_order):
    """count_years puts a year's rows together (a slice); any other order is still read row by row."""
    years = sorted(years) if in_order else years
    table = pd.DataFrame(
        {"year": pd.Series(years, dtype="str"), "ward_code": [f"W{i}" for i in range(len(years))]}
    ).assign(amount_pence=np.arange(len(years), dtype="int64"))
    counts = YearCounts(ward_spend=table, reconciliations={})
    expected = table[table["year"] == year].drop(columns="year").reset_index(drop=True)
    assert_frame_equal(counts.of_year(year), expected)
    assert_frame_equal(counts.of_year(year), expected)  # the years' index, found once, again


def test_a_bad_basis_is_refused_as_a_year_counted_alone_refuses_it():
    spend = pd.DataFrame(
        {
            "year": ["2008-09", "2009-10"],
            "agency": "Council",
            "agency_type": "council",
            "area_code": "L1",
            "function": "07",
            "amount_pence": [100, 200],
            "basis": ["measured", "guessed"],
        }
    )
    table = themes.load_themes()
    with pytest.raises(InputError) as together:
        count_years(spend, WARDS, DRIVERS, table, years=["2008-09", "2009-10"])
    with pytest.raises(InputError) as alone:
        one_at_a_time(spend, WARDS, DRIVERS, table, "2009-10")
    assert str(together.value) == str(alone.value)
    assert "['guessed']" in str(together.value) and "column 'basis'" in str(together.value)
