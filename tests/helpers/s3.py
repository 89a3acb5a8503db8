"""An S3-compatible server for tests: moto's, run as a subprocess on loopback."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from aiobotocore.session import get_session

from tests.helpers.procs import child_env, free_port, venv_bin
from tests.helpers.wait import wait_until

KEY, SECRET = "test-access-key", "test-secret-key"


class MotoServer:
    """``moto_server`` on 127.0.0.1 and a free port, with one bucket."""

    def __init__(self) -> None:
        self.port = free_port()
        self.bucket = "parley-test"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(venv_bin("moto_server")), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env())

        def answers() -> bool:
            assert self.proc is not None and self.proc.poll() is None, "moto_server exited"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            except OSError:
                return False
            return True

        wait_until(answers, 30.0, "moto_server to listen")
        run_in_thread(self._create_bucket())

    async def _create_bucket(self) -> None:
        async with self.client() as s3:
            await s3.create_bucket(Bucket=self.bucket)

    def client(self) -> Any:
        return get_session().create_client(
            "s3", region_name="us-east-1", endpoint_url=self.url, aws_access_key_id=KEY,
            aws_secret_access_key=SECRET)

    def settings(self, prefix: str | None = None) -> dict[str, Any]:
        """Settings that store files in this server's bucket, under a prefix of their own."""
        return {"storage_backend": "s3", "s3_endpoint_url": self.url, "s3_bucket": self.bucket,
                "s3_access_key": KEY, "s3_secret_key": SECRET,
                "s3_prefix": prefix or f"t-{uuid.uuid4().hex[:12]}/"}

    def keys(self, prefix: str) -> list[str]:
        """Every object key under ``prefix`` (for checking what was stored or deleted)."""

        async def listing() -> list[str]:
            async with self.client() as s3:
                resp = await s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
                return [o["Key"] for o in resp.get("Contents", [])]

        return run_in_thread(listing())

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


def run_in_thread(coro: Any) -> Any:
    """Run a coroutine to its end on a loop of its own thread (a test's loop stays unset)."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as e:  # re-raised in the caller
            result["error"] = e

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    server = MotoServer()
    server.start()
    yield server
    server.stop()
