"""``tuttotal england`` end to end: the command, papermill and a real kernel, on a handful of LADs; its files read back.

The national machinery on three LADs of three regions (Thanet, County Durham, the City of London): the
notebook runs in a real kernel, the folder is published whole, every table adds up to the reconciliation,
the data package validates, the page opens offline under its Content Security Policy. Bad input exits 2,
before any work, saying what to do.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tuttotal.england import tables
from tuttotal.england.checks import FETCH_COMMAND
from tuttotal.writers.england import OUTPUT_FILES

from .conftest import MARGATE_CENTRAL, REPO, THANET

#: Thanet (South East), County Durham (North East), the City (London), and Maldon (East of England), whose pinned
#: ward file has one invalid polygon (Tolleshunt D'Arcy's ring touches itself), repaired as read.
LADS = [THANET, "E06000047", "E09000001", "E07000074"]
FOLDER = "2012-13-" + "_".join(LADS)


def tuttotal(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tuttotal", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
    )


def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def run(data_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("england") / "outputs"
    result = tuttotal(
        "england", "--year", "2012-13", "--lads", *LADS, "--prices", "2016-17", "--out", str(out),
        "--data-dir", str(data_root), cwd=REPO,
    )  # fmt: skip
    return result, out


@pytest.mark.data("the wards of LADs in four regions")
def test_the_command_runs_the_notebook_and_publishes_one_whole_folder(run):
    result, out = run
    assert result.returncode == 0, result.stderr
    folder = out / "england" / FOLDER
    assert f"written: {folder}" in result.stdout
    assert {p.name for p in folder.iterdir()} == {*OUTPUT_FILES, "bridge.csv", "report.ipynb", "report.html"}
    hidden = [p.name for p in [*out.iterdir(), *(out / "england").iterdir()] if p.name.startswith(".")]
    assert hidden == [".tuttotal.lock"], "no staging folder left"
    executed = json.loads((folder / "report.ipynb").read_text())
    injected = next(c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert "E06000047" in "".join(injected["source"]) and "2016-17" in "".join(injected["source"])


@pytest.mark.data("the wards of LADs in four regions")
def test_the_tables_add_up_to_the_reconciliation_to_the_penny(run):
    _, out = run
    folder = out / "england" / FOLDER
    lads, wards = rows(folder / "lads.csv"), rows(folder / "wards.csv")
    assert list(lads[0])[: len(tables.LAD_COLUMNS)] == tables.LAD_COLUMNS
    assert list(wards[0])[: len(tables.WARD_COLUMNS)] == tables.WARD_COLUMNS
    assert sorted(r["lad_code"] for r in lads) == sorted(LADS)
    assert {r["prices"] for r in lads} == {"2016-17 prices"} and {r["year"] for r in wards} == {"2012-13"}
    assert {r["councils_basis"] for r in lads} == {"measured"}
    assert MARGATE_CENTRAL in {r["ward_code"] for r in wards}
    theme = rows(folder / "ward_theme.csv")
    assert list(theme[0]) == tables.WARD_THEME_COLUMNS
    in_wards = sum(Decimal(r["amount_gbp"]) for r in theme)
    assert in_wards == sum(Decimal(r["total_gbp"]).quantize(Decimal("0.01")) for r in wards)
    assert in_wards == sum(Decimal(r["total_gbp"]).quantize(Decimal("0.01")) for r in lads)
    recon = rows(folder / "reconciliation.csv")
    assert {r["prices"] for r in recon} == {"cash"} and recon[-1]["operation"] == "total"
    summary = json.loads((folder / "summary.json").read_text())
    assert recon[-1]["amount_pence"] == str(summary["totals"]["placed_pence"])
    factor = in_wards / (Decimal(recon[-1]["amount_pence"]) / 100)
    assert Decimal("1.05") < factor < Decimal("1.10"), "2012-13 cash at 2016-17 prices (GDP deflator)"
    assert summary["year"] == "2012-13" and summary["prices"] == "2016-17 prices" and summary["wards"] == len(wards)
    assert summary["parameters"]["lads"] == LADS and summary["run"]["notebook"] == "england"
    assert set(summary["inputs"]) >= {"notebook", "data:cra_2014", "data:outturn_2012-13", "boundaries:wards-2013"}


@pytest.mark.data("the wards of LADs in four regions")
def test_the_data_package_describes_every_column_and_validates(run):
    from frictionless import validate

    _, out = run
    folder = out / "england" / FOLDER
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["name"] == "england-2012-13" and {r["path"] for r in package["resources"]} >= {"lads.csv"}
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert field.get("description") and "Not documented" not in field["description"], field["name"]
    lads = next(r for r in package["resources"] if r["path"] == "lads.csv")
    fields = {f["name"]: f for f in lads["schema"]["fields"]}
    assert fields["measured_gbp"]["basis"] == "measured" and fields["total_gbp"]["prices"] == "2016-17 prices"
    assert fields["older_people_modelled_gbp"]["basis"] == "modelled"
    assert {s["name"] for s in package["sources"]} >= {"cra_2014", "outturn_2012-13", "population", "boundaries"}


@pytest.mark.data("the wards of LADs in four regions")
def test_the_page_opens_offline_under_its_policy(run):
    _, out = run
    page = (out / "england" / FOLDER / "report.html").read_text()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script src=" not in page and "https://cdn" not in page
    assert "From the releases to the wards" in page and "The pilots in England" in page
    assert "tuttotal-table" in page and "NBVAL_SKIP" not in page, "code hidden"


@pytest.mark.data("the wards of LADs in four regions")
def test_the_run_emits_no_unexpected_warnings_and_notes_the_repaired_ward(run):
    """Maldon's repaired polygon is a note of the report (what and why), not a warning in red, nor a path."""
    result, out = run
    folder = out / "england" / FOLDER
    assert "warning" not in result.stderr.lower(), result.stderr
    executed = json.loads((folder / "report.ipynb").read_text())
    stderr = [
        "".join(output.get("text", ""))
        for cell in executed["cells"]
        for output in cell.get("outputs", [])
        if output.get("name") == "stderr" or output.get("output_type") == "error"
    ]
    assert stderr == [], "no cell of the report writes to stderr"
    notes = json.loads((folder / "summary.json").read_text())["notes"]
    repaired = [note for note in notes if note.startswith("Ward boundaries:")]
    assert len(repaired) == 1 and "1 ward polygon of Maldon (E07000074)" in repaired[0]
    assert "made valid" in repaired[0] and "no ward, person or pound is dropped" in repaired[0]
    assert not any(".geojson" in note or str(REPO.parent) in note for note in notes), "no path of this machine"
    assert "Maldon (E07000074)" in (folder / "report.html").read_text(), "the note is in the report"


