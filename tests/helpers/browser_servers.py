"""What the browser tests drive besides the browser: the chat server, run in-process in a
thread with its own event loop (so Playwright's sync API can run in the test's thread), a
second server on another port serving host pages (another origin, as a customer's site is),
and an agent speaking the real socket protocol.

The chat server can be stopped and started again on the same port and database, as a
restart in production would."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from html import escape
from typing import Any, TypeVar

import tornado.httpserver
import tornado.netutil
import tornado.web
from sqlalchemy import select

from chatserver.app import make_app, open_context
from chatserver.bus import session_channel
from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db.schema import messages, sessions, widget_configs
from chatserver.realtime.handlers import close_all
from chatserver.server import sockets_closed
from chatserver.services import chat
from chatserver.services.assistant import AIRunner
from chatserver.services.publish import publish_frame
from chatserver.tasks import drain
from tests.helpers.sockets import WS, ws_url

T = TypeVar("T")
CALL_TIMEOUT_S = 20.0

# Host pages: a plain one, and one whose stylesheet tries its worst on everything.
HOSTILE_CSS = """
* { all: unset !important; color: red !important; font-size: 40px !important;
    font-family: "Comic Sans MS", cursive !important; line-height: 3 !important;
    letter-spacing: 6px !important; text-transform: uppercase !important;
    box-sizing: content-box !important; }
html, body { font-size: 40px !important; }
*, *::before, *::after { transition: all 5s !important; }
div, button, input, textarea, p, section, form { display: block !important; margin: 30px !important;
    padding: 30px !important; border: 10px solid lime !important; background: yellow !important;
    width: 900px !important; height: 50px !important; position: static !important;
    transform: rotate(7deg) !important; opacity: .5 !important; }
parley-widget { display: none !important; position: static !important; transform: scale(3) !important; }
svg, path { fill: red !important; width: 300px !important; height: 300px !important; }
"""

HOST_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="icon" href="data:,">{style}</head>
<body>
<main>
<h1 id="title">Acme shop</h1>
<p id="para">A customer's page. It embeds the chat widget with one tag.</p>
<button id="buy" type="button">Buy now</button>
</main>
{tag}
</body>
</html>
"""


class HostPageHandler(tornado.web.RequestHandler):
    """/page?key=…&style=hostile&theme=dark&tag=0&title=…: a customer's page embedding the
    widget; /page/<name> is another page of the same site (its own path)."""

    def initialize(self, chat_url: Callable[[], str]) -> None:
        self.chat_url = chat_url

    def get(self, _name: str | None = None) -> None:
        key = self.get_query_argument("key", "")
        theme = self.get_query_argument("theme", "")
        style = f"<style>{HOSTILE_CSS}</style>" if self.get_query_argument("style", "") \
            == "hostile" else ""
        tag = "" if self.get_query_argument("tag", "1") == "0" else (
            f'<script src="{self.chat_url()}/widget.js" data-site-key="{escape(key)}"'
            + (f' data-theme="{escape(theme)}"' if theme else "") + " async></script>")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        title = escape(self.get_query_argument("title", "Acme shop"))
        self.finish(HOST_PAGE.format(style=style, tag=tag, title=title))


async def _cancel_the_rest(limit_s: float = 10.0) -> None:
    """Cancel whatever still runs on the loop (a task past `drain`'s bound, a handler) and
    wait for it, before the database is closed: a task left pending on a closed loop keeps
    its pooled connection, whose socket the garbage collector then finds unclosed in the
    middle of a later test."""
    me = asyncio.current_task()
    rest = [task for task in asyncio.all_tasks() if task is not me]
    for task in rest:
        task.cancel()
    if rest:
        await asyncio.wait(rest, timeout=limit_s)


