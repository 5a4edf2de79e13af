"""No orphans: SIGKILL a batch's main process mid-batch, and every worker and kernel it started stops.

Real batches (local process pool and Dask LocalCluster), real kernels, real places. The
whole process tree is captured just before the kill; each of its processes must be gone
(or a zombie, dead) within 10 s, and the output folder must hold complete places only:
no partial folder, nothing published after the kill, and no staging folder (local workers
delete theirs; a Dask worker is exited by distributed itself, and the next run sweeps its).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tuttotal.run.batch import OUTPUT_FILES, clean_leftovers

from .conftest import DARTFORD, THANET

psutil = pytest.importorskip("psutil", reason="psutil lists the processes a batch started")

#: The demo and two small real districts the Thanet fixture holds (Dartford, Thanet), each its own area.
PLACES = ["--place", "demo", "--each-lad", DARTFORD, THANET]


def descendants(process) -> list:
    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def kernels(process) -> list:
    found = []
    for child in descendants(process):
        try:
            if "kernel_launcher" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass
    return found


def dead(process) -> bool:
    try:
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def hidden(out: Path) -> list[Path]:
    return [p for p in out.rglob(".*") if p.is_dir()] if out.is_dir() else []


def published(out: Path) -> dict[str, int]:
    """Place folder → mtime of its summary.json (0 when incomplete)."""
    if not out.is_dir():
        return {}
    folders = (p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    return {p.name: (p / "summary.json").stat().st_mtime_ns if (p / "summary.json").is_file() else 0 for p in folders}


@pytest.mark.parametrize("executor", ["local", "dask"])
@pytest.mark.slow
def test_sigkill_of_the_main_process_stops_its_workers_and_kernels(executor, data_root, tmp_path):
    if executor == "dask":
        pytest.importorskip("distributed")
    out = tmp_path / "outputs"
    args = [sys.executable, "-m", "tuttotal", "run", *PLACES, "--workers", "2", "--executor", executor]
    process = subprocess.Popen(
        [*args, "--output", str(out)],
        cwd=tmp_path,
        env={**os.environ, "TUTTOTAL_DATA_DIR": str(data_root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    main = psutil.Process(process.pid)
    tree: list = []
    try:
        mid_batch = wait_for(lambda: len(kernels(main)) >= 2 and any(".tmp-" in p.name for p in hidden(out)), 240)
        assert mid_batch, "the batch never had two kernels and a staging folder at once"
        tree = descendants(main)
        workers = [p for p in tree if p not in kernels(main)]
        assert len(kernels(main)) >= 2 and len(workers) >= 2, tree
        os.kill(process.pid, signal.SIGKILL)
        before = published(out)
        process.wait(timeout=10)
        started = time.monotonic()
        assert wait_for(lambda: all(dead(p) for p in tree), 10), [
            (p.pid, " ".join(p.cmdline())[:120]) for p in tree if not dead(p)
        ]
        print(f"{executor}: {len(tree)} processes gone {time.monotonic() - started:.1f} s after SIGKILL")
        time.sleep(2)  # a worker left running would publish its place about now
        after = published(out)
        left = hidden(out)
        if executor == "dask":
            # distributed exits a worker at once when its nanny's process dies (before our cleanup can run):
            # only staging folders of dead processes may be left, hidden, and the next run sweeps them.
            assert all(".tmp-" in p.name for p in left), left
            clean_leftovers(out)
            left = hidden(out)
        assert left == [], "a staging or set-aside folder was left"
        assert set(after) <= set(before), f"published after the kill: {set(after) - set(before)}"
        for name in after:
            assert all((out / name / f).is_file() for f in OUTPUT_FILES), f"partial place folder {name}"
    finally:
        process.kill()
        for child in tree:
            if not dead(child):
                child.kill()


WORKER = """
import os, subprocess, sys, time
from tuttotal import lifeline
lifeline.arm(int(sys.argv[1]))
staging = sys.argv[2]
os.makedirs(staging)
lifeline.track(staging)
kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
print(kernel.pid, flush=True)
time.sleep(600)
"""

PARENT = """
import subprocess, sys, os, time
worker = subprocess.Popen([sys.executable, "-c", sys.argv[1], str(os.getpid()), sys.argv[2]], stdout=sys.stdout)
time.sleep(600)
"""


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["parent SIGKILL", "worker SIGTERM"])
def test_an_armed_worker_kills_its_children_and_deletes_its_staging(signum, tmp_path):
    """lifeline alone: a worker whose parent dies (or that is told to stop) leaves no child and no staging folder."""
    staging = tmp_path / ".place.tmp-1-x"
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, WORKER, str(staging)], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    tree: list = []
    try:
        kernel = psutil.Process(int(parent.stdout.readline()))
        worker = psutil.Process(kernel.ppid())
        tree = [worker, kernel]
        assert staging.is_dir()
        if signum == signal.SIGKILL:
            parent.kill()
        else:
            worker.terminate()
        assert wait_for(lambda: all(dead(p) for p in tree), 10), [p.pid for p in tree if not dead(p)]
        assert not staging.exists()
    finally:
        parent.kill()
        for child in tree:
            if not dead(child):
                child.kill()
