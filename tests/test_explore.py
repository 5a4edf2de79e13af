"""The explorer's update path, without a browser: values, classes, profiles, export, speed of a change."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.analysis.breakdown import ward_profiles
from tuttotal.explore import explorer as explore
from tuttotal.explore.model import AREA_PREFIX
from tuttotal.figures import classify

from .conftest import MARGATE_CENTRAL, REAL_DATA, THANET, TWO_KENT_DISTRICTS


@pytest.fixture(scope="module")
def demo():
    return explore.load_place("demo")


@pytest.fixture(scope="module")
def area(wards_dir):
    """Dartford and Thanet, two Kent districts (40 wards): a real place of several districts, on the fixture too."""
    return explore.load_place(lads=list(TWO_KENT_DISTRICTS), data_dir=str(wards_dir))


def _pick(data):
    """A selection of some themes and agency types, not all."""
    return explore.Selection(themes=data.themes[1:5], agency_types=data.agency_types[:3], measure="total")


def test_ward_values_sum_to_the_filtered_spend(demo):
    selection = _pick(demo)
    table = explore.ward_table(demo, selection)
    spend = explore.filter_spend(demo.count.count.ward_spend, selection.themes, selection.agency_types)
    by_ward = spend.groupby("ward_code")["amount_pence"].sum().reindex(table.ward_code, fill_value=0)
    assert table.amount_pence.tolist() == by_ward.tolist()  # exact, in pence
    assert table.amount_pence.sum() == spend.amount_pence.sum()
    assert table.value.tolist() == pytest.approx((table.amount_pence / 100).tolist())


def test_every_theme_and_agency_is_the_whole_count(demo):
    table = explore.ward_table(demo, demo.default_selection())
    assert table.amount_pence.sum() == demo.count.count.reconciliation.placed_pence
    assert table.share_of_place.sum() == pytest.approx(1.0)


def test_measures(demo):
    base = demo.default_selection()
    per_head = explore.ward_table(demo, base)
    assert base.measure == "per_head"
    assert per_head.value.tolist() == pytest.approx((per_head.amount_gbp / per_head.population).tolist())
    share = explore.ward_table(demo, explore.Selection(base.themes, base.agency_types, measure="share"))
    assert share.value.sum() == pytest.approx(1.0)


def test_nothing_chosen_counts_nothing(demo):
    table = explore.ward_table(demo, explore.Selection(themes=(), agency_types=demo.agency_types, measure="total"))
    assert (table.amount_pence == 0).all()
    bins, classes, _ = classify.classify(table.value.to_numpy(), "quantiles", 5)
    assert bins.tolist() == [0.0] and set(classes) == {0}


def test_theme_breakdown_marks_the_chosen_themes(demo):
    selection = _pick(demo)
    table = explore.theme_table(demo, selection)
    assert set(table.theme) == set(demo.themes)
    assert set(table.loc[table.chosen, "theme"]) == set(selection.themes)
    spend = explore.filter_spend(demo.count.count.ward_spend, demo.themes, selection.agency_types)
    assert table.amount_gbp.sum() == pytest.approx(spend.amount_pence.sum() / 100)
    assert table.share_of_chosen.sum() == pytest.approx(1.0)
    assert table.amount_gbp.is_monotonic_decreasing


def test_the_ward_profile_matches_the_report(area):
    profiles = ward_profiles(area.count.count.ward_spend, area.wards, area.count.population).set_index("ward_code")
    expected = profiles.loc[MARGATE_CENTRAL]
    profile = explore.ward_profile(area, area.default_selection(), "Margate Central")
    assert profile.ward_code == MARGATE_CENTRAL and profile.lad_name == "Thanet"
    assert profile.amount_gbp == pytest.approx(expected.amount_gbp)
    assert profile.per_head_gbp == pytest.approx(expected.per_head_gbp)
    assert profile.share_of_lad == pytest.approx(expected.share_of_lad)
    assert profile.share_of_place == pytest.approx(expected.share_of_place)
    assert (profile.rank_in_lad, profile.rank_in_place) == (expected.rank_in_lad, expected.rank_in_place)
    assert profile.place_wards == len(area.wards) == 40 and area.wards.lad_code.nunique() == 2
    assert profile.by_theme.ward_gbp.sum() == pytest.approx(expected.amount_gbp)
    html = explore.profile_html(profile)
    assert "Margate Central" in html and "Thanet" in html and f"of {profile.lad_wards} in Thanet" in html


def test_the_profile_compares_with_the_lad_and_the_place(area):
    selection = _pick(area)
    profile = explore.ward_profile(area, selection, MARGATE_CENTRAL)
    spend = explore.filter_spend(area.count.count.ward_spend, selection.themes, selection.agency_types)
    population = area.count.population
    thanet = area.wards.ward_code[area.wards.lad_code == "E07000114"]
    lad = spend[spend.ward_code.isin(thanet)].groupby("theme")["amount_pence"].sum() / 100 / population[thanet].sum()
    got = profile.by_theme.set_index("theme")
    assert set(got.index) == set(selection.themes)
    assert got.lad_per_head_gbp.to_dict() == pytest.approx(lad.reindex(got.index, fill_value=0).to_dict())
    place = spend.groupby("theme")["amount_pence"].sum() / 100 / population.sum()
    assert got.place_per_head_gbp.to_dict() == pytest.approx(place.reindex(got.index, fill_value=0).to_dict())


@pytest.fixture(scope="module")
def thanet(data_root):
    return explore.load_place(lads=[THANET], year="2008-09", data_dir=str(data_root))


def test_the_profile_says_how_much_the_driver_decides(thanet):
    """Margate Central, Thanet, 2008-09: its modelled money by population alone beside the need drivers."""
    row = thanet.count.sensitivity.table().set_index("code").loc[MARGATE_CENTRAL]  # sensitivity.csv's row
    profile = explore.ward_profile(thanet, _pick(thanet), "Margate Central")  # some themes chosen: all the same
    driver = profile.driver
    assert driver.year == "2008-09"
    for name in ("measured_gbp", "modelled_need_gbp", "modelled_population_gbp"):
        assert getattr(driver, name) == pytest.approx(row[name], abs=0.005), name
    assert driver.need_per_head_gbp == pytest.approx(row.need_per_head_gbp)
    assert driver.population_per_head_gbp == pytest.approx(row.population_per_head_gbp)
    whole = explore.ward_profile(thanet, thanet.default_selection(), MARGATE_CENTRAL)
    assert whole.per_head_gbp == pytest.approx(driver.need_per_head_gbp), "the need drivers' figure is the count's"
    assert driver.need_per_head_gbp - driver.population_per_head_gbp > 500, "need puts more in a deprived ward"
    html = explore.profile_html(profile)
    sentence = (
        f"£{row.need_per_head_gbp:,.0f} a head with the need drivers, "
        f"£{row.population_per_head_gbp:,.0f} with population alone."
    )
    assert sentence in html and "How much the driver decides (2008-09, all themes and agencies)" in html
    assert "the authorities&#x27; own books" in html  # text escaped as every text of the card


def test_the_exported_tables_say_their_basis_and_prices(thanet, demo, tmp_path):
    for data, bases in ((thanet, {"measured", "modelled"}), (demo, {"measured"})):
        selection = _pick(data)
        written = explore.export(data, selection, output_dir=tmp_path)
        money = {f"{b}_gbp": str for b in ("amount", "measured", "modelled")}
        table = pd.read_csv(written["table"], dtype=money)
        parts = [sum(int(v.replace(".", "")) for v in table[f"{b}_gbp"]) for b in ("measured", "modelled")]
        for row in table.itertuples():  # exact: each ward's parts add up to its money, to the penny
            assert int(row.measured_gbp.replace(".", "")) + int(row.modelled_gbp.replace(".", "")) == int(
                row.amount_gbp.replace(".", "")
            ), row.ward_code
        assert {b for b, pence in zip(("measured", "modelled"), parts, strict=True) if pence} == bases
        themes = pd.read_csv(written["themes"])
        assert (themes.measured_gbp + themes.modelled_gbp).to_numpy() == pytest.approx(themes.amount_gbp.to_numpy())
        assert set(table["prices"]) == set(themes["prices"]) == {"cash"}


def test_the_driver_follows_the_chosen_year_and_is_absent_without_modelled_money(thanet, demo):
    other = explore.from_report(thanet.count, "2009-10")
    driver = explore.ward_profile(other, other.default_selection(), MARGATE_CENTRAL).driver
    assert driver.year == "2009-10"
    table = other.sensitivity()
    spend = thanet.count.ward_spend_of_year("2009-10")
    modelled = spend.loc[spend["basis"] == "modelled", "amount_pence"].sum()
    assert round(table["modelled_need_gbp"].sum() * 100) == modelled, "the year's own count, to the penny"
    assert driver.modelled_need_gbp == pytest.approx(table.loc[MARGATE_CENTRAL, "modelled_need_gbp"])
    profile = explore.ward_profile(demo, demo.default_selection(), demo.wards.ward_code.iloc[0])
    assert profile.driver is None and "How much the driver decides" not in explore.profile_html(profile)


def test_natural_breaks_minimise_the_squared_deviation():
    from itertools import combinations

    values = np.array([3.0, 4, 9, 10, 11, 19, 20, 40, 41, 42, 70])

    def cost(cuts):
        groups = np.split(values, cuts)
        return sum(((g - g.mean()) ** 2).sum() for g in groups)

    best = min(combinations(range(1, len(values)), 3), key=cost)
    expected = [values[i - 1] for i in best] + [values[-1]]
    assert classify.class_bounds(values, "naturalbreaks", 4).tolist() == expected


def test_classes_and_legend_labels(area):
    table = explore.ward_table(area, area.default_selection())
    values = table.value.to_numpy()
    for scheme in explore.SCHEMES:
        bins, classes, name = classify.classify(values, scheme, 5)
        assert name == explore.SCHEMES[scheme] and bins.size == 5
        assert (classes >= 0).all() and np.all(values <= bins[classes] + 1e-9)
        labels = classify.class_labels(bins, values, classes, explore.value_format("per_head"))
        assert sum(int(label.split("(")[1].split()[0]) for label in labels) == len(values)
        assert all(label.startswith("£") for label in labels)


def test_export_writes_the_map_and_tables_into_outputs_slug_explore(demo, tmp_path):
    selection = explore.Selection(demo.themes[:3], demo.agency_types, measure="per_head", scheme="naturalbreaks", k=4)
    written = explore.export(demo, selection, output_dir=tmp_path)
    folder = tmp_path / "demo" / "explore"
    assert {p.parent for p in written.values()} == {folder}
    assert written["map"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = pd.read_csv(written["table"], dtype={"amount_gbp": str})
    assert len(table) == 24 and {"ward_code", "ward_name", "value", "class", "class_label"} <= set(table.columns)
    filtered = explore.filter_spend(demo.count.count.ward_spend, selection.themes, selection.agency_types)
    pence = sum(int(a.replace(".", "")) for a in table.amount_gbp)
    assert pence == filtered.amount_pence.sum()  # exact to the penny
    assert set(table["class"]) == {1, 2, 3, 4}
    themes = pd.read_csv(written["themes"])
    assert themes.chosen.sum() == 3
    about = json.loads(written["selection"].read_text(encoding="utf-8"))
    assert about["scheme"] == "naturalbreaks" and about["k"] == 4 and about["place"] == "demo"
    again = explore.export(demo, selection, output_dir=tmp_path)
    assert again == written  # the same view, the same files


def _texts(figure, gid):
    return [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text") and a.get_gid() == gid)]


def test_the_exported_map_is_the_house_ward_map_of_the_view(thanet, tmp_path):
    """The PNG is :func:`tuttotal.figures.maps.ward_map` of the view: its values' classes, title, chosen ward named."""
    from matplotlib.colors import to_rgb
    from matplotlib.image import imread

    from tuttotal.explore.export import export_map
    from tuttotal.figures.style import class_colours

    selection = explore.Selection(
        thanet.themes[:4], thanet.agency_types, measure="per_head", scheme="naturalbreaks", k=4, ward=MARGATE_CENTRAL
    )
    table = explore.ward_table(thanet, selection)
    spend = explore.filter_spend(thanet.count.ward_spend_of_year("2008-09"), selection.themes, selection.agency_types)
    figure = export_map(thanet, selection, table, spend)
    assert _texts(figure, "title") == [explore.view_titles(thanet, selection)["title"]]
    legend = figure.axes[0].get_legend()
    assert legend.get_title().get_text() == "£ per head (natural breaks, 4 classes)"
    _, classes, _ = classify.classify(table.value.to_numpy(), "naturalbreaks", 4)
    counts = [int(t.get_text().split("(")[1].split()[0]) for t in legend.get_texts()]
    assert counts == np.bincount(classes, minlength=4).tolist()  # the view's classes, ward by ward
    assert "Margate Central" in _texts(figure, "focus-label")  # the chosen ward is outlined and named
    assert any("4 of 9 themes" in line for line in _texts(figure, "notes"))  # what was counted, under the map

    written = explore.export(thanet, selection, output_dir=tmp_path)
    png = imread(written["map"])  # the file itself: a picture of the house map's size, in the classes' colours
    height, width = png.shape[:2]
    assert width > 700 and height > 500
    pixels = png.reshape(-1, png.shape[2])[:, :3]
    for colour in class_colours(4):  # each class's colour is somewhere on the map (PNG rounding aside)
        assert np.abs(pixels - np.asarray(to_rgb(colour))).max(axis=1).min() < 0.01, colour


