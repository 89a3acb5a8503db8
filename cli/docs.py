"""Generate docs/cli.md (every command's --help) and docs/settings.md (every setting).

    python -m cli.docs cli > docs/cli.md
    python -m cli.docs settings > docs/settings.md
    python -m cli.docs --write          # both, in place

tests/test_docs.py fails when either file is out of date.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import MISSING, fields
from pathlib import Path

import click

from chatserver.config import Settings, env_name
from cli.main import cli

# Help is wrapped at a fixed width so the output does not depend on the terminal.
WIDTH = 80
DOCS_DIR = Path(__file__).resolve().parent.parent / "docs"

CLI_INTRO = """\
# chatctl: command-line reference

`chatctl` is Parley's operator tool: it runs the server, migrates the database, manages
users and widgets, prunes old conversations, seeds a demo and shows the settings. It is
installed with the package (`pip install -e .` puts it in `.venv/bin/chatctl`).

Every command reads the same settings as the server: `PARLEY_*` environment variables, a
`.env` file, and `--database-url` (see [settings.md](settings.md); `chatctl config` shows the
values in effect). Users are named by id, username or email; widgets by their site key.
Passwords are never options: they are prompted for (hidden, twice) or read from standard
input with `--password-stdin`.

An error is one line on standard error and exit status 1 (2 for a usage error such as an
unknown option or a bad duration); `--traceback` shows the traceback of an unexpected one.
Commands that list things take `--json` for scripts.

This file is generated from the commands' `--help`: after changing a command, run
`python -m cli.docs --write`.
"""

SETTINGS_INTRO = """\
# Settings

Parley reads its settings in one place, `chatserver/config.py`. Each setting is an
environment variable `PARLEY_<NAME>`; a `.env` file in the working directory (or the file
named by `PARLEY_ENV_FILE`) supplies values the environment does not. A chatctl option
(`--database-url`, `serve --host/--port`) wins over both. Booleans accept
`1/true/yes/on` and `0/false/no/off`. `chatctl config` prints every setting with its value
(secrets masked) and where that value came from.

This file is generated from the `Settings` dataclass: after changing a setting, run
`python -m cli.docs --write`.
"""


def walk(command: click.Command, ctx: click.Context) -> Iterator[click.Context]:
    """The context of `command` and of every subcommand under it, depth first, sorted."""
    yield ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, click.Context(sub, info_name=name, parent=ctx))


def command_paths() -> list[str]:
    """Every command as typed: 'chatctl', 'chatctl db', 'chatctl db prune', …"""
    return [c.command_path for c in walk(cli, _root())]


def _root() -> click.Context:
    return click.Context(cli, info_name="chatctl", terminal_width=WIDTH, max_content_width=WIDTH,
                         **cli.context_settings)


def cli_markdown() -> str:
    parts = [CLI_INTRO]
    for ctx in walk(cli, _root()):
        level = "#" * min(2 + ctx.command_path.count(" "), 4)
        parts.append(f"{level} `{ctx.command_path}`\n\n```text\n"
                     f"{ctx.command.get_help(ctx).rstrip()}\n```\n")
    return "\n".join(parts)


def _cell(text: str) -> str:
    """Markdown table cell text: no pipes or newlines; no <…> taken for HTML."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("\n", " "))


def settings_markdown() -> str:
    lines = [SETTINGS_INTRO, "| variable | type | default | description |",
             "| --- | --- | --- | --- |"]
    for f in fields(Settings):
        kind = f.type if isinstance(f.type, str) else f.type.__name__
        default = "" if f.default is MISSING else str(f.default)
        shown = "`" + default.replace("|", "\\|") + "`" if default != "" else "(empty)"
        secret = " Secret: `chatctl config` masks it." if f.metadata.get("secret") else ""
        lines.append(f"| `{env_name(f.name)}` | {kind} | {shown} | "
                     f"{_cell(f.metadata['help'])}{secret} |")
    return "\n".join(lines) + "\n"


GENERATORS = {"cli": ("cli.md", cli_markdown), "settings": ("settings.md", settings_markdown)}


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        DOCS_DIR.mkdir(exist_ok=True)
        for filename, generate in GENERATORS.values():
            (DOCS_DIR / filename).write_text(generate())
            print(f"wrote docs/{filename}")
        return 0
    if len(argv) == 1 and argv[0] in GENERATORS:
        sys.stdout.write(GENERATORS[argv[0]][1]())
        return 0
    print("usage: python -m cli.docs cli|settings|--write", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
