"""Running the place notebooks through papermill, each place written all or nothing.

Each place is executed into a staging folder in the output folder
(``outputs/.<slug>.tmp-<pid>-<random>``); only when the notebook, its HTML
page and every file of the output layout are complete is the staging folder
published as ``outputs/<slug>`` (:mod:`tuttotal.run.publish`: one atomic
exchange under the output folder's lock, so runs writing the same folder at
once never collide). A failed run leaves the previous complete output as it
was and no partial folder; a worker whose batch's main process dies stops
and deletes its staging folder (:mod:`tuttotal.lifeline`).

:func:`run_job` is what a worker runs for one place, locally or on Dask
(:mod:`tuttotal.run.executors`): it checks the place's inputs, runs the notebook
in the worker's warm kernel (:mod:`tuttotal.run.kernels`) and never raises: a
failing place becomes a :class:`PlaceResult` naming the stage, the notebook
cell or the input file, and the cause. :func:`is_up_to_date` tells
``--resume`` whether a place's outputs are complete and were made from the
same inputs (SHA-256), parameters, notebook and code.

Examples
--------
>>> from tuttotal.run import batch
>>> from tuttotal.data import places
>>> job = batch.PlaceJob(places.get_place("demo"))
>>> result = batch.run_place(job, "outputs")  # doctest: +SKIP
>>> result.ok, result.output.name  # doctest: +SKIP
(True, 'demo')
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tuttotal import lifeline, paths, settings
from tuttotal.analysis.deep_dive import check_theme
from tuttotal.count import outturn_count, topdown
from tuttotal.count.inputs import run_inputs
from tuttotal.count.parameters import PlaceParameters
from tuttotal.count.real_years import check_real_year
from tuttotal.data import deflators, geography, place_wards, ward_drivers
from tuttotal.data.datasets import sha256_of
from tuttotal.data.places import Place, validate_slug
from tuttotal.data.spend import check_spend_file, parse_year, read_drivers, read_spend
from tuttotal.errors import InputError, PlaceRunError, TuttotalError, TuttotalWarning
from tuttotal.run import kernels
from tuttotal.run.publish import LOCK_TIMEOUT, output_lock, publish
from tuttotal.run.report_page import export_html
from tuttotal.writers.safe_csv import current_umask

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
    theme: str = ""
    driver: str = ""
    prices: str = ""

    def output_folder(self, output_root: str | os.PathLike) -> Path:
        """``<root>/<slug>`` for the place report; ``<root>/<slug>/<notebook>`` for any other notebook."""
        place_folder = Path(output_root).resolve() / validate_slug(self.place.slug)
        stem = self.notebook[:-6] if self.notebook.endswith(".ipynb") else self.notebook
        return place_folder if stem == DEFAULT_NOTEBOOK else place_folder / validate_slug(stem)

    def place_parameters(self, output_dir: Path) -> PlaceParameters:
        """The count's parameters: the place (or its LADs, for an area), paths made absolute, ``output_dir``."""
        is_area = self.place.status == "area"
        return PlaceParameters(
            place="" if is_area else self.place.slug,
            lads=self.place.lad_codes if is_area else (),
            year=self.year,
            focus_wards=self.focus_wards,
            spend_path=_absolute(self.spend_path),
            drivers_path=_absolute(self.drivers_path),
            data_dir=_absolute(self.data_dir),
            output_dir=str(output_dir),
            wards_paths=tuple(_absolute(p) for p in self.wards_paths),
            driver=self.driver,
            prices=self.prices,
        )

    def parameters(self, output_dir: Path) -> dict:
        """The notebook's ``parameters`` cell values (the names of :data:`tuttotal.run.parameters.PARAMETERS`).

        ``theme``, ``driver`` and ``prices`` are passed only when set (the notebook's defaults otherwise).
        """
        values = self.place_parameters(output_dir).notebook_values()
        optional = {"theme": self.theme, "driver": values.pop("driver"), "prices": values.pop("prices")}
        return {**values, **{name: value for name, value in optional.items() if value}}


@dataclass(frozen=True)
class RunOptions:
    """How the places of a batch are run (the same for every place)."""

    show_code: bool = False
    kernel_name: str = "python3"
    reuse_kernels: bool = True
    max_kernel_uses: int = field(default_factory=settings.kernel_max_uses)  # $TUTTOTAL_KERNEL_MAX_USES
    check_inputs: bool = True
    progress: bool = False
    supervisor_pid: int = 0  # the batch's main process: a worker stops when it is gone (tuttotal.lifeline)


