"""Run `chatctl` as a real subprocess and talk to it over HTTP, synchronously."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.helpers.wait import wait_until

# The environment a child must not inherit: settings of the developer's shell or of the suite.
_SCRUBBED_PREFIXES = ("PARLEY_",)
_SCRUBBED = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}


def venv_bin(name: str) -> Path:
    """A console script installed beside the running interpreter (e.g. .venv/bin/chatctl)."""
    return Path(sys.executable).parent / name


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def socket_activation(listener: socket.socket) -> dict[str, Any]:
    """Popen arguments that pass `listener` to the child as systemd's socket activation does
    (fd 3, LISTEN_FDS=1; chatserver/sdnotify.listen_fds): merge "env" into the child's."""
    fd = listener.fileno()
    return {"pass_fds": (3,), "preexec_fn": lambda: os.dup2(fd, 3),
            "env": {"LISTEN_FDS": "1"}}


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """os.environ without PARLEY_* and Python path settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if k not in _SCRUBBED and not k.startswith(_SCRUBBED_PREFIXES)}
    env.update(extra or {})
    return env


def get_json(url: str, timeout: float = 10.0) -> tuple[int, Any]:
    """GET ``url``; (status, decoded JSON body). Error statuses are returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            return exc.code, json.loads(body or b"null")
        except ValueError:
            return exc.code, body


class ChatServer:
    """`chatctl serve` in a subprocess on a free port; output goes to ``log_path``.

    Use as a context manager: on exit a still-running server is killed, so a failing test
    never leaves a process behind.
    """

    LISTENING = re.compile(r"listening on http://[^\s:]+:(\d+)")

    def __init__(self, env: Mapping[str, str], log_path: Path, cwd: Path | None = None,
                 chatctl: Path | None = None) -> None:
        self.env = child_env(env)
        self.log_path = log_path
        self.cwd = cwd or log_path.parent
        self.chatctl = chatctl or venv_bin("chatctl")
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ChatServer:
        self.spawn()
        self.wait_listening(timeout)
        return self

    def spawn(self) -> None:
        """Start the process: on a free port the first time, then on the same one."""
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [str(self.chatctl), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)

    def wait_listening(self, timeout: float = 30.0) -> None:
        """Wait for the "listening on" log line and take the port from it."""

        def listening() -> int | None:
            match = self.LISTENING.search(self.log())
            if match:
                return int(match.group(1))
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"chatctl serve exited with {self.proc.returncode}:\n"
                                     + self.log())
            return None

        self.port = wait_until(listening, timeout, "chatctl serve to listen")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def health(self, timeout: float = 10.0) -> tuple[int, Any]:
        return get_json(self.url + "/api/health", timeout=timeout)

    def terminate(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def __enter__(self) -> ChatServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.kill()


class RestartableServer(ChatServer):
    """`chatctl serve` that comes back on the port its first run got, one log file per run
    (``serve-<n>.log`` in ``directory``)."""

    def __init__(self, env: Mapping[str, str], directory: Path) -> None:
        super().__init__(env, directory / "serve-0.log", cwd=directory)
        self.directory = directory
        self.runs = 0

    def spawn(self) -> None:
        self.log_path = self.directory / f"serve-{self.runs}.log"
        self.runs += 1
        super().spawn()

    def logs(self) -> str:
        """Every run's log, in order."""
        return "\n".join(p.read_text(errors="replace")
                         for p in sorted(self.directory.glob("serve-*.log")))


def read_secret_key(data_dir: str, barrier: Any, results: Any) -> None:
    """Run in a child process: wait for the others, get (or create) the secret key, and put
    it on the ``results`` queue."""
    from chatserver.config import Settings
    from chatserver.secret_key import ensure_secret_key

    barrier.wait(30)
    results.put(ensure_secret_key(Settings(data_dir=data_dir)).secret_key)
