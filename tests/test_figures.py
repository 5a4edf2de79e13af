"""Ward maps and theme charts, drawn for real: Kent's 283 wards, and small made-up places."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from shapely.geometry import box

from tuttotal.data import place_wards, places
from tuttotal.errors import PlaceNotFoundError
from tuttotal.figures import charts, maps

from .conftest import CLIFTONVILLE_WEST, MARGATE_CENTRAL, REAL_DATA, THANET

REPO = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

THEMES = pd.Series(
    {
        "older people": 1.52e9,
        "health and wellbeing": 1.61e9,
        "children and young people": 1.38e9,
        "worklessness and economy": 7.9e8,
        "housing and regeneration": 5.2e8,
        "community safety and offenders": 4.4e8,
        "environment and assets": 3.3e8,
        "central and back office": 2.9e8,
        "drugs and alcohol": 4.1e7,
    }
)


# --------------------------------------------------------------------------- helpers


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text)]


def by_gid(ax, gid: str) -> list[Text]:
    return [t for t in ax.texts if t.get_gid() == gid]


def map_axes(fig: Figure):
    return next(ax for ax in fig.axes if ax.get_label() == "map")


def legend_texts(fig: Figure) -> tuple[str, list[str]]:
    legend = map_axes(fig).get_legend()
    return legend.get_title().get_text(), [t.get_text() for t in legend.get_texts()]


def label_boxes(fig: Figure, ax) -> list:
    """Window extents of the focus labels' boxes, after a draw."""
    fig.canvas.draw()
    return [t.get_bbox_patch().get_window_extent() for t in by_gid(ax, "focus-label")]


def overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def toy_wards(values, names=None) -> gpd.GeoDataFrame:
    """A made-up place: a row of 1 km square wards in two districts."""
    n = len(values)
    return gpd.GeoDataFrame(
        {
            "ward_code": [f"E0500{i:04d}" for i in range(n)],
            "ward_name": names or [f"Ward {i}" for i in range(n)],
            "lad_code": ["E07000001" if i < n / 2 else "E07000002" for i in range(n)],
            "lad_name": ["West" if i < n / 2 else "East" for i in range(n)],
            "value": values,
        },
        geometry=[box(1000 * i, 0, 1000 * (i + 1), 1000) for i in range(n)],
        crs=27700,
    )


# --------------------------------------------------------------------------- Kent, real wards


