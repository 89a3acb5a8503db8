"""GET /api/openapi.json: the API description (docs/openapi.yaml) as JSON.

``docs/openapi.yaml`` is the canonical document. A source checkout or an editable install
reads it from the tree; a wheel installs a copy as a data file (``setup.cfg``
``[options.data_files]``) under ``<prefix>/share/parley/``, where this module finds it too.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import sysconfig
from pathlib import Path

import yaml

from chatserver.api.base import APIHandler
from chatserver.errors import Unavailable

SPEC_NAME = "openapi.yaml"
# Where a wheel's [options.data_files] puts the document, below an installation prefix.
DATA_SUBDIR = Path("share") / "parley"


def spec_candidates() -> list[Path]:
    """Where the document may be, most specific first."""
    source_tree = Path(__file__).resolve().parents[2] / "docs" / SPEC_NAME
    prefixes = [sysconfig.get_path("data"), sys.prefix,
                sysconfig.get_path("data", f"{os.name}_user")]
    return [source_tree] + [Path(p) / DATA_SUBDIR / SPEC_NAME for p in prefixes if p]


def find_spec(candidates: list[Path] | None = None) -> Path | None:
    return next((p for p in candidates or spec_candidates() if p.is_file()), None)


@functools.lru_cache(maxsize=4)
def spec_json(path: Path) -> bytes:
    """The YAML document at ``path`` rendered as compact JSON (read once per process)."""
    with path.open(encoding="utf-8") as f:
        document = yaml.safe_load(f)
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


class OpenAPIHandler(APIHandler):
    async def get(self) -> None:
        path = find_spec()
        if path is None:
            raise Unavailable("the API description is not installed", code="spec_missing",
                              retryable=False)
        self.set_header("Cache-Control", "no-cache")
        self.finish(spec_json(path))


routes = [(r"/api/openapi.json", OpenAPIHandler)]
