"""Councils' own spending by district and year (tuttotal.england.councils), against the RS lines it comes from.

The national table (all 326 LADs, 2010-11 to 2016-17) is built once per
session: about 5 s cold (reading seven RS workbooks), under 1 s warm. Its
cost does not grow with the LADs present in the data root (the RS is
national; no boundary is read).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.count.outturn_count import outturn_count
from tuttotal.data import deflators, outturn, population_years
from tuttotal.england import councils
from tuttotal.errors import InputError
from tuttotal.money import largest_remainder

THANET, BIRMINGHAM, KENT_CC, SCILLY = "E07000114", "E08000025", "E2221", "E06000053"
KENT_DISTRICTS = [f"E070001{n:02d}" for n in range(5, 17)]
YEARS = ("2010-11", "2011-12", "2012-13", "2013-14", "2014-15", "2015-16", "2016-17")


@pytest.fixture(scope="session")
def lines(data_root):
    return councils.council_lines(data_root)


@pytest.fixture(scope="session")
def table(data_root):
    return councils.councils_table(data_root)


@pytest.fixture(scope="session")
def rs(data_root):
    """The RS rows of the councils' own services (what the table must add up to), whole pence."""
    table = outturn.read_outturn(data_root, years=YEARS)
    return table[table["class"].isin(councils.COUNCIL_CLASSES) & (table["service"] != "fire and rescue")]


@pytest.mark.data("England's 326 districts and every council's Revenue Outturn")
def test_every_rs_line_of_every_council_is_split_over_its_districts_to_the_penny(lines, rs):
    assert lines.attrs["years"] == YEARS
    assert lines.attrs["unplaced"] == []  # every council is placed by data/authorities.csv
    books = rs.groupby(["year", "e_code", "service"])["amount_pence"].sum()
    split = lines.groupby(["year", "e_code", "service"])["amount_pence"].sum()
    assert books[books != 0].sort_index().equals(split.sort_index())
    assert lines["amount_pence"].dtype == "int64"
    assert lines["lad_code"].nunique() == 326


def test_kent_county_council_education_2010_11_is_the_check_figure_spread_over_its_twelve_districts(lines):
    kent = lines[(lines.e_code == KENT_CC) & (lines.year == "2010-11") & (lines.service == "education")]
    assert int(kent["amount_pence"].sum()) == 1_180_308 * 100_000  # £ thousand, README check figure
    assert sorted(kent["lad_code"]) == KENT_DISTRICTS
    assert set(kent["driver"]) == {"children_0_15"}


def test_a_unitary_is_its_own_district_exactly(table, rs):
    """Birmingham's councils' spending is Birmingham City Council's RS services, to the penny, in cash."""
    own = rs[(rs.e_code == "E4601") & ~benefit(rs.service)]
    cash = own.groupby("year")["amount_pence"].sum()
    row = table[table.lad_code == BIRMINGHAM].set_index("year")
    assert (np.rint(row["councils_cash_gbp"] * 100).astype("int64") == cash.reindex(row.index)).all()
    assert (row["county_gbp"] == 0).all()


def benefit(services: pd.Series) -> pd.Series:
    """Which RS services are benefits councils pay out (housing benefit, council tax benefit, student awards)."""
    groups = outturn.service_table().drop_duplicates("service").set_index("service")["group"]
    return services.map(groups.to_dict()).isin(councils.BENEFIT_GROUPS)


@pytest.mark.data("England's 326 districts and every council's Revenue Outturn")
def test_the_districts_add_up_to_englands_councils_services_each_year(table, rs):
    services = rs[~benefit(rs.service)]
    national = services.groupby("year")["amount_pence"].sum()
    ours = table.groupby("year")["councils_cash_gbp"].sum()
    assert (np.rint(ours * 100).astype("int64") == national).all()
    assert len(table) == 326 * len(YEARS)


