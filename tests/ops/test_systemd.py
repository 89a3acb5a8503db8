"""The systemd units: `systemd-analyze verify` accepts them, they say what the issue asks
(unprivileged, environment file, restart on failure, hardening, Type=notify), and the server
really sends READY=1 and STOPPING=1 to $NOTIFY_SOCKET."""

from __future__ import annotations

import configparser
import os
import pwd
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from chatserver import sdnotify
from tests.helpers import skip_or_fail
from tests.helpers.procs import ChatServer, child_env, socket_activation, venv_bin
from tests.helpers.wait import wait_until

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
SERVICES = ["parley.service", "parley@.service"]
HARDENING = {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
             "PrivateTmp": "yes", "StateDirectory": "parley"}


def parse(name: str) -> configparser.ConfigParser:
    """A unit file as INI (systemd allows a key to repeat: keep the last, as a check of
    presence that is enough)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text())
    return parser


@pytest.mark.parametrize("name", SERVICES)
def test_service_units_say_what_production_needs(name: str) -> None:
    unit = parse(name)
    service = unit["Service"]
    assert service["Type"] == "notify"
    assert service["User"] == "parley" and service["Group"] == "parley"
    assert service["EnvironmentFile"] == "/etc/parley/parley.env"
    assert service["Restart"] == "on-failure"
    assert service["KillSignal"] == "SIGTERM"
    for key, value in HARDENING.items():
        assert service[key] == value, key
    assert service["ExecStart"].startswith("/opt/parley/venv/bin/chatctl serve")
    assert "deploy check" in service["ExecStartPre"]
    # the stop timeout leaves the server its grace period (PARLEY_SHUTDOWN_GRACE_S = 10 s)
    assert int(service["TimeoutStopSec"]) > 10
    assert unit["Install"]["WantedBy"].startswith("multi-user.target")


def test_the_template_takes_its_port_from_the_instance() -> None:
    service = parse("parley@.service")["Service"]
    assert service["Environment"] == "PARLEY_PORT=%i"
    assert service["ExecStart"].endswith("--port %i")


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    """The units as shipped, with the paths of this machine (the venv's chatctl, an existing
    user) so that verify can check the commands exist."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        skip_or_fail("systemd-analyze is not installed")
    assert analyze is not None
    user = pwd.getpwuid(os.getuid()).pw_name
    group = subprocess.run(["id", "-gn"], capture_output=True, text=True, check=True).stdout.strip()
    for name in [*SERVICES, "parley.target", "parley.socket"]:
        text = (UNITS / name).read_text()
        text = text.replace("/opt/parley/venv/bin/chatctl", str(venv_bin("chatctl")))
        text = text.replace("User=parley", f"User={user}").replace("Group=parley", f"Group={group}")
        text = text.replace("EnvironmentFile=/etc/parley/parley.env",
                            f"EnvironmentFile={UNITS / 'parley.env.example'}")
        (tmp_path / name).write_text(text)
    (tmp_path / "parley@8081.service").write_text((tmp_path / "parley@.service").read_text())
    done = subprocess.run([analyze, "verify", "--man=no", "parley.service",
                           "parley@8081.service", "parley.target", "parley.socket"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if line.strip() and "Special user" not in line]
    assert done.returncode == 0 and not problems, done.stdout + done.stderr


def test_notify_does_nothing_without_systemd() -> None:
    assert sdnotify.notify("READY=1", environ={}) is False


def test_notify_sends_to_the_socket(tmp_path: Path) -> None:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        assert sdnotify.notify("READY=1\nSTATUS=ok", environ={"NOTIFY_SOCKET": str(path)})
        assert sock.recv(100) == b"READY=1\nSTATUS=ok"


def test_server_notifies_ready_then_stopping(db_url: str, tmp_path: Path) -> None:
    """`chatctl serve` under Type=notify: READY=1 once it listens, STOPPING=1 on SIGTERM,
    then a clean exit."""
    path = tmp_path / "n.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(20)
        env = {"PARLEY_DATABASE_URL": db_url, "PARLEY_DATA_DIR": str(tmp_path / "data"),
               "PARLEY_SECRET_KEY": "notify-test-" + "z" * 40, "NOTIFY_SOCKET": str(path),
               "PARLEY_AI_PROVIDER": "none"}
        with ChatServer(env, tmp_path / "serve.log") as server:
            ready = sock.recv(200).decode()
            assert ready.startswith("READY=1\n") and f":{server.port}" in ready
            assert server.health()[0] == 200
            server.terminate()
            assert sock.recv(200).decode().startswith("STOPPING=1")
            assert server.wait(30) == 0


def test_a_restart_under_socket_activation_refuses_no_connection(db_url: str,
                                                                 tmp_path: Path) -> None:
    """With parley.socket, systemd holds the listening socket: a request sent while no server
    runs (between the old process's exit and the new one's start) waits in its queue and is
    answered by the next process."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=64)
    port = listener.getsockname()[1]
    passed = socket_activation(listener)
    env = child_env({"PARLEY_DATABASE_URL": db_url, "PARLEY_DATA_DIR": str(tmp_path / "data"),
                     "PARLEY_SECRET_KEY": "activation-" + "z" * 40, "PARLEY_AI_PROVIDER": "none",
                     **passed.pop("env")})

    def start(log: str) -> subprocess.Popen[bytes]:
        # --port 1: the settings' address is not what is served
        with (tmp_path / log).open("wb") as out:
            return subprocess.Popen([str(venv_bin("chatctl")), "serve", "--port", "1"],
                                    env=env, stdout=out, stderr=subprocess.STDOUT, **passed)

    def health() -> bytes:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(b"GET /api/health HTTP/1.0\r\n\r\n")
            return conn.recv(100)

    first = start("first.log")
    try:
        wait_until(lambda: b" 200 " in health(), 30, "the first process to answer")
    finally:
        first.terminate()
        assert first.wait(30) == 0
    waiting = socket.create_connection(("127.0.0.1", port), timeout=30)  # nobody serves now
    waiting.sendall(b"GET /api/health HTTP/1.0\r\n\r\n")
    second = start("second.log")
    try:
        assert waiting.recv(100).startswith(b"HTTP/1.1 200 ")
        assert "serving the 1 socket(s) systemd passed" in (tmp_path / "second.log").read_text()
    finally:
        waiting.close()
        second.terminate()
        assert second.wait(30) == 0
        listener.close()


def test_workers_need_redis(tmp_path: Path) -> None:
    done = subprocess.run([str(venv_bin("chatctl")), "serve", "--workers", "2", "--port", "0"],
                          env={"PATH": os.environ["PATH"],
                               "PARLEY_DATA_DIR": str(tmp_path)},
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "--workers 2 needs Redis" in done.stderr and "PARLEY_REDIS_URL" in done.stderr


def test_workers_share_one_port(db_url: str, tmp_path: Path, redis_url: str,
                                redis_prefix: str) -> None:
    """`chatctl serve --workers 2`: two processes answer on one port; READY=1 comes from the
    parent once both listen; SIGTERM stops them all."""
    path = tmp_path / "n.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(30)
        env = {"PARLEY_DATABASE_URL": db_url, "PARLEY_DATA_DIR": str(tmp_path / "data"),
               "PARLEY_SECRET_KEY": "workers-test-" + "w" * 40, "NOTIFY_SOCKET": str(path),
               "PARLEY_AI_PROVIDER": "none", "PARLEY_REDIS_URL": redis_url,
               "PARLEY_REDIS_PREFIX": redis_prefix, "PARLEY_WORKERS": "2"}
        server = ChatServer(env, tmp_path / "serve.log")
        with server:
            assert sock.recv(200).decode().startswith("READY=1\nSTATUS=2 workers listening")
            log = server.log()
            assert log.count("listening on http://") >= 2, log
            for _ in range(10):
                assert server.health()[0] == 200
            server.terminate()
            assert sock.recv(200).decode().startswith("STOPPING=1")
            assert server.wait(30) == 0
            wait_until(lambda: "stopped" in server.log(), 10, "the workers to stop")
            assert server.log().count("stopped") >= 2  # the parent passed SIGTERM on
