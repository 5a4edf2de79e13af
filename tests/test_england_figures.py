"""England's findings drawn: the scatter of districts against need, deciles, national maps (LADs and wards).

The figure functions load nothing; the LAD polygons and a few LADs' wards are
read here, in test helpers, from the real data root (the national boundary
readers are tuttotal.england.geography's).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image

from tuttotal.data import cra, datasets, place_wards, places, ward_drivers
from tuttotal.england import councils, councils_findings, findings
from tuttotal.figures import england_charts, england_maps
from tuttotal.figures.canvas import save_figure

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LONDON_BOROUGHS = 33
LEWISHAM, CROYDON, DURHAM = "E09000023", "E09000008", "E06000047"


@pytest.fixture(scope="module")
def table(data_root):
    return councils.councils_table(data_root)


@pytest.fixture(scope="module")
def change(table):
    return councils.councils_change(table)


@pytest.fixture(scope="module")
def lads(data_root) -> gpd.GeoDataFrame:
    """England's 326 LAD polygons (test helper: the figures take them, they never read them)."""
    frame = gpd.read_file(datasets.lad_boundaries_path(data_root), layer="lad").set_crs(4326, allow_override=True)
    frame = frame.rename(columns={"LAD13CD": "lad_code", "LAD13NM": "lad_name"}).to_crs(27700)
    frame["region"] = frame["lad_code"].map(cra.lad_regions(data_root))
    return frame[["lad_code", "lad_name", "region", "geometry"]]


@pytest.fixture(scope="module")
def scatter(change):
    return councils_findings.need_scatter(change, places.pilot_places(), "change")


@pytest.fixture(scope="module")
def first_scatter(change):
    return councils_findings.need_scatter(change, places.pilot_places(), "first")


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def boxes(fig, artists):
    """The texts' own boxes (an annotation's extent would include its leader line)."""
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()
    for artist in artists:
        if hasattr(artist, "update_positions"):  # an annotation places its text when drawn
            artist.update_positions(renderer)
    return [Text.get_window_extent(a, renderer) for a in artists]


def overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


# --------------------------------------------------------------------------------------------- the scatter


@pytest.mark.data("England's 326 districts and the 13 pilots")
def test_the_scatter_names_the_thirteen_pilots_clear_of_each_other(scatter):
    ax = scatter.axes[0]
    labels = [t for t in ax.texts if t.get_gid() == "place-label"]
    assert sorted(t.get_text() for t in labels) == sorted(p.name for p in places.pilot_places())
    placed = boxes(scatter, labels)
    assert not any(overlap(placed[i], placed[j]) for i in range(len(placed)) for j in range(i + 1, len(placed)))
    frame = ax.get_window_extent()
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in placed)
    legend = ax.get_legend().get_window_extent()
    assert legend.y0 >= frame.y1 - 1  # above the chart: it covers no point


@pytest.mark.data("England's 326 districts and the 13 pilots")
def test_the_scatter_says_r_basis_prices_and_transfers(scatter, change):
    everything = " ".join(texts(scatter))
    stats = findings.need_correlation(change, councils_findings.CHANGE, exclude=list(findings.OUTLIERS)).iloc[0]
    assert f"Pearson's r = {stats['pearson_r']:.2f} (p < 0.001)" in everything
    assert "Spearman's ρ" in everything and "95% confidence band" in everything
    assert "2016-17 prices" in everything and "Measured: councils' own books" in everything
    assert "academies" in everything and "public health" in everything
    assert "City of London" in everything and "Isles of Scilly" in everything
    ax = scatter.axes[0]
    assert "Change in £ per head" in ax.get_ylabel() and "income-deprived" in ax.get_xlabel()
    assert [t for t in ax.texts if t.get_gid() == "left-out"]  # the City of London, drawn hollow and named


@pytest.mark.data("England's 326 districts and the 13 pilots")
def test_a_value_off_the_scale_is_named_at_the_edge(first_scatter):
    ax = first_scatter.axes[0]
    off = [t.get_text() for t in ax.texts if t.get_gid() == "off-scale"]
    assert len(off) == 1 and off[0].startswith("City of London: £22")
    assert ax.get_ylim()[1] < 5000


@pytest.mark.data("England's 326 districts and the 13 pilots")
def test_the_scatter_draws_the_same_pixels_every_time(change, scatter, tmp_path):
    again = councils_findings.need_scatter(change, places.pilot_places(), "change")
    one, two = save_figure(scatter, tmp_path / "one"), save_figure(again, tmp_path / "two")
    assert one.read_bytes() == two.read_bytes()
    with Image.open(one) as image:
        assert image.size[0] >= 900 and image.size[1] >= 850  # legible on an A4 page at 100 dpi


def test_the_scatter_refuses_a_table_without_its_columns():
    import pandas as pd

    with pytest.raises(ValueError, match="area_name"):
        england_charts.need_fit_scatter(pd.DataFrame({"need": [0.1]}), None, title="t", measure="m")