class Servers:
    """The chat server and the host-page server, on one event loop in a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="browser-test-servers", daemon=True)
        self.port = 0
        self.host_port = 0
        self.ctx: Context | None = None
        self.ai: AIRunner | None = None
        self.app: tornado.web.Application | None = None
        self.server: tornado.httpserver.HTTPServer | None = None
        self.host_server: tornado.httpserver.HTTPServer | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def call(self, fn: Callable[[], Awaitable[T]], timeout: float = CALL_TIMEOUT_S) -> T:
        """Run a coroutine on the servers' loop and wait for its result."""

        async def run() -> T:
            return await fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = CALL_TIMEOUT_S) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def host_origin(self) -> str:
        return f"http://127.0.0.1:{self.host_port}"

    def page_url(self, key: str, **params: str) -> str:
        query = "&".join([f"key={key}", *(f"{k}={v}" for k, v in params.items())])
        return f"{self.host_origin}/page?{query}"

    def start(self, prepare: Coroutine[Any, Any, None] | None = None) -> Servers:
        """Start both servers, after `prepare` (run on the servers' loop: the test thread's
        own loop belongs to Playwright)."""
        self.thread.start()
        if prepare is not None:
            self.run(prepare)
        self.run(self._start_host())
        self.start_chat()
        return self

    async def _start_host(self) -> None:
        app = tornado.web.Application([(r"/page(/[a-z-]+)?", HostPageHandler,
                                        {"chat_url": lambda: self.url})])
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.host_server = tornado.httpserver.HTTPServer(app)
        self.host_server.add_sockets(sockets)
        self.host_port = sockets[0].getsockname()[1]

    def start_chat(self) -> None:
        """Start the chat server (again) on its port, with the same database."""
        self.run(self._start_chat())

    async def _start_chat(self) -> None:
        self.ai = AIRunner(self.settings)
        self.ctx = open_context(self.settings, self.ai)
        self.app = make_app(self.ctx, self.ai)
        sockets = tornado.netutil.bind_sockets(self.port, "127.0.0.1")
        self.server = tornado.httpserver.HTTPServer(self.app)
        self.server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]

    def stop_chat(self) -> None:
        """Stop the chat server as SIGTERM does: no new connections, sockets told 1012."""
        self.run(self._stop_chat())

    async def _stop_chat(self, *, last: bool = False) -> None:
        assert self.server is not None and self.app is not None and self.ctx is not None
        assert self.ai is not None
        self.server.stop()
        registry = self.app.settings["registry"]
        close_all(registry)
        await asyncio.sleep(0)
        await asyncio.wait_for(sockets_closed(registry), 10)
        await self.server.close_all_connections()
        await drain()
        await self.ai.close()
        if last:
            await _cancel_the_rest()
        await self.ctx.close()
        self.server = None

    def close(self) -> None:
        async def stop_host() -> None:
            assert self.host_server is not None
            self.host_server.stop()
            await self.host_server.close_all_connections()

        self.run(stop_host())
        if self.server is not None:
            self.run(self._stop_chat(last=True))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    # --- looking at the database ------------------------------------------------------

    def messages(self, session_id: str) -> list[dict[str, Any]]:
        async def query() -> list[dict[str, Any]]:
            assert self.ctx is not None
            async with self.ctx.engine.connect() as conn:
                rows = await conn.execute(select(messages).where(
                    messages.c.session_id == session_id).order_by(messages.c.seq))
                return [dict(r) for r in rows.mappings()]

        return self.call(query)

    def sessions(self, site_key: str | None = None) -> list[dict[str, Any]]:
        """Every session, or the sessions of one widget, oldest first."""

        async def query() -> list[dict[str, Any]]:
            assert self.ctx is not None
            stmt = select(sessions).order_by(sessions.c.created_at)
            if site_key is not None:
                stmt = stmt.join(widget_configs, widget_configs.c.id == sessions.c.widget_id) \
                    .where(widget_configs.c.site_key == site_key)
            async with self.ctx.engine.connect() as conn:
                rows = await conn.execute(stmt)
                return [dict(r) for r in rows.mappings()]

        return self.call(query)


