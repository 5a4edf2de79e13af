"""Comparison bars and trend lines, drawn for real: a ward against its district, county and the pilots."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from tuttotal.figures import charts, maps

THEMES = [
    "health and wellbeing",
    "older people",
    "children and young people",
    "worklessness and economy",
    "housing and regeneration",
    "community safety and offenders",
    "environment and assets",
    "central and back office",
    "drugs and alcohol",
]
PER_HEAD = {  # £ per head, 2008-09 (made up)
    "Margate Central": [1480, 690, 1320, 2480, 1150, 610, 380, 260, 118],
    "Thanet": [1390, 720, 1180, 1560, 620, 330, 350, 240, 64],
    "Kent": [1310, 760, 1090, 980, 410, 250, 330, 225, 38],
    "Median pilot place": [1350, 740, 1140, 1120, 470, 280, 340, 235, 45],
}
AREAS = list(PER_HEAD)
YEARS = ["2006-07", "2007-08", "2008-09", "2009-10"]
TREND = {
    "Margate Central": [8120, 8640, 9210, 9480],
    "Thanet": [6930, 7250, 7680, 7890],
    "Kent": [6210, 6480, 6850, 7020],
}


def comparison_table(per_head: dict[str, list[float]] = PER_HEAD) -> pd.DataFrame:
    rows = [
        (area, theme, float(v)) for area, values in per_head.items() for theme, v in zip(THEMES, values, strict=True)
    ]
    return pd.DataFrame(rows, columns=["area", "theme", "value"])


def trend_table(trend: dict[str, list[float]] = TREND) -> pd.DataFrame:
    rows = [(year, area, float(v)) for area, values in trend.items() for year, v in zip(YEARS, values, strict=True)]
    return pd.DataFrame(rows, columns=["year", "area", "value"])


def texts(fig, gid: str) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == gid] + [
        t.get_text() for t in fig.texts if t.get_gid() == gid
    ]


def groups(ax) -> dict[str, list[tuple[str, float]]]:
    """Bars by theme: (area, value) top to bottom, from the bars' positions."""
    ticks = ax.get_yticks()
    names = [t.get_text() for t in ax.get_yticklabels()]
    out: dict[str, list[tuple[float, str, float]]] = {name: [] for name in names}
    for container in ax.containers:
        for patch in container.patches:
            centre = patch.get_y() + patch.get_height() / 2
            theme = names[int(np.argmin(np.abs(ticks - centre)))]
            out[theme].append((centre, container.get_label(), patch.get_width()))
    return {theme: [(area, v) for _, area, v in sorted(bars, reverse=True)] for theme, bars in out.items()}


@pytest.fixture(scope="module")
def compare():
    return charts.comparison_bars(
        comparison_table(),
        title="Margate Central against Thanet and Kent: spending per head by theme, 2008-09",
        notes=["Spend per head is ILLUSTRATIVE: generated, not reported."],
        stamp="ILLUSTRATIVE",
    )


# --------------------------------------------------------------------------- comparison bars


def test_themes_are_in_order_of_the_last_area_largest_at_the_top(compare):
    ax = compare.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    median = dict(zip(THEMES, PER_HEAD["Median pilot place"], strict=True))
    assert names == sorted(THEMES, key=lambda t: -median[t])
    assert names[0] == "health and wellbeing" and names[-1] == "drugs and alcohol"
    ticks = list(ax.get_yticks())
    assert ticks == sorted(ticks, reverse=True)  # first name at the top


def test_each_group_has_one_bar_per_area_in_table_order(compare):
    by_theme = groups(compare.axes[0])
    assert len(by_theme) == 9
    for theme, bars in by_theme.items():
        assert [area for area, _ in bars] == AREAS
        assert [v for _, v in bars] == [PER_HEAD[a][THEMES.index(theme)] for a in AREAS]
    assert sum(len(c.patches) for c in compare.axes[0].containers) == 36


