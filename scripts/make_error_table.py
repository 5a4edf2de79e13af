"""Write docs/errors.md from the bad-input corpus: every error a user can meet, as the command prints it.

Run from the repository root::

    python scripts/make_error_table.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.bad_inputs.corpus import ERRORS_MD, error_table, load_cases, run_error_case


def main() -> None:
    results = []
    for case in load_cases():
        if case["outcome"] != "error":
            continue
        with tempfile.TemporaryDirectory() as folder:
            _, message, _ = run_error_case(case, Path(folder))
            results.append((case, message, Path(folder)))
    ERRORS_MD.parent.mkdir(exist_ok=True)
    ERRORS_MD.write_text(error_table(results), encoding="utf-8")
    print(f"wrote {ERRORS_MD} ({len(results)} errors)")


if __name__ == "__main__":
    main()