class Agent:
    """An agent on the real agent socket (what the agent UI does), driven from the test."""

    def __init__(self, servers: Servers, agent_id: int, token: str) -> None:
        self.servers = servers
        self.agent_id = agent_id
        self.token = token
        self.ws: WS | None = None

    def connect(self) -> dict[str, Any]:
        async def go() -> dict[str, Any]:
            self.ws = await WS.connect(ws_url(self.servers.url, f"/ws/agent/{self.agent_id}"))
            await self.ws.send({"type": "auth", "token": self.token, "last_seq": {}})
            return await self.ws.expect("ready", timeout=10)

        return self.servers.call(go)

    def send(self, frame: dict[str, Any]) -> None:
        assert self.ws is not None
        ws = self.ws
        self.servers.call(lambda: ws.send(frame))

    def expect(self, ftype: str, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        assert self.ws is not None
        ws = self.ws
        return self.servers.call(lambda: ws.expect(ftype, timeout=timeout, **match),
                                 timeout=timeout + 5)

    def accept(self, session_id: str) -> dict[str, Any]:
        self.send({"type": "accept", "session_id": session_id})
        return self.expect("accepted")

    def say(self, session_id: str, text: str) -> dict[str, Any]:
        cid = str(uuid.uuid4())
        self.send({"type": "message", "session_id": session_id, "client_msg_id": cid,
                   "text": text})
        return self.expect("ack", client_msg_id=cid)

    def close(self) -> None:
        ws, self.ws = self.ws, None
        if ws is not None:

            async def close() -> None:
                ws.close()

            self.servers.call(close)


def stream_ai_reply(servers: Servers, session_id: str, pieces: list[str],
                    between: Callable[[int, str], None] | None = None) -> str:
    """Stream an AI reply into a session exactly as the AI runner does — `ai_delta` frames on
    the session's channel, then the final `ai` message whose client_msg_id is the reply id —
    calling `between(index, text_so_far)` after each piece. Returns the reply id.

    A seam for end-to-end tests that need a known reply, whatever the configured AI says."""
    reply_id = f"ai-{uuid.uuid4().hex}"
    so_far = ""
    for index, piece in enumerate(pieces):
        frame = {"type": "ai_delta", "session_id": session_id, "reply_id": reply_id,
                 "index": index, "text": piece}

        async def publish(frame: dict[str, Any] = frame) -> None:
            assert servers.ctx is not None
            await publish_frame(servers.ctx, session_channel(session_id), frame)

        servers.call(publish)
        so_far += piece
        if between is not None:
            between(index, so_far)

    async def final() -> None:
        assert servers.ctx is not None
        await chat.send_message(servers.ctx, session_id, sender_type="ai", text=so_far.strip(),
                                client_msg_id=reply_id, sender_name="Assistant")

    servers.call(final)
    return reply_id


def ai_says(servers: Servers, session_id: str, text: str, *,
            sources: list[dict[str, Any]] | None = None, offer: bool = False) -> str:
    """Store and publish an AI message as the AI runner would, with the knowledge-base entries
    it draws on and an offer of a person (the message's meta). Returns its client_msg_id."""
    reply_id = f"ai-{uuid.uuid4().hex}"
    meta: dict[str, Any] = {**({"sources": sources} if sources else {}),
                            **({"offer": "person"} if offer else {})}

    async def store() -> None:
        assert servers.ctx is not None
        await chat.send_message(servers.ctx, session_id, sender_type="ai", text=text,
                                client_msg_id=reply_id, sender_name="Assistant",
                                meta=meta or None)

    servers.call(store)
    return reply_id


@contextlib.contextmanager
def mail_server(settings: Settings, *, listen: bool = False) -> Iterator[tuple[Servers, int]]:
    """A chat server of its own that sends email (its settings point at an SmtpSink and name
    its public URL, so its port), with the outbox's sender polling often and, with
    ``listen``, the reply listener: (servers, the listener's port or 0)."""
    from chatserver.app import mail_listener
    from chatserver.services.outbox_sender import OutboxSender

    running = Servers(settings)
    running.port = int(settings.public_url.rpartition(":")[2])
    running.start()
    assert running.ctx is not None
    sender = OutboxSender(running.ctx, interval_s=0.05)
    listener = mail_listener(running.ctx) if listen else None

    async def start() -> int:
        sender.start()
        return (await listener.start())[1] if listener is not None else 0

    try:
        yield running, running.call(start)
    finally:
        if listener is not None:
            running.call(lambda: listener.close(1.0))
        running.call(sender.stop)
        running.close()