@dataclass
class PlaceResult:
    """How one place's run ended.

    ``status`` is ``ok``, ``failed`` or ``skipped`` (``--resume`` found its
    outputs up to date); ``stage`` says where a failure happened: ``inputs``
    (checked before the notebook), ``notebook`` (a cell raised: ``cell_index``
    and ``ename`` are set), ``outputs`` or ``worker``.
    """

    slug: str
    ok: bool
    seconds: float
    output: Path | None = None
    error: str = ""
    cell_index: int | None = None
    totals: dict = field(default_factory=dict)
    status: str = ""
    stage: str = ""
    ename: str = ""
    warm_kernel: bool = False
    worker: str = ""

    def __post_init__(self) -> None:
        if not self.status:
            self.status = "ok" if self.ok else "failed"

    def line(self) -> str:
        """One line (more for a failure) for the end-of-run summary."""
        if self.status == "skipped":
            return f"  skipped {self.slug:<40} {'':>8}  up to date: {self.output}"
        if self.ok:
            return f"  ok      {self.slug:<40} {self.seconds:6.1f} s  {self.output}"
        error = self.error.replace("\n", "\n" + " " * 10)
        return f"  FAILED  {self.slug:<40} {self.seconds:6.1f} s  {self.stage + ': ' if self.stage else ''}{error}"


def _absolute(path: str) -> str:
    return str(Path(path).resolve()) if path else ""


def absolute_job(job: PlaceJob) -> PlaceJob:
    """The job with every file path absolute, so that any worker (any cwd) reads the same files."""
    from dataclasses import replace

    def absolute(path: str) -> str:
        return os.path.abspath(path) if path else ""

    return replace(
        job,
        spend_path=absolute(job.spend_path),
        drivers_path=absolute(job.drivers_path),
        data_dir=absolute(job.data_dir),
        wards_paths=tuple(absolute(p) for p in job.wards_paths),
    )


#: Notebooks for JupyterLab only: their widgets need a person at the page, and ``tuttotal run`` refuses them.
INTERACTIVE_NOTEBOOKS = frozenset({"explore"})
#: Notebooks with a command of their own (not a place's report): ``tuttotal run`` refuses them and names it.
OWN_COMMAND_NOTEBOOKS = {"england": "tuttotal england --year 2008-09"}


def notebook_path(name: str) -> Path:
    """Path of a notebook in ``notebooks/`` by name (with or without ``.ipynb``)."""

    stem = name[:-6] if name.endswith(".ipynb") else name
    path = paths.notebooks_dir() / f"{stem}.ipynb"
    own = INTERACTIVE_NOTEBOOKS | set(OWN_COMMAND_NOTEBOOKS)
    available = sorted(p.stem for p in paths.notebooks_dir().glob("*.ipynb") if p.stem not in own)
    if stem in OWN_COMMAND_NOTEBOOKS:
        raise InputError(
            f"the notebook {name!r} is not a place's report: it has a command of its own",
            fix=f"run {OWN_COMMAND_NOTEBOOKS[stem]}, or one of {available} with tuttotal run",
        )
    if stem in INTERACTIVE_NOTEBOOKS:
        raise InputError(
            f"the notebook {name!r} is interactive (widgets): it is opened in JupyterLab, not run by tuttotal",
            fix=f"open notebooks/{stem}.ipynb in JupyterLab, or run one of {available}",
        )
    if not path.is_file():
        raise InputError(f"no notebook called {name!r}", fix=f"choose one of {available}")
    return path


_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-")


def clean_leftovers(output_root: str | os.PathLike, *, mine: bool = False, timeout: float | None = None) -> list[Path]:
    """Remove what interrupted runs left in the output folder; restore outputs caught mid-swap.

    Staging folders (``.<name>.tmp-<pid>-…``) of processes that are gone (and,
    with ``mine``, of this process) are deleted. A previous output set aside
    (``.<name>.old-<pid>-…``) whose replacement never arrived is put back, so
    the last complete output survives any interruption. Place folders are
    searched too, for other notebooks' outputs (``outputs/<slug>/<notebook>``).
    The output folder's lock is held meanwhile (for at most ``timeout``
    seconds of waiting, if given); a folder that cannot be written is left
    alone.

    Returns
    -------
    list of Path
        What was removed or restored.
    """
    root = Path(output_root)
    if not root.is_dir() or not os.access(root, os.W_OK):
        return []

    with output_lock(root, LOCK_TIMEOUT if timeout is None else timeout):
        return _clean_leftovers(root, mine)


