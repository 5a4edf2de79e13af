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
#: before the place report, which reads a place's rank among England's from them. ``writers``: a place count's files
#: (:func:`tuttotal.writers.place.write_outputs`), after the report whose tables and figures they write.
FLOW = ("foundations", "data", "count", "analysis", "figures", "england", "report", "writers", "explore", "run", "cli")
FOUNDATIONS = {"settings", "paths", "errors", "money", "names", "memo", "lifeline"}
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


def top_level_imports(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return {m for node in tree.body if isinstance(node, ast.ImportFrom) for m in imported(module, node)}


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
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] == "tuttotal")
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
    backwards = [
        f"{module} ({step(module)}) imports {target} ({step(target)})"
        for module in MODULES
        for target in top_level_imports(module)
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


#: Sizes a reader can hold (issue 22, item 8): no module over this many lines, no class over ``MAX_CLASS_LINES``.
MAX_MODULE_LINES, MAX_CLASS_LINES = 800, 400
#: Modules and classes still over the limits, with their size when this list was made: each may only shrink, and
#: leaves the list once it is under (being split: the explorer, the figures and the data layer by their own work; the
#: place report by moving its analysis into ``analysis/``).
OVERSIZED = {
    "tuttotal.data.datapackage": 1043,
    "tuttotal.data.tabular": 826,
    "tuttotal.england.count": 1016,
    "tuttotal.england.geography": 985,
    "tuttotal.england.tables": 802,
    "tuttotal.explore.explorer": 1697,
    "tuttotal.explore.explorer.Explorer": 448,
    "tuttotal.figures.charts": 984,
    "tuttotal.figures.maps": 925,
    "tuttotal.report": 1832,
    "tuttotal.report.PlaceReport": 1458,
}


def sizes() -> dict[str, tuple[int, int]]:
    """Lines of every module and class of the package (ast: ``end_lineno - lineno + 1``), with its limit."""
    found = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found[module] = (len(path.read_text(encoding="utf-8").splitlines()), MAX_MODULE_LINES)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                found[f"{module}.{node.name}"] = (node.end_lineno - node.lineno + 1, MAX_CLASS_LINES)
    return found


def test_no_module_or_class_is_longer_than_a_reader_can_hold():
    measured = sizes()
    over = {name: lines for name, (lines, limit) in measured.items() if lines > limit}
    new = {name: lines for name, lines in over.items() if name not in OVERSIZED}
    assert not new, f"over {MAX_MODULE_LINES} lines a module or {MAX_CLASS_LINES} a class: {new}; split at a seam"
    grown = {name: (lines, OVERSIZED[name]) for name, lines in over.items() if lines > OVERSIZED[name]}
    assert not grown, f"still oversized and grown (now, when listed): {grown}; split it rather than add to it"
    done = sorted(name for name in OVERSIZED if name not in over)
    assert not done, f"under the limits now, take them off OVERSIZED: {done}"
