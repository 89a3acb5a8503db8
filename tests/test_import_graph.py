"""The import graph of chatserver/: no cycles, layers that only import downwards, short files.

Every import counts, also one inside a function or under ``if TYPE_CHECKING:``: a lazy or
type-only import still ties two modules together. A failure prints the offending imports
as ``file:line``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "chatserver"
# A file longer than this holds more than one job: split it.
MAX_LINES = 400



@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. chatserver.services.chat
    target: str  # the imported chatserver module, e.g. chatserver.db.sessions
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.source} -> {self.target}"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (the built front ends under static/ are
    not Python)."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "static" in path.relative_to(PACKAGE).parts[:-1]:
            continue
        found[module_name(path)] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The chatserver module that an import of ``name`` loads (``a.b.c`` may be a name in
    module ``a.b``)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _base(node: ast.ImportFrom, source: str, path: Path) -> str:
    if not node.level:
        return node.module or ""
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imports_of(source: str, path: Path) -> Iterator[Import]:
    known = modules()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):  # every import: top level, in functions, under TYPE_CHECKING
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base(node, source, path)
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            if name.split(".")[0] != "chatserver":
                continue
            target = _resolve(name, known)
            if target is not None and target != source:
                yield Import(source, target, path, node.lineno)


@cache
def graph() -> tuple[Import, ...]:
    """Every import between chatserver modules, once per (importer, imported, line)."""
    found = {imp: None for source, path in modules().items() for imp in imports_of(source, path)}
    return tuple(found)


def cycles(edges: Iterable[Import]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    adjacent: dict[str, set[str]] = {}
    for imp in edges:
        adjacent.setdefault(imp.source, set()).add(imp.target)
        adjacent.setdefault(imp.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(adjacent[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(adjacent):
        if node not in index:
            visit(node)
    return found


def describe_cycles(found: list[list[str]], edges: Iterable[Import]) -> str:
    lines: list[str] = []
    all_edges = list(edges)
    for component in found:
        members = set(component)
        lines.append(f"cycle of {len(component)} modules: {', '.join(component)}")
        lines += [f"  {imp}" for imp in all_edges
                  if imp.source in members and imp.target in members]
    return "\n".join(lines)


def in_area(module: str, *areas: str) -> bool:
    return any(module == f"chatserver.{a}" or module.startswith(f"chatserver.{a}.")
               for a in areas)


def forbidden(sources: tuple[str, ...], targets: tuple[str, ...]) -> list[Import]:
    return [imp for imp in graph()
            if in_area(imp.source, *sources) and in_area(imp.target, *targets)]


def long_files() -> dict[str, int]:
    counts = {module: len(path.read_text(encoding="utf-8").splitlines())
              for module, path in modules().items()}
    return {str(modules()[m].relative_to(ROOT)): n for m, n in counts.items() if n > MAX_LINES}


# --- the graph code itself -----------------------------------------------------------------

def test_the_graph_sees_lazy_type_only_and_relative_imports(tmp_path: Path) -> None:
    known = modules()
    assert "chatserver.context" in known and "chatserver.db.sessions" in known
    source = tmp_path / "chatserver" / "services" / "example.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from chatserver.db import sessions as db\n"
        "from . import access\n"
        "if TYPE_CHECKING:\n"
        "    from chatserver.context import Context\n"
        "def f() -> None:\n"
        "    import chatserver.bus\n"
        "    from ..errors import NotFound\n")
    found = {(imp.target, imp.line) for imp in _imports_at(tmp_path, source)}
    assert found == {("chatserver.db.sessions", 2), ("chatserver.services.access", 3),
                     ("chatserver.context", 5), ("chatserver.bus", 7),
                     ("chatserver.errors", 8)}


def _imports_at(root: Path, path: Path) -> list[Import]:
    parts = path.relative_to(root).with_suffix("").parts
    return list(imports_of(".".join(parts), path))


def test_cycles_are_found_and_named() -> None:
    here = Path(__file__)
    edges = [Import("chatserver.a", "chatserver.b", here, 1),
             Import("chatserver.b", "chatserver.c", here, 2),
             Import("chatserver.c", "chatserver.a", here, 3),
             Import("chatserver.c", "chatserver.d", here, 4)]
    found = cycles(edges)
    assert found == [["chatserver.a", "chatserver.b", "chatserver.c"]]
    report = describe_cycles(found, edges)
    assert "tests/test_import_graph.py:3: chatserver.c -> chatserver.a" in report
    assert "chatserver.d" not in report


# --- the rules -----------------------------------------------------------------------------

def test_no_import_cycles() -> None:
    found = cycles(graph())
    assert not found, "\n" + describe_cycles(found, graph())


def test_ai_imports_nothing_from_services_realtime_api_or_db() -> None:
    bad = forbidden(("ai",), ("services", "realtime", "api", "db"))
    assert not bad, "\n" + "\n".join(map(str, bad))


def test_mail_imports_nothing_from_services_realtime_api_or_db() -> None:
    bad = forbidden(("mail",), ("services", "realtime", "api", "db"))
    assert not bad, "\n" + "\n".join(map(str, bad))


def test_storage_imports_nothing_from_services_realtime_api_or_db() -> None:
    bad = forbidden(("storage",), ("services", "realtime", "api", "db"))
    assert not bad, "\n" + "\n".join(map(str, bad))


def test_api_imports_nothing_from_db() -> None:
    bad = forbidden(("api",), ("db",))
    assert not bad, "\n" + "\n".join(map(str, bad))


def test_realtime_and_api_import_nothing_from_each_other() -> None:
    bad = forbidden(("realtime",), ("api",)) + forbidden(("api",), ("realtime",))
    assert not bad, "\n" + "\n".join(map(str, bad))


def test_realtime_imports_nothing_from_db() -> None:
    bad = forbidden(("realtime",), ("db",))
    assert not bad, "\n" + "\n".join(map(str, bad))


def test_no_file_is_longer_than_the_limit() -> None:
    too_long = long_files()
    assert not too_long, "\n" + "\n".join(f"{p}: {n} lines" for p, n in sorted(too_long.items()))
