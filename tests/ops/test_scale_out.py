"""Two server processes' worth of Parley in one test process, sharing Redis: a visitor on one
and an agent on the other chat normally, presence crosses, and a publish that Redis drops is
repaired by the client with a `fetch` frame, from the database."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import tornado.httpclient
import tornado.httpserver
import tornado.netutil
import tornado.web

from chatserver.app import make_app, open_context
from chatserver.bus import RedisBus
from chatserver.context import Context
from chatserver.presence import SharedPresence
from chatserver.realtime.handlers import close_all
from chatserver.services.assistant import AIRunner
from tests.helpers.accounts import PASSWORD
from tests.helpers.api import Api
from tests.helpers.database import clear_tables
from tests.helpers.settings import make_settings
from tests.helpers.sockets import WS, ws_url
from tests.helpers.wait import wait_until_async


class Node:
    """One "process": its own Context (bus, presence, pool), app and HTTP server."""

    def __init__(self, ctx: Context, ai: AIRunner) -> None:
        self.ctx, self.ai = ctx, ai
        self.app: tornado.web.Application = make_app(ctx, ai)
        self.server = tornado.httpserver.HTTPServer(self.app)
        [sock] = tornado.netutil.bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
        self.server.add_sockets([sock])
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.api = Api(_Client(self.url))

    async def close(self) -> None:
        close_all(self.app.settings["registry"])
        self.server.stop()
        await asyncio.sleep(0.05)
        await self.server.close_all_connections()
        await self.ai.close()
        await self.ctx.close()


class _Client:
    """What tests.helpers.api.Api needs from pytest-tornasync's client, for any base URL."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = tornado.httpclient.AsyncHTTPClient()

    def get_url(self, path: str) -> str:
        return self.base + path

    async def fetch(self, path: str, **kw: Any) -> tornado.httpclient.HTTPResponse:
        return await self.http.fetch(self.base + path, **kw)


@asynccontextmanager
async def two_nodes(db_url: str, tmp_path: Path, redis_url: str,
                    prefix: str) -> AsyncIterator[tuple[Node, Node]]:
    await clear_tables(db_url)
    nodes = []
    for name in ("a", "b"):
        settings = make_settings(db_url, tmp_path / name, redis_url=redis_url,
                                 redis_prefix=prefix, ai_provider="none")
        ai = AIRunner(settings)
        ctx = open_context(settings, ai)
        assert isinstance(ctx.bus, RedisBus) and isinstance(ctx.presence, SharedPresence)
        await ctx.start()
        nodes.append(Node(ctx, ai))
    try:
        yield nodes[0], nodes[1]
    finally:
        for node in nodes:
            await node.close()


async def _world(node: Node) -> dict[str, Any]:
    api = node.api
    admin = (await api.post("/api/auth/register", {"username": "root", "email": "root@example.com",
                                                    "password": PASSWORD})).json["token"]
    key = (await api.post("/api/widgets", {"business_name": "Acme", "ai_enabled": False},
                          token=admin)).json["widget"]["site_key"]
    agent = (await api.post("/api/auth/register", {"username": "alice", "role": "agent",
                                                    "email": "alice@example.com",
                                                    "password": PASSWORD}, token=admin)).json
    await api.put(f"/api/widgets/{key}/agents/{agent['user']['id']}", token=admin)
    token = (await api.post("/api/auth/login", {"email": "alice@example.com",
                                                 "password": PASSWORD}, token="")).json["token"]
    session = (await api.post(f"/api/widgets/{key}/sessions", {})).json
    return {"key": key, "agent": agent["user"], "token": token, "session": session}


async def _connect(node: Node, path: str, auth: dict[str, Any]) -> WS:
    ws = await WS.connect(ws_url(node.url, path))
    await ws.send({"type": "auth", **auth})
    await ws.expect("ready")
    return ws


