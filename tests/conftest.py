"""Shared fixtures: the data root (real, or the Thanet fixture), the shared real runs, and small file makers.

The data root of the tests is the real one beside the repository (``../shared/data``) when it is there,
else the committed Thanet fixture (``tests/fixtures/thanet/``: derived extracts of the pinned files for
one district, checked against its own ``registry.csv``). With the fixture, downloads are refused (the
suite runs offline), and a test that needs a file the fixture does not hold (another district's wards,
another region's lines) is skipped, saying which file: :func:`pytest_runtest_makereport`.

Markers (registered in pyproject.toml, ``--strict-markers``): ``data`` (reads a data root: added here to
every test that uses :func:`data_root` or :func:`wards_dir`, directly or through another fixture),
``browser`` (drives Chromium), ``slow`` (a real place run, a kernel, a server: added
here to every test that reads :func:`batch_run` or :func:`demo_outputs`). ``pytest -m "not slow"`` is the
quick set; see the README's Tests section.

The expensive runs are made once per session (:func:`batch_run`, :func:`demo_outputs`) and read by many
tests: never write into their folders (copy them first).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
WARDS_2013 = SHARED_DATA / "wards-2013"
#: The committed data root of derived extracts for Thanet (``tests/fixtures/thanet/README.md``).
FIXTURE_ROOT = REPO / "tests" / "fixtures" / "thanet"
#: The folders of a full data root the suite reads.
FULL_LAYOUT = ("wards-2013", "lsoa-2011", "population", "deprivation", "lookups", "cra", "outturn")
#: Whether the real data root is beside the repository; without it the suite reads the Thanet fixture.
#: ``TUTTOTAL_TEST_FIXTURE=1`` runs on the fixture even there (what a fresh clone runs, on a machine with the data).
REAL_DATA = (
    os.environ.get("TUTTOTAL_TEST_FIXTURE") != "1"
    and all((SHARED_DATA / folder).is_dir() for folder in FULL_LAYOUT)
    and (WARDS_2013 / "E07000114.geojson").is_file()
)
#: The data root of this run: the real one, or the Thanet fixture.
DATA_ROOT = SHARED_DATA if REAL_DATA else FIXTURE_ROOT
#: Where a download would go with the fixture: a closed port on loopback (refused at once, never the network).
REFUSED_URL = "http://127.0.0.1:9/"
if not REAL_DATA:  # offline: nothing the fixture lacks is fetched (a test serving its own mirror sets its own)
    os.environ.setdefault("TUTTOTAL_BASE_URL", REFUSED_URL)
    os.environ.setdefault("TUTTOTAL_DATA_URL", REFUSED_URL)
THANET, BIRMINGHAM = "E07000114", "E08000025"
MARGATE_CENTRAL, CLIFTONVILLE_WEST = "E05005093", "E05005088"
DEMO_THEME = "Children and young people"
BATCH_PLACES = ("demo", "herefordshire", "lewisham", "croydon")


#: Fixtures that need the real data root: a test using any of them (directly or not) is marked ``data``.
DATA_FIXTURES = frozenset({"data_root", "wards_dir", "real_data_root"})
#: Fixtures that run real places through the command: a test using any of them is marked ``slow``.
SLOW_FIXTURES = frozenset({"batch_run", "demo_outputs"})


def pytest_collection_modifyitems(config, items):
    """Mark ``data`` and ``slow`` by the fixtures a test uses (directly or through other fixtures)."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & DATA_FIXTURES:
            item.add_marker(pytest.mark.data)
        if used & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With the Thanet fixture, a test stopped by data the fixture does not hold is skipped, saying which.

    Turned into a skip, and only when the run reads the fixture (with the real data root it fails): a
    :class:`tuttotal.errors.DataUnavailableError` (a file in no folder and not downloadable), or another
    of tuttotal's input errors that names a district other than Thanet (the fixture has no other).
    """
    outcome = yield
    report = outcome.get_result()
    if REAL_DATA or not report.failed or call.excinfo is None:
        return
    import re

    from tuttotal.errors import DataUnavailableError, InputError

    other_lad = set(re.findall(r"E0[6-9]\d{6}", str(call.excinfo.value))) - {THANET}
    if call.excinfo.errisinstance(DataUnavailableError) or (call.excinfo.errisinstance(InputError) and other_lad):
        first = str(call.excinfo.value).splitlines()[0]
        reason = f"needs data the Thanet fixture does not hold (no ../shared/data): {first}"
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {reason}")
        report.wasxfail = None
        del report.wasxfail


def run_once(tmp_path_factory, name: str, make):
    """``make(folder)`` once per test run, under pytest-xdist too: the first worker to ask makes it, the others
    wait for it and read what it returned (a list of finished commands, kept as JSON beside the folder)."""
    import subprocess

    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the base folder of the whole run, shared by its workers
    folder = root / f"shared-{name}"
    record = root / f"shared-{name}.json"
    with FileLock(str(root / f"shared-{name}.lock")):
        if not record.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir()
            done = make(folder)
            kept = [{"args": list(map(str, c.args)), "returncode": c.returncode, "stdout": c.stdout, "stderr": c.stderr}
                    for c in done]  # fmt: skip
            record.write_text(json.dumps(kept), encoding="utf-8")
    kept = json.loads(record.read_text(encoding="utf-8"))
    return folder, [subprocess.CompletedProcess(**c) for c in kept]


@pytest.fixture(scope="session")
def wards_dir() -> Path:
    """The folder of 2013 ward files: ``../shared/data/wards-2013`` (326 LADs), else the fixture's (Thanet)."""
    return DATA_ROOT / "wards-2013"


