"""The one cache module: keys follow the code that made an entry; ``cache info`` lists and ``cache clear`` empties.

And the data root: resolved once into a :class:`~tuttotal.settings.DataRoot`, with clear errors.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import tuttotal
from tuttotal import cache, paths, settings
from tuttotal.data import catalogue, datasets, sources, spend
from tuttotal.errors import DataUnavailableError, HashMismatchError, InputError

PACKAGE = Path(tuttotal.__file__).parent


@pytest.fixture
def package_copy(tmp_path):
    """A copy of the package's source, to edit."""
    copy = tmp_path / "tuttotal"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "_*data", "_params", "_notebooks"))
    return copy


def test_a_key_changes_when_any_module_the_code_imports_changes(package_copy):
    """The pilot medians' count imports money.py (through topdown): editing it makes a new key."""
    start = package_copy / "count" / "pilot_medians.py"
    before = cache.code_hash(start, package=package_copy)
    assert (package_copy / "money.py") in cache.code_files(start, package=package_copy)
    assert cache.code_hash(start, package=package_copy) == before  # stable while nothing changes

    with open(package_copy / "money.py", "a", encoding="utf-8") as f:
        f.write("\n# a change to the money rules\n")
    after = cache.code_hash(start, package=package_copy)
    assert after != before


def test_a_key_stays_when_a_module_the_code_does_not_import_changes(package_copy):
    start = package_copy / "data" / "wardcache.py"
    before = cache.code_hash(start, package=package_copy)
    assert (package_copy / "cli.py") not in cache.code_files(start, package=package_copy)
    with open(package_copy / "cli.py", "a", encoding="utf-8") as f:
        f.write("\n# the command changed, not the ward reader\n")
    assert cache.code_hash(start, package=package_copy) == before
    with open(package_copy / "data" / "geography.py", "a", encoding="utf-8") as f:
        f.write("\n# the ward reader changed\n")
    assert cache.code_hash(start, package=package_copy) != before


def test_the_pilot_median_key_follows_money_py():
    assert PACKAGE / "money.py" in cache.code_files("tuttotal.count.pilot_medians")


def test_key_hashes_inputs_and_code():
    assert cache.key("a", 1) != cache.key("a", 2)
    assert cache.key("a", 1, code=["tuttotal.money"]) != cache.key("a", 1)
    assert cache.key("a", 1, code=["tuttotal.money"]) == cache.key("a", 1, code=["tuttotal.money"])


def test_memory_drops_the_least_recently_used_past_its_size():
    memory = cache.Memory("test-lru", maxsize=2)
    memory.put("a", 1)
    memory.put("b", 2)
    assert memory.get("a") == 1  # now the most recently used
    memory.put("c", 3)
    assert "b" not in memory and memory.get("a") == 1 and memory.get("c") == 3
    assert cache.info_of("test-lru").entries == 2
    cache.clear("test-lru")
    assert len(memory) == 0


def _spend_entry(tmp_path: Path) -> Path:
    """Read the sample spend file: a real entry on disk (``spend``)."""
    source = tmp_path / "spend.csv"
    shutil.copyfile(paths.project_file("data/sample/spend.csv"), source)
    spend.read_spend(source)
    return source


def test_clear_removes_the_files_and_the_memory_entries(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    _spend_entry(tmp_path)
    sources.sources()
    datasets.registry()
    assert len(list((tmp_path / "cache" / "spend").glob("*.arrow"))) == 1
    assert cache.info_of("spend").entries == 1 and cache.info_of("spend").bytes > 0
    assert cache.info_of("ward-registry").entries == 1
    assert cache.info_of("source-registry").entries == 1

    removed = {row.name: row for row in cache.clear()}
    assert removed["spend"].entries == 1
    assert list((tmp_path / "cache" / "spend").iterdir()) == []
    assert cache.info_of("ward-registry").entries == 0
    assert cache.info_of("source-registry").entries == 0
    assert "downloads" not in removed  # downloads are emptied only by name


def test_englands_web_shapes_are_a_cache_entry_that_clear_empties(data_root, tmp_path, monkeypatch):
    from tuttotal.england.web_shapes import england_web_shapes

    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path))  # clear() empties the disk caches too
    cache.clear("england-web-shapes")
    first = england_web_shapes(str(data_root))
    assert england_web_shapes(str(data_root)) is first, "made once per process and data root"
    assert cache.info_of("england-web-shapes").entries == 1
    assert len(first.paths) == len(first.lads) > 0
    removed = {row.name: row for row in cache.clear()}
    assert removed["england-web-shapes"].entries == 1
    assert cache.info_of("england-web-shapes").entries == 0
    again = england_web_shapes(str(data_root))
    assert again is not first and again.paths == first.paths, "made again, the same"


