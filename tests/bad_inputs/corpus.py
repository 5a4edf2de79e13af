"""Run the bad-input corpus (``cases.yaml``) as a user would, and build the error table from it.

Used by ``tests/test_bad_inputs.py`` and by ``scripts/make_error_table.py``, so
that ``docs/errors.md`` is made from what the command really says.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ERRORS_MD = REPO / "docs" / "errors.md"


def load_cases() -> list[dict]:
    """The cases of ``cases.yaml``."""
    return yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))


@contextlib.contextmanager
def _environment(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


SHARED = REPO.parent / "shared"


def _data_root(case: dict, path: Path, workdir: Path, data_dir: Path) -> dict[str, str]:
    """A data root in ``workdir`` linking to ``data_dir``, with the case's file in place of (or without) one.

    ``data_dir`` is a full data root (``../shared/data``) or a root of extracts (the Thanet fixture, whose
    ``registry.csv`` names the file of each key). Downloads go to a closed local port and an empty cache, so
    a missing file stays missing.
    """
    from tuttotal.data import extracts

    key = case.get("target") or path.read_text(encoding="utf-8").strip()
    extract = extracts.find(data_dir, key)
    target = extract.path if extract is not None else key
    folder, name = target.split("/", 1)
    root = workdir / "data"
    root.mkdir()
    for entry in data_dir.iterdir():
        if entry.name == folder:
            (root / entry.name).mkdir()
            for item in entry.iterdir():
                if item.name != name:
                    (root / entry.name / item.name).symlink_to(item)
        else:
            (root / entry.name).symlink_to(entry)
    if case.get("target"):
        shutil.copy(path, root / target)
    return {
        "TUTTOTAL_DATA_DIR": str(root),
        "TUTTOTAL_CACHE_DIR": str(workdir / "cache"),
        "TUTTOTAL_DATA_URL": "http://127.0.0.1:9/",
    }


def run_error_case(case: dict, workdir: Path, data_dir: Path | None = None) -> tuple[int, str, Path]:
    """Give the case's input to the ``tuttotal`` command; return exit code, stderr and the output folder.

    ``data_dir`` is the data root a ``data`` case starts from (default ``../shared/data``).
    """
    from tuttotal.cli import main

    path = HERE / case["file"]
    out = workdir / "outputs"
    env: dict[str, str] = {}
    use = case["use"]
    if use == "spend":
        argv = ["run", "--spend", str(path)]
    elif use == "drivers":
        argv = ["run", "--drivers", str(path)]
    elif use == "wards":
        argv = ["run", "--lad", "E07000114", "--wards", str(path)]
    elif use == "place":
        argv = ["run", "--place", path.read_text(encoding="utf-8")]
    elif use == "focus-ward":
        argv = ["run", "--focus-ward", path.read_text(encoding="utf-8")]
    elif use == "outturn":
        argv = ["data", "check-outturn", str(path), "--year", "2010-11"]
    elif use == "year":
        argv = ["run", "--lad", "E07000114", "--year", path.read_text(encoding="utf-8").strip()]
    elif use == "output-file":
        argv = ["run", "--output", str(path)]
    elif use == "output":
        argv = ["run", "--output", path.read_text(encoding="utf-8").strip()]
    elif use == "lad":
        argv = ["run", "--lad", path.read_text(encoding="utf-8").strip()]
    elif use == "wards-path":
        argv = ["run", "--lad", "E07000114", "--wards", path.read_text(encoding="utf-8").strip()]
    elif use == "cache":
        env["TUTTOTAL_CACHE_DIR"] = path.read_text(encoding="utf-8").strip()
        argv = ["run"]
    elif use == "output-symlink-loop":
        loop = workdir / "loop"
        loop.symlink_to(loop)
        argv = ["run", "--output", str(loop)]
    elif use == "output-index-folder":
        (workdir / "published" / "index.html").mkdir(parents=True)
        argv = ["run", "--output", str(workdir / "published")]
    elif use == "theme":
        argv = ["run", "--place", "kent", "--notebook", "theme_deep_dive", "--theme"]
        argv.append(path.read_text(encoding="utf-8").strip())
    elif use == "notebook":
        argv = ["run", "--notebook", path.read_text(encoding="utf-8").strip()]
    elif use == "data":
        env.update(_data_root(case, path, workdir, SHARED / "data" if data_dir is None else data_dir))
        argv = ["run", "--lad", "E07000114"]
    elif use == "params":
        home = workdir / "home"
        (home / "params").mkdir(parents=True, exist_ok=True)
        shutil.copy(path, home / "params" / path.name)
        (home / "notebooks").mkdir(exist_ok=True)
        env["TUTTOTAL_HOME"] = str(home)
        argv = ["places"]
    else:
        raise ValueError(f"unknown use {use!r} in cases.yaml")
    if argv[0] == "run" and "--output" not in argv:
        argv += ["--output", str(out)]
    stderr = io.StringIO()
    cwd = Path.cwd()
    os.chdir(workdir)
    try:
        with _environment(**env), contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
    finally:
        os.chdir(cwd)
    return code, stderr.getvalue(), out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def error_table(results: list[tuple[dict, str, Path]]) -> str:
    """Markdown: every error a user can meet, what it means and what to do, from real messages."""
    lines = [
        "# Errors and what to do",
        "",
        "Generated from the bad-input corpus (`tests/bad_inputs/`) by `scripts/make_error_table.py`:",
        "each row is what `tuttotal` really printed for that file. The test suite checks this page is current.",
        "Every error exits with code 2 before any work, and writes no output.",
        "",
        "| input | what you see | what it means | what to do |",
        "|---|---|---|---|",
    ]
    for case, message, workdir in results:
        text = message.replace("tuttotal: error: ", "").replace(str(HERE) + os.sep, "").replace(str(workdir), "…")
        text = text.replace(str(SHARED), "../shared")
        first, _, fix = text.partition("\n  Fix: ")
        lines.append(f"| `{case['file']}` | {_cell(first)} | {_cell(case['meaning'])} | {_cell(fix) or '—'} |")
    warnings = [c for c in load_cases() if c["outcome"] != "error"]
    lines += [
        "",
        "## Accepted, or accepted with a warning",
        "",
        "Warnings are printed and recorded in `summary.json` under `warnings`.",
        "",
        "| input | what it is | outcome |",
        "|---|---|---|",
    ]
    for case in warnings:
        outcome = "warning: " + "; ".join(case["expect"]) if case["outcome"] == "warning" else "read as intended"
        lines.append(f"| `{case['file']}` | {_cell(case['meaning'])} | {_cell(outcome)} |")
    return "\n".join(lines) + "\n"
