"""docs/protocol.md stays true to the code.

Every frame type the sockets handle (the keys of the ``handlers()`` dicts) has a section under
"Client → server frames"; every frame type the server sends (a ``"type": "…"`` literal in
chatserver/) has one under "Server → client frames"; every error code the socket path raises
(in chatserver/realtime/ and the services its sockets call) is in the
"Errors" table;
every close code is in the "Close codes" table. And the reverse: the document describes no
frame or code the code does not have. The code is read with ``ast``, not imported piecemeal,
so a new frame or code cannot slip past.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from chatserver import errors

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "chatserver"
REALTIME = sorted((SERVER / "realtime").glob("*.py"))
PROTOCOL = SERVER / "realtime" / "protocol.py"
# The services the sockets call: their errors reach clients as error frames.
SOCKET_SERVICES = [SERVER / "services" / f"{name}.py"
                   for name in ("chat", "routing", "writer", "sends", "agent_presence", "history",
                                "notes")]
DOC = ROOT / "docs" / "protocol.md"
# Dicts with a "type" key that are not frames: JSON Schema and tool declarations for the AI.
NOT_FRAME_KEYS = {"properties", "description", "function", "parameters", "items"}
# Close codes Tornado sends by itself: a frame over websocket_max_message_size, a ping timeout.
TORNADO_CLOSES = {1009, 1000}


def _section(title: str) -> str:
    text = DOC.read_text()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"docs/protocol.md has no '## {title}' section"
    return match.group(1)


def _headings(title: str) -> set[str]:
    return set(re.findall(r"^### `([a-z_]+)`", _section(title), re.MULTILINE))


def _table_keys(title: str, pattern: str) -> set[str]:
    return set(re.findall(rf"^\| {pattern} \|", _section(title), re.MULTILINE))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def handled_types() -> set[str]:
    """Keys of the dicts that the sockets' frame_handlers() methods return."""
    found: set[str] = set()
    for path in REALTIME:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef) and node.name == "frame_handlers":
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Dict):
                        found |= {k for k in map(_str, ret.value.keys) if k}
    return found


def _dicts(path: Path) -> list[dict[str, ast.expr]]:
    out = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Dict):
            out.append({key: value for k, value in zip(node.keys, node.values, strict=True)
                        if (key := _str(k)) is not None})
    return out


def sent_types() -> set[str]:
    """Every "type": "<literal>" the server's code builds, but JSON Schema / tool dicts."""
    found: set[str] = set()
    for path in SERVER.rglob("*.py"):
        for d in _dicts(path):
            ftype = _str(d.get("type"))
            if ftype and not NOT_FRAME_KEYS & d.keys():
                found.add(ftype)
    return found


def error_codes() -> set[str]:
    """Codes the socket path can put in an error frame: code= arguments, the default code of
    error classes raised without one, and codes written into error frames directly."""
    found: set[str] = set()
    for path in (*REALTIME, *SOCKET_SERVICES):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Call):
                code = next((kw.value for kw in node.keywords if kw.arg == "code"), None)
                if code is not None:
                    found |= {c for c in map(_str, ast.walk(code)) if c}
                elif isinstance(node.func, ast.Name):
                    cls = getattr(errors, node.func.id, None)
                    if isinstance(cls, type) and issubclass(cls, errors.ParleyError):
                        found.add(cls.code)
        for d in _dicts(path):
            if _str(d.get("type")) == "error" and "code" in d:
                found |= {c for c in map(_str, ast.walk(d["code"])) if c}
    return found


def close_codes() -> dict[str, int]:
    found = {}
    for node in _tree(PROTOCOL).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.startswith("CLOSE_"):
                    found[target.id] = int(node.value.value)
    return found


def test_the_scanners_find_what_they_look_for() -> None:
    """Guard against a refactor that makes the checks below vacuous."""
    assert {"auth", "message", "typing", "escalate", "accept", "presence"} <= handled_types()
    assert {"ready", "ack", "message", "reset", "error", "queue_update"} <= sent_types()
    assert "function" not in sent_types()  # the AI tool declaration is not a frame
    assert {"message_too_long", "rate_limited", "conflict", "unauthorized",
            "unavailable", "validation_failed"} <= error_codes()
    assert {"CLOSE_AUTH": 4401, "CLOSE_RESTART": 1012}.items() <= close_codes().items()


def test_every_frame_the_sockets_handle_is_documented() -> None:
    documented = _headings("Client → server frames")
    missing = sorted(handled_types() - documented)
    assert not missing, f"docs/protocol.md lacks client frames {missing}"
    gone = sorted(documented - handled_types())
    assert not gone, f"docs/protocol.md documents client frames no socket handles: {gone}"


def test_every_frame_the_server_sends_is_documented() -> None:
    documented = _headings("Server → client frames")
    missing = sorted(sent_types() - documented)
    assert not missing, f"docs/protocol.md lacks server frames {missing}"
    gone = sorted(documented - sent_types())
    assert not gone, f"docs/protocol.md documents server frames the code never sends: {gone}"


