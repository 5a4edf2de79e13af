"""The real count: HM Treasury's regional analysis read exactly, shared by need, placed in wards to the penny."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tuttotal import report
from tuttotal.count import real_years, themes, topdown
from tuttotal.data import cra, cra_releases, lsoa, places
from tuttotal.errors import InputError

from .conftest import BIRMINGHAM, REAL_DATA, THANET


@pytest.fixture(scope="module")
def lines(data_root):
    return cra.region_lines(data_root, download=False)


#: The real place of the count's tests: Kent (12 districts) with the real data root, else Thanet (the fixture's).
PLACE = {"place": "kent"} if REAL_DATA else {"lads": [THANET]}


@pytest.fixture(scope="module")
def kent(data_root, tmp_path_factory):
    return report.prepare(place="kent", data_dir=data_root, output_dir=str(tmp_path_factory.mktemp("kent")))


@pytest.fixture(scope="module")
def place_run(data_root, tmp_path_factory):
    """The real count of :data:`PLACE` in the pilots' year."""
    return report.prepare(**PLACE, data_dir=data_root, output_dir=str(tmp_path_factory.mktemp("place")))


@pytest.fixture(scope="module")
def place_topdown(data_root, tmp_path_factory):
    """:data:`PLACE` in a year without councils' outturn: every line modelled, top down."""
    return report.prepare(
        **PLACE, year="2006-07", data_dir=data_root, output_dir=str(tmp_path_factory.mktemp("place0607"))
    )


@pytest.fixture(scope="module")
def birmingham_topdown(data_root, tmp_path_factory):
    return report.prepare(
        place="birmingham", year="2006-07", data_dir=data_root, output_dir=str(tmp_path_factory.mktemp("bh0607"))
    )


@pytest.fixture(scope="module")
def birmingham(data_root, tmp_path_factory):
    return report.prepare(place="birmingham", data_dir=data_root, output_dir=str(tmp_path_factory.mktemp("bham")))


def test_every_region_and_year_adds_up_to_its_published_total(lines, data_root):
    published = cra.published_totals(data_root).set_index(["year", "region"])["total_gbp"]
    sums = lines.groupby(["year", "region"])["region_pence"].sum()
    assert len(sums) == len(cra.YEARS) * len(cra.REGIONS)
    for key, pence in sums.items():
        assert pence == round(published[key] * 100), key
    # README check figures: South East 2008-09 £57,825m, West Midlands £43,522m
    assert sums[("2008-09", "South East")] == 57_825 * 100_000_000
    assert sums[("2008-09", "West Midlands")] == 43_522 * 100_000_000


def test_functions_without_chapter_9_lines_are_split_by_englands_chapter_10_shares(lines):
    se = lines[(lines.year == "2008-09") & (lines.region == "South East") & (lines.function == "Social protection")]
    assert set(se.source) == {cra.CHAPTER10_SPLIT}
    old_age = se[se.sub_function == "Old age"].region_pence.sum() / se.region_pence.sum()
    assert old_age == pytest.approx(68_782 / 161_863, abs=1e-6)  # England's chapter 10 share
    assert se.region_pence.sum() == 23_529 * 100_000_000  # the function's chapter 9 total, exactly


def test_capital_and_current_are_kept_apart_and_add_up_to_the_line(lines):
    transport = lines[(lines.year == "2008-09") & (lines.region == "South East") & (lines.sub_function == "Transport")]
    assert set(transport.spend_type) == {"capital", "current"}
    assert transport.set_index("spend_type").region_pence["capital"] == 1_457 * 100_000_000
    assert transport.region_pence.sum() == 2_168 * 100_000_000