def test_clear_keeps_the_downloads_unless_named(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path))
    download = tmp_path / catalogue.pinned(sources.source("population").path).cached
    download.parent.mkdir(parents=True)
    download.write_bytes(b"x")
    cache.clear()
    assert download.is_file()
    cache.clear("downloads")
    assert not download.exists()


def test_clear_of_an_unknown_cache_names_the_known_ones():
    with pytest.raises(KeyError, match="spend"):
        cache.clear("no-such-cache")


def _command(*args: str, cache_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TUTTOTAL_CACHE_DIR": str(cache_dir)}
    return subprocess.run(
        [sys.executable, "-m", "tuttotal", "cache", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_the_cache_command_lists_and_clears(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))
    _spend_entry(tmp_path)
    listed = _command("info", cache_dir=tmp_path / "cache")
    assert listed.returncode == 0, listed.stderr
    lines = {line.split()[0]: line.split() for line in listed.stdout.splitlines()[1:]}
    expected = {"wards", "lsoa", "drivers", "spend", "cra", "outturn", "weights", "england", "pilots", "downloads"}
    assert expected <= set(lines)
    assert lines["spend"][1] == "1" and lines["wards"][1] == "0"
    assert str(tmp_path / "cache" / "spend") in listed.stdout

    wrong = _command("clear", "no-such-cache", cache_dir=tmp_path / "cache")
    assert wrong.returncode == 2 and "spend" in wrong.stderr
    assert "no cache on disk called 'no-such-cache'" in wrong.stderr

    cleared = _command("clear", "spend", cache_dir=tmp_path / "cache")
    assert cleared.returncode == 0, cleared.stderr
    assert "removed 1 entries" in cleared.stdout
    assert list((tmp_path / "cache" / "spend").iterdir()) == []
    again = _command("info", cache_dir=tmp_path / "cache")
    assert [line.split()[1] for line in again.stdout.splitlines() if line.startswith("spend ")] == ["0"]


def test_files_no_cache_owns_are_listed_and_removed_only_when_asked(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(root))
    _spend_entry(tmp_path)
    kept = sorted((root / "spend").iterdir())
    old = [root / "pilot-median-25785781b3eea19c.json", root / "old-layout" / "deep" / "x.arrow"]
    for path in old:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")
    assert cache.orphans() == sorted(old)

    listed = _command("info", cache_dir=root)
    assert listed.returncode == 0, listed.stderr
    assert "2 files in" in listed.stdout and "pilot-median-25785781b3eea19c.json" in listed.stdout
    assert str(Path("old-layout", "deep", "x.arrow")) in listed.stdout
    assert all(path.is_file() for path in old), "info removes nothing"

    assert _command("clear", "spend", "--orphans", cache_dir=root).returncode == 2
    removed = _command("clear", "--orphans", cache_dir=root)
    assert removed.returncode == 0, removed.stderr
    assert "removed 2 files" in removed.stdout
    assert not any(path.exists() for path in old) and not (root / "old-layout").exists()
    assert kept and sorted((root / "spend").iterdir()) == kept, "a cache's entries are not orphans"
    assert cache.orphans() == []
    assert "belong to no cache" not in _command("info", cache_dir=root).stdout

    old[0].write_text("{}", encoding="utf-8")
    cleared = _command("clear", cache_dir=root)  # the caches emptied, a file of no cache left for --orphans
    assert cleared.returncode == 0 and old[0].is_file() and list((root / "spend").iterdir()) == []


def test_the_cache_command_names_the_first_files_of_no_cache_and_counts_the_rest(tmp_path):
    from tuttotal.cli import ORPHANS_SHOWN

    for n in range(ORPHANS_SHOWN + 2):
        (tmp_path / f"pilot-median-{n:04d}.json").write_text("{}", encoding="utf-8")
    listed = _command("info", cache_dir=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert f"{ORPHANS_SHOWN + 2} files in {tmp_path} belong to no cache" in listed.stdout
    assert listed.stdout.count("  pilot-median-") == ORPHANS_SHOWN and "… and 2 more" in listed.stdout


def test_table_memo_works_once_per_table_and_is_cleared():
    import pandas as pd

    calls = []
    memo = cache.TableMemo("test-table-memo", lambda table, column: calls.append(column) or table[column].sum())
    table = pd.DataFrame({"a": [1, 2]})
    assert memo(table, "a") == memo(table, "a") == 3 and calls == ["a"]
    cache.clear("test-table-memo")
    assert memo(table, "a") == 3 and calls == ["a", "a"]


# --- the data root


def test_a_data_root_resolves_once(tmp_path):
    for name in ("wards-2013", "population"):
        (tmp_path / name).mkdir()
    root = settings.data_root(tmp_path)
    assert root == settings.data_root(str(tmp_path)) == settings.data_root(root)
    assert settings.data_root(root) is root
    assert root.root == tmp_path and root.wards_dir == tmp_path / "wards-2013"
    assert settings.data_root(tmp_path / "wards-2013") == root  # a ward folder inside a root gives the root


def test_a_ward_folder_alone_is_a_root_of_boundaries(tmp_path):
    root = settings.data_root(tmp_path)
    assert root.root is None and root.wards_dir == tmp_path and root.folder("population") is None


def test_a_file_is_not_a_data_root(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        settings.data_root(path)
    assert "data.csv" in str(caught.value) and "not a data folder" in str(caught.value)
    assert caught.value.exit_code == 2


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.lists(st.text(max_size=3), max_size=2)))
def test_what_is_neither_a_path_nor_a_data_root_is_refused(value):
    with pytest.raises(InputError, match=r"must be a folder .* or a DataRoot"):
        settings.data_root(value)


@hypothesis_settings(deadline=None, max_examples=30)
@given(st.lists(st.sampled_from(settings.LAYOUT), unique=True, max_size=4), st.booleans())
def test_resolving_is_idempotent_and_names_what_it_found(tmp_path_factory, folders, as_text):
    base = tmp_path_factory.mktemp("root")
    for name in folders:
        (base / name).mkdir()
    root = settings.data_root(str(base) if as_text else base)
    assert settings.data_root(root) is root
    assert (root.root == base) == bool(folders)
    assert str(base) in root.describe()


def test_a_file_missing_from_a_root_names_the_file_the_root_and_the_fixes(tmp_path):
    root = settings.data_root(tmp_path)
    key = sources.source("population").path
    with pytest.raises(DataUnavailableError) as caught:
        catalogue.locate(key, root, "the population data file", download_ok=False)
    message = str(caught.value)
    assert key in message and str(tmp_path) in message and "tuttotal data fetch" in message


def test_a_damaged_file_in_a_root_names_it_and_both_hashes(tmp_path):
    (tmp_path / "population").mkdir()
    key = sources.source("population").path
    (tmp_path / key).write_bytes(b"not the pinned file")
    with pytest.raises(HashMismatchError) as caught:
        sources.get_path("population", settings.data_root(tmp_path), download=False)
    message = str(caught.value)
    assert Path(key).name in message and sources.source("population").sha256 in message
    assert "19 bytes" in message and "tuttotal data fetch" in message


def test_the_catalogue_holds_every_registry_file():
    entries = catalogue.entries()
    assert {f"wards-2013/{code}.geojson" for code in sources.lsoa_registry()} <= set(entries)
    assert {s.path for s in sources.sources().values()} <= set(entries)
    assert catalogue.LAD_TOPOJSON_KEY in entries
    assert all(len(item.sha256) == 64 for item in entries.values())