# --------------------------------------------------------------------------------------------- deciles


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_the_decile_chart_has_ten_bars_labelled_in_pounds(change):
    fig = councils_findings.decile_chart(change, "change")
    ax = fig.axes[0]
    assert len(ax.patches) == 10
    assert all(t.get_text().startswith("-£") for t in ax.texts)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0].startswith("1\n") and ticks[-1].startswith("10\n")
    assert any("Left out: the City of London" in t for t in texts(fig))


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_the_summaries(table, change):
    summary = councils_findings.correlation_summary(change)
    assert len(summary) == 2 * len(councils_findings.MEASURES)
    typical = summary[summary["sample"] == "typical"]
    assert (typical["excluded"] == "E09000001").all()
    deciles = councils_findings.decile_summary(change)
    assert len(deciles) == 10 and deciles["areas"].sum() == 325 and deciles.attrs["excluded"] == ["E09000001"]
    tables = councils_findings.findings_tables(table, change, places.pilot_places())
    assert set(tables) == {
        "councils_by_year",
        "councils_change",
        "councils_need_correlation",
        "councils_need_deciles",
        "councils_league",
    }


# --------------------------------------------------------------------------------------------- maps


@pytest.fixture(scope="module")
def lad_map(change, lads):
    return councils_findings.district_map(change, lads, "change", places.pilot_places())


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_the_district_map_has_its_legend_units_basis_and_a_london_inset(lad_map):
    ax = next(a for a in lad_map.axes if a.get_label() == "map")
    title = ax.get_legend().get_title().get_text()
    assert "£ a head" in title and "2016-17 prices" in title and "measured" in title and "quantiles" in title
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sum(int(label.split("(")[1].split()[0]) for label in labels) == 326
    assert labels[-1] == "No data  (1 district)"  # the Isles of Scilly: no 2016-17 books
    assert " to " in labels[0]  # negative bounds: "-£735 to -£221"
    inset = next(a for a in lad_map.axes if a.get_label() == "london")
    assert inset.get_title(loc="left").startswith("London")
    assert not ax.axison
    keys = [t.get_text() for legend in ax.findobj(lambda a: a.__class__.__name__ == "Legend") for t in legend.texts]
    assert "Total Place pilot (13)" in keys and "Region boundary" in keys
    assert any("UK-GeoJSON" in t for t in texts(lad_map))


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_the_district_map_is_a_page_wide_png(lad_map, tmp_path):
    path = save_figure(lad_map, tmp_path / "lads")
    assert path.read_bytes()[:8] == PNG_MAGIC
    with Image.open(path) as image:
        width, height = image.size
    assert 780 <= width <= 850 and 850 <= height <= 1100  # A4's width at 100 dpi


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_a_ward_map_counts_wards_and_draws_its_districts(data_root, lads):
    area = places.area_from_lads([LEWISHAM, CROYDON, DURHAM])
    wards = place_wards.load_place_wards(area, data_root / "wards-2013")
    need = ward_drivers.ward_driver_table(wards, data_root).set_index("ward_code")["income_deprived_share"]
    wards["need"] = wards["ward_code"].map(need)
    fig = england_maps.england_map(
        wards,
        "need",
        title="People income-deprived by ward",
        measure="Share of people income-deprived",
        basis="need, not money",
        outlines=lads[lads.lad_code.isin([LEWISHAM, CROYDON, DURHAM])],
        value_format="percent",
        cmap="OrRd",
    )
    ax = next(a for a in fig.axes if a.get_label() == "map")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert all("ward" in label and label.count("%") == 2 for label in labels)
    assert sum(int(label.split("(")[1].split()[0].replace(",", "")) for label in labels) == len(wards)
    inset = next(a for a in fig.axes if a.get_label() == "london")
    x0, x1 = inset.get_xlim()
    assert x1 - x0 < 40_000  # Lewisham and Croydon, not Durham: London at a larger scale


def test_the_map_refuses_what_it_cannot_draw(lads):
    with pytest.raises(ValueError, match="no column"):
        england_maps.england_map(lads, "per_head_gbp", title="t", measure="m")
    with pytest.raises(ValueError, match="no areas"):
        england_maps.england_map(lads.iloc[:0], "lad_name", title="t", measure="m")
    with pytest.raises(ValueError, match="numbers"):
        england_maps.england_map(lads, "lad_name", title="t", measure="m")


@pytest.mark.data("England's 326 districts (the fixture holds Thanet's)")
def test_outlines_dissolve_generalised_districts_into_regions(lads):
    regions = england_maps.outline_of(lads, "region")
    assert len(regions) == 9
    assert regions.geometry.is_valid.all() and (regions.boundary.length > 0).all()
    assert np.isclose(regions.geometry.area.sum(), lads.geometry.area.sum(), rtol=0.01)
