"""The explorer's England view, without a browser: England's districts once a year, any LAD picked and loaded."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.data.datasets import lad_names
from tuttotal.england.ranks import lad_level_table
from tuttotal.errors import PlaceNotFoundError
from tuttotal.explore import explorer as explore
from tuttotal.explore.england_view import ENGLAND, england_year, find_lad, lad_labels

from .conftest import MARGATE_CENTRAL, THANET

#: What England's view needs beyond the fixture (which holds Thanet's boundaries and books).
ENGLAND_DATA = "England's 326 districts' boundaries and count"

LADS = sorted(lad_names())


@settings(max_examples=60, deadline=None)
@given(code=st.sampled_from(LADS), upper=st.booleans(), pad=st.sampled_from(["", " ", "  "]))
def test_every_lad_is_found_by_its_code_its_name_and_its_label(code, upper, pad):
    name = lad_names()[code]
    assert find_lad(pad + (code if upper else code.lower()) + pad) == code
    assert find_lad(pad + (name.upper() if upper else name.lower()) + pad) == code
    assert find_lad(lad_labels()[code]) == code


def test_the_picker_lists_every_lad_once_by_name():
    labels = lad_labels()
    assert len(labels) == 326 == len(set(labels.values()))
    names = [label.rsplit(" (", 1)[0] for label in labels.values()]
    assert names == sorted(names)
    assert labels[THANET] == "Thanet (E07000114)"


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("Thant", "Thanet (E07000114)"),
        ("Kingston", "Kingston upon Hull, City of (E06000010)"),
        ("E0700011", "E07000114"),
    ],
)
def test_an_unknown_name_is_refused_with_the_closest_districts(typed, listed):
    with pytest.raises(PlaceNotFoundError) as error:
        find_lad(typed)
    message = str(error.value)
    assert f"no English district called {typed!r}" in message and "Close matches:" in message
    assert listed in message and "Fix:" in message


def test_nothing_close_says_so():
    with pytest.raises(PlaceNotFoundError, match="Nothing is close"):
        find_lad("Zzyzx Qqq")


# --------------------------------------------------------------------------- a year's figures


@pytest.fixture(scope="module")
def lad_level(data_root):
    return lad_level_table("2008-09", data_root)


def _national(root, lad_level, year="2008-09"):
    """A national run's two tables, as ``tuttotal england`` writes them (the columns the view reads)."""
    folder = root / "outputs" / "england" / year
    folder.mkdir(parents=True)
    lads = lad_level.assign(year=year, per_head_gbp=np.arange(len(lad_level), dtype=float) + 5000.0)
    lads.to_csv(folder / "lads.csv", index=False)
    pd.DataFrame({"year": [year], "prices": ["cash"], "ward_code": [MARGATE_CENTRAL], "lad_code": [THANET]}).to_csv(
        folder / "wards.csv", index=False
    )
    return lads


@pytest.mark.data(ENGLAND_DATA)
def test_without_a_national_run_the_view_is_the_lad_level_count(data_root, lad_level, tmp_path):
    figures = england_year("2008-09", output_root=tmp_path / "outputs", data_dir=data_root)
    assert figures.source == "lad-level" and len(figures.table) == 326
    assert figures.table["per_head_gbp"].tolist() == lad_level.sort_values("lad_code")["per_head_gbp"].tolist()
    assert (
        "LAD-level count of 2008-09" in figures.source_text and "tuttotal england --year 2008-09" in figures.source_text
    )
    assert str(tmp_path) not in figures.source_text  # no folder of this machine on the page
    assert "Measured: councils' own books" in figures.basis_text and 0.1 < figures.measured_share < 0.6


def test_a_national_run_is_read_when_there_is_one(data_root, lad_level, tmp_path):
    written = _national(tmp_path, lad_level)
    figures = england_year("2008-09", output_root=tmp_path / "outputs", data_dir=data_root)
    assert figures.source == "national"
    assert figures.table["per_head_gbp"].tolist() == written.sort_values("lad_code")["per_head_gbp"].tolist()
    assert "outputs/england/2008-09/lads.csv" in figures.source_text
    # Another year's tables are not this year's: counted instead.
    assert england_year("2005-06", output_root=tmp_path / "outputs", data_dir=data_root).source == "lad-level"


def test_a_year_without_councils_books_says_all_is_modelled(data_root, tmp_path):
    figures = england_year("2005-06", output_root=tmp_path, data_dir=data_root)
    assert figures.measured_share == 0 and figures.basis_text.startswith("All modelled")


