"""The package's import graph, read from the source with ast (imports inside functions included): no module
imports itself back through others, so each stage and engine module can be read, and loaded, on its own."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.paths import REPO_DIR

PACKAGE = REPO_DIR / "pipeline"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, known: set[str]) -> set[str]:
    """The ``pipeline`` modules a module imports: ``from pipeline.engine import cache`` is pipeline.engine.cache
    (a module), ``from pipeline.record import Page`` is pipeline.record (Page is a name in it)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline"):
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & known
            found |= submodules or {node.module}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names} & known
    return found


def import_graph() -> dict[str, set[str]]:
    sources = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(sources)
    return {name: imported(ast.parse(path.read_text(encoding="utf-8")), known) - {name}
            for name, path in sources.items()}


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules, the first repeated at the end), or None; depth-first search."""
    state: dict[str, str] = {}          # "open" while on the current path, "done" once fully explored
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = "open"
        path.append(name)
        for target in sorted(graph.get(name, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state and (found := visit(name)):
            return found
    return None


def test_the_package_has_no_import_cycle():
    assert cycle_in(import_graph()) is None, " → ".join(cycle_in(import_graph()))


def test_the_graph_sees_imports_inside_functions_and_finds_a_cycle():
    graph = import_graph()
    assert "pipeline.engine.dask_runner" in graph["pipeline.engine.pool"]      # imported inside run_chunks
    assert "pipeline.run" in graph["pipeline.api"] and "pipeline.record" in graph["pipeline.run"]
    looped = {**graph, "pipeline.record": graph["pipeline.record"] | {"pipeline.run"}}
    found = cycle_in(looped)
    assert found is not None and found[0] == found[-1] and "pipeline.record" in found


def floor_of(module: str) -> str:
    """The unit a module belongs to: its stage package (pipeline.annotate, pipeline.engine, ...) or, for a
    module at the top of the package (pipeline.run, pipeline.record, ...), the module itself."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or (PACKAGE / parts[-1]).is_dir() else module


def run_time_imports(tree: ast.Module, known: set[str]) -> set[str]:
    """``imported``, less the imports under ``if TYPE_CHECKING:`` (annotations only, never run)."""
    checked = [node for node in ast.walk(tree) if isinstance(node, ast.If)
               and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"]
    for node in checked:
        node.body = []
    return imported(tree, known)


def package_graph() -> dict[str, set[str]]:
    """Which unit imports which: a stage package as one node, each top-level module as one node."""
    sources = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    known, graph = set(sources), {}
    for name, path in sources.items():
        targets = run_time_imports(ast.parse(path.read_text(encoding="utf-8")), known)
        graph.setdefault(floor_of(name), set()).update(floor_of(t) for t in targets)
    return {unit: targets - {unit} for unit, targets in graph.items()}


def test_no_package_imports_one_that_imports_it_back():
    found = cycle_in(package_graph())
    assert found is None, " → ".join(found)


def test_the_package_graph_joins_a_stage_package_and_sees_a_loop_between_two():
    graph = package_graph()
    assert {"pipeline.annotate", "pipeline.events", "pipeline.ingest"} <= graph["pipeline.compiled"]
    assert "pipeline.knowledge" not in graph["pipeline.record"]             # only under TYPE_CHECKING
    looped = {**graph, "pipeline.knowledge": graph["pipeline.knowledge"] | {"pipeline.annotate"}}
    assert "pipeline.annotate" in (cycle_in(looped) or [])