def _clean_leftovers(root: Path, mine: bool) -> list[Path]:
    folders = [root, *(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))]
    touched = []
    for folder in folders:
        for entry in sorted(folder.iterdir()):
            match = _LEFTOVER.match(entry.name)
            if not match or not entry.is_dir():
                continue
            pid = int(match["pid"])
            if lifeline.pid_alive(pid) and not (mine and pid == os.getpid()):
                continue
            final = folder / match["name"]
            if match["kind"] == "old" and not final.exists():
                entry.rename(final)
            else:
                shutil.rmtree(entry, ignore_errors=True)
            touched.append(entry)
    return touched


def replace_atomically(staging: Path, final: Path, root: Path) -> None:
    """Publish the complete staging folder as ``final`` (:func:`tuttotal.run.publish.publish`).

    Ctrl-C and SIGTERM wait until the swap is over (they are blocked in this
    thread, and a stopping worker lets the renames finish: :func:`tuttotal.lifeline.critical`),
    so an interruption finds either the old output or the new.
    """
    import signal

    stopping = {signal.SIGINT, signal.SIGTERM}
    blocked = hasattr(signal, "pthread_sigmask")
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, stopping)
    try:
        publish(staging, final, root)
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping)


def _staging_prefix(final: Path, root: Path) -> str:
    """``.<slug>.tmp-<pid>-`` (``.<slug>.<notebook>.tmp-…`` for another notebook): staging sits in ``root``,
    so that publishing ``<root>/<slug>`` never carries away another notebook's run in progress."""
    return "." + ".".join(final.relative_to(root).parts) + f".tmp-{os.getpid()}-"


#: Optional format checkers that jsonschema imports when installed, and nbformat never uses.
UNUSED_FORMAT_CHECKERS = ("rfc3987_syntax",)


def skip_unused_format_checkers() -> None:
    """Keep jsonschema from importing format checkers nothing here uses (call before papermill is imported).

    papermill imports nbformat, which imports jsonschema, which imports
    ``rfc3987_syntax`` whenever it is installed (jupyter-events, a JupyterLab
    dependency, asks for ``jsonschema[format-nongpl]``): that package builds
    its grammar at import, 1.0 s of the 1.3 s ``import papermill`` takes, in
    every worker and every ``tuttotal run``. Notebooks are checked without
    formats, so the checker is never called (python-jsonschema/jsonschema#1428).
    Marking the module as absent (``sys.modules[name] = None``, Python's way)
    makes jsonschema skip its ``iri`` checks, in this process only; nothing
    changes once jsonschema is already imported, or for a module already loaded.
    """
    import sys

    if "jsonschema" in sys.modules:
        return
    for name in UNUSED_FORMAT_CHECKERS:
        sys.modules.setdefault(name, None)


