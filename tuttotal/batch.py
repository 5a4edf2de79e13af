"""Running the place notebooks through papermill, each place written all or nothing.

Each place is executed into a staging folder beside its final one
(``outputs/.<slug>.<random>``); only when the notebook, its HTML page and
every file of the output layout are complete is the staging folder moved to
``outputs/<slug>``. A failed run leaves the previous complete output as it
was and no partial folder.

Examples
--------
>>> from tuttotal import batch, places
>>> job = batch.PlaceJob(places.get_place("demo"))
>>> result = batch.run_place(job, "outputs")  # doctest: +SKIP
>>> result.ok, result.output.name  # doctest: +SKIP
(True, 'demo')
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PlaceRunError
from .places import Place, validate_slug

DEFAULT_NOTEBOOK = "place_report"
OUTPUT_FILES = ("report.ipynb", "report.html", "ward_map.png", "themes.png", "ward_theme.csv", "summary.json")


@dataclass
class PlaceJob:
    """One place to run: the place and the notebook parameters beyond it."""

    place: Place
    year: str = ""
    focus_wards: tuple[str, ...] = ()
    spend_path: str = ""
    drivers_path: str = ""
    data_dir: str = ""
    wards_paths: tuple[str, ...] = ()
    notebook: str = DEFAULT_NOTEBOOK

    def parameters(self, output_dir: Path) -> dict:
        """The notebook's ``parameters`` cell values (the same names for every notebook)."""
        is_area = self.place.status == "area"
        return {
            "place": "" if is_area else self.place.slug,
            "lads": list(self.place.lad_codes) if is_area else [],
            "year": self.year,
            "focus_wards": list(self.focus_wards),
            "spend_path": _absolute(self.spend_path),
            "drivers_path": _absolute(self.drivers_path),
            "data_dir": _absolute(self.data_dir),
            "output_dir": str(output_dir),
            "wards_paths": [_absolute(p) for p in self.wards_paths],
        }


@dataclass
class PlaceResult:
    """How one place's run ended."""

    slug: str
    ok: bool
    seconds: float
    output: Path | None = None
    error: str = ""
    cell_index: int | None = None
    totals: dict = field(default_factory=dict)

    def line(self) -> str:
        """One line for the end-of-run summary."""
        if self.ok:
            return f"  ok      {self.slug:<40} {self.seconds:6.1f} s  {self.output}"
        return f"  FAILED  {self.slug:<40} {self.seconds:6.1f} s  {self.error}"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _absolute(path: str) -> str:
    return str(Path(path).resolve()) if path else ""


def notebook_path(name: str) -> Path:
    """Path of a notebook in ``notebooks/`` by name (with or without ``.ipynb``)."""
    from . import paths
    from .errors import InputError

    stem = name[:-6] if name.endswith(".ipynb") else name
    path = paths.notebooks_dir() / f"{stem}.ipynb"
    if not path.is_file():
        available = sorted(p.stem for p in paths.notebooks_dir().glob("*.ipynb"))
        raise InputError(f"no notebook called {name!r}", fix=f"choose one of {available}")
    return path


def export_html(notebook: Path, target: Path, *, show_code: bool = False) -> Path:
    """Write the executed notebook as a page (code cells hidden unless ``show_code``)."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=not show_code, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    target.write_text(body, encoding="utf-8")
    return target


def _replace_atomically(staging: Path, final: Path) -> None:
    """Move the complete staging folder to ``final``, keeping the old one until then."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        final.rename(old)
    try:
        staging.rename(final)
    except BaseException:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_place(
    job: PlaceJob,
    output_root: str | os.PathLike,
    *,
    progress: bool = False,
    show_code: bool = False,
    kernel_name: str = "python3",
) -> PlaceResult:
    """Execute one place's notebook with papermill and write its outputs atomically.

    Returns
    -------
    PlaceResult
        ``ok`` False with the notebook cell and error when the notebook
        failed; the previous outputs of the place are then untouched.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    slug = validate_slug(job.place.slug)
    root = Path(output_root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    final = root / slug
    staging = Path(tempfile.mkdtemp(prefix=f".{slug}.", dir=root))
    staging.chmod(0o777 & ~_umask())
    notebook = notebook_path(job.notebook)
    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(notebook),
            str(staging / "report.ipynb"),
            parameters=job.parameters(staging),
            kernel_name=kernel_name,
            progress_bar=progress,
            cwd=str(notebook.parent),
            log_output=False,
            # The kernel talks to us over loopback only; its TCP notice is noise on a terminal.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        export_html(staging / "report.ipynb", staging / "report.html", show_code=show_code)
        missing = [name for name in OUTPUT_FILES if not (staging / name).is_file()]
        if missing:
            raise PlaceRunError(slug, f"the notebook did not write {', '.join(missing)}")
        summary_path = staging / "summary.json"
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        from .datasets import sha256_of

        summary.setdefault("inputs", {})["notebook"] = sha256_of(notebook)
        summary.setdefault("timings", {})["total_s"] = round(time.perf_counter() - start, 3)
        summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _replace_atomically(staging, final)
    except PapermillExecutionError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        return PlaceResult(
            slug,
            False,
            time.perf_counter() - start,
            error=f"notebook cell {exc.exec_count}: {exc.ename}: {exc.evalue}",
            cell_index=exc.cell_index,
        )
    except PlaceRunError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        return PlaceResult(slug, False, time.perf_counter() - start, error=exc.message)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PlaceResult(slug, True, time.perf_counter() - start, output=final, totals=summary.get("totals", {}))
