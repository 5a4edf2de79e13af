"""The `tuttotal` command end to end: real papermill, a real kernel, real files and exit codes."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from .conftest import CLIFTONVILLE_WEST, MARGATE_CENTRAL, REPO, SPEND_HEADER

LAYOUT = {"report.ipynb", "report.html", "ward_map.png", "themes.png", "ward_theme.csv", "summary.json"}


def tuttotal(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the command as a user would, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "tuttotal", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )


def ward_theme_total(folder: Path) -> Decimal:
    with open(folder / "ward_theme.csv", newline="") as f:
        return sum((Decimal(row["amount_gbp"]) for row in csv.DictReader(f)), Decimal(0))


def no_staging_left(root: Path) -> bool:
    """No hidden entry but the output folder's lock file (tuttotal.run.publish.LOCK_NAME), which stays."""
    return not [p for p in root.iterdir() if p.name.startswith(".") and p.name != ".tuttotal.lock"]


@pytest.fixture(scope="module")
def demo_run(demo_outputs):
    """The demo's report as the command wrote it (the shared run of conftest: read only)."""
    report, _, again, out = demo_outputs
    assert again.returncode == 0, again.stdout + again.stderr
    return report, out


def test_demo_run_writes_the_output_layout(demo_run):
    result, out = demo_run
    assert result.returncode == 0, result.stderr
    assert {p.name for p in (out / "demo").iterdir()} >= LAYOUT
    assert no_staging_left(out)
    assert "SYNTHETIC" in result.stdout


def test_demo_summary_holds_the_contract_keys_and_conserves_money(demo_run):
    _, out = demo_run
    summary = json.loads((out / "demo" / "summary.json").read_text())
    for key in (
        "place",
        "name",
        "lads",
        "year",
        "illustrative",
        "totals",
        "wards",
        "inputs",
        "parameters",
        "versions",
        "timings",
        "warnings",
    ):
        assert key in summary
    assert summary["place"] == "demo" and summary["wards"] == 24 and summary["illustrative"] is True
    totals = summary["totals"]
    assert totals["transfers_removed_gbp"] > 0
    # The demo's defence line is not a place's spending: reported, never placed (nor dropped).
    with open(REPO / "data" / "sample" / "spend.csv", newline="") as f:
        defence = sum(Decimal(r["amount_gbp"]) for r in csv.DictReader(f) if r["function"] == "02")
    assert [u["reason"] for u in totals["unplaced"]] == ["not a place's spending (excluded in the themes table)"]
    assert Decimal(str(totals["unplaced_gbp"])) == defence > 0
    # The CSV's pence add up to the spend file's pence exactly, less the transfers counted once.
    with open(REPO / "data" / "sample" / "spend.csv", newline="") as f:
        spend_total = sum(Decimal(r["amount_gbp"]) for r in csv.DictReader(f))
    assert Decimal(str(totals["input_gbp"])) == spend_total
    assert ward_theme_total(out / "demo") == spend_total - Decimal(str(totals["transfers_removed_gbp"])) - defence
    assert {"spend", "drivers", "themes", "notebook"} <= set(summary["inputs"])


def test_demo_page_hides_code_and_embeds_its_figures(demo_run):
    _, out = demo_run
    page = (out / "demo" / "report.html").read_text()
    assert "data:image/png;base64" in page
    assert "report.prepare(" not in page
    assert "SYNTHETIC" in page


def test_demo_figures_are_real_pngs(demo_run):
    from PIL import Image

    _, out = demo_run
    for name in ("ward_map.png", "themes.png"):
        with Image.open(out / "demo" / name) as image:
            assert image.format == "PNG"
            assert image.width >= 600 and image.height >= 400


