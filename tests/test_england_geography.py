"""England's geography at once: national wards and LADs, every ward's drivers on Dask, the data a national run needs.

Real data (``../shared/data``, else the Thanet fixture, which holds the handful's wards and LSOAs) and real
clusters (``distributed.LocalCluster``), always on a handful of LADs, so that the tests do not grow with the
LADs of the data root: Thanet and Dartford (Kent), Rutland (a small unitary), the City of London (25 wards on
6 LSOAs) and the Isles of Scilly (5 wards on one LSOA).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from tuttotal import cli
from tuttotal.data import datasets, lsoa, place_wards, places, sources, ward_drivers
from tuttotal.england import cluster
from tuttotal.england.geography import (
    FETCH_COMMAND,
    LAD_COLUMNS,
    WARD_COLUMNS,
    england_lad_codes,
    england_lads,
    england_ward_drivers,
    england_wards,
)
from tuttotal.england.national_data import check_england_data, england_files
from tuttotal.errors import DataUnavailableError, HashMismatchError, InputError, PlaceNotFoundError

from .conftest import THANET

DARTFORD, RUTLAND, CITY, SCILLY = "E07000107", "E06000017", "E09000001", "E06000053"
HANDFUL = [THANET, DARTFORD, RUTLAND, CITY, SCILLY]
WARDS = {THANET: 23, DARTFORD: 17, RUTLAND: 16, CITY: 25, SCILLY: 5}
NO_NETWORK = "http://127.0.0.1:9/"  # the discard port: every download is refused at once


@pytest.fixture(scope="module")
def primed(data_root, tmp_path_factory) -> Path:
    """A cache folder with the LSOA table and the handful's parsed wards (no overlay): copied by each test."""
    folder = tmp_path_factory.mktemp("primed-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TUTTOTAL_CACHE_DIR", str(folder))
        lsoa.lsoa_table(data_root)
        place_wards.load_place_wards(places.area_from_lads(HANDFUL), data_root)
    return folder


def fresh_cache(primed: Path, target: Path, monkeypatch, keep=("lsoa", "wards")) -> Path:
    """A new cache folder (the process's cache from now on) holding copies of ``primed``'s ``keep`` folders."""
    target.mkdir(parents=True)
    for name in keep:
        shutil.copytree(primed / name, target / name)
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(target))
    return target


@pytest.fixture
def cache(primed, tmp_path, monkeypatch) -> Path:
    return fresh_cache(primed, tmp_path / "cache", monkeypatch)


@pytest.fixture(scope="module")
def serial_table(primed, data_root, tmp_path_factory) -> pd.DataFrame:
    """The handful's drivers computed in this process, one LAD after another, from an empty overlay cache."""
    with pytest.MonkeyPatch.context() as patch:
        fresh_cache(primed, tmp_path_factory.mktemp("serial") / "cache", patch)
        return england_ward_drivers(data_root, lads=HANDFUL, serial=True, progress=False)


# --------------------------------------------------------------------------- LADs and wards


def test_the_lads_are_england_s_326_or_the_ones_given_checked():
    assert len(england_lad_codes()) == 326
    assert england_lad_codes(["e09000001 ", THANET, THANET]) == [THANET, CITY]
    assert england_lad_codes(THANET) == [THANET]
    with pytest.raises(PlaceNotFoundError, match=r"E07000999.*not an English LAD of 2013"):
        england_lad_codes(["E07000999"])
    with pytest.raises(InputError, match="no LAD code given"):
        england_lad_codes([])


def test_england_wards_are_the_places_wards_with_their_region(data_root, cache):
    wards = england_wards(data_root, lads=HANDFUL)
    assert list(wards.columns) == WARD_COLUMNS and wards.crs.to_epsg() == 27700
    assert wards.groupby("lad_code").size().to_dict() == WARDS
    assert list(wards["lad_code"].drop_duplicates()) == sorted(HANDFUL)
    regions = wards.drop_duplicates("lad_code").set_index("lad_code")["region"].to_dict()
    assert regions == {
        CITY: "London",
        RUTLAND: "East Midlands",
        SCILLY: "South West",
        DARTFORD: "South East",
        THANET: "South East",
    }
    assert wards.loc[wards.ward_name == "Margate Central", "lad_name"].tolist() == ["Thanet"]
    # the very wards (codes, names, shapes to the bit) a place of the same LADs reads
    place = place_wards.load_place_wards(places.area_from_lads(HANDFUL), data_root).set_index("ward_code")
    same = place.loc[wards["ward_code"]]
    assert (same["ward_name"].to_numpy() == wards["ward_name"].to_numpy()).all()
    assert (shapely.to_wkb(same.geometry.to_numpy()) == shapely.to_wkb(wards.geometry.to_numpy())).all()
    assert wards.attrs["vintage"] == "2013" and wards.attrs["simplified"] == 0


