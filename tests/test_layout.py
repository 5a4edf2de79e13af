"""The package's layout shows the flow: data → count → analysis → figures → report → writers → explore → run → cli.

Each module lives in the subpackage of its step (a few small foundations and
the two faces, ``report`` and ``cli``, at the top), imports the package's own
modules at its top, never from a step further down the flow, and so has no
import cycle. Only the command prints.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

import tuttotal

PACKAGE = Path(tuttotal.__file__).parent
#: The steps of the flow, in order; a module may import from its own step and the ones before.
#: ``england``: the national count and its findings (tables in, tables out), after the figures they may draw and
#: before the place report, which reads a place's rank among England's from them.
#: ``writers``: a place count's files (:func:`tuttotal.writers.place.write_outputs`), after the report whose tables
#: and figures they write.
FLOW = ("foundations", "data", "count", "analysis", "figures", "england", "report", "writers", "explore", "run", "cli")
FOUNDATIONS = {"settings", "paths", "errors", "money", "names", "cache", "lifeline"}
TOP = {*FOUNDATIONS, "report", "cli", "__main__"}


def module_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_of(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def step(module: str) -> str:
    """The step of the flow a module belongs to."""
    parts = module.split(".")
    if len(parts) == 1:
        return "foundations"  # the package itself: only __version__
    if parts[1] in FOUNDATIONS:
        return "foundations"
    if parts[1] == "__main__":
        return "cli"
    return parts[1]


def imported(module: str, node: ast.ImportFrom) -> list[str]:
    """The package's modules an import statement names."""
    if node.level or not node.module or node.module.split(".")[0] != "tuttotal":
        return []
    found = []
    for alias in node.names:
        full = f"{node.module}.{alias.name}"
        found.append(full if full in MODULES else node.module)
    return [m for m in found if m in MODULES and m != module]


def plain_imported(module: str, node: ast.Import) -> list[str]:
    """The package's modules an ``import tuttotal.x`` statement names."""
    return [alias.name for alias in node.names if alias.name in MODULES and alias.name != module]


def module_level_nodes(tree: ast.Module):
    """The statements run when the module is imported or type-checked: the body, and inside its ``if`` and ``try``
    blocks (``if TYPE_CHECKING:`` included), but not inside functions or classes."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.If | ast.Try):
            pending += [*node.body, *node.orelse, *getattr(node, "handlers", ()), *getattr(node, "finalbody", ())]
        elif isinstance(node, ast.ExceptHandler):
            pending += node.body


def imports_in(module: str, nodes) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            found.update(imported(module, node))
        elif isinstance(node, ast.Import):
            found.update(plain_imported(module, node))
    return found


def top_level_imports(module: str) -> set[str]:
    """The package's modules a module imports at its top, ``if TYPE_CHECKING:`` blocks included."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return imports_in(module, module_level_nodes(tree))


def every_import(module: str) -> set[str]:
    """The package's modules a module imports anywhere: at its top, under ``TYPE_CHECKING`` or in a function."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return imports_in(module, ast.walk(tree))


def test_every_module_lives_in_the_subpackage_of_its_step():
    stray = [m for m, path in MODULES.items() if path.parent == PACKAGE and path.stem not in TOP | {"__init__"}]
    assert not stray, f"modules at the top of the package that belong in a subpackage: {stray}"
    for module in MODULES:
        assert step(module) in FLOW, f"{module}: not in a step of the flow {FLOW}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_own_modules_are_imported_at_the_top_of_the_file(module):
    """Imports inside functions are kept for heavy third-party libraries only (fast start-up)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    inside = [
        f"line {node.lineno}: from {node.module or '.'} import ..."
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if (isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] == "tuttotal"))
        or (isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "tuttotal" for alias in node.names))
    ]
    assert not inside, f"{module} imports the package's own modules inside functions: {inside}"


def test_no_import_cycle():
    graph = {module: top_level_imports(module) for module in MODULES}
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")
    assert set(order) == set(MODULES)


def test_the_flow_goes_one_way():
    """Every import counts: at the top, under ``if TYPE_CHECKING:`` and inside functions."""
    backwards = [
        f"{module} ({step(module)}) imports {target} ({step(target)})"
        for module in MODULES
        for target in every_import(module)
        if FLOW.index(step(target)) > FLOW.index(step(module))
    ]
    assert not backwards, "imports against the flow " + " → ".join(FLOW) + ":\n" + "\n".join(backwards)


