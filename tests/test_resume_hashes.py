"""--resume decides by hashes, without parsing: a big spend file is not read again when nothing changed.

The proof that it is not parsed: after a run, the spend file is replaced by one that cannot be
parsed and ``summary.json`` is given its hash. A resume that parsed it would fail (exit 2);
one that compares hashes finds the place up to date. (How long it takes is a benchmark's
question, not a test's: the times are printed, never asserted.) Then a real change to the spend
file makes the place run again.
"""

from __future__ import annotations

import json
import time

from tuttotal.data.datasets import sha256_of

from .conftest import REPO
from .test_cli import tuttotal

COPIES = 900  # 900 × 111 rows: a spend file of 100k rows


def timed(*args, cwd):
    start = time.perf_counter()
    result = tuttotal(*args, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout, time.perf_counter() - start


def test_resume_with_nothing_to_do_does_not_parse_the_spend_file(tmp_path):
    header, *rows = (REPO / "data" / "sample" / "spend.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    spend = tmp_path / "spend.csv"
    spend.write_text(header + "".join(rows) * COPIES, encoding="utf-8")
    args = ("run", "--spend", str(spend), "--output", "out")

    stdout, run_seconds = timed(*args, cwd=tmp_path)
    assert "running 1 place(s)" in stdout

    spend.write_text("this is not a spend file\n\0\0\0 , , ,\n", encoding="utf-8")
    summary_path = tmp_path / "out" / "demo" / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary["inputs"]["spend"] = sha256_of(spend)
    summary_path.write_text(json.dumps(summary), encoding="utf-8")
    stdout, resume_seconds = timed(*args, "--resume", cwd=tmp_path)
    assert "resume: 1 place(s) up to date" in stdout and "checking inputs" not in stdout
    print(f"run {run_seconds:.1f} s, resume {resume_seconds:.2f} s")

    spend.write_text(header + "".join(rows) * COPIES + rows[0], encoding="utf-8")  # one more row: a changed input
    stdout, _ = timed(*args, "--resume", cwd=tmp_path)
    assert "running 1 place(s)" in stdout
    totals = json.loads(summary_path.read_text(encoding="utf-8"))["totals"]
    assert totals["input_gbp"] > 0