def test_a_warm_call_reads_its_cache_and_no_input_file(data_root, cache, tmp_path):
    cold = england_wards(data_root, lads=HANDFUL)
    empty = tmp_path / "no-data"
    empty.mkdir()
    warm = england_wards(empty, lads=HANDFUL, download=False)  # a data root with nothing in it
    pd.testing.assert_frame_equal(warm, cold)
    assert len(list((cache / "england").glob("wards-*.parquet"))) == 1


def test_simplified_wards_keep_their_shared_edges(data_root, cache):
    full = england_wards(data_root, lads=HANDFUL)
    simple = england_wards(data_root, lads=HANDFUL, simplify=100)
    assert list(simple["ward_code"]) == list(full["ward_code"]) and simple.attrs["simplified"] == 100
    geometry = simple.geometry.to_numpy()
    assert shapely.is_valid(geometry).all() and not shapely.is_empty(geometry).any()
    assert (
        shapely.get_num_coordinates(geometry).sum() < 0.7 * shapely.get_num_coordinates(full.geometry.to_numpy()).sum()
    )
    assert simple.area.sum() == pytest.approx(full.area.sum(), rel=0.005)
    thanet = (full.lad_code == THANET).to_numpy()
    assert shapely.coverage_is_valid(full.geometry.to_numpy()[thanet])  # Thanet's wards tile it ...
    assert shapely.coverage_is_valid(geometry[thanet])  # ... and still do, simplified: no gap, no overlap
    again = england_wards(data_root, lads=HANDFUL, simplify=100)
    assert (shapely.to_wkb(again.geometry.to_numpy()) == shapely.to_wkb(geometry)).all()
    with pytest.raises(InputError, match="not a tolerance"):
        england_wards(data_root, lads=HANDFUL, simplify=-1)


@pytest.mark.data("England's 326 districts")
def test_england_lads_all_326_with_regions_and_simplified(data_root, cache):
    lads = england_lads(data_root)
    assert list(lads.columns) == LAD_COLUMNS and len(lads) == 326 and lads.crs.to_epsg() == 27700
    assert lads["region"].nunique() == 9 and lads["region"].notna().all()
    assert lads.geometry.is_valid.all() and set(lads.geom_type) <= {"Polygon", "MultiPolygon"}
    assert lads.set_index("lad_code").loc[[THANET, SCILLY], "lad_name"].tolist() == ["Thanet", "Isles of Scilly"]
    assert (lads["lad_name"] == lads["lad_code"].map(datasets.lad_names())).all()
    simple = england_lads(data_root, simplify=500)
    assert simple.geometry.is_valid.all() and not simple.geometry.is_empty.any()
    assert (
        shapely.get_num_coordinates(simple.geometry.to_numpy()).sum()
        < 0.3 * shapely.get_num_coordinates(lads.geometry.to_numpy()).sum()
    )
    assert simple.area.sum() == pytest.approx(lads.area.sum(), rel=0.005)
    some = england_lads(data_root, lads=HANDFUL, simplify=500)  # cut from the map of all: the same edges
    assert list(some["lad_code"]) == sorted(HANDFUL)
    kept = simple.set_index("lad_code").loc[some["lad_code"]]
    assert (shapely.to_wkb(kept.geometry.to_numpy()) == shapely.to_wkb(some.geometry.to_numpy())).all()
    # the LADs' outlines and their wards' cover the same land (generalised apart: within 1%)
    wards = england_wards(data_root, lads=HANDFUL)
    by_lad = wards.geometry.area.groupby(wards["lad_code"].to_numpy()).sum()
    shapes = england_lads(data_root, lads=HANDFUL).set_index("lad_code").area
    assert np.allclose(by_lad[shapes.index].to_numpy(), shapes.to_numpy(), rtol=0.01)


