"""Warm kernels: one Jupyter kernel per worker, reused from one place's notebook to the next.

The profile of a batch showed that a fresh kernel per notebook pays about
0.9 s to start and 2–3 s to import the scientific stack (pandas, geopandas,
matplotlib, and mapclassify, which pulls in scipy.stats and scikit-learn):
more than half the cost of a small place. A :class:`KernelSlot` keeps one
kernel alive in a worker (one per thread) and runs each notebook in it
through papermill's normal machinery (parameters, per-cell metadata,
:class:`~papermill.exceptions.PapermillExecutionError`), registered as the
papermill engine ``"tuttotal"``.

Between notebooks the kernel is reset to look fresh: the user namespace is
cleared (``%reset -f``), figures closed, warning registries emptied and the
execution counter set back to 1, so the executed notebook is the same as
with a new kernel. Imported modules stay: that is the saving. What survives
a reset (modules, the data caches) is then frozen out of the cyclic garbage
collector (:func:`gc.freeze`): a full collection no longer walks the whole
scientific stack, which cost 0.1 s each time (``%reset`` runs two). Memory
is still freed by reference counting; only a reference cycle among frozen
objects waits for the kernel's replacement after ``max_uses`` notebooks. A kernel is
shut down and replaced after any failure (its state is not trusted), when
it has died, and after ``max_uses`` notebooks (to bound memory).

Kernels start through :mod:`tuttotal.run.kernel_launcher` (:func:`lifeline_command`),
which has Linux kill a kernel the moment the process that started it dies,
so a killed worker or batch never leaves a kernel running.

The kernel starts in the notebooks' folder (``cwd`` given to the kernel,
never a ``chdir`` of the worker), so threads of one worker never race on the
process's working directory (papermill issue #578).

Examples
--------
>>> from tuttotal.run.kernels import KernelSlot
>>> slot = KernelSlot(cwd="notebooks", max_uses=1)  # doctest: +SKIP
>>> papermill.execute_notebook(
...     "notebooks/place_report.ipynb", "out.ipynb", engine_name="tuttotal", kernel_slot=slot
... )  # doctest: +SKIP
>>> slot.shutdown()  # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from pathlib import Path
from typing import Any

from tuttotal import lifeline, settings

ENGINE_NAME = "tuttotal"
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR",)  # its TCP notice is noise on a terminal

#: Run (silently) in a used kernel before the next notebook.
RESET_CODE = """\
get_ipython().run_line_magic("reset", "-f")
import sys as _tt_sys, warnings as _tt_warnings
if "matplotlib.pyplot" in _tt_sys.modules:
    _tt_sys.modules["matplotlib.pyplot"].close("all")
for _tt_module in list(_tt_sys.modules.values()):
    getattr(_tt_module, "__warningregistry__", {}).clear()
