"""Publishing a finished folder into an output folder that other runs may be writing at the same time.

Every change to what an output folder shows (a place folder swapped in,
``index.html`` rebuilt, leftovers of dead runs swept) happens while holding
that folder's lock, ``<outputs>/.tuttotal.lock`` (the `filelock`_ package:
``flock`` on Linux and macOS, released by the system when its holder dies,
so a killed run never leaves it held). Runs in threads, in processes, and on
any machine mounting the folder therefore publish one after the other.

A place folder is swapped in with one atomic exchange of the staging folder
and the published one (Linux ``renameat2(RENAME_EXCHANGE)``): readers see
the old folder or the new, never none, and an interruption at any point
leaves a complete folder published. Where the file system cannot exchange
(and on other systems) the previous folder is set aside as
``.<name>.old-<pid>-…`` for the two renames, as before, which
:func:`tuttotal.run.batch.clean_leftovers` puts back if a run dies between them.

.. _filelock: https://py-filelock.readthedocs.io

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> staging = root / ".demo.tmp-1-x"
>>> staging.mkdir()
>>> _ = (staging / "summary.json").write_text("{}")
>>> publish(staging, root / "demo", root)
>>> sorted(p.name for p in root.iterdir())
['.tuttotal.lock', 'demo']
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tuttotal import lifeline
from tuttotal.errors import InputError, PlaceRunError

LOCK_NAME = ".tuttotal.lock"
LOCK_TIMEOUT = 300.0  # seconds: publishes take milliseconds, an index of hundreds of places a few seconds

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2 = None


@contextlib.contextmanager
def output_lock(root: str | os.PathLike, timeout: float = LOCK_TIMEOUT) -> Iterator[Path]:
    """Hold the lock of the output folder ``root`` (made if missing) for the ``with`` block.

    Raises
    ------
    PlaceRunError
        When another run has held it for ``timeout`` seconds.
    InputError
        When the lock file cannot be made (a folder that cannot be written).
    """
    from filelock import FileLock, Timeout

    root = Path(root)
    path = root / LOCK_NAME
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(path, timeout=timeout)
        lock.acquire()
    except Timeout:
        raise PlaceRunError(
            root.name,
            f"another run has held the output folder's lock {path} for {timeout:.0f} s; "
            "if no other tuttotal run writes to this folder, delete the lock file and run again",
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot lock the output folder to publish into it ({type(exc).__name__}: {exc.strerror or exc})",
            file=path,
            fix="choose an output folder you can write, with --output DIR",
        ) from None
    try:
        yield path
    finally:
        lock.release()


def exchange(a: Path, b: Path) -> bool:
    """Swap the names of ``a`` and ``b`` in one atomic step; False where the system cannot.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "a").mkdir(); (root / "b").mkdir(); _ = (root / "a" / "new").write_text("")
    >>> exchange(root / "a", root / "b") and sorted(p.name for p in (root / "b").iterdir())  # doctest: +SKIP
    ['new']
    """
    global _renameat2
    if not sys.platform.startswith("linux"):
        return False
    if _renameat2 is None:
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            function = libc.renameat2
            function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            function.restype = ctypes.c_int
            _renameat2 = function
        except (OSError, AttributeError):  # glibc before 2.28, another C library
            _renameat2 = False
    if not _renameat2:
        return False
    import ctypes
    import errno

    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # this file system cannot exchange
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _carry_over(old: Path, new: Path) -> None:
    """Move the sub-folders ``old`` has and ``new`` lacks (other notebooks' outputs of a place) into ``new``."""
    for kept in sorted(old.iterdir()):
        if kept.is_dir() and not kept.name.startswith(".") and not (new / kept.name).exists():
            kept.rename(new / kept.name)


def publish(staging: Path, final: Path, root: str | os.PathLike) -> None:
    """Make the complete folder ``staging`` the published ``final``, under the lock of ``root``.

    Other notebooks' outputs inside the previous ``final`` (``outputs/<slug>/<notebook>/``)
    are kept. The previous folder is deleted after the lock is released.

    Parameters
    ----------
    staging : Path
        The finished folder, on the same file system as ``final``.
    final : Path
        Where it is published, e.g. ``outputs/<slug>``.
    root : path
        The output folder whose lock is held (``outputs/``).
    """

    old = None
    with output_lock(root), lifeline.critical():  # a stopping worker lets these renames finish first
        if not final.exists():
            final.parent.mkdir(parents=True, exist_ok=True)
            staging.rename(final)
        elif exchange(staging, final):
            old = staging  # now holds the previous output
            _carry_over(old, final)
        else:
            _carry_over(final, staging)
            old = final.with_name(f".{final.name}.old-{os.getpid()}-{time.monotonic_ns()}")
            final.rename(old)
            try:
                staging.rename(final)
            except BaseException:
                old.rename(final)
                raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
