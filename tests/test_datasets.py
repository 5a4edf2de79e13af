"""Hash-pinned boundary files: data folder first, real pooch downloads, clear errors."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading

import pytest

from tuttotal import cache
from tuttotal.data import catalogue, datasets
from tuttotal.errors import DataUnavailableError, HashMismatchError

from .conftest import SHARED_DATA, THANET


@pytest.mark.data("the ward folder's registry of England's 326 pinned files")
def test_registry_matches_the_shared_registry(wards_dir):
    import csv

    with open(wards_dir / "registry.csv", newline="") as f:
        shared = {r["lad_code"]: (r["path"], r["sha256"], int(r["bytes"])) for r in csv.DictReader(f)}
    ours = {c: (e.path, e.sha256, e.bytes) for c, e in datasets.registry().items()}
    assert ours == shared
    assert len(ours) == 326


@pytest.mark.data("England's 326 districts' boundaries")
def test_lad_names_come_from_the_lad_topojson(wards_dir):
    import pyogrio

    path = datasets.lad_boundaries_path(wards_dir)
    lads = pyogrio.read_dataframe(path, layer="lad", read_geometry=False)
    assert dict(zip(lads.LAD13CD, lads.LAD13NM, strict=True)) == datasets.lad_names()


def test_data_folder_files_are_used_and_verified(wards_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    path = datasets.get_path(THANET, wards_dir, download=False)
    assert path == wards_dir / f"{THANET}.geojson"


def test_environment_variable_names_the_data_folder(wards_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("TUTTOTAL_DATA_DIR", str(wards_dir))
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    assert datasets.get_path(THANET, download=False).parent == wards_dir


def test_a_tampered_file_is_refused_with_both_hashes(wards_dir, tmp_path):
    folder = tmp_path / "wards"
    folder.mkdir()
    data = (wards_dir / f"{THANET}.geojson").read_bytes()
    (folder / f"{THANET}.geojson").write_bytes(data.replace(b"Margate", b"Margite", 1))
    with pytest.raises(HashMismatchError) as info:
        datasets.get_path(THANET, folder, download=False)
    message = str(info.value)
    assert datasets.registry()[THANET].sha256 in message
    assert datasets.sha256_of(folder / f"{THANET}.geojson") in message


def test_missing_files_name_every_lad_and_both_ways(monkeypatch, tmp_path):
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TUTTOTAL_BASE_URL", "http://127.0.0.1:9/")  # nothing listens on the discard port
    monkeypatch.delenv("TUTTOTAL_DATA_DIR", raising=False)
    with pytest.raises(DataUnavailableError) as info:
        datasets.fetch(["E07000114", "E08000025"], tmp_path / "empty")
    message = str(info.value)
    assert "E07000114 Thanet" in message and "E08000025 Birmingham" in message
    assert "tuttotal data fetch" in message and "--data-dir" in message and "TUTTOTAL_DATA_DIR" in message


def served(root):
    """Serve ``root`` over HTTP on loopback while the caller's fixture lasts; yields its URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *a: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture
def local_mirror(wards_dir, tmp_path):
    """The pinned files served over HTTP on loopback, laid out as the source repository."""
    root = tmp_path / "mirror"
    for code in (THANET, "E07000108"):
        target = root / datasets.registry()[code].path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(wards_dir / f"{code}.geojson", target)
    # One file whose bytes are not the pinned ones.
    bad = root / datasets.registry()["E07000107"].path
    bad.write_text('{"type": "FeatureCollection", "features": []}')
    yield from served(root)


def test_download_is_hash_verified_and_cached(local_mirror, monkeypatch, tmp_path):
    monkeypatch.setenv("TUTTOTAL_BASE_URL", local_mirror)
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TUTTOTAL_DATA_DIR", raising=False)
    files = datasets.fetch([THANET, "E07000108"])
    assert datasets.sha256_of(files[THANET]) == datasets.registry()[THANET].sha256
    assert files[THANET].is_relative_to(tmp_path / "cache")
    # Cached: no download needed the second time.
    assert datasets.get_path(THANET, download=False) == files[THANET]
    with pytest.raises(DataUnavailableError, match="E07000107 Dartford"):
        datasets.fetch(["E07000107"])
    assert not (tmp_path / "cache" / datasets.registry()["E07000107"].path).exists()