def run_place(
    job: PlaceJob,
    output_root: str | os.PathLike,
    *,
    progress: bool = False,
    show_code: bool = False,
    kernel_name: str = "python3",
    kernel=None,
) -> PlaceResult:
    """Execute one place's notebook with papermill and write its outputs atomically.

    Parameters
    ----------
    job : PlaceJob
    output_root : path
        ``outputs/``: the place is written to ``<output_root>/<slug>``.
    progress : bool
        papermill's per-cell progress bar.
    show_code : bool
        Keep code cells in ``report.html``.
    kernel : tuttotal.run.kernels.KernelSlot, optional
        A warm kernel to run in; by default a new kernel for this notebook
        only (as plain papermill).

    Returns
    -------
    PlaceResult
        ``ok`` False with the notebook cell and error when the notebook
        failed; the previous outputs of the place are then untouched.
    """
    skip_unused_format_checkers()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    slug = validate_slug(job.place.slug)
    root = Path(output_root).resolve()
    final = job.output_folder(root)
    made_parent = not final.parent.exists()  # another notebook's place folder: removed again if the run fails
    final.parent.mkdir(parents=True, exist_ok=True)
    notebook = notebook_path(job.notebook)
    own_kernel = kernel is None
    slot = kernel or kernels.KernelSlot(kernel_name, str(notebook.parent), max_uses=1)
    warm = slot.is_warm
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(final, root), dir=root))
    staging.chmod(0o777 & ~current_umask())
    start = time.perf_counter()
    ok = False
    lifeline.track(staging)
    try:
        executed = papermill.execute_notebook(
            str(notebook),
            str(staging / "report.ipynb"),
            # Written once, when done: papermill's default saves the whole notebook (images, maps and all)
            # before and after every cell, about 80 writes of nothing anyone reads (the staging
            # folder is deleted if the notebook fails).
            request_save_on_cell_execute=False,
            parameters=job.parameters(staging),
            kernel_name=kernel_name,
            engine_name=kernels.register_engine(),
            kernel_slot=slot,
            progress_bar=progress,
            log_output=False,
            extra_arguments=list(kernels.KERNEL_ARGUMENTS),
        )
        title = f"{job.place.name}: Total Place count"
        export_html(executed, staging / "report.html", show_code=show_code, title=title)
        missing = [name for name in OUTPUT_FILES if not (staging / name).is_file()]
        if missing:
            raise PlaceRunError(slug, f"the notebook did not write {', '.join(missing)}")
        summary_path = staging / "summary.json"
        summary = json.loads(summary_path.read_text(encoding="utf-8"))

        for name, path in notebook_inputs(job).items():  # the notebook, and the tables only it reads
            summary.setdefault("inputs", {})[name] = sha256_of(path)
        summary.setdefault("timings", {})["total_s"] = round(time.perf_counter() - start, 3)
        summary["timings"]["warm_kernel"] = warm
        summary["run"] = run_record(job, show_code)
        summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        replace_atomically(staging, final, root)
        ok = True
    except PapermillExecutionError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        return PlaceResult(
            slug,
            False,
            time.perf_counter() - start,
            error=f"notebook cell {exc.exec_count}: {exc.ename}: {exc.evalue}",
            cell_index=exc.cell_index,
            stage="notebook",
            ename=exc.ename,
            warm_kernel=warm,
        )
    except PlaceRunError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        return PlaceResult(slug, False, time.perf_counter() - start, error=exc.message, stage="outputs")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        lifeline.untrack(staging)
        if not ok and made_parent and final.parent != root:
            with contextlib.suppress(OSError):  # left when not empty (another run wrote into it meanwhile)
                final.parent.rmdir()
        slot.done(ok)
        if own_kernel:
            slot.shutdown()
    return PlaceResult(
        slug, True, time.perf_counter() - start, output=final, totals=summary.get("totals", {}), warm_kernel=warm
    )


def check_inputs(job: PlaceJob) -> None:
    """Everything that can be checked before a kernel starts: year, wards, focus wards, spend, drivers.

    Raises
    ------
    InputError
        Naming the file (with row and column where it applies), the cause and the fix.
    """
    import warnings

    if job.year:
        try:
            parse_year(job.year)
        except ValueError as exc:
            raise InputError(f"--year {job.year!r} {exc}", fix="write e.g. --year 2008-09") from None
    root = settings.data_root(job.data_dir or None)  # resolved once for the checks (the job keeps the text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TuttotalWarning)  # the report records them
        wards = place_wards.load_place_wards(job.place, root, job.wards_paths)
        for query in job.focus_wards or job.place.focus_wards:
            geography.find_ward(wards, query)
        if job.spend_path:
            check_spend_file(job.spend_path, wards)  # parsed once: the run reads the validated table from the cache
        if job.theme:
            _check_theme(job)
        if job.prices:
            deflators.deflator_index(job.prices, data_dir=root)  # a year the deflator has
        if not job.spend_path and not job.place.is_synthetic:
            check_real_year(parse_year(job.year) if job.year else job.place.year, root)
            topdown.input_files(root, download=True)  # every file of the real count, verified
            outturn_count.input_files(root, download=True)
        if job.drivers_path:
            read_drivers(job.drivers_path)
        elif not job.place.is_synthetic and ward_drivers.has_real_drivers(sorted(set(wards["lad_code"]))):
            ward_drivers.ward_driver_table(wards, root)  # every data file found and verified


def _check_theme(job: PlaceJob) -> None:
    """A deep dive's theme: one of ``data/themes.csv``'s, or of the place's spend file (the demo's sample)."""
    spend_path = job.spend_path
    if not spend_path and job.place.is_synthetic:
        spend_path = str(paths.project_file(job.place.sample["spend"]))
    check_theme(job.theme, read_spend(spend_path) if spend_path else None)  # read from the cache


