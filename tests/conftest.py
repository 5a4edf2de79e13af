"""Shared fixtures: the real ward data beside the repository, the shared real runs, and small file makers.

Markers (registered in pyproject.toml, ``--strict-markers``): ``data`` (needs the real data root
``../shared/data``: added here to every test that uses :func:`data_root` or :func:`wards_dir`, directly or
through another fixture), ``browser`` (drives Chromium), ``slow`` (a real place run, a kernel, a server: added
here to every test that reads :func:`batch_run` or :func:`demo_outputs`). ``pytest -m "not slow"`` is the
quick set; see the README's Tests section.

The expensive runs are made once per session (:func:`batch_run`, :func:`demo_outputs`) and read by many
tests: never write into their folders (copy them first).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
WARDS_2013 = SHARED_DATA / "wards-2013"
THANET, BIRMINGHAM = "E07000114", "E08000025"
MARGATE_CENTRAL, CLIFTONVILLE_WEST = "E05005093", "E05005088"
DEMO_THEME = "Children and young people"
BATCH_PLACES = ("demo", "herefordshire", "lewisham", "croydon")


#: Fixtures that need the real data root: a test using any of them (directly or not) is marked ``data``.
DATA_FIXTURES = frozenset({"data_root", "wards_dir"})
#: Fixtures that run real places through the command: a test using any of them is marked ``slow``.
SLOW_FIXTURES = frozenset({"batch_run", "demo_outputs"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & DATA_FIXTURES:
            item.add_marker(pytest.mark.data)
        if used & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def wards_dir() -> Path:
    """The folder of real 2013 ward files (``../shared/data/wards-2013``)."""
    if not (WARDS_2013 / f"{THANET}.geojson").is_file():
        pytest.skip(f"the real ward files are not beside the repository ({WARDS_2013} is absent)")
    return WARDS_2013


@pytest.fixture(scope="session")
def data_root() -> Path:
    """The real data root ``../shared/data``: boundaries, populations, deprivation, lookups, CRA, outturn."""
    for folder in ("wards-2013", "lsoa-2011", "population", "deprivation", "lookups", "cra", "outturn"):
        if not (SHARED_DATA / folder).is_dir():
            pytest.skip(f"the real data are not beside the repository ({SHARED_DATA / folder} is absent)")
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

    root = tmp_path_factory.mktemp("batch")
    corrupt = root / "croydon_spend.csv"
    corrupt.write_text(SPEND_HEADER + "2008-09,Croydon Council,council,E09000008,06,12.3.4\n")
    out = root / "outputs"
    places = [arg for slug in BATCH_PLACES for arg in ("--place", slug)]
    args = ["run", *places, "--spend", f"croydon={corrupt}", "--workers", "2", "--data-dir", str(wards_dir)]
    result = tuttotal(*args, "--output", str(out), cwd=root)
    return result, out, root


@pytest.fixture(scope="session")
def demo_outputs(tmp_path_factory):
    """The demo through the command, run once for every test that reads it: the place report, then its theme
    deep dive beside it (``demo/theme_deep_dive/``), then the report again (which must keep the deep dive).

    Returns ``(report, deep_dive, again, outputs)``: the three finished commands and the output folder.
    Read it, never write into it: a test that changes it works on a copy (``shutil.copytree``).
    """
    from .test_cli import tuttotal

    out = tmp_path_factory.mktemp("demo") / "outputs"
    report = tuttotal("run", "--output", str(out), cwd=REPO)
    dive = tuttotal(
        "run", "--notebook", "theme_deep_dive", "--theme", DEMO_THEME, "--output", str(out), cwd=REPO
    )  # fmt: skip
    again = tuttotal("run", "--output", str(out), cwd=REPO) if report.returncode == 0 else report
    return report, dive, again, out


@pytest.fixture
def write_csv(tmp_path):
    """Write text to a CSV file in a fresh folder and return its path."""

    def write(text: str, name: str = "spend.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


SPEND_HEADER = "year,agency,agency_type,area_code,function,amount_gbp\n"