def test_topdown_csv_holds_every_line_of_the_region_excluded_ones_with_a_reason(place_run, data_root):
    lines = place_run.topdown.lines
    year = lines[lines.year == "2008-09"]
    # 2008-09 is CRA 2010's (it revised PESA 2009's £57,825m for the South East): its own total, to the penny
    release = cra_releases.cra_lines(data_root, download=False)
    south_east = release[(release.year == "2008-09") & (release.region == "South East")]
    assert round(year.region_gbp.sum() * 100) == int(south_east.region_pence.sum()) == 5_890_656_111_306
    assert set(year.release) == {"CRA 2010"}
    excluded = year[year.driver == themes.EXCLUDED]
    assert {"Defence", "General public services"} <= set(excluded.function)
    assert (excluded.place_gbp == 0).all() and (excluded.reason.str.len() > 10).all()
    assert excluded.cofog.str.match(r"^(02|01\.2|01\.7)").all()
    assert set(topdown.TOPDOWN_COLUMNS) <= set(lines.columns)
    assert {"body", "department", "release"} <= set(lines.columns)
    assert set(year.body) == {"CG", "LG", "PC"} and (year.department != "").all()
    counted = year[year.driver != themes.EXCLUDED]
    assert (counted.place_driver <= counted.region_driver).all()
    # The place's share of a line is its share of the region's driver (to the penny per LAD).
    share = counted.place_driver / counted.region_driver
    assert np.allclose(counted.place_gbp, counted.region_gbp * share, atol=0.01 * 12)


def test_money_is_conserved_to_the_penny_from_the_lines_to_the_wards(place_topdown):
    kent = place_topdown
    lines = kent.topdown.lines
    place_pence = round(lines.loc[lines.year == kent.year, "place_gbp"].sum() * 100)
    recon = kent.count.reconciliation
    assert recon.input_pence == place_pence
    assert recon.placed_pence == place_pence and recon.unplaced_pence == 0
    assert int(kent.count.ward_spend.amount_pence.sum()) == place_pence


def test_each_function_uses_its_documented_driver(place_run, data_root):
    lines = place_run.topdown.lines
    year = lines[(lines.year == "2008-09") & (lines.driver != themes.EXCLUDED)]
    by_sub = year.drop_duplicates(["sub_function", "theme"]).set_index(["sub_function", "theme"])["driver"]
    assert by_sub[("Old age", "older people")] == "people_60_plus"
    assert by_sub[("Family and children", "children and young people")] == "children_0_15"
    assert by_sub[("Unemployment", "working-age adults and worklessness")] == "employment_deprived"
    assert by_sub[("Employment policies", "working-age adults and worklessness")] == "employment_deprived"
    assert by_sub[("Housing", "housing and regeneration")] == "income_deprived"
    assert by_sub[("Transport", "economy and transport")] == "population"
    assert by_sub[("Secondary education", "children and young people")] == "children_0_15"
    # Sickness and disability is split by age, at the region, by its drivers' totals.
    sick = year[year.sub_function == "Sickness and disability"]
    assert set(sick.theme) == {"older people", "working-age adults and worklessness"}
    totals = topdown.region_drivers(lsoa.lsoa_table(data_root), cra.lad_regions(data_root)).loc["South East"]
    parts = sick.groupby("driver").region_gbp.sum()
    expected = totals["people_60_plus"] / (totals["people_60_plus"] + totals["people_16_59"])
    assert parts["people_60_plus"] / parts.sum() == pytest.approx(expected, abs=1e-6)


def test_need_moves_money_towards_deprived_wards(place_run):
    kent = place_run
    per_head = kent.need.ward_need().set_index("ward_code")
    margate = per_head.loc["E05005093", "per_head_gbp"]
    assert margate > 1.2 * per_head["per_head_gbp"].median()
    assert kent.summary()["spend"] == "real" and kent.summary()["illustrative"] is False


@pytest.mark.data("Solihull's wards and the West Midlands' lines")
def test_a_place_across_two_regions_takes_each_lads_own(data_root):
    # Thanet (South East) with Solihull (West Midlands): two regions, one count.
    result = topdown.topdown_count([THANET, "E08000029"], data_dir=data_root, years=("2008-09",))
    assert set(result.lines.region) == {"South East", "West Midlands"}
    alone = topdown.topdown_count([THANET], data_dir=data_root, years=("2008-09",))
    both_thanet = result.spend[result.spend.area_code == THANET].amount_pence.sum()
    assert both_thanet == alone.spend.amount_pence.sum()