@pytest.fixture(scope="session")
def data_root() -> Path:
    """The data root: ``../shared/data`` (boundaries, populations, deprivation, lookups, CRA, outturn of
    England) when it is beside the repository, else the Thanet fixture (the same for one district)."""
    return DATA_ROOT


@pytest.fixture(scope="session")
def real_data_root() -> Path:
    """The real data root ``../shared/data``, for what no fixture can stand in for (every LAD, the pinned bytes)."""
    if not REAL_DATA:
        pytest.skip(f"needs the real data root (every LAD, the pinned files): {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def kent_wards(wards_dir):
    """Kent's 283 real wards (12 LADs), in the ward contract."""
    from tuttotal.data import place_wards, places

    return place_wards.load_place_wards(places.get_place("kent"), wards_dir)


@pytest.fixture(scope="session")
def batch_run(wards_dir, tmp_path_factory):
    """One real batch, run once for every test that reads it: four places on two workers, Croydon's spend corrupt.

    Returns ``(result, outputs, root)``: the finished command, its output folder and the folder holding the
    spend file. Read it, never write into it: a test that changes it works on a copy (``shutil.copytree``).
    """
    from .test_cli import tuttotal

    def make(root):
        corrupt = root / "croydon_spend.csv"
        corrupt.write_text(SPEND_HEADER + "2008-09,Croydon Council,council,E09000008,06,12.3.4\n")
        places = [arg for slug in BATCH_PLACES for arg in ("--place", slug)]
        args = ["run", *places, "--spend", f"croydon={corrupt}", "--workers", "2", "--data-dir", str(wards_dir)]
        return [tuttotal(*args, "--output", str(root / "outputs"), cwd=root)]

    root, (result,) = run_once(tmp_path_factory, "batch", make)
    return result, root / "outputs", root


@pytest.fixture(scope="session")
def demo_outputs(tmp_path_factory):
    """The demo through the command, run once for every test that reads it: the place report, then its theme
    deep dive beside it (``demo/theme_deep_dive/``), then the report again (which must keep the deep dive).

    Returns ``(report, deep_dive, again, outputs)``: the three finished commands and the output folder.
    Read it, never write into it: a test that changes it works on a copy (``shutil.copytree``).
    """
    from .test_cli import tuttotal

    def make(root):
        out = str(root / "outputs")
        report = tuttotal("run", "--output", out, cwd=REPO)
        dive = tuttotal("run", "--notebook", "theme_deep_dive", "--theme", DEMO_THEME, "--output", out, cwd=REPO)
        again = tuttotal("run", "--output", out, cwd=REPO) if report.returncode == 0 else report
        return [report, dive, again]

    root, (report, dive, again) = run_once(tmp_path_factory, "demo", make)
    return report, dive, again, root / "outputs"


@pytest.fixture
def write_csv(tmp_path):
    """Write text to a CSV file in a fresh folder and return its path."""

    def write(text: str, name: str = "spend.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


SPEND_HEADER = "year,agency,agency_type,area_code,function,amount_gbp\n"
