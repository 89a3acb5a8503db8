"""docs/openapi.yaml: valid OpenAPI 3.1, in step with the app's routes, served as JSON."""

from __future__ import annotations

import configparser
import inspect
import re
from pathlib import Path
from typing import Any

import pytest
import tornado.web
import tornado.websocket
import yaml
from openapi_spec_validator import validate
from tornado.routing import PathMatches, Router

from chatserver import __version__
from chatserver.api import openapi
from chatserver.api.base import APIHandler
from tests.helpers.api import Api

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "docs" / "openapi.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
GROUP = "([^/]+)"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as f:
        document: dict[str, Any] = yaml.safe_load(f)
    return document


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _implemented(handler: type[tornado.web.RequestHandler]) -> list[str]:
    return [m.lower() for m in handler.SUPPORTED_METHODS
            if getattr(handler, m.lower()) is not getattr(tornado.web.RequestHandler, m.lower())]


def _param_names(handler: type[tornado.web.RequestHandler], methods: list[str]) -> list[str]:
    """The path parameters' names, from the handler methods' signatures (site_key -> siteKey)."""
    best: list[str] = []
    for method in methods:
        params = [p.name for p in inspect.signature(getattr(handler, method)).parameters.values()
                  if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and p.name != "self"]
        best = max(best, params, key=len)
    return [_camel(name) for name in best]


def _openapi_path(pattern: str, names: list[str]) -> str:
    path = pattern.removesuffix("$")
    assert path.count(GROUP) == len(names), (pattern, names)
    for name in names:
        path = path.replace(GROUP, "{" + name + "}", 1)
    assert not re.search(r"[\\()\[\]*+?^$|]", path), f"route {pattern!r} is not a plain path"
    return path


def _rules(router: Router) -> list[Any]:
    out = []
    for rule in getattr(router, "rules", []):
        if isinstance(rule.target, Router):
            out.extend(_rules(rule.target))
        else:
            out.append(rule)
    return out


def app_operations(app: tornado.web.Application) -> set[tuple[str, str]]:
    """Every (OpenAPI path, method) the app's REST handlers answer (sockets are not REST)."""
    ops: set[tuple[str, str]] = set()
    for rule in _rules(app.wildcard_router):
        handler = rule.target
        if not (isinstance(handler, type) and issubclass(handler, APIHandler)) \
                or issubclass(handler, tornado.websocket.WebSocketHandler):
            continue
        assert isinstance(rule.matcher, PathMatches), rule
        methods = _implemented(handler)
        path = _openapi_path(rule.matcher.regex.pattern, _param_names(handler, methods))
        ops.update((path, method) for method in methods)
    return ops


def spec_operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    return {(path, method) for path, item in spec["paths"].items()
            for method in item if method in HTTP_METHODS}


def test_every_route_and_method_is_documented_and_nothing_else(
        app: tornado.web.Application, spec: dict[str, Any]) -> None:
    in_app, in_doc = app_operations(app), spec_operations(spec)
    assert len(in_app) > 30
    assert sorted(in_app - in_doc) == [], "routes missing from docs/openapi.yaml"
    assert sorted(in_doc - in_app) == [], "documented operations the app does not have"


def test_document_is_valid_openapi_31(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1.")
    validate(spec)
    assert spec["info"]["version"] == __version__, "bump info.version with the package"


def test_every_operation_is_described_and_errors_share_one_schema(spec: dict[str, Any]) -> None:
    error_ref = "#/components/schemas/Error"
    shared = spec["components"]["responses"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            where = f"{method.upper()} {path}"
            assert op.get("summary") and op.get("operationId"), where
            assert "security" in op, f"{where}: say who may call it"
            assert any(code.startswith("2") for code in op["responses"]), where
            for code, response in op["responses"].items():
                if not code.startswith(("4", "5")) or path == "/api/health":
                    continue
                ref = response.get("$ref", "")
                assert ref.startswith("#/components/responses/"), f"{where} {code}"
                schema = shared[ref.rsplit("/", 1)[1]]["content"]["application/json"]["schema"]
                assert schema == {"$ref": error_ref}, f"{where} {code}"


def test_spec_is_found_in_the_tree_and_in_an_installed_prefix(tmp_path: Path) -> None:
    assert openapi.find_spec() == SPEC_PATH
    installed = tmp_path / openapi.DATA_SUBDIR / openapi.SPEC_NAME
    installed.parent.mkdir(parents=True)
    installed.write_text("openapi: 3.1.0\n")
    assert openapi.find_spec([tmp_path / "missing.yaml", installed]) == installed
    assert openapi.find_spec([tmp_path / "missing.yaml"]) is None
    # A wheel installs docs/openapi.yaml to <prefix>/share/parley/, where the server looks.
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    data_files = cfg["options.data_files"]
    assert data_files[str(openapi.DATA_SUBDIR)].strip() == "docs/openapi.yaml"


async def test_openapi_json_serves_the_document(api: Api, spec: dict[str, Any]) -> None:
    resp = await api.get("/api/openapi.json")
    assert resp.code == 200, resp
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json == spec