@pytest.mark.data("England's 326 districts and every council's Revenue Outturn")
def test_services_are_the_rs_total_service_expenditure_within_a_thousand_pounds(data_root, rs):
    """The lines read as services are those under the RS's own 'total service expenditure' (plus fire)."""
    totals = outturn.read_totals(data_root, years=("2010-11", "2016-17")).set_index(["year", "e_code"])
    read = outturn.read_outturn(data_root, years=("2010-11", "2016-17"))
    services = read[~benefit(read.service)]
    ours = services.groupby(["year", "e_code"])["amount_pence"].sum()
    gap = (ours - totals["total service expenditure"]).dropna()
    assert len(gap) > 800
    assert gap.abs().max() <= 100_000  # £1,000: the sheet's own rounding of £ thousand


def test_real_terms_and_per_head_of_each_years_people(table, data_root):
    thanet = table[table.lad_code == THANET].set_index("year")
    factors = deflators.price_factors(list(thanet.index), "2016-17", data_dir=data_root)
    expected = np.rint(np.rint(thanet["councils_cash_gbp"].to_numpy() * 100) * factors) / 100
    assert np.allclose(thanet["councils_gbp"].to_numpy(), expected, rtol=0, atol=1e-9)
    assert thanet.loc["2016-17", "councils_gbp"] == thanet.loc["2016-17", "councils_cash_gbp"]  # the prices' year
    for year in ("2010-11", "2016-17"):
        people = population_years.lad_population_of_year(year, data_root)[THANET]
        assert thanet.loc[year, "people"] == people
        assert thanet.loc[year, "councils_per_head_gbp"] == pytest.approx(thanet.loc[year, "councils_gbp"] / people)
    assert (thanet["prices"] == "2016-17 prices").all()
    assert thanet["income_deprived"].nunique() == 1 and 0.2 < thanet["income_deprived"].iloc[0] < 0.22


@pytest.mark.data("England's 326 districts and every council's Revenue Outturn")
def test_transfers_of_function_are_apart(table, lines, data_root):
    assert set(table.attrs["transfers"]) == {"education", "public health"}
    birmingham = lines[(lines.lad_code == BIRMINGHAM) & (lines.year == "2013-14")]
    moved = int(birmingham.loc[birmingham.group.isin(["education", "public health"]), "amount_pence"].sum())
    factor = deflators.price_factors(["2013-14"], "2016-17", data_dir=data_root)[0]
    row = table[(table.lad_code == BIRMINGHAM) & (table.year == "2013-14")].iloc[0]
    assert row["transfers_gbp"] == np.rint(moved * factor) / 100
    assert row["councils_without_transfers_gbp"] == pytest.approx(row["councils_gbp"] - row["transfers_gbp"])
    assert any("academies" in note for note in table.attrs["notes"])
    # benefits counted: council tax benefit (replaced by council tax support in 2013-14) is a transfer too
    with_benefits = councils.councils_table(data_root, lads=[BIRMINGHAM], years=["2010-11", "2016-17"], benefits=True)
    assert set(with_benefits.attrs["transfers"]) == {"education", "public health", "council tax benefit"}
    both = with_benefits.set_index("year")
    plain = table[table.lad_code == BIRMINGHAM].set_index("year")
    assert both.loc["2010-11", "councils_gbp"] == pytest.approx(
        plain.loc["2010-11", "councils_gbp"] + plain.loc["2010-11", "benefits_gbp"], abs=0.02
    )


def test_a_subset_of_districts_is_the_national_table_restricted(table, data_root):
    small = councils.councils_table(data_root, lads=[THANET, BIRMINGHAM, SCILLY])
    national = table[table.lad_code.isin([THANET, BIRMINGHAM, SCILLY])].reset_index(drop=True)
    pd.testing.assert_frame_equal(small.reset_index(drop=True), national)


