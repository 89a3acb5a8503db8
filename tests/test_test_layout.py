"""The layout of the suite: test modules (tests/**/test_*.py) share code through tests/helpers/
only. No file under tests/ imports a test module or a conftest module: a conftest holds its
package's fixtures, and pytest, not an import, puts them in reach."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _forbidden(module: str) -> bool:
    """A test module or a conftest module of the suite."""
    last = module.rsplit(".", 1)[-1]
    return module.split(".")[0] == "tests" and (last.startswith("test_") or last == "conftest")


def _imports(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for each import in ``path`` that may load a module, at any depth (in
    functions too): ``from pkg import name`` may load ``pkg.name``, so that counts as well."""
    package = list(path.relative_to(root).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            if _forbidden(module):
                yield node.lineno, module
            else:
                for alias in node.names:
                    yield node.lineno, f"{module}.{alias.name}"


def offending_imports(tests: Path = TESTS) -> list[str]:
    """"path:line imports module" for each import of a test or conftest module under ``tests``."""
    root = tests.parent
    return [f"{path.relative_to(root)}:{line} imports {module}"
            for path in sorted(tests.rglob("*.py"))
            for line, module in _imports(path, root) if _forbidden(module)]


def test_no_file_imports_a_test_module_or_a_conftest() -> None:
    offending = offending_imports()
    assert offending == [], "shared code belongs in tests/helpers/:\n" + "\n".join(offending)


def test_the_check_finds_each_kind_of_import(tmp_path: Path) -> None:
    """Absolute, from-package, relative and function-level imports are found; helpers pass."""
    suite = tmp_path / "tests"
    (suite / "realtime").mkdir(parents=True)
    (suite / "realtime" / "test_a.py").write_text(
        "from tests.realtime.test_b import X\n"
        "from tests.realtime import conftest\n"
        "from . import test_b\n"
        "def f():\n    import tests.conftest\n"
        "from tests.helpers.sockets import WS\n"
        "from .. import helpers\n", encoding="utf-8")
    where = "tests/realtime/test_a.py"
    assert offending_imports(suite) == [
        f"{where}:1 imports tests.realtime.test_b", f"{where}:2 imports tests.realtime.conftest",
        f"{where}:3 imports tests.realtime.test_b", f"{where}:5 imports tests.conftest"]
