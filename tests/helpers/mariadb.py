"""MariaDB for tests: a private `mariadbd` a test may kill, and throwaway databases.

The private server has its own data directory, port and socket under a temporary
directory; it never touches the machine's shared server. It is tuned to start in well under
a second (small buffer pool and redo log, no binary log, no name resolution) and can be
stopped (SIGTERM), killed (SIGKILL), paused (SIGSTOP) and started again on the same port
and data directory, so a test can watch the application lose and regain its database.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pymysql
from sqlalchemy.engine import URL, make_url

from tests.helpers import skip_or_fail
from tests.helpers.procs import free_port

MARIADBD = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin:/usr/local/sbin")
INSTALL_DB = shutil.which("mariadb-install-db")

# Small and fast: tests hold a few kilobytes of data and need no durability across a crash
# beyond what InnoDB recovery gives anyway.
SERVER_OPTIONS = [
    "--bind-address=127.0.0.1",
    "--skip-name-resolve",
    "--skip-log-bin",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_unicode_ci",
    "--innodb-buffer-pool-size=32M",
    "--innodb-log-file-size=8M",
    "--innodb-log-buffer-size=1M",
    "--innodb-flush-log-at-trx-commit=2",
    "--innodb-use-native-aio=0",  # io_setup() can run out when many servers share a machine
    "--max-connections=100",
    "--performance-schema=OFF",
]


class MariaDBError(RuntimeError):
    pass


def mariadb_available() -> bool:
    return MARIADBD is not None and INSTALL_DB is not None


class PrivateMariaDB:
    """One mariadbd of our own: root@127.0.0.1 without a password, on a free port."""

    def __init__(self, basedir: Path | None = None) -> None:
        # A short path: a Unix socket path must fit in 108 bytes.
        self.basedir = basedir or Path(tempfile.mkdtemp(prefix="parley-mdb-"))
        self.datadir = self.basedir / "data"
        self.socket = self.basedir / "sock"
        self.error_log = self.basedir / "error.log"
        self.tmpdir = self.basedir / "tmp"  # its own: servers sharing /tmp trip over each other
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def install(self) -> None:
        """Create the system tables (root without a password, as the shared server has)."""
        self.datadir.mkdir(parents=True, exist_ok=True)
        self.tmpdir.mkdir(parents=True, exist_ok=True)
        assert INSTALL_DB is not None
        cmd = [INSTALL_DB, "--no-defaults", f"--datadir={self.datadir}", f"--tmpdir={self.tmpdir}",
               "--auth-root-authentication-method=normal", "--skip-test-db",
               "--skip-name-resolve", "--innodb-buffer-pool-size=32M",
               "--innodb-log-file-size=8M"]
        if os.geteuid() == 0:
            cmd.append("--user=root")
        done = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
        if done.returncode != 0:
            raise MariaDBError("mariadb-install-db failed:\n"
                               + done.stdout.decode(errors="replace")
                               + done.stderr.decode(errors="replace"))

    def start(self, timeout: float = 60.0) -> None:
        """Start mariadbd on this server's port and data directory; return once it answers."""
        if self.running():
            raise MariaDBError("already running")
        assert MARIADBD is not None
        cmd = [MARIADBD, "--no-defaults", f"--datadir={self.datadir}", f"--tmpdir={self.tmpdir}",
               f"--port={self.port}",
               f"--socket={self.socket}", f"--pid-file={self.basedir / 'mariadbd.pid'}",
               f"--log-error={self.error_log}", *SERVER_OPTIONS]
        if os.geteuid() == 0:
            cmd.append("--user=root")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self.proc.poll() is not None:
                self.proc = None
                raise MariaDBError(f"mariadbd exited during start-up:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise MariaDBError(f"mariadbd did not answer within {timeout}s:\n"
                                   + self.log_tail())
            time.sleep(0.05)

    def stop(self, timeout: float = 60.0) -> None:
        """A clean shutdown (SIGTERM)."""
        self._signal_and_wait(signal.SIGTERM, timeout)

    def kill(self) -> None:
        """A crash (SIGKILL): clients see connections reset and new ones refused."""
        self._signal_and_wait(signal.SIGKILL, 30)

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections hang instead of failing."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def close(self) -> None:
        """Kill the server if it runs and delete its files."""
        if self.running():
            self.resume()
            self.kill()
        shutil.rmtree(self.basedir, ignore_errors=True)

    def _signal_and_wait(self, sig: signal.Signals, timeout: float) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a paused server cannot act on SIGTERM
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
                raise MariaDBError(f"mariadbd ignored {sig.name} for {timeout}s") from None
        self.proc = None

    # -- use --------------------------------------------------------------------------------

    def connect(self, timeout: float = 1.0) -> pymysql.connections.Connection:
        return pymysql.connect(host="127.0.0.1", port=self.port, user="root", password="",
                               connect_timeout=timeout, read_timeout=timeout,
                               write_timeout=timeout, autocommit=True)

    def ping(self) -> bool:
        try:
            conn = self.connect()
        except pymysql.err.Error:
            return False
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
            return True
        except pymysql.err.Error:
            return False
        finally:
            conn.close()

    def url(self, database: str) -> str:
        return f"mysql+asyncmy://root@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, *, migrate: bool = True) -> str:
        """Create (afresh) ``name``, migrate it to head unless told not to; return its URL."""
        conn = self.connect(timeout=10)
        try:
            with conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
                cur.execute(f"CREATE DATABASE `{name}`")
        finally:
            conn.close()
        url = self.url(name)
        if migrate:
            from chatserver.db import migrate as migrations

            migrations.upgrade(url)
        return url

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.error_log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no error log)"


@contextmanager
def private_mariadb() -> Iterator[PrivateMariaDB]:
    """A started private server, deleted afterwards. Skips when MariaDB is not installed or
    cannot start, except on CI (CI=true), where that is a failure."""
    if not mariadb_available():
        skip_or_fail("mariadbd and mariadb-install-db are not installed")
    server = PrivateMariaDB()
    try:
        try:
            server.install()
            server.start()
        except (MariaDBError, OSError, subprocess.TimeoutExpired) as exc:
            skip_or_fail(f"cannot start a private mariadbd: {exc}")
        yield server
    finally:
        server.close()


def _server_connect(url: URL) -> pymysql.connections.Connection:
    return pymysql.connect(host=url.host or "127.0.0.1", port=url.port or 3306,
                           user=url.username or "root", password=url.password or "",
                           connect_timeout=10, autocommit=True)


@contextmanager
def throwaway_database(base_url: str, prefix: str) -> Iterator[str]:
    """An empty database beside ``base_url``'s, with the same credentials, dropped after.

    Named ``<prefix>_<random>_test`` so runs at the same time do not collide and the name
    still matches the suite's ``*_test`` rule and the test user's ``parley_%`` grant."""
    url = make_url(base_url)
    name = f"{prefix}_{secrets.token_hex(4)}_test"
    conn = _server_connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 "
                        "COLLATE utf8mb4_unicode_ci")
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            with conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        finally:
            conn.close()
