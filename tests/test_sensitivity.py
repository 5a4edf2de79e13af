"""How much the driver decides: the modelled money by need drivers beside population alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.analysis.sensitivity import lad_sensitivity, population_only, ward_sensitivity
from tuttotal.writers.place import write_tables

from .conftest import MARGATE_CENTRAL, THANET


@settings(max_examples=60, deadline=None)
@given(
    need=st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=12),
    flat=st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=12),
    measured=st.lists(st.integers(0, 10**12), min_size=1, max_size=12),
)
def test_every_pound_of_both_counts_is_in_the_table(need, flat, measured):
    n = min(len(need), len(flat), len(measured))
    codes = [f"W{i:02d}" for i in range(n)]
    lads = ["L1", "L2"] * (n // 2) + ["L1"] * (n % 2)
    wards = pd.DataFrame({"ward_code": codes, "ward_name": codes, "lad_code": lads})

    def spend(modelled):
        rows = [(c, "modelled", p) for c, p in zip(codes, modelled[:n], strict=True)]
        rows += [(c, "measured", p) for c, p in zip(codes, measured[:n], strict=True)]
        return pd.DataFrame(rows, columns=["ward_code", "basis", "amount_pence"])

    table = ward_sensitivity(spend(need), spend(flat), wards, None)
    assert round(table["modelled_need_gbp"].sum() * 100) == sum(need[:n])
    assert round(table["modelled_population_gbp"].sum() * 100) == sum(flat[:n])
    assert round(table["measured_gbp"].sum() * 100) == sum(measured[:n])
    lads = lad_sensitivity(table)
    assert np.isclose(lads["difference_gbp"].sum(), table["difference_gbp"].sum())


def test_population_only_keeps_what_is_excluded():
    table = pd.DataFrame({"function": ["09", "02", "10.2"], "driver": ["children_0_15", "excluded", "people_60_plus"]})
    assert population_only(table)["driver"].tolist() == ["population", "excluded", "population"]
    assert table["driver"].tolist() == ["children_0_15", "excluded", "people_60_plus"], "the input is not changed"


def test_population_only_is_made_once_per_table():
    """A warm kernel's places share one population-only table, so the rules looked up in it are looked up once."""
    table = pd.DataFrame({"function": ["09", "02"], "driver": ["children_0_15", "excluded"]})
    first = population_only(table)
    assert population_only(table) is first
    other = table.copy()
    assert population_only(other) is not first, "a new table (even with the same rows) starts afresh"
    assert population_only(other)["driver"].tolist() == first["driver"].tolist()


@pytest.fixture(scope="module")
def thanet(data_root, tmp_path_factory):
    from tuttotal import report

    return report.prepare(
        lads=[THANET],
        year="2008-09",
        focus_wards=[MARGATE_CENTRAL],
        data_dir=str(data_root),
        output_dir=str(tmp_path_factory.mktemp("thanet")),
    )


def test_population_alone_gives_every_ward_of_a_district_the_same_modelled_money_per_head(thanet):
    table = thanet.sensitivity.table()
    wards = table[table["area_type"] == "ward"]
    modelled_per_head = wards["modelled_population_gbp"] / wards["population"]
    assert modelled_per_head.max() - modelled_per_head.min() < 0.01, "by population: equal per head (to the penny)"
    need_per_head = wards["modelled_need_gbp"] / wards["population"]
    assert need_per_head.max() - need_per_head.min() > 100, "by need: the most deprived wards get more"


def test_the_district_row_adds_up_its_wards_and_the_need_count_is_the_report_s(thanet):
    table = thanet.sensitivity.table()
    lad = table[table["area_type"] == "lad"].set_index("code").loc[THANET]
    wards = table[table["area_type"] == "ward"]
    assert lad["modelled_need_gbp"] == pytest.approx(wards["modelled_need_gbp"].sum(), abs=0.01)
    modelled = thanet.count.ward_spend.query("basis == 'modelled'")["amount_pence"].sum() / 100
    assert lad["modelled_need_gbp"] == pytest.approx(modelled, abs=0.01)


def test_the_report_says_how_far_the_driver_moves_the_focus_ward(thanet):
    table = thanet.sensitivity.table().set_index("code")
    margate = table.loc[MARGATE_CENTRAL]
    text = thanet.sensitivity.text()
    assert f"Margate Central: £{margate['need_per_head_gbp']:,.0f} a head with the need drivers" in text
    assert f"£{margate['population_per_head_gbp']:,.0f} with population alone" in text
    assert margate["need_per_head_gbp"] != pytest.approx(margate["population_per_head_gbp"], abs=10)
    written = write_tables(thanet)
    assert "sensitivity" in written
    again = pd.read_csv(written["sensitivity"], dtype={"code": str})
    assert len(again) == len(thanet.wards) + 1


def test_a_spend_file_has_no_sensitivity(tmp_path):
    from tuttotal import report

    run = report.prepare(place="demo", output_dir=str(tmp_path))
    assert run.sensitivity.table().empty and run.sensitivity.text() == ""
