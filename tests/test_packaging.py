"""The wheel is what a sysadmin installs: it must carry the migrations and a working chatctl.

Builds the wheel from a copy of the source tree (so the build's scratch files never land in
the working tree), installs it with its dependencies into a brand-new venv (no system site
packages; `--without-pip`, the suite's own pip installs into it, which saves ensurepip's
seconds), then runs that venv's `chatctl` from a directory outside the source tree against a
new SQLite file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chatserver.db import migrate
from tests.helpers.procs import child_env

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# Left out of the copy the wheel is built from: the checkout's own state, not its source.
TOP_LEVEL_SKIP = {".git", ".venv", "venv", "node_modules", "build", "dist", "data", "tests",
                  "test-artifacts", ".env", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def _not_source(directory: str, names: list[str]) -> set[str]:
    skip = {n for n in names if n == "__pycache__" or n.endswith(".egg-info")}
    if Path(directory) == ROOT:
        skip |= TOP_LEVEL_SKIP & set(names)
    return skip


def _run(cmd: list[str | Path], cwd: Path | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{cmd} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src") / "parley"
    shutil.copytree(ROOT, src, ignore=_not_source)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, src])
    (built,) = dist.glob("parley-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; returns its bin directory."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", "--clear", venv])
    _run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
          "--quiet", "--no-input", wheel], env=child_env())
    return venv / "bin"


def test_wheel_carries_migrations_and_entry_point(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next(zf.read(n).decode() for n in names
                            if n.endswith(".dist-info/entry_points.txt"))
    revisions = {f"migrations/versions/{p.name}" for p in (ROOT / "migrations/versions").glob("*.py")}
    assert revisions, "no migration scripts in the source tree"
    assert revisions <= names, f"missing from the wheel: {sorted(revisions - names)}"
    assert {"migrations/env.py", "migrations/script.py.mako", "cli/main.py",
            "chatserver/__init__.py"} <= names
    assert "chatctl = cli.main:main" in entry_points
    assert not any(n.startswith("tests/") for n in names)


def test_installed_chatctl_migrates_a_new_database_outside_the_source_tree(
        installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    db_file = tmp_path / "fresh" / "parley.db"
    env = child_env({"PARLEY_DATABASE_URL": f"sqlite+aiosqlite:///{db_file}",
                     "PARLEY_DATA_DIR": str(tmp_path / "data")})

    where = _run([installed / "python", "-c",
                  "import chatserver, cli, migrations; "
                  "print(chatserver.__file__, cli.__file__, migrations.__file__)"],
                 cwd=elsewhere, env=env).stdout.split()
    site = installed.parent.resolve()
    assert all(Path(p).resolve().is_relative_to(site) for p in where), where

    _run([installed / "chatctl", "db", "upgrade"], cwd=elsewhere, env=env)
    assert db_file.is_file()

    head = migrate.head_revision()
    current = _run([installed / "chatctl", "db", "current"], cwd=elsewhere, env=env)
    assert current.stdout.strip() == f"{head} (head)"
