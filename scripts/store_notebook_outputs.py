"""Execute every notebook in notebooks/ with its default parameters and store the outputs nbval checks.

Outputs of cells marked ``# NBVAL_IGNORE_OUTPUT`` (figures) are not stored, to keep the
repository small; nbval does not compare them. Run from the repository root::

    python scripts/store_notebook_outputs.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def store(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if "NBVAL_IGNORE_OUTPUT" in cell.source:
            cell.outputs = []
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    print(f"stored outputs of {path.name}")


if __name__ == "__main__":
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        store(notebook)
