"""Every money figure shows measured and modelled money apart, and its notes say which is which.

The charts hatch the modelled part of a bar (the theme, focus comparison and
per-head-by-theme charts) or of the band under the focus line (the trend);
a map, which cannot hatch a share, gives the place's measured and modelled
money with their shares in a legend. Checked on the charts' own inputs, on
Thanet 2008-09 (councils' books measured, the rest modelled) and on the
synthetic demo (all measured: no hatching, a note that says so).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.analysis.breakdown import basis_totals
from tuttotal.figures import charts
from tuttotal.figures.style import MODELLED_HATCH, basis_split_labels

from .conftest import MARGATE_CENTRAL, THANET


def hatched(ax) -> list:
    """The hatched bars of a chart: the modelled parts."""
    return [p for p in ax.patches if p.get_hatch() == MODELLED_HATCH and p.get_gid() == "modelled"]


def legend_texts(legend) -> list[str]:
    return [t.get_text() for t in legend.get_texts()] if legend is not None else []


# --------------------------------------------------------------------------- the charts, on their own


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(1.0, 1e6), st.floats(0.0, 1.0)),
        min_size=1,
        max_size=6,
    )
)
def test_the_theme_chart_hatches_exactly_the_modelled_money(rows):
    names = [f"theme {i}" for i in range(len(rows))]
    totals = pd.Series([v for v, _ in rows], index=names)
    modelled = pd.Series([v * f for v, f in rows], index=names)
    fig = charts.theme_bars(totals, title="T", modelled=modelled)
    ax = fig.axes[0]
    bars = hatched(ax)
    assert sum(b.get_width() for b in bars) == pytest.approx(modelled.sum(), rel=1e-9, abs=1e-6)
    for bar in bars:  # each hatched part ends where its bar ends
        assert any(abs(bar.get_x() + bar.get_width() - v) < 1e-6 * max(v, 1) for v in totals)
    labels = legend_texts(ax.get_legend())
    if modelled.sum() > 0:
        assert any(label.startswith("modelled") for label in labels)
        assert any(label.startswith("measured") for label in labels) == bool((modelled < totals).any())
    else:
        assert not bars


def test_comparison_bars_hatch_each_areas_modelled_part():
    table = pd.DataFrame(
        {
            "area": ["Ward"] * 2 + ["Place"] * 2,
            "theme": ["health", "police"] * 2,
            "value": [900.0, 150.0, 1100.0, 120.0],
            "modelled": [300.0, 150.0, 0.0, 60.0],
        }
    )
    fig = charts.comparison_bars(table, title="Ward against Place")
    ax = fig.axes[0]
    widths = sorted(round(b.get_width(), 6) for b in hatched(ax))
    assert widths == [60.0, 150.0, 300.0]
    ends = sorted(round(b.get_x() + b.get_width(), 6) for b in hatched(ax))
    assert ends == [120.0, 150.0, 900.0]
    assert legend_texts(ax.get_legend()) == ["measured: the body's own books", "modelled: region's money by driver"]
    plain = charts.comparison_bars(table.drop(columns="modelled"), title="Ward against Place")
    assert not hatched(plain.axes[0]) and plain.axes[0].get_legend() is None
    whole = charts.comparison_bars(table.assign(modelled=table["value"]), title="A top-down year").axes[0]
    assert sum(b.get_width() for b in hatched(whole)) == pytest.approx(table["value"].sum())
    assert legend_texts(whole.get_legend()) == ["modelled: region's money by driver"]  # nothing measured to key


def test_trend_lines_shade_the_focus_areas_measured_and_modelled_parts():
    table = pd.DataFrame(
        {
            "year": ["2007-08", "2008-09", "2007-08", "2008-09"],
            "area": ["Ward", "Ward", "Place", "Place"],
            "value": [2000.0, 2400.0, 1500.0, 1600.0],
            "modelled": [1500.0, 1600.0, 1000.0, 1000.0],
        }
    )
    ax = charts.trend_lines(table, title="T").axes[0]
    shaded = {c.get_gid(): c for c in ax.collections}
    assert set(shaded) == {"measured", "modelled"}
    assert shaded["modelled"].get_hatch() == MODELLED_HATCH and not shaded["measured"].get_hatch()
    # the modelled band runs from the measured part (500, 800) up to the line (2000, 2400)
    ys = shaded["modelled"].get_paths()[0].vertices[:, 1]
    assert {round(float(y)) for y in ys} == {500, 800, 2000, 2400}
    ys = shaded["measured"].get_paths()[0].vertices[:, 1]
    assert {round(float(y)) for y in ys} == {0, 500, 800}
    assert legend_texts(ax.get_legend()) == [
        "Ward, measured: the body's own books",
        "modelled: region's money by driver",
    ]
    plain = charts.trend_lines(table.drop(columns="modelled"), title="T").axes[0]
    assert not plain.collections and plain.get_legend() is None


def test_basis_split_labels_name_both_shares():
    assert basis_split_labels(250.0, 750.0) == ["measured £250 (25%)", "modelled £750 (75%)"]


# --------------------------------------------------------------------------- the demo: all measured


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from tuttotal import report

    return report.prepare(place="demo", output_dir=str(tmp_path_factory.mktemp("demo")))


def test_the_demos_figures_are_not_hatched_and_say_they_are_measured(demo):
    figures = [demo.themes_chart(), demo.comparisons.focus_chart(), demo.change.trend_chart(), demo.maps.ward_map()]
    figures = [f for f in figures if f is not None]
    assert len(figures) >= 3
    for fig in figures:
        ax = fig.axes[0]
        assert not hatched(ax) and not [c for c in ax.collections if c.get_gid() == "modelled"]
        notes = " ".join(t.get_text() for t in fig.texts if t.get_gid() == "notes")
        assert "Measured throughout" in notes and "synthetic" in notes
    assert not [a for a in demo.maps.ward_map().axes[0].artists if a.get_gid() == "basis"]


# --------------------------------------------------------------------------- Thanet 2008-09, real


@pytest.fixture(scope="module")
def thanet(data_root, tmp_path_factory):
    """Thanet, 2008-09: the councils' own books measured, the rest modelled."""
    from tuttotal import report

    return report.prepare(
        lads=[THANET],
        year="2008-09",
        focus_wards=[MARGATE_CENTRAL],
        data_dir=str(data_root),
        output_dir=str(tmp_path_factory.mktemp("thanet")),
    )