def test_the_cli_fetches_a_place(local_mirror, monkeypatch, tmp_path, capsys):
    from tuttotal.cli import main

    monkeypatch.setenv("TUTTOTAL_BASE_URL", local_mirror)
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TUTTOTAL_DATA_DIR", raising=False)
    assert main(["data", "fetch", "--lad", THANET, "--data-dir", "", "--boundaries-only"]) == 0
    assert "1 boundary file(s) present and verified" in capsys.readouterr().out


@pytest.fixture
def data_root_server(tmp_path, data_root):
    """A copy of the data root needed for Thanet's drivers, served over HTTP on loopback; one file tampered."""
    from tuttotal.data import sources

    if not (SHARED_DATA / "population").is_dir():
        pytest.skip(f"the real data root is not beside the repository ({SHARED_DATA} is absent)")
    root = tmp_path / "served"
    for name in sources.sources():
        target = root / sources.source(name).path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHARED_DATA / sources.source(name).path, target)
    (root / "lsoa-2011").mkdir()
    shutil.copy(SHARED_DATA / "lsoa-2011" / f"{THANET}.geojson", root / "lsoa-2011" / f"{THANET}.geojson")
    (root / "lsoa-2011" / "E07000108.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    yield from served(root)


def test_the_cli_fetches_the_data_the_drivers_need(local_mirror, data_root_server, monkeypatch, tmp_path, capsys):
    from tuttotal.cli import main
    from tuttotal.data import sources

    monkeypatch.setenv("TUTTOTAL_BASE_URL", local_mirror)
    monkeypatch.setenv("TUTTOTAL_DATA_URL", data_root_server)
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TUTTOTAL_DATA_DIR", raising=False)
    assert main(["data", "fetch", "--lad", THANET]) == 0
    out = capsys.readouterr().out
    assert "1 LSOA boundary file(s) present and verified" in out
    count = len(sources.sources())  # every pinned tabular file (other branches add theirs)
    assert f"{count} population, deprivation, lookup, regional analysis, outturn and LAD boundary file(s)" in out
    cached = tmp_path / "cache" / "data" / sources.source("population").path
    assert datasets.sha256_of(cached) == sources.source("population").sha256
    # Now offline: everything comes from the cache, hash-checked.
    assert sources.get_path("population", download=False) == cached
    # A served file whose bytes are not the pinned ones is refused and not kept.
    with pytest.raises(DataUnavailableError, match="E07000108"):
        sources.lsoa_paths(["E07000108"])
    assert not (tmp_path / "cache" / "data" / "lsoa-2011" / "E07000108.geojson").exists()


def test_lad_topojson_is_found_beside_the_ward_folder(wards_dir):
    assert datasets.lad_boundaries_path(wards_dir) == wards_dir.parent / "lad-2013" / datasets.LAD_TOPOJSON_NAME


def test_a_file_is_hashed_once_while_unchanged_and_again_after_any_change(tmp_path, monkeypatch):
    import hashlib
    import os

    cache.clear("file-hashes")
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    fresh = datasets.sha256_of(path)
    assert fresh == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    # just written: not remembered (its timestamps may not show a second change)
    assert cache.info_of("file-hashes").entries == 0

    monkeypatch.setattr(catalogue, "_SETTLED_NS", 0)  # as if the file had been written long ago
    assert datasets.sha256_of(path) == fresh
    assert cache.info_of("file-hashes").entries == 1

    before = path.stat().st_mtime_ns
    path.write_bytes(b"a,b\n1,3\n")  # same size, new content
    os.utime(path, ns=(before, before + 1000))  # the change shows in the timestamps (a clock tick later)
    assert datasets.sha256_of(path) == hashlib.sha256(b"a,b\n1,3\n").hexdigest()
    replacement = tmp_path / "other.csv"
    replacement.write_bytes(b"a,b\n1,4\n")
    os.replace(replacement, path)  # a new inode in its place
    assert datasets.sha256_of(path) == hashlib.sha256(b"a,b\n1,4\n").hexdigest()
