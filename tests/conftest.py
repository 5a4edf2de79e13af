"""Shared fixtures: the real ward data beside the repository, and small file makers."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
WARDS_2013 = SHARED_DATA / "wards-2013"
THANET, BIRMINGHAM = "E07000114", "E08000025"
MARGATE_CENTRAL, CLIFTONVILLE_WEST = "E05005093", "E05005088"


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


@pytest.fixture
def write_csv(tmp_path):
    """Write text to a CSV file in a fresh folder and return its path."""

    def write(text: str, name: str = "spend.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


SPEND_HEADER = "year,agency,agency_type,area_code,function,amount_gbp\n"
