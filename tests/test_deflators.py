"""Real terms: HM Treasury's GDP deflator, checked against the README's figures and ONS YBGB."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.data import deflators
from tuttotal.errors import InputError

FIXTURE = Path(__file__).with_name("fixtures") / "hmt_gdp_deflator_2003_2018.csv"
YEARS = [f"{y}-{(y + 1) % 100:02d}" for y in range(2003, 2018)]  # 2003-04 … 2017-18


@pytest.fixture(scope="module")
def deflator_root(data_root) -> Path:
    """The data root (real, or the Thanet fixture: both deflator files, every row), with its ``deflators/``."""
    return data_root


def test_the_committed_rows_chain_to_the_check_figures():
    """16 real rows of HM Treasury's file (committed): the README's check figures without the data root."""
    index = deflators.chain_factors(pd.read_csv(FIXTURE))
    index = index / index["2010-11"] * 100
    assert index["2003-04"] / index["2003-04"] == 1  # the first row is the chain's start
    assert round(index["2008-09"], 2) == 96.72
    assert round(index["2017-18"], 2) == 112.44


def test_the_committed_rows_are_the_pinned_file(deflator_root):
    import pyreadr

    real = pyreadr.read_r(str(deflator_root / "deflators" / "hmt_gdp_deflator_2019-09.rda"))["gdp_deflator"]
    fixture = pd.read_csv(FIXTURE)
    rows = real[real.financial_year.isin(fixture.financial_year)].reset_index(drop=True)
    assert rows.financial_year.tolist() == fixture.financial_year.tolist()
    assert rows.percent_change.tolist() == pytest.approx(fixture.percent_change.tolist(), rel=1e-15)


def test_hmt_index_matches_the_check_figures(deflator_root):
    index = deflators.deflator_index("2010-11", data_dir=deflator_root)
    assert round(index["2010-11"], 2) == 100.0
    assert round(index["2003-04"], 2) == 84.81
    assert round(index["2008-09"], 2) == 96.72
    assert round(index["2017-18"], 2) == 112.44
    assert index.index[0] == "1956-57"
    assert index.index[-1] == "2018-19"  # 2019-20 on are OBR forecasts, left out by default
    assert deflators.deflator_index(data_dir=deflator_root, include_forecasts=True).index[-1] == "2023-24"


def test_ons_index_matches_the_check_figures(deflator_root):
    index = deflators.deflator_index("2010-11", source="ons", data_dir=deflator_root)
    assert round(index["2003-04"], 2) == 83.99
    assert round(index["2008-09"], 2) == 96.85
    assert round(index["2017-18"], 2) == 111.86


def test_ons_agrees_with_hmt_within_one_and_a_half_percent(deflator_root):
    """The issue's check: the two vintages of the GDP deflator, every year 2003-04 to 2017-18."""
    hmt = deflators.deflator_index("2010-11", data_dir=deflator_root)
    ons = deflators.deflator_index("2010-11", source="ons", data_dir=deflator_root)
    for year in YEARS:
        assert abs(ons[year] / hmt[year] - 1) < 0.015, year


def test_real_terms_of_a_table_in_pence(deflator_root):
    spend = pd.DataFrame({"year": ["2008-09", "2016-17", "2008-09"], "amount_gbp": [100_00, 100_00, -7]})
    real = deflators.to_real(spend, "2016-17", data_dir=deflator_root)
    index = deflators.deflator_index(data_dir=deflator_root)
    expected = round(100_00 * index["2016-17"] / index["2008-09"])
    assert real.amount_gbp.tolist() == [expected, 100_00, -8]
    assert real.amount_gbp.dtype == "int64"
    assert real.attrs["prices"] == "2016-17 prices"
    assert spend.amount_gbp.tolist() == [100_00, 100_00, -7]  # the input is not changed


def test_cash_is_the_input_unchanged():
    spend = pd.DataFrame({"year": ["1900-01", "nonsense"], "amount_gbp": [1, 2]})
    cash = deflators.to_real(spend, "cash")
    pd.testing.assert_frame_equal(cash, spend)
    assert cash.attrs["prices"] == "cash"


def test_floats_are_not_rounded(deflator_root):
    series = pd.Series([1.0, 1.0], index=["2003-04", "2017-18"])
    real = deflators.to_real(series, "2010-11", data_dir=deflator_root)
    assert real.tolist() == pytest.approx([100 / 84.81, 100 / 112.44], rel=1e-4)


@pytest.mark.parametrize(
    ("prices", "words"),
    [
        ("2020-21", ["2020-21", "OBR forecast", "1956-57 to 2018-19"]),
        ("1950-51", ["1950-51", "1956-57 to 2018-19"]),
    ],
)
def test_a_prices_year_outside_the_deflator_is_refused(deflator_root, prices, words):
    spend = pd.DataFrame({"year": ["2008-09"], "amount_gbp": [100]})
    with pytest.raises(InputError) as caught:
        deflators.to_real(spend, prices, data_dir=deflator_root)
    assert caught.value.exit_code == 2
    for word in words:
        assert word in str(caught.value)


def test_an_amount_of_an_unknown_year_is_named_by_row_and_column(deflator_root):
    spend = pd.DataFrame({"year": ["2008-09", "2008-09", "2021-22"], "amount_gbp": [1, 2, 300]})
    with pytest.raises(InputError) as caught:
        deflators.to_real(spend, "2016-17", data_dir=deflator_root)
    text = str(caught.value)
    assert "row 2" in text and "column 'year'" in text and "2021-22" in text and "forecast" in text
    allowed = deflators.to_real(spend, "2016-17", data_dir=deflator_root, include_forecasts=True)
    assert allowed.amount_gbp.iloc[2] < 300  # 2021-22 prices are above 2016-17


def test_years_are_read_as_people_write_them():
    assert deflators.financial_year("2008/09") == "2008-09"
    assert deflators.prices_label("CASH") == "cash"
    with pytest.raises(InputError, match="not a financial year"):
        deflators.financial_year("2008-10")


amounts = st.integers(min_value=-(10**13), max_value=10**13)  # up to £100bn, in pence


@settings(max_examples=200, deadline=None)
@given(pence=amounts, year=st.sampled_from(YEARS), prices=st.sampled_from(YEARS))
def test_to_real_and_back_is_within_a_penny(deflator_root, pence, year, prices):
    cash = pd.DataFrame({"year": [year], "amount_gbp": [pence]})
    real = deflators.to_real(cash, prices, data_dir=deflator_root)
    back = deflators.to_cash(real, prices, data_dir=deflator_root)
    assert abs(int(back.amount_gbp.iloc[0]) - pence) <= 1
    assert back.attrs["prices"] == "cash"


@settings(max_examples=100, deadline=None)
@given(pence=st.lists(amounts, min_size=1, max_size=5), year=st.sampled_from(YEARS))
def test_a_years_own_prices_are_the_identity(deflator_root, pence, year):
    cash = pd.DataFrame({"year": [year] * len(pence), "amount_gbp": pence})
    assert deflators.to_real(cash, year, data_dir=deflator_root).amount_gbp.tolist() == pence


@settings(max_examples=50, deadline=None)
@given(base=st.sampled_from(YEARS), year=st.sampled_from(YEARS), prices=st.sampled_from(YEARS))
def test_the_index_base_does_not_change_real_terms(deflator_root, base, year, prices):
    index = deflators.deflator_index(base, data_dir=deflator_root)
    assert index[base] == pytest.approx(100)
    factor = deflators.price_factors([year], prices, data_dir=deflator_root)[0]
    assert factor == pytest.approx(index[prices] / index[year], rel=1e-12)
