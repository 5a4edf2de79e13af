"""Ward boundaries from real ONS files in every supported format, and the errors for bad ones."""

from __future__ import annotations

import json
import warnings

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon

from tuttotal.data import geography, place_wards, places
from tuttotal.errors import GeographyError, PlaceNotFoundError, TuttotalWarning

from .conftest import BIRMINGHAM, CLIFTONVILLE_WEST, MARGATE_CENTRAL, REAL_DATA, THANET


@pytest.fixture(scope="module")
def thanet_raw(wards_dir):
    """Thanet's file as published (WD13CD, WD13NM, … in CRS84)."""
    return gpd.read_file(wards_dir / f"{THANET}.geojson")


def test_thanet_reads_into_the_ward_contract(wards_dir):
    wards = geography.read_wards(wards_dir / f"{THANET}.geojson", lad_code=THANET, lad_name="Thanet")
    assert list(wards.columns) == geography.WARD_COLUMNS
    assert len(wards) == 23
    assert wards.crs.to_epsg() == 27700
    assert wards.attrs["vintage"] == "2013"
    assert set(wards.lad_code) == {THANET}
    # Thanet is about 100 km² of land: metres, not degrees.
    assert 80e6 < wards.area.sum() < 130e6
    assert geography.find_ward(wards, "margate central").ward_code == MARGATE_CENTRAL
    assert geography.find_ward(wards, "  CLIFTONVILLE   west ").ward_code == CLIFTONVILLE_WEST
    assert geography.find_ward(wards, MARGATE_CENTRAL.lower()).ward_name == "Margate Central"


@pytest.mark.data("Birmingham's wards")
def test_birmingham_has_its_40_wards(wards_dir):
    wards = place_wards.load_place_wards(places.get_place("birmingham"), wards_dir)
    assert len(wards) == 40
    assert wards.ward_code.str.startswith("E05").all()
    assert set(wards.lad_name) == {"Birmingham"}
    assert BIRMINGHAM in wards.lad_code.values


def test_kent_combines_twelve_districts(kent_wards):
    assert kent_wards.lad_code.nunique() == 12
    assert not kent_wards.ward_code.duplicated().any()
    assert {MARGATE_CENTRAL, CLIFTONVILLE_WEST} <= set(kent_wards.ward_code)
    assert kent_wards.attrs["vintage"] == "2013"
    assert len(kent_wards.attrs["sources"]) == 12


def test_unknown_ward_name_suggests_the_closest(request, wards_dir):
    """Among Kent's 283 wards with the real data root, else Thanet's 23 (the fixture's)."""
    if REAL_DATA:
        wards = request.getfixturevalue("kent_wards")
    else:
        wards = place_wards.load_place_wards(places.area_from_lads([THANET]), wards_dir)
    with pytest.raises(PlaceNotFoundError, match="Did you mean 'Margate Central'"):
        geography.find_ward(wards, "Margate Centre")


def test_ward_name_shared_by_two_lads_asks_for_the_code(kent_wards):
    counts = kent_wards.ward_name.value_counts()
    shared = counts[counts > 1].index[0]
    with pytest.raises(PlaceNotFoundError, match="shared by"):
        geography.find_ward(kent_wards, shared)
    lad = kent_wards[kent_wards.ward_name == shared].lad_name.iloc[0]
    assert geography.find_ward(kent_wards, f"{shared}, {lad}").lad_name == lad


@pytest.mark.parametrize(
    ("suffix", "driver", "crs"),
    [
        (".gpkg", "GPKG", 27700),
        (".shp", "ESRI Shapefile", 3857),
        (".parquet", None, 4326),
        (".geojson", "GeoJSON", 4326),
    ],
)
def test_any_format_and_crs_gives_the_same_wards(tmp_path, thanet_raw, suffix, driver, crs):
    path = tmp_path / f"thanet{suffix}"
    frame = thanet_raw.to_crs(crs)
    if driver is None:
        frame.to_parquet(path)
    else:
        frame.to_file(path, driver=driver)
    wards = geography.read_wards(path, lad_code=THANET)
    assert len(wards) == 23
    assert wards.crs.to_epsg() == 27700
    assert wards.area.sum() == pytest.approx(thanet_raw.to_crs(27700).area.sum(), rel=1e-3)


