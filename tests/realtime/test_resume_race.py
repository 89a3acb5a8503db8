"""A resume is exact: a message committed and published at any point of it reaches the
resuming socket once, and `ready.last_seq` is where the replay that follows ends.

The points are those of the server's resume: before it reads the session (for `ready`),
between that read and the replay's read of the missed messages (the socket already follows
the session, so live frames are held back), and after the replay's read. A visitor's resume
follows first, then reads the session (grouped with other opens: services/socket_reads.py)
and, when something was missed, the replay. At each, another
client's message is committed, and its publication arrives either at once or only after the
resume is over (a slow bus, a loaded process): both must give the resuming socket that seq
exactly once, in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from chatserver.context import Context
from chatserver.db import messages as messages_db
from chatserver.services import chat, history
from chatserver.tasks import spawn

POINTS = ("before the session read", "before the replay read", "after the replay read")
PUBLISHED = ("at once", "after the resume")


class Race:
    """Commits one message at a chosen point of the next resume; holds back its publication
    until `release()` when asked to."""

    def __init__(self, ctx: Context, monkeypatch: pytest.MonkeyPatch, sid: str, point: str,
                 hold: bool) -> None:
        self.ctx, self.sid, self.point = ctx, sid, point
        self.released = asyncio.Event()
        self.fired = False
        publish = ctx.bus.publish

        async def held_publish(channel: str, event: Any) -> None:
            frame = event.get("frame") or {}
            if hold and frame.get("client_msg_id") == "race":
                async def later() -> None:
                    await self.released.wait()
                    await publish(channel, event)
                spawn(later())
                return
            await publish(channel, event)

        monkeypatch.setattr(ctx.bus, "publish", held_publish)

    async def commit(self) -> None:
        if not self.fired:
            self.fired = True
            await chat.send_message(self.ctx, self.sid, sender_type="visitor", text="race",
                                    client_msg_id="race")

    def before(self, fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def wrapped(*args: Any, **kwargs: Any) -> Any:
            await self.commit()
            return await fn(*args, **kwargs)
        return wrapped

    def after(self, fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = await fn(*args, **kwargs)
            await self.commit()
            return result
        return wrapped

    def install(self, monkeypatch: pytest.MonkeyPatch, session_read: tuple[Any, str]) -> None:
        module, name = session_read
        if self.point == "before the session read":
            monkeypatch.setattr(module, name, self.before(getattr(module, name)))
        elif self.point == "before the replay read":
            monkeypatch.setattr(messages_db, "after", self.before(messages_db.after))
        else:
            monkeypatch.setattr(messages_db, "after", self.after(messages_db.after))

    def release(self) -> None:
        self.released.set()


async def _three_messages_then_gone(make_world: Any) -> tuple[Any, dict[str, Any]]:
    """A session whose visitor sent seqs 1-3, then closed its socket."""
    world = await make_world()
    s = await world.session()
    tab, _ = await world.visitor(s)
    for i in range(3):
        await tab.say(f"before {i}", f"v-{i}")
    tab.close()
    return world, s


def _messages(frames: list[dict[str, Any]], sid: str) -> list[int]:
    return [f["seq"] for f in frames if f["type"] == "message" and f["session_id"] == sid]


@pytest.mark.parametrize("published", PUBLISHED)
@pytest.mark.parametrize("point", POINTS)
async def test_a_visitor_resume_delivers_each_seq_once(make_world: Any, ctx: Context,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       point: str, published: str) -> None:
    world, s = await _three_messages_then_gone(make_world)
    sid = s["session_id"]

    race = Race(ctx, monkeypatch, sid, point, hold=published == "after the resume")
    race.install(monkeypatch, (history, "open_for_visitor"))
    back, ready = await world.visitor(s, last_seq=1)
    race.release()
    frames = [*back.pending, *await back.quiet(0.5)]

    assert race.fired
    assert _messages(frames, sid) == [2, 3, 4], frames
    # The race message is in the replay unless it was committed after the replay's read.
    # Committed between the session's read and the replay's, the replay (its own
    # transaction) holds it; were the two reads one snapshot (MariaDB's repeatable read), it
    # would arrive live after the replay instead: either keeps each seq once, in order.
    if point == "before the replay read":
        assert ready["last_seq"] in (3, 4), ready
    else:
        assert ready["last_seq"] == (3 if point == "after the replay read" else 4), ready


@pytest.mark.parametrize("published", PUBLISHED)
async def test_a_visitor_resume_with_nothing_missed_reads_no_message_and_loses_none(
        make_world: Any, ctx: Context, monkeypatch: pytest.MonkeyPatch,
        published: str) -> None:
    """The client holds the session's last seq: the resume reads the session only (no
    message query), and a message committed right after that read still arrives once."""
    world, s = await _three_messages_then_gone(make_world)
    sid = s["session_id"]

    race = Race(ctx, monkeypatch, sid, "after the session read",
                hold=published == "after the resume")
    reads = []

    async def counted_after(*args: Any, **kwargs: Any) -> Any:
        reads.append(args[1:])
        return await after(*args, **kwargs)

    after = messages_db.after
    monkeypatch.setattr(messages_db, "after", counted_after)
    monkeypatch.setattr(history, "open_for_visitor", race.after(history.open_for_visitor))
    back, ready = await world.visitor(s, last_seq=3)
    race.release()
    frames = [*back.pending, *await back.quiet(0.5)]

    assert race.fired and reads == []
    assert ready["last_seq"] == 3, ready
    assert _messages(frames, sid) == [4], frames


@pytest.mark.parametrize("published", PUBLISHED)
@pytest.mark.parametrize("point", POINTS)
async def test_an_agent_resume_delivers_each_seq_once(make_world: Any, ctx: Context,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      point: str, published: str) -> None:
    world = await make_world()
    s = await world.waiting_session()
    sid = s["session_id"]
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": sid})
    accepted = await alice.expect("accepted")
    held = accepted["session"]["last_seq"]  # the escalation and join system messages
    for i in range(2):
        await alice.say(f"before {i}", f"a-{i}", session_id=sid)
    alice.close()

    race = Race(ctx, monkeypatch, sid, point, hold=published == "after the resume")
    race.install(monkeypatch, (history, "agent_snapshot"))
    back, ready = await world.agent("alice", last_seq={sid: held})
    race.release()
    frames = [*back.pending, *await back.quiet(0.5)]

    assert race.fired
    race_seq = held + 3
    assert _messages(frames, sid) == [held + 1, held + 2, race_seq], frames
    (session,) = ready["sessions"]
    assert session["last_seq"] == (race_seq - 1 if point == "after the replay read"
                                   else race_seq), session


async def test_a_live_message_after_the_resume_still_arrives(make_world: Any) -> None:
    """The replay's bound drops only what the replay sent: later seqs pass."""
    world = await make_world()
    s = await world.session()
    first, _ = await world.visitor(s)
    await first.say("one", "v-1")
    second, ready = await world.visitor(s, last_seq=0)
    assert ready["last_seq"] == 1
    assert (await second.expect("message"))["seq"] == 1
    await first.say("two", "v-2")
    assert (await second.expect("message"))["seq"] == 2
