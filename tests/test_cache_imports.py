"""The import graph behind a cache key is parsed once per file version, and follows an edit."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import tuttotal
from tuttotal import cache

PACKAGE = Path(tuttotal.__file__).parent


def test_a_new_import_is_followed_after_the_graph_was_parsed(tmp_path):
    copy = tmp_path / "tuttotal"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "_*data", "_params", "_notebooks"))
    start = copy / "money.py"
    before = cache.code_files(start, package=copy)
    assert copy / "cli.py" not in before
    assert cache.code_files(start, package=copy) == before  # the parsed graph, again

    with open(start, "a", encoding="utf-8") as f:
        f.write("\n\ndef _later():\n    from tuttotal import cli  # noqa: F401\n")
    after = cache.code_files(start, package=copy)
    assert copy / "cli.py" in after
    assert cache.code_hash(start, package=copy) != cache.code_hash(copy / "errors.py", package=copy)


def test_the_imports_of_a_file_are_parsed_once_per_version():
    def parsed() -> int:
        return next(row.entries for row in cache.info() if row.name == "code-imports")

    files = cache.code_files("tuttotal.data.lsoa")
    held = parsed()
    assert held >= len(files)  # every file of the graph, parsed once
    cache.code_hash("tuttotal.data.lsoa")
    assert parsed() == held  # nothing parsed again for a second key


def test_a_code_hash_is_kept_until_a_file_it_read_or_a_package_folder_changes(tmp_path):
    copy = tmp_path / "tuttotal"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "_*data", "_params", "_notebooks"))
    start = copy / "data" / "wardcache.py"
    table = tmp_path / "table.csv"
    table.write_text("a\n1\n", encoding="utf-8")
    before = cache.code_hash(start, files=[table], package=copy)
    held = next(row.entries for row in cache.info() if row.name == "code-hashes")
    assert cache.code_hash(start, files=[table], package=copy) == before
    assert next(row.entries for row in cache.info() if row.name == "code-hashes") == held  # kept, not made again

    table.write_text("a\n2\n", encoding="utf-8")  # a table the code reads: same size, new content
    os.utime(table, ns=(table.stat().st_atime_ns, table.stat().st_mtime_ns + 1_000_000))
    after_table = cache.code_hash(start, files=[table], package=copy)
    assert after_table != before

    with open(copy / "errors.py", "a", encoding="utf-8") as f:  # a module wardcache imports
        f.write("\n# a change to the errors\n")
    assert (copy / "errors.py") in cache.code_files(start, package=copy)
    after_money = cache.code_hash(start, files=[table], package=copy)
    assert after_money != after_table

    # a module file appearing where an import had found none: only the folder's version says so
    extra = copy / "extra.py"
    extra.write_text("from tuttotal import later  # noqa: F401\n", encoding="utf-8")
    without = cache.code_hash(extra, package=copy)
    (copy / "later.py").write_text("LATER = 1\n", encoding="utf-8")
    assert copy / "later.py" in cache.code_files(extra, package=copy)
    assert cache.code_hash(extra, package=copy) != without
