"""England at once (issue 21): the national count of every LAD and ward, vectorised, conserving every penny.

The national apportionment is ``apportion``'s result, row for row, on random tables and on real places;
a LAD gets the same money whatever else is in the run; the reconciliation walks from England's CRA total
and every authority's RS lines to the wards without losing a penny. One test (``slow``) counts all of
England; every other test counts a handful of LADs, whatever the data root holds.
"""

from __future__ import annotations

import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuttotal.count import themes
from tuttotal.count.apportion import apportion, load_transfer_rules
from tuttotal.count.place_loader import real_spend
from tuttotal.data import cra, cra_releases, deflators, ward_drivers
from tuttotal.england import tables
from tuttotal.england.apportion import apportion_national, grouped_largest_remainder
from tuttotal.england.checks import FETCH_COMMAND
from tuttotal.england.count import england_count
from tuttotal.errors import DataUnavailableError, InputError
from tuttotal.money import largest_remainder

from .conftest import BIRMINGHAM, MARGATE_CENTRAL, THANET, TWO_KENT_DISTRICTS

ASHFORD = "E07000105"

COUNTY_DURHAM = "E06000047"
YEAR = "2008-09"
TEXT = ["ward_code", "agency", "agency_type", "function", "theme", "basis", "method"]


def same_count(a, b) -> None:
    """Two Counts are the same: rows, amounts and order, reconciliation, drivers used, notes."""
    left = a.ward_spend.astype({c: str for c in TEXT}).reset_index(drop=True)
    right = b.ward_spend.astype({c: str for c in TEXT}).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)
    assert a.reconciliation == b.reconciliation
    assert a.drivers_used == b.drivers_used
    assert a.notes == b.notes


# ------------------------------------------------------------------------------ the split, on any numbers


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-(10**13), 10**13),
            st.lists(
                st.one_of(st.just(0.0), st.floats(0, 1e7), st.sampled_from([1.0, 2.0, 0.5])), min_size=1, max_size=40
            ),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_grouped_largest_remainder_is_largest_remainder_group_by_group(groups):
    groups = [(amount, weights if sum(weights) > 0 else [1.0, *weights[1:]]) for amount, weights in groups]
    weights = [np.array(w, dtype=float) for _, w in groups]
    starts = np.cumsum([0, *[len(w) for w in weights[:-1]]])
    shares = grouped_largest_remainder(
        np.array([a for a, _ in groups]), starts, np.concatenate(weights), np.array([w.sum() for w in weights])
    )
    expected = np.concatenate([largest_remainder(a, w) for (a, _), w in zip(groups, weights, strict=True)])
    assert shares.tolist() == expected.tolist()
    assert [int(s.sum()) for s in np.split(shares, starts[1:])] == [a for a, _ in groups]


# ------------------------------------------------------------------------------ the apportionment, on any table

