"""The interactive maps of the pages (tuttotal.figures.webmap) and England's LADs by top-down spending per head.

Real reports (demo offline, Lewisham and Thanet on the real data root), real files; the
browser side is in tests/test_batch.py (Chromium, every request blocked).
"""

from __future__ import annotations

import json
import re

import pytest

from tuttotal import report, settings
from tuttotal.figures import classify, style, webmap
from tuttotal.writers.place import write_place_web_map
from tuttotal.writers.web_map_file import read_web_maps

from .conftest import THANET


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    return report.prepare(place="demo", output_dir=str(tmp_path_factory.mktemp("demo")))


@pytest.fixture(scope="module")
def lewisham_run(data_root, tmp_path_factory):
    return report.prepare(place="lewisham", data_dir=str(data_root), output_dir=str(tmp_path_factory.mktemp("lew")))


def test_the_ward_map_is_one_self_contained_block_with_the_house_classes(demo_run):
    block = demo_run.maps.web_map()
    page = block.html
    assert page.startswith("<div class='tt-webmap'") and page.count("<script>") == 1
    assert not re.search(r"(src|href)\s*=|https?://|//cdn|@import", page), "nothing may be fetched"
    paths = re.findall(r"<path d='[^']+' fill='(#[0-9a-f]{6})' data-key='([^']+)' data-tip='([^']+)'", page)
    assert len(paths) == len(demo_run.wards) == 24
    wards = demo_run.ward_totals()
    bins, classes, _ = classify.classify(wards["per_head_gbp"].to_numpy(dtype=float), "quantiles", 5)
    from matplotlib.colors import to_hex

    palette = [to_hex(c) for c in style.class_colours(bins.size)]
    assert [fill for fill, _, _ in paths] == [palette[c] for c in classes]  # colour for colour, the PNG's classes
    first = wards.iloc[0]
    tip = dict(zip([key for _, key, _ in paths], [t for _, _, t in paths], strict=True))[first.ward_code]
    lines = tip.split("&#10;")
    assert lines[0] == first.ward_name and lines[1] == first.lad_name
    assert lines[2].startswith("Spending: £") and lines[3].startswith("Per head: £")
    assert lines[4].startswith("Income-deprived: ")
    assert "SYNTHETIC" in page


def test_tooltips_and_titles_are_escaped():
    shape = webmap.Shape("M0,0 1,0 1,1Z", "#000000", ["<script>alert(1)</script>", "O'Brien & Sons"], "W'1")
    page = webmap.render(
        [shape], bounds=(0, -1, 1, 0), unit=1, title="<b>T</b>", legend_title="£", legend=[("#000000", "<i>x</i>")]
    )
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "O&#x27;Brien &amp; Sons" in page and "data-key='W&#x27;1'" in page
    assert "&lt;b&gt;T&lt;/b&gt;" in page and "&lt;i&gt;x&lt;/i&gt;" in page


def test_web_map_json_is_written_atomically_and_feeds_the_index(demo_run, tmp_path):
    written = write_place_web_map(demo_run)
    data = json.loads(written["web_map"].read_text(encoding="utf-8"))
    assert data["slug"] == "demo" and data["crs"] == "EPSG:27700" and len(data["wards"]) == 24
    assert not [p for p in written["web_map"].parent.iterdir() if p.name.endswith(".tmp")]
    assert written["web_map"].stat().st_mode & 0o044  # readable by others, as the other outputs
    read = read_web_maps([written["web_map"].parent, tmp_path / "nothing-here"])
    assert read == [data]
    page = webmap.places_map(read)
    assert page.count("data-tip=") == 24 and "Demo Vale" in page and "data-view=" in page
    assert webmap.places_map(read_web_maps([tmp_path])) == ""


def test_a_place_with_no_english_lad_gets_a_sentence_not_a_map_of_england(demo_run):
    shown = demo_run.maps.england_web_map()
    assert "no district of England" in str(shown) and "<p" in shown._repr_html_()


@pytest.mark.data("Lewisham's wards and England's 326 districts")
def test_england_map_has_every_lad_and_outlines_the_place(lewisham_run):
    block = lewisham_run.maps.england_web_map()
    assert block.html.count("data-tip=") == 326
    assert len(block.data["lads"]) == 326 and all(v is not None for v in block.data["values"])
    assert block.html.count("<g class='tt-marks'><path") == 1  # Lewisham: one LAD outlined
    assert "Top-down £ per head, 2008-09" in block.html and " districts)" in block.html


