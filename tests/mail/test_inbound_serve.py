"""The listener as `chatctl serve` runs it: started with the server when PARLEY_MAIL_LISTEN is
set, closed on SIGTERM before the server stops; workers share its port (SO_REUSEPORT)."""

from __future__ import annotations

import re
import smtplib
import socket
from pathlib import Path

import pytest

from chatserver.config import ConfigError, load_settings
from chatserver.mail.inbound import InboundMail
from chatserver.mail.listener import MailListener
from tests.helpers.inbound import REPLY_DOMAIN
from tests.helpers.procs import ChatServer, free_port
from tests.helpers.settings import make_settings
from tests.helpers.wait import wait_until

LISTENING = re.compile(r"listening for email replies \(lmtp\) on 127\.0\.0\.1:(\d+)")


def test_chatctl_serve_listens_for_replies_and_closes_the_listener_on_sigterm(
        db_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {"PARLEY_DATABASE_URL": db_url, "PARLEY_DATA_DIR": str(tmp_path / "data"),
           "PARLEY_SECRET_KEY": "inbound-serve-test-" + "s" * 40, "PARLEY_AI_PROVIDER": "none",
           "PARLEY_MAIL_LISTEN": f"127.0.0.1:{port}", "PARLEY_MAIL_REPLY_DOMAIN": REPLY_DOMAIN,
           "PARLEY_LOG_LEVEL": "INFO"}
    with ChatServer(env, tmp_path / "serve.log") as server:
        found = wait_until(lambda: LISTENING.search(server.log()), 10, "the mail listener")
        assert int(found.group(1)) == port
        with smtplib.LMTP("127.0.0.1", port, timeout=10) as lmtp:
            assert lmtp.ehlo_or_helo_if_needed() is None
            assert lmtp.docmd("MAIL FROM:<jane@example.org>")[0] == 250
            code, text = lmtp.docmd(f"RCPT TO:<support@{REPLY_DOMAIN}>")
            assert (code, text.decode()[:5]) == (550, "5.1.1")
        server.terminate()
        assert server.wait(timeout=20) == 0, server.log()
        assert server.log().strip().splitlines()[-1].endswith("stopped"), server.log()
        assert "Traceback" not in server.log(), server.log()
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("127.0.0.1", port))


async def _deliver(session_id: str, mail: InboundMail) -> None:
    raise AssertionError("nothing is delivered here")


async def test_two_processes_listeners_share_one_port_with_reuse_port(
        db_url: str, tmp_path: Path) -> None:
    """What each worker of `chatctl serve --workers N` does: bind the port with SO_REUSEPORT
    (without it the second bind fails)."""
    settings = make_settings(db_url, tmp_path, mail_listen=f"127.0.0.1:{free_port()}",
                             mail_reply_domain=REPLY_DOMAIN)
    first, second = MailListener(settings, _deliver), MailListener(settings, _deliver)
    lone = MailListener(settings, _deliver)
    try:
        _, port = await first.start(reuse_port=True)
        assert (await second.start(reuse_port=True))[1] == port
        with pytest.raises(OSError):
            await lone.start()
    finally:
        for listener in (first, second, lone):
            await listener.close(1.0)


def test_a_listener_needs_a_reply_domain(tmp_path: Path) -> None:
    env = {"PARLEY_DATA_DIR": str(tmp_path), "PARLEY_MAIL_LISTEN": "127.0.0.1:2525"}
    with pytest.raises(ConfigError, match="PARLEY_MAIL_REPLY_DOMAIN"):
        load_settings(env, env_file=str(tmp_path / "none.env"))
