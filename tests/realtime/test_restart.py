"""Restart: the server process stops mid-conversation (SIGTERM, and SIGKILL) and starts again
on the same port. Both clients reconnect with their last seq and resend their outboxes; the
assignment and the queue are intact, and every message is stored and delivered exactly once.

`chatctl serve` runs as a real subprocess on the suite's test database; the clients are real
WebSocket clients keeping what a real client keeps: what it saw (seq -> client_msg_id), the
acks it got, and an outbox of sends not yet acknowledged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatserver.realtime.protocol import CLOSE_RESTART
from tests.helpers.accounts import PASSWORD
from tests.helpers.database import clear_tables, stored_messages
from tests.helpers.party import STOP_S, Party
from tests.helpers.procs import RestartableServer

pytestmark = pytest.mark.slow

SECRET = "restart-test-secret-" + "x" * 32  # fixed, so tokens survive the restart


class Server(RestartableServer):
    """`chatctl serve` that comes back on the port its first run got, one log file per run."""

    def stop(self, how: str) -> None:
        assert self.proc is not None
        if how == "SIGTERM":
            self.terminate()
            assert self.wait(STOP_S) == 0, self.logs()
        else:
            self.proc.kill()
            self.proc.wait(STOP_S)

@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[Server]:
    asyncio.run(clear_tables(db_url))
    env = {"PARLEY_DATABASE_URL": db_url, "PARLEY_DATA_DIR": str(tmp_path / "data"),
           "PARLEY_SECRET_KEY": SECRET, "PARLEY_BCRYPT_ROUNDS": "4",
           "PARLEY_AI_PROVIDER": "none", "PARLEY_LOG_LEVEL": "INFO"}
    with Server(env, tmp_path) as proc:
        yield proc


async def _json(resp: httpx.Response, status: int = 200) -> Any:
    assert resp.status_code == status, (resp.status_code, resp.text)
    return resp.json()


async def _world(http: httpx.AsyncClient) -> dict[str, Any]:
    """An admin, an agent on a widget, and three visitor sessions."""
    admin = (await _json(await http.post("/api/auth/register", json={
        "username": "root", "email": "root@example.com", "password": PASSWORD}), 201))["token"]
    auth = {"Authorization": f"Bearer {admin}"}
    key = (await _json(await http.post("/api/widgets", json={"business_name": "Acme"},
                                       headers=auth), 201))["widget"]["site_key"]
    agent = (await _json(await http.post("/api/auth/register", headers=auth, json={
        "username": "alice", "email": "alice@example.com", "password": PASSWORD,
        "role": "agent"}), 201))["user"]
    resp = await http.put(f"/api/widgets/{key}/agents/{agent['id']}", headers=auth)
    assert resp.status_code in (200, 201, 204), resp.text
    token = (await _json(await http.post("/api/auth/login", json={
        "email": "alice@example.com", "password": PASSWORD})))["token"]
    sessions = [await _json(await http.post(f"/api/widgets/{key}/sessions", json={}), 201)
                for _ in range(3)]
    return {"key": key, "agent_id": agent["id"], "agent_token": token, "sessions": sessions}


async def _scenario(server: Server, how: str, db_url: str) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        world = await _world(http)
        key = world["key"]
        a, b, c = world["sessions"]
        sid = a["session_id"]
        visitor = Party("visitor", sid, f"/ws/{sid}", server)
        agent = Party("agent", sid, f"/ws/agent/{world['agent_id']}", server)
        agent.extra = {"session_id": sid}
        try:
            # Before: the visitor asks for a person; two more visitors wait behind.
            await visitor.connect({"token": a["visitor_token"], "last_seq": 0})
            await visitor.say("hello")
            await visitor.sock.send({"type": "escalate"})
            await visitor.sock.expect("escalated")
            for other in (b, c):
                resp = await http.post(f"/api/widgets/escalate/{key}/{other['session_id']}",
                                       json={}, headers={
                                           "Authorization": f"Bearer {other['visitor_token']}"})
                await _json(resp)

            ready = await agent.connect({"token": world["agent_token"], "last_seq": {}})
            assert [s["session_id"] for s in ready["waiting"]][:1] == [sid]
            await agent.sock.send({"type": "accept", "session_id": sid})
            accepted = await agent.sock.expect("accepted")
            assert accepted["session"]["assigned_agent_id"] == world["agent_id"]
            # The agent loads the history once, as the agent UI does; sockets do the rest.
            history = await _json(await http.get(
                f"/api/widgets/{key}/sessions/{sid}/messages",
                headers={"Authorization": f"Bearer {world['agent_token']}"}))
            agent.known.update({m["seq"]: m["client_msg_id"] for m in history["messages"]})
            assert agent.last_seq == accepted["session"]["last_seq"]
            await visitor.caught_up(agent.last_seq)  # the "joined" system message

            for i in range(2):
                ack = await visitor.say(f"visitor {i}")
                await agent.caught_up(ack["seq"])
                ack = await agent.say(f"agent {i}")
                await visitor.caught_up(ack["seq"])
            acked_before = {"visitor": next(iter(visitor.acks.values())),
                            "agent": next(iter(agent.acks.values()))}
            queue_before = [s["session_id"] for s in
                            (await _json(await http.get("/api/agents/waiting-sessions", headers={
                                "Authorization": f"Bearer {world['agent_token']}"})))["sessions"]]
            assert queue_before == [s["session_id"] for s in ready["waiting"]][1:]

            # Stop mid-conversation: a visitor message is on the wire as the server goes.
            await visitor.send("in flight")
            await asyncio.to_thread(server.stop, how)
            codes = [await visitor.dropped(), await agent.dropped()]
            if how == "SIGTERM":
                assert codes == [CLOSE_RESTART, CLOSE_RESTART], server.logs()
            else:
                assert CLOSE_RESTART not in codes, codes
            # While the server is down, both write; the messages wait in the outboxes.
            visitor.write("while down (visitor)")
            agent.write("while down (agent)")
            assert len(visitor.outbox) in (1, 2) and len(agent.outbox) == 1

            await asyncio.to_thread(server.start)

            # The agent comes back first: its chat is still its own, the queue still there.
            ready = await agent.connect({"token": world["agent_token"],
                                         "last_seq": {sid: agent.last_seq}})
            mine = [s for s in ready["sessions"] if s["session_id"] == sid]
            assert len(mine) == 1 and mine[0]["status"] == "assigned"
            assert mine[0]["assigned_agent_id"] == world["agent_id"]
            assert [s["session_id"] for s in ready["waiting"]] == queue_before
            await agent.caught_up(mine[0]["last_seq"])  # the in-flight message if it landed
            await agent.flush()
            after = await agent.say("agent after the restart")  # the visitor is still away

            ready = await visitor.connect({"token": a["visitor_token"],
                                           "last_seq": visitor.last_seq})
            assert ready["status"] == "assigned" and ready["last_seq"] == after["seq"]
            await visitor.caught_up(after["seq"])  # replayed
            await visitor.flush()
            await agent.caught_up(visitor.last_seq)  # live

            # The same client_msg_id after a restart: the identical ack, no new row.
            assert await visitor.resend(acked_before["visitor"]["client_msg_id"]) \
                == acked_before["visitor"]
            assert await agent.resend(acked_before["agent"]["client_msg_id"]) \
                == acked_before["agent"]
            for first, repeat in visitor.repeat_acks + agent.repeat_acks:
                assert first == repeat
            final = await agent.say("agent, last")
            await visitor.caught_up(final["seq"])

            # Nothing else arrives, nothing lost, nothing twice: both sides hold every stored
            # message once, with seqs 1..n and no gap, and each client_msg_id is one row.
            for party in (visitor, agent):
                await party.sock.quiet(0.3)
                party.absorb()
                assert not party.outbox
            stored = await stored_messages(db_url, sid)
            assert list(stored) == list(range(1, len(stored) + 1))
            assert len(set(stored.values())) == len(stored)
            assert visitor.known == stored
            assert agent.known == stored
            sent = set(visitor.acks) | set(agent.acks)
            assert sent <= set(stored.values())
            assert len(sent) == 10  # five by each side
        finally:
            await visitor.close()
            await agent.close()


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_restart_mid_conversation_resumes_with_nothing_lost_or_doubled(
        server: Server, db_url: str, how: str) -> None:
    asyncio.run(_scenario(server, how, db_url))
    assert "Traceback" not in server.logs(), server.logs()
