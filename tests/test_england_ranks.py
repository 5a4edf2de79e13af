"""A place set in England: its district's and focus wards' ranks among England's, read from the national tables."""

from __future__ import annotations

import pandas as pd
import pytest

from tuttotal.writers.place import write_tables

from .conftest import CLIFTONVILLE_WEST, MARGATE_CENTRAL, THANET

YEAR = "2008-09"
#: The councils' change per head, 2010-11 to the latest outturn year, real terms, transfers of function apart.
CHANGE = "change_without_transfers_per_head_gbp"
DOVER = "E07000108"
#: A handful of LADs for a fast national run: Thanet and three of its neighbours in Kent.
HANDFUL = [THANET, "E07000106", "E07000108", "E07000113"]


@pytest.fixture(scope="module")
def national_root(data_root, tmp_path_factory):
    """An output root holding ``england/2008-09/`` written by the national count of a handful of LADs."""
    from tuttotal.england.count import england_count
    from tuttotal.england.ranks import national_folder
    from tuttotal.writers.england import write_outputs

    root = tmp_path_factory.mktemp("outputs")
    write_outputs(england_count(YEAR, data_root, lads=HANDFUL), national_folder(root, YEAR))
    return root


def thanet_report(data_root, output_dir):
    from tuttotal import report

    return report.prepare(
        lads=[THANET],
        focus_wards=[MARGATE_CENTRAL, CLIFTONVILLE_WEST],
        data_dir=str(data_root),
        output_dir=str(output_dir),
    )


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_ranks_are_read_from_the_national_tables_of_the_output_root(data_root, national_root):
    from tuttotal.england.findings import rank_among

    run = thanet_report(data_root, national_root / "thanet")
    assert run.year == YEAR
    ranks = run.england_ranks()
    folder = national_root / "england" / YEAR
    lads = pd.read_csv(folder / "lads.csv", dtype={"lad_code": str})
    wards = pd.read_csv(folder / "wards.csv", dtype={"ward_code": str, "lad_code": str})
    for level, table, code, name in (
        ("district", lads, "lad_code", "lads.csv"),
        ("ward", wards, "ward_code", "wards.csv"),
    ):
        rows = ranks[(ranks["level"] == level) & (ranks["measure"] != CHANGE)]
        assert set(rows["table"]) == {str(folder / name)}, "each rank names the file it was read from"
        for measure in ("per_head_gbp", "measured_per_head_gbp", "income_deprived"):
            expected = rank_among(table[measure]).set_axis(table[code])
            got = rows[rows["measure"] == measure].set_index("area_code")
            assert len(got) == (1 if level == "district" else 2)
            for area, row in got.iterrows():
                assert row["rank"] == expected[area], f"{level} {area} {measure}: the rank recomputed from {name}"
                assert row["of"] == table[measure].notna().sum()
                assert row["value"] == pytest.approx(table.set_index(code).loc[area, measure])
    assert set(ranks.loc[ranks["level"] == "ward", "area_code"]) == {MARGATE_CENTRAL, CLIFTONVILLE_WEST}
    district_rows = ranks[(ranks["level"] == "district") & (ranks["measure"] != CHANGE)]
    assert (district_rows["of"] == len(HANDFUL)).all(), "among the table's LADs"
    assert ranks.loc[ranks["measure"] == CHANGE, "of"].max() == 325, "the change: among all of England's, computed"
    basis = ranks[ranks["level"] == "district"].set_index("measure")["rank_basis"]
    assert basis["measured_per_head_gbp"].startswith("measured (")
    assert basis["per_head_gbp"].startswith("measured and modelled (")
    assert basis["income_deprived"].startswith("need")
    money = ~ranks["measure"].isin(["income_deprived", CHANGE])
    assert set(ranks.loc[money, "prices"]) == {"cash"}

    headline = run.headline_table().set_index("figure")
    district = ranks[(ranks["level"] == "district") & (ranks["measure"] == "per_head_gbp")].iloc[0]
    assert headline.loc["Rank in England (per head)", "value"] == f"{district['rank']} of {len(HANDFUL)}"
    assert str(folder / "lads.csv") in headline.loc["Rank in England (per head)", "note"], "the headline's same source"

    written = pd.read_csv(write_tables(run)["england_ranks"], dtype={"area_code": str})
    assert {"rank_basis", "measured_share", "prices", "table", "rank", "of"} <= set(written.columns)
    shares = ranks[ranks["level"] == "district"].set_index("measure")["measured_share"]
    assert shares["measured_per_head_gbp"] == 1.0 and pd.isna(shares["income_deprived"])
    assert shares["per_head_gbp"] == pytest.approx(lads.set_index("lad_code").loc[THANET, "measured_share"])
    pd.testing.assert_series_equal(written["rank"].astype(float), ranks["rank"].astype(float), check_names=False)


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_the_lad_level_count_gives_the_districts_what_the_national_tables_give(data_root, national_root):
    """The fallback's per head and need are the national table's (to the CSV's rounding).

    They could differ only by money the ward step cannot place.
    """
    from tuttotal.england.ranks import lad_level_table

    lads = pd.read_csv(national_root / "england" / YEAR / "lads.csv", dtype={"lad_code": str}).set_index("lad_code")
    level = lad_level_table(YEAR, data_root).set_index("lad_code")
    assert len(level) == 326
    for column, rounding in (("per_head_gbp", 0.005), ("measured_per_head_gbp", 0.005), ("income_deprived", 5e-7)):
        expected = lads.loc[HANDFUL, column].to_numpy()
        assert level.loc[HANDFUL, column].to_numpy() == pytest.approx(expected, abs=rounding + 1e-9), column


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_without_national_tables_the_ranks_are_computed_and_say_so(data_root, tmp_path):
    from tuttotal.england.ranks import national_cache_warm

    run = thanet_report(data_root, tmp_path / "thanet")
    ranks = run.england_ranks()
    district = ranks[(ranks["level"] == "district") & (ranks["measure"] != CHANGE)]
    assert (district["of"] == 326).all() and district["rank"].notna().all(), "among all of England's districts"
    assert all(t.startswith("computed") for t in ranks["table"] if t)
    wards = ranks[(ranks["level"] == "ward") & (ranks["measure"] != CHANGE)]
    if national_cache_warm():  # the national count was made: a few seconds
        assert wards["rank"].notna().all() and (wards["of"] > 7000).all()
    else:  # a cold national overlay costs minutes: never paid inside a report
        assert wards["rank"].isna().all()
        assert wards["note"].str.contains(f"tuttotal england --year {YEAR}").all()
    headline = run.headline_table().set_index("figure")
    assert headline.loc["Rank in England (per head)", "value"].endswith(" of 326")


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_national_tables_without_the_place_are_not_used(data_root, national_root):
    from tuttotal.england.findings import PlaceAreas
    from tuttotal.england.ranks import place_ranks

    scilly = PlaceAreas("scilly", "Isles of Scilly", ("E06000053",))
    ranks = place_ranks(scilly, YEAR, output_root=national_root, data_dir=data_root, compute=False)
    per_head = ranks[ranks["measure"] != CHANGE]
    assert per_head["table"].str.startswith("computed: the LAD-level national count").all()
    assert (per_head["of"] == 326).all() and set(ranks["level"]) == {"district"}