def test_every_error_code_is_documented() -> None:
    documented = _table_keys("Errors", "`([a-z_]+)`")
    missing = sorted(error_codes() - documented)
    assert not missing, f"docs/protocol.md lacks error codes {missing}"
    gone = sorted(documented - error_codes())
    assert not gone, f"docs/protocol.md documents error codes the code never sends: {gone}"


def test_every_close_code_is_documented() -> None:
    documented = {int(c) for c in _table_keys("Close codes", "([0-9]{4})")}
    expected = set(close_codes().values()) | TORNADO_CLOSES
    missing = sorted(expected - documented)
    assert not missing, f"docs/protocol.md lacks close codes {missing}"


# --- docs/protocol.md against docs/protocol.schema.json ---------------------------------------

SCHEMA = ROOT / "docs" / "protocol.schema.json"
# Said once for every client frame ("Every frame a client sends may carry `request_id`").
EVERY_REQUEST = frozenset({"request_id"})

Shape = tuple[frozenset[str], frozenset[str]]  # (every field, the optional ones)


def _top_level_keys(span: str) -> Shape:
    """The keys of the outer object of a frame as protocol.md writes it, e.g.
    ``{"type": "close", "session_id": string, "note"?: string}`` or
    ``{"type": "ack", "session_id", "client_msg_id", "id", "seq"}``; a key is a quoted word
    at depth 1 after ``{`` or ``,`` (values follow ``:`` or ``|``); ``"key"?`` is optional."""
    keys, optional = set(), set()
    depth, prev = 0, ""
    for m in re.finditer(r'"([^"]*)"(\?)?|[{\[]|[}\]]|[,:|]', span):
        tok = m.group(0)
        if tok in "{[":
            depth += 1
        elif tok in "}]":
            depth -= 1
        elif tok.startswith('"') and depth == 1 and prev in ("{", ","):
            keys.add(m.group(1))
            if m.group(2):
                optional.add(m.group(1))
        prev = tok[0] if not tok.startswith('"') else '"'
    return frozenset(keys), frozenset(optional)


def doc_frames(title: str) -> dict[str, set[Shape]]:
    """Frame type -> the shapes its section of protocol.md declares (in the section's first
    paragraph; later ones hold examples)."""
    out: dict[str, set[Shape]] = {}
    parts = re.split(r"^### `([a-z_]+)`\n", _section(title), flags=re.MULTILINE)
    for ftype, body in zip(parts[1::2], parts[2::2], strict=True):
        first = body.strip("\n").split("\n\n", 1)[0]
        spans = re.findall(rf'`(\{{"type": "{ftype}"[^`]*\}})`', first)
        out[ftype] = {_top_level_keys(span) for span in spans}
    return out


def schema_frames(*unions: str, said_once: frozenset[str] = frozenset()) -> dict[str, set[Shape]]:
    """Frame type -> the shapes of the schema's frames of that type in these unions, without
    the fields protocol.md documents once for all of them (`said_once`)."""
    import json

    defs = json.loads(SCHEMA.read_text())["$defs"]
    out: dict[str, set[Shape]] = {}
    for union in unions:
        for ref in defs[union]["oneOf"]:
            frame = defs[ref["$ref"].rsplit("/", 1)[1]]
            props = set(frame["properties"]) - said_once
            optional = props - set(frame["required"])
            out.setdefault(frame["properties"]["type"]["const"], set()).add(
                (frozenset(props), frozenset(optional)))
    return out


def test_the_field_parser_reads_protocol_md_notation() -> None:
    keys, optional = _top_level_keys(
        '{"type": "ready", "role": "agent", "agent": {"id", "display_name"}, '
        '"last_seq": number | {session_id: number}, "note"?: string, "by": "a" | "b"}')
    assert keys == {"type", "role", "agent", "last_seq", "note", "by"}
    assert optional == {"note"}


def test_every_client_frame_of_the_schema_is_documented_with_its_fields() -> None:
    documented = doc_frames("Client → server frames")
    declared = schema_frames("VisitorClientFrame", "AgentClientFrame", said_once=EVERY_REQUEST)
    assert sorted(documented) == sorted(declared), "frame types differ between protocol.md " \
        "(Client → server) and protocol.schema.json"
    wrong = [f"client frame {ftype!r}: protocol.md lists {_show(documented[ftype])}, "
             f"the schema {_show(shapes)}"
             for ftype, shapes in declared.items() if documented[ftype] != shapes]
    assert not wrong, "\n".join(wrong)


def test_every_server_frame_of_the_schema_is_documented_with_its_fields() -> None:
    documented = doc_frames("Server → client frames")
    declared = schema_frames("VisitorServerFrame", "AgentServerFrame")
    assert sorted(documented) == sorted(declared), "frame types differ between protocol.md " \
        "(Server → client) and protocol.schema.json"
    wrong = [f"server frame {ftype!r}: protocol.md lists {_show(documented[ftype])}, "
             f"the schema {_show(shapes)}"
             for ftype, shapes in declared.items() if documented[ftype] != shapes]
    assert not wrong, "\n".join(wrong)


def _show(shapes: set[Shape]) -> list[str]:
    return sorted(", ".join(sorted(k + ("?" if k in opt else "") for k in keys))
                  for keys, opt in shapes)
