"""Edges of a database outage that the fault run's timing rarely hits, forced here in process:
a socket whose database read fails half-way through authenticating (after `ready`, or between
the token check and `ready`) or through following a session must not go on as if it had
succeeded (missing its replay, stuck without `ready` while a second `auth` is refused, or
holding the session's frames back for ever). It is closed with 1012, so its client reconnects
and resumes."""

from __future__ import annotations

import asyncio
import types
from typing import Any

import pymysql
import pytest
from sqlalchemy.exc import OperationalError

from chatserver.db import messages as messages_db
from chatserver.db import sessions as sessions_db
from chatserver.realtime.protocol import CLOSE_RESTART, CLOSE_TRY_AGAIN
from chatserver.services import history
from tests.helpers.sockets import WS


def _lost() -> OperationalError:
    return OperationalError("SELECT", {}, pymysql.err.OperationalError(
        2013, "Lost connection to MySQL server during query"))


def _failing(module: Any, name: str) -> types.SimpleNamespace:
    """``module`` with ``name`` replaced by a coroutine that loses the connection."""
    copy = types.SimpleNamespace(**{k: getattr(module, k) for k in dir(module)
                                    if not k.startswith("__")})

    async def lost(*args: Any, **kwargs: Any) -> Any:
        raise _lost()

    setattr(copy, name, lost)
    return copy


async def test_an_agent_tab_that_cannot_adopt_a_session_is_closed_to_resume(
        make_world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tab A accepts; tab B is told to follow the session (adopt) but its database read fails:
    B must not hold the session's frames back for ever. It is closed, so its client resumes
    and finds the session in `ready.sessions`."""
    world = await make_world()
    waiting = await world.waiting_session()
    sid = waiting["session_id"]
    tab_a, _ = await world.agent("alice")
    tab_b, _ = await world.agent("alice")
    visitor, _ = await world.visitor(waiting, last_seq=0)

    monkeypatch.setattr(history, "sessions_db", _failing(sessions_db, "get"))
    await tab_a.send({"type": "accept", "session_id": sid})
    await tab_a.expect("accepted")
    await asyncio.sleep(0.2)  # B's adopt ran, and failed
    monkeypatch.setattr(history, "sessions_db", sessions_db)

    ack = await visitor.say("are you there?")
    frames, code = await tab_b.read_until(lambda got: any(
        f["type"] == "message" and f.get("seq") == ack["seq"] for f in got))
    said = [f for f in frames if f["type"] == "message" and f.get("seq") == ack["seq"]]
    assert said or code is not None, ("tab B neither got the message nor was closed", frames)
    if code is not None:  # its client reconnects and resumes: the session is there
        again, ready = await world.agent("alice", last_seq={sid: 0})
        assert sid in {s["session_id"] for s in ready["sessions"]}
        frames, _ = await again.read_until(lambda got: any(
            f["type"] == "message" and f.get("seq") == ack["seq"] for f in got))
        assert any(f.get("seq") == ack["seq"] for f in frames), frames


async def test_a_visitor_whose_replay_fails_is_closed_to_resume(
        make_world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    world = await make_world()
    session = await world.session()
    first, _ = await world.visitor(session)
    ack = await first.say("hello")
    first.close()

    monkeypatch.setattr(history, "messages_db", _failing(messages_db, "after"))
    ws = await WS.connect(world.url(f"/ws/{session['session_id']}"))
    world.sockets.append(ws)
    await ws.send({"type": "auth", "token": session["visitor_token"], "last_seq": 0})
    # The replay is read with the token check, before the socket counts as authenticated:
    # no ready, the error, then 1013 for the client to try its auth again.
    frames, code = await ws.read_until(lambda got: False)
    assert code == CLOSE_TRY_AGAIN, frames
    assert [f["code"] for f in frames] == ["unavailable"], frames
    monkeypatch.setattr(history, "messages_db", messages_db)

    again, _ = await world.visitor(session, last_seq=0)
    replayed = await again.expect("message", seq=ack["seq"])
    assert replayed["client_msg_id"] == ack["client_msg_id"]


async def test_an_agent_whose_reads_fail_after_the_token_check_is_closed_to_resume(
        make_world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not left authenticated without `ready` (where a second auth is refused)."""
    world = await make_world()
    monkeypatch.setattr(history, "sessions_db", _failing(sessions_db, "assigned_to"))
    ws = await handlers_socket(world)
    frames, code = await ws.read_until(lambda got: False)
    assert code == CLOSE_RESTART, frames
    assert [f["code"] for f in frames if f["type"] == "error"] in ([], ["unavailable"]), frames
    monkeypatch.setattr(history, "sessions_db", sessions_db)
    _, ready = await world.agent("alice")
    assert ready["type"] == "ready"


async def handlers_socket(world: Any) -> Any:
    """An agent socket that sent its auth frame (no `ready` expected)."""
    alice = world.agents["alice"]
    ws = await WS.connect(world.url(f"/ws/agent/{alice['id']}"))
    world.sockets.append(ws)
    await ws.send({"type": "auth", "token": alice["token"], "last_seq": {}})
    return ws
