"""The house keeps its shape: imports flow one way, kernels stay pure, modules stay small.

Every ``import`` under ``src/statecode`` is read with :mod:`ast`, those inside functions
included (only imports under ``if TYPE_CHECKING:`` are left out: they never run). The
rules are the ones ``docs/architecture.md`` states.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

SRC = ROOT / "src"
PACKAGE = SRC / "statecode"

#: The rooms in the direction data flows: a module may import its own room and the rooms
#: before it, never one after it. (The CLI and the package's public face sit on top.)
LAYERS: tuple[tuple[str, ...], ...] = (
    ("exceptions", "options", "_typing", "_text", "_progress", "_provenance", "_lazy"),
    ("model", "_serialize", "_codebook_rules"),
    ("codebook", "_values"),
    ("_frames", "table", "_segment"),
    ("spans",),
    ("io",),
    ("reliability", "_consensus", "_adjudication"),
    ("compare",),
    ("render",),
    ("cli", "__main__", "__init__"),
)

#: numpy-only modules: no polars, no attrs, no I/O, no other statecode room.
KERNELS = {
    "statecode.reliability._kernels",
    "statecode.reliability._moment_kernels",
    "statecode.reliability._agreement_kernels",
    "statecode.reliability._unitizing_kernels",
    "statecode.reliability._bootstrap",
    "statecode.reliability._distance",
    "statecode.reliability._sparse_kernels",
    "statecode.reliability._poisson",
}

#: No module grows past this many lines (docstrings count): split by job instead.
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


#: Methods through which a model or result class presents itself (``str()``, a notebook's
#: HTML, ``to_html``): each may import ``statecode.render`` when it is called, against the
#: flow of layers; such an import runs after both modules are loaded, so it makes no cycle.
HOOKS = frozenset({"__str__", "_repr_html_", "to_html"})


def _imports(tree: ast.AST, *, hooks: bool = False) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, wherever it stands.

    With ``hooks``, only the imports of :data:`statecode.render` inside presentation hooks;
    without, every other import.
    """
    stack: list[tuple[ast.AST, str | None]] = [(tree, None)]
    while stack:
        node, function = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend((child, function) for child in node.orelse)
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Import | ast.ImportFrom):
            is_hook = (
                function in HOOKS
                and isinstance(node, ast.ImportFrom)
                and node.module == "statecode.render"
            )
            if is_hook == hooks:
                yield node
        stack.extend((child, function) for child in ast.iter_child_nodes(node))


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The modules an import statement loads (statecode's own and third-party ones)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    base = node.module or ""
    if node.level:
        package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        yield candidate if candidate in MODULES else base


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[module] = {t for node in _imports(tree) for t in _targets(module, node)}
    return graph


GRAPH = _graph()


def _internal(targets: set[str]) -> set[str]:
    return {t for t in targets if t in MODULES}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(module: str) -> int:
    room = _room(module)
    for i, rooms in enumerate(LAYERS):
        if room in rooms:
            return i
    msg = f"{module}: room {room!r} is in no layer of LAYERS; add it"
    raise AssertionError(msg)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root, edges in graph.items():
        if root in index:
            continue
        work = [(root, iter(sorted(edges)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return found


def test_the_walk_sees_every_module_and_lazy_import() -> None:
    # the rules below are only as good as the graph: it must hold the CLI's in-function
    # imports and the top-level face's TYPE_CHECKING-free part
    assert "statecode.reliability._alpha" in MODULES
    assert "statecode.io" in _internal(GRAPH["statecode.cli._options"])
    assert "statecode.render" in _internal(GRAPH["statecode.cli._reliability"])


def test_no_import_circle() -> None:
    internal = {m: _internal(t) for m, t in GRAPH.items()}
    assert _cycles(internal) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert sorted(_cycles(graph)) == [["a", "b", "c"], ["e"]]


def test_presentation_hooks_import_only_render() -> None:
    # the one exception to the flow of layers, kept to the methods that present a class
    found = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        hooks = [node.module for node in _imports(tree, hooks=True)]
        if hooks:
            found[module] = set(hooks)
    assert all(targets == {"statecode.render"} for targets in found.values())
    assert "statecode.reliability.results._alpha" in found  # the walk sees them
    assert "statecode.model" in found


def test_imports_flow_one_way() -> None:
    back = [
        f"{module} ({_room(module)}) imports {target} ({_room(target)})"
        for module, targets in GRAPH.items()
        for target in _internal(targets)
        if _layer(target) > _layer(module)
    ]
    assert back == []


def test_no_room_imports_another_rooms_private_module() -> None:
    # a helper two rooms share gets a named private module of its own (statecode._x)
    found = []
    for module, targets in GRAPH.items():
        for target in _internal(targets):
            parts = target.split(".")
            private = any(p.startswith("_") for p in parts[2:])
            if private and _room(target) != _room(module):
                found.append(f"{module} imports {target}")
    assert found == []


def test_the_cli_imports_only_public_modules() -> None:
    found = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _room(module) == "cli"
        for target in _internal(targets)
        if _room(target) != "cli" and any(p.startswith("_") for p in target.split(".")[1:])
    ]
    assert found == []


@pytest.mark.parametrize("kernel", sorted(KERNELS))
def test_kernels_see_numpy_only(kernel: str) -> None:
    assert kernel in MODULES
    outside = {
        t
        for t in GRAPH[kernel]
        if t.split(".")[0] in ("polars", "attrs", "attr", "cattrs", "pandas", "pathlib", "io")
        or (t in MODULES and t not in KERNELS)
    }
    assert outside == set()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_too_long(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by job"


def test_heavy_extras_are_imported_only_inside_functions() -> None:
    heavy = ("scipy", "matplotlib", "openpyxl", "xmlschema", "pyarrow", "dask", "distributed")
    found = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                found += [f"{module}: {n}" for n in names if n.split(".")[0] in heavy]
    assert found == []