_tt_warnings._filters_mutated()
get_ipython().execution_count = 1
import gc as _tt_gc
_tt_gc.freeze()
del _tt_sys, _tt_warnings, _tt_module, _tt_gc
"""


class KernelSlot:
    """One reusable kernel: started on first use, reset between notebooks, replaced when not trusted.

    Parameters
    ----------
    kernel_name : str
        Jupyter kernel spec to start.
    cwd : str, optional
        Working folder of the kernel.
    max_uses : int, optional
        Notebooks per kernel before it is replaced; 1 gives a new kernel
        to every notebook (plain papermill's behaviour); default
        ``$TUTTOTAL_KERNEL_MAX_USES`` or 100.
    """

    def __init__(self, kernel_name: str = "python3", cwd: str | None = None, max_uses: int | None = None) -> None:
        self.kernel_name = kernel_name
        self.cwd = cwd
        self.max_uses = _max_uses(max_uses)
        self.km: Any = None
        self.kc: Any = None  # the kernel's client, kept open from one notebook to the next
        self.uses = 0
        self.started = 0  # kernels started by this slot, for reports and tests

    def manager(self):
        """The kernel manager for the next notebook: the warm one, or a new (not yet started) one."""
        if self.km is not None and (self.uses >= self.max_uses or self.kc is None or not self._alive()):
            self.shutdown()  # a kernel without its client (it never finished starting) is not trusted either
        if self.km is None:
            self.km = _manager_class()(kernel_name=self.kernel_name, connection_file=str(new_connection_file()))
            self.uses = 0
        return self.km

    @property
    def is_warm(self) -> bool:
        """True when the next notebook runs in an already started kernel (and its open client)."""
        return (
            self.km is not None
            and self.km.has_kernel
            and self.kc is not None
            and self.uses < self.max_uses
            and self._alive()
        )

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(self.km.has_kernel and run_sync(self.km.is_alive)())
        except Exception:
            return False

    def done(self, ok: bool) -> None:
        """Record a finished notebook; a failed one retires the kernel."""
        self.uses += 1
        if not ok or self.uses >= self.max_uses:
            self.shutdown()

    def shutdown(self) -> None:
        """Stop the kernel, if any (safe to call twice)."""
        from jupyter_core.utils import run_sync

        km, self.km = self.km, None
        kc, self.kc = self.kc, None
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        if km is None:
            return
        with contextlib.suppress(Exception):  # already gone
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        with contextlib.suppress(Exception):
            run_sync(km.cleanup_resources)()

    async def reset(self, kc) -> None:
        """Make a used kernel look new: empty namespace, no figures, counter back to 1."""
        reply = await kc.execute_interactive(RESET_CODE, silent=True, store_history=False, timeout=60)
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"could not reset the kernel: {reply['content'].get('evalue', '')}")


#: Kernel connection files are ``<temp>/tuttotal-kernel-<pid of the process that started it>-<random>.json``.
CONNECTION_PREFIX = "tuttotal-kernel-"


def new_connection_file() -> Path:
    """Where the next kernel's connection file goes: named by this process, so that a sweep knows its owner.

    The kernel deletes it once it has read it (:mod:`tuttotal.run.kernel_launcher`),
    and its manager at shutdown; one left by a process killed in between is
    removed by :func:`clean_connection_files`.
    """
    import os
    import tempfile
    import uuid

    return Path(tempfile.gettempdir()) / f"{CONNECTION_PREFIX}{os.getpid()}-{uuid.uuid4().hex}.json"


def clean_connection_files() -> list[Path]:
    """Delete the kernel connection files (ports and HMAC key) of processes of this user that are gone.

    Returns
    -------
    list of Path
        The files removed.
    """
    import os
    import re
    import tempfile

    pattern = re.compile(rf"^{CONNECTION_PREFIX}(\d+)-[0-9a-f]+\.json$")
    removed = []
    for entry in Path(tempfile.gettempdir()).glob(f"{CONNECTION_PREFIX}*.json"):
        match = pattern.match(entry.name)
        if not match or lifeline.pid_alive(int(match[1])):
            continue
        with contextlib.suppress(OSError):
            if entry.stat().st_uid == os.getuid():
                entry.unlink()
                removed.append(entry)
    return removed


def lifeline_command(cmd: list[str]) -> list[str]:
    """The kernel command, started through :mod:`tuttotal.run.kernel_launcher` so that it dies with its worker.

    Only a kernel of this Python that runs ``ipykernel_launcher`` is
    changed (another environment may not have tuttotal); any other command
    is returned as it is, watched by ipykernel's parent poller alone.

    Examples
    --------
    >>> import sys
    >>> lifeline_command([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"])[1:3]
    ['-m', 'tuttotal.run.kernel_launcher']
    >>> lifeline_command(["/opt/R/bin/R", "--slave", "-f", "k.json"])[0]
    '/opt/R/bin/R'
    """
    import os
    import sys

    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return list(cmd)
    try:
        same = os.path.samefile(cmd[0], sys.executable)
    except OSError:
        same = False
    return [cmd[0], "-m", "tuttotal.run.kernel_launcher", *cmd[3:]] if same else list(cmd)


def _manager_class():
    """jupyter_client's AsyncKernelManager, starting its kernel through :func:`lifeline_command`."""
    global _MANAGER
    if _MANAGER is None:
        from jupyter_client.manager import AsyncKernelManager

        class LifelineKernelManager(AsyncKernelManager):
            """A kernel manager whose kernels die with the process that started them."""

            def format_kernel_cmd(self, extra_arguments=None):
                return lifeline_command(super().format_kernel_cmd(extra_arguments))

        _MANAGER = LifelineKernelManager
    return _MANAGER


_MANAGER = None
_slots = threading.local()
_all_slots: list[KernelSlot] = []
_lock = threading.Lock()


def worker_slot(kernel_name: str = "python3", cwd: str | None = None, max_uses: int | None = None) -> KernelSlot:
    """This thread's kernel slot (one per worker thread), made on first use and stopped at exit."""
    slot = getattr(_slots, "slot", None)
    if slot is None or slot.kernel_name != kernel_name or slot.cwd != cwd:
        if slot is not None:
            slot.shutdown()
        slot = KernelSlot(kernel_name, cwd, max_uses)
        _slots.slot = slot
        with _lock:
            if not _all_slots:
                _register_exit()
            _all_slots.append(slot)
    slot.max_uses = _max_uses(max_uses)
    return slot


def shutdown_all() -> None:
    """Stop every kernel this process started (at exit of a worker)."""
    with _lock:
        slots = list(_all_slots)
        _all_slots.clear()
    for slot in slots:
        slot.shutdown()


def _register_exit() -> None:
    atexit.register(shutdown_all)
    with contextlib.suppress(Exception):  # multiprocessing workers may leave through os._exit, skipping atexit
        from multiprocessing import util

        util.Finalize(None, shutdown_all, exitpriority=20)


def _engine():
    """The papermill engine running notebooks in a :class:`KernelSlot` (made lazily: papermill is heavy)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmKernelEngine(NBClientEngine):
        """papermill's nbclient engine, with the kernel taken from (and left in) a slot."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            slot: KernelSlot = kwargs.pop("kernel_slot")
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            from jupyter_core.utils import run_sync

            warm = slot.is_warm
            client = PapermillNotebookClient(nb_man, km=slot.manager(), **final_kwargs)
            if warm:
                # The previous notebook's client, channels open: a new client would wait 0.2 s of
                # silence on IOPub before its first cell (jupyter_client's wait_for_ready).
                client.kc = slot.kc
                run_sync(slot.reset)(client.kc)
            else:
                slot.started += 1
            try:
                return client.execute(cwd=slot.cwd)
            finally:
                slot.kc = client.kc  # stopped with the kernel (KernelSlot.shutdown)

    return WarmKernelEngine


_registered = False


def register_engine() -> str:
    """Register the ``"tuttotal"`` papermill engine (once) and return its name."""
    global _registered
    if not _registered:
        from papermill.engines import papermill_engines

        papermill_engines.register(ENGINE_NAME, _engine())
        _registered = True
    return ENGINE_NAME


def default_max_uses() -> int:
    """Notebooks per kernel: ``$TUTTOTAL_KERNEL_MAX_USES`` or 100."""

    return settings.kernel_max_uses()


def _max_uses(max_uses: int | None) -> int:
    """``max_uses``, or the default when None; at least 1."""
    return max(1, int(max_uses if max_uses is not None else default_max_uses()))
