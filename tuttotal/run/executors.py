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
(:mod:`tuttotal.lifeline`): if the batch's main process is killed, even by
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
import socket
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from tuttotal import lifeline, settings
from tuttotal.errors import InputError
from tuttotal.run import kernels
from tuttotal.run.batch import PlaceJob, PlaceResult, RunOptions, clean_leftovers, run_job

EXECUTORS = ("local", "dask")


def default_workers() -> int:
    """The number of cores this process may use (:func:`tuttotal.settings.cores`)."""
    return settings.cores()


def _largest_first(jobs: Sequence[PlaceJob]) -> list[PlaceJob]:
    return sorted(jobs, key=lambda job: -len(job.place.lads))


def _lost(job: PlaceJob, exc: BaseException, started: float, worker: str = "") -> PlaceResult:
    """A place whose worker went away (killed, out of memory) rather than failing by itself."""
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    if worker:
        text = (
            f"its worker process {worker} died while running it (killed, or out of memory; {text}); "
            "the other places went on: run again with --resume"
        )
    return PlaceResult(job.place.slug, False, time.perf_counter() - started, error=text, stage="worker", worker=worker)


class _Worker:
    """One worker process of the local pool: a single-process executor, replaced if its process dies.

    A :class:`~concurrent.futures.ProcessPoolExecutor` of N processes breaks
    as a whole when one of them is killed (every running and queued place
    fails with ``BrokenProcessPool``). N executors of one process each keep a
    death to the one place that process was running.
    """

    def __init__(self, context, supervisor: int) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.executor = ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=lifeline.arm, initargs=(supervisor,)
        )

    def pids(self) -> list[int]:
        """The pid of its process (once started); empty before the first place."""
        return list(getattr(self.executor, "_processes", None) or {})

    def close(self, wait: bool) -> None:
        self.executor.shutdown(wait=wait, cancel_futures=True)


def run_local(
    jobs: Sequence[PlaceJob], output_root: str | os.PathLike, options: RunOptions, workers: int
) -> Iterator[PlaceResult]:
    """Run the jobs in ``workers`` local processes; yield results as they finish.

    Each process runs one place at a time. If a process dies (``SIGKILL``, the
    out-of-memory killer), the place it was running fails alone, with the
    worker named: the process is replaced, its staging folder deleted, and the
    queue goes on in the new one.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool
    from dataclasses import replace

    root = str(Path(output_root).resolve())
    workers = max(1, min(int(workers), len(jobs)))
    if workers == 1 or len(jobs) == 1:
        for job in _largest_first(jobs) if len(jobs) > 1 else jobs:
            yield run_job(job, root, options)
        return
    context = multiprocessing.get_context("spawn")
    supervisor = os.getpid()
    options = replace(options, supervisor_pid=supervisor)
    queue = list(reversed(_largest_first(jobs)))  # pop() from the end: largest first
    slots = [_Worker(context, supervisor) for _ in range(workers)]
    running: dict = {}  # future -> (slot index, job, started, pids)

    def submit(index: int) -> None:
        job = queue.pop()
        try:
            future = slots[index].executor.submit(run_job, job, root, options)
        except BrokenProcessPool:  # its process died between places: replace it, nothing was lost
            slots[index].close(wait=False)
            slots[index] = _Worker(context, supervisor)
            future = slots[index].executor.submit(run_job, job, root, options)
        running[future] = (index, job, time.perf_counter(), slots[index].pids())

    try:
        for index in range(workers):
            if queue:
                submit(index)
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index, job, started, pids = running.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool as exc:  # this place's process died: it alone is lost
                    slots[index].close(wait=False)
                    slots[index] = _Worker(context, supervisor)
                    clean_leftovers(root)  # its staging folder (its pid is gone), a set-aside output put back
                    kernels.clean_connection_files()
                    worker = f"{socket.gethostname()}:{pids[0]}" if pids else ""
                    result = _lost(job, exc, started, worker)
                except Exception as exc:  # the result could not be sent back (pickling), an executor error
                    result = _lost(job, exc, started)
                if queue:
                    submit(index)
                yield result
    finally:  # as the single pool did on leaving its "with": wait for the running places (cancel the rest)
        for slot in slots:
            slot.close(wait=True)


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
    kernels.clean_connection_files()  # what killed runs left in the temporary folder
    if not jobs:
        return iter(())
    if executor == "local":
        return run_local(jobs, output_root, options, workers)
    if executor == "dask":
        return run_dask(jobs, output_root, options, workers, scheduler)
    raise ValueError(f"unknown executor {executor!r}; use one of {EXECUTORS}")
