"""Count sources: each kind of money says its own provenance, method, stamp, label and basis note."""

from __future__ import annotations

import pytest

from tuttotal.count import measured_modelled, outturn_count, real_years, topdown
from tuttotal.count.apportion import MEASURED, MODELLED
from tuttotal.count.sources import (
    MeasuredModelledSource,
    OutturnSource,
    SpendFileSource,
    SyntheticSource,
    TopDownSource,
    real_source,
)


def test_each_kind_says_what_it_is():
    demo, user = SyntheticSource("Demo"), SpendFileSource("Kent", "inputs/kent.csv")
    assert (demo.kind, demo.name, demo.stamp, demo.is_illustrative, demo.is_real) == (
        "synthetic",
        "file",
        "SYNTHETIC",
        True,
        False,
    )
    assert (user.kind, user.name, user.stamp, user.is_illustrative, user.label) == (
        "user",
        "file",
        None,
        False,
        "spend files, measured",
    )
    assert "make_sample.py" in demo.method and "Bottom-up" in user.method
    assert user.provenance("2008-09") == "Spend: kent.csv (supplied)."
    for name, kind, method in [
        ("top-down", TopDownSource, topdown.METHOD),
        ("measured", MeasuredModelledSource, measured_modelled.METHOD),
        ("outturn", OutturnSource, outturn_count.METHOD),
    ]:
        source = real_source(name, "Thanet", None, None)
        assert type(source) is kind and source.name == name and source.method == method and source.is_real
        assert source.label.split(" ")[0].rstrip(",") in real_years.LABELS[name]
        assert not source.has_books, "no books given: no cuts to show"
    assert type(real_source("", "Thanet", None, None)) is TopDownSource


def test_a_spend_table_is_measured_throughout_and_a_real_count_gives_its_shares():
    assert "nothing modelled" in SpendFileSource("Kent", "k.csv").basis_note({MEASURED: 5, MODELLED: 0})
    assert "synthetic" in SyntheticSource("Demo").basis_note({})
    real = real_source("measured", "Thanet", None, None)
    assert real.basis_note({MEASURED: 0, MODELLED: 0}) is None
    note = real.basis_note({MEASURED: 25_000_000_00, MODELLED: 75_000_000_00})
    assert "(25%)" in note and "(75%)" in note and note.startswith("Measured (authorities' own books): £25")


def test_comparable_years_keep_a_real_counts_own_kind():
    years = ["2005-06", "2008-09", "2015-16", "2017-18"]
    kinds = {"2005-06": "top-down", "2008-09": "measured", "2015-16": "measured", "2017-18": "top-down"}
    assert real_source("measured", "X", None, None).comparable_years(years, kinds.get) == ["2008-09", "2015-16"]
    assert SyntheticSource("X").comparable_years(years, kinds.get) == years


@pytest.mark.parametrize("kind", ["synthetic", "user"])
def test_the_demo_report_takes_its_words_from_its_source(kind, tmp_path):
    from tuttotal import report
    from tuttotal.paths import project_file

    spend = str(project_file("data/sample/spend.csv")) if kind == "user" else ""
    demo = report.prepare(place="demo", spend_path=spend, output_dir=str(tmp_path))
    assert demo.spend_kind == kind == demo.summary()["spend"]
    assert demo.provenance.provenance_note == demo.count_source.provenance(demo.year)
    assert demo.method == demo.count_source.method and demo.source == "file"