def test_birmingham_is_shown_beside_its_published_count(birmingham):
    table = birmingham.published.comparison().set_index("measure")
    assert table.loc["total", "published_gbp"] == 7_300_000_000
    placed = birmingham.count.reconciliation.placed_pence / 100
    assert table.loc["total", "estimate_gbp"] == pytest.approx(placed)
    assert table.loc["total", "difference_gbp"] == pytest.approx(placed - 7.3e9)
    assert table.loc["agency type: nhs", "published_gbp"] == 1_900_000_000
    spend = birmingham.spend[birmingham.spend.year == "2008-09"]
    jcp = spend[(spend.agency_type == "dwp") & spend.function.isin(["04.1.2", "10.5"])].amount_pence.sum() / 100
    assert table.loc["agency: Jobcentre Plus", "estimate_gbp"] == pytest.approx(jcp)
    bridge = birmingham.published.bridge()
    for measure, steps in bridge.groupby("measure", sort=False):
        assert steps.iloc[0]["kind"] == "ours" and steps.iloc[-1]["kind"] == "published"
        assert steps["amount_gbp"].iloc[:-1].sum() == pytest.approx(steps.iloc[-1]["amount_gbp"]), measure
        assert steps.iloc[-2]["running_gbp"] == pytest.approx(steps.iloc[-1]["amount_gbp"])
    total = bridge[bridge.measure == "total"].set_index("kind")
    assert total.loc["ours", "amount_gbp"] == pytest.approx(placed)
    summary = birmingham.summary()["published"]
    assert summary["year"] == "2008-09" and "Coverage" in summary["explanation"]
    json.dumps(birmingham.summary())  # no NaN or numpy types: valid JSON
    assert "published £7.3bn" in birmingham.published.text()


def test_per_head_by_theme_sits_beside_the_region_england_and_the_median_pilot(birmingham_topdown, birmingham):
    assert birmingham.comparisons.theme_per_head().empty, "a year of councils' books is not set beside the region's CRA"
    birmingham = birmingham_topdown
    table = birmingham.comparisons.theme_per_head()
    assert {"place", "region", "England", "pilot median"} == set(table.level)
    wide = table.pivot(index="theme", columns="level", values="per_head_gbp")
    # Population-driven themes are shared by mid-2015 people: per head of mid-2015 people the place's is the
    # region's by construction (need-driven ones are not). Per head is of the year's people (mid-2006), so
    # each side is moved back by its own growth from mid-2006 to mid-2015.
    from tuttotal.data import population_years

    data_dir = birmingham.parameters.data_dir
    mid_2015 = lsoa.lsoa_table(data_dir)
    place_2015 = float(mid_2015.loc[mid_2015.lad13_code == BIRMINGHAM, "population"].sum())
    region_2015 = float(topdown.region_drivers(mid_2015, cra.lad_regions(data_dir)).at["West Midlands", "population"])
    place_2006 = float(birmingham.population.sum())
    region_2006 = float(population_years.region_population_of_year("2006-07", data_dir)["West Midlands"])
    assert place_2006 == pytest.approx(population_years.lad_population_of_year("2006-07", data_dir)[BIRMINGHAM])
    place, region = wide.loc["health and wellbeing", "place"], wide.loc["health and wellbeing", "region"]
    assert place * place_2006 / place_2015 == pytest.approx(region * region_2006 / region_2015)
    assert wide.loc["older people", "place"] < wide.loc["older people", "region"]  # a young city


@pytest.mark.data("the 13 pilots' wards")
def test_the_deep_dive_finds_each_pilots_own_theme(data_root):
    from tuttotal.analysis import deep_dive
    from tuttotal.data.pilot_themes import read_pilot_themes

    pilots = read_pilot_themes()

    run = report.prepare(place="coventry-solihull-warwickshire", data_dir=data_root)
    assert (
        deep_dive.choose_theme(run.theme_totals().index, run.place, pilot_themes=pilots) == "children and young people"
    )
    kent = report.prepare(place="kent", data_dir=data_root)
    assert deep_dive.choose_theme(kent.theme_totals().index, kent.place, pilot_themes=pilots) == "all themes"
    assert "task force" in deep_dive.why_theme(kent.place, "all themes", pilot_themes=pilots)
    lewisham = report.prepare(place="lewisham", data_dir=data_root)
    assert (
        deep_dive.choose_theme(lewisham.theme_totals().index, lewisham.place, pilot_themes=pilots)
        == "community safety and offenders"
    )


