"""Cuts that are cuts: transfers of function are flagged, and the change is given with and without them."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuttotal.analysis.cuts import cuts_by_service
from tuttotal.data.outturn import function_transfers

from .conftest import THANET


def test_transfers_of_function_count_only_between_the_years_they_happened():
    assert set(function_transfers("2010-11", "2014-15")) == {"education", "council tax benefit", "public health"}
    assert set(function_transfers("2010-11", "2012-13")) == {"education"}, "the 2013-14 moves come later"
    assert set(function_transfers("2013-14", "2016-17")) == {"education"}, "2013-14's moves are in both years"
    assert "1 April 2013" in function_transfers("2012-13", "2013-14")["public health"]


YEARS = ("2010-11", "2014-15")
GROUPS = ["police", "libraries", "education", "public health"]


@given(
    groups=st.lists(st.sampled_from(GROUPS), min_size=1, max_size=6),
    moved=st.dictionaries(st.sampled_from(GROUPS), st.text(min_size=1, max_size=20), max_size=3),
)
def test_a_service_is_flagged_with_what_moved_or_left_blank_without_a_pandas_warning(groups, moved):
    """Flags are text whatever moved (nothing, or nothing of the place's services): no float column is filled
    with text (pandas 3 warns, pandas 4 will raise), so the test fails on ``map(transfers).fillna("")``."""
    lines = pd.DataFrame(
        {"group": groups, "year": [YEARS[i % 2] for i in range(len(groups))], "place_gbp": [10.0] * len(groups)}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pandas4Warning (a DeprecationWarning) and FutureWarning alike
        table = cuts_by_service(lines, moved, dict.fromkeys(YEARS), YEARS)
    assert table["transfer_of_function"].tolist() == [moved.get(service, "") for service in table["service"]]
    flagged = table["transfer_of_function"] != ""
    assert (table.loc[flagged, "change_without_transfers_gbp"] == 0).all()
    assert (table.loc[~flagged, "change_without_transfers_gbp"] == table.loc[~flagged, "change_gbp"]).all()


@pytest.fixture(scope="module")
def thanet(data_root, tmp_path_factory):
    from tuttotal import report

    return report.prepare(
        lads=[THANET], year="2014-15", data_dir=str(data_root), output_dir=str(tmp_path_factory.mktemp("cuts"))
    )


def test_the_change_without_transfers_leaves_out_exactly_the_moved_services(thanet):
    table = thanet.change.cuts_by_service().set_index("service")
    flagged = table[table["transfer_of_function"] != ""]
    assert set(flagged.index) == {"education", "council tax benefit", "public health"}
    assert (flagged["change_without_transfers_gbp"] == 0).all()
    kept = table[table["transfer_of_function"] == ""]
    assert (kept["change_without_transfers_gbp"] == kept["change_gbp"]).all()
    assert table["change_without_transfers_gbp"].sum() == pytest.approx(
        table["change_gbp"].sum() - flagged["change_gbp"].sum()
    )
    assert table.loc["council tax benefit", "last_gbp"] == 0, "no council tax benefit after 2012-13"


def test_wards_add_up_to_the_services_with_and_without_transfers(thanet):
    services = thanet.change.cuts_by_service()
    wards = thanet.change.cuts_by_ward()
    assert wards["change_gbp"].sum() == pytest.approx(services["change_gbp"].sum(), abs=1.0)
    assert wards["change_without_transfers_gbp"].sum() == pytest.approx(
        services["change_without_transfers_gbp"].sum(), abs=1.0
    )


def test_the_cuts_figures_name_the_transfers(thanet):
    chart = thanet.change.cuts_chart()
    texts = " ".join(t.get_text() for t in chart.texts)
    assert "Transfer of function, not a cut: public health" in texts
    legend = chart.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["transfer of function, not a cut"]
    ward_map = thanet.change.cuts_map()
    assert "transfers of function left out" in " ".join(
        t.get_text() for ax in ward_map.axes for t in ax.texts
    ) + " ".join(t.get_text() for t in ward_map.texts) + " ".join(
        (ax.get_legend().get_title().get_text() if ax.get_legend() else "") for ax in ward_map.axes
    )
