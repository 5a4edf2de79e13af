"""Swaps that cannot collide: many runs publishing into one output folder at once.

Threads and processes publish place folders (the same places and their own) into one
folder as fast as they can, each rebuilding ``index.html`` after each place, as a run
does; then real ``tuttotal run`` commands write one folder at once. Nothing may fail,
nothing may be left (no ``.old-*`` or staging folder), every published folder must be
complete, and the index must list every place any of them finished.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from tuttotal.run import pages
from tuttotal.run.batch import OUTPUT_FILES, PlaceResult
from tuttotal.run.publish import LOCK_NAME, publish

from .conftest import DARTFORD, THANET

SHARED = ("common", "kent")  # every publisher writes these: the swaps collide on them
ROUNDS = 6


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob(".*") if p.name != LOCK_NAME)


def place(root: Path, slug: str, tag: str) -> Path:
    """A complete staging folder for ``slug``, as a run leaves it before publishing."""
    from PIL import Image

    staging = Path(tempfile.mkdtemp(prefix=f".{slug}.tmp-{os.getpid()}-", dir=root))
    for name in OUTPUT_FILES:
        (staging / name).write_text("", encoding="utf-8")
    Image.new("RGB", (40, 30), "white").save(staging / "ward_map.png")
    summary = {"name": slug, "by": tag, "totals": {"input_gbp": 1.0}, "timings": {"total_s": 0.1}}
    (staging / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return staging


def publisher(root: str, tag: str, rounds: int = ROUNDS) -> list[str]:
    """Publish the shared places and this publisher's own, each followed by an index, ``rounds`` times."""
    root_path = Path(root)
    done = []
    for n in range(rounds):
        for slug in (*SHARED, f"{tag}-{n % 2}"):
            final = root_path / slug
            publish(place(root_path, slug, tag), final, root_path)
            done.append(slug)
            pages.write_index(root_path, [PlaceResult(slug, True, 0.1, output=final)])
        if n == 0:  # another notebook's output inside a shared place, which every later swap must keep
            nested = place(root_path, f"common.{tag}", tag)
            publish(nested, root_path / "common" / f"deep_{tag}", root_path)
    return done


@pytest.mark.slow
def test_threads_and_processes_publishing_into_one_folder_at_once(tmp_path):
    root = tmp_path / "outputs"
    root.mkdir()
    threads = [f"thread{i}" for i in range(4)]
    processes = [f"process{i}" for i in range(3)]
    start = threading.Barrier(len(threads) + 1)

    def in_thread(tag: str) -> list[str]:
        start.wait()
        return publisher(str(root), tag)

    with (
        ProcessPoolExecutor(len(processes), mp_context=get_context("spawn")) as pool,
        ThreadPoolExecutor(len(threads)) as local,
    ):
        remote = [pool.submit(publisher, str(root), tag) for tag in processes]
        here = [local.submit(in_thread, tag) for tag in threads]
        start.wait()
        finished = {slug for future in [*here, *remote] for slug in future.result()}  # raises any failure

    assert leftovers(root) == []
    expected = {*SHARED, *(f"{tag}-{n}" for tag in threads + processes for n in (0, 1))}
    assert finished == expected
    folders = {p.name for p in root.iterdir() if p.is_dir()}
    assert folders == expected
    for slug in folders:
        assert all((root / slug / name).is_file() for name in OUTPUT_FILES), slug
    assert {p.name for p in (root / "common").iterdir() if p.is_dir()} == {f"deep_{t}" for t in threads + processes}
    listed = {entry["slug"] for entry in json.loads((root / "index.json").read_text())["places"]}
    assert listed == expected
    page = (root / "index.html").read_text()
    assert all(f'id="{slug}"' in page for slug in expected)


@pytest.mark.slow
def test_runs_of_the_command_into_one_folder_at_once(data_root, tmp_path):
    """Real runs, each finishing its own places and one shared place, into one output folder at once."""
    out = tmp_path / "outputs"
    runs = [["--place", "demo"], ["--place", "demo", "--lad", THANET], ["--place", "demo", "--lad", DARTFORD]]
    env = {**os.environ, "TUTTOTAL_DATA_DIR": str(data_root)}
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "tuttotal", "run", *args, "--workers", "1", "--output", str(out)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in runs
    ]
    results = [process.communicate(timeout=600) for process in started]
    for process, (stdout, stderr) in zip(started, results, strict=True):
        assert process.returncode == 0, stdout + stderr
        assert "Traceback" not in stdout + stderr
    assert leftovers(out) == []
    expected = {"demo", THANET, DARTFORD}
    assert {p.name for p in out.iterdir() if p.is_dir()} == expected
    entries = {e["slug"]: e for e in json.loads((out / "index.json").read_text())["places"]}
    assert set(entries) == expected and all(e["status"] == "ok" and e["has_report"] for e in entries.values())
