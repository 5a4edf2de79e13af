"""The Thanet fixture (``tests/fixtures/thanet/``): its registry holds, the package checks it, its rows are real.

The first tests run everywhere (the fixture is committed). Those marked ``data`` read the real data root
(``../shared/data``) and check that every extract, read by the package's own readers, gives the pinned
file's rows for what the fixture keeps: Thanet's wards and LSOAs (and the handful's of
``tests/test_england_geography.py``), the South East's LSOA rows (and the handful's) and regional lines,
Kent's, Thanet's and Dartford's councils' books, every deflator.
"""

from __future__ import annotations

import csv
import hashlib
import shutil

import pytest

from tuttotal.data import cra_releases, datasets, deflators, extracts, lsoa, outturn, population_years, sources
from tuttotal.errors import DataUnavailableError, HashMismatchError

from .conftest import FIXTURE_ROOT, THANET

REGION = "South East"
#: The four small districts in four regions whose wards, LSOAs and LSOA rows the fixture also holds
#: (``make_fixture.HANDFUL``): Dartford, Rutland, the City of London, the Isles of Scilly.
HANDFUL = ("E07000107", "E06000017", "E09000001", "E06000053")


def registry_rows() -> list[dict[str, str]]:
    with open(FIXTURE_ROOT / "registry.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_extract_is_its_registry_row_and_derives_from_a_pinned_file():
    rows = registry_rows()
    pinned = {item.path: item.sha256 for item in sources.sources().values()}
    for code in (THANET, *HANDFUL):
        pinned[f"wards-2013/{code}.geojson"] = datasets.registry()[code].sha256
        pinned[f"lsoa-2011/{code}.geojson"] = sources.lsoa_registry()[code].sha256
    assert {row["key"] for row in rows} == set(pinned)
    for row in rows:
        data = (FIXTURE_ROOT / row["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["path"]
        assert len(data) == int(row["bytes"]), row["path"]
        assert row["derived_from"] == pinned[row["key"]], row["key"]
        assert row["sha256"] != row["derived_from"], f"{row['key']} is the pinned file itself, not an extract"
    files = {p.relative_to(FIXTURE_ROOT).as_posix() for p in FIXTURE_ROOT.rglob("*") if p.is_file()}
    assert files - {row["path"] for row in rows} == {"registry.csv", "README.md", "LICENCE.md", "make_fixture.py"}
    assert sum((FIXTURE_ROOT / f).stat().st_size for f in files) < 3_000_000  # small enough to commit


def test_the_package_reads_the_fixture_as_a_data_root_of_extracts():
    assert extracts.is_extract_root(FIXTURE_ROOT)
    assert (
        datasets.fetch([THANET], FIXTURE_ROOT, download=False)[THANET]
        == FIXTURE_ROOT / "wards-2013" / f"{THANET}.geojson"
    )
    path = sources.get_path("outturn_2008-09", FIXTURE_ROOT, download=False)
    assert path.suffix == ".xlsx"  # the legacy .xls written as .xlsx, found through the registry
    assert sources.source_sha256("population", FIXTURE_ROOT) != sources.source("population").sha256
    assert sources.source_sha256("population", None) == sources.source("population").sha256
    assert datasets.ward_sha256(THANET, FIXTURE_ROOT) != datasets.registry()[THANET].sha256
    assert outturn.found_files(FIXTURE_ROOT) == {}  # the renamed extracts are not taken for later releases


def test_an_extract_that_is_not_its_registry_row_is_refused(tmp_path):
    root = tmp_path / "thanet"
    shutil.copytree(FIXTURE_ROOT, root)
    target = root / "population" / "ons_mye_upper_tier_2001_2024.csv"
    target.write_text(target.read_text(encoding="utf-8").replace("Kent", "Kant"), encoding="utf-8")
    with pytest.raises(HashMismatchError, match="population_mye"):
        sources.get_path("population_mye", root, download=False)
    sources.get_path("population", root, download=False)  # the others still read


def test_a_key_the_registry_does_not_name_is_not_in_the_root(tmp_path):
    with pytest.raises(DataUnavailableError, match="E07000108"):
        datasets.fetch(["E07000108"], FIXTURE_ROOT, download=False)


# ------------------------------------------------------------- the extracts' rows are the pinned files' rows


@pytest.fixture(scope="module")
def real(real_data_root):
    return real_data_root


def test_the_boundaries_are_thanets_features(real):
    import geopandas as gpd

    for key in [f"{folder}/{code}.geojson" for code in (THANET, *HANDFUL) for folder in ("wards-2013", "lsoa-2011")]:
        fixture, pinned = gpd.read_file(FIXTURE_ROOT / key), gpd.read_file(real / key)
        assert fixture.equals(pinned), key
    lads = gpd.read_file(datasets.lad_boundaries_path(FIXTURE_ROOT), layer="lad").set_crs(4326)
    every = gpd.read_file(datasets.lad_boundaries_path(real), layer="lad").set_crs(4326)
    assert list(lads["LAD13CD"]) == [THANET]
    assert lads.geometry.iloc[0].equals(every.set_index("LAD13CD").geometry[THANET])


def test_the_lsoa_table_is_the_south_easts_rows(real):
    fixture, pinned = lsoa.lsoa_table(FIXTURE_ROOT, download=False), lsoa.lsoa_table(real, download=False)
    regions = {code for code, region in sources_regions(real).items() if region == REGION} | set(HANDFUL)
    expected = pinned[pinned["lad13_code"].isin(regions)].reset_index(drop=True)
    assert fixture.reset_index(drop=True).equals(expected)
    assert int(fixture.loc[fixture["lad13_code"] == THANET, "population"].sum()) == 139_822  # the README's check


def sources_regions(root) -> dict[str, str]:
    from tuttotal.data import cra

    return cra.lad_regions(root)


def test_the_regional_lines_are_the_south_easts(real):
    fixture, pinned = cra_releases.cra_lines(FIXTURE_ROOT, download=False), cra_releases.cra_lines(real, download=False)
    expected = pinned[pinned["region"] == REGION].reset_index(drop=True)
    others = fixture["region"] != REGION
    assert set(fixture.loc[others, "year"]) == {"2003-04"}  # PESA 2009, kept whole: every region
    assert fixture[~others].reset_index(drop=True).equals(expected)


def test_the_councils_books_are_thanets_dartfords_and_kents_rows(real):
    for year in outturn.PINNED_YEARS:
        fixture = outturn.read_year(sources.get_path(f"outturn_{year}", FIXTURE_ROOT, download=False), year)
        pinned = outturn.read_year(sources.get_path(f"outturn_{year}", real, download=False), year)
        assert {"Thanet", "Dartford", "Kent"} <= {a.split(" ")[0] for a in fixture["authority"]}, year
        kept = pinned[pinned["e_code"].isin(set(fixture["e_code"]))]
        columns = [c for c in fixture.columns if c not in {"sheet", "row"}]  # where a row sits changes, not what
        assert fixture[columns].reset_index(drop=True).equals(kept[columns].reset_index(drop=True)), year


def test_people_and_prices_are_the_pinned_rows(real):
    fixture = population_years.upper_tier_estimates(FIXTURE_ROOT, download=False)
    pinned = population_years.upper_tier_estimates(real, download=False)
    areas = set(fixture.index.get_level_values(0))
    assert "E10000016" in areas  # Kent
    assert fixture.equals(pinned[pinned.index.get_level_values(0).isin(areas)])
    mine = population_years.eurostat_region_population(FIXTURE_ROOT, download=False)
    theirs = population_years.eurostat_region_population(real, download=False)
    assert mine.equals(theirs)
    for source in ("hmt", "ons"):
        assert deflators.deflator_index(source=source, data_dir=FIXTURE_ROOT).equals(
            deflators.deflator_index(source=source, data_dir=real)
        )