# --------------------------------------------------------------------------- drivers


def test_england_drivers_equal_a_places_drivers_exactly(data_root, serial_table, cache):
    place = place_wards.load_place_wards(places.area_from_lads([SCILLY, THANET, CITY, DARTFORD, RUTLAND]), data_root)
    expected = ward_drivers.ward_driver_table(place, data_root)
    national = serial_table.set_index("ward_code").loc[expected["ward_code"]].reset_index()
    pd.testing.assert_frame_equal(national, expected)  # exactly: same order of sums, same floats
    assert list(serial_table.columns) == ["ward_code", "ward_name", "lad_code", *ward_drivers.DRIVERS]
    people = serial_table.groupby("lad_code")["population"].sum()
    assert round(people[THANET]) == 139_822  # the population file's own total
    totals = lsoa.lad_totals(lsoa.lsoa_table(data_root))["population"]
    assert np.allclose(people.to_numpy(), totals[people.index].to_numpy(), rtol=1e-12)  # every LAD's people, all
    assert round(people[SCILLY]) == 2_335 and round(people[CITY]) == 6_687  # 1 LSOA over 5 wards; 6 over 25
    assert (serial_table["population"] > 0).all() and serial_table[list(ward_drivers.DRIVERS)].notna().all().all()
    assert serial_table.attrs["inputs"][f"lsoa:{CITY}"] == sources.lsoa_registry()[CITY].sha256
    assert "population" in serial_table.attrs["sources"]
    # by default, so few LADs are overlaid in this process (a cluster would cost more): the same table
    pd.testing.assert_frame_equal(england_ward_drivers(data_root, lads=HANDFUL, progress=False), serial_table)


def test_a_local_cluster_gives_the_serial_table_and_shows_progress(
    data_root, serial_table, primed, tmp_path, monkeypatch, capfd
):
    """From an empty cache (no parsed wards either): the wards are parsed and overlaid on two worker processes."""
    cache = fresh_cache(primed, tmp_path / "cache", monkeypatch, keep=("lsoa",))
    table = england_ward_drivers(data_root, lads=HANDFUL, workers=2, progress=True)
    pd.testing.assert_frame_equal(table, serial_table)
    assert table.attrs == serial_table.attrs
    err = capfd.readouterr().err
    assert "ward files" in err and "LSOA → ward overlay" in err and "5/5" in err
    assert len(list((cache / "weights").glob("*.parquet"))) == len(HANDFUL)  # kept for the places of these LADs
    assert len(list((cache / "wards").glob("*.parquet"))) == len(HANDFUL)  # parsed by the workers
    # warm: one file read, no cluster (the scheduler named does not exist), no input file (an empty data root)
    empty = tmp_path / "no-data"
    empty.mkdir()
    warm = england_ward_drivers(empty, lads=HANDFUL, scheduler="tcp://127.0.0.1:9", download=False)
    pd.testing.assert_frame_equal(warm, serial_table)


def test_a_given_client_or_scheduler_address_gives_the_serial_table(
    data_root, serial_table, primed, tmp_path, monkeypatch
):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local,
        distributed.Client(local) as client,
    ):
        fresh_cache(primed, tmp_path / "client", monkeypatch)
        table = england_ward_drivers(data_root, lads=HANDFUL, client=client, progress=False)
        pd.testing.assert_frame_equal(table, serial_table)
        assert client.submit(sum, [1, 2]).result() == 3  # the caller's client is left open
        fresh_cache(primed, tmp_path / "address", monkeypatch)
        table = england_ward_drivers(data_root, lads=HANDFUL, scheduler=local.scheduler_address, progress=False)
        pd.testing.assert_frame_equal(table, serial_table)
        peaks = cluster.workers_peak_memory(client)
        assert len(peaks) == 2 and all(64 * 2**20 < peak < 4 * 2**30 for peak in peaks.values())


def test_an_unreachable_scheduler_is_bad_input():
    pytest.importorskip("distributed")
    with pytest.raises(InputError, match=r"cannot reach the Dask scheduler at 'tcp://127\.0\.0\.1:9'"):
        cluster.connect("tcp://127.0.0.1:9", timeout=1)
    with pytest.raises(InputError, match="workers=0"), cluster.dask_client(workers=0):
        pass