def test_a_year_the_data_do_not_cover_exits_2_before_any_work(data_root, tmp_path):
    result = tuttotal("england", "--year", "1999-00", "--lads", THANET, "--out", str(tmp_path / "o"), cwd=REPO)
    assert result.returncode == 2 and "2003-04 to 2017-18" in result.stderr and "Fix:" in result.stderr
    assert not (tmp_path / "o" / "england").exists()


def test_a_code_that_is_not_an_english_lad_exits_2(data_root, tmp_path):
    result = tuttotal(
        "england", "--year", "2008-09", "--lads", "W06000001", "--out", str(tmp_path / "o"),
        "--data-dir", str(data_root), cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 2 and "W06000001" in result.stderr


def test_prices_the_deflator_lacks_exit_2(data_root, tmp_path):
    result = tuttotal(
        "england", "--year", "2008-09", "--lads", THANET, "--prices", "1800-01", "--out", str(tmp_path),
        "--data-dir", str(data_root), cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 2 and "1800" in result.stderr


def test_an_unreachable_scheduler_exits_2_before_any_work(data_root, tmp_path):
    pytest.importorskip("distributed")
    result = tuttotal(
        "england", "--year", "2008-09", "--lads", THANET, "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path),
        "--data-dir", str(data_root), cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 2 and "Dask scheduler" in result.stderr and "--scheduler" in result.stderr


@pytest.mark.data("England's 326 districts")
def test_a_national_run_without_its_data_names_what_is_missing_and_the_fetch_command(data_root, tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    for folder in ("cra", "outturn", "population", "deprivation", "lookups", "deflators"):
        (root / folder).symlink_to(data_root / folder)
    result = tuttotal(
        "england", "--year", "2008-09", "--data-dir", str(root), "--out", str(tmp_path / "o"), cwd=REPO,
        env={"TUTTOTAL_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert FETCH_COMMAND in result.stderr and "326 ward boundaries" in result.stderr
    assert "326 LSOA boundaries" in result.stderr and not (tmp_path / "o" / "england").exists()


def test_tuttotal_run_refuses_the_national_notebook_and_names_its_command(tmp_path):
    result = tuttotal("run", "--notebook", "england", "--output", str(tmp_path), cwd=REPO)
    assert result.returncode == 2 and "tuttotal england --year" in result.stderr
