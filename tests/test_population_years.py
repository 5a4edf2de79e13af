"""People in each year: mid-2015 LSOAs scaled to ONS mid-year estimates, checked against the README and Eurostat."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, THANET
from tuttotal.data import population_years
from tuttotal.errors import InputError

FIXTURE = Path(__file__).with_name("fixtures") / "ons_mye_kent_medway.csv"
KENT, MEDWAY = "E10000016", "E06000035"
MYE = "population/ons_mye_upper_tier_2001_2024.csv"


@pytest.fixture(scope="module")
def people_root(data_root) -> Path:
    """The real data root, with the mid-year estimates and Eurostat's populations."""
    for name in (MYE, "population/eurostat_demo_r_d2jan_1990_2018.csv"):
        if not (data_root / name).is_file():
            pytest.skip(f"the real populations are not beside the repository ({data_root / name} is absent)")
    return data_root


@pytest.fixture(scope="module")
def people_2008(people_root) -> pd.DataFrame:
    return population_years.lsoa_population_of_year("2008-09", people_root)


def test_the_committed_rows_give_kent_and_a_derived_band():
    """12 real rows (Kent and Medway, committed): read without the data root."""
    estimates = population_years._read_estimates(str(FIXTURE))
    assert int(estimates.loc[(KENT, "All ages"), 2008]) == 1_423_308
    assert int(estimates.loc[(KENT, "All ages"), 2015]) == 1_517_016
    above = estimates.loc[(KENT, "Aged 60/65 and over"), 2008]
    parts = estimates.loc[(KENT, "Aged 0 - 15"), 2008] + estimates.loc[(KENT, "Aged 16 - 59/64"), 2008]
    assert above + parts == 1_423_308
    assert estimates.loc[(KENT, "Aged 65 and over"), 2008] < above  # women 60-64 are in it


def test_the_committed_rows_are_the_pinned_file(people_root):
    real = pd.read_csv(people_root / MYE, dtype=str)
    rows = real[real.region_code.isin([KENT, MEDWAY])].reset_index(drop=True)
    pd.testing.assert_frame_equal(rows, pd.read_csv(FIXTURE, dtype=str))


def test_every_2013_lad_has_one_upper_tier_area():
    with open(REPO / "tuttotal" / "data" / "registry" / "wards_2013.csv", newline="", encoding="utf-8") as f:
        lads = {row["lad_code"] for row in csv.DictReader(f)}
    areas = population_years.lad_upper_tier()
    assert set(areas) == lads and len(lads) == 326
    assert areas[THANET] == KENT and areas[MEDWAY] == MEDWAY
    assert areas["E07000026"] == "E06000063" and areas["E07000027"] == "E06000064"  # Cumbria split in 2023
    assert areas["E07000048"] == "E06000058" and areas["E07000049"] == "E06000059"  # Christchurch not with Dorset
    assert len(set(areas.values())) == 153