def test_thanets_ward_map_gives_the_measured_and_modelled_shares(thanet):
    totals = basis_totals(thanet.count.ward_spend)
    measured, modelled = totals["measured"], totals["modelled"]
    assert measured > 0 and modelled > 0
    ax = thanet.maps.ward_map().axes[0]
    (legend,) = [a for a in ax.artists if a.get_gid() == "basis"]
    texts = legend_texts(legend)
    share = measured / (measured + modelled)
    assert texts == [
        f"measured {_gbp(measured)} ({share:.0%})",
        f"modelled {_gbp(modelled)} ({1 - share:.0%})",
    ]
    assert ax.get_legend().get_title().get_text().startswith("£ per head")  # the class legend is still the legend


def _gbp(pence: int) -> str:
    from tuttotal.money import format_gbp

    return format_gbp(pence, 3)


def test_thanets_theme_chart_hatches_the_modelled_pounds(thanet):
    ax = thanet.themes_chart().axes[0]
    modelled = basis_totals(thanet.count.ward_spend)["modelled"] / 100
    assert sum(b.get_width() for b in hatched(ax)) == pytest.approx(modelled, abs=1.0)


def test_thanets_comparison_hatches_each_areas_modelled_money_per_head(thanet):
    ax = thanet.comparisons.focus_chart().axes[0]
    table = thanet.comparisons.focus(by_basis=True)
    table = table[(table.theme != "all themes") & (table.basis == "modelled")]
    expected = sorted(v for v in table["per_head_gbp"].to_numpy(dtype=float) if v > 0)
    got = sorted(b.get_width() for b in hatched(ax))
    assert got == pytest.approx(expected, rel=1e-9)
    assert "modelled: region's money by driver" in legend_texts(ax.get_legend())


def test_thanets_trend_hatches_the_focus_wards_modelled_money(thanet):
    fig = thanet.change.trend_chart()
    if fig is None:
        pytest.skip("one comparable year only")
    ax = fig.axes[0]
    table = thanet.change.change_by_year()
    ward = table[table.area == "Margate Central"].sort_values("year")
    measured_per_head = ward["per_head_gbp"] * ward["measured_gbp"] / ward["amount_gbp"]
    band = next(c for c in ax.collections if c.get_gid() == "modelled")
    ys = band.get_paths()[0].vertices[:, 1]
    for top, bottom in zip(ward["per_head_gbp"], measured_per_head, strict=True):
        assert np.isclose(ys, top).any() and np.isclose(ys, bottom).any()
    notes = " ".join(t.get_text() for t in fig.texts if t.get_gid() == "notes")
    assert "Measured (authorities' own books)" in notes and "modelled" in notes


def test_thanets_web_map_legend_gives_both_shares(thanet):
    html = thanet.maps.web_map().html
    lines = basis_split_labels(*thanet.basis_split())
    assert lines[0].startswith("measured £") and lines[1].startswith("modelled £")
    for line in lines:
        assert line in html
