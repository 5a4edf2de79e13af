"""Limits on what a user hands the command, checked before anything is opened or parsed.

A hostile or broken input must be refused with exit code 2 in well under a
second and a few MiB of memory, never after it has filled the machine. The
table limits (file size, lines, fields, sheets, Parquet rows, workbook
cells) live in :mod:`tuttotal.data.tabular`; this module holds the others:

=======================  ===========================================================
limit                    value
=======================  ===========================================================
path options             a regular file (or a folder where one is expected): a FIFO,
                         a device such as ``/dev/zero``, a socket or a symlink loop is
                         refused by :func:`check_path` from ``os.stat``, unopened
place files (YAML)       :data:`MAX_YAML_BYTES` (1 MiB), no aliases (``*name``): an
                         alias bomb ("billion laughs") cannot grow; no tags
place names              :data:`MAX_NAME_CHARS` (200 characters)
=======================  ===========================================================

Examples
--------
>>> from tuttotal.data.limits import check_path, load_yaml
>>> check_path("/dev/zero", "--wards")
Traceback (most recent call last):
...
tuttotal.errors.InputError: /dev/zero: --wards names a character device, not a regular file...
>>> load_yaml("a: &x [1, 2]\\nb: *x\\n", "p.yaml")
Traceback (most recent call last):
...
tuttotal.errors.InputError: p.yaml: the place file uses a YAML alias ('*x' on line 2)...
>>> load_yaml("slug: kent\\nlads: [1, 2]\\n", "p.yaml")
{'slug': 'kent', 'lads': [1, 2]}
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from tuttotal.errors import InputError

#: The largest place file (``params/*.yaml``) read: the pilots' are under 4 KiB.
MAX_YAML_BYTES = 1024**2
#: The longest place name: it is a title on every figure and page.
MAX_NAME_CHARS = 200

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_kind(mode: int) -> str | None:
    """What a special file is (``a named pipe (FIFO)``, ``a character device``…), or None for a file or folder.

    Examples
    --------
    >>> import os
    >>> special_kind(os.stat("/dev/null").st_mode), special_kind(os.stat("/").st_mode)
    ('a character device', None)
    """
    return next((kind for test, kind in _KINDS if test(mode)), None)


def check_path(path: str | os.PathLike, option: str, *, folder: bool = False, must_exist: bool = True) -> Path:
    """Refuse a path option that is not a regular file (or, with ``folder``, a folder), without opening it.

    Parameters
    ----------
    path : path
        What the user gave.
    option : str
        The option, for the message (``--wards``, ``--data-dir``…).
    folder : bool
        A folder is expected (``--data-dir``, ``--output``), not a file.
    must_exist : bool
        Refuse a path that does not exist (else a missing path passes: the
        caller makes it, or reports it in its own words).

    Raises
    ------
    InputError
        A FIFO, device or socket; a symlink loop; a folder where a file is
        expected or a file where a folder is (exit code 2).

    Examples
    --------
    >>> check_path("/", "--data-dir", folder=True)
    PosixPath('/')
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        import errno

        if exc.errno == errno.ELOOP:
            raise InputError(
                f"{option} is a symbolic link that points to itself (a symlink loop)",
                file=path,
                fix=f"give {option} a real {'folder' if folder else 'file'}, or repair the link (ls -l shows it)",
            ) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR) and not must_exist:
            return path
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise InputError("no such file or folder", file=path, fix=f"check the path given to {option}") from None
        raise InputError(
            f"{option} cannot be examined ({exc.strerror or exc})", file=path, fix="check the path and its permissions"
        ) from None
    kind = special_kind(info.st_mode)
    if kind is not None:
        expected = "folder" if folder else "regular file"
        raise InputError(
            f"{option} names {kind}, not a {expected}",
            file=path,
            fix=f"give {option} a {expected}: save the data to a file first (a pipe or device would be "
            "read without end)",
        )
    if folder and not stat.S_ISDIR(info.st_mode):
        raise InputError(f"{option} names a file, not a folder", file=path, fix=f"give {option} a folder")
    if not folder and stat.S_ISDIR(info.st_mode):
        raise InputError(f"{option} names a folder, not a file", file=path, fix=f"give {option} a file")
    return path


def check_name(name: str, file: Any = None) -> str:
    """Refuse a place name over :data:`MAX_NAME_CHARS` characters (a title of every figure and page).

    Examples
    --------
    >>> check_name("Kent")
    'Kent'
    """
    if len(name) > MAX_NAME_CHARS:
        raise InputError(
            f"the place name is {len(name):,} characters long, over the limit of {MAX_NAME_CHARS}",
            file=file,
            column="name",
            fix=f"give the place a name of at most {MAX_NAME_CHARS} characters (it is the title of every figure)",
        )
    return name


def _loader():
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        """``yaml.SafeLoader`` that refuses aliases: an alias bomb cannot grow past the file's own size."""

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise _AliasFound(event.anchor, event.start_mark.line + 1)
            return super().compose_node(parent, index)

    return NoAliasLoader


class _AliasFound(Exception):
    def __init__(self, anchor: str, line: int) -> None:
        self.anchor, self.line = anchor, line


def load_yaml(text: str, file: Any) -> Any:
    """Parse YAML as plain data: no tags that run code, no aliases (``*name``), as :func:`read_yaml` does.

    Raises
    ------
    InputError
        For an alias (naming its line) or anything that is not plain YAML.
    """
    import io

    import yaml

    stream = io.StringIO(text)
    stream.name = str(file)  # named in the parser's messages
    try:
        return yaml.load(stream, Loader=_loader())  # a SafeLoader without aliases
    except _AliasFound as found:
        raise InputError(
            f"the place file uses a YAML alias ('*{found.anchor}' on line {found.line}): aliases are not read",
            file=file,
            fix="write each value out in full (an alias can make a small file grow without bound)",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(
            f"cannot read the place file: {exc}",
            file=file,
            fix="write plain YAML (no tags such as !!python/object)",
        ) from None


def read_yaml(path: str | os.PathLike) -> Any:
    """Read a place file: a regular file of at most :data:`MAX_YAML_BYTES`, parsed by :func:`load_yaml`."""
    path = check_path(path, "a place file")
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise InputError(
            f"the place file is {size:,} bytes, over the limit of {MAX_YAML_BYTES // 1024**2} MiB",
            file=path,
            fix="a place file holds a slug, a name, LADs and a few figures: check that it is one",
        )
    with open(path, encoding="utf-8") as f:
        text = f.read(MAX_YAML_BYTES + 1)
    return load_yaml(text, path)


def check_writable_folder(folder: str | os.PathLike, what: str, fix: str) -> Path:
    """Make ``folder`` (and its parents) if needed and write a file in it; refuse with ``fix`` if that fails.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> check_writable_folder(pathlib.Path(tempfile.mkdtemp()) / "cache", "the cache folder", "x").name
    'cache'
    """
    import tempfile

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".tuttotal-write-check-", dir=folder)
        try:
            os.write(handle, b"x" * 4096)  # a full disk fails here
        finally:
            os.close(handle)
            os.remove(probe)
    except (OSError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(f"{what} cannot be written ({reason})", file=folder, fix=fix) from None
    return folder