def test_the_explorer_updates_without_reloading_and_says_where_it_exported(wards_dir, tmp_path):
    explorer = explore.Explorer("demo", data_dir=str(wards_dir), output_dir=str(tmp_path))
    explorer.set_place(lads=TWO_KENT_DISTRICTS)
    slug, key = "_".join(TWO_KENT_DISTRICTS), AREA_PREFIX + ",".join(TWO_KENT_DISTRICTS)
    assert explorer.data.slug == slug and len(explorer.ward_box.options) == 40

    def fills():
        return [f["properties"]["style"]["fillColor"] for f in explorer.view.wards.data["features"]]

    first = fills()
    explorer.themes_box.value = explorer.data.themes[:2]
    assert fills() != first  # the map widget's wards were recoloured
    assert "2 of 9 themes" in explorer.map_title.value
    profile = explorer.select_ward("Margate Central")
    assert "Margate Central" in explorer.profile_html.value and profile.ward_code == MARGATE_CENTRAL
    assert "Margate Central" in explorer.legend.value
    runs = dict(explorer._counts)
    explorer.set_place("demo")
    explorer.set_place(lads=TWO_KENT_DISTRICTS)  # cached: the same objects, no reload
    assert explorer._counts == runs and explorer._data[(key, "2008-09")].count is runs[key]
    written = explorer.export()
    assert written["map"].is_file() and written["table"].is_file()
    assert str(tmp_path / slug / "explore") in explorer.status.value.replace("&#x27;", "'")
    assert written["map"].name in explorer.status.value