def test_the_place_reports_count_the_same_money_within_a_penny_a_line(data_root, lines):
    """outturn_count (the place reports) rounds each LAD's part; ours splits by largest remainder."""
    place = outturn_count([THANET], data_dir=data_root, years=("2010-11",))
    theirs = place.spend[place.spend.agency_type == "council"]
    ours = lines[(lines.lad_code == THANET) & (lines.year == "2010-11")]
    assert abs(int(theirs["amount_pence"].sum()) - int(ours["amount_pence"].sum())) <= len(ours)
    assert set(theirs["agency"]) == set(ours["authority"])


@pytest.mark.data("England's 326 districts and every council's Revenue Outturn")
def test_a_council_without_a_return_has_no_per_head_that_year(table):
    scilly = table[table.lad_code == SCILLY].set_index("year")
    assert bool(scilly.loc["2016-17", "no_return"]) and np.isnan(scilly.loc["2016-17", "councils_per_head_gbp"])
    assert not scilly.loc["2015-16", "no_return"] and scilly.loc["2015-16", "councils_per_head_gbp"] > 0
    assert any("E06000053 2016-17" in note for note in table.attrs["notes"])
    change = councils.councils_change(table)
    assert np.isnan(change.set_index("lad_code").loc[SCILLY, "change_per_head_gbp"])


@pytest.mark.data("England's 326 districts and every council's Revenue Outturn")
def test_the_change_first_to_last(table):
    change = councils.councils_change(table)
    assert len(change) == 326 and list(change.columns) == councils.CHANGE_COLUMNS
    thanet = change.set_index("lad_code").loc[THANET]
    rows = table[table.lad_code == THANET].set_index("year")
    assert thanet["change_per_head_gbp"] == pytest.approx(
        rows.loc["2016-17", "councils_per_head_gbp"] - rows.loc["2010-11", "councils_per_head_gbp"]
    )
    assert thanet["change_without_transfers_pct"] == pytest.approx(
        100 * thanet["change_without_transfers_per_head_gbp"] / thanet["first_without_transfers_per_head_gbp"]
    )
    # England's councils spent less per head on services in 2016-17 than in 2010-11, in real terms, nearly all
    assert (change["change_without_transfers_per_head_gbp"] < 0).mean() > 0.95
    short = councils.councils_change(table, "2010-11", "2013-14")
    assert (short["last_year"] == "2013-14").all()


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda root: councils.councils_table(root, years=["2005-06"]), "no year 2005-06"),
        (lambda root: councils.councils_table(root, years=["2010-11"], prices="1900-01"), "1900-01"),
        (lambda root: councils.councils_table(root, years=["2010-11"], lads=["E07999999"]), "E07999999"),
        (lambda root: councils.council_lines(root, years=[]), "no year given"),
    ],
)
def test_bad_input_is_refused_naming_it(data_root, call, words):
    with pytest.raises(InputError, match=words) as caught:
        call(data_root)
    assert caught.value.fix


def test_a_change_between_years_the_table_lacks_is_refused(table):
    with pytest.raises(InputError, match="no year 2008-09"):
        councils.councils_change(table, "2008-09", "2016-17")
    with pytest.raises(InputError, match="must come after"):
        councils.councils_change(table, "2016-17", "2010-11")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-(10**12), 10**12),
            st.lists(st.floats(0, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=8),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_split_by_weight_is_largest_remainder_group_by_group(groups):
    groups = [(amount, weights) for amount, weights in groups if sum(weights) > 0]
    if not groups:
        return
    amounts = np.concatenate([[amount] * len(weights) for amount, weights in groups])
    numbers = np.concatenate([[g] * len(weights) for g, (_, weights) in enumerate(groups)])
    weights = np.concatenate([weights for _, weights in groups])
    shares = councils.split_by_weight(amounts, numbers, weights)
    for g, (amount, group_weights) in enumerate(groups):
        part = shares[numbers == g]
        assert int(part.sum()) == amount
        assert part.tolist() == largest_remainder(amount, np.array(group_weights)).tolist()
