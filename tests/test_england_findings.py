"""The national findings (tuttotal.england.findings): correlation with need, deciles, league tables.

On real tables: councils' spending by district (tuttotal.england.councils,
built once per session) and the wards of two Kent districts with their
real people and income deprivation (tuttotal.data.ward_drivers). Ranks are
checked with hypothesis for any values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.data import place_wards, places, ward_drivers
from tuttotal.england import councils, findings
from tuttotal.errors import InputError, PlaceNotFoundError

THANET, BIRMINGHAM, CITY, DARTFORD = "E07000114", "E08000025", "E09000001", "E07000107"
MARGATE_CENTRAL, CLIFTONVILLE_WEST = "E05005093", "E05005088"
CHANGE = "change_without_transfers_per_head_gbp"
FIRST = "first_without_transfers_per_head_gbp"


@pytest.fixture(scope="session")
def change(data_root):
    return councils.councils_change(councils.councils_table(data_root))


@pytest.fixture(scope="session")
def district_wards(data_root, change):
    """Every ward of Dartford and Thanet (the Thanet fixture holds both) in the national wards table's shape, money
    from real books.

    ``measured_gbp``: the district councils' 2010-11 services shared by the wards' people (measured at LAD
    level); ``modelled_gbp``: £3,000 a head for every ward, a stand-in for the top-down share, so that the
    measured share varies from ward to ward as in the national table.
    """
    area = places.area_from_lads([DARTFORD, THANET])
    wards = place_wards.load_place_wards(area, data_root / "wards-2013")
    drivers = ward_drivers.ward_driver_table(wards, data_root)
    table = wards[["ward_code", "ward_name", "lad_code", "lad_name"]].merge(
        drivers[["ward_code", "population", "income_deprived_share"]], on="ward_code"
    )
    table = table.rename(columns={"population": "people", "income_deprived_share": "income_deprived"})
    lad = change.set_index("lad_code")
    lad_people = table.groupby("lad_code")["people"].transform("sum")
    table["measured_gbp"] = table["lad_code"].map(lad["first_gbp"]) * table["people"] / lad_people
    table["modelled_gbp"] = 3000.0 * table["people"]
    table["total_gbp"] = table["measured_gbp"] + table["modelled_gbp"]
    table["measured_share"] = table["measured_gbp"] / table["total_gbp"]
    table["per_head_gbp"] = table["total_gbp"] / table["people"]
    table["measured_per_head_gbp"] = table["measured_gbp"] / table["people"]
    return pd.DataFrame(table)


# --------------------------------------------------------------------------------------------- correlation


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_councils_spending_fell_most_where_income_deprivation_is_greatest(change):
    row = findings.need_correlation(change, CHANGE, exclude=list(findings.OUTLIERS)).iloc[0]
    assert row["n"] == 324 and row["left_out"] == 1 and row["excluded"] == CITY  # Scilly: no 2016-17 return
    assert row["pearson_r"] < -0.6 and row["spearman_rho"] < -0.6
    assert row["pearson_p"] < 1e-20 and row["spearman_p"] < 1e-20
    assert row["slope_low"] < row["slope"] < row["slope_high"] < 0


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_councils_spent_more_per_head_where_need_is_greater_the_city_of_london_apart(change):
    everyone = findings.need_correlation(change, FIRST).iloc[0]
    typical = findings.need_correlation(change, FIRST, exclude=[CITY]).iloc[0]
    assert typical["pearson_r"] > 0.5 and typical["pearson_p"] < 1e-20
    assert abs(everyone["pearson_r"]) < 0.1  # one district of 7,000 residents at £22,000 a head hides it
    assert everyone["spearman_rho"] > 0.6  # ranks do not: Spearman sees it either way


def test_the_correlation_is_the_textbook_one(change):
    table = change.dropna(subset=[CHANGE])
    x, y = table["income_deprived"].to_numpy(), table[CHANGE].to_numpy()
    row = findings.need_correlation(table, CHANGE).iloc[0]
    assert row["pearson_r"] == pytest.approx(np.corrcoef(x, y)[0, 1])
    rank_x, rank_y = pd.Series(x).rank().to_numpy(), pd.Series(y).rank().to_numpy()
    assert row["spearman_rho"] == pytest.approx(np.corrcoef(rank_x, rank_y)[0, 1])
    slope, intercept = np.polyfit(x, y, 1)
    assert (row["slope"], row["intercept"]) == pytest.approx((slope, intercept))
    assert row["r_squared"] == pytest.approx(row["pearson_r"] ** 2)


def test_the_confidence_band_is_statsmodels_mean_interval(change):
    sm = pytest.importorskip("statsmodels.api")
    table = change[change.lad_code != CITY].dropna(subset=[CHANGE])
    line = findings.fitted_line(table, CHANGE, points=7)
    model = sm.OLS(table[CHANGE].to_numpy(), sm.add_constant(table["income_deprived"].to_numpy())).fit()
    frame = model.get_prediction(sm.add_constant(line["need"].to_numpy())).summary_frame(alpha=0.05)
    assert np.allclose(line["fit"], frame["mean"]) and np.allclose(line["low"], frame["mean_ci_lower"])
    assert np.allclose(line["high"], frame["mean_ci_upper"])
    width = line["high"] - line["low"]
    assert width.iloc[0] > width.min() and width.iloc[-1] > width.min()  # narrowest inside, at the mean need


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(-10_000, 10_000).map(float), min_size=4, max_size=40),  # pounds: no float absorption
    st.integers(1, 100).map(float),
    st.integers(-1000, 1000).map(float),
)
def test_correlation_is_unmoved_by_a_change_of_units(values, scale, shift):
    need = np.linspace(0.05, 0.4, len(values))
    if np.ptp(values) == 0:
        return
    table = pd.DataFrame({"income_deprived": need, "v": values, "w": np.asarray(values) * scale + shift})
    a, b = findings.need_correlation(table, "v").iloc[0], findings.need_correlation(table, "w").iloc[0]
    assert -1 - 1e-9 <= a["pearson_r"] <= 1 + 1e-9
    assert b["pearson_r"] == pytest.approx(a["pearson_r"], abs=1e-6)
    assert b["spearman_rho"] == pytest.approx(a["spearman_rho"], abs=1e-9)
    assert b["slope"] == pytest.approx(a["slope"] * scale, rel=1e-6, abs=1e-6)


def test_too_few_areas_or_a_missing_column_is_refused(change):
    with pytest.raises(InputError, match="at least 3"):
        findings.need_correlation(change.head(2), CHANGE)
    with pytest.raises(InputError, match="no column") as caught:
        findings.need_correlation(change, "per_head_gbp")
    assert caught.value.column == "per_head_gbp" and caught.value.fix


# --------------------------------------------------------------------------------------------- deciles


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_deciles_of_need(change):
    deciles = findings.need_deciles(change, [FIRST, CHANGE], people="people_first")
    assert deciles["decile"].tolist() == list(range(1, 11))
    assert deciles["areas"].sum() == 326 and set(deciles["areas"]) == {32, 33}
    assert deciles["people"].sum() == change["people_first"].sum()
    assert (deciles["need_low"].iloc[:-1].to_numpy() >= deciles["need_high"].iloc[1:].to_numpy()).all()
    first = change[findings.need_groups(change["income_deprived"]) == 1]
    assert deciles.loc[0, f"{FIRST}_weighted"] == pytest.approx(
        (first[FIRST] * first["people_first"]).sum() / first["people_first"].sum()
    )
    assert deciles.loc[0, f"{CHANGE}_median"] == pytest.approx(first[CHANGE].median())
    # the most deprived tenth of districts lost most per head; the least deprived, least
    weighted = deciles[f"{CHANGE}_weighted"]
    assert weighted.iloc[0] == weighted.min() and weighted.iloc[-1] == weighted.max()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(0, 1, allow_nan=False)), min_size=1, max_size=60), st.integers(1, 10))
def test_need_groups_are_even_and_ordered(values, groups):
    need = pd.Series(values, dtype="float64")
    group = findings.need_groups(need, groups)
    known = need.notna()
    assert group[~known].isna().all()
    sizes = group[known].value_counts()
    assert sizes.max() - sizes.min() <= 1 if len(sizes) else True
    assert set(group[known].astype(int)) <= set(range(1, groups + 1))
    order = need[known].sort_values(ascending=False, kind="stable").index
    assert group[order].is_monotonic_increasing  # more need, a lower (or the same) group


# --------------------------------------------------------------------------------------------- places


@pytest.mark.data("England's 326 districts and the 13 pilots")
def test_each_place_as_a_whole(change):
    pilots = places.pilot_places()
    points = findings.place_points(change, pilots, [FIRST, CHANGE], people="people_first")
    assert len(points) == 13
    by = points.set_index("place")
    birmingham = change.set_index("lad_code").loc[BIRMINGHAM]
    assert by.loc["birmingham", FIRST] == pytest.approx(birmingham[FIRST])
    kent = change[change.lad_code.isin(places.get_place("kent").lad_codes)]
    assert by.loc["kent", FIRST] == pytest.approx((kent[FIRST] * kent["people_first"]).sum() / kent.people_first.sum())
    assert by.loc["kent", "lads"] == 12
    with pytest.raises(InputError, match="E07000114"):
        findings.place_points(change[change.lad_code != THANET], pilots, FIRST, people="people_first")


# --------------------------------------------------------------------------------------------- ranks


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-50, 50).map(float)), min_size=0, max_size=50), st.booleans())
def test_ranks_are_competition_ranks_consistent_with_sorting(values, descending):
    series = pd.Series(values, dtype="float64")
    ranks = findings.rank_among(series, descending=descending)
    known = series.notna()
    assert ranks[~known].isna().all()
    for i in series[known].index:
        ahead = (series[known] > series[i]) if descending else (series[known] < series[i])
        assert ranks[i] == 1 + int(ahead.sum())
    order = series[known].sort_values(ascending=not descending, kind="stable").index
    assert ranks[order].is_monotonic_increasing
    if series[known].is_unique:  # no ties: a permutation of 1..n
        assert sorted(ranks[known].astype(int)) == list(range(1, int(known.sum()) + 1))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=40, unique=True))
def test_distinct_values_rank_as_a_permutation(values):
    ranks = findings.rank_among(pd.Series(values))
    assert sorted(ranks.astype(int)) == list(range(1, len(values) + 1))
    assert ranks.iloc[int(np.argmax(values))] == 1


@pytest.mark.data("England's 326 districts and the 13 pilots")
def test_each_pilots_districts_among_englands(change):
    league = findings.league_table(change, places.pilot_places())
    assert set(league["measure"]) == {CHANGE, "change_per_head_gbp", "income_deprived"}  # what the table has
    assert len(league) == 3 * sum(len(p.lads) for p in places.pilot_places())
    thanet = league[(league.area_code == THANET) & (league.measure == CHANGE)].iloc[0]
    expected = int((change[CHANGE] < change.set_index("lad_code").loc[THANET, CHANGE]).sum()) + 1
    assert thanet["rank"] == expected and thanet["of"] == 325  # the Isles of Scilly have no 2016-17 books
    assert thanet["direction"] == "1 = the deepest cut" and thanet["basis"] == "measured (councils' own books)"
    need = league[(league.area_code == BIRMINGHAM) & (league.measure == "income_deprived")].iloc[0]
    assert need["of"] == 326 and need["basis"].startswith("need") and need["direction"] == "1 = the most"
    assert league.attrs["ties"].startswith("competition ranks")
    wide = findings.league_wide(league)
    assert len(wide) == sum(len(p.lads) for p in places.pilot_places())
    assert findings.rank_notes(league)[0].endswith("measured (councils' own books).")


def test_focus_wards_among_englands_wards_with_their_basis(district_wards):
    league = findings.league_table(district_wards, [places.get_place("kent")], level="ward")
    assert sorted(set(league["area_code"])) == [CLIFTONVILLE_WEST, MARGATE_CENTRAL]
    need = league[league.measure == "income_deprived"].set_index("area_code")["rank"]
    assert {int(need[MARGATE_CENTRAL]), int(need[CLIFTONVILLE_WEST])} == {1, 2}  # the two most income-deprived
    total = league[league.measure == "per_head_gbp"].iloc[0]
    share = district_wards.set_index("ward_code").loc[total["area_code"], "measured_share"]
    assert total["basis"].startswith(f"measured and modelled ({share:.0%} measured)")
    assert total["of"] == len(district_wards)
    measured = league[league.measure == "measured_per_head_gbp"].iloc[0]
    assert measured["basis"] == "measured (bodies' own books)"
    assert set(league["lad_name"]) == {"Thanet"}


def test_a_focus_ward_not_among_the_places_wards_is_refused(district_wards):
    place = findings.PlaceAreas("kent", "Kent", (THANET,), ("Margate Centre",))
    with pytest.raises(PlaceNotFoundError, match="Margate Central"):  # suggested
        findings.league_table(district_wards, [place], level="ward")
    with pytest.raises(InputError, match="unknown level"):
        findings.league_table(district_wards, [place], level="region")


@pytest.mark.data("England's 326 districts and the 13 pilots")
def test_the_national_league_ranks_money_change_and_need_together(change):
    from tuttotal.england import councils_findings

    lads = change[["lad_code", "lad_name", "income_deprived"]].assign(
        per_head_gbp=change["first_per_head_gbp"] + 3000.0,  # the councils' books and a modelled £3,000 a head
        measured_per_head_gbp=change["first_per_head_gbp"],
    )
    lads["measured_share"] = lads["measured_per_head_gbp"] / lads["per_head_gbp"]
    league = councils_findings.national_league(lads, change, [places.get_place("birmingham")])
    assert list(league["measure"]) == [m.column for m in findings.LAD_MEASURES]
    by = league.set_index("measure")
    share = lads.set_index("lad_code").loc[BIRMINGHAM, "measured_share"]
    assert by.loc["per_head_gbp", "basis"].startswith(f"measured and modelled ({share:.0%} measured)")
    assert by.loc["measured_per_head_gbp", "rank"] == by.loc["per_head_gbp", "rank"]  # + £3,000 keeps the order
    assert by.loc[CHANGE, "value"] == pytest.approx(change.set_index("lad_code").loc[BIRMINGHAM, CHANGE])