def test_transport_is_not_worklessness_and_defence_is_not_a_places(place_run):
    spend = place_run.count.ward_spend
    transport = spend[spend.function == "04.5"]
    assert set(transport.theme) == {"economy and transport"}
    assert not spend.function.str.startswith("02").any()
    assert not (spend.function == "01.7").any()


def test_the_trend_has_the_top_down_years_in_cash(place_topdown):
    kent = place_topdown
    table = kent.change.change_by_year()
    # every year without councils' books (2007-08 to 2016-17 are measured): 2003-04 to 2006-07 and 2017-18
    top_down = [y for y in real_years.TOPDOWN_YEARS if real_years.source_of_year(y) == "top-down"]
    assert sorted(set(table.year)) == top_down == ["2003-04", "2004-05", "2005-06", "2006-07", "2017-18"]
    kent_rows = table[table.area == "Kent"] if "Kent" in set(table.area) else table[table.level == "place"]
    to_2006 = kent_rows[kent_rows.year <= "2006-07"]
    assert to_2006.sort_values("year").amount_gbp.is_monotonic_increasing  # cash kept rising
    # no change across the councils' years: 2017-18 is not compared with 2006-07
    assert kent_rows.set_index("year").change_pct.isna().to_dict() == {y: y in ("2003-04", "2017-18") for y in top_down}
    fig = kent.change.trend_chart()
    assert any("cash" in t.get_text() for t in fig.texts)


@pytest.mark.parametrize("driver", ["", "population"])
def test_the_trend_shows_the_reports_own_count_for_its_year(driver, data_root, tmp_path):
    """Every year of the trend is counted as the report's year is: with one driver for every function
    (``--driver population``) too, the focus wards' 2008-09 point is the headline count's (Kent's, else
    Thanet's with its two focus wards)."""
    place = PLACE if REAL_DATA else {**PLACE, "focus_wards": ["Margate Central", "Cliftonville West"]}
    run = report.prepare(**place, year="2008-09", data_dir=data_root, output_dir=str(tmp_path), driver=driver)
    assert len(run.focus) == 2
    table = run.change.change_by_year()
    this_year = table[table.year == "2008-09"]
    spend = run.count.ward_spend
    for focus in run.focus.itertuples():
        shown = this_year.loc[this_year.area == focus.ward_name, "amount_gbp"].item()
        assert shown == spend.loc[spend.ward_code == focus.ward_code, "amount_pence"].sum() / 100
    level = "place" if REAL_DATA else "LAD"  # Thanet alone: the place is its one LAD, whose row is the place's
    place_row = this_year.loc[this_year.level == level, "amount_gbp"].item()
    assert place_row == run.count.reconciliation.placed_pence / 100
    assert len(set(table.year)) == len(real_years.measured_years(data_root)), "the years measured as 2008-09 is"


@pytest.mark.parametrize("year", ["2018-19", "2002-03"])
def test_a_year_outside_the_regional_analysis_is_refused(year, data_root):
    with pytest.raises(InputError, match="2003-04 to 2017-18") as caught:
        report.prepare(lads=[THANET], year=year, data_dir=data_root)
    assert caught.value.exit_code == 2
    with pytest.raises(InputError, match=f"no year {year}: it covers 2003-04 to 2017-18") as caught:
        topdown.topdown_count([THANET], data_dir=data_root, years=(year,))
    assert caught.value.exit_code == 2


def test_every_year_from_2003_04_to_2017_18_adds_up_to_its_release(data_root):
    result = topdown.topdown_count([THANET], data_dir=data_root)
    release = cra_releases.cra_lines(data_root, download=False)
    release = release[release.region == "South East"].groupby("year").region_pence.sum()
    ours = (result.lines.groupby("year").region_gbp.sum() * 100).round().astype("int64")
    assert ours.to_dict() == release.to_dict()
    assert result.lines.groupby("year").release.first().to_dict() == cra_releases.YEAR_RELEASE
    assert sorted(set(result.spend.year)) == list(cra_releases.YEARS)


