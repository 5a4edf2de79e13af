"""Breakdowns, comparisons, years and the deep dive, on a real area of two districts and the demo.

The real area is Dartford and Thanet, two Kent districts (Kent County Council's money shared between them):
what any multi-district place does, on the Thanet fixture too.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tuttotal import report
from tuttotal.analysis import compare, deep_dive
from tuttotal.data import places
from tuttotal.data.pilot_themes import read_pilot_themes
from tuttotal.errors import InputError
from tuttotal.writers.place import write_tables

from .conftest import CLIFTONVILLE_WEST, MARGATE_CENTRAL, SPEND_HEADER, TWO_KENT_DISTRICTS

AREA = "Dartford and Thanet"


@pytest.fixture(scope="module")
def area(wards_dir, tmp_path_factory):
    return report.prepare(
        lads=list(TWO_KENT_DISTRICTS),
        focus_wards=["Margate Central", "Cliftonville West"],
        data_dir=str(wards_dir),
        output_dir=str(tmp_path_factory.mktemp("area")),
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return report.prepare(place="demo", output_dir=str(tmp_path_factory.mktemp("demo")))


def test_theme_by_agency_adds_up_to_the_placed_total(area):
    table = area.theme_by_agency()
    assert table["all agencies"].sum() * 100 == pytest.approx(area.count.reconciliation.placed_pence)
    assert list(table["all agencies"]) == sorted(table["all agencies"], reverse=True)
    # health is the NHS's by body, bar the health lines the regional analysis puts on other bodies
    health = table.loc["health and wellbeing"]
    assert health["nhs"] == health.drop("all agencies").max() and health["nhs"] > 0.95 * health["all agencies"]


def test_ward_profiles_shares_and_ranks(area):
    profiles = area.ward_profiles()
    assert len(profiles) == 40 and profiles.lad_code.nunique() == 2
    assert profiles.share_of_place.sum() == pytest.approx(1)
    assert profiles.groupby("lad_code").share_of_lad.sum().to_numpy() == pytest.approx(1)
    assert sorted(profiles.rank_in_place) == list(range(1, 41))
    top = profiles.loc[profiles.rank_in_place == 1].iloc[0]
    assert top.per_head_gbp == profiles.per_head_gbp.max()
    thanet = profiles[profiles.lad_name == "Thanet"]
    assert sorted(thanet.rank_in_lad) == list(range(1, 24))


def test_focus_comparison_of_margate_with_thanet_and_the_area(area):
    table = area.comparisons.focus()
    areas = list(dict.fromkeys(table.area))
    assert areas[:4] == ["Margate Central", "Cliftonville West", "Thanet", AREA]
    assert {"ward", "LAD", "place"} <= set(table.level)
    whole = table[table.theme == compare.ALL_THEMES].set_index("area")
    ward_spend = area.count.ward_spend
    margate = ward_spend[ward_spend.ward_code == MARGATE_CENTRAL].amount_pence.sum() / 100
    assert whole.loc["Margate Central", "amount_gbp"] == pytest.approx(margate)
    population = area.population
    assert whole.loc["Margate Central", "per_head_gbp"] == pytest.approx(margate / population[MARGATE_CENTRAL])
    assert whole.loc[AREA, "per_head_gbp"] == pytest.approx(
        area.count.reconciliation.placed_pence / 100 / population.sum()
    )


@pytest.mark.data("Kent's 12 districts' wards and the 13 pilots' (a pilot's focus wards beside the median pilot)")
def test_a_pilots_focus_comparison_ends_with_the_median_pilot(wards_dir, tmp_path):
    kent = report.prepare(place="kent", data_dir=str(wards_dir), output_dir=str(tmp_path))
    table = kent.comparisons.focus()
    areas = list(dict.fromkeys(table.area))
    assert areas == ["Margate Central", "Cliftonville West", "Thanet", "Kent", compare.MEDIAN_PILOT]
    assert set(table.level) == {"ward", "LAD", "place", "pilot median"}
    whole = table[table.theme == compare.ALL_THEMES].set_index("area")
    assert whole.loc["Kent", "per_head_gbp"] == pytest.approx(
        kent.count.reconciliation.placed_pence / 100 / kent.population.sum()
    )
    assert 4000 < whole.loc[compare.MEDIAN_PILOT, "per_head_gbp"] < 15000


def test_focus_text_names_shares_and_ranks(area):
    text = area.comparisons.focus_text()
    assert "Margate Central (E05005093, Thanet)" in text and CLIFTONVILLE_WEST in text
    assert "of 23 in Thanet" in text and f"of 40 in {AREA}" in text


def test_report_writes_the_comparison_and_breakdown_tables(area):
    paths = write_tables(area)
    assert {"ward_theme", "reconciliation", "theme_agency", "ward_profiles", "focus_comparison"} <= set(paths)
    comparison = pd.read_csv(paths["focus_comparison"])
    assert {"Margate Central", "Cliftonville West", "Thanet", AREA} <= set(comparison.area)
    reconciliation = pd.read_csv(paths["reconciliation"], dtype=str)
    assert reconciliation.item.tolist()[0] == "input" and reconciliation.item.tolist()[-1] == "placed in wards"


def test_several_years_give_a_change_table(wards_dir, tmp_path):
    spend = tmp_path / "years.csv"
    rows = []
    for year, amount in (("2006-07", 1000), ("2007-08", 1100), ("2008-09", 1210)):
        rows.append(f"{year},Thanet District Council,council,E07000114,06,{amount}\n")
        rows.append(f"{year},Jobcentre Plus,dwp,{MARGATE_CENTRAL},10.5,{amount / 10}\n")
    spend.write_text(SPEND_HEADER + "".join(rows))
    drivers = tmp_path / "drivers.csv"
    from tuttotal.data import place_wards, places

    wards = place_wards.load_place_wards(places.area_from_lads(["E07000114"]), wards_dir)
    drivers.write_text("area_code,driver,value\n" + "".join(f"{c},population,1000\n" for c in wards.ward_code))
    run = report.prepare(
        lads=["E07000114"],
        spend_path=str(spend),
        drivers_path=str(drivers),
        data_dir=str(wards_dir),
        focus_wards=["Margate Central"],
        output_dir=str(tmp_path / "out"),
    )
    assert run.years == ["2006-07", "2007-08", "2008-09"] and run.year == "2008-09"
    table = run.change.change_by_year().set_index(["area", "year"])
    assert table.loc[("Thanet", "2007-08"), "change_pct"] == pytest.approx(10.0)
    assert table.loc[("Margate Central", "2008-09"), "amount_gbp"] == pytest.approx(1210 / 23 + 121, abs=0.01)
    assert run.change.trend_chart() is not None
    assert "change_by_year" in write_tables(run)


def test_deep_dive_choose_theme_and_tables(area, demo):
    themes = area.theme_totals().index
    pilots = read_pilot_themes()
    assert deep_dive.choose_theme(demo.theme_totals().index, demo.place, pilot_themes=pilots) == "older people"
    kent = places.get_place("kent")  # the pilot: the theme it reported (its place, not its count)
    assert deep_dive.choose_theme(themes, kent, pilot_themes=pilots) == "all themes"  # the Margate task force
    assert (
        deep_dive.choose_theme(themes, area.place, "  Health AND wellbeing ", pilot_themes=pilots)
        == "health and wellbeing"
    )
    with pytest.raises(InputError, match="Did you mean 'older people'"):
        deep_dive.choose_theme(themes, area.place, "older peeple", pilot_themes=pilots)
    theme = "working-age adults and worklessness"
    spend = area.count.ward_spend
    table = deep_dive.by_agency_and_function(spend, theme)
    assert table["total"].sum() * 100 == pytest.approx(deep_dive.theme_spend(spend, theme).amount_pence.sum())
    ranking = deep_dive.ward_ranking(area.ward_theme(), area.wards, theme, n=10)
    assert len(ranking) == 10 and list(ranking.per_head_gbp) == sorted(ranking.per_head_gbp, reverse=True)
    against = deep_dive.focus_against_place(area.comparisons.focus(), theme)
    assert list(against.area)[:2] == ["Margate Central", "Cliftonville West"]
