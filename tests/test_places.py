"""The place registry: the pilots from params/, lookups by name, ad-hoc areas, safe slugs."""

from __future__ import annotations

import pytest

from tuttotal.data import places
from tuttotal.errors import InputError, PlaceNotFoundError

PILOTS = {
    "birmingham",
    "bradford",
    "coventry-solihull-warwickshire",
    "croydon",
    "dorset-poole-bournemouth",
    "durham",
    "kent",
    "leicester-leicestershire",
    "lewisham",
    "luton-central-bedfordshire",
    "manchester-warrington",
    "south-tyneside-gateshead-sunderland",
    "worcestershire",
}


def test_the_thirteen_pilots_and_the_others_are_listed():
    assert {p.slug for p in places.pilot_places()} == PILOTS
    others = {p.slug for p in places.list_places()} - PILOTS
    assert others == {"cumbria", "herefordshire", "demo"}


def test_every_place_lad_is_a_2013_lad_with_the_registry_name():
    from tuttotal.data.datasets import lad_names

    names = lad_names()
    for place in places.list_places():
        if place.is_synthetic:
            continue
        for lad in place.lads:
            assert names[lad.code] == lad.name, (place.slug, lad)


def test_pilot_lad_counts_match_the_domain_notes():
    counts = {p.slug: len(p.lads) for p in places.list_places()}
    assert counts["kent"] == 12
    assert counts["manchester-warrington"] == 11
    assert counts["coventry-solihull-warwickshire"] == 7
    assert counts["herefordshire"] == 1
    gateshead = places.get_place("south tyneside gateshead sunderland")
    assert "E08000037" in gateshead.lad_codes


@pytest.mark.parametrize(
    "query", ["kent", "KENT", "  Kent ", "Dorset, Poole and Bournemouth", "dorset poole & bournemouth"]
)
def test_lookup_ignores_case_spacing_and_punctuation(query):
    assert places.get_place(query).slug in {"kent", "dorset-poole-bournemouth"}


def test_unknown_place_suggests_the_closest():
    with pytest.raises(PlaceNotFoundError, match="Did you mean 'kent'") as info:
        places.get_place("Kant")
    assert "tuttotal places" in str(info.value)


@pytest.mark.parametrize("slug", ["", "..", "../etc", "a/b", "kent/..", ".hidden", "x" * 200, "a b"])
def test_unsafe_slugs_are_refused(slug):
    with pytest.raises(InputError, match="not allowed"):
        places.validate_slug(slug)


def test_area_from_any_lad_codes_names_them_from_the_registry():
    area = places.area_from_lads(["e07000114", "E08000025", "E07000114"])
    assert area.lad_codes == ("E07000114", "E08000025")
    assert area.name == "Thanet and Birmingham"
    assert area.slug == "E07000114_E08000025"


def test_area_refuses_codes_that_are_not_english_lads():
    with pytest.raises(InputError, match="not a LAD code"):
        places.area_from_lads(["E05005093"])
    with pytest.raises(PlaceNotFoundError, match="not an English LAD code of 2013"):
        places.area_from_lads(["E07000999"])


def test_place_files_are_read_safely(tmp_path):
    (tmp_path / "evil.yaml").write_text("slug: evil\nname: !!python/object/apply:os.system ['echo hi']\nlads: []\n")
    with pytest.raises(InputError, match="no tags"):
        places.list_places(tmp_path)
