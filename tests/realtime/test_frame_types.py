"""The frames the server builds (chatserver/realtime/protocol.py's TypedDicts) agree with
docs/protocol.schema.json: for each, the schema definition of the server frame with the same
`type` has the TypedDict's keys as `properties`, its required keys as `required`, and each
annotation's Python type matches the property's schema type."""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, NotRequired, Required, get_args, get_origin, get_type_hints

import pytest

from chatserver.realtime import protocol

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "protocol.schema.json")
                    .read_text(encoding="utf-8"))
DEFS: dict[str, Any] = SCHEMA["$defs"]
FRAMES = [protocol.AckFrame, protocol.MessageFrame, protocol.ResetFrame, protocol.ErrorFrame,
          protocol.TypingFrame, protocol.SeenFrame]
SCALARS = {str: "string", int: "integer", bool: "boolean", float: "number"}


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = DEFS[node["$ref"].removeprefix("#/$defs/")]
    return node


def server_frame(type_: str) -> dict[str, Any]:
    """The definition of the server frame (a member of VisitorServerFrame or AgentServerFrame)
    whose `type` is ``type_``: client requests share some types, so only these count."""
    members = {ref["$ref"] for name in ("VisitorServerFrame", "AgentServerFrame")
               for ref in DEFS[name]["oneOf"]}
    found = [resolve({"$ref": ref}) for ref in sorted(members)
             if resolve({"$ref": ref})["properties"]["type"].get("const") == type_]
    assert len(found) == 1, f"{len(found)} server frame definitions have type {type_!r}"
    return found[0]


def _types_of(node: dict[str, Any]) -> set[str]:
    """The JSON types a (resolved) schema node allows."""
    if "const" in node:
        return {"const"}
    if "enum" in node:
        return {SCALARS[type(v)] if v is not None else "null" for v in node["enum"]}
    declared = node["type"]
    return set(declared) if isinstance(declared, list) else {declared}


def mismatch(annotation: Any, node: dict[str, Any]) -> str | None:
    """Why ``annotation`` does not describe the (unresolved) schema ``node``, or None."""
    node = resolve(node)
    origin = get_origin(annotation)
    if origin in (Required, NotRequired):
        return mismatch(get_args(annotation)[0], node)
    if origin is Literal:
        allowed = [node["const"]] if "const" in node else node.get("enum")
        return None if allowed == list(get_args(annotation)) else f"{annotation} vs {node}"
    if origin in (types.UnionType, typing.Union):
        args = get_args(annotation)
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1 or len(args) != 2:
            return f"unsupported union {annotation}"
        wanted = _types_of(node)
        if "null" not in wanted:
            return f"{annotation} allows None, the schema does not: {node}"
        return mismatch(inner[0], {**node, "type": sorted(wanted - {"null"})}
                        if "type" in node else node)
    if origin is list:
        if node.get("type") != "array":
            return f"{annotation} vs {node}"
        return mismatch(get_args(annotation)[0], node.get("items", {}))
    if origin is dict:
        key, value = get_args(annotation)
        if key is not str or node.get("type") != "object":
            return f"{annotation} vs {node}"
        return mismatch(value, node.get("additionalProperties", {}))
    if typing.is_typeddict(annotation):
        return None if node.get("type") == "object" else f"{annotation} vs {node}"
    if annotation in SCALARS:
        wanted = _types_of(node)
        if "null" in wanted:
            return f"{annotation} does not allow None, the schema does: {node}"
        return None if wanted == {SCALARS[annotation]} else f"{annotation} vs {node}"
    return f"unsupported annotation {annotation}"


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.__name__)
def test_each_frame_type_matches_its_schema_definition(frame: Any) -> None:
    hints = get_type_hints(frame, include_extras=True)
    (type_,) = get_args(hints["type"])
    definition = server_frame(type_)
    assert set(hints) == set(definition["properties"]), frame.__name__
    # from the hints, not __required_keys__: under `from __future__ import annotations`,
    # Python 3.11 does not see NotRequired in a class's string annotations
    required = {key for key, annotation in hints.items() if get_origin(annotation) is not NotRequired}
    assert required == set(definition["required"]), frame.__name__
    wrong = {key: why for key, annotation in hints.items()
             if (why := mismatch(annotation, definition["properties"][key])) is not None}
    assert wrong == {}, frame.__name__


def test_the_check_sees_a_wrong_type() -> None:
    """The matcher itself: each kind of disagreement is found."""
    assert mismatch(int, {"type": "string"})
    assert mismatch(str, {"type": ["string", "null"]})
    assert mismatch(str | None, {"type": "string"})
    assert mismatch(Literal["ack"], {"const": "message"})
    assert mismatch(dict[str, int], {"type": "object", "additionalProperties": {"type": "string"}})
    assert mismatch(str | None, {"type": ["string", "null"]}) is None
    assert mismatch(str, {"$ref": "#/$defs/SenderType"}) is None
