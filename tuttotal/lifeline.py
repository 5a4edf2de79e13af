"""Workers and kernels that die with the batch that started them, leaving nothing half-written.

A batch's main process starts worker processes (a local pool, or a Dask
``LocalCluster``), and each worker starts a Jupyter kernel. If the main
process is killed (``kill -9``, the out-of-memory killer, a closed
terminal), nothing would tell them: they would run on, minutes later still
publishing places. Two mechanisms stop them within a second or so:

* **Parent-death signal** (Linux): the worker asks the kernel, with
  ``prctl(PR_SET_PDEATHSIG)``, to be sent ``SIGTERM`` the moment its parent
  dies. Kernels are started through :mod:`tuttotal.run.kernel_launcher`, which
  asks for ``SIGKILL`` when *their* parent (the worker) dies.
* **A watchdog thread**: every half second it checks that the parent is
  still the process that started the worker (``os.getppid()``); on other
  systems this alone does the job. ipykernel does the same in each kernel
  (``JPY_PARENT_PID``, set by jupyter_client).

A worker that must stop (``SIGTERM``, or its parent gone) waits for a
publish in progress to finish (:func:`critical`), kills its kernels, deletes
the staging folders it was writing (:func:`track`) and exits. So a place
folder is either published whole or not at all.

Examples
--------
>>> from tuttotal import lifeline
>>> lifeline.set_parent_death_signal(0)  # 0: clear it (True on Linux)  # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
POLL_SECONDS = 0.5
EXIT_CODE = 128 + signal.SIGTERM

_critical = threading.RLock()
_staging: set[str] = set()
_stop = threading.Event()
_arm_lock = threading.Lock()
_armed_for: int | None = None


def set_parent_death_signal(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent dies; False where it cannot.

    The setting survives ``exec`` (so a launcher can set it for the program it
    becomes) and is tied to the thread of the parent that started this
    process.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(parent_pid: int, signum: int = signal.SIGKILL) -> None:
    """Be sent ``signum`` when ``parent_pid`` (this process's parent) dies; exit now if it already has.

    For processes with nothing to clean up (a kernel: :mod:`tuttotal.run.kernel_launcher`).
    """
    if not parent_pid:
        return
    set_parent_death_signal(signum)
    if os.getppid() != parent_pid:  # died before the signal was asked for
        os._exit(1)


def track(path: str | os.PathLike) -> None:
    """Remember ``path`` (a staging folder) as this process's, to delete if it must stop mid-way."""
    _staging.add(os.fspath(path))


def untrack(path: str | os.PathLike) -> None:
    """Forget ``path`` (published, or deleted)."""
    _staging.discard(os.fspath(path))


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A few steps (publishing a folder) that a stopping worker lets finish before it exits."""
    with _critical:
        yield


def _children() -> list:
    try:
        import psutil

        return psutil.Process().children(recursive=True)
    except Exception:
        return []


def stop_now(code: int = EXIT_CODE) -> None:
    """Kill this process's kernels (every child), delete its staging folders, and exit.

    The renames of a publish in progress (:func:`critical`: a few
    milliseconds) are let finish first, and none starts after.
    """
    _critical.acquire()  # held until exit: no publish starts after this
    children = _children()
    for child in children:
        with contextlib.suppress(Exception):
            child.kill()
    with contextlib.suppress(Exception):
        import psutil

        psutil.wait_procs(children, timeout=5)
    for name in list(_staging):
        shutil.rmtree(name, ignore_errors=True)
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _watch(parent_pid: int, poll: float) -> None:
    while not _stop.wait(poll):
        if os.getppid() != parent_pid:
            break
    stop_now()


def _on_sigterm(signum, frame) -> None:
    _stop.set()  # the watchdog thread stops the process (this thread may be mid-publish)


def arm(parent_pid: int, poll: float = POLL_SECONDS) -> bool:
    """Make this worker stop, cleanly, as soon as ``parent_pid`` (the batch's main process) is gone.

    Call it first thing in a worker whose parent is ``parent_pid`` (a local
    pool's initializer, a Dask ``LocalCluster`` worker); calling it again is
    harmless. In the main thread it also installs a ``SIGTERM`` handler and
    asks for ``SIGTERM`` on the parent's death; elsewhere the watchdog alone
    notices. A process whose parent is already another (the batch's main
    process died before the worker started) stops at once.

    Returns
    -------
    bool
        True when it was armed by this call.
    """
    global _armed_for
    if not parent_pid:
        return False
    with _arm_lock:
        if _armed_for is not None:
            return False
        _armed_for = parent_pid
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
        set_parent_death_signal(signal.SIGTERM)
    threading.Thread(target=_watch, args=(parent_pid, poll), name="tuttotal-lifeline", daemon=True).start()
    if os.getppid() != parent_pid:
        _stop.set()
    return True


def pid_alive(pid: int) -> bool:
    """Whether a process of this id is running (one we may not signal counts as running).

    Examples
    --------
    >>> pid_alive(os.getpid())
    True
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
