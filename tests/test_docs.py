"""The docs stay true to the code: every chatctl command and every setting is documented,
and the generated reference files match what `python -m cli.docs --write` produces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chatserver.config import env_name, setting_fields
from cli import docs

DOCS = Path(__file__).resolve().parent.parent / "docs"
REGENERATE = "regenerate with: python -m cli.docs --write"


def _read(name: str) -> str:
    path = DOCS / name
    assert path.is_file(), f"docs/{name} is missing; {REGENERATE}"
    return path.read_text()


def test_every_command_is_in_the_cli_reference() -> None:
    documented = re.findall(r"^#+ `(chatctl[^`]*)`$", _read("cli.md"), re.MULTILINE)
    commands = docs.command_paths()
    missing = [c for c in commands if c not in documented]
    assert not missing, f"docs/cli.md lacks {missing}; {REGENERATE}"
    gone = [c for c in documented if c not in commands]
    assert not gone, f"docs/cli.md documents commands that do not exist: {gone}"
    # The reference covers the commands the issue names, not just whatever the tree holds.
    for expected in ("chatctl user create", "chatctl widget snippet", "chatctl db prune",
                     "chatctl stats", "chatctl demo", "chatctl config", "chatctl serve"):
        assert expected in documented


def test_every_setting_is_in_the_settings_reference() -> None:
    rows = re.findall(r"^\| `(PARLEY_[A-Z0-9_]+)` \|", _read("settings.md"), re.MULTILINE)
    names = [env_name(f.name) for f in setting_fields()]
    missing = [n for n in names if n not in rows]
    assert not missing, f"docs/settings.md lacks {missing}; {REGENERATE}"
    gone = [r for r in rows if r not in names]
    assert not gone, f"docs/settings.md documents settings that do not exist: {gone}"


@pytest.mark.parametrize("name", ["cli", "settings"])
def test_generated_docs_are_up_to_date(name: str) -> None:
    filename, generate = docs.GENERATORS[name]
    assert _read(filename) == generate(), f"docs/{filename} is out of date; {REGENERATE}"


def test_generator_prints_each_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert docs.main(["settings"]) == 0
    out = capsys.readouterr().out
    assert out == docs.settings_markdown()
    assert "| `PARLEY_DATABASE_URL` | str | (empty) |" in out
    assert docs.main(["nonsense"]) == 2