def test_a_spend_file_of_its_own_is_not_ranked_among_england_s(tmp_path):
    from tuttotal import report

    run = report.prepare(place="demo", output_dir=str(tmp_path))
    ranks = run.england_ranks()
    assert ranks.empty and "synthetic demo" in ranks.attrs["note"]
    assert "england_ranks" not in write_tables(run)


@pytest.fixture(scope="module")
def councils_change(data_root):
    """The national findings' change table, made here as the findings make it (2016-17 prices)."""
    from tuttotal.england import councils

    return councils.councils_change(councils.councils_table(data_root))


@pytest.mark.data("England's 326 districts' books (the councils' change)")
def test_districts_are_ranked_by_the_councils_change_of_the_findings_and_wards_say_they_have_none(
    data_root, councils_change
):
    from tuttotal.england.findings import PlaceAreas, rank_among
    from tuttotal.england.ranks import place_ranks

    area = PlaceAreas("east-kent", "East Kent", (THANET, DOVER), (MARGATE_CENTRAL,))
    ranks = place_ranks(area, YEAR, data_dir=data_root, compute=False)
    change = ranks[ranks["measure"] == CHANGE].set_index(["level", "area_code"])
    expected = rank_among(councils_change[CHANGE], descending=False).set_axis(councils_change["lad_code"])
    findings = councils_change.set_index("lad_code")
    for lad in (THANET, DOVER):
        row = change.loc[("district", lad)]
        assert row["rank"] == expected[lad], "the rank the findings' change table gives, 1 = the deepest cut"
        assert row["of"] == councils_change[CHANGE].notna().sum() == 325, "one district made no RS return"
        assert row["value"] == pytest.approx(findings.loc[lad, CHANGE])
        assert row["direction"] == "1 = the deepest cut" and row["prices"] == "2016-17 prices"
        assert row["rank_basis"] == "measured (councils' own books)" and row["measured_share"] == 1.0
        assert row["table"].startswith("computed: councils' change per head 2010-11 to 2016-17")
        assert "2010-11 to 2016-17" in row["what"] and "transfers of function" in row["note"]

    # the place as if one district: its councils' money per head in 2016-17 less 2010-11's, over its people
    part = findings.loc[[THANET, DOVER]]
    last = (part["last_without_transfers_per_head_gbp"] * part["people_last"]).sum() / part["people_last"].sum()
    first = (part["first_without_transfers_per_head_gbp"] * part["people_first"]).sum() / part["people_first"].sum()
    place = change.loc[("place", f"{THANET} {DOVER}")]
    assert place["value"] == pytest.approx(last - first)
    others = findings.drop(index=[THANET, DOVER])[CHANGE].dropna()
    assert place["rank"] == 1 + (others < last - first).sum() and place["of"] == len(others) + 1

    ward = ranks[(ranks["level"] == "ward") & (ranks["measure"] == CHANGE)]
    assert len(ward) == 1 and ward["rank"].isna().all(), "a ward has no change figure"
    assert ward["note"].str.startswith("no change figure for a ward").all(), "said in the row, not silently"
    order = ranks.loc[ranks["level"] == "district", "measure"].tolist()[:4]
    assert order == ["per_head_gbp", "measured_per_head_gbp", CHANGE, "income_deprived"]