def test_legend_names_the_areas_outside_the_bars(compare):
    ax = compare.axes[0]
    assert [c.get_label() for c in ax.containers] == AREAS
    assert ax.get_legend() is None
    (legend,) = compare.legends
    assert [t.get_text() for t in legend.get_texts()] == AREAS
    compare.canvas.draw()
    assert legend.get_window_extent().y0 > ax.get_window_extent().y1  # above the bars
    # The focus area is strong, the comparators distinct from it and from each other.
    colours = [to_hex(c.patches[0].get_facecolor()) for c in ax.containers]
    assert colours[0] == charts.BAR_COLOUR and len(set(colours)) == 4
    assert [to_hex(h.get_facecolor()) for h in legend.legend_handles] == colours


def test_only_the_focus_area_is_labelled_and_labels_stay_inside(compare):
    ax = compare.axes[0]
    labels = texts(compare, "value-label")
    assert len(labels) == 9
    assert labels[0] == "£1.5k" and "£2.5k" in labels and "£118" in labels
    compare.canvas.draw()
    box = ax.get_window_extent()
    for label in (t for t in ax.texts if t.get_gid() == "value-label"):
        extent = label.get_window_extent()
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1


def test_comparison_has_pound_axis_stamp_notes_and_no_junk(compare):
    ax = compare.axes[0]
    compare.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks[0] == "£0" and "£1k" in ticks and all(t.startswith("£") for t in ticks)
    assert ax.get_xlabel() == "£ per head"
    assert ax.get_xlim()[0] == 0
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert texts(compare, "stamp") == ["ILLUSTRATIVE"]
    assert "generated, not reported" in texts(compare, "notes")[0]
    assert texts(compare, "subtitle") == ["Themes in order of Median pilot place, largest at the top"]


def test_missing_pairs_get_no_bar_and_a_footnote():
    table = comparison_table()
    table = table[~((table.area == "Margate Central") & (table.theme == "drugs and alcohol"))]  # absent
    table.loc[(table.area == "Kent") & (table.theme == "older people"), "value"] = np.nan  # NaN
    fig = charts.comparison_bars(table, title="Missing")
    by_theme = groups(fig.axes[0])
    assert [a for a, _ in by_theme["drugs and alcohol"]] == ["Thanet", "Kent", "Median pilot place"]
    assert [a for a, _ in by_theme["older people"]] == ["Margate Central", "Thanet", "Median pilot place"]
    assert sum(len(c.patches) for c in fig.axes[0].containers) == 34
    assert len(texts(fig, "value-label")) == 8
    (note,) = texts(fig, "notes")
    assert "No bar, no value: Margate Central – drugs and alcohol; Kent – older people." in note.replace("\n", " ")


def test_themes_without_a_value_for_the_last_area_go_to_the_bottom():
    table = comparison_table({a: PER_HEAD[a] for a in ("Margate Central", "Kent")})
    table.loc[(table.area == "Kent") & (table.theme == "worklessness and economy"), "value"] = np.nan
    fig = charts.comparison_bars(table, title="t")
    names = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert names[-1] == "worklessness and economy"
    assert names[0] == "health and wellbeing"


def test_negative_values_are_drawn_leftwards_and_labelled():
    table = comparison_table({a: PER_HEAD[a] for a in ("Margate Central", "Kent")})
    table.loc[table.theme == "environment and assets", "value"] = [-60.0, -120.0]
    fig = charts.comparison_bars(table, title="Net", measure="£ net per head")
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names[-1] == "environment and assets"
    assert groups(ax)["environment and assets"] == [("Margate Central", -60.0), ("Kent", -120.0)]
    assert "-£60" in texts(fig, "value-label")
    assert ax.get_xlim()[0] < -120
    fig.canvas.draw()
    box = ax.get_window_extent()
    assert all(box.x0 <= t.get_window_extent().x0 for t in ax.texts if t.get_gid() == "value-label")


