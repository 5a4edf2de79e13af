"""Safe CSVs: hostile names from a spend file and from --wards reach no CSV output as a formula."""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuttotal.errors import TuttotalWarning
from tuttotal.writers.place import write_tables
from tuttotal.writers.safe_csv import FORMULA_STARTS, is_number, neutralise, safe_frame, write_csv

from .conftest import BIRMINGHAM, REPO, THANET

HOSTILE = ["=cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "-2+3", '=HYPERLINK("http://x")', "\t=1", "\r=1"]


def dangerous(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS) and not is_number(cell)


@given(st.text())
def test_neutralised_text_never_starts_a_formula_and_neutralising_again_changes_nothing(text):
    once = neutralise(text)
    assert not dangerous(once)
    assert neutralise(once) == once
    assert once == text or once == "'" + text


NUMBERS = st.one_of(
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.decimals(allow_nan=False, allow_infinity=False)
)


@given(NUMBERS)
def test_numbers_are_left_alone(number):
    text = str(number)
    assert neutralise(text) == text
    assert neutralise(number) == number


@given(st.text().filter(lambda t: not t.startswith(FORMULA_STARTS)))
def test_harmless_text_is_unchanged(text):
    assert neutralise(text) == text


def test_a_frame_is_neutralised_in_cells_names_and_index_numbers_untouched():
    frame = pd.DataFrame({"=theme": ["@SUM(1)", "ok", None], "amount": [-1.5, 2.0, 3.0]}, index=["-x", "y", "z"])
    out = safe_frame(frame)
    assert list(out.columns) == ["'=theme", "amount"]
    assert out["'=theme"].tolist()[:2] == ["'@SUM(1)", "ok"] and out["amount"].tolist() == [-1.5, 2.0, 3.0]
    assert list(out.index) == ["'-x", "y", "z"]
    assert frame.columns[0] == "=theme", "the caller's frame is not changed"


def _code_cells_and_modules():
    for path in sorted((REPO / "tuttotal").rglob("*.py")):
        yield path, path.read_text(encoding="utf-8")
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        yield path, "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_every_csv_writer_of_the_package_and_notebooks_is_the_safe_one():
    writers = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(")
    found = [
        f"{path.relative_to(REPO)}: {line.strip()}"
        for path, text in _code_cells_and_modules()
        if path.name != "safe_csv.py"
        for line in text.splitlines()
        if writers.search(line)
    ]
    assert found == [], "write CSV files with tuttotal.writers.safe_csv.write_csv"


# ------------------------------------------------------------------ end to end, every CSV the project writes


def _hostile_wards(source: Path, target: Path) -> list[tuple[str, str]]:
    """A copy of a LAD's real ward file whose first wards carry hostile names; (code, name) of those."""
    data = json.loads(source.read_text(encoding="utf-8"))
    renamed = []
    for feature, name in zip(data["features"], HOSTILE, strict=False):
        feature["properties"]["WD13NM"] = name
        renamed.append((feature["properties"]["WD13CD"], name))
    target.write_text(json.dumps(data), encoding="utf-8")
    return renamed


def _hostile_spend(path: Path, wards: list[tuple[str, str]]) -> None:
    lines = ["year,agency,agency_type,area_code,function,amount_gbp,theme"]
    for year in ("2008-09", "2009-10"):
        for i, (code, _) in enumerate(wards):
            theme = HOSTILE[i % len(HOSTILE)]
            agency = HOSTILE[(i + 1) % len(HOSTILE)]
            lines.append(f'{year},"{agency.replace(chr(34), chr(34) * 2)}",council,{code},06,{1000 + i},"{theme}"')
        lines.append(f"{year},Kent Police,police,{THANET},03,5000,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _check_folder(folder: Path) -> set[str]:
    """Every cell and header of every CSV under ``folder``: none starts a formula. Returns the file names."""
    names = set()
    for path in sorted(folder.rglob("*.csv")):
        with open(path, newline="", encoding="utf-8") as f:
            for number, row in enumerate(csv.reader(f), start=1):
                bad = [cell for cell in row if dangerous(cell)]
                assert not bad, f"{path.name}, row {number}: {bad}"
        names.add(path.name)
    return names


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, data_root):
    folder = tmp_path_factory.mktemp("hostile")
    thanet = _hostile_wards(data_root / "wards-2013" / f"{THANET}.geojson", folder / "thanet.geojson")
    _hostile_wards(data_root / "wards-2013" / f"{BIRMINGHAM}.geojson", folder / "birmingham.geojson")
    _hostile_spend(folder / "spend.csv", thanet)
    return folder, thanet


@pytest.mark.data("Birmingham's wards (its pilot run)")
@pytest.mark.slow
def test_hostile_names_reach_every_csv_of_the_report_and_explorer_neutralised(hostile, data_root):
    from tuttotal import report
    from tuttotal.explore import explorer as explore
    from tuttotal.writers.output_schema import TABLES

    folder, thanet = hostile
    runs = {
        "user": {"lads": [THANET], "spend_path": str(folder / "spend.csv"), "focus_wards": [thanet[0][0]]},
        "outturn": {"lads": [THANET], "year": "2012-13", "focus_wards": [thanet[1][0]]},
        "pilot": {"place": "birmingham", "year": "2008-09"},
        "top-down": {"lads": [THANET], "year": "2005-06", "focus_wards": [thanet[1][0]]},
    }
    wards = {"user": "thanet", "outturn": "thanet", "pilot": "birmingham", "top-down": "thanet"}
    written: set[str] = set()
    for name, kwargs in runs.items():
        out = folder / "out" / name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TuttotalWarning)
            run = report.prepare(
                output_dir=str(out),
                data_dir=str(data_root),
                wards_paths=[str(folder / f"{wards[name]}.geojson")],
                **kwargs,
            )
            write_tables(run)
            if name == "user":
                data = explore.from_report(run)
                explore.export(data, data.default_selection(), output_dir=out)
        written |= _check_folder(out)
    assert set(TABLES) <= written, f"not written by these runs: {sorted(set(TABLES) - written)}"
    assert any(name.endswith("_themes.csv") for name in written), "the explorer's exports were checked"
    user = (folder / "out" / "user" / "ward_theme.csv").read_text(encoding="utf-8")
    assert "'=cmd|' /C calc'!A0" in user and "'@SUM(1)" in user and "'+1+1" in user, "the names went through"
    agency = (folder / "out" / "user" / "ward_profiles.csv").read_text(encoding="utf-8")
    assert "'-2+3" in agency


@pytest.mark.data("Birmingham's wards (its pilot run)")
@pytest.mark.slow
def test_the_deep_dive_notebook_writes_a_hostile_theme_neutralised_into_its_own_folder(hostile, data_root, tmp_path):
    from tuttotal.cli import main

    folder, _ = hostile
    theme = "=cmd|' /C calc'!A0"
    code = main(
        [
            "run",
            "--lad", THANET,
            "--wards", str(folder / "thanet.geojson"),
            "--spend", str(folder / "spend.csv"),
            "--data-dir", str(data_root),
            "--notebook", "theme_deep_dive",
            "--theme", theme,
            "--output", str(tmp_path / "out"),
        ]
    )  # fmt: skip
    assert code == 0
    deep = tmp_path / "out" / THANET / "theme_deep_dive"
    names = _check_folder(tmp_path / "out")
    assert "deep_dive__cmd_C_calc_A0_wards.csv" in names
    ranking = (deep / "deep_dive__cmd_C_calc_A0_wards.csv").read_text(encoding="utf-8")
    assert "'@SUM(1)" in ranking or "'=cmd" in ranking
    assert not (tmp_path / "out" / THANET / "theme_deep_dive" / "deep_dive_=cmd|'_").exists()


def test_write_csv_is_atomic_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(pd.DataFrame({"a": ["=1"]}), path)
    write_csv(pd.DataFrame({"a": ["-1"]}), path)
    assert path.read_text() == "a\n-1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