@pytest.mark.data("every region's and upper-tier area's populations (the fixture holds the South East's)")
def test_the_upper_tier_table_is_what_the_script_builds(people_root, tmp_path):
    spec = importlib.util.spec_from_file_location("build", REPO / "scripts" / "build_lad13_upper_tier.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    build.main(people_root, tmp_path / "built.csv")
    assert (tmp_path / "built.csv").read_bytes() == (REPO / "data" / "lad13_upper_tier.csv").read_bytes()
    estimates = population_years.upper_tier_estimates(people_root)
    assert set(population_years.lad_upper_tier().values()) == set(estimates.index.get_level_values("area"))


def test_kent_adds_up_to_the_estimate_exactly(people_root, people_2008):
    kent = people_2008[people_2008.upper_tier_code == KENT]
    assert int(kent.population.sum()) == 1_423_308
    assert people_2008.attrs["mid_year"] == 2008
    in_2015 = population_years.lsoa_population_of_year("2015-16", people_root)
    assert int(in_2015.loc[in_2015.upper_tier_code == KENT, "population"].sum()) == 1_517_016


def test_thanet_had_fewer_people_in_2008_than_in_2015(people_2008):
    thanet = int(people_2008.loc[people_2008.lad13_code == THANET, "population"].sum())
    assert thanet < 139_822
    assert thanet > 139_822 * 0.85


def test_every_area_and_band_adds_up_to_its_target(people_root, people_2008):
    from tuttotal.data import lsoa

    estimates = population_years.upper_tier_estimates(people_root)
    mid_2015 = lsoa.lsoa_table(people_root)
    for column, (band, how) in population_years.AGE_BANDS.items():
        sums = people_2008.groupby("upper_tier_code")[column].sum()
        of_year = estimates.xs(band, level="band")[2008].reindex(sums.index)
        if how == "level":
            assert (sums == of_year).all(), column
        else:
            base = mid_2015[column].groupby(people_2008.upper_tier_code).sum()
            growth = of_year / estimates.xs(band, level="band")[2015].reindex(sums.index)
            assert ((sums - base * growth).abs() <= 0.5).all(), column
        assert people_2008[column].dtype == "int64" and (people_2008[column] >= 0).all()


def test_shares_within_an_area_stay_those_of_mid_2015(people_root, people_2008):
    from tuttotal.data import lsoa

    mid_2015 = lsoa.lsoa_table(people_root)
    kent = (people_2008.upper_tier_code == KENT).to_numpy()
    ratio = people_2008.population[kent] / mid_2015.population[kent]
    assert ratio.max() - ratio.min() < 0.01  # one person in ~1,500, from rounding


@pytest.mark.data("every region's and upper-tier area's populations (the fixture holds the South East's)")
def test_regions_agree_with_eurostat_within_one_and_a_half_percent(people_root):
    """The issue's check: every region, every year 2003 to 2017 (mid-year vs the mean of the two 1 Januaries)."""
    eurostat = population_years.eurostat_mid_year(people_root)
    assert int(population_years.eurostat_region_population(people_root).loc[2008, "West Midlands"]) == 5_474_043
    assert int(population_years.eurostat_region_population(people_root).loc[2008, "South East"]) == 8_389_142
    for year in range(2003, 2018):
        ours = population_years.region_population_of_year(f"{year}-{(year + 1) % 100:02d}", people_root)
        assert len(ours) == 9
        gap = (ours / eurostat.loc[year, ours.index] - 1).abs()
        assert (gap < 0.015).all(), (year, gap.idxmax(), gap.max())


def test_a_year_outside_the_estimates_is_refused(people_root):
    with pytest.raises(InputError) as caught:
        population_years.lsoa_population_of_year("1999-00", people_root)
    assert caught.value.exit_code == 2
    assert "mid-2001 to mid-2024" in str(caught.value)


group_sizes = st.lists(st.lists(st.integers(0, 5_000), min_size=1, max_size=12), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(groups=group_sizes, data=st.data())
def test_scaling_keeps_every_areas_target(groups, data):
    values, labels, targets = [], [], {}
    for number, members in enumerate(groups):
        values += members
        labels += [f"area{number}"] * len(members)
        targets[f"area{number}"] = data.draw(st.integers(0, 2_000_000))
    scaled = population_years.scale_to_totals(pd.Series(values), pd.Series(labels), targets)
    sums = scaled.groupby(pd.Series(labels)).sum()
    assert sums.to_dict() == targets
    assert (scaled >= 0).all()
    for label, members in zip(targets, groups, strict=True):
        if sum(members) > 0:  # in proportion, to within one person
            part = scaled[pd.Series(labels) == label].to_numpy()
            exact = [targets[label] * m / sum(members) for m in members]
            assert all(abs(p - e) < 1 for p, e in zip(part, exact, strict=True))


def test_a_real_reports_per_head_is_of_the_years_people(people_root, tmp_path):
    """Thanet's 2008-09 count: per head of its 130,855 people of mid-2008; the drivers stay mid-2015."""
    from tuttotal import report

    run = report.prepare(lads=[THANET], year="2008-09", data_dir=str(people_root), output_dir=str(tmp_path))
    of_year = population_years.lad_population_of_year("2008-09", people_root)[THANET]
    assert float(run.population.sum()) == pytest.approx(of_year)
    drivers = run.drivers[run.drivers.driver == "population"]["value"].sum()
    assert drivers == pytest.approx(139_822)  # the shares of money: mid-2015 people
    wards = run.ward_totals()
    assert (wards.per_head_gbp * wards.population).sum() == pytest.approx(wards.amount_gbp.sum())
    assert float(run.population_of_year("2005-06").sum()) == pytest.approx(
        population_years.lad_population_of_year("2005-06", people_root)[THANET]
    )
    trend = run.change.change_by_year().set_index(["year", "area"])
    for year in ("2007-08", "2008-09", "2016-17"):  # the years measured as 2008-09 is
        row = trend.loc[(year, "Thanet")]
        people = population_years.lad_population_of_year(year, people_root)[THANET]
        assert row.per_head_gbp == pytest.approx(row.amount_gbp / people)
