"""The folders are the architecture: each layer imports only the layers above it.

Layers, top down (DESIGN.md): config -> evidence -> results -> engines -> place -> finance ->
scenarios -> appraisal -> report -> jobs -> sweep -> the API and the command line -> the web
app (``sim.app``, a client of the API beside the command line: nothing in ``sim`` imports it).
The generic engines import nothing of ``sim`` outside their own package and the results
schema; there is no import cycle among the modules of ``sim`` (imports inside functions
included); at most a handful of imports sit inside functions, each with a comment saying why;
place parameters (``cfg.place.<key>``) are read in the place layer only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sim

ROOT = Path(sim.__file__).parent
LAYERS = (
    "sim.config",
    "sim.evidence",
    "sim.results",
    "sim.engines",
    "sim.place",
    "sim.finance",
    "sim.scenarios",
    "sim.appraisal",
    "sim.report",
    "sim.jobs",
    "sim.sweep",
    "sim",  # sim/__init__.py, api.py, cli.py, __main__.py
    "sim.app",  # the web app: calls the API as the notebooks do
)
MAX_FUNCTION_IMPORTS = 5


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in sorted(ROOT.rglob("*.py"))}


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported sim module, line, inside a function) for every executed import of ``path``."""
    module = _module(path)
    is_pkg = path.name == "__init__.py"
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                continue  # never executed
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = module.split(".")[: len(module.split(".")) - child.level + is_pkg]
                    base = ".".join([*parts, *([child.module] if child.module else [])])
                for a in child.names:
                    name = f"{base}.{a.name}"
                    found.append((name if name in MODULES else base, child.lineno, in_function))
            visit(child, inner)

    visit(ast.parse(path.read_text()), False)
    return [(_known(n), line, f) for n, line, f in found if n.split(".")[0] == "sim"]


def _known(name: str) -> str:
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _layer(module: str) -> int:
    """The layer of ``module``: its longest matching package in :data:`LAYERS`."""
    found = [(len(top), i) for i, top in enumerate(LAYERS)
             if module == top or module.startswith(top + ".")]  # fmt: skip
    return max(found)[1]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_module_imports_only_layers_above_it(module):
    """A module imports its own layer or the layers above it, never one below."""
    mine = _layer(module)
    for name, line, _ in _imports(MODULES[module]):
        assert _layer(name) <= mine, f"{module}:{line} imports {name}, a layer below it"


@pytest.mark.parametrize("module", [m for m in sorted(MODULES) if m.startswith("sim.engines")])
def test_generic_engines_import_only_their_own_package_and_the_results_schema(module):
    """An engine knows nothing of the place, the jobs or the configuration (the named random
    streams of sim/engines/rng.py serve every engine)."""
    package = ".".join(module.split(".")[:3])
    for name, line, _ in _imports(MODULES[module]):
        ok = name.startswith(package) or name in ("sim.engines.rng", "sim.results.schema")
        assert ok, f"{module}:{line} imports {name}"


def test_no_import_cycle():
    """The import graph of sim's modules (imports inside functions included) is acyclic."""
    graph = {m: {n for n, _, _ in _imports(p) if n != m} for m, p in MODULES.items()}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph.get(m, ())):
            assert state.get(n) != 1, "import cycle: " + " -> ".join([*path, m, n])
            if n not in state:
                visit(n, [*path, m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])


def test_few_imports_inside_functions_each_with_a_reason():
    """At most a handful of sim imports sit inside functions, each with a comment saying why."""
    inner = []
    for module, path in MODULES.items():
        lines = path.read_text().splitlines()
        for _, line, in_function in _imports(path):
            if in_function:
                text = lines[line - 1] + lines[line - 2]
                assert "#" in text, f"{module}:{line}: an import inside a function needs a reason"
                inner.append(f"{module}:{line}")
    assert len(set(inner)) <= MAX_FUNCTION_IMPORTS, inner


def test_place_parameters_are_read_in_the_place_layer_only():
    """Outside sim/place, code reads no ``<cfg>.place.<key>`` but the place's name and text."""
    for module, path in MODULES.items():
        if module.startswith("sim.place"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "place"
                and node.attr not in ("name", "description")
            ):
                raise AssertionError(f"{module}:{node.lineno} reads place.{node.attr}")
