"""The embedded synthetic place: reproducible byte for byte, never mistaken for real data."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tuttotal import report
from tuttotal.data import place_wards, places, spend
from tuttotal.writers.place import write_tables

from .conftest import REPO

SAMPLE = REPO / "data" / "sample"


def test_re_running_the_generator_reproduces_the_files_byte_for_byte(tmp_path):
    subprocess.run([sys.executable, str(SAMPLE / "make_sample.py"), str(tmp_path)], check=True, capture_output=True)
    for name in ("wards.geojson", "spend.csv", "drivers.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_the_demo_place_is_small_two_lads_and_can_never_be_ons_codes():
    demo = places.get_place("demo")
    wards = place_wards.load_place_wards(demo)
    assert demo.is_synthetic and "synthetic" in demo.name.lower()
    assert len(demo.lads) == 2 and 15 <= len(wards) <= 30
    ons_like = re.compile(r"^[EWSNKLMJ]\d{8}$")
    assert not any(ons_like.match(c) for c in [*wards.ward_code, *wards.lad_code])


def test_the_sample_spend_covers_five_agency_types_and_all_ten_functions():
    table = spend.read_spend(SAMPLE / "spend.csv")
    assert table.agency_type.nunique() >= 5
    assert {f.split(".")[0] for f in table.function} == {f"{i:02d}" for i in range(1, 11)}
    drivers = spend.read_drivers(SAMPLE / "drivers.csv")
    assert "population" in set(drivers.driver)


@pytest.mark.parametrize("kind", ["synthetic"])
def test_demo_report_says_synthetic_everywhere(kind, tmp_path):
    run = report.prepare(place="demo", output_dir=str(tmp_path))
    assert run.spend_kind == kind and run.stamp == "SYNTHETIC"
    assert "SYNTHETIC" in run.totals_text()
    assert all("SYNTHETIC" in note for note in run.provenance.figure_notes[:1])
    assert run.summary()["illustrative"] is True


def test_two_runs_on_the_same_inputs_give_byte_identical_csvs(tmp_path):
    first = write_tables(report.prepare(place="demo", output_dir=str(tmp_path / "a")))
    second = write_tables(report.prepare(place="demo", output_dir=str(tmp_path / "b")))
    assert first.keys() == second.keys() and "ward_theme" in first
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes(), name


def test_summary_records_hashes_parameters_and_versions(tmp_path):
    from tuttotal.data.datasets import sha256_of

    run = report.prepare(place="demo", output_dir=str(tmp_path))
    summary = run.summary()
    assert summary["inputs"]["spend"] == sha256_of(SAMPLE / "spend.csv")
    assert summary["inputs"]["drivers"] == sha256_of(SAMPLE / "drivers.csv")
    assert summary["inputs"]["boundaries:wards.geojson"] == sha256_of(SAMPLE / "wards.geojson")
    assert {"themes", "transfers"} <= set(summary["inputs"])
    assert summary["parameters"]["place"] == "demo"
    assert {"python", "pandas", "geopandas", "matplotlib", "tuttotal"} <= set(summary["versions"])
