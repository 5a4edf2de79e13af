"""The place report's sections: made once per report, sharing one memo, reading one resolved data root.

Run on the synthetic demo (no data root needed): what the notebooks and the writers read of a report
(``count.need.text()``, ``count.maps.ward_map()``, the FIGURES registry) is the same object, drawn once.
"""

from __future__ import annotations

import pytest

from tuttotal import settings
from tuttotal.count.parameters import PlaceParameters
from tuttotal.count.place_count import PlaceCount
from tuttotal.count.place_loader import load_place_count
from tuttotal.report import PlaceReport, count_place
from tuttotal.writers.place import FIGURES


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return count_place(PlaceParameters(place="demo", output_dir=str(tmp_path_factory.mktemp("demo"))))


def test_the_count_resolves_its_data_root_once_and_the_report_keeps_it(tmp_path):
    count = load_place_count(PlaceParameters(place="demo", data_dir=str(tmp_path), output_dir=str(tmp_path / "o")))
    assert type(count) is PlaceCount
    assert isinstance(count.data_root, settings.DataRoot)
    assert count.data_root == settings.data_root(str(tmp_path))
    assert count.parameters.data_dir == str(tmp_path), "the parameters keep the string summary.json records"
    report = PlaceReport.of(count)
    assert report.data_root is count.data_root and report.count is count.count


def test_each_section_is_made_once_and_reads_the_same_report(demo):
    sections = ("provenance", "need", "change", "comparisons", "published", "maps", "sensitivity")
    for name in sections:
        section = getattr(demo, name)
        assert section is getattr(demo, name), f"{name}: made once"
        assert section.count is demo, f"{name}: reads this report"
    assert demo.need.provenance is demo.provenance and demo.maps.need is demo.need


def test_the_registry_saves_the_figures_the_sections_show(demo):
    """The notebook shows a section's figure and write_outputs saves the very same one (drawn once)."""
    shown = {
        "ward_map": demo.maps.ward_map(),
        "themes": demo.themes_chart(),
        "focus_comparison_chart": demo.comparisons.focus_chart(),
        "deprivation_map": demo.need.deprivation_map(),
        "need_scatter": demo.need.chart(),
        "lorenz": demo.need.lorenz_chart(),
    }
    for name, figure in shown.items():
        assert figure is not None, name
        assert FIGURES[name].draw(demo) is figure, f"{name}: the registry draws it again"
    assert FIGURES["trend"].draw(demo) is None, "the demo has one year: no trend"
    assert FIGURES["cuts_map"].draw(demo) is None, "not a year of the councils' cuts"
    assert demo.maps.draw_ward_map() is not demo.maps.ward_map(), "draw_ward_map draws anew"


def test_a_sections_table_is_a_copy_callers_may_change(demo):
    first = demo.need.ward_need()
    first["amount_gbp"] = -1.0
    assert (demo.need.ward_need()["amount_gbp"] >= 0).all()
