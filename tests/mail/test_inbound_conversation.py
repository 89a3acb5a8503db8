"""What an email reply does to its conversation: a closed or abandoned one is reopened with a
system message and put in the queue, one the AI had is handed to a person, the text is cut to
the message limit, and a mail bomb is slowed down."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver import timeutil
from chatserver.context import Context
from chatserver.services import chat, inbound
from chatserver.services.inbound import REOPENED
from tests.helpers.inbound import (
    LISTENER_SETTINGS,
    StartListener,
    address_of,
    lmtp_send,
    lose_message_writes,
    reply_email,
)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {**LISTENER_SETTINGS, "max_message_chars": 500}


async def history(world: Any, session: dict[str, Any]) -> list[dict[str, Any]]:
    resp = await world.api.get(f"/api/widgets/{world.key}/sessions/{session['session_id']}"
                               "/messages", token=session["visitor_token"])
    assert resp.code == 200, resp
    return resp.json["messages"]  # type: ignore[no-any-return]


async def status_of(world: Any, session: dict[str, Any]) -> dict[str, Any]:
    resp = await world.api.get(f"/api/widgets/{world.key}/sessions/{session['session_id']}"
                               "/messages", token=session["visitor_token"])
    return resp.json  # type: ignore[no-any-return]


@pytest.mark.parametrize("ended", ["closed", "abandoned"])
async def test_an_ended_conversation_is_reopened_into_the_queue(
        make_world: Any, ctx: Context, reply_listener: StartListener, ended: str) -> None:
    port = await reply_listener()
    world = await make_world()
    # A session with an email on file is never abandoned: the abandoned one gave none (the
    # visitor writes from an address Parley had not seen).
    s = await world.waiting_session(
        **({"visitor_email": "jane@example.org"} if ended == "closed" else {}))
    sid = s["session_id"]
    if ended == "closed":
        await chat.close(ctx, sid, by="visitor")
    else:
        timeutil.advance(ctx.settings.idle_abandon_s + 60)
        try:
            assert sid in await chat.abandon_idle(ctx, ctx.settings.idle_abandon_s, set())
        finally:
            timeutil.reset_clock()
    agent, _ = await world.agent("alice")
    to = address_of(sid)
    out = await lmtp_send(port, [to], reply_email(to, "One more question: do you ship to Oslo?"))
    assert out.data[0].startswith("250"), out

    queue = await agent.expect("queue_update")
    waiting = {w["session_id"]: w for w in queue["waiting"]}
    assert waiting[sid]["escalation_reason"] == "email_reply"
    assert waiting[sid]["status"] == "waiting"
    said = await history(world, s)
    assert [(m["sender_type"], m["text"]) for m in said[-2:]] == [
        ("system", REOPENED), ("visitor", "One more question: do you ship to Oslo?")]
    assert (said[-2]["code"], said[-2]["params"]) == ("email_reopened", {})
    assert (await status_of(world, s))["status"] == "waiting"

    # alice takes it and sees the reply; a second reply lands in her conversation as is.
    await agent.send({"type": "accept", "session_id": sid})
    await agent.expect("accepted")
    second = reply_email(to, "Also to Bergen?", message_id="<r2@mail.example.org>")
    assert (await lmtp_send(port, [to], second)).data[0].startswith("250")
    msg = await agent.expect("message", sender_type="visitor", text="Also to Bergen?")
    assert msg["session_id"] == sid
    assert [m["text"] for m in await history(world, s)].count(REOPENED) == 1


async def test_a_conversation_the_ai_had_goes_to_a_person(
        make_world: Any, reply_listener: StartListener) -> None:
    port = await reply_listener()
    world = await make_world()
    s = await world.session(visitor_email="jane@example.org")
    visitor, _ = await world.visitor(s)
    to = address_of(s["session_id"])
    assert (await lmtp_send(port, [to], reply_email(to, "Hello?"))).data[0].startswith("250")
    handed = await visitor.expect("message", sender_type="system")
    assert (handed["code"], handed["text"]) == ("email_escalated",
                                                "The conversation was handed to a person.")
    escalated = await visitor.expect("escalated")
    assert escalated["reason"] == "email_reply"
    assert (await visitor.expect("message", sender_type="visitor"))["text"] == "Hello?"
    assert (await status_of(world, s))["status"] == "waiting"


async def test_a_long_reply_is_cut_to_the_message_limit_with_a_note(
        make_world: Any, reply_listener: StartListener) -> None:
    port = await reply_listener()
    world = await make_world()
    s = await world.waiting_session(visitor_email="jane@example.org")
    to = address_of(s["session_id"])
    text = "\n".join(f"Line {i} of a long story about my order." for i in range(40))
    assert (await lmtp_send(port, [to], reply_email(to, text))).data[0].startswith("250")
    last = (await history(world, s))[-1]
    assert len(last["text"]) <= 500 and last["text"].startswith("Line 0 of")
    assert last["text"].endswith("(the email was longer; the rest was cut)")


async def test_a_mail_bomb_is_slowed_down_per_conversation(
        make_world: Any, reply_listener: StartListener, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbound, "MAX_MAILS_PER_HOUR", 3)
    port = await reply_listener()
    world = await make_world()
    s = await world.waiting_session(visitor_email="jane@example.org")
    to = address_of(s["session_id"])
    answers = [(await lmtp_send(port, [to], reply_email(
        to, f"Mail {i}", message_id=f"<bomb-{i}@x.example>"))).data[0] for i in range(5)]
    assert [a[:3] for a in answers] == ["250", "250", "250", "450", "450"]
    assert answers[3].startswith("450 4.7.1")
    # A retry of one already delivered is still answered 250 (and stores nothing).
    again = await lmtp_send(port, [to], reply_email(to, "Mail 0", message_id="<bomb-0@x.example>"))
    assert again.data[0].startswith("250")
    # An hour later the conversation takes email again.
    timeutil.advance(3601)
    try:
        later = await lmtp_send(port, [to], reply_email(to, "Mail 3",
                                                        message_id="<bomb-3@x.example>"))
    finally:
        timeutil.reset_clock()
    assert later.data[0].startswith("250")
    texts = [m["text"] for m in await history(world, s) if m["sender_type"] == "visitor"]
    assert texts == ["Mail 0", "Mail 1", "Mail 2", "Mail 3"]


async def test_a_retry_after_a_failure_between_reopening_and_the_message_still_assigns(
        make_world: Any, ctx: Context, reply_listener: StartListener,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The reopening commits, the message does not (451): the MTA's retry posts the message
    once, and auto-assignment, which the failed attempt never reached, gives it to alice."""
    port = await reply_listener()
    world = await make_world()
    s = await world.waiting_session(visitor_email="jane@example.org")
    sid = s["session_id"]
    await chat.close(ctx, sid, by="visitor")
    agent, _ = await world.agent("alice")
    monkeypatch.setattr(ctx, "settings", ctx.settings.replace(auto_assign=True))
    to = address_of(sid)
    raw = reply_email(to, "Is it shipped yet?", message_id="<late@x.example>")
    lose_message_writes(monkeypatch)
    assert (await lmtp_send(port, [to], raw)).data[0].startswith("451 4.3.0")
    monkeypatch.undo()
    monkeypatch.setattr(ctx, "settings", ctx.settings.replace(auto_assign=True))
    assert (await status_of(world, s))["status"] == "waiting"  # reopened, no message yet
    assert (await lmtp_send(port, [to], raw)).data[0].startswith("250")
    await agent.expect("assigned")
    said = await history(world, s)
    assert [m["text"] for m in said if m["sender_type"] == "visitor"] == ["Is it shipped yet?"]
    assert [m["text"] for m in said].count(REOPENED) == 1
    assert (await status_of(world, s))["status"] == "assigned"


async def test_a_reply_to_an_ended_conversation_goes_to_the_open_one(
        make_world: Any, ctx: Context, reply_listener: StartListener) -> None:
    """At most one conversation of a visitor is open: a reply to an ended one while another
    is open is a message of the open one, and the ended one stays ended."""
    port = await reply_listener()
    world = await make_world()
    old = await world.session(visitor_email="jane@example.org")
    await chat.close(ctx, old["session_id"], by="visitor")
    resp = await world.api.post(f"/api/widgets/{world.key}/sessions",
                                {"visitor_token": old["visitor_token"]})
    new = resp.json
    assert resp.code == 201 and new["session_id"] != old["session_id"]
    to = address_of(old["session_id"])
    out = await lmtp_send(port, [to], reply_email(to, "About my earlier question"))
    assert out.data[0].startswith("250"), out
    assert (await status_of(world, old))["status"] == "closed"
    said = await history(world, new)
    assert [(m["sender_type"], m["text"]) for m in said[-1:]] == [
        ("visitor", "About my earlier question")]