def test_who_spends_a_line_is_its_body_not_a_guess(kent, data_root):
    """Kent's council transport was £369m when all transport was the councils' (rail and national roads are
    central government's in the CRA): by body it is near the councils' own books."""
    spend = kent.topdown.spend[kent.topdown.spend.year == "2008-09"]  # every line, before the books replace LG
    transport = spend[spend.function == "04.5"].groupby("agency_type").amount_pence.sum() / 100
    assert 60e6 < transport["council"] < 150e6
    assert transport["central"] > transport["council"]
    police = spend[spend.function == "03.1"].groupby("agency_type").amount_pence.sum()
    assert police.idxmax() == "police"
    health = spend[spend.function.str.startswith("07")].groupby("agency_type").amount_pence.sum()
    assert health.idxmax() == "nhs"
    assert "agency_type" not in cra.line_table().columns
    assert topdown.agency_type_of("PC", "Department for Transport", "04.5") == "other"
    lines = kent.topdown.lines
    first = lines[(lines.year == "2003-04") & (lines.body != "")]  # PESA 2009 names no body: a split, said so
    assert len(first) and first.source.str.contains("not measured").all()


def test_a_body_without_a_rule_is_an_input_error():
    table = topdown.body_table()
    without_pc = table[table.body != "PC"]
    without_pc.attrs["source"] = table.attrs["source"]
    with pytest.raises(InputError, match="no row for a PC line") as caught:
        topdown.agency_type_of("PC", "Department for Transport", "04.5", without_pc)
    assert caught.value.exit_code == 2 and caught.value.file.endswith("cra_bodies.csv")


def test_a_lad_outside_england_is_refused(data_root):
    with pytest.raises(InputError, match="not an English LAD"):
        topdown.topdown_count(["W06000015"], data_dir=data_root)


@pytest.mark.data("the 13 pilots' wards")
def test_every_pilot_counts_without_error_and_the_13_add_up_to_tens_of_billions(data_root):
    totals = {}
    for place in places.pilot_places():
        result = topdown.topdown_count(place.lad_codes, data_dir=data_root, years=("2008-09",))
        totals[place.slug] = result.spend.amount_pence.sum() / 100
    assert len(totals) == 13 and all(v > 1e9 for v in totals.values())
    # The pilots spanned "about £82bn" of spending (published); our identifiable share of it:
    assert 60e9 < sum(totals.values()) < 110e9


def test_the_region_table_reads_fast_and_is_cached(data_root):
    first = cra.region_lines(data_root, download=False)
    again = cra.region_lines(data_root, download=False)
    pd.testing.assert_frame_equal(first, again)


@pytest.mark.data("the 13 pilots' wards")
def test_the_pilot_median_is_the_same_worked_out_or_read_from_its_cache(data_root, tmp_path, monkeypatch):
    """A report's median pilot row must not depend on whether this run filled the cache."""
    from tuttotal.analysis import compare
    from tuttotal.count import pilot_medians

    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path))
    counted = pilot_medians.pilots_theme_per_head(data_root, "2008-09")
    assert list(tmp_path.glob("pilots/pilot-per-head-*.json")), "the pilots' counts were not cached"
    read_back = pilot_medians.pilots_theme_per_head(data_root, "2008-09")
    pd.testing.assert_frame_equal(counted, read_back, check_exact=True)
    assert counted.shape[1] == 13
    worked_out = compare.pilot_median_per_head(counted)
    pd.testing.assert_series_equal(worked_out, compare.pilot_median_per_head(read_back), check_exact=True)
    assert list(worked_out.index) == sorted(worked_out.index)
    assert worked_out["all themes"] > worked_out.drop("all themes").max()


def test_the_pilot_cache_key_hashes_every_module_the_count_runs():
    """money.py was once left out: the key follows the imports, so every module loaded by the count is in it."""
    import subprocess
    import sys

    from tuttotal.count import pilot_medians

    package = Path(pilot_medians.__file__).parents[1]
    hashed = {p.relative_to(package).as_posix() for p in pilot_medians.code_files()}
    assert {"money.py", "count/topdown.py", "data/cra.py", "data/lsoa.py", "count/themes.py"} <= hashed
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, tuttotal.count.pilot_medians as m; "
            "print('\\n'.join(sorted(getattr(v, '__file__', '') or '' for k, v in sys.modules.items() "
            "if k.startswith('tuttotal'))))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert {Path(f).relative_to(package).as_posix() for f in loaded} <= hashed