def test_topojson_with_ward_columns(tmp_path):
    topo = {
        "type": "Topology",
        "arcs": [
            [[1.30, 51.30], [1.31, 51.30], [1.31, 51.31], [1.30, 51.31], [1.30, 51.30]],
            [[1.31, 51.30], [1.32, 51.30], [1.32, 51.31], [1.31, 51.31], [1.31, 51.30]],
        ],
        "objects": {
            "wards": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "arcs": [[0]],
                        "properties": {"WD11CD": "E05000001", "WD11NM": "One"},
                    },
                    {
                        "type": "Polygon",
                        "arcs": [[1]],
                        "properties": {"WD11CD": "E05000002", "WD11NM": "Two"},
                    },
                ],
            }
        },
    }
    path = tmp_path / "wards.topojson"
    path.write_text(json.dumps(topo))
    wards = geography.read_wards(path, lad_code=THANET, assume_crs="OGC:CRS84")
    assert list(wards.ward_name) == ["One", "Two"]
    assert wards.attrs["repaired"] == 0
    # 0.01° by 0.01° at 51.3°N is about 1.11 km by 0.70 km
    assert wards.area.iloc[0] == pytest.approx(1.11e3 * 0.70e3, rel=0.03)
    assert wards.attrs["vintage"] == "2011"


def test_file_with_lad_columns_needs_no_lad(tmp_path, thanet_raw):
    frame = thanet_raw.assign(LAD13CD=THANET, LAD13NM="Thanet")
    frame.to_file(tmp_path / "w.gpkg")
    wards = geography.read_wards(tmp_path / "w.gpkg")
    assert set(wards.lad_name) == {"Thanet"}


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_no_crs_is_refused_with_a_fix(tmp_path, thanet_raw):
    thanet_raw.to_crs(27700).set_crs(None, allow_override=True).to_file(tmp_path / "w.shp")
    with pytest.raises(GeographyError, match="no coordinate reference system") as info:
        geography.read_wards(tmp_path / "w.shp", lad_code=THANET)
    assert "w.shp" in str(info.value) and "Fix:" in str(info.value)


def test_missing_ward_code_column_lists_the_columns(tmp_path, thanet_raw):
    thanet_raw.rename(columns={"WD13CD": "code"}).to_file(tmp_path / "w.gpkg")
    with pytest.raises(GeographyError, match=r"no ward-code column.*'code'"):
        geography.read_wards(tmp_path / "w.gpkg", lad_code=THANET)


def test_duplicate_ward_codes_are_named(tmp_path, thanet_raw):
    frame = gpd.GeoDataFrame(gpd.pd.concat([thanet_raw, thanet_raw.iloc[[3]]]), crs=thanet_raw.crs)
    frame.to_file(tmp_path / "w.gpkg")
    with pytest.raises(GeographyError, match=thanet_raw.WD13CD.iloc[3]):
        geography.read_wards(tmp_path / "w.gpkg", lad_code=THANET)


def test_two_vintages_mixed_are_refused(tmp_path, thanet_raw):
    thanet_raw.assign(WD11CD=thanet_raw.WD13CD).to_file(tmp_path / "w.gpkg")
    with pytest.raises(GeographyError, match="two vintages"):
        geography.read_wards(tmp_path / "w.gpkg", lad_code=THANET)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(GeographyError, match="no features"):
        geography.read_wards(path, lad_code=THANET)


def test_points_are_not_wards(tmp_path):
    frame = gpd.GeoDataFrame({"WD13CD": ["E05000001"], "WD13NM": ["A"]}, geometry=[Point(1.3, 51.3)], crs=4326)
    frame.to_file(tmp_path / "p.gpkg")
    with pytest.raises(GeographyError, match="must be polygons"):
        geography.read_wards(tmp_path / "p.gpkg", lad_code=THANET)


def test_invalid_geometry_is_repaired_and_counted(tmp_path):
    bowtie = Polygon([(0, 0), (1000, 1000), (1000, 0), (0, 1000)])
    square = Polygon([(2000, 0), (3000, 0), (3000, 1000), (2000, 1000)])
    frame = gpd.GeoDataFrame(
        {"WD13CD": ["E05000001", "E05000002"], "WD13NM": ["Bow", "Square"]},
        geometry=[bowtie, square],
        crs=27700,
    )
    frame.to_file(tmp_path / "w.gpkg")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wards = geography.read_wards(tmp_path / "w.gpkg", lad_code=THANET)
    assert any(issubclass(w.category, TuttotalWarning) and "1 invalid" in str(w.message) for w in caught)
    assert wards.is_valid.all()
    assert wards.attrs["repaired"] == 1
    assert wards.geometry.iloc[0].area == pytest.approx(500_000)


def test_truncated_geojson_is_refused(tmp_path, wards_dir):
    data = (wards_dir / f"{THANET}.geojson").read_bytes()
    path = tmp_path / "cut.geojson"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(GeographyError, match="cannot be read"):
        geography.read_wards(path, lad_code=THANET)


def test_metres_labelled_as_degrees_are_refused(tmp_path, thanet_raw):
    frame = thanet_raw.to_crs(27700).set_crs(4326, allow_override=True)
    frame.to_file(tmp_path / "w.gpkg")
    with pytest.raises(GeographyError, match="look like metres"):
        geography.read_wards(tmp_path / "w.gpkg", lad_code=THANET)
