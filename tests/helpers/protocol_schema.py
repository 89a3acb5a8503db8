"""docs/protocol.schema.json for tests: a validator per union and the problems of frames."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "protocol.schema.json"
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())  # type: ignore[no-any-return]


def validator(name: str) -> Draft202012Validator:
    root = schema()
    return Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": root["$defs"]})


def frame_types(name: str) -> set[str]:
    """The `type` constants of the frames in one of the schema's unions."""
    defs = schema()["$defs"]
    return {defs[r["$ref"].rsplit("/", 1)[1]]["properties"]["type"]["const"]
            for r in defs[name]["oneOf"]}


def problems(name: str, frames: list[dict[str, Any]]) -> list[str]:
    v = validator(name)
    out = []
    for frame in frames:
        errors = list(v.iter_errors(frame))
        if errors:
            best = min(errors, key=lambda e: len(list(e.context or [])))
            out.append(f"{name}: {json.dumps(frame)[:300]}: {best.message}")
    return out
