"""deploy/docker cannot run here (no container engine): keep it correct by reading it.

The compose file parses and wires what it names (services, volumes, health checks, the
environment it needs is in .env.example); the Dockerfile's stages are the four the comments
promise, each COPY from the build context names a file of this repository, each
COPY --from an earlier stage, and the image runs as a non-root user. The compose nginx
configuration keeps the shipped one's locations.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "deploy" / "docker"


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DOCKER / "docker-compose.yml").read_text())
    return data


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (DOCKER / "Dockerfile").read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def stages() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(image, name, instructions) per FROM."""
    found: list[tuple[str, str, list[tuple[str, str]]]] = []
    for word, rest in dockerfile():
        if word == "FROM":
            match = re.fullmatch(r"(\S+)\s+AS\s+(\S+)", rest, re.IGNORECASE)
            assert match, f"every stage is named: FROM {rest}"
            found.append((match.group(1), match.group(2), []))
        elif found:
            found[-1][2].append((word, rest))
    return found


def test_compose_parses_and_wires_its_services() -> None:
    data = compose()
    services = data["services"]
    assert {"mariadb", "parley", "nginx", "migrate"} <= set(services)
    assert services["mariadb"]["image"] == "mariadb:10.11"
    assert "mariadb:/var/lib/mysql" in services["mariadb"]["volumes"]
    declared = set(data["volumes"])
    for name, service in services.items():
        for dep in service.get("depends_on", {}):
            assert dep in services, f"{name} depends on unknown {dep}"
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name} mounts undeclared volume {source}"
        build = service.get("build")
        if build:
            context = (DOCKER / build["context"]).resolve()
            assert context == ROOT
            assert (context / build["dockerfile"]).is_file()
            assert build["target"] in {s[1] for s in stages()}
    parley = services["parley"]
    assert parley["environment"]["PARLEY_DATABASE_URL"].startswith("mysql+asyncmy://")
    assert parley["environment"]["PARLEY_REDIS_URL"].startswith("redis://")
    assert "--workers" in parley["command"]
    assert parley["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    nginx_ip = services["nginx"]["networks"]["default"]["ipv4_address"]
    assert parley["environment"]["PARLEY_TRUSTED_PROXIES"] == nginx_ip


def test_compose_variables_are_in_the_env_example() -> None:
    text = (DOCKER / "docker-compose.yml").read_text()
    wanted = set(re.findall(r"\$\{([A-Z_]+)", text))
    example = {line.split("=", 1)[0] for line in (DOCKER / ".env.example").read_text().splitlines()
               if line and not line.startswith("#")}
    assert wanted <= example, wanted - example
    assert {"PARLEY_SECRET_KEY", "PARLEY_PUBLIC_URL"} <= example


def test_dockerfile_stages_and_paths() -> None:
    found = stages()
    names = [name for _, name, _ in found]
    assert names[0] == "frontends" and found[0][0].startswith("node:")
    assert {"frontends", "wheels", "nginx", "runtime"} <= set(names)
    assert names[-1] == "runtime", "the default target (last stage) is the server"
    assert found[-1][0] == "${PYTHON_IMAGE}"
    default_image = next(rest for word, rest in dockerfile() if word == "ARG"
                         and rest.startswith("PYTHON_IMAGE="))
    assert "-slim" in default_image
    seen: list[str] = []
    for _image, name, body in found:
        for word, rest in body:
            if word != "COPY":
                continue
            args = shlex.split(rest)
            origin = next((a.split("=", 1)[1] for a in args if a.startswith("--from=")), None)
            paths = [a for a in args if not a.startswith("--")]
            if origin is not None:
                assert origin in seen, f"{name}: COPY --from={origin} before that stage"
                continue
            for source in paths[:-1]:
                assert (ROOT / source).exists(), f"{name}: COPY {source}: no such path"
        seen.append(name)
    runtime = dict(found[-1][2][::-1])  # last value of each instruction
    assert runtime["USER"] not in ("root", "0")
    assert "chatctl" in runtime["CMD"] and "HEALTHCHECK" in runtime


def _locations(path: Path) -> set[str]:
    return set(re.findall(r"^\s*location\s+([^{]+?)\s*\{", path.read_text(), re.MULTILINE))


def test_compose_nginx_keeps_the_shipped_locations() -> None:
    shipped = _locations(ROOT / "deploy" / "nginx" / "parley.conf")
    assert _locations(DOCKER / "nginx.conf") >= shipped - {"/.well-known/acme-challenge/"}
