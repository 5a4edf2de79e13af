"""The import graph behind a cache key is parsed once per file version, and follows an edit."""

from __future__ import annotations

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
