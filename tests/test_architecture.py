"""The layout holds: no import cycles, dependencies point one way, the adapter stands alone,
and no module grows past 500 lines."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("contracts", "generators", "mockserver")
# The reference adapter is an example to read: the signing module, aiohttp, and orjson (its JSON).
ADAPTER_MAY_IMPORT = {"contracts.signing", "aiohttp", "orjson"}
LONG_FUNCTIONS_ALLOWED = {
    # One Shopify order document built field by field, as the API shows it: cut, it reads worse.
    ("generators/views.py", "_shopify_order"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))
    }


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Every module of the project that ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import sub`` imports the submodule; ``from mod import name``, the module.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        found.update(_owner(t, known) or t for t in targets)
    return found


def _owner(name: str, known: set[str]) -> str | None:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {
        name: {t for t in _imports(path, name, known) if t in known and t != name}
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module (or a self-loop)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_among_the_projects_modules():
    assert _cycles(_graph()) == []


def test_dependencies_point_one_way():
    graph = _graph()
    layer = {"contracts": 0, "generators": 1, "mockserver": 2}
    backwards = [
        (name, target)
        for name, targets in graph.items()
        for target in targets
        if layer[target.split(".")[0]] > layer[name.split(".")[0]]
    ]
    assert backwards == []
    roles = ("mockserver.oms", "mockserver.adapter", "mockserver.gladly", "mockserver.mutants")
    harness_up = [
        (name, target)
        for name, targets in graph.items()
        if name.startswith("mockserver.harness")
        for target in targets
        if target.startswith(roles) or target in ("mockserver.roles", "mockserver.cli")
    ]
    assert harness_up == []


def test_the_reference_adapter_imports_only_signing_aiohttp_orjson_and_the_standard_library():
    modules = _modules()
    known = set(modules)
    outside = set()
    for name, path in modules.items():
        if not name.startswith("mockserver.adapter"):
            continue
        for target in _imports(path, name, known):
            top = target.split(".")[0]
            if target.startswith("mockserver.adapter") or top in sys.stdlib_module_names:
                continue
            if target in ADAPTER_MAY_IMPORT or top in ADAPTER_MAY_IMPORT:
                continue
            outside.add((name, target))
    assert outside == set()


def test_modules_and_functions_stay_small():
    too_long = []
    for path in [*_modules().values(), *sorted((ROOT / "tests").rglob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        relative = path.relative_to(ROOT).as_posix()
        if len(source.splitlines()) > 500:
            too_long.append((relative, "module", len(source.splitlines())))
        if relative.startswith("tests/"):
            continue  # test functions are judged by what they show, not by their length
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60 and (relative, node.name) not in LONG_FUNCTIONS_ALLOWED:
                    too_long.append((relative, node.name, length))
    assert too_long == []
