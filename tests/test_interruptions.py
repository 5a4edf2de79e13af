"""Nothing half-written: runs stopped by SIGINT or SIGTERM, and a kernel killed mid-notebook."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import REPO

PLACES = ["--place", "demo", "--place", "croydon", "--place", "lewisham"]


def start(args: list[str], cwd: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tuttotal", *args],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def staging(out: Path) -> list[Path]:
    if not out.is_dir():
        return []
    return [p for p in out.rglob(".*") if p.is_dir()]


def complete_or_absent(out: Path) -> None:
    """Every place folder present is complete; no staging or set-aside folder is left."""
    assert staging(out) == []
    for folder in (p for p in out.iterdir() if p.is_dir()):
        assert (folder / "summary.json").is_file() and (folder / "report.html").is_file(), folder


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.slow
def test_an_interrupted_batch_leaves_no_partial_place_folder(signum, wards_dir, tmp_path):
    out = tmp_path / "outputs"
    process = start(
        ["run", *PLACES, "--workers", "2", "--output", str(out)], tmp_path, {"TUTTOTAL_DATA_DIR": str(wards_dir)}
    )
    try:
        wait_for(lambda: any(".tmp-" in p.name for p in staging(out)))
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "interrupted; no partial output was kept" in stderr
    complete_or_absent(out)


@pytest.mark.slow
def test_an_interrupted_rerun_keeps_the_previous_complete_output(demo_outputs, tmp_path):
    *_, shared = demo_outputs
    out = tmp_path / "outputs"
    shutil.copytree(shared / "demo", out / "demo")  # a previous complete output
    before = (out / "demo" / "summary.json").read_bytes()
    process = start(["run", "--output", str(out)], tmp_path, {})
    try:
        wait_for(lambda: any(".tmp-" in p.name for p in staging(out)))
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130
    assert (out / "demo" / "summary.json").read_bytes() == before
    complete_or_absent(out)


def test_a_folder_set_aside_when_a_run_died_is_put_back(tmp_path):
    from tuttotal.run.batch import clean_leftovers

    out = tmp_path / "outputs"
    (out / ".demo.old-999999999-1").mkdir(parents=True)
    (out / ".demo.old-999999999-1" / "summary.json").write_text("{}")
    (out / ".kent.tmp-999999999-abc").mkdir()
    clean_leftovers(out)
    assert (out / "demo" / "summary.json").is_file()
    assert staging(out) == []


@pytest.mark.data("Croydon's, Lewisham's and Herefordshire's wards")
@pytest.mark.slow
def test_a_kernel_killed_mid_notebook_fails_that_place_only_and_resume_redoes_it(wards_dir, tmp_path):
    psutil = pytest.importorskip("psutil", reason="psutil finds the kernel processes to kill")
    out = tmp_path / "outputs"
    env = {"TUTTOTAL_DATA_DIR": str(wards_dir)}
    process = start(["run", *PLACES, "--workers", "2", "--output", str(out)], tmp_path, env)
    me = psutil.Process(process.pid)

    def kernels():
        return [p for p in me.children(recursive=True) if "kernel_launcher" in " ".join(p.cmdline())]

    try:
        wait_for(lambda: any(".tmp-" in p.name for p in staging(out)) and kernels())
        victim = kernels()[0]
        victim.send_signal(signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=300)
    finally:
        process.kill()
    assert process.returncode == 1, stdout + stderr
    failed = set(re.findall(r"FAILED\s+(\S+)", stdout))
    assert len(failed) == 1, stdout  # only the place whose kernel died
    assert "kernel" in stdout.lower()
    done = {p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert done == {"demo", "croydon", "lewisham"} - failed
    complete_or_absent(out)

    again = subprocess.run(
        [sys.executable, "-m", "tuttotal", "run", *PLACES, "--resume", "--output", str(out)],
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{len(done)} skipped as up to date" in again.stdout
    assert {p.name for p in out.iterdir() if p.is_dir()} == {"demo", "croydon", "lewisham"}
    assert REPO.is_dir()


@pytest.mark.data("Croydon's, Lewisham's and Herefordshire's wards")
@pytest.mark.slow
def test_a_worker_killed_mid_place_fails_that_place_only_and_the_queue_goes_on(wards_dir, tmp_path):
    """SIGKILL (as the out-of-memory killer sends) to the real worker process writing a place."""
    out = tmp_path / "outputs"
    slugs = {"demo", "croydon", "lewisham", "herefordshire"}
    args = ["run", *PLACES, "--place", "herefordshire", "--workers", "2", "--output", str(out)]
    process = start(args, tmp_path, {"TUTTOTAL_DATA_DIR": str(wards_dir)})
    pattern = re.compile(r"^\.(?P<slug>[^.]+)\.tmp-(?P<pid>\d+)-")

    def staged_by_a_worker():
        found = [pattern.match(p.name) for p in staging(out)]
        return [m for m in found if m and int(m["pid"]) != process.pid]

    try:
        wait_for(staged_by_a_worker)
        victim = staged_by_a_worker()[0]
        os.kill(int(victim["pid"]), signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=300)
    finally:
        process.kill()
    assert process.returncode == 1, stdout + stderr
    assert set(re.findall(r"FAILED\s+(\S+)", stdout)) == {victim["slug"]}, stdout
    assert f"worker process {socket.gethostname()}:{victim['pid']} died" in stdout, stdout
    assert "3 of 4 place(s) done" in stdout, stdout
    done = {p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert done == slugs - {victim["slug"]}
    complete_or_absent(out)  # no staging folder of the killed worker is left


@pytest.mark.slow
def test_no_kernel_connection_file_is_left_after_a_run_or_a_kill_9(tmp_path):
    """Connection files (ports and HMAC key) go in the temporary folder: none stays after the end, however it came."""
    psutil = pytest.importorskip("psutil", reason="psutil finds the kernel process")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {"TMPDIR": str(temp)}
    out = tmp_path / "outputs"

    def connection_files():
        return sorted(p.name for p in temp.rglob("*.json"))

    process = start(["run", "--output", str(out)], tmp_path, env)
    me = psutil.Process(process.pid)

    def kernel_started():
        try:
            return any("kernel_launcher" in " ".join(p.cmdline()) for p in me.children(recursive=True))
        except psutil.Error:  # a child gone meanwhile: look again
            return False

    try:
        # The kernel is up and running the notebook: its process started, and it has read its connection file and
        # deleted it (a kill before that leaves the file, for the next run to sweep: the end of this test).
        wait_for(lambda: kernel_started() and connection_files() == [])
        process.send_signal(signal.SIGKILL)  # no handler, no atexit: the process is simply gone
        process.communicate(timeout=60)
    finally:
        process.kill()
    wait_for(lambda: connection_files() == [], timeout=30)  # nothing written back by the dying run either

    from tuttotal.run import kernels

    stale = temp / f"{kernels.CONNECTION_PREFIX}{process.pid}-0123abcd.json"  # as a kill during start-up leaves
    stale.write_text("{}")
    again = subprocess.run(
        [sys.executable, "-m", "tuttotal", "run", "--output", str(out)],
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "running 1 place(s)" in again.stdout
    assert connection_files() == []  # none left by a whole run, and the stale one swept: its process is gone