WARDS = pd.DataFrame(
    {
        "ward_code": ["W7", "W2", "W5", "W1", "W3", "W4", "W6", "W8"],
        "lad_code": ["L3", "L1", "L3", "L1", "L1", "L2", "L3", "L3"],
    }
)
AREAS = ["L1", "L2", "L3", "*", "W1", "W6", "XX"]
rows = st.lists(
    st.tuples(
        st.sampled_from(["2008-09", "2008-09", "2009-10"]),
        st.sampled_from(["A", "B", "Council"]),
        st.sampled_from(["council", "dwp", "nhs"]),
        st.sampled_from(AREAS),
        st.sampled_from(["09", "10.6", "02"]),
        st.sampled_from(["children", "housing", "older people"]),
        st.sampled_from(["population", "children_0_15", "income_deprived", "excluded"]),
        st.sampled_from(["measured", "modelled"]),
        st.integers(-(10**9), 10**12),
    ),
    max_size=30,
)
driver_rows = st.lists(
    st.tuples(
        st.sampled_from(["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "Z9"]),
        st.sampled_from(["population", "children_0_15"]),
        st.one_of(st.just(0.0), st.floats(0, 1e5), st.just(float("nan"))),
    ),
    max_size=30,
    unique_by=lambda r: (r[0], r[1]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, driver_rows, st.sampled_from([None, "2008-09"]), st.sampled_from([None, "population"]))
def test_apportion_national_is_apportion_on_any_table(spend_rows, drivers, year, driver):
    columns = ["year", "agency", "agency_type", "area_code", "function", "theme", "driver", "basis", "amount_pence"]
    spend = pd.DataFrame(spend_rows, columns=columns).astype({"amount_pence": "int64"})
    table = pd.DataFrame(drivers, columns=["area_code", "driver", "value"]) if drivers else None
    rules = load_transfer_rules()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = apportion(spend, WARDS, table, year=year, driver=driver, transfer_rules=rules)
        found = apportion_national(spend, WARDS, table, year=year, driver=driver, transfer_rules=rules)
    same_count(expected, found)
    recon = found.reconciliation
    assert recon.placed_pence + recon.unplaced_pence + recon.transfers_pence == int(spend["amount_pence"].sum())


def test_a_driver_given_twice_is_refused_as_apportion_refuses_it():
    spend = pd.DataFrame(
        {"year": [YEAR], "agency": ["A"], "agency_type": ["nhs"], "area_code": ["L1"], "function": ["07"]}
    ).assign(theme="health", driver="population", amount_pence=100)
    twice = pd.DataFrame({"area_code": ["W1", "W1"], "driver": ["population"] * 2, "value": [1.0, 2.0]})
    with pytest.raises(InputError) as expected:
        apportion(spend, WARDS, twice)
    with pytest.raises(InputError) as found:
        apportion_national(spend, WARDS, twice)
    assert str(found.value) == str(expected.value)


# ------------------------------------------------------------------------------ real places


@pytest.fixture(scope="module")
def area(data_root):
    """Dartford and Thanet, two Kent districts (Kent County Council's books shared between them), 2008-09: councils'
    books measured, the rest modelled. The Thanet fixture holds both whole, so this runs on a fresh clone too."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return england_count(YEAR, data_root, lads=list(TWO_KENT_DISTRICTS))


@pytest.fixture(scope="module")
def two_regions(data_root):
    """Birmingham (West Midlands) and County Durham (North East), 2012-13."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return england_count("2012-13", data_root, lads=[BIRMINGHAM, COUNTY_DURHAM])


def _apportion_again(result, data_root):
    """``apportion`` on the national count's own LAD-level rows, wards and drivers: the place machinery's answer."""
    drivers = ward_drivers.long_drivers(ward_drivers.ward_driver_table(result.boundaries, data_root))
    spend = result.lad_spend.drop(columns="transfer")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return apportion(spend, result.boundaries, drivers, year=result.year, transfer_rules=load_transfer_rules())


def test_national_apportionment_is_apportion_on_two_districts(area, data_root):
    same_count(_apportion_again(area, data_root), area.count)
    assert len(area.count.ward_spend) > 5_000


def test_national_apportionment_is_apportion_on_two_lads_of_two_regions(two_regions, data_root):
    assert set(two_regions.lads["region"]) == {"West Midlands", "North East"}
    same_count(_apportion_again(two_regions, data_root), two_regions.count)


def test_national_apportionment_is_apportion_on_thanet(data_root):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        thanet = england_count("2005-06", data_root, lads=[THANET])
    same_count(_apportion_again(thanet, data_root), thanet.count)


def test_a_lad_gets_the_same_money_in_any_run(area, data_root):
    """Shares are made for every LAD of England, then kept: Thanet alone is Thanet beside Dartford, to the penny."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alone = england_count(YEAR, data_root, lads=[THANET])
    in_area = area.lads[area.lads["lad_code"] == THANET].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.lads, in_area)
    wards = area.wards[area.wards["lad_code"] == THANET].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.wards, wards)


def test_the_place_report_count_differs_by_at_most_a_penny_a_line(area, data_root):
    """A place report rounds each LAD's share of a line on its own; the national count shares a line to all the
    region's LADs at once (largest remainder). Same lines, same drivers: at most a penny per line apart."""
    spend, topdown_count, books = real_spend([THANET], str(data_root), themes.load_themes())
    place = spend[spend["year"] == YEAR]
    national = area.lad_spend[area.lad_spend["area_code"] == THANET]
    keys = ["agency", "agency_type", "function", "theme", "basis"]
    a = place.groupby(keys)["amount_pence"].sum()
    b = national.groupby(keys)["amount_pence"].sum()
    both = pd.concat([a, b], axis=1, keys=["place", "national"]).fillna(0)
    lines = len(topdown_count.lines[topdown_count.lines["year"] == YEAR]) + len(
        books.lines[books.lines["year"] == YEAR]
    )
    gap = (both["place"] - both["national"]).abs()
    assert gap.sum() <= lines, "no more than a penny per line"
    assert abs(int(a.sum()) - int(b.sum())) <= lines
    assert gap.max() < 100


# ------------------------------------------------------------------------------ money, conserved and reconciled


def test_two_districts_reconcile_from_the_releases_to_the_wards_to_the_penny(area, data_root):
    table = area.reconciliation.set_index("kind")
    lines = cra_releases.cra_lines(data_root)
    assert table.loc["cra_total", "amount_pence"] == int(lines.loc[lines["year"] == YEAR, "region_pence"].sum())
    assert table.loc["cra_total", "operation"] == "add" and table.loc["placed", "operation"] == "total"
    spend = area.lad_spend
    subtotals = area.reconciliation[area.reconciliation["kind"] == "subtotal"]["amount_pence"].tolist()
    assert subtotals == [
        int(spend.loc[spend["basis"] == "modelled", "amount_pence"].sum()),
        int(spend.loc[spend["basis"] == "measured", "amount_pence"].sum()),
    ]
    placed = int(table.loc["placed", "amount_pence"])
    assert placed == int(area.ward_spend["amount_pence"].sum()) == area.count.reconciliation.placed_pence
    assert sum(Decimal(x) for x in area.ward_theme["amount_gbp"]) == Decimal(placed) / 100
    assert round(area.lads["total_gbp"].sum() * 100) == placed == round(area.wards["total_gbp"].sum() * 100)
    # what the area does not hold is listed: the rest of England's LADs, the lines excluded and replaced
    assert {"outside", "excluded", "replaced"} <= set(area.reconciliation["kind"])
    tables.check_reconciliation(area)


@pytest.mark.data("every English authority's books (the national parks' RS lines, which no LAD holds)")
def test_the_rs_lines_no_lad_holds_are_listed_unplaced(area):
    unplaced = area.reconciliation[area.reconciliation["kind"] == "rs_unplaced"]
    assert len(unplaced) and (unplaced["amount_pence"] != 0).all()
    tables.check_reconciliation(area)


def test_the_tables_keep_their_contract(area):
    names = tables.theme_names(themes.load_themes())
    assert len(names) == 9
    assert list(area.lads.columns[: len(tables.LAD_COLUMNS)]) == tables.LAD_COLUMNS
    assert list(area.wards.columns[: len(tables.WARD_COLUMNS)]) == tables.WARD_COLUMNS
    themes_columns = tables.theme_columns(names)
    assert list(area.lads.columns[len(tables.LAD_COLUMNS) : len(tables.LAD_COLUMNS) + 18]) == themes_columns
    assert list(area.wards.columns[len(tables.WARD_COLUMNS) : len(tables.WARD_COLUMNS) + 18]) == themes_columns
    assert len(area.lads) == 2 and len(area.wards) == 40 and area.wards["ward_code"].is_unique
    lads = area.lads.set_index("lad_code")
    thanet = lads.loc[THANET]
    assert thanet["people"] == 130_855, "Thanet's people of 2008 (mid-2015 scaled to the ONS estimate)"
    assert thanet["per_head_gbp"] == pytest.approx(thanet["total_gbp"] / thanet["people"])
    assert thanet["measured_gbp"] + thanet["modelled_gbp"] == pytest.approx(thanet["total_gbp"])
    assert thanet["councils_basis"] == "measured" and 0 < thanet["councils_gbp"] < thanet["measured_gbp"]
    assert 0 < thanet["capital_gbp"] < thanet["total_gbp"]
    assert thanet[themes_columns].sum() == pytest.approx(thanet["total_gbp"])
    assert lads["measured_share"].between(0.15, 0.5).all()
    assert lads["income_deprived"].between(0.05, 0.4).all()
    wards = area.wards.set_index("ward_code")
    margate = wards.loc[MARGATE_CENTRAL]
    assert margate["income_deprived"] > 0.35 and margate["per_head_gbp"] > thanet["per_head_gbp"]
    by_lad = area.wards.groupby("lad_code")[["total_gbp", "measured_gbp", *themes_columns]].sum()
    pd.testing.assert_frame_equal(by_lad, lads[by_lad.columns], check_exact=False, rtol=0, atol=0.005)
    assert (area.lads["year"] == YEAR).all() and (area.lads["prices"] == "cash").all()
    assert set(area.ward_theme["basis"]) == {"measured", "modelled"}
    assert area.regions["region"].tolist() == ["South East", tables.ALL_RUN]


def test_real_terms_convert_each_amount_once_and_keep_the_reconciliation_in_cash(data_root, area):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        real = england_count(YEAR, data_root, lads=[THANET], prices="2016-17")
    factor = float(deflators.price_factors([YEAR], "2016-17", data_dir=data_root)[0])
    cash = area.lads.set_index("lad_code").loc[THANET]
    found = real.lads.iloc[0]
    assert found["prices"] == "2016-17 prices" and factor > 1.1
    rows = int((real.ward_spend["lad_code"] == THANET).sum())
    assert abs(found["total_gbp"] - cash["total_gbp"] * factor) <= rows * 0.005
    assert found["people"] == cash["people"]
    assert real.reconciliation["amount_pence"].tolist()[:1] == area.reconciliation["amount_pence"].tolist()[:1]
    assert round(real.wards["total_gbp"].sum(), 2) == round(found["total_gbp"], 2)


def test_a_year_without_outturn_is_modelled_throughout(data_root):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = england_count("2005-06", data_root, lads=[THANET])
    row = result.lads.iloc[0]
    assert result.source == "top-down" and row["measured_gbp"] == 0 and row["councils_basis"] == "modelled"
    assert row["councils_gbp"] > 0
    assert "rs_total" not in set(result.reconciliation["kind"])
    assert row["people"] < 130_855


@pytest.mark.data("the wards of LADs in four regions")
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    year=st.sampled_from(list(cra_releases.YEARS)),
    lads=st.lists(
        st.sampled_from([THANET, "E07000105", BIRMINGHAM, COUNTY_DURHAM, "E09000001", "E06000053"]),
        min_size=1,
        max_size=3,
        unique=True,
    ),
)
def test_the_national_count_conserves_money_for_any_year_and_lads(data_root, year, lads):
    """Every penny of England's CRA lines and of the RS is counted in a LAD, or listed; every LAD's is placed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = england_count(year, data_root, lads=lads)
    tables.check_reconciliation(result)
    recon = result.reconciliation.set_index("step")
    first = {"cra_total", "rs_total"}
    taken = recon[~recon["kind"].isin([*first, "subtotal", "counted", "placed"])]["amount_pence"]
    started = recon[recon["kind"].isin(first)]["amount_pence"]
    assert int(started.sum() + taken.sum()) == result.count.reconciliation.placed_pence
    kinds = recon.loc[taken.index, "kind"]
    assert (taken[kinds.isin(["outside", "transfers", "ward_unplaced", "rs_unplaced"])] <= 0).all()
    by_lad = result.ward_spend.groupby("lad_code")["amount_pence"].sum()
    assert set(by_lad.index) == set(lads)
    assert int(by_lad.sum()) == int(result.lad_spend.loc[~result.lad_spend["transfer"], "amount_pence"].sum())


# ------------------------------------------------------------------------------ bad input


def test_bad_years_lads_and_prices_are_input_errors_that_say_what_to_do(data_root):
    with pytest.raises(InputError, match="2003-04 to 2017-18") as info:
        england_count("1999-00", data_root, lads=[THANET])
    assert info.value.exit_code == 2 and info.value.fix
    with pytest.raises(InputError, match="2008-09"):
        england_count("the year of the pilots", data_root, lads=[THANET])
    with pytest.raises(InputError, match="E99999999"):
        england_count(YEAR, data_root, lads=["E99999999"])
    with pytest.raises(InputError, match="1066"):
        england_count(YEAR, data_root, lads=[THANET], prices="1066-67")


def test_a_run_without_its_data_names_what_is_missing_and_the_command(tmp_path, monkeypatch, data_root):
    """A data root without the boundaries: nothing is downloaded; the error lists what is missing (exit 2)."""
    root = tmp_path / "data"
    root.mkdir()
    for folder in ("cra", "outturn", "population", "deprivation", "lookups", "deflators", "registry.csv"):
        if (data_root / folder).exists():  # registry.csv: the fixture's hashes of its extracts
            (root / folder).symlink_to(data_root / folder)
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(DataUnavailableError) as info:
        england_count(YEAR, root, lads=[THANET, ASHFORD])  # two districts of the South East (the fixture's)
    text = str(info.value)
    assert FETCH_COMMAND in text and info.value.exit_code == 2
    assert "2 ward boundaries" in text and "2 LSOA boundaries" in text and THANET in text
    assert not (tmp_path / "cache" / "data").exists() or not any((tmp_path / "cache" / "data").rglob("*.geojson"))


# ------------------------------------------------------------------------------ all of England (national)


@pytest.mark.national
def test_all_of_england_in_one_year_reconciles_to_the_release(data_root):
    """Every LAD and ward of England, 2008-09: nothing outside the run, every penny from the release to the wards."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = england_count(YEAR, data_root)
    assert result.is_england and len(result.lads) == 326 and len(result.wards) == 7_681
    kinds = set(result.reconciliation["kind"])
    assert "outside" not in kinds and "ward_unplaced" not in kinds
    tables.check_reconciliation(result)
    lines = cra_releases.cra_lines(data_root)
    year = lines[lines["year"] == YEAR]
    west_midlands = int(year.loc[year["region"] == "West Midlands", "region_pence"].sum())
    assert round(west_midlands / 100_000_000, 1) == 43_350.2, "the README's check figure (CRA 2010, £m)"
    recon = result.reconciliation.set_index("kind")
    assert recon.loc["cra_total", "amount_pence"] == int(year["region_pence"].sum())
    # every English region's counted lines are all in its LADs: modelled money by region adds up
    spend = result.lad_spend
    regions = cra.lad_regions(data_root)
    modelled = spend[spend["basis"] == "modelled"].groupby(spend["area_code"].map(regions))["amount_pence"].sum()
    assert int(modelled.sum()) == int(recon.loc["subtotal", "amount_pence"].iloc[0])
    england = result.regions.set_index("region").loc["England"]
    assert int(england["people"]) == int(result.lads["people"].sum()) > 50_000_000
    assert round(england["total_gbp"] * 100) == result.count.reconciliation.placed_pence


def test_years_on_a_dask_local_cluster_are_the_years_counted_here(data_root):
    """Each year a task on a LocalCluster's workers: the same tables and ward-level count as one process."""
    distributed = pytest.importorskip("distributed")
    from tuttotal.england.count import england_counts

    years = ["2007-08", "2015-16"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        here = england_counts(years, data_root, lads=[THANET])
        with (
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as c,
            distributed.Client(c) as client,
        ):
            there = england_counts(years, data_root, lads=[THANET], client=client)
    assert list(there) == years
    for year in years:
        pd.testing.assert_frame_equal(here[year].lads, there[year].lads)
        pd.testing.assert_frame_equal(here[year].ward_spend, there[year].ward_spend)
        pd.testing.assert_frame_equal(here[year].reconciliation, there[year].reconciliation)
    assert here["2015-16"].lads["people"].iloc[0] > here["2007-08"].lads["people"].iloc[0]


@pytest.mark.parametrize("year", ["2003-04", "2008-09", "2016-17"])
def test_each_line_is_split_into_its_parts_as_the_place_count_splits_it(data_root, year):
    from tuttotal.count import topdown
    from tuttotal.data import lsoa
    from tuttotal.england.lad_shares import part_weights

    totals = topdown.region_drivers(lsoa.lsoa_table(data_root), cra.lad_regions(data_root))
    lines = cra_releases.cra_lines(data_root)
    rules = topdown.line_rules(topdown.numbered_lines(lines[lines["year"] == year]), themes.load_themes())
    pd.testing.assert_frame_equal(part_weights(rules, totals), topdown._part_weights(rules, totals))