async def test_visitor_and_agent_on_two_processes(db_url: str, tmp_path: Path, redis_url: str,
                                                  redis_prefix: str) -> None:
    async with two_nodes(db_url, tmp_path, redis_url, redis_prefix) as (a, b):
        world = await _world(a)
        sid = world["session"]["session_id"]
        agent = await _connect(b, f"/ws/agent/{world['agent']['id']}",
                               {"token": world["token"], "last_seq": {}})
        # b's agent is online for a too: the visitor on a is told someone can answer
        await wait_until_async(lambda: world["agent"]["id"] in a.ctx.presence.online(),
                               timeout=5, what="presence on a")
        visitor = await _connect(a, f"/ws/{sid}", {"token": world["session"]["visitor_token"],
                                                   "last_seq": 0})
        await visitor.send({"type": "escalate"})
        escalated = await visitor.expect("escalated")
        assert escalated["agents_online"] == 1 and not escalated["offline"]
        update = await agent.expect("queue_update")
        assert [s["session_id"] for s in update["waiting"]] == [sid]
        await agent.send({"type": "accept", "session_id": sid})
        await agent.expect("accepted")
        await visitor.expect("agent_joined")
        ack = await visitor.say("hello from a")
        got = await agent.expect("message", client_msg_id=ack["client_msg_id"])
        assert got["seq"] == ack["seq"] and got["text"] == "hello from a"
        reply = await agent.say("hello from b", session_id=sid)
        assert (await visitor.expect("message", client_msg_id=reply["client_msg_id"]))["seq"] \
            == reply["seq"]
        await visitor.send({"type": "typing", "on": True})
        await agent.expect("typing", sender_type="visitor")

        # the agent leaves b: a hears it at once
        agent.close()
        await wait_until_async(lambda: not a.ctx.presence.online(), timeout=5,
                               what="the agent offline on a")
        visitor.close()


async def test_a_dropped_publish_is_repaired_with_fetch(db_url: str, tmp_path: Path,
                                                        redis_url: str,
                                                        redis_prefix: str) -> None:
    async with two_nodes(db_url, tmp_path, redis_url, redis_prefix) as (a, b):
        world = await _world(a)
        sid = world["session"]["session_id"]
        visitor = await _connect(a, f"/ws/{sid}", {"token": world["session"]["visitor_token"],
                                                   "last_seq": 0})
        await visitor.send({"type": "escalate"})
        await visitor.expect("escalated")
        agent = await _connect(b, f"/ws/agent/{world['agent']['id']}",
                               {"token": world["token"], "last_seq": {}})
        await agent.send({"type": "accept", "session_id": sid})
        held = {(await agent.expect("accepted"))["session"]["last_seq"]}
        held |= set(range(1, max(held)))  # the inbox loads the history up to it over REST

        # Redis "loses" the second message on its way to b (as pub/sub may, e.g. while b
        # reconnects). The database has it.
        bus = b.ctx.bus
        assert isinstance(bus, RedisBus)
        deliver = bus._deliver
        seen: list[int] = []

        def lossy(name: str, data: bytes | str) -> None:
            if b'"type":"message"' in (data if isinstance(data, bytes) else data.encode()):
                seen.append(1)
                if len(seen) == 2:
                    return
            deliver(name, data)

        bus._deliver = lossy  # type: ignore[method-assign]
        acks = [await visitor.say(f"message {i}") for i in range(3)]
        first = await agent.expect("message", client_msg_id=acks[0]["client_msg_id"])
        third = await agent.expect("message", client_msg_id=acks[2]["client_msg_id"])
        held |= {first["seq"], third["seq"]}
        missing = [seq for seq in range(1, max(held) + 1) if seq not in held]
        assert missing == [acks[1]["seq"]]  # the agent sees the gap

        # ... and asks for the range it lacks
        await agent.send({"type": "fetch", "session_id": sid, "after_seq": missing[0] - 1,
                          "before_seq": third["seq"]})
        repaired = await agent.expect("message", client_msg_id=acks[1]["client_msg_id"])
        assert repaired["seq"] == missing[0] and repaired["text"] == "message 1"
        assert await agent.quiet(0.2) == []  # exactly the range, nothing more

        # a visitor may fetch too (its own session only), and bad ranges are refused
        await visitor.send({"type": "fetch", "after_seq": acks[0]["seq"]})
        for ack in acks[1:]:
            await visitor.expect("message", seq=ack["seq"], client_msg_id=ack["client_msg_id"])
        await visitor.send({"type": "fetch", "after_seq": -1})
        assert (await visitor.expect("error"))["code"] == "invalid_seq"
        await visitor.send({"type": "fetch", "after_seq": 0, "session_id": "other"})
        assert (await visitor.expect("error"))["code"] == "invalid_session_id"
        await agent.send({"type": "fetch", "session_id": "0000", "after_seq": 0})
        assert (await agent.expect("error"))["code"] == "not_assigned"
        agent.close()
        visitor.close()
