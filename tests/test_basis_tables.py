"""Every money CSV says its basis (measured or modelled) and its prices, and its basis parts add up to the whole.

One rule: a ``basis`` column where each row's money is of one basis (a row per
basis where both are), ``measured_gbp`` and ``modelled_gbp`` beside the total
where a row is an area's or a step's whole; a ``prices`` column on every table
of pounds. Checked on real places: Thanet 2008-09 (councils' books measured,
the rest modelled), Thanet 2006-07 (top down, all modelled), Birmingham
2008-09 (its published count, bridged), and on the synthetic demo and a spend
file (a body's own books: all measured).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.analysis.breakdown import basis_totals
from tuttotal.count import themes
from tuttotal.count.apportion import apportion
from tuttotal.writers.place import write_tables
from tuttotal.writers.place_tables import CASH_TABLES

from .conftest import MARGATE_CENTRAL, SPEND_HEADER, THANET

CODES = {"ward_code": str, "lad_code": str, "code": str, "function": str, "cofog": str, "e_code": str}

#: How each money table of the report says its basis: a column, or the two parts beside the whole.
BASIS_COLUMN = {
    "ward_theme",
    "theme_agency",
    "focus_comparison",
    "ward_need",
    "most_deprived",
    "topdown",
    "outturn",
    "theme_per_head",
    "cuts_by_service",
    "cuts_by_ward",
}
PARTS = {"ward_profiles", "change_by_year", "published", "bridge", "sensitivity", "reconciliation"}
#: Ranks among England's: each rank's basis in words and the measured share of the value ranked.
RANKS = {"england_ranks"}


def pence(values) -> int:
    """Pounds (floats of the CSV) as whole pence, summed."""
    return int(sum(round(float(v) * 100) for v in values))


def written(run) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(path, dtype=CODES) for name, path in write_tables(run).items()}


@pytest.fixture(scope="module")
def thanet(data_root, tmp_path_factory):
    """Thanet, 2008-09: the councils' own books measured, the rest modelled."""
    from tuttotal import report

    run = report.prepare(
        lads=[THANET],
        year="2008-09",
        focus_wards=[MARGATE_CENTRAL],
        data_dir=str(data_root),
        output_dir=str(tmp_path_factory.mktemp("thanet")),
    )
    return run, written(run)


@pytest.fixture(scope="module")
def thanet_topdown(data_root, tmp_path_factory):
    """Thanet, 2006-07: no councils' outturn, every pound modelled."""
    from tuttotal import report

    run = report.prepare(
        lads=[THANET],
        year="2006-07",
        focus_wards=[MARGATE_CENTRAL],
        data_dir=str(data_root),
        output_dir=str(tmp_path_factory.mktemp("thanet0607")),
    )
    return run, written(run)


def test_every_money_csv_says_its_basis_and_its_prices(thanet):
    _, tables = thanet
    assert {"ward_profiles", "focus_comparison", "ward_need", "sensitivity", "bridge", "change_by_year"} <= set(tables)
    for name, table in tables.items():
        if name in CASH_TABLES:
            assert set(table["prices"]) == {"cash"}, name
        if name in BASIS_COLUMN:
            assert set(table["basis"]) <= {"measured", "modelled"} and table["basis"].notna().all(), name
        elif name in PARTS:  # sensitivity's modelled money comes twice: by the need drivers, by population
            assert "measured_gbp" in table and any(c.startswith("modelled_") for c in table), name
        elif name in RANKS:
            ranked = table[table["rank"].notna()]
            assert ranked["rank_basis"].notna().all() and "prices" in table, name
            money = ranked[ranked["measure"] != "income_deprived"]
            assert money["measured_share"].between(0, 1).all(), name
            change = money["measure"].str.startswith("change")  # councils' change: real terms, the findings' prices
            assert (money.loc[~change, "prices"] == "cash").all(), name
            assert money.loc[change, "prices"].str.fullmatch(r"\d{4}-\d{2} prices").all(), name
        else:
            assert name == "drivers", f"{name}.csv: a table of money that says neither"
    assert set(tables["ward_theme"]["basis"]) == {"measured", "modelled"}


def test_the_real_folder_is_a_valid_data_package_with_every_new_column_described(thanet):
    frictionless = pytest.importorskip("frictionless")
    from tuttotal.writers.datapackage import write_datapackage

    run, _ = thanet
    path = write_datapackage(
        run.output_dir,
        place_name=run.place.name,
        sources=[],
        boundaries_attribution=run.provenance.attribution,
        spend_kind=run.spend_kind,
        year=run.year,
    )
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    for resource in json.loads(path.read_text(encoding="utf-8"))["resources"]:
        for field in resource["schema"]["fields"]:
            assert not field["description"].startswith("Not documented"), (resource["path"], field["name"])
            if field["name"] == "basis":
                assert field["constraints"]["enum"] == ["measured", "modelled"]