def seeded_per_head(wards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Real wards with a seeded £ per head for each."""
    rng = np.random.default_rng(2009)
    wards["per_head"] = rng.lognormal(math.log(7000), 0.18, len(wards))
    return wards


def ward_map_of(wards: gpd.GeoDataFrame, name: str, **kwargs) -> Figure:
    """The house ward map of a real place's wards, its focus Margate Central and Cliftonville West (Thanet)."""
    return maps.ward_map(
        wards,
        "per_head",
        title=f"{name}: public spending per head by ward, 2008-09",
        measure="£ per head",
        focus=[MARGATE_CENTRAL, CLIFTONVILLE_WEST],
        attribution="Contains OS data © Crown copyright and database right 2013.",
        stamp="ILLUSTRATIVE",
        **kwargs,
    )


@pytest.fixture(scope="module")
def kent(wards_dir) -> gpd.GeoDataFrame:
    """Kent's real wards with a seeded £ per head for each."""
    return seeded_per_head(place_wards.load_place_wards(places.get_place("kent"), wards_dir))


@pytest.fixture(scope="module")
def kent_map(kent) -> Figure:
    return ward_map_of(kent, "Kent", notes=["Spend is ILLUSTRATIVE: generated, not reported."])


@pytest.fixture(scope="module")
def real_wards(wards_dir) -> gpd.GeoDataFrame:
    """A real place's wards with a seeded £ per head for each: Kent's (283, 12 districts) with the real data
    root, else Thanet's (23: the fixture's); ``attrs["place"]`` its name."""
    name = "Kent" if REAL_DATA else "Thanet"
    place = places.get_place("kent") if REAL_DATA else places.area_from_lads([THANET])
    wards = seeded_per_head(place_wards.load_place_wards(place, wards_dir))
    wards.attrs["place"] = name
    return wards


@pytest.fixture(scope="module")
def real_map(real_wards) -> Figure:
    return ward_map_of(real_wards, real_wards.attrs["place"], notes=["Spend is ILLUSTRATIVE: generated, not reported."])


def test_kent_has_283_wards_in_12_districts(kent):
    assert len(kent) == 283
    assert kent.lad_code.nunique() == 12


def test_the_ward_map_labels_the_focus_wards_without_overlap(real_map):
    ax = map_axes(real_map)
    names = [t.get_text() for t in by_gid(ax, "focus-label")]
    assert sorted(names) == ["Cliftonville West", "Margate Central"]
    first, second = label_boxes(real_map, ax)
    assert not overlaps(first, second)
    # Each label is offset from its ward, with a leader line back to it.
    for label in by_gid(ax, "focus-label"):
        assert label.arrow_patch is not None
        assert label.xy != label.get_position()
    # The labels stay inside the map, clear of the legend on its right.
    map_box = ax.get_window_extent()
    legend_box = ax.get_legend().get_window_extent()
    for label_box in (first, second):
        assert map_box.x0 <= label_box.x0 and label_box.x1 <= map_box.x1
        assert not overlaps(label_box, legend_box)


def test_kent_map_has_a_detail_of_the_small_focus_wards(kent_map):
    inset = next(ax for ax in kent_map.axes if ax.get_label() == "inset")
    names = sorted(t.get_text() for t in by_gid(inset, "focus-label"))
    assert names == ["Cliftonville West", "Margate Central"]
    first, second = label_boxes(kent_map, inset)
    assert not overlaps(first, second)


def test_the_ward_map_legend_is_in_pounds_outside_the_map(real_map, real_wards):
    ax = map_axes(real_map)
    title, labels = legend_texts(real_map)
    assert title == "£ per head (quantiles, 5 classes)"
    assert len(labels) == 5
    assert all(label.startswith("£") and " – £" in label for label in labels)
    assert sum(int(label.split("(")[1].split()[0]) for label in labels) == len(real_wards)
    real_map.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1


def test_the_ward_map_has_no_axes_and_is_north_up(real_map):
    ax = map_axes(real_map)
    assert not ax.axison
    assert ax.get_aspect() == 1.0
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 < x1 and y0 < y1  # not flipped: east right, north up


def test_kent_map_names_districts_and_has_title_notes_stamp(kent_map, kent):
    ax = map_axes(kent_map)
    districts = {t.get_text().replace("\n", " ") for t in by_gid(ax, "district-label")}
    assert districts <= set(kent.lad_name)
    assert len(districts) >= 10
    everything = texts(kent_map)
    assert "Kent: public spending per head by ward, 2008-09" in everything
    assert "ILLUSTRATIVE" in everything
    assert any("generated, not reported" in t for t in everything)
    assert any("Crown copyright" in t for t in everything)


def test_a_saved_ward_map_is_a_reasonable_png(real_map, tmp_path):
    from PIL import Image

    path = maps.save_figure(real_map, tmp_path / "maps" / "kent", dpi=100)
    assert path == tmp_path / "maps" / "kent.png"
    assert path.read_bytes()[:8] == PNG_MAGIC
    with Image.open(path) as image:
        width, height = image.size
    assert 800 <= width <= 1100
    assert 450 <= height <= 850
    assert 30_000 < path.stat().st_size < 1_500_000


def test_natural_breaks_are_the_same_every_time(real_wards):
    def legend(scheme):
        fig = maps.ward_map(real_wards, "per_head", title="Kent", measure="£ per head", scheme=scheme, k=4)
        return legend_texts(fig)

    title, labels = legend("naturalbreaks")
    assert title == "£ per head (natural breaks, 4 classes)"
    assert legend("naturalbreaks") == (title, labels)


def test_a_single_real_ward(real_wards):
    one = real_wards[real_wards.ward_code == MARGATE_CENTRAL]
    fig = maps.ward_map(one, "per_head", title="Margate Central", measure="£ per head", focus=[MARGATE_CENTRAL])
    title, labels = legend_texts(fig)
    assert title == "£ per head (one ward)"
    assert len(labels) == 1 and labels[0].endswith("(1 ward)")
    assert "Margate Central" in [t.get_text() for t in by_gid(map_axes(fig), "focus-label")]


# --------------------------------------------------------------------------- awkward values


def test_all_equal_values_make_one_class():
    fig = maps.ward_map(toy_wards([7000.0] * 6), "value", title="Equal", measure="£ per head")
    title, labels = legend_texts(fig)
    assert title == "£ per head (all wards equal)"
    assert labels == ["£7k  (6 wards)"]


def test_missing_values_are_grey_and_counted_as_no_data():
    values = [6100.0, np.nan, 7300.0, 8200.0, np.inf, 9100.0, 5800.0, 6600.0]
    fig = maps.ward_map(toy_wards(values), "value", title="Gaps", measure="£ per head", k=3)
    title, labels = legend_texts(fig)
    assert title == "£ per head (quantiles, 3 classes)"
    assert labels[-1] == "No data  (2 wards)"
    handles = map_axes(fig).get_legend().legend_handles
    assert handles[-1].get_facecolor()[:3] == pytest.approx((0.831, 0.831, 0.831), abs=0.01)


def test_all_missing_values_still_draw():
    fig = maps.ward_map(toy_wards([np.nan] * 3), "value", title="Nothing", measure="£ per head")
    assert legend_texts(fig) == ("£ per head (no data)", ["No data  (3 wards)"])


def test_fewer_distinct_values_than_classes_gives_one_class_per_value():
    values = [5000.0, 6000.0, 9000.0, 5000.0, 9000.0, 6000.0, 9000.0]
    fig = maps.ward_map(toy_wards(values), "value", title="Few", measure="£ per head", k=7)
    title, labels = legend_texts(fig)
    assert title == "£ per head (quantiles, 3 classes: one per value)"
    assert labels == ["£5k  (2 wards)", "£6k  (2 wards)", "£9k  (3 wards)"]


def test_close_breaks_get_more_figures_so_they_differ():
    values = [6950.0, 6980.0, 7010.0, 7020.0, 7060.0, 7100.0]
    fig = maps.ward_map(toy_wards(values), "value", title="Close", measure="£ per head", scheme="equalinterval", k=3)
    _, labels = legend_texts(fig)
    amounts = [label.split("  (")[0] for label in labels]
    assert len(set(amounts)) == 3
    assert amounts[0].startswith("£6.95k")


def test_equal_interval_is_named_and_totals_print_as_millions():
    values = [1.2e7, 3.4e7, 5.6e7, 9.9e7, 1.5e8]
    fig = maps.ward_map(toy_wards(values), "value", title="Totals", measure="£ total", scheme="equalinterval", k=3)
    title, labels = legend_texts(fig)
    assert title == "£ total (equal interval, 3 classes)"
    assert labels[0].startswith("£12m – ")


def test_bad_arguments_are_refused_clearly():
    wards = toy_wards([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="unknown classification scheme 'jenkins'"):
        maps.ward_map(wards, "value", title="t", measure="£", scheme="jenkins")
    with pytest.raises(ValueError, match="no column 'spend'"):
        maps.ward_map(wards, "spend", title="t", measure="£")
    with pytest.raises(ValueError, match="no wards"):
        maps.ward_map(wards.iloc[:0], "value", title="t", measure="£")
    with pytest.raises(PlaceNotFoundError):
        maps.ward_map(wards, "value", title="t", measure="£", focus=["E05999999"])


def test_figures_leave_pyplot_alone_and_show_in_notebooks():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = maps.ward_map(toy_wards([1.0, 2.0, 3.0, 4.0]), "value", title="t", measure="£")
    bars = charts.theme_bars(THEMES, title="t")
    assert plt.get_fignums() == before
    assert fig._repr_png_()[:8] == PNG_MAGIC
    assert bars._repr_png_()[:8] == PNG_MAGIC


# --------------------------------------------------------------------------- theme bars


@pytest.fixture(scope="module")
def bars() -> Figure:
    return charts.theme_bars(
        THEMES,
        title="Kent: public spending by theme, 2008-09",
        measure="£ total, 2008-09",
        notes=["Spend is ILLUSTRATIVE: generated, not reported."],
        stamp="ILLUSTRATIVE",
    )


def test_theme_bars_are_sorted_largest_at_the_top(bars):
    ax = bars.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == list(THEMES.sort_values(ascending=False).index)
    patches = sorted(ax.patches, key=lambda p: -p.get_y())  # top first
    widths = [p.get_width() for p in patches]
    assert widths == sorted(widths, reverse=True)
    assert widths[0] == pytest.approx(1.61e9)


def test_theme_bars_label_amount_and_share(bars):
    labels = [t.get_text() for t in by_gid(bars.axes[0], "value-label")]
    assert labels[0] == "£1.6bn (23%)"
    assert labels[-1] == "£41m (1%)"
    assert all(label.startswith("£") and label.endswith("%)") for label in labels)


def test_theme_bars_have_a_pound_axis_and_no_junk(bars):
    ax = bars.axes[0]
    bars.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks[0] == "£0" and all(t.startswith("£") for t in ticks)
    assert "£1bn" in ticks
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.xaxis._major_tick_kw.get("gridOn") and not ax.yaxis._major_tick_kw.get("gridOn")
    assert ax.get_xlabel() == "£ total, 2008-09"
    assert "ILLUSTRATIVE" in texts(bars)
    assert any("generated, not reported" in t for t in texts(bars))
    # Every value label sits inside the axes.
    box = ax.get_window_extent()
    for label in by_gid(ax, "value-label"):
        extent = label.get_window_extent()
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1


def test_theme_bars_with_negative_and_missing_amounts():
    totals = pd.Series({"health": 9e8, "asset sales (income)": -1e8, "police": 2e8, "unknown": np.nan})
    fig = charts.theme_bars(totals, title="Net", measure="£ net")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["health", "police", "asset sales (income)"]
    labels = [t.get_text() for t in by_gid(ax, "value-label")]
    assert labels == ["£900m (90%)", "£200m (20%)", "-£100m (-10%)"]
    assert min(p.get_width() for p in ax.patches) == pytest.approx(-1e8)
    assert ax.get_xlim()[0] < -1e8  # room for the negative bar's label
    assert any("Not shown, no value: unknown." in t for t in texts(fig))


def test_theme_bars_refuse_an_empty_series():
    with pytest.raises(ValueError, match="empty"):
        charts.theme_bars(pd.Series(dtype=float), title="Nothing")
    with pytest.raises(ValueError, match="no themes to chart"):
        charts.theme_bars(pd.Series({"a": np.nan}), title="Nothing")
    with pytest.raises(ValueError, match="must be numbers"):
        charts.theme_bars(pd.Series({"a": "lots"}), title="Words")


def test_saved_bars_png(bars, tmp_path):
    from PIL import Image

    path = maps.save_figure(bars, tmp_path / "bars.png")
    with Image.open(path) as image:
        width, height = image.size
    assert 800 <= width <= 1000 and 400 <= height <= 650


# --------------------------------------------------------------------------- the canvas


def test_a_report_figure_is_rendered_once_and_again_when_changed(tmp_path):
    """The PNG a notebook shows is the file written (matplotlib's ``savefig(bbox_inches="tight")``), until
    the figure changes (no data needed)."""
    import io

    from tuttotal.figures import canvas

    fig, _ = canvas.new_figure((3, 1))
    fig.text(0.1, 0.5, "£1.2m")
    shown = fig._repr_png_()
    assert canvas.save_figure(fig, tmp_path / "a").read_bytes() == shown
    plain = io.BytesIO()
    Figure.savefig(
        fig,
        plain,
        format="png",
        dpi=100,
        bbox_inches="tight",
        pad_inches=0.15,
        facecolor="white",
        pil_kwargs=canvas.PNG_OPTIONS,
    )
    assert plain.getvalue() == shown
    fig.text(0.1, 0.1, "and more")
    assert fig.png() != shown and canvas.save_figure(fig, tmp_path / "b").read_bytes() == fig.png()


def _png_tight(fig: Figure) -> bytes:
    """``fig`` as matplotlib's ``savefig(bbox_inches="tight")`` writes it (a draw to measure, a draw to render)."""
    import io

    from tuttotal.figures import canvas

    buffer = io.BytesIO()
    Figure.savefig(
        fig,
        buffer,
        format="png",
        dpi=canvas.DPI,
        bbox_inches="tight",
        pad_inches=canvas.PAD_INCHES,
        facecolor="white",
        pil_kwargs=canvas.PNG_OPTIONS,
    )
    return buffer.getvalue()


@pytest.fixture(scope="module")
def thanet_cuts_year(data_root, tmp_path_factory):
    """Thanet, 2012-13 (a year of the councils' cuts: every figure of the report applies), Margate Central."""
    from tuttotal import report

    return report.prepare(
        lads=[THANET],
        year="2012-13",
        focus_wards=[MARGATE_CENTRAL],
        data_dir=str(data_root),
        output_dir=str(tmp_path_factory.mktemp("thanet-2012-13")),
    )


def test_every_figure_of_a_real_count_is_trimmed_to_the_bytes_savefig_tight_gives(thanet_cuts_year):
    """:func:`~tuttotal.figures.canvas.trimmed_box` (one draw) gives the PNG of ``savefig(bbox_inches="tight")``
    (two), byte for byte, for every report figure of a real count and a theme's deep-dive map."""
    from tuttotal.writers.place import FIGURES

    drawn = {name: entry.draw(thanet_cuts_year) for name, entry in FIGURES.items()}
    drawn = {name: fig for name, fig in drawn.items() if fig is not None}
    drawn["deep_dive_map"] = thanet_cuts_year.maps.theme_map("Children and young people")
    # every figure of the registry but the per head against the region, which has no rows in 2012-13
    assert set(FIGURES) - {"theme_per_head_chart"} <= set(drawn), sorted(drawn)
    for name, fig in drawn.items():
        assert fig.png() == _png_tight(fig), name
