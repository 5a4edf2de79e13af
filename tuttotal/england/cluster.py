"""The Dask cluster a national run works on: a client, tasks handed out with progress, workers' memory.

A national run cuts its work into one task per LAD (the LSOA → ward overlay
of :mod:`tuttotal.england.geography`) and runs them on
:mod:`dask.distributed`:

* an existing :class:`distributed.Client`, given by the caller (never closed here);
* the cluster whose scheduler is at an address (``tcp://host:8786``,
  ``--scheduler``): its workers need tuttotal installed and the same paths
  (data root, cache folder) mounted;
* by default, a :class:`distributed.LocalCluster` of one single-threaded
  worker process per core, closed when the work is done. Its workers die
  with the process that started them (:func:`tuttotal.lifeline.arm`).

Tasks are results of plain functions of the package, so a cluster returns
exactly what the same functions return in one process (tested).

Examples
--------
>>> from tuttotal.england import cluster
>>> with cluster.dask_client(workers=2) as client:  # doctest: +SKIP
...     squares = dict(cluster.run_tasks(client, pow, {n: (n, 2) for n in range(4)}))
>>> squares  # doctest: +SKIP
{0: 0, 1: 1, 2: 4, 3: 9}
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import uuid
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from tuttotal import lifeline, settings
from tuttotal.errors import InputError, TuttotalError

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "connect",
    "dask_client",
    "peak_memory_bytes",
    "run_tasks",
    "show_progress",
    "workers_peak_memory",
]

_NO_DASK_FIX = 'pip install "tuttotal[dask]" (or: pip install "dask[distributed]")'


def _distributed():
    """The :mod:`distributed` module, or an :class:`~tuttotal.errors.InputError` saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise InputError(
            "a national run on Dask needs dask.distributed, which is not installed", fix=_NO_DASK_FIX
        ) from None
    return distributed


def connect(scheduler: str, *, timeout: float = 20.0) -> Client:
    """A client of the running Dask scheduler at ``scheduler`` (``tcp://host:8786``).

    Raises
    ------
    InputError
        No scheduler there, a timeout or a malformed address (exit code 2 at the command).
    """
    distributed = _distributed()
    try:
        return distributed.Client(scheduler, timeout=timeout)
    except (OSError, ValueError, TypeError) as exc:  # no scheduler there, a timeout, a malformed address
        raise InputError(
            f"cannot reach the Dask scheduler at {scheduler!r} ({type(exc).__name__}: {exc})",
            fix="start a scheduler and its workers (dask scheduler; dask worker ADDRESS), check the address "
            "(e.g. tcp://host:8786), or drop --scheduler to start a LocalCluster",
        ) from None


@contextlib.contextmanager
def dask_client(
    client: Client | None = None, *, scheduler: str | None = None, workers: int | None = None
) -> Iterator[Client]:
    """A Dask client for the duration of a ``with`` block.

    Parameters
    ----------
    client : distributed.Client, optional
        Used as it is, and left open.
    scheduler : str, optional
        The address of a running scheduler, when no ``client`` is given
        (:func:`connect`); the client made is closed at the end.
    workers : int, optional
        Worker processes of the LocalCluster started when neither is given
        (default: this machine's cores, :func:`tuttotal.settings.cores`); it is
        closed at the end.

    Yields
    ------
    distributed.Client

    Examples
    --------
    >>> with dask_client(workers=1) as client:  # doctest: +SKIP
    ...     client.submit(sum, [1, 2]).result()
    3
    """
    if client is not None:
        yield client
        return
    if scheduler:
        made = connect(scheduler)
        try:
            yield made
        finally:
            made.close()
        return
    if workers is not None and int(workers) < 1:
        raise InputError(f"workers={workers} is not a number of worker processes", fix="give 1 or more")
    distributed = _distributed()
    count = int(workers or settings.cores())
    cluster = distributed.LocalCluster(
        n_workers=count,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    made = distributed.Client(cluster)
    try:
        made.run(lifeline.arm, os.getpid())  # its workers are this process's children: they stop when it dies
        yield made
    finally:
        made.close()
        cluster.close()


def show_progress(progress: bool | None) -> bool:
    """Whether to draw a progress bar: ``progress``, or by default on a terminal outside CI."""
    if progress is None:
        return sys.stderr.isatty() and not settings.in_ci()
    return bool(progress)


def run_tasks(
    client: Client,
    function: Callable[..., Any],
    tasks: Mapping[Hashable, tuple],
    *,
    progress: bool | None = None,
    description: str = "tasks",
    unit: str = "task",
) -> Iterator[tuple[Hashable, Any]]:
    """Run ``function(*args)`` for every ``key: args`` of ``tasks`` on the cluster; yield ``(key, result)`` as done.

    Tasks are submitted in the order given (give the longest first), each
    once (``pure=False``); a progress bar (tqdm, on standard error) counts
    them as they complete.

    Raises
    ------
    TuttotalError
        The first task that failed, as the function raised it (an
        :class:`~tuttotal.errors.InputError` naming a file stays one), or,
        for a worker that died, an error naming the task's key.
    """
    from distributed import as_completed
    from tqdm import tqdm

    batch = uuid.uuid4().hex[:12]  # a task's key names it and is never reused, even by a later batch
    futures = {}
    for key, args in tasks.items():
        futures[client.submit(function, *args, pure=False, key=f"tuttotal-{key}-{batch}")] = key
    bar = tqdm(total=len(futures), desc=description, unit=unit, file=sys.stderr, disable=not show_progress(progress))
    try:
        for future in as_completed(futures):
            key = futures[future]
            try:
                result = future.result()
            except TuttotalError:
                raise
            except Exception as exc:  # KilledWorker, a lost connection, an unexpected error in the task
                raise TuttotalError(
                    f"{description}: the task of {key} failed on its worker ({type(exc).__name__}: {exc})",
                    fix="run again (finished work is cached); with --scheduler, check that the workers have "
                    "tuttotal installed and see the data and cache folders at the same paths",
                ) from exc
            bar.update()
            yield key, result
    finally:
        bar.close()
        for future in futures:  # a failure or an early stop leaves nothing running
            future.cancel()


def _peak_rss_bytes() -> int:
    """This process's peak resident memory, in bytes (``ru_maxrss``: KiB on Linux, bytes on macOS)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def workers_peak_memory(client: Client) -> dict[str, int]:
    """Peak resident memory of each worker process of the cluster, in bytes, by worker address.

    Read before the cluster closes (a LocalCluster's workers report it
    themselves); with this process's own peak it bounds a national run's
    memory.
    """
    return {str(address): int(peak) for address, peak in client.run(_peak_rss_bytes).items()}


def peak_memory_bytes() -> int:
    """Peak resident memory of this process, in bytes."""
    return _peak_rss_bytes()
