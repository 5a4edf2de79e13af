"""One parameter object for a place count: PlaceParameters, its checks and the ways in that build it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuttotal.count.parameters import NOTEBOOK_PARAMETERS, PlaceParameters, place_parameters
from tuttotal.data import places
from tuttotal.run import parameters as notebook_parameters
from tuttotal.run.batch import PlaceJob

TEXT = st.text(max_size=12)
LIST = st.lists(TEXT, max_size=3)
VALUES = st.fixed_dictionaries(
    {},
    optional={
        item.name: (LIST if item.name in {"lads", "focus_wards", "wards_paths"} else TEXT)
        for item in dataclasses.fields(PlaceParameters)
    },
)


@given(VALUES)
def test_a_mapping_and_its_record_round_trip(values):
    params = PlaceParameters.from_mapping(values)
    again = PlaceParameters.from_mapping({**params.record(), "output_dir": params.output_dir})
    assert again == params
    for name, value in values.items():
        assert getattr(params, name) == (tuple(value) if isinstance(value, list) else value)
    assert tuple(params.notebook_values()) == NOTEBOOK_PARAMETERS


@given(VALUES)
def test_both_faces_of_a_place_run_build_the_same_parameters(values):
    """Keywords (``explore(place="thanet", year=...)``) and an object built once give the same parameters."""
    built = PlaceParameters.from_mapping(values)
    place = values.get("place", "")
    assert place_parameters(place, **{k: v for k, v in values.items() if k != "place"}) == built
    assert place_parameters(built) is built
    assert place_parameters(built, **values) == built  # the keywords replace fields: the same again
    assert place_parameters(built, year="2010-11") == dataclasses.replace(built, year="2010-11")


def test_a_wrong_keyword_is_refused_by_either_face():
    with pytest.raises(ValueError, match="unknown place parameter 'yaer'"):
        place_parameters("thanet", yaer="2008-09")
    with pytest.raises(ValueError, match="unknown place parameter 'yaer'"):
        place_parameters(PlaceParameters(place="thanet"), yaer="2008-09")


def test_the_notebooks_list_is_the_objects():
    assert notebook_parameters.PARAMETERS == NOTEBOOK_PARAMETERS
    names = {item.name for item in dataclasses.fields(PlaceParameters)}
    assert set(NOTEBOOK_PARAMETERS) <= names


def test_an_unknown_name_is_refused_with_the_names_there_are():
    with pytest.raises(ValueError, match=r"unknown place parameter 'focus_ward': use one of place, lads"):
        PlaceParameters.from_mapping({"focus_ward": ["Margate Central"]})


def test_a_wrong_type_names_the_parameter_and_what_to_give():
    with pytest.raises(TypeError, match=r"'year' is int 2008: give a string"):
        PlaceParameters(year=2008)
    with pytest.raises(TypeError, match=r"'lads' is int 7: give a list of strings"):
        PlaceParameters(lads=7)


def test_a_single_string_or_path_is_a_list_of_one_and_the_object_is_frozen(tmp_path):
    params = PlaceParameters(focus_wards="Margate Central", data_dir=tmp_path, wards_paths=[Path("a.geojson")])
    assert params.focus_wards == ("Margate Central",)
    assert params.data_dir == str(tmp_path) and params.data_root == str(tmp_path)
    assert params.wards_paths == ("a.geojson",)
    assert PlaceParameters().data_root is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.year = "2009-10"


def test_a_batch_job_passes_the_objects_values_to_its_notebook(tmp_path):
    area = places.area_from_lads(["E07000114"])
    job = PlaceJob(area, year="2010-11", focus_wards=("Margate Central",), prices="2016-17", theme="Crime")
    values = job.parameters(tmp_path)
    assert list(values) == [*NOTEBOOK_PARAMETERS[:9], "theme", "prices"]
    assert values["lads"] == ["E07000114"] and values["place"] == ""
    assert job.place_parameters(tmp_path) == PlaceParameters.from_mapping(
        {name: value for name, value in values.items() if name != "theme"}
    )
    demo = PlaceJob(places.get_place("demo")).parameters(tmp_path)
    assert list(demo) == list(NOTEBOOK_PARAMETERS[:9]) and demo["place"] == "demo"