@pytest.mark.data("Lewisham's wards and England's 326 districts")
def test_a_damaged_england_map_gives_a_sentence_naming_it(lewisham_run, data_root, tmp_path):
    """A damaged england_lad_2013.topojson (half its bytes): "No map of England", and the cause (tests/test_resume.py
    holds that --resume redoes the place once it is repaired)."""
    import dataclasses

    root = tmp_path / "data"
    root.mkdir()
    for entry in data_root.iterdir():
        if entry.name != "lad-2013":
            (root / entry.name).symlink_to(entry)
    (root / "lad-2013").mkdir()
    real = data_root / "lad-2013" / "england_lad_2013.topojson"
    (root / "lad-2013" / real.name).write_bytes(real.read_bytes()[: real.stat().st_size // 2])
    parameters = dataclasses.replace(lewisham_run.parameters, data_dir=str(root))
    damaged = dataclasses.replace(lewisham_run, parameters=parameters, data_root=settings.data_root(str(root)))
    shown = damaged.maps.england_web_map()
    assert str(shown).startswith("No map of England: ") and "<p" in shown._repr_html_()
    assert "england_lad_2013.topojson" in str(shown) or "SHA-256" in str(shown), str(shown)


@pytest.mark.data("Lewisham's wards and England's 326 districts")
def test_a_map_stores_a_line_not_its_html_as_plain_text(lewisham_run):
    """A notebook keeps an output's text/plain beside its HTML: a line naming the map, not 270 KB of HTML again."""
    from IPython.core.formatters import DisplayFormatter

    block = lewisham_run.maps.england_web_map()
    shown, _ = DisplayFormatter().format(block)
    assert shown["text/html"] == block.html and len(block.html) > 100_000
    kb = len(block.html) // 1024
    assert shown["text/plain"] == f"<interactive map: Map of England's districts with Lewisham ({kb} KB of HTML)>"


@pytest.mark.data("England's 326 districts")
def test_lad_per_head_is_the_top_down_count_of_each_lad(data_root):
    """Thanet's per head from the all-LAD sum equals its own top-down count's, to the penny's rounding.

    Per head of Thanet's people of mid-2008 (mid-2015 scaled to the ONS estimate), not of mid-2015.
    """
    from tuttotal.count import topdown
    from tuttotal.data import lsoa, population_years

    per_head = topdown.lad_per_head("2008-09", data_dir=str(data_root))
    assert len(per_head) == 326 and per_head.notna().all() and (per_head > 3000).all()
    count = topdown.topdown_count([THANET], data_dir=str(data_root), years=("2008-09",))
    people = population_years.lad_population_of_year("2008-09", str(data_root))[THANET]
    assert per_head[THANET] == pytest.approx(count.spend["amount_pence"].sum() / 100 / people, rel=1e-6)
    assert people < lsoa.lad_totals(lsoa.lsoa_table(str(data_root))).at[THANET, "population"] == 139_822


def test_svg_paths_keep_holes_and_drop_repeated_points():
    from shapely.geometry import Polygon

    square = Polygon([(0, 0), (100, 0), (100, 100), (0, 100)], [[(40, 40), (60, 40), (60, 60), (40, 60)]])
    (path,) = webmap.svg_paths([square], origin=(0, 100), unit=10)
    assert path.count("M") == 2 and path.count("Z") == 2  # outer ring and hole
    assert webmap.svg_paths([Polygon([(0, 0), (0.1, 0), (0.1, 0.1)])], origin=(0, 0), unit=10) == [""]


def test_the_england_map_draws_the_districts_it_is_given():
    """No data root: two made-up districts, coloured by the per head given, the place's outlined."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    lads = gpd.GeoDataFrame(
        {"lad_code": ["E1", "E2"], "lad_name": ["Aa", "Bb"]},
        geometry=[box(0, 0, 10_000, 10_000), box(10_000, 0, 20_000, 10_000)],
        crs=27700,
    )
    england = webmap.england_shapes(lads)
    assert len(england.paths) == 2 and england.unit == 100.0
    place = webmap.PlaceLabels("a", "Aa", "2012-13", "real", "councils' books", "Boundaries: someone")
    per_head = pd.Series({"E1": 5000.0, "E2": 7000.0})
    block = webmap.england_map(
        england, place, ["E1"], per_head=per_head, per_head_year="2008-09", per_head_source="the CRA of 2010"
    )
    assert block.html.count("data-tip=") == 2 and block.data["values"] == [5000.0, 7000.0]
    assert "the top-down count of 2008-09" in block.html and "the CRA of 2010" in block.html
    assert block.html.count("<g class='tt-marks'><path") == 1
    plain = webmap.england_map(england, place, ["E1"])
    assert plain.data["values"] == [None, None] and "Other districts" in plain.html
