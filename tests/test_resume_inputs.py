"""--resume never skips a changed input: edit each input of a run in turn and see the place run again."""

from __future__ import annotations

import json
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


def test_an_edited_pilot_theme_table_makes_the_deep_dive_run_again(home, tmp_path):
    """The deep dive reads data/pilot_themes.csv (the theme a pilot reported): it is one of its inputs."""
    out = tmp_path / "outputs"

    def deep_dive():
        args = ("run", "--place", "demo", "--notebook", "theme_deep_dive", "--resume", "--output", str(out))
        result = tuttotal(*args, cwd=home, env={"TUTTOTAL_HOME": str(home)})
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    assert "running 1 place(s)" in deep_dive()
    assert "resume: 1 place(s) up to date" in deep_dive()
    summary = json.loads((out / "demo" / "theme_deep_dive" / "summary.json").read_text())
    assert {"pilot_themes", "notebook", "themes"} <= set(summary["inputs"])
    table = home / "data" / "pilot_themes.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("children", "Children", 1), encoding="utf-8")
    assert "running 1 place(s)" in deep_dive(), "an edited pilot_themes.csv was skipped by --resume"
    assert "resume: 1 place(s) up to date" in deep_dive()


def test_a_repaired_england_map_makes_the_place_run_again(data_root, tmp_path):
    """A damaged england_lad_2013.topojson gives "No map of England"; once repaired, --resume redoes the place."""
    root = tmp_path / "data"
    root.mkdir()
    for entry in data_root.iterdir():
        if entry.name != "lad-2013":
            (root / entry.name).symlink_to(entry)
    (root / "lad-2013").mkdir()
    real = data_root / "lad-2013" / "england_lad_2013.topojson"
    damaged = root / "lad-2013" / "england_lad_2013.topojson"
    damaged.write_bytes(real.read_bytes()[: real.stat().st_size // 2])
    out = tmp_path / "outputs"

    def run():
        args = ("run", "--lad", "E06000019", "--resume", "--output", str(out))
        result = tuttotal(*args, cwd=tmp_path, env={"TUTTOTAL_DATA_DIR": str(root)})
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    assert "running 1 place(s)" in run()
    page = out / "E06000019" / "report.html"
    assert "No map of England" in page.read_text()
    summary = json.loads((out / "E06000019" / "summary.json").read_text())
    assert "england_map" in summary["inputs"]
    assert "resume: 1 place(s) up to date" in run()
    damaged.unlink()
    shutil.copyfile(real, damaged)  # repaired
    assert "running 1 place(s)" in run(), "a repaired England map was skipped by --resume"
    assert "No map of England" not in page.read_text()
