"""The GeoParquet cache of parsed wards: warm equals cold, damaged entries are rewritten, warnings kept."""

from __future__ import annotations

import json
import warnings

import pytest

from tuttotal.data import geography, place_wards, places, wardcache
from tuttotal.errors import TuttotalWarning

from .conftest import REAL_DATA, THANET


@pytest.fixture
def cache(monkeypatch, tmp_path):
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "wards"


def test_warm_load_equals_cold_load(wards_dir, cache):
    """Kent's 12 files with the real data root, else Thanet's (the fixture's)."""
    kent = places.get_place("kent") if REAL_DATA else places.area_from_lads([THANET])
    cold = place_wards.load_place_wards(kent, wards_dir)
    assert len(list(cache.glob("*.parquet"))) == len(kent.lads) == (12 if REAL_DATA else 1)
    warm = place_wards.load_place_wards(kent, wards_dir)
    files = [(wards_dir / f"{lad.code}.geojson", lad) for lad in kent.lads]
    plain = geography.combine([geography.read_wards(f, lad_code=lad.code, lad_name=lad.name) for f, lad in files])
    for frame in (cold, warm):
        assert frame.drop(columns="geometry").equals(plain.drop(columns="geometry"))
        assert frame.geometry.geom_equals_exact(plain.geometry, 0).all()
        assert frame.crs == plain.crs and frame.attrs == plain.attrs
    assert not list(cache.glob(".*"))  # no temporary file left


def test_entries_are_keyed_by_the_files_hash_and_are_geoparquet(wards_dir, cache):
    import hashlib

    import geopandas as gpd

    path = wards_dir / f"{THANET}.geojson"
    wardcache.read_wards_cached(path, lad_code=THANET)
    (entry,) = cache.glob("*.parquet")
    assert entry.name.startswith(hashlib.sha256(path.read_bytes()).hexdigest() + "-")
    frame = gpd.read_parquet(entry)  # any GeoParquet reader can open it
    assert len(frame) == 23 and frame.crs.to_epsg() == 27700


def test_a_damaged_entry_is_ignored_and_rewritten(wards_dir, cache):
    path = wards_dir / f"{THANET}.geojson"
    first = wardcache.read_wards_cached(path, lad_code=THANET)
    (entry,) = cache.glob("*.parquet")
    entry.write_bytes(b"PAR1 this is not a parquet file")
    again = wardcache.read_wards_cached(path, lad_code=THANET)
    assert again.geometry.geom_equals_exact(first.geometry, 0).all()
    assert entry.read_bytes()[:4] == b"PAR1" and entry.stat().st_size > 1000
    assert len(place_wards.load_place_wards(places.area_from_lads([THANET]), wards_dir)) == 23


def test_a_changed_file_gets_a_new_entry(wards_dir, cache, tmp_path):
    own = tmp_path / "thanet.geojson"
    data = json.loads((wards_dir / f"{THANET}.geojson").read_text())
    own.write_text(json.dumps(data))
    first_name = data["features"][0]["properties"]["WD13NM"]
    assert wardcache.read_wards_cached(own, lad_code=THANET).ward_name.iloc[0] == first_name
    data["features"][0]["properties"]["WD13NM"] = "Renamed Ward"
    own.write_text(json.dumps(data))
    assert wardcache.read_wards_cached(own, lad_code=THANET).ward_name.iloc[0] == "Renamed Ward"
    assert len(list(cache.glob("*.parquet"))) == 2


def test_warnings_of_the_cold_parse_are_raised_again_when_warm(cache, tmp_path):
    bowtie = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"WD13CD": "X05999001", "WD13NM": "Bowtie"},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 51], [1, 52], [1, 51], [0, 52], [0, 51]]]},
            }
        ],
    }
    path = tmp_path / "bowtie.geojson"
    path.write_text(json.dumps(bowtie))
    for _ in range(2):  # cold, then warm
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            wards = wardcache.read_wards_cached(path, lad_code="X06999001")
        assert [w.category for w in caught] == [TuttotalWarning]
        assert "repaired" in str(caught[0].message)
        assert wards.attrs["repaired"] == 1 and wards.geometry.is_valid.all()
