"""--resume never skips a changed input: edit each input of a run in turn and see the place run again."""

from __future__ import annotations

import shutil

import pytest

from tuttotal.count import inputs
from tuttotal.data import places

from .conftest import REPO
from .test_cli import tuttotal


@pytest.fixture
def home(tmp_path):
    """A copy of the project's params/, data/ and notebooks/ (TUTTOTAL_HOME), so that its files can be edited."""
    home = tmp_path / "home"
    for folder in ("params", "data", "notebooks"):
        shutil.copytree(REPO / folder, home / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return home


def resume(home, out):
    args = ("run", "--place", "demo", "--resume", "--output", str(out))
    result = tuttotal(*args, cwd=home, env={"TUTTOTAL_HOME": str(home)})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


EDITS = {
    "spend": ("data/sample/spend.csv", lambda t: t + "2008-09,Ashcombe Council,council,X07000001,06,1.00,\n"),
    "drivers": ("data/sample/drivers.csv", lambda t: t.replace("population,5540.0", "population,5541.0", 1)),
    "themes": ("data/themes.csv", lambda t: t.replace("serve every resident", "serve everyone", 1)),
    "transfers": ("data/transfers.csv", lambda t: t.replace("housing benefit subsidy", "housing benefit subsidy:", 1)),
    "place_file": ("params/demo.yaml", lambda t: t.replace("24 wards in two", "24 wards in 2", 1)),
    "boundaries": ("data/sample/wards.geojson", lambda t: t.replace('"Abbey Meads"', '"Abbey Meadows"', 1)),
    "notebook": ("notebooks/place_report.ipynb", lambda t: t.replace("# Total Place count: one place", "# Count", 1)),
}


def test_the_report_and_resume_name_the_same_inputs(home, monkeypatch):
    monkeypatch.setenv("TUTTOTAL_HOME", str(home))
    names = set(inputs.run_inputs(places.get_place("demo")))
    assert {"spend", "drivers", "themes", "transfers", "place_file", "boundaries:wards.geojson"} == names


def test_every_edited_input_makes_exactly_that_place_run_again(home, tmp_path):
    out = tmp_path / "outputs"
    assert "running 1 place(s)" in resume(home, out)
    assert "resume: 1 place(s) up to date" in resume(home, out)
    for name, (relative, edit) in EDITS.items():
        path = home / relative
        text = path.read_text(encoding="utf-8")
        changed = edit(text)
        assert changed != text, f"the edit of {name} changed nothing"
        path.write_text(changed, encoding="utf-8")
        assert "running 1 place(s)" in resume(home, out), f"an edited {name} was skipped by --resume"
    assert "resume: 1 place(s) up to date" in resume(home, out)
