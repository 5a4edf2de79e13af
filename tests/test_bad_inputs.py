"""The bad-input corpus: every file gets its exact error (exit 2, no output) or is read with its warning."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from tuttotal import report
from tuttotal.data import spend
from tuttotal.errors import TuttotalWarning

from .bad_inputs.corpus import ERRORS_MD, HERE, error_table, load_cases, run_error_case

CASES = load_cases()
ERRORS = [c for c in CASES if c["outcome"] == "error"]


def test_the_corpus_has_at_least_25_files_each_with_a_case():
    suffixes = {".csv", ".geojson", ".shp", ".yaml", ".xlsx", ".txt", ".gz", ".rda", ".zlib", ".parquet"}
    files = {p.name for p in HERE.iterdir() if p.suffix in suffixes}
    files -= {"cases.yaml"}
    assert len(files) >= 25
    assert files == {c["file"] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["file"])
def test_bad_input(case, tmp_path, wards_dir, data_root, monkeypatch):
    monkeypatch.setenv("TUTTOTAL_DATA_DIR", str(wards_dir))
    path = HERE / case["file"]
    if case["outcome"] == "error":
        code, message, out = run_error_case(case, tmp_path, data_root)
        assert code == 2, message
        for fragment in case["expect"]:
            assert fragment in message
        assert "Traceback" not in message
        assert not out.exists(), "an error must leave no output folder"
        assert not (tmp_path / "PWNED").exists()
        if case["use"] in {"spend", "drivers", "wards", "outturn"}:
            assert path.name in message, "the message names the file"
        if case["use"] == "data":
            assert (case.get("target") or path.read_text().strip()).split("/")[-1] in message
    elif case["outcome"] == "ok":
        table = spend.read_spend(path)
        checks = {
            "amount 1000.00": lambda: 100000 in set(table.amount_pence),
            "cp1252": lambda: table.attrs["encoding"] == "cp1252",
            "one year 2008-09": lambda: set(table.year) == {"2008-09"} and len(table) == 3,
            "sheet Data": lambda: table.attrs["sheet"] == "Data" and table.amount_pence.tolist() == [100000, 250050],
            "sheets Data and More": lambda: (
                table.attrs["sheets"] == ["Data", "More"]
                and table[["sheet", "row", "amount_pence"]].values.tolist()
                == [["Data", 2, 100000], ["Data", 3, 250050], ["More", 2, 77777]]
            ),
            "sheets Data and Q2 under a title": lambda: (
                table.attrs["sheets"] == ["Data", "Q2"]
                and table[["sheet", "row", "amount_pence"]].values.tolist() == [["Data", 2, 10000], ["Q2", 4, 10000]]
            ),
        }
        for expected in case["expect"]:
            assert checks[expected](), expected
    else:
        kwargs = {"place": "demo"} if case["use"] == "spend" else {"lads": ["E07000114"], "wards_paths": [str(path)]}
        if case["use"] == "spend":
            kwargs["spend_path"] = str(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TuttotalWarning)
            run = report.prepare(output_dir=str(tmp_path / "out"), **kwargs)
        recorded = " | ".join(run.summary()["warnings"])
        for fragment in case["expect"]:
            assert fragment in recorded


@pytest.mark.data("docs/errors.md quotes the messages given on ../shared/data, its paths and pinned files")
def test_the_error_table_in_the_docs_is_current(tmp_path, wards_dir, monkeypatch):
    monkeypatch.setenv("TUTTOTAL_DATA_DIR", str(wards_dir))
    results = []
    for i, case in enumerate(ERRORS):
        workdir = tmp_path / str(i)
        workdir.mkdir()
        _, message, _ = run_error_case(case, workdir)
        results.append((case, message, workdir))
    expected = error_table(results)
    assert ERRORS_MD.read_text(encoding="utf-8") == expected, "run: python scripts/make_error_table.py"
    for case in CASES:
        assert f"`{case['file']}`" in expected


def test_corpus_files_are_what_the_generator_writes(tmp_path):
    import subprocess
    import sys

    subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(tmp_path)], check=True, capture_output=True)
    for case in CASES:
        if Path(case["file"]).suffix in {".csv", ".geojson", ".yaml"} or case["file"].startswith("data_"):
            assert (tmp_path / case["file"]).read_bytes() == (HERE / case["file"]).read_bytes(), case["file"]