@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("n", [1, 12])
def test_two_to_five_areas_and_one_to_twelve_themes(k, n):
    rng = np.random.default_rng(k * 100 + n)
    areas = [f"Area {i}" for i in range(k)]
    themes = [f"theme {i}" for i in range(n)]
    table = pd.DataFrame(
        [(a, t, float(rng.uniform(20, 2500))) for a in areas for t in themes], columns=["area", "theme", "value"]
    )
    fig = charts.comparison_bars(table, title="Many")
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == n
    assert [c.get_label() for c in ax.containers] == areas
    assert all(len(bars) == k for bars in groups(ax).values())
    # Bars stay at least 0.1 inch thick: the figure grows instead.
    thickness = ax.containers[0].patches[0].get_height() * ax.get_window_extent().height / np.ptp(ax.get_ylim())
    assert thickness / fig.dpi >= 0.1 * 0.9 - 1e-9


def test_comparison_refuses_bad_tables():
    with pytest.raises(ValueError, match="the table is empty"):
        charts.comparison_bars(pd.DataFrame(columns=["area", "theme", "value"]), title="Nothing")
    with pytest.raises(ValueError, match="the table is empty"):
        charts.comparison_bars(None, title="Nothing")
    with pytest.raises(ValueError, match="lacks the column"):
        charts.comparison_bars(pd.DataFrame({"area": ["a"], "value": [1.0]}), title="t")
    with pytest.raises(ValueError, match="must hold numbers"):
        charts.comparison_bars(pd.DataFrame({"area": ["a"], "theme": ["x"], "value": ["lots"]}), title="t")
    with pytest.raises(ValueError, match="none of the rows has a value"):
        charts.comparison_bars(pd.DataFrame({"area": ["a"], "theme": ["x"], "value": [np.nan]}), title="t")
    with pytest.raises(ValueError, match="one value"):
        charts.comparison_bars(pd.DataFrame({"area": ["a", "a"], "theme": ["x", "x"], "value": [1.0, 2.0]}), title="t")
    six = pd.DataFrame({"area": list("abcdef"), "theme": ["x"] * 6, "value": [1.0] * 6})
    with pytest.raises(ValueError, match="at most 5 areas"):
        charts.comparison_bars(six, title="t")


# --------------------------------------------------------------------------- trend lines


@pytest.fixture(scope="module")
def trend():
    table = trend_table().sample(frac=1, random_state=3)  # years out of order
    table = table.sort_values("area", key=lambda s: s.map({a: i for i, a in enumerate(TREND)}), kind="stable")
    return charts.trend_lines(
        table,
        title="Margate Central, Thanet and Kent: public spending per head, 2006-07 to 2009-10",
        notes=["ILLUSTRATIVE: generated, not reported."],
        stamp="ILLUSTRATIVE",
    )


def test_trend_has_one_line_per_area_over_sorted_years(trend):
    ax = trend.axes[0]
    handles, labels = ax.get_legend_handles_labels()
    assert labels == list(TREND)
    assert [t.get_text() for t in ax.get_xticklabels()] == YEARS
    for line, area in zip(handles, TREND, strict=True):
        assert list(line.get_xdata()) == [0, 1, 2, 3]
        assert list(line.get_ydata()) == TREND[area]
        assert line.get_marker() == "o"
    assert handles[0].get_zorder() > handles[1].get_zorder()  # the focus on top
    assert to_hex(handles[0].get_color()) == charts.BAR_COLOUR


def test_trend_labels_line_ends_instead_of_a_legend(trend):
    ax = trend.axes[0]
    assert texts(trend, "end-label") == ["Margate Central  £9.5k", "Thanet  £7.9k", "Kent  £7k"]
    assert not trend.legends and ax.get_legend() is None
    trend.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.texts if t.get_gid() == "end-label"]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    figure_box = trend.bbox
    assert all(b.x1 <= figure_box.x1 for b in boxes)