@pytest.mark.data("Kent's 12 districts' wards")
@pytest.mark.slow
def test_kent_with_the_data_folder(wards_dir, tmp_path):
    out = tmp_path / "outputs"
    result = tuttotal("run", "--place", "kent", "--data-dir", str(wards_dir), "--output", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "the count is the real one, the authorities' own books" in result.stdout
    assert "(measured)" in result.stdout and "(modelled)" in result.stdout
    with open(out / "kent" / "ward_theme.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    codes = {r["ward_code"] for r in rows}
    assert {MARGATE_CENTRAL, CLIFTONVILLE_WEST} <= codes
    assert len({r["lad_code"] for r in rows}) == 12
    summary = json.loads((out / "kent" / "summary.json").read_text())
    assert summary["illustrative"] is False and summary["spend"] == "real"
    assert "Country and Regional Analysis" in summary["method"]
    assert {"cra_chapter9", "population", "imd2010"} <= {s["name"] for s in summary["sources"]}
    for name in ("topdown.csv", "drivers.csv", "datapackage.json", "trend.png", "change_by_year.csv"):
        assert (out / "kent" / name).is_file(), name
    assert {w["code"] for w in summary["focus_wards"]} == {MARGATE_CENTRAL, CLIFTONVILLE_WEST}
    assert Decimal(str(summary["totals"]["placed_gbp"])) == ward_theme_total(out / "kent")


@pytest.fixture(scope="module")
def thanet_focus_run(wards_dir, tmp_path_factory):
    """Thanet by its LAD code, a focus ward by name and one driver for every theme, the data root from the
    environment: one run through the command, read by the tests of each option."""
    root = tmp_path_factory.mktemp("thanet-focus")
    result = tuttotal(
        "run", "--lad", "E07000114", "--focus-ward", "Margate Central", "--driver", "population",
        "--output", "out", cwd=root, env={"TUTTOTAL_DATA_DIR": str(wards_dir)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads((root / "out" / "E07000114" / "summary.json").read_text())


@pytest.fixture(scope="module")
def thanet_own_files_run(wards_dir, tmp_path_factory):
    """Thanet from the user's own files: a spend CSV and a GeoPackage of its wards in British National Grid
    (LAD columns included), one run through the command. Returns ``(summary, output folder, wards given)``."""
    import geopandas as gpd

    root = tmp_path_factory.mktemp("thanet-own")
    spend = root / "thanet.csv"
    spend.write_text(
        SPEND_HEADER
        + f'2008-09,Thanet District Council,council,{MARGATE_CENTRAL},06,"£1,000.01"\n'
        + "2008-09,Thanet District Council,council,E07000114,09,2300.00\n"
        + "2008-09,Kent Police,police,E05099999,03,5.55\n"
    )
    frame = gpd.read_file(wards_dir / "E07000114.geojson").to_crs(27700)
    frame.assign(LAD13CD="E07000114", LAD13NM="Thanet").to_file(root / "thanet.gpkg")
    result = tuttotal(
        "run", "--lad", "E07000114", "--spend", str(spend), "--wards", str(root / "thanet.gpkg"),
        "--data-dir", str(wards_dir), "--output", "out", cwd=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    folder = root / "out" / "E07000114"
    return json.loads((folder / "summary.json").read_text()), folder, frame


@pytest.mark.slow
def test_any_lad_with_a_focus_ward(thanet_focus_run):
    summary = thanet_focus_run
    assert summary["name"] == "Thanet" and summary["wards"] == 23 and summary["lads"] == ["E07000114"]
    assert summary["focus_wards"] == [{"code": MARGATE_CENTRAL, "name": "Margate Central"}]


@pytest.mark.slow
def test_a_users_own_spend_file_is_counted_exactly(thanet_own_files_run):
    summary, folder, _ = thanet_own_files_run
    assert summary["illustrative"] is False
    assert summary["totals"]["input_gbp"] == 3305.56 and summary["totals"]["input_pence"] == 330556
    assert summary["totals"]["unplaced"] == [
        {"reason": "unknown area code", "amount_gbp": 5.55, "amount_pence": 555, "codes": ["E05099999"]}
    ]
    assert ward_theme_total(folder) == Decimal("3300.01")


def test_a_bad_amount_on_row_7_exits_2_before_any_work(tmp_path):
    rows = [f"2008-09,Ashcombe Council,council,X07000001,06,{100 + i}\n" for i in range(5)]
    rows.insert(5, "2008-09,Ashcombe Council,council,X07000001,06,12.3.4\n")
    spend = tmp_path / "bad.csv"
    spend.write_text(SPEND_HEADER + "".join(rows))
    result = tuttotal("run", "--spend", str(spend), "--output", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{spend}, row 7, column 'amount_gbp'" in result.stderr
    assert "'12.3.4'" in result.stderr and "Fix:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "demo").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--place", "kant"], "Did you mean 'kent'"),
        (["--lad", "E07000999"], "not an English LAD code of 2013"),
        (["--focus-ward", "Nowhere Ward"], "no ward called 'Nowhere Ward'"),
        (["--notebook", "missing"], "no notebook called 'missing'"),
        (["--year", "2008-10"], "--year '2008-10'"),
    ],
)
def test_bad_usage_exits_2_with_a_clear_message(tmp_path, args, message):
    result = tuttotal("run", *args, "--output", "out", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_places_lists_every_place(tmp_path):
    result = tuttotal("places", cwd=tmp_path)
    assert result.returncode == 0
    assert "kent" in result.stdout and "Margate Central" in result.stdout and "E07000114" in result.stdout
    assert len([line for line in result.stdout.splitlines() if line and not line.startswith(" ")]) == 1 + 16


@pytest.mark.slow
def test_a_failing_notebook_exits_1_and_keeps_the_previous_output(tmp_path):
    """A place whose notebook fails: exit 1, the cell and error named, the old output untouched."""
    import nbformat

    home = tmp_path / "home"
    shutil.copytree(REPO / "params", home / "params")
    shutil.copytree(REPO / "data", home / "data")
    (home / "notebooks").mkdir()
    nb = nbformat.read(REPO / "notebooks" / "place_report.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('kernel-side failure for the test')"))
    nbformat.write(nb, home / "notebooks" / "place_report.ipynb")
    out = tmp_path / "out"
    (out / "demo").mkdir(parents=True)
    (out / "demo" / "summary.json").write_text('{"previous": true}')
    result = tuttotal("run", "--output", str(out), cwd=tmp_path, env={"TUTTOTAL_HOME": str(home)})
    assert result.returncode == 1
    assert "FAILED" in result.stdout and "RuntimeError: kernel-side failure for the test" in result.stdout
    assert json.loads((out / "demo" / "summary.json").read_text()) == {"previous": True}
    assert no_staging_left(out)


@pytest.mark.slow
def test_a_users_own_boundary_file_of_any_format(thanet_own_files_run):
    """Any LAD given its file: the user's GeoPackage in British National Grid, LAD columns included."""
    summary, _, frame = thanet_own_files_run
    assert summary["wards"] == len(frame)
    assert "boundaries:thanet.gpkg" in summary["inputs"]


def test_the_deep_dive_runs_through_the_command_beside_the_place_report(demo_outputs):
    """`--notebook theme_deep_dive --theme …` writes outputs/<slug>/theme_deep_dive/; a rerun of the report keeps it."""
    first, dive, again, out = demo_outputs
    assert first.returncode == 0, first.stderr
    assert dive.returncode == 0, dive.stdout + dive.stderr
    folder = out / "demo" / "theme_deep_dive"
    assert (folder / "deep_dive_children_and_young_people_map.png").is_file()
    assert {p.name for p in folder.iterdir()} >= LAYOUT
    assert again.returncode == 0  # the report, run again after the deep dive
    assert json.loads((folder / "summary.json").read_text())["run"]["notebook"] == "theme_deep_dive"
    assert folder.is_dir() and (out / "demo" / "summary.json").is_file()
    assert no_staging_left(out) and no_staging_left(out / "demo")


def test_theme_goes_with_a_notebook_that_takes_one(tmp_path):
    result = tuttotal("run", "--theme", "older people", "--output", "out", cwd=tmp_path)
    assert result.returncode == 2 and "takes no theme" in result.stderr


@pytest.mark.slow
def test_one_driver_for_the_run(thanet_focus_run):
    summary = thanet_focus_run
    assert summary["parameters"]["driver"] == "population"
    assert set(summary["drivers_used"].values()) == {"population"}