def test_the_explorer_takes_a_place_runs_parameters_or_their_keywords(demo, wards_dir):
    from tuttotal.count.parameters import PlaceParameters

    given = PlaceParameters(place="demo", focus_wards=("Abbey Meads",), data_dir=str(wards_dir))
    data = explore.load_place(given)
    assert data.count.parameters.focus_wards == ("Abbey Meads",) and data.count.parameters.data_dir == str(wards_dir)
    assert (data.cube == explore.load_place("demo", data_dir=str(wards_dir)).cube).all()
    explorer = explore.Explorer(given)
    assert explorer.parameters is given and explorer.data.count.parameters.focus_wards == ("Abbey Meads",)
    assert explore.Explorer().data.slug == "demo", "the demo when neither a place nor LADs are given"
    with pytest.raises(ValueError, match="unknown place parameter 'yaer'"):
        explore.explore(place="demo", yaer="2008-09")


def real_explorer(wards_dir) -> explore.Explorer:
    """The explorer on a real place: Kent (283 wards) with the real data root, else Thanet (23: the fixture's)."""
    if REAL_DATA:
        return explore.Explorer("kent", data_dir=str(wards_dir))
    return explore.Explorer("", lads=[THANET], data_dir=str(wards_dir))


def test_a_change_redraws_without_reloading_and_records_its_time(wards_dir):
    """A control change is a masked sum and a recolour of the data already loaded: nothing is read again.

    How long it takes is the benchmark's question (benchmarks/explore.py), not a test's: the time is recorded.
    """
    explorer = real_explorer(wards_dir)
    data, loaded = explorer.data, dict(explorer._data)
    themes_of_kent = explorer.data.themes
    legends = []
    for themes in (themes_of_kent[:3], themes_of_kent[2:7], themes_of_kent):
        explorer.timings.pop("total_s", None)
        explorer.themes_box.value = themes
        assert explorer.timings["total_s"] >= 0
        legends.append(explorer.legend.value)
    assert explorer.data is data and explorer._data == loaded  # the same tables: no reload
    assert len(set(legends)) == 3  # and each change did redraw