@pytest.mark.data("England's 326 districts' books (the councils' change)")
def test_the_report_states_the_change_rank_in_its_headline_and_csv(data_root, tmp_path, councils_change):
    from tuttotal.england.findings import rank_among

    run = thanet_report(data_root, tmp_path / "thanet")
    headline = run.headline_table().set_index("figure")
    rank = int(rank_among(councils_change[CHANGE], descending=False)[councils_change["lad_code"] == THANET].iloc[0])
    row = headline.loc["Rank in England (councils' change per head)"]
    assert row["value"] == f"{rank} of 325"
    assert "1 = the deepest cut" in row["note"] and "measured (councils' own books)" in row["note"]
    written = pd.read_csv(write_tables(run)["england_ranks"], dtype={"area_code": str})
    assert (written["measure"] == CHANGE).sum() == 3, "Thanet, and its two focus wards saying they have none"


def test_the_lad_level_count_and_the_change_are_made_once_per_year_data_root_and_prices(data_root):
    from tuttotal.data import deflators
    from tuttotal.england.ranks import change_table, lad_level_table

    cash = lad_level_table(YEAR, data_root)
    assert lad_level_table(YEAR, str(data_root)) is cash, "a batch of places pays the LAD-level count once"
    real = lad_level_table(YEAR, data_root, "2016-17")
    assert real is not cash and real is lad_level_table(YEAR, data_root, "2016-17")
    factor = float(deflators.price_factors([YEAR], "2016-17", data_dir=data_root)[0])
    assert set(real["prices"]) == {"2016-17 prices"} and factor > 1
    assert real["total_gbp"].to_numpy() == pytest.approx(cash["total_gbp"].to_numpy() * factor, abs=0.006)
    assert lad_level_table("2009-10", data_root) is not cash
    assert change_table(data_root) is change_table(str(data_root), "cash"), "cash: the findings' 2016-17 prices"
    assert change_table(data_root, "2012-13") is not change_table(data_root)
