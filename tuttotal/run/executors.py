"""Where the places of a batch run: a local pool of worker processes, or a Dask cluster.

Both executors run the same task, :func:`tuttotal.run.batch.run_job`, once per
place, and yield each :class:`~tuttotal.run.batch.PlaceResult` as soon as it is
done, so the command can draw progress and the analysis never changes with
the executor:

``local``
    A :class:`concurrent.futures.ProcessPoolExecutor` of ``workers``
    processes (``spawn``ed: no thread or socket of the parent is inherited).
    Each worker keeps one warm kernel (:mod:`tuttotal.run.kernels`). One place
    alone runs in the calling process.
``dask``
    :mod:`dask.distributed`: a :class:`~distributed.LocalCluster` of
    ``workers`` single-threaded worker processes by default, or the cluster
    whose scheduler is at ``scheduler`` (``tcp://host:port``). Its workers
    need tuttotal installed and the same paths (data, outputs) mounted.

Workers started here die with the process that started them
(:mod:`tuttotal.run.lifeline`): if the batch's main process is killed, even by
``SIGKILL``, each worker kills its kernel, deletes its unfinished staging
folder and exits within a second or so. Workers of a cluster given by
``scheduler`` are not the batch's to stop.

Places are handed out largest first (by number of LADs) so that a big place
does not start last and hold the batch up alone.

Examples
--------
>>> from tuttotal.run import batch, executors
>>> from tuttotal.data import places
>>> jobs = [batch.PlaceJob(places.get_place(s)) for s in ("lewisham", "croydon")]
>>> for result in executors.run_jobs(jobs, "outputs", workers=2):  # doctest: +SKIP
...     print(result.line())
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from tuttotal.errors import InputError
from tuttotal.run import lifeline
from tuttotal.run.batch import PlaceJob, PlaceResult, RunOptions, run_job

EXECUTORS = ("local", "dask")


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _largest_first(jobs: Sequence[PlaceJob]) -> list[PlaceJob]:
    return sorted(jobs, key=lambda job: -len(job.place.lads))


def _lost(job: PlaceJob, exc: BaseException, started: float) -> PlaceResult:
    """A place whose worker went away (killed, out of memory) rather than failing by itself."""
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return PlaceResult(job.place.slug, False, time.perf_counter() - started, error=text, stage="worker")


def run_local(
    jobs: Sequence[PlaceJob], output_root: str | os.PathLike, options: RunOptions, workers: int
) -> Iterator[PlaceResult]:
    """Run the jobs in ``workers`` local processes; yield results as they finish."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from dataclasses import replace

    root = str(Path(output_root).resolve())
    workers = max(1, min(int(workers), len(jobs)))
    if workers == 1 or len(jobs) == 1:
        for job in _largest_first(jobs) if len(jobs) > 1 else jobs:
            yield run_job(job, root, options)
        return
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    options = replace(options, supervisor_pid=os.getpid())
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=lifeline.arm, initargs=(os.getpid(),)
    )
    with pool:
        futures = {pool.submit(run_job, job, root, options): job for job in _largest_first(jobs)}
        try:
            for future in as_completed(futures):
                try:
                    yield future.result()
                except Exception as exc:  # BrokenProcessPool: a worker died
                    yield _lost(futures[future], exc, started)
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _connect(client_class, scheduler: str, timeout: float = 20.0):
    """A client of the scheduler at ``scheduler``, or an :class:`~tuttotal.errors.InputError` saying why not."""
    try:
        return client_class(scheduler, timeout=timeout)
    except (OSError, ValueError, TypeError) as exc:  # no scheduler there, a timeout, a malformed address

        raise InputError(
            f"cannot reach the Dask scheduler at {scheduler!r} ({type(exc).__name__}: {exc})",
            fix="start a scheduler and its workers (dask scheduler; dask worker ADDRESS), check the address "
            "(e.g. tcp://host:8786), or drop --scheduler to start a LocalCluster",
        ) from None


def run_dask(
    jobs: Sequence[PlaceJob],
    output_root: str | os.PathLike,
    options: RunOptions,
    workers: int,
    scheduler: str | None = None,
) -> Iterator[PlaceResult]:
    """Run the jobs on a Dask cluster (a new LocalCluster unless ``scheduler`` is given)."""
    import logging

    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError(
            "--executor dask needs dask.distributed, which is not installed",
            fix='pip install "tuttotal[dask]" (or: pip install "dask[distributed]")',
        ) from None

    from dataclasses import replace

    root = str(Path(output_root).resolve())
    started = time.perf_counter()
    cluster = None
    if scheduler:
        client = _connect(Client, scheduler)
    else:
        cluster = LocalCluster(
            n_workers=max(1, min(int(workers), len(jobs))),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
        # Its workers are this process's children: they stop when it dies (armed in their main thread
        # here, and again by each task, for a worker the nanny restarts).
        options = replace(options, supervisor_pid=os.getpid())
        client.run(lifeline.arm, os.getpid())
    try:
        futures = {}
        for job in _largest_first(jobs):
            future = client.submit(run_job, job, root, options, pure=False, key=f"tuttotal-{job.place.slug}-{id(job)}")
            futures[future] = job
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # KilledWorker, a lost connection
                yield _lost(futures[future], exc, started)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_jobs(
    jobs: Sequence[PlaceJob],
    output_root: str | os.PathLike,
    *,
    options: RunOptions | None = None,
    executor: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
) -> Iterator[PlaceResult]:
    """Run every job on the chosen executor and yield each result as it finishes.

    Parameters
    ----------
    jobs : sequence of PlaceJob
    output_root : path
        ``outputs/``.
    options : RunOptions
        HTML code, kernel reuse, input checks.
    executor : {"local", "dask"}
    workers : int, optional
        Worker processes; the number of cores by default.
    scheduler : str, optional
        Address of a running Dask scheduler (``executor="dask"`` only).
    """
    options = options or RunOptions()
    workers = workers or default_workers()
    if not jobs:
        return iter(())
    if executor == "local":
        return run_local(jobs, output_root, options, workers)
    if executor == "dask":
        return run_dask(jobs, output_root, options, workers, scheduler)
    raise ValueError(f"unknown executor {executor!r}; use one of {EXECUTORS}")