def test_an_unknown_ward_or_place_is_said_not_raised(demo):
    explorer = explore.Explorer("demo")
    explorer.ward_box.value = "Nowhere at all"
    assert "No ward of" in explorer.profile_html.value
    explorer.lads_box.value = "E07999999"
    assert "not an English LAD code" in explorer.status.value
    assert explorer.data.slug == "demo"


def test_the_map_widget_hovers_and_chooses_a_ward_on_click(wards_dir):
    """The map is an ipyleaflet widget with no basemap: hover names a ward, a click chooses it everywhere."""
    from ipyleaflet import GeoJSON, Map, TileLayer

    explorer = real_explorer(wards_dir)
    view = explorer.view
    assert isinstance(view.widget, Map) and "tuttotal-map" in view.widget._dom_classes
    assert not any(isinstance(layer, TileLayer) for layer in view.widget.layers)  # no tile: works offline
    assert view.widget.scroll_wheel_zoom and view.widget.zoom > 7
    wards = next(layer for layer in view.widget.layers if isinstance(layer, GeoJSON) and layer.name == "Wards")
    assert len(wards.data["features"]) == (283 if REAL_DATA else 23)
    codes = [f["properties"]["code"] for f in wards.data["features"]]
    assert codes == list(explorer.data.wards.ward_code)

    # Hover: what Leaflet sends on mouseover (the feature and its properties).
    feature = wards.data["features"][codes.index(MARGATE_CENTRAL)]
    hover = {"event": "mouseover", "feature": feature, "properties": feature["properties"]}
    wards._handle_mouse_events(None, hover, [])
    assert "Margate Central" in view.hover.value and "Thanet" in view.hover.value
    assert "£ per head" in view.hover.value and "£" in view.hover.value.split("£ per head")[1]

    # Click: the ward is chosen, the list follows, the profile opens, the map outlines it.
    wards._handle_mouse_events(None, {**hover, "event": "click"}, [])
    assert explorer.ward_box.value.startswith("Margate Central")
    assert explorer.selection.ward == MARGATE_CENTRAL
    assert "Margate Central" in explorer.profile_html.value and "Margate Central" in explorer.legend.value
    assert [f["properties"]["code"] for f in view.selected.data["features"]] == [MARGATE_CENTRAL]

    # A control still updates map, legend, breakdown and profile together.
    legend, breakdown, profile = explorer.legend.value, explorer.themes_html.value, explorer.profile_html.value
    fills = [f["properties"]["style"]["fillColor"] for f in wards.data["features"]]
    explorer.themes_box.value = explorer.data.themes[:2]
    assert explorer.legend.value != legend and explorer.themes_html.value != breakdown
    assert explorer.profile_html.value != profile and "Margate Central" in explorer.profile_html.value
    assert [f["properties"]["style"]["fillColor"] for f in wards.data["features"]] != fills
    explorer.measure_box.value = "total"
    assert "£ total" in explorer.legend.value and "£ total" in view.describe(MARGATE_CENTRAL)