# --------------------------------------------------------------------------- in the explorer


@pytest.fixture(scope="module")
def explorer(data_root, tmp_path_factory):
    return explore.Explorer("demo", data_dir=str(data_root), output_dir=str(tmp_path_factory.mktemp("out")))


def _fills(view):
    return [f["properties"]["style"]["fillColor"] for f in view.lads.data["features"]]


@pytest.mark.data(ENGLAND_DATA)
def test_switching_to_england_shows_its_326_districts_once_a_year(explorer):
    from ipyleaflet import Map, TileLayer

    explorer.place_box.value = ENGLAND  # as the menu does
    view = explorer.england.view
    assert explorer.england.shown and view.widget in explorer.widget.children[2].children
    assert isinstance(view.map, Map) and not any(isinstance(layer, TileLayer) for layer in view.map.layers)
    assert [f["properties"]["code"] for f in view.lads.data["features"]] == LADS
    assert view.made == ["2008-09"] and view.current.source == "lad-level"  # the demo is not real: 2008-09
    fills = _fills(view)
    assert len(set(fills)) == 5  # quantiles, 5 classes
    assert "England: public spending per head by district, 2008-09" in view.title.value
    counts = [int(n) for n in re.findall(r"\((\d+) districts?\)", view.legend.value)]
    assert sum(counts) == 326
    assert "LAD-level count" in view.notes.value and "Measured" in view.notes.value
    assert "England, 2008-09" in view.header.value

    figures = view.current
    explorer.england.show("2008-09")  # again: the same figures, not counted again
    assert view.current is figures and view.made == ["2008-09"]
    view.year_box.value = "2005-06"  # another year: counted once, the map recoloured
    assert view.made == ["2008-09", "2005-06"] and _fills(view) != fills
    view.year_box.value = "2008-09"
    assert view.made == ["2008-09", "2005-06"] and _fills(view) == fills and view.current is figures


@pytest.mark.data(ENGLAND_DATA)
def test_a_lad_picked_by_name_or_code_is_the_place_with_its_wards(explorer):
    explorer.england.show("2008-09")
    explorer.england.view.picker.value = "Thanet"  # typed, then Enter
    data = explorer.data
    assert data.name == "Thanet" and data.year == "2008-09" and data.lad_codes == (THANET,)
    assert len(data.wards) == 23 and set(data.wards.lad_code) == {THANET}
    assert MARGATE_CENTRAL in set(data.wards.ward_code)
    assert not explorer.england.shown and explorer.widget.children == explorer.england.place_page
    assert "Thanet, 2008-09" in explorer.header.value and "23 wards" in explorer.header.value
    assert explorer.lads_box.value == THANET and explorer.place_box.value == ""
    assert "Loaded Thanet" in explorer.status.value
    assert len(explorer.view.wards.data["features"]) == 23

    explorer.place_box.value = ENGLAND  # back to England: Thanet outlined, nothing counted again
    view = explorer.england.view
    assert [f["properties"]["code"] for f in view.chosen.data["features"]] == [THANET]
    assert "Thanet (shown before)" in view.legend.value and view.made.count("2008-09") == 1
    thanet = explorer.england.pick("e07000114")  # by code: the place already loaded
    assert thanet is data and explorer.data.name == "Thanet"


@pytest.mark.data(ENGLAND_DATA)
def test_a_click_on_the_map_loads_the_district(explorer):
    explorer.england.show("2008-09")
    view = explorer.england.view
    feature = view.lads.data["features"][LADS.index(THANET)]
    hover = {"event": "mouseover", "feature": feature, "properties": feature["properties"]}
    view.lads._handle_mouse_events(None, hover, [])
    assert "Thanet" in view.hover.value and "South East" in view.hover.value and "£ per head" in view.hover.value
    view.lads._handle_mouse_events(None, {**hover, "event": "click"}, [])
    assert explorer.data.name == "Thanet" and not explorer.england.shown


@pytest.mark.data(ENGLAND_DATA)
def test_an_unknown_name_in_the_picker_is_said_with_close_matches(explorer):
    explorer.england.show("2008-09")
    shown = explorer.data
    explorer.england.view.picker.value = "Thant"
    status = explorer.status.value.replace("&#x27;", "'")
    assert "no English district called 'Thant'" in status and "Thanet (E07000114)" in status
    assert explorer.england.shown and explorer.data is shown
    assert explorer.england.view.picker.value == "Thant" and not explorer.england.view.picker.disabled
    with pytest.raises(PlaceNotFoundError, match="Thanet"):
        explorer.england.pick("Thant")