def run_job(job: PlaceJob, output_root: str | os.PathLike, options: RunOptions = RunOptions()) -> PlaceResult:
    """What a worker runs for one place: check its inputs, run it, never raise.

    The kernel is the worker's warm one (:func:`tuttotal.run.kernels.worker_slot`)
    unless ``options.reuse_kernels`` is False. Any error becomes a failed
    :class:`PlaceResult`, so one place never stops the others.

    Examples
    --------
    >>> from tuttotal.run import batch
    >>> from tuttotal.data import places
    >>> result = batch.run_job(batch.PlaceJob(places.get_place("demo")), "outputs")  # doctest: +SKIP
    >>> result.status, result.output.name  # doctest: +SKIP
    ('ok', 'demo')
    """
    import socket

    if options.supervisor_pid:
        lifeline.arm(options.supervisor_pid)  # a no-op when the worker's start-up did it
    worker = f"{socket.gethostname()}:{os.getpid()}"
    slug = job.place.slug
    start = time.perf_counter()
    if options.check_inputs:
        try:
            check_inputs(job)
        except TuttotalError as exc:
            return PlaceResult(slug, False, time.perf_counter() - start, error=str(exc), stage="inputs", worker=worker)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            return PlaceResult(slug, False, time.perf_counter() - start, error=error, stage="inputs", worker=worker)
    try:
        notebook = notebook_path(job.notebook)
        slot = None
        if options.reuse_kernels:
            slot = kernels.worker_slot(options.kernel_name, str(notebook.parent), options.max_kernel_uses)
        result = run_place(
            job,
            output_root,
            progress=options.progress,
            show_code=options.show_code,
            kernel_name=options.kernel_name,
            kernel=slot,
        )
    except TuttotalError as exc:
        result = PlaceResult(slug, False, time.perf_counter() - start, error=str(exc), stage="inputs")
    except Exception as exc:
        text = f"{type(exc).__name__}: {exc}".strip()
        if type(exc).__name__ == "DeadKernelError":
            text += " (the notebook's kernel was killed or ran out of memory); run again with --resume"
        result = PlaceResult(slug, False, time.perf_counter() - start, error=text, stage="worker")
    result.seconds = time.perf_counter() - start
    result.worker = worker
    return result


# ------------------------------------------------------------------------------------------- resume


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the package's source files: a changed library makes every output stale."""
    digest = hashlib.sha256()
    package = Path(__file__).parents[1]
    for path in sorted([*package.rglob("*.py"), *package.rglob("registry/*.csv")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def run_record(job: PlaceJob, show_code: bool) -> dict:
    """What ``summary.json`` keeps under ``run`` to decide, later, whether the place is up to date."""
    parameters = job.parameters(Path("."))
    parameters.pop("output_dir")
    return {
        "notebook": job.notebook,
        "parameters": parameters,
        "show_code": bool(show_code),
        "code_sha256": code_fingerprint(),
        "environment_data_dir": settings.env_data_dir(),
    }


#: Tables of ``data/`` a notebook reads beyond the count (``data/<name>.csv``), by notebook.
NOTEBOOK_TABLES = {"theme_deep_dive": ("pilot_themes",)}


def notebook_inputs(job: PlaceJob) -> dict[str, Path]:
    """The notebook and the tables it alone reads (the deep dive's ``data/pilot_themes.csv``), as in ``inputs``."""
    notebook = notebook_path(job.notebook)
    files = {"notebook": notebook}
    for name in NOTEBOOK_TABLES.get(notebook.stem, ()):
        files[name] = paths.data_dir() / f"{name}.csv"
    return files


def input_files(job: PlaceJob) -> dict[str, Path]:
    """The files a run of ``job`` reads, named as in ``summary.json``'s ``inputs``: :func:`notebook_inputs`
    and :func:`tuttotal.count.inputs.run_inputs`, the one list the report records too.
    """

    files = notebook_inputs(job)
    files.update(
        run_inputs(
            job.place,
            spend_path=job.spend_path,
            drivers_path=job.drivers_path,
            data_dir=job.data_dir or None,
            wards_paths=job.wards_paths,
        )
    )
    return files


def is_up_to_date(job: PlaceJob, output_root: str | os.PathLike, show_code: bool = False) -> bool:
    """True when ``<output_root>/<slug>`` is complete and was made from the same inputs and parameters.

    Compared: every file of the output layout is present; the run record
    (notebook, parameters, ``show_code``, the package's code hash) is the
    same; and the SHA-256 of every input file (spend, drivers, themes table,
    boundary files, notebook) equals the one in ``summary.json``.
    """

    folder = job.output_folder(output_root)
    if not all((folder / name).is_file() for name in OUTPUT_FILES):
        return False
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        if summary.get("run") != run_record(job, show_code):
            return False
        recorded = summary.get("inputs", {})
        expected = input_files(job)
    except Exception:  # unreadable summary, boundaries no longer available: not up to date
        return False
    recorded_boundaries = {k for k in recorded if k.startswith("boundaries:")}
    if recorded_boundaries != {k for k in expected if k.startswith("boundaries:")}:
        return False
    return all(path.is_file() and recorded.get(name) == sha256_of(path) for name, path in expected.items())
