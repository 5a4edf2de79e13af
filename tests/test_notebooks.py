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
    from tuttotal.run.parameters import names_of

    parameters = papermill.inspect_notebook(str(notebook))
    assert set(parameters) >= CONTRACT
    assert tuple(parameters) == names_of(notebook.stem), "one parameters list (tuttotal.run.parameters)"
    assert parameters["output_dir"]["default"] == '""'


@pytest.mark.slow
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
        "import sys, tuttotal, tuttotal.cli, tuttotal.data.places, tuttotal.errors;"
        "heavy = {'pandas', 'geopandas', 'matplotlib', 'papermill', 'shapely', 'pooch'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


INJECTION = "Margate'); __import__('pathlib').Path('PWNED').touch() #\"\n{__import__('os').getcwd()}\\"


@pytest.mark.slow
def test_parameters_reach_the_notebook_as_string_values_and_run_nothing(tmp_path):
    """A malicious ward name, place name and path arrive as plain strings: nothing runs, nothing is written."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    out = tmp_path / "report.ipynb"
    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(REPO / "notebooks" / "place_report.ipynb"),
            str(out),
            parameters={
                "place": "demo",
                "focus_wards": [INJECTION],
                "output_dir": str(tmp_path / "files"),
                "drivers_path": "",
            },
            kernel_name="python3",
            progress_bar=False,
            cwd=str(tmp_path),
        )
    assert info.value.ename == "PlaceNotFoundError"
    assert "__import__(" in info.value.evalue and "PWNED" in info.value.evalue
    assert not (tmp_path / "PWNED").exists() and not (REPO / "notebooks" / "PWNED").exists()
    injected = next(
        c for c in nbformat.read(out, as_version=4).cells if "injected-parameters" in c.metadata.get("tags", [])
    )
    namespace: dict = {}
    exec(compile(injected.source, "injected", "exec"), {"__builtins__": {}}, namespace)  # literals only
    assert namespace["focus_wards"] == [INJECTION]


@pytest.mark.slow
def test_a_malicious_place_name_is_a_value_too(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(REPO / "notebooks" / "place_report.ipynb"),
            str(tmp_path / "report.ipynb"),
            parameters={"place": INJECTION, "output_dir": str(tmp_path / "files")},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(tmp_path),
        )
    assert info.value.ename == "PlaceNotFoundError"
    assert not (tmp_path / "PWNED").exists()
    assert not (tmp_path / "files").exists() or not any((tmp_path / "files").iterdir())
