"""Every cache of the package in one place: memory entries of this process and files under the cache folder.

A warm kernel counts place after place against the same big tables, and a
new process should not parse the same files again, so tuttotal keeps what it
derives. Each cache is named and registered here, so that all of them can be
listed (:func:`info`, ``tuttotal cache info``) and emptied (:func:`clear`,
``tuttotal cache clear [NAME]``; tests call ``cache.clear()``).

Three kinds of cache:

:class:`Memory`
    results kept in this process, by a key of their inputs (least recently
    used dropped first past ``maxsize``); :func:`memoize` makes one of a
    function of hashable arguments, in the manner of
    :func:`functools.lru_cache`.
:class:`TableMemo`
    results worked out once per table *object* (held weakly: a new table,
    even at a recycled ``id``, starts afresh) and hashable extra key.
:class:`Disk`
    files in one folder under ``$TUTTOTAL_CACHE_DIR`` (``wards``, ``lsoa``,
    ``drivers``, ``spend``, ``cra``, ``outturn``, ``weights``, ``england``, ``pilots``),
    each named by :func:`key`: a hash of its inputs (the SHA-256 of the files
    read, the options) *and of the code that made it* (:func:`code_hash`:
    the source of a module and of every module of the package it imports,
    followed to the end, so that editing ``money.py`` makes new pilot
    medians). Entries are written atomically (:func:`write_atomic`).

The downloads (``downloads``: the pooch cache of pinned files) are listed too
but only emptied by name (``tuttotal cache clear downloads``): they are data
that cost a network to get again, not results. Files in the cache folder that
no cache owns (an older layout's, such as ``pilot-median-*.json``) are
:func:`orphans`: listed by ``tuttotal cache info``, removed by
``tuttotal cache clear --orphans`` (:func:`clear_orphans`).

``functools.lru_cache`` stays only where the result is not data and cannot
go stale: a parsed CRS, a pure function of a short string
(:mod:`tuttotal.data.wardcache`); the notebook exporter class and its
templates (:mod:`tuttotal.run.report_page`); and the hash of the package's
source that the resume decision records (:func:`tuttotal.run.batch.code_fingerprint`:
a process runs the code it loaded, so its fingerprint must not change while it
runs). Emptying them would only cost time.

Examples
--------
>>> from tuttotal import cache
>>> calls = []
>>> @cache.memoize("doctest-squares", maxsize=4)
... def square(n):
...     calls.append(n)
...     return n * n
>>> square(3), square(3), calls
(9, 9, [3])
>>> [row.entries for row in cache.info() if row.name == "doctest-squares"]
[1]
>>> _ = cache.clear("doctest-squares")
>>> square(3), calls
(9, [3, 3])
>>> len(cache.key("a", 1, code=["tuttotal.money"]))
32
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import os
import tempfile
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from tuttotal import settings

__all__ = [
    "Disk",
    "Info",
    "Memory",
    "TableMemo",
    "clear",
    "clear_orphans",
    "code_files",
    "code_hash",
    "disk",
    "info",
    "info_of",
    "key",
    "memoize",
    "names",
    "orphans",
    "write_atomic",
]

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Info:
    """One cache: its name, kind (``memory``, ``disk``, ``downloads``), where it is, its entries and bytes."""

    name: str
    kind: str
    where: str
    entries: int
    bytes: int


class Memory:
    """Values kept in this process by a hashable key; the least recently used go first past ``maxsize``.

    The caller treats a value as read-only: it is shared by every later call.
    """

    def __init__(self, name: str, maxsize: int | None = 128) -> None:
        self.name = name
        self.maxsize = maxsize
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        _register(self)

    def __contains__(self, item: Hashable) -> bool:
        return item in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, item: Hashable, default: Any = None) -> Any:
        """The value kept under ``item`` (now the most recently used), or ``default``."""
        if item not in self._entries:
            return default
        self._entries.move_to_end(item)
        return self._entries[item]

    def put(self, item: Hashable, value: Any) -> Any:
        """Keep ``value`` under ``item``; returns ``value``."""
        self._entries[item] = value
        self._entries.move_to_end(item)
        while self.maxsize is not None and len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
        return value

    def get_or_make(self, item: Hashable, make: Callable[[], Any]) -> Any:
        """The value under ``item``, made by ``make()`` and kept when missing."""
        if item in self._entries:
            return self.get(item)
        return self.put(item, make())

    def clear(self) -> int:
        """Forget every entry; returns how many there were."""
        count = len(self._entries)
        self._entries.clear()
        return count

    def info(self) -> Info:
        return Info(self.name, "memory", "this process", len(self._entries), 0)


class TableMemo:
    """``work(table, key)`` computed once per table object and hashable ``key``.

    The table is held weakly: when it is gone, so are its results, and a new
    table at a recycled ``id`` starts afresh. The caller treats a result as
    read-only.

    Examples
    --------
    >>> import pandas as pd
    >>> calls = []
    >>> totals = TableMemo("doctest-totals", lambda table, column: calls.append(column) or table[column].sum())
    >>> table = pd.DataFrame({"a": [1, 2]})
    >>> int(totals(table, "a")), int(totals(table, "a")), calls
    (3, 3, ['a'])
    """

    def __init__(self, name: str, work: Callable[[Any, Hashable], Any]) -> None:
        self.name = name
        self.work = work
        self._memo: dict[int, tuple[weakref.ref, dict[Hashable, Any]]] = {}
        _register(self)

    def __call__(self, table: Any, item: Hashable = None) -> Any:
        entry = self._memo.get(id(table))
        if entry is None or entry[0]() is not table:
            entry = (weakref.ref(table, functools.partial(self._forget, id(table))), {})
            self._memo[id(table)] = entry
        if item not in entry[1]:
            entry[1][item] = self.work(table, item)
        return entry[1][item]

    def _forget(self, table_id: int, ref: weakref.ref) -> None:
        """Drop the results of a table that is gone (not those of a newer table at the same ``id``)."""
        if self._memo.get(table_id, (None,))[0] is ref:
            del self._memo[table_id]

    def clear(self) -> int:
        count = sum(len(results) for _, results in self._memo.values())
        self._memo.clear()
        return count

    def info(self) -> Info:
        return Info(self.name, "memory", "this process", sum(len(r) for _, r in self._memo.values()), 0)


class Disk:
    """Files in folders under the cache folder (``$TUTTOTAL_CACHE_DIR``), each named by a :func:`key`.

    Parameters
    ----------
    name : str
        The cache's name (``tuttotal cache clear NAME``).
    folder : str or tuple of str
        Its folder under the cache folder (the first one is where :meth:`path` puts entries).
    pattern : str
        The glob of its entries in that folder.
    kind : str
        ``disk`` (results, emptied by ``clear()``) or ``downloads`` (emptied only by name).
    """

    def __init__(self, name: str, folder: str | tuple[str, ...], pattern: str = "*", kind: str = "disk") -> None:
        self.name = name
        self.folder_names = (folder,) if isinstance(folder, str) else tuple(folder)
        self.pattern = pattern
        self.kind = kind
        _register(self)

    def folder(self) -> Path:
        """The folder, read from ``$TUTTOTAL_CACHE_DIR`` on each call."""
        return settings.cache_dir() / self.folder_names[0]

    def path(self, name: str) -> Path:
        """The entry file called ``name`` (a :func:`key` with a prefix and suffix)."""
        return self.folder() / name

    def files(self) -> list[Path]:
        """Every entry file, in every folder of the cache."""
        found: list[Path] = []
        for folder in (settings.cache_dir() / f for f in self.folder_names):
            if folder.is_dir():
                found += (p for p in folder.rglob(self.pattern) if p.is_file())
        return sorted(found)

    def clear(self) -> int:
        """Remove every entry file (and temporary file); returns how many were removed."""
        count = 0
        for path in self.files():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                count += 1
        return count

    def info(self) -> Info:
        files = self.files()
        where = ", ".join(str(settings.cache_dir() / f) for f in self.folder_names)
        return Info(self.name, self.kind, where, len(files), sum(p.stat().st_size for p in files))


_CACHES: dict[str, Memory | TableMemo | Disk] = {}  # the registry of caches (not a cache itself)


def _register(item: Memory | TableMemo | Disk) -> None:
    if item.name in _CACHES and type(_CACHES[item.name]) is not type(item):
        raise ValueError(f"a cache named {item.name!r} exists already")
    _CACHES[item.name] = item


def disk(name: str, folder: str | tuple[str, ...] | None = None, pattern: str = "*", kind: str = "disk") -> Disk:
    """The disk cache called ``name``, in ``folder`` (default: its name) under the cache folder."""
    found = _CACHES.get(name)
    if isinstance(found, Disk):
        return found
    return Disk(name, folder or name, pattern, kind)


def memoize(name: str, maxsize: int | None = 128) -> Callable[[Callable], Callable]:
    """A :class:`Memory` called ``name`` around a function of hashable arguments (like ``lru_cache``).

    The wrapped function has ``cache``, the :class:`Memory`, and ``cache_clear()``.
    """

    def decorate(function: Callable) -> Callable:
        memory = Memory(name, maxsize)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            item = (args, tuple(sorted(kwargs.items()))) if kwargs else args
            if item in memory:
                return memory.get(item)
            return memory.put(item, function(*args, **kwargs))

        wrapper.cache = memory  # type: ignore[attr-defined]
        wrapper.cache_clear = memory.clear  # type: ignore[attr-defined]
        return wrapper

    return decorate


def names() -> list[str]:
    """The names of every registered cache, sorted."""
    _import_all()
    return sorted(_CACHES)


def info() -> list[Info]:
    """Each cache of the package: where it is, how many entries, how many bytes (memory: this process only).

    Disk caches are listed whether this process used them or not.
    """
    _import_all()
    return [_CACHES[name].info() for name in sorted(_CACHES)]


def info_of(name: str) -> Info:
    """The :class:`Info` row of one cache.

    Raises
    ------
    KeyError
        For an unknown name, naming the known ones.
    """
    _import_all()
    if name not in _CACHES:
        raise KeyError(f"no cache called {name!r}; known: {', '.join(sorted(_CACHES))}")
    return _CACHES[name].info()


def clear(name: str | None = None) -> list[Info]:
    """Empty one cache by name, or every cache but the downloads; returns what was removed (one row per cache).

    Raises
    ------
    KeyError
        For an unknown name, naming the known ones.
    """
    _import_all()
    if name is not None and name not in _CACHES:
        raise KeyError(f"no cache called {name!r}; known: {', '.join(sorted(_CACHES))}")
    chosen = [name] if name is not None else [n for n, c in sorted(_CACHES.items()) if _kind(c) != "downloads"]
    removed = []
    for each in chosen:
        item = _CACHES[each]
        before = item.info()
        item.clear()
        removed.append(before)
    return removed


def orphans() -> list[Path]:
    """Files in the cache folder that no disk cache owns: what an older tuttotal left, sorted.

    A cache that moved leaves its old files behind (``pilot-median-*.json`` at the top of the cache folder,
    from before the ``pilots`` folder); no entry reads them again. ``tuttotal cache info`` lists them and
    ``tuttotal cache clear --orphans`` removes them (:func:`clear_orphans`). Symbolic links are not followed.

    Examples
    --------
    >>> import os, tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "pilots").mkdir()
    >>> _ = (folder / "pilots" / "kept.json").write_text("{}")
    >>> _ = (folder / "pilot-median-0123.json").write_text("{}")
    >>> os.environ["TUTTOTAL_CACHE_DIR"], before = str(folder), os.environ.get("TUTTOTAL_CACHE_DIR")
    >>> [p.name for p in orphans()]
    ['pilot-median-0123.json']
    >>> [p.name for p in clear_orphans()], [p.name for p in orphans()]
    (['pilot-median-0123.json'], [])
    >>> _ = os.environ.pop("TUTTOTAL_CACHE_DIR") if before is None else os.environ.update(TUTTOTAL_CACHE_DIR=before)
    """
    _import_all()
    root = settings.cache_dir()
    if not root.is_dir():
        return []
    owned: set[Path] = set()
    for item in _CACHES.values():
        if isinstance(item, Disk):
            owned.update(item.files())
    found = []
    for folder, _, files in os.walk(root):
        found += (Path(folder) / name for name in files if Path(folder) / name not in owned)
    return sorted(found)


def clear_orphans() -> list[Path]:
    """Remove the files no disk cache owns (:func:`orphans`) and the folders they leave empty; those removed."""
    removed = []
    for path in orphans():
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    root = settings.cache_dir()
    kept = {root / name for item in _CACHES.values() if isinstance(item, Disk) for name in item.folder_names}
    for parent in sorted({p.parent for p in removed}, key=lambda p: len(p.parts), reverse=True):
        while parent != root and parent not in kept and parent.is_relative_to(root):
            try:
                parent.rmdir()  # only when empty
            except OSError:
                break
            parent = parent.parent
    return removed


def _kind(item: Memory | TableMemo | Disk) -> str:
    return item.kind if isinstance(item, Disk) else "memory"


#: The modules that register caches: imported by :func:`info` and :func:`clear` so that every cache is listed.
_OWNERS = (
    "tuttotal.data.catalogue",
    "tuttotal.data.wardcache",
    "tuttotal.data.lsoa",
    "tuttotal.data.ward_drivers",
    "tuttotal.data.interpolate",
    "tuttotal.data.spend",
    "tuttotal.data.cra",
    "tuttotal.data.cra_releases",
    "tuttotal.data.deflators",
    "tuttotal.data.extracts",
    "tuttotal.data.outturn",
    "tuttotal.data.places",
    "tuttotal.data.population_years",
    "tuttotal.count.apportion",
    "tuttotal.count.themes",
    "tuttotal.count.topdown",
    "tuttotal.count.outturn_count",
    "tuttotal.count.pilot_medians",
    "tuttotal.england.geography",
    "tuttotal.england.ranks",
    "tuttotal.england.web_shapes",
)


def _import_all() -> None:
    import importlib

    for module in _OWNERS:
        importlib.import_module(module)


# --- keys -------------------------------------------------------------------------------------------------


_IMPORTS = Memory("code-imports", maxsize=None)


def _imported_modules(path: Path) -> frozenset[str]:
    """Every ``tuttotal`` module a source file imports, anywhere in it (top, functions, ``TYPE_CHECKING``).

    Parsed once per file version (path, size, modification time): a warm kernel names its cache entries
    place after place, and parsing the sources again cost about 0.1 s a key.
    """
    stat = path.stat()
    return _IMPORTS.get_or_make((str(path), stat.st_size, stat.st_mtime_ns), lambda: _parse_imports(path))


def _parse_imports(path: Path) -> frozenset[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(name for name in found if name == "tuttotal" or name.startswith("tuttotal."))


def _module_file(name: str, package: Path) -> Path | None:
    parts = name.split(".")[1:]
    for candidate in (package.joinpath(*parts).with_suffix(".py"), package.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def _source_file(module: str | os.PathLike | ModuleType, package: Path) -> Path:
    if isinstance(module, ModuleType):
        return Path(module.__file__ or "").resolve()
    if isinstance(module, str) and (module == "tuttotal" or module.startswith("tuttotal.")):
        found = _module_file(module, package)
        if found is None:
            raise ValueError(f"no module {module!r} in {package}")
        return found
    return Path(module)


def code_files(*modules: str | os.PathLike | ModuleType, package: str | os.PathLike | None = None) -> list[Path]:
    """The source files of ``modules`` and of every module of the package they import, followed to the end.

    Parameters
    ----------
    *modules : module, dotted name (``"tuttotal.money"``) or path of a source file
        Where to start.
    package : path, optional
        The ``tuttotal`` folder whose files the imports name (default: this package; a test gives a copy).

    Examples
    --------
    >>> "money.py" in {p.name for p in code_files("tuttotal.count.pilot_medians")}
    True
    """
    root = Path(package) if package is not None else _PACKAGE
    seen: set[Path] = set()
    todo = [_source_file(m, root) for m in modules]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo.extend(f for f in (_module_file(n, root) for n in _imported_modules(path)) if f and f not in seen)
    return sorted(seen)


_FILE_HASHES = Memory("code-files", maxsize=None)


def _file_hash(path: Path) -> str:
    stat = path.stat()
    item = (str(path), stat.st_size, stat.st_mtime_ns)
    return _FILE_HASHES.get_or_make(item, lambda: hashlib.sha256(path.read_bytes()).hexdigest())


_CODE_HASHES = Memory("code-hashes", maxsize=256)


def _versions(paths: Iterable[Path]) -> tuple:
    """Each path's (size, modification time), or None where it is gone: what a file version is here."""
    found = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            found.append(None)
        else:
            found.append((stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def _package_folders(root: Path) -> list[Path]:
    """The package's folders (not ``__pycache__``): a module file added or removed changes one of theirs."""
    folders = []
    for folder, subfolders, _ in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        folders.append(Path(folder))
    return folders


def code_hash(
    *modules: str | os.PathLike | ModuleType,
    files: Iterable[str | os.PathLike] = (),
    package: str | os.PathLike | None = None,
) -> str:
    """A hash of the code that makes a cache entry: :func:`code_files` of ``modules``, and ``files`` (tables it reads).

    Worked out once per set of file versions: a warm kernel names about thirty entries a place, and
    following the imports again cost about 5 ms a key. The hash is kept with the version (size,
    modification time) of every file it read and of every folder of the package (where a module
    file added or removed would change the imports followed); any change makes it anew.

    Examples
    --------
    >>> code_hash("tuttotal.money") == code_hash("tuttotal.money")
    True
    """
    root = Path(package) if package is not None else _PACKAGE
    item = (tuple(str(_source_file(m, root)) for m in modules), tuple(str(f) for f in files), str(root))
    kept = _CODE_HASHES.get(item)
    if kept is not None and _versions(kept[0]) == kept[1]:
        return kept[2]
    digest = hashlib.sha256()
    read = [*code_files(*modules, package=root), *map(Path, files)]
    watched = [*read, *_package_folders(root)]
    versions = _versions(watched)
    for path in read:
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        digest.update(f"{name}\0{_file_hash(path)}\0".encode())
    return _CODE_HASHES.put(item, (watched, versions, digest.hexdigest()))[2]


def key(*parts: object, code: Iterable[str | os.PathLike | ModuleType] = (), files: Iterable = ()) -> str:
    """32 hex digits naming an entry: a hash of its inputs ``parts`` and of the code that makes it.

    Parameters
    ----------
    *parts
        The inputs, by their ``repr`` (SHA-256 of the files read, options…).
    code
        Modules (or dotted names, or source files) whose code and imports make the entry (:func:`code_hash`).
    files
        Other files the code reads (reference tables of ``data/``).
    """
    code = tuple(code)
    files = tuple(files)
    digest = hashlib.sha256(repr(parts).encode())
    if code or files:
        digest.update(code_hash(*code, files=files).encode())
    return digest.hexdigest()[:32]


def write_atomic(target: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Make ``target`` by ``write(temporary)`` then a move: a reader sees the old file or the new, never half.

    The folder is made when missing; on any failure the temporary file is removed.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "entries" / "one.txt"
    >>> write_atomic(target, lambda p: p.write_text("ok", encoding="utf-8")).read_text(encoding="utf-8")
    'ok'
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