WARDS = pd.DataFrame({"ward_code": ["W01", "W02", "W03", "W04"], "lad_code": ["L1", "L1", "L2", "L2"]})
ROWS = st.lists(
    st.tuples(
        st.sampled_from(["W01", "W04", "L1", "L2", "*", "X99"]),  # X99: an unknown area code
        st.sampled_from(["01", "02", "07", "10.5"]),  # 02, defence: excluded
        st.sampled_from(["2008-09", "2009-10"]),  # 2009-10: outside the run
        st.sampled_from(["measured", "modelled"]),
        st.integers(-(10**11), 10**11),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(rows=ROWS, people=st.lists(st.integers(0, 1000), min_size=4, max_size=4))
def test_every_line_of_the_reconciliation_adds_up_by_basis(rows, people):
    spend = pd.DataFrame(rows, columns=["area_code", "function", "year", "basis", "amount_pence"])
    spend = spend.assign(agency="Agency", agency_type="council", theme="", transfer=False)
    drivers = pd.DataFrame({"area_code": WARDS.ward_code, "driver": "population", "value": [float(p) for p in people]})
    count = apportion(themes.assign_themes(spend, themes.load_themes()), WARDS, drivers, year="2008-09")
    table = count.reconciliation.table()
    for row in table.itertuples():
        assert pence([row.measured_gbp, row.modelled_gbp]) == pence([row.amount_gbp]), row.item
    placed = table.set_index("item").loc["placed in wards"]
    assert round(float(placed.measured_gbp) * 100) == basis_totals(count.ward_spend)["measured"]
    for basis in ("measured", "modelled"):
        given_pence = int(spend.loc[spend.basis == basis, "amount_pence"].sum())
        assert pence(table.loc[table.item == "input", f"{basis}_gbp"]) == given_pence
        assert pence(table.loc[table.item != "input", f"{basis}_gbp"]) == given_pence, "every pound of a basis"


def test_theme_agency_rows_of_a_theme_add_up_to_its_spending(thanet):
    run, tables = thanet
    table = tables["theme_agency"]
    whole = run.theme_by_agency()  # the table before it said its basis
    for theme, rows in table.groupby("theme"):
        for agency in whole.columns:
            assert pence(rows[agency]) == round(whole.loc[theme, agency] * 100), (theme, agency)
    by_basis = basis_totals(run.count.ward_spend)
    for basis, rows in table.groupby("basis"):
        assert pence(rows["all agencies"]) == by_basis[basis], basis
    assert list(dict.fromkeys(table["theme"])) == list(whole.index), "themes in the same order, largest first"


def test_ward_profiles_measured_and_modelled_add_up_to_each_ward(thanet):
    run, tables = thanet
    table = tables["ward_profiles"].set_index("ward_code")
    for code, row in table.iterrows():
        assert pence([row.measured_gbp, row.modelled_gbp]) == pence([row.amount_gbp]), code
    by_basis = basis_totals(run.count.ward_spend)
    assert pence(table["measured_gbp"]) == by_basis["measured"]
    assert pence(table["modelled_gbp"]) == by_basis["modelled"]
    margate = table.loc[MARGATE_CENTRAL]
    assert 0 < margate.measured_gbp < margate.amount_gbp, "a ward of a measured year holds both"


def test_focus_comparison_rows_by_basis_add_up_to_the_area(thanet):
    run, tables = thanet
    table = tables["focus_comparison"]
    whole = run.comparisons.focus()
    keys = ["area", "level", "theme"]
    summed = table.groupby(keys)[["amount_gbp", "per_head_gbp"]].sum(min_count=1)
    for row in whole.itertuples():
        got = summed.loc[(row.area, row.level, row.theme)]
        if row.level == "pilot median":
            continue
        assert round(got.amount_gbp * 100) == round(row.amount_gbp * 100), (row.area, row.theme)
        assert got.per_head_gbp == pytest.approx(row.per_head_gbp, abs=0.02), (row.area, row.theme)
    ward = table[(table.level == "ward") & (table.theme == "all themes")].set_index("basis")
    assert set(ward.index) == {"measured", "modelled"}
    assert (table.level != "pilot median").all(), "an area of LAD codes is no pilot"


def test_need_tables_name_the_money_they_are_computed_on(thanet, thanet_topdown):
    for (run, tables), basis in ((thanet, "measured"), (thanet_topdown, "modelled")):
        need, deprived = tables["ward_need"], tables["most_deprived"]
        assert set(need["basis"]) == {basis} and set(deprived["basis"]) == {basis}
        assert pence(need["amount_gbp"]) == basis_totals(run.count.ward_spend)[basis], basis
        assert run.need.money_basis == basis


def test_series_and_cuts_say_their_basis(thanet):
    run, tables = thanet
    trend = tables["change_by_year"]
    for row in trend.itertuples():
        assert pence([row.measured_gbp, row.modelled_gbp]) == pence([row.amount_gbp]), (row.year, row.area)
    place = trend[(trend.year == run.year) & (trend.level == "LAD")].iloc[0]
    by_basis = basis_totals(run.count.ward_spend)
    assert round(place.measured_gbp * 100) == by_basis["measured"]
    for name in ("cuts_by_service", "cuts_by_ward"):
        assert set(tables[name]["basis"]) == {"measured"}, name


def test_sensitivity_and_bridge_keep_their_parts_and_say_cash(thanet):
    run, tables = thanet
    wards = tables["sensitivity"].query("area_type == 'ward'")
    by_basis = basis_totals(run.count.ward_spend)
    assert pence(wards["measured_gbp"]) == by_basis["measured"]
    assert pence(wards["modelled_need_gbp"]) == by_basis["modelled"]
    assert set(tables["bridge"]["prices"]) == {"cash"}


def test_theme_per_head_of_a_top_down_year_is_modelled(thanet_topdown):
    run, tables = thanet_topdown
    table = tables["theme_per_head"]
    assert set(table["basis"]) == {"modelled"} and set(table["prices"]) == {"cash"}
    place = table[(table.level == "place") & (table.theme != "all themes")]
    people = float(run.population.sum())
    assert place["per_head_gbp"].sum() * people == pytest.approx(run.count.reconciliation.placed_pence / 100, rel=1e-5)
    assert basis_totals(run.count.ward_spend)["measured"] == 0


@pytest.fixture(scope="module")
def birmingham(data_root, tmp_path_factory):
    from tuttotal import report

    run = report.prepare(
        place="birmingham",
        focus_wards=["Aston"],
        data_dir=str(data_root),
        output_dir=str(tmp_path_factory.mktemp("bham")),
    )
    return run, written(run)


def test_the_published_bridge_splits_our_figure_and_each_step_by_basis(birmingham):
    run, tables = birmingham
    table = tables["published"]
    ours = table[table.kind != "published"]
    ours = ours[ours.kind != "not explained by open data"]
    for row in ours.itertuples():
        assert pence([row.measured_gbp, row.modelled_gbp]) == pence([row.amount_gbp]), (row.measure, row.step)
    theirs = table[table.kind.isin(["published", "not explained by open data"])]
    assert theirs[["measured_gbp", "modelled_gbp"]].isna().all().all(), "the published figure is not our money"
    total = table[(table.measure == "total") & (table.kind == "ours")].iloc[0]
    by_basis = basis_totals(run.count.ward_spend)
    assert round(total.measured_gbp * 100) == by_basis["measured"]
    assert round(total.modelled_gbp * 100) == by_basis["modelled"]
    capital = table[(table.measure == "total") & (table.kind == "capital")].iloc[0]
    assert capital.measured_gbp == 0 and capital.modelled_gbp < 0, "capital is the CRA's lines: modelled"
    assert set(table["prices"]) == {"cash"}
    comparison = tables["focus_comparison"]
    median = comparison[comparison.level == "pilot median"]
    assert len(median) and set(median["basis"]) == {"modelled"}, "the median pilot: the pilots' top-down counts"
    whole = run.comparisons.focus().query("level == 'pilot median'")
    assert median["per_head_gbp"].tolist() == pytest.approx(whole["per_head_gbp"].round(2).tolist())


def test_a_spend_file_and_the_demo_are_measured_throughout(data_root, wards_dir, write_csv, tmp_path):
    from tuttotal import report

    spend = write_csv(
        SPEND_HEADER
        + f"2008-09,Thanet District Council,council,{MARGATE_CENTRAL},09,1000.00\n"
        + f"2008-09,Kent County Council,council,{THANET},10.2,5000.01\n"
        + "2008-09,NHS Eastern and Coastal Kent,nhs,*,07,2500.50\n"
    )
    user = report.prepare(
        lads=[THANET], spend_path=str(spend), data_dir=str(data_root), output_dir=str(tmp_path / "user")
    )
    demo = report.prepare(place="demo", output_dir=str(tmp_path / "demo"))
    for run in (user, demo):
        tables = written(run)
        placed = run.count.reconciliation.placed_pence
        for name in ("ward_theme", "theme_agency", "ward_need", "most_deprived"):
            assert set(tables[name]["basis"]) == {"measured"}, (run.spend_kind, name)
        assert pence(tables["ward_profiles"]["measured_gbp"]) == placed
        assert (tables["ward_profiles"]["modelled_gbp"] == 0).all()
        assert set(tables["theme_agency"]["prices"]) == {"cash"}
        if "focus_comparison" in tables:
            assert set(tables["focus_comparison"]["basis"]) == {"measured"}
    assert placed > 0 and user.spend_kind == "user"


@pytest.mark.parametrize("theme", ["all themes", "older people"])
def test_the_deep_dives_ward_table_says_its_basis(thanet, theme):
    from tuttotal.analysis import deep_dive

    run, _ = thanet
    ranked = deep_dive.ward_ranking(run.ward_theme(by_basis=True), run.wards, theme, n=len(run.wards))
    plain = deep_dive.ward_ranking(run.ward_theme(), run.wards, theme, n=len(run.wards))
    pd.testing.assert_frame_equal(ranked.drop(columns=["measured_gbp", "modelled_gbp"]), plain)
    for row in ranked.itertuples():
        assert pence([row.measured_gbp, row.modelled_gbp]) == pence([row.amount_gbp]), row.ward_code
    spend = run.count.ward_spend
    if theme != "all themes":
        spend = spend[spend.theme == theme]
    assert pence(ranked["measured_gbp"]) == basis_totals(spend)["measured"] > 0
