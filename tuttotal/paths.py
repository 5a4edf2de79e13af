"""Where the project's folders are: ``params/``, ``data/``, ``notebooks/``, ``outputs/``.

In the repository (``pip install -e .``) the folders sit beside the package.
An installed wheel carries them inside the package (the build maps
``params/``, ``data/`` and ``notebooks/`` to ``tuttotal/_params``,
``tuttotal/_data`` and ``tuttotal/_notebooks``), so ``tuttotal run`` works
from any folder. ``TUTTOTAL_HOME`` points at another folder with the same
three sub-folders (a copy to edit, for instance).

Examples
--------
>>> from tuttotal import paths
>>> paths.params_dir().name in ("params", "_params")
True
>>> paths.project_file("data/sample/wards.geojson").is_file()
True
"""

from __future__ import annotations

from pathlib import Path

from tuttotal import settings
from tuttotal.errors import InputError

_PACKAGE = Path(__file__).resolve().parent
#: The project's folders, and where a wheel carries each inside the package.
FOLDERS = {"params": "_params", "data": "_data", "notebooks": "_notebooks"}


def _home() -> Path | None:
    home = settings.home_dir()
    if home:
        return Path(home)
    repository = _PACKAGE.parent
    if all((repository / name).is_dir() for name in FOLDERS):
        return repository
    return None


def _folder(name: str) -> Path:
    home = _home()
    folder = home / name if home is not None else _PACKAGE / FOLDERS[name]
    if not folder.is_dir():
        raise InputError(
            f"no {name}/ folder at {folder}",
            fix="install tuttotal from its repository ('pip install -e .') or from its wheel, "
            "or set TUTTOTAL_HOME to a folder holding params/, data/ and notebooks/",
        )
    return folder


def project_root() -> Path:
    """The folder holding ``params/``, ``data/``, ``notebooks/`` (the repository or ``$TUTTOTAL_HOME``).

    An installed wheel has no such folder: use :func:`params_dir`, :func:`data_dir`,
    :func:`notebooks_dir` or :func:`project_file`, which work in both.
    """
    home = _home()
    if home is None:
        raise InputError(
            "tuttotal is installed from a wheel: its folders are inside the package",
            fix="use paths.params_dir(), paths.data_dir() or paths.project_file()",
        )
    return home


def project_file(relative: str) -> Path:
    """A file named as in the repository (``data/sample/spend.csv``), wherever it is installed."""
    head, _, rest = str(relative).replace("\\", "/").partition("/")
    if head not in FOLDERS:
        raise ValueError(f"{relative!r} is not under params/, data/ or notebooks/")
    return _folder(head) / rest


def params_dir() -> Path:
    """The folder of place files, one ``<slug>.yaml`` per place."""
    return _folder("params")


def data_dir() -> Path:
    """The project's ``data/`` folder (sample place, reference tables)."""
    return _folder("data")


def notebooks_dir() -> Path:
    """The folder of parameterised notebooks."""
    return _folder("notebooks")


def default_output_dir() -> Path:
    """``outputs/`` under the current folder: where ``tuttotal run`` writes."""
    return settings.default_output_dir()


def project_outputs_dir() -> Path:
    """The repository's ``outputs/`` (the explorer's exports), or ``outputs/`` under the current folder."""
    home = _home()
    return home / "outputs" if home is not None else settings.default_output_dir()


def file_version(path: str | Path) -> tuple[str, int, int]:
    """``(resolved path, size, modification time in ns)``: a key that changes when the file does.

    Tables read once per file version are cached under it (``(path, -1, -1)`` for
    a file that cannot be found: reading it then raises the reader's own error).

    Examples
    --------
    >>> key = file_version(project_file("data/themes.csv"))
    >>> key[0].endswith("themes.csv") and key[1] > 0
    True
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