@pytest.mark.data("Kent's 12 districts' wards")
@pytest.mark.slow
def test_kent_on_a_local_cluster_equals_kents_place_drivers(data_root, primed, tmp_path, monkeypatch):
    """Kent's 12 LADs (283 wards): the national machinery on a LocalCluster against the place's own table."""
    fresh_cache(primed, tmp_path / "cache", monkeypatch, keep=("lsoa",))
    kent = places.get_place("kent")
    table = england_ward_drivers(data_root, lads=kent.lad_codes, workers=2, progress=False)
    expected = ward_drivers.ward_driver_table(place_wards.load_place_wards(kent, data_root), data_root)
    national = table.set_index("ward_code").loc[expected["ward_code"]].reset_index()
    pd.testing.assert_frame_equal(national, expected)
    assert round(table["population"].sum()) == 1_520_860


# --------------------------------------------------------------------------- the data a national run needs


def _partial_root(data_root: Path, target: Path, lads: list[str]) -> Path:
    """A data root holding every tabular file (linked) but the boundaries of ``lads`` only (copied)."""
    target.mkdir(parents=True)
    for folder in sorted(p.name for p in data_root.iterdir() if p.is_dir()):
        if folder not in ("wards-2013", "lsoa-2011"):
            (target / folder).symlink_to(data_root / folder, target_is_directory=True)
    for folder in ("wards-2013", "lsoa-2011"):
        (target / folder).mkdir(parents=True)
        for code in lads:
            shutil.copyfile(data_root / folder / f"{code}.geojson", target / folder / f"{code}.geojson")
    return target


@pytest.mark.data("England's 326 districts")
def test_check_england_data_names_what_is_missing_and_the_command(data_root, tmp_path, monkeypatch):
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "empty-cache"))
    root = _partial_root(data_root, tmp_path / "root", [THANET, CITY])
    found = check_england_data(root, lads=[THANET, CITY])  # everything these two LADs need is here
    assert len(found) == len(england_files([THANET, CITY])) == 4 + len(sources.sources())
    assert found[f"lsoa-2011/{CITY}.geojson"] == root / "lsoa-2011" / f"{CITY}.geojson"
    with pytest.raises(DataUnavailableError) as missing:
        check_england_data(root)
    text = str(missing.value)
    total = 2 * 326 + len(sources.sources())  # every pinned tabular file (other branches may add theirs)
    assert f"648 of {total} files a national run needs are missing" in text  # 2 × 326 boundary files, less 4
    assert "wards-2013/E06000001.geojson, wards-2013/E06000002.geojson" in text and "and 643 more" in text
    assert FETCH_COMMAND in text and missing.value.exit_code == 2
    (root / "lsoa-2011" / f"{CITY}.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(
        HashMismatchError, match=rf"1 of {4 + len(sources.sources())} files .* not the pinned ones"
    ) as damaged:
        check_england_data(root, lads=[THANET, CITY], verify=True)
    assert f"lsoa-2011/{CITY}.geojson" in str(damaged.value) and FETCH_COMMAND in str(damaged.value)


@pytest.mark.data("England's 326 districts")
def test_data_fetch_england_verifies_a_full_data_root(data_root, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    assert cli.main(["data", "fetch", "--england", "--data-dir", str(data_root)]) == 0
    out = capsys.readouterr().out
    count = len(sources.sources())
    assert f"326 ward boundary file(s), 326 LSOA boundary file(s), {count} data file(s): {652 + count} present" in out
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.geojson"))


@pytest.mark.data("England's 326 districts")
def test_data_fetch_england_without_a_network_exits_2_naming_the_missing(data_root, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TUTTOTAL_BASE_URL", NO_NETWORK)
    monkeypatch.setenv("TUTTOTAL_DATA_URL", NO_NETWORK)
    root = _partial_root(data_root, tmp_path / "root", [THANET])
    os.unlink(root / "lookups")  # and one folder of tabular files
    assert cli.main(["data", "fetch", "--england", "--data-dir", str(root)]) == 2
    err = capsys.readouterr().err
    total = 652 + len(sources.sources())
    missing = 650 + sum(item.path.startswith("lookups/") for item in sources.sources().values())
    assert f"{missing} of {total} files a national run needs could not be had (0 damaged, {missing} missing" in err
    assert "wards-2013/E06000001.geojson" in err and "no connection" in err
    assert f"{FETCH_COMMAND} --data-dir {root}" in err