def test_only_the_command_prints():
    """The library reports through logging and warnings; print() is the command's (cli) alone."""
    printing = []
    for module, path in MODULES.items():
        if step(module) == "cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        printing += [
            f"{module}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
        ]
    assert not printing, f"print() in the library: {printing}"


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_names_used(module: str, tree: ast.Module | None = None) -> list[str]:
    """Private names (``_x``) of the package's other modules that a module imports or reads as an attribute."""
    tree = tree or ast.parse(MODULES[module].read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}  # a local name bound to one of the package's modules -> that module
    used = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "tuttotal":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in MODULES:
                    aliases[alias.asname or alias.name] = full
                elif is_private(alias.name) and node.module != module:
                    used.append(f"line {node.lineno}: from {node.module} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and aliases[node.value.id] != module
            and is_private(node.attr)
        ):
            used.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return used


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_name_crosses_modules(module):
    """A name with a leading underscore is its module's own: another module that needs it needs a public name."""
    used = private_names_used(module)
    assert not used, f"{module} uses private names of other modules: {used}"


def test_the_layout_rules_see_type_checking_and_private_names():
    """The rules read what they claim to: a module written here, parsed as the package's are."""
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "from tuttotal import settings\n"
        "from tuttotal.money import _secret, format_gbp\n"
        "if TYPE_CHECKING:\n"
        "    from tuttotal.report import PlaceReport\n"
        "x = settings._cache\n"
        "y = settings.cores\n"
    )
    assert "tuttotal.report" in imports_in("tuttotal.data.spend", module_level_nodes(tree))
    assert private_names_used("tuttotal.data.spend", tree) == [
        "line 3: from tuttotal.money import _secret",
        "line 6: settings._cache",
    ]


#: The most lines a module may have, and a class (``end_lineno - lineno``): what a reader can hold (issue 22, item 8).
MAX_MODULE_LINES, MAX_CLASS_LINES = 800, 400
#: Modules known to be over a limit, each being split by its own branch (issue 22, item 8); remove an entry when the
#: split lands (the test fails on an entry that is no longer over, so the list cannot go stale).
KNOWN_OVERSIZED: dict[str, str] = {}


def oversized(module: str, source: str | None = None) -> list[str]:
    """What of a module is over the limits: the module's lines, and each class's (``end_lineno - lineno``)."""
    source = MODULES[module].read_text(encoding="utf-8") if source is None else source
    found = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{module}: {lines} lines (limit {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno > MAX_CLASS_LINES:
            found.append(f"{module}.{node.name}: {node.end_lineno - node.lineno} lines (limit {MAX_CLASS_LINES})")
    return found


def test_no_module_over_800_lines_and_no_class_over_400():
    """Modules and classes a reader can hold; split where the code has seams, not by line count."""
    print("known oversized modules (allowed until their split lands):")
    for module, why in KNOWN_OVERSIZED.items():
        print(f"  {module}: {why}; now {'; '.join(oversized(module)) or 'within the limits'}")
    found = {module: oversized(module) for module in MODULES}
    offenders = [line for module, lines in found.items() if module not in KNOWN_OVERSIZED for line in lines]
    assert not offenders, "over the limits (split at the code's seams):\n" + "\n".join(offenders)
    stale = [module for module in KNOWN_OVERSIZED if not found.get(module)]
    assert not stale, f"within the limits now: remove from KNOWN_OVERSIZED in tests/test_layout.py: {stale}"


def test_the_size_rule_counts_modules_and_classes():
    """The rule reads what it claims to: a module written here, over each limit by one line."""
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_CLASS_LINES + 1))  # the class: 402 lines, 401 apart
    source = f"class Big:\n{body}\n" + "\n" * (MAX_MODULE_LINES - MAX_CLASS_LINES - 1)  # 801 lines
    assert oversized("tuttotal.data.spend", source) == [
        f"tuttotal.data.spend: {MAX_MODULE_LINES + 1} lines (limit {MAX_MODULE_LINES})",
        f"tuttotal.data.spend.Big: {MAX_CLASS_LINES + 1} lines (limit {MAX_CLASS_LINES})",
    ]
    assert oversized("tuttotal.data.spend", "class Small:\n    pass\n") == []


def test_every_subpackage_is_listed_for_the_wheel():
    """``pyproject.toml`` names the wheel's packages one by one (params/, data/ and notebooks/ travel
    inside it under other names); a subpackage left off that list installs without it, as
    ``tuttotal.writers`` and ``tuttotal.report`` once did. The wheel test finds this too, but only
    after building the wheel."""
    import tomllib

    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    present = {
        ".".join(init.parent.relative_to(PACKAGE.parent).parts)
        for init in PACKAGE.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    missing = sorted(present - listed)
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml"