def test_trend_has_a_pound_axis_from_zero(trend):
    ax = trend.axes[0]
    trend.canvas.draw()
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= 9480
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert ticks[0] == "£0" and all(t.startswith("£") for t in ticks) and "£10k" in ticks
    assert ax.get_ylabel() == "£ per head"
    assert texts(trend, "stamp") == ["ILLUSTRATIVE"]
    assert texts(trend, "subtitle") == ["Financial years 2006-07 to 2009-10"]


def test_close_lines_fall_back_to_a_legend():
    areas = ["Margate Central", "Cliftonville West", "Thanet", "Kent", "Median pilot place"]
    table = pd.DataFrame(
        [(y, a, 7000.0 + 10 * j + 100 * i) for i, y in enumerate(YEARS) for j, a in enumerate(areas)],
        columns=["year", "area", "value"],
    )
    fig = charts.trend_lines(table, title="Close")
    assert texts(fig, "end-label") == []
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == areas
    fig.canvas.draw()
    assert legend.get_window_extent().y0 > fig.axes[0].get_window_extent().y1


def test_close_labels_are_nudged_apart_and_told_apart():
    fig = charts.trend_lines(
        trend_table({"A": [7100, 7200, 7300, 7400], "B": [7000, 7200, 7300, 7390], "C": [6900, 7100, 7300, 7360]}),
        title="Close",
    )
    assert texts(fig, "end-label") == ["A  £7.4k", "B  £7.39k", "C  £7.36k"]
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in fig.axes[0].texts if t.get_gid() == "end-label"]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_a_single_year_is_drawn_as_dots():
    fig = charts.trend_lines(trend_table()[lambda d: d.year == "2008-09"], title="One year")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2008-09"]
    handles, labels = ax.get_legend_handles_labels()
    assert labels == list(TREND) and all(len(h.get_xdata()) == 1 and h.get_marker() == "o" for h in handles)
    assert texts(fig, "end-label") == ["Margate Central  £9.2k", "Thanet  £7.7k", "Kent  £6.8k"]
    assert texts(fig, "subtitle") == ["Financial year 2008-09"]


def test_negative_values_and_gaps():
    table = trend_table()
    table.loc[table.area == "Thanet", "value"] -= 7500
    table = table[~((table.area == "Kent") & (table.year == "2009-10"))]
    fig = charts.trend_lines(table, title="Net", measure="£ net per head")
    ax = fig.axes[0]
    assert ax.get_ylim()[0] < -570
    assert any(line.get_gid() == "zero-line" for line in ax.lines)
    kent = dict(zip(*ax.get_legend_handles_labels()[::-1], strict=True))["Kent"]
    assert np.isnan(kent.get_ydata()[-1])
    assert "Kent  £6.8k (2008-09)" in texts(fig, "end-label")
    assert "No value: Kent, 2009-10." in texts(fig, "notes")


def test_trend_refuses_bad_tables():
    with pytest.raises(ValueError, match="the table is empty"):
        charts.trend_lines(pd.DataFrame(columns=["year", "area", "value"]), title="Nothing")
    with pytest.raises(ValueError, match="lacks the column"):
        charts.trend_lines(pd.DataFrame({"area": ["a"], "theme": ["x"], "value": [1.0]}), title="t")
    with pytest.raises(ValueError, match="one value"):
        charts.trend_lines(pd.DataFrame({"year": ["y", "y"], "area": ["a", "a"], "value": [1.0, 2.0]}), title="t")


# --------------------------------------------------------------------------- output


def test_saved_pngs_are_report_sized(compare, trend, tmp_path):
    from PIL import Image

    assert compare._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
    for fig, name, (min_w, min_h) in ((compare, "compare", (900, 600)), (trend, "trend", (800, 480))):
        path = maps.save_figure(fig, tmp_path / name)
        with Image.open(path) as image:
            width, height = image.size
        fig_w, fig_h = fig.get_size_inches() * 100
        assert min_w <= width <= fig_w + 1 and min_h <= height <= fig_h + 1


def test_new_charts_leave_pyplot_alone():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    charts.comparison_bars(comparison_table(), title="t")
    charts.trend_lines(trend_table(), title="t")
    assert plt.get_fignums() == before
