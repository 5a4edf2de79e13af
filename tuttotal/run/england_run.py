"""``tuttotal england``: the national count of a year, run through its notebook, written all or nothing.

:func:`run_england` checks everything it can before any work (the year, the
prices, the LADs, every data file; bad input is an
:class:`~tuttotal.errors.InputError`, exit code 2), then executes
``notebooks/england.ipynb`` through papermill in a real kernel (the
notebook counts England and writes its tables, :mod:`tuttotal.england.notebook`)
into a hidden staging folder beside the output, exports ``report.html`` as
the place reports are exported (:func:`tuttotal.run.report_page.export_html`:
code hidden, Content Security Policy, no remote scripts) and publishes the
complete folder with one atomic exchange under the output folder's lock
(:mod:`tuttotal.run.publish`). A failed run leaves the previous output as it
was and no partial folder.

The output folder is ``<output>/england/<year>/`` for all of England; a run
of some LADs (``lads=``) goes to ``<output>/england/<year>-<LADs>/`` (the
codes joined, or their short form), never over the national folder.

Examples
--------
>>> from tuttotal.run.england_run import run_england
>>> run_england("2008-09", data_dir="../shared/data", lads=["E07000114"])  # doctest: +SKIP
PosixPath('.../outputs/england/2008-09-E07000114')
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from tuttotal import lifeline, paths
from tuttotal.data import places
from tuttotal.data.datasets import sha256_of
from tuttotal.england.checks import check_data, check_lads, check_prices, check_year
from tuttotal.england.notebook import connect
from tuttotal.errors import PlaceRunError
from tuttotal.run import kernels
from tuttotal.run.batch import code_fingerprint, replace_atomically, skip_unused_format_checkers
from tuttotal.run.report_page import export_html
from tuttotal.writers.england import OUTPUT_FILES
from tuttotal.writers.safe_csv import current_umask

NOTEBOOK = "england"


def output_folder(output_root: str | Path, year: str, lads: tuple[str, ...] = ()) -> Path:
    """``<root>/england/<year>`` for England, ``<root>/england/<year>-<LADs>`` for some of its LADs.

    Examples
    --------
    >>> output_folder("outputs", "2008-09").as_posix().endswith("outputs/england/2008-09")
    True
    >>> output_folder("outputs", "2008-09", ("E07000114",)).name
    '2008-09-E07000114'
    """
    root = Path(output_root).resolve() / "england"
    return root / (f"{year}-{places.area_slug(list(lads))}" if lads else year)


def check_inputs(
    year: str, *, data_dir: str = "", lads: list[str] | tuple[str, ...] = (), prices: str = ""
) -> tuple[str, tuple[str, ...], str]:
    """Everything a national run can check before a kernel starts: ``(year, lads, prices)`` as the run uses them.

    ``lads`` comes back empty for all of England.

    Raises
    ------
    tuttotal.errors.InputError
        A year the data do not cover, prices the deflator lacks, a code that
        is not an English LAD of 2013, or data files missing (naming
        ``tuttotal data fetch --england``).
    """
    year = check_year(year, data_dir or None)
    prices = check_prices(prices, data_dir or None)
    codes = check_lads(list(lads) or None, data_dir or None)
    check_data(year, codes, data_dir or None)
    return year, (tuple(codes) if lads else ()), ("" if prices == "cash" else prices)


def run_england(
    year: str,
    *,
    data_dir: str = "",
    output_root: str | Path = "outputs",
    lads: list[str] | tuple[str, ...] = (),
    prices: str = "",
    scheduler: str = "",
    show_code: bool = False,
    progress: bool = False,
    kernel_name: str = "python3",
) -> Path:
    """Count England (or ``lads``) for ``year`` through ``notebooks/england.ipynb``; the published folder.

    Parameters
    ----------
    year : str
        The financial year, e.g. ``2008-09``.
    data_dir : str
        The data root (``""``: ``$TUTTOTAL_DATA_DIR``).
    output_root : path
        The output folder (``outputs``): the run is published as ``<output_root>/england/<year>``.
    lads : list of str
        LAD codes of 2013 to count instead of all 326.
    prices : str
        Real terms at this financial year's prices (``""``: cash).
    scheduler : str
        The address of a Dask scheduler for the national geography (``""``: this process).
    show_code : bool
        Keep the code cells in ``report.html``.

    Returns
    -------
    pathlib.Path
        The published folder.

    Raises
    ------
    tuttotal.errors.InputError
        Bad input, before any work (exit code 2).
    tuttotal.errors.PlaceRunError
        The notebook failed (its cell and error; exit code 1); nothing is published.
    """
    year, codes, prices = check_inputs(year, data_dir=data_dir, lads=lads, prices=prices)
    if scheduler:  # reachable now, or exit 2 before any work
        connect(scheduler, timeout="3s").close()
    skip_unused_format_checkers()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    final = output_folder(output_root, year, codes)
    root = Path(output_root).resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    notebook = paths.notebooks_dir() / f"{NOTEBOOK}.ipynb"  # not a place's report: tuttotal run refuses it
    # .<year>.tmp-<pid>-…: a leftover of a killed run is swept by the next run (tuttotal.run.batch.clean_leftovers)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-{os.getpid()}-", dir=final.parent))
    staging.chmod(0o777 & ~current_umask())
    parameters = {
        "place": "",
        "lads": list(codes),
        "year": year,
        "focus_wards": [],
        "spend_path": "",
        "drivers_path": "",
        "data_dir": str(Path(data_dir).resolve()) if data_dir else "",
        "output_dir": str(staging),
        "wards_paths": [],
        "driver": "",
        "prices": prices,
        "scheduler": scheduler,
    }
    slot = kernels.KernelSlot(kernel_name, str(notebook.parent), max_uses=1)
    start = time.perf_counter()
    ok = False
    lifeline.track(staging)
    try:
        executed = papermill.execute_notebook(
            str(notebook),
            str(staging / "report.ipynb"),
            request_save_on_cell_execute=False,  # written once, when done (as the place batch)
            parameters=parameters,
            kernel_name=kernel_name,
            engine_name=kernels.register_engine(),
            kernel_slot=slot,
            progress_bar=progress,
            log_output=False,
            extra_arguments=list(kernels.KERNEL_ARGUMENTS),
        )
        name = "England" if not codes else f"{len(codes)} LADs of England"
        export_html(executed, staging / "report.html", show_code=show_code, title=f"{name}: the count, {year}")
        missing = [file for file in (*OUTPUT_FILES, "report.ipynb", "report.html") if not (staging / file).is_file()]
        if missing:
            raise PlaceRunError("england", f"the notebook did not write {', '.join(missing)}")
        summary_path = staging / "summary.json"
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        summary.setdefault("inputs", {})["notebook"] = sha256_of(notebook)
        summary.setdefault("timings", {})["run_s"] = round(time.perf_counter() - start, 3)
        summary["parameters"] = {k: v for k, v in parameters.items() if k != "output_dir"}
        summary["run"] = {"notebook": NOTEBOOK, "show_code": bool(show_code), "code_sha256": code_fingerprint()}
        summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        replace_atomically(staging, final, root)
        ok = True
    except PapermillExecutionError as exc:
        raise PlaceRunError(
            "england",
            "the national count's notebook failed; nothing was published",
            cell_index=exc.cell_index,
            ename=exc.ename,
            evalue=exc.evalue,
        ) from None
    finally:
        lifeline.untrack(staging)
        if not ok:
            shutil.rmtree(staging, ignore_errors=True)
        slot.done(ok)
        slot.shutdown()
        with contextlib.suppress(OSError):
            final.parent.rmdir()  # left when it holds anything (an earlier year, this run's folder)
    return final
