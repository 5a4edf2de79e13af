"""Shared fixtures: the data root (real, or the Thanet fixture), the shared real runs, and small file makers.

The data root of the tests is the real one beside the repository (``../shared/data``) when it is there,
else the committed Thanet fixture (``tests/fixtures/thanet/``: derived extracts of the pinned files for
one district, checked against its own ``registry.csv``). With the fixture, downloads are refused (the
suite runs offline). A test that needs more than Thanet (another district's wards, England's 326, the
pinned bytes) says so, and is skipped with that reason without the real data root:
:func:`pytest_collection_modifyitems`.

Markers (registered in pyproject.toml, ``--strict-markers``): ``data`` (needs the real data root: declared
by a test, ``@pytest.mark.data("Kent's 12 districts")``, or added here to every test that uses a fixture
of :data:`DATA_FIXTURES` such as :func:`real_data_root`, directly or not, and to the cells of
:data:`DATA_CELLS`),
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
from hypothesis import settings

#: Speed belongs to benchmarks, not tests: no hypothesis example is failed for its time (the default
#: 200 ms deadline failed a 12 ms property on a loaded machine, where one example took 429 ms).
settings.register_profile("tuttotal", deadline=None)
settings.load_profile("tuttotal")

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
THANET, BIRMINGHAM, DARTFORD = "E07000114", "E08000025", "E07000107"
#: An area of two Kent districts that the fixture holds whole (wards, LSOAs, councils' books): what any
#: multi-district place does (Kent County Council's money shared between its districts), on a fresh clone too.
TWO_KENT_DISTRICTS = (DARTFORD, THANET)
MARGATE_CENTRAL, CLIFTONVILLE_WEST = "E05005093", "E05005088"
DEMO_THEME = "Children and young people"
BATCH_PLACES = ("demo", "herefordshire", "lewisham", "croydon")


#: Fixtures (of this file or of a test module) that need the real data root, and why: a test using any of them,
#: directly or through another fixture, is marked ``data``. The fixture holds Thanet's wards only.
DATA_FIXTURES = {
    "real_data_root": "every LAD, the pinned files",
    "kent_wards": "Kent's 12 districts' wards",
    "kent": "Kent's 12 districts' wards",
    "kent_topdown": "Kent's 12 districts' wards",
    "birmingham": "Birmingham's wards",
    "birmingham_topdown": "Birmingham's wards",
    "lewisham_run": "Lewisham's wards and England's 326 districts",
    "two_regions": "Birmingham's and County Durham's wards and regions",
    "batch_run": "Herefordshire's, Lewisham's and Croydon's wards",
    "local_mirror": "the pinned ward files of Thanet and Dover, served as a mirror",
}
#: Notebook cells (nbval) that need the real data root, and why.
DATA_CELLS = {
    ("england.ipynb", "Cell 10"): "England's 326 districts' boundaries (the fixture's LAD file holds Thanet's)"
}
#: Parameters given to a notebook under nbval, as papermill gives them: appended to its ``parameters`` cell, and
#: its ``# NBVAL_SKIP`` cells then run. The national notebook's defaults count all 326 districts (minutes, the
#: real data root); under nbval it counts Thanet from this run's data root (real or the fixture), so every cell
#: runs on a fresh clone too. ``tests/test_england_run.py`` checks the national count's files.
NBVAL_PARAMETERS = {"england.ipynb": {"lads": [THANET], "data_dir": str(DATA_ROOT)}}
#: Fixtures that run real places through the command: a test using any of them is marked ``slow``.
SLOW_FIXTURES = frozenset({"batch_run", "demo_outputs"})


def pytest_collection_modifyitems(config, items):
    """Mark ``data`` and ``slow`` by the fixtures a test uses (directly or through other fixtures); without
    the real data root, skip each test marked ``data``, giving the marker's reason.

    A test declares what it needs beyond the Thanet fixture: ``@pytest.mark.data("why")`` (or a module's
    ``pytestmark``, or a parameter's marks), a fixture of :data:`DATA_FIXTURES`, or a cell of
    :data:`DATA_CELLS`. Nothing else is skipped for want of data: a test that fails on the fixture fails.
    """
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for name in sorted(used & DATA_FIXTURES.keys()):
            item.add_marker(pytest.mark.data(DATA_FIXTURES[name]))
        if used & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)
        if (item.path.name, item.name) in DATA_CELLS:
            item.add_marker(pytest.mark.data(DATA_CELLS[item.path.name, item.name]))
        give_parameters(item, NBVAL_PARAMETERS.get(item.path.name))
        skipped_cell = nbval_skip_reason(item)
        if skipped_cell is not None:
            item.add_marker(pytest.mark.skip(reason=skipped_cell))
        marker = item.get_closest_marker("data")
        if marker is not None and not REAL_DATA:
            why = marker.args[0] if marker.args else marker.kwargs.get("reason", "every LAD, the pinned files")
            reason = f"needs the real data root ../shared/data: {why} (this run reads the Thanet fixture)"
            item.add_marker(pytest.mark.skip(reason=reason))


def give_parameters(item, parameters: dict | None) -> None:
    """Give a notebook cell collected by nbval the ``parameters`` (name → value) of its notebook: appended, as
    Python assignments, to the cell tagged ``parameters`` (what papermill injects), and a ``# NBVAL_SKIP`` lifted
    from every cell of that notebook. Nothing for another item, or with no parameters.

    Examples
    --------
    >>> class Cell:  # what nbval collects: a cell of a notebook
    ...     cell = {"source": "lads = []", "metadata": {"tags": ["parameters"]}}
    ...     options = {"skip": False}
    >>> item = Cell()
    >>> give_parameters(item, {"lads": ["E07000114"]})
    >>> print(item.cell["source"])
    lads = []
    lads = ['E07000114']  # given by tests/conftest.py (NBVAL_PARAMETERS)
    """
    options, cell = getattr(item, "options", None), getattr(item, "cell", None)
    if not parameters or not isinstance(options, dict) or not isinstance(cell, dict):
        return
    options["skip"] = False
    if "parameters" in cell.get("metadata", {}).get("tags", ()):
        given = "".join(f"\n{name} = {value!r}  # given by tests/conftest.py (NBVAL_PARAMETERS)"
                        for name, value in parameters.items())  # fmt: skip
        cell["source"] = cell["source"] + given


def nbval_skip_reason(item) -> str | None:
    """The reason a notebook cell marked ``# NBVAL_SKIP`` is skipped (nbval itself gives none): the words in
    brackets after the mark, else those of the notebook's first skipped cell (the cells after it read what it
    made). None for anything else.

    Examples
    --------
    >>> class Cell:  # what nbval collects: a cell of a notebook
    ...     cell = {"source": "# NBVAL_SKIP (counts England)"}
    ...     options = {"skip": True}
    ...     parent = None
    >>> nbval_skip_reason(Cell())
    'NBVAL_SKIP: counts England'
    """
    import re

    options, cell = getattr(item, "options", None), getattr(item, "cell", None)
    if not isinstance(options, dict) or not options.get("skip") or not isinstance(cell, dict):
        return None
    pattern = re.compile(r"#\s*NBVAL_SKIP\s*\((.+?)\)\s*$", re.MULTILINE)
    found = pattern.search(cell.get("source", ""))
    if found is not None:
        return f"NBVAL_SKIP: {found.group(1)}"
    notebook = getattr(getattr(item, "parent", None), "nb", None)
    for other in getattr(notebook, "cells", ()):
        found = pattern.search(other.get("source", ""))
        if found is not None:
            return f"NBVAL_SKIP: reads what a cell skipped before it made ({found.group(1)})"
    return "NBVAL_SKIP: the notebook's cell gives no reason"


def data_file(root: Path, key: str) -> Path:
    """The file of ``key`` (``lookups/lsoa01_to_lsoa11.csv``) in a data root: the Thanet fixture's extract of it
    (which may be compressed: ``….csv.gz``) or the file itself."""
    from tuttotal.data import extracts

    extract = extracts.find(root, key)
    return root / (key if extract is None else extract.path)


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
        pytest.skip("needs the real data root ../shared/data: every LAD, the pinned files (this run reads the fixture)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def kent_wards(wards_dir):
    """Kent's 283 real wards (12 LADs), in the ward contract: a test using it is marked ``data`` (the fixture
    holds Thanet's only)."""
    from tuttotal.data import place_wards, places

    return place_wards.load_place_wards(places.get_place("kent"), wards_dir)


@pytest.fixture(scope="session")
def two_district_wards(wards_dir):
    """The 40 real wards of Dartford and Thanet (:data:`TWO_KENT_DISTRICTS`), in the ward contract: a place of two
    districts that the Thanet fixture holds whole."""
    from tuttotal.data import place_wards, places

    return place_wards.load_place_wards(places.area_from_lads(list(TWO_KENT_DISTRICTS)), wards_dir)


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