def test_an_update_is_computed_without_a_widget(demo):
    """The update path is a plain function: values, classes, the panels' HTML and the time of each step."""
    ward = demo.wards.ward_code.iloc[2]
    selection = explore.Selection(demo.themes[:2], demo.agency_types, measure="total", ward=ward)
    drawn = []
    update = explore.compute_update(demo, selection, draw_map=lambda *a, **k: drawn.append(k), focus=True)
    assert drawn == [{"measure": "total", "selected": ward}]  # the map is redrawn once, with the chosen ward
    assert set(update.steps) == {"values_s", "map_s", "panels_s", "total_s"}
    assert update.steps["total_s"] >= max(update.steps["values_s"], update.steps["map_s"], update.steps["panels_s"])
    assert update.table.value.tolist() == explore.ward_table(demo, selection).value.tolist()
    name = str(demo.wards.ward_name.iloc[2])
    assert name in update.profile and name in update.legend and "Focus ward" in update.legend
    assert "2 of 10 themes" in update.map_title and "spend by theme" in update.themes
    only_ward = explore.compute_update(demo, selection, what="ward", focus=True)
    assert only_ward.themes is None and only_ward.legend == update.legend


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_the_wards_add_up_to_the_chosen_themes_for_any_selection(demo, data):
    """For any themes and agency types chosen, the wards' money is the theme breakdown's chosen money, to the penny."""
    themes = data.draw(st.lists(st.sampled_from(demo.themes), unique=True))
    agencies = data.draw(st.lists(st.sampled_from(demo.agency_types), unique=True))
    selection = explore.Selection(tuple(themes), tuple(agencies), measure="total")
    wards = explore.ward_table(demo, selection)
    by_theme = explore.theme_table(demo, selection)
    assert wards.amount_pence.sum() == round(by_theme.loc[by_theme.chosen, "amount_gbp"].sum() * 100)
    assert set(by_theme.loc[by_theme.chosen, "theme"]) == set(themes)
