"""Every notebook takes the same parameters, so any notebook runs for any area."""

from __future__ import annotations

import subprocess
import sys

import papermill
import pytest

from .conftest import REPO

CONTRACT = {"place", "lads", "year", "focus_wards", "spend_path", "drivers_path", "data_dir", "output_dir"}
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_parameters_follow_the_contract(notebook):
    parameters = papermill.inspect_notebook(str(notebook))
    assert set(parameters) >= CONTRACT
    assert parameters["output_dir"]["default"] == '""'


def test_plain_papermill_runs_the_report_for_an_area(wards_dir, tmp_path):
    """The README's papermill line works: parameters by name, a real kernel, files written."""
    out = tmp_path / "thanet"
    papermill.execute_notebook(
        str(REPO / "notebooks" / "place_report.ipynb"),
        str(tmp_path / "report.ipynb"),
        parameters={"place": "", "lads": ["E07000114"], "data_dir": str(wards_dir), "output_dir": str(out)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(REPO / "notebooks"),
    )
    assert {"ward_map.png", "themes.png", "ward_theme.csv", "summary.json"} <= {p.name for p in out.iterdir()}


def test_import_tuttotal_is_light():
    code = (
        "import sys, tuttotal, tuttotal.cli, tuttotal.places, tuttotal.errors;"
        "heavy = {'pandas', 'geopandas', 'matplotlib', 'papermill', 'shapely', 'pooch'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
