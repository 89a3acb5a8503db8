"""The mail listener over real sockets, as an MTA talks to it: a reply to a signed address
lands in the conversation and in the agent's open socket; forged addresses, oversized,
malformed and automatic mail get their codes; a database outage answers 451, and the retry
stores the message once."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import aiosmtplib
import pytest

from chatserver.context import Context
from chatserver.db import messages as messages_db
from chatserver.mail.listener import MAX_RECIPIENTS
from tests.helpers.inbound import (
    LISTENER_SETTINGS,
    REPLY_DOMAIN,
    StartListener,
    address_of,
    lmtp_send,
    lose_message_writes,
    reply_email,
)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return dict(LISTENER_SETTINGS)


async def assigned_session(world: Any) -> tuple[dict[str, Any], Any]:
    """A conversation alice has accepted, and alice's socket."""
    s = await world.waiting_session(visitor_email="jane@example.org")
    ws, _ = await world.agent("alice")
    await ws.send({"type": "accept", "session_id": s["session_id"]})
    await ws.expect("accepted")
    return s, ws


async def stored(ctx: Context, session_id: str, cid: str) -> Any:
    async with ctx.engine.connect() as conn:
        return await messages_db.by_client_id(conn, session_id, cid)


async def visitor_messages(ctx: Context, session_id: str) -> list[Any]:
    async with ctx.engine.connect() as conn:
        rows = await messages_db.after(conn, session_id, 0, 100)
    return [r for r in rows if r["sender_type"] == "visitor"]


async def test_a_reply_by_lmtp_reaches_the_agents_open_socket(
        make_world: Any, ctx: Context, reply_listener: StartListener) -> None:
    port = await reply_listener()
    world = await make_world()
    s, ws = await assigned_session(world)
    to = address_of(s["session_id"])
    out = await lmtp_send(port, [to], reply_email(to, "Yes, the blue one please."))
    assert out.rcpt == ["250 2.1.5 OK"]
    assert out.data == ["250 2.0.0 Delivered to the conversation"]
    msg = await ws.expect("message", sender_type="visitor", session_id=s["session_id"])
    assert msg["text"] == "Yes, the blue one please."
    row = await stored(ctx, s["session_id"], msg["client_msg_id"])
    assert row["meta"] == {"via": "email"}  # from the visitor's own address


async def test_smtp_too_and_a_reply_from_another_address_is_posted_and_marked(
        make_world: Any, ctx: Context, reply_listener: StartListener) -> None:
    port = await reply_listener("smtp")
    world = await make_world()
    s, ws = await assigned_session(world)
    to = address_of(s["session_id"])
    raw = reply_email(to, "From my work account: yes.", sender="J. Doe <jdoe@work.example>")
    errors, answer = await aiosmtplib.send(raw, sender="jdoe@work.example", recipients=[to],
                                          hostname="127.0.0.1", port=port)
    assert not errors and answer.startswith("2.0.0 Delivered"), answer
    msg = await ws.expect("message", sender_type="visitor")
    row = await stored(ctx, s["session_id"], msg["client_msg_id"])
    assert row["meta"] == {"via": "email", "from": "jdoe@work.example"}


async def test_forged_unsigned_and_foreign_addresses_are_refused_at_rcpt(
        make_world: Any, ctx: Context, reply_listener: StartListener) -> None:
    port = await reply_listener()
    world = await make_world()
    s = await world.session()
    good = address_of(s["session_id"])
    local, _, _domain = good.partition("@")
    # One character of the token changed (in the middle: the last one carries padding bits).
    middle = len(local) // 2
    altered = (local[:middle] + ("a" if local[middle] != "a" else "b") + local[middle + 1:]
               + "@" + REPLY_DOMAIN)
    refused = [
        address_of(s["session_id"], secret="another-servers-secret-" + "y" * 30),  # forged
        altered,
        f"reply+{uuid.uuid4().hex}@{REPLY_DOMAIN}",  # not a token at all
        f"{local}@other.example.com",  # a genuine token at another domain
        f"support@{REPLY_DOMAIN}",
    ]
    out = await lmtp_send(port, refused, reply_email(good, "hello"))
    assert all(r.startswith("550 5.1.1") for r in out.rcpt), out.rcpt
    assert out.data == []
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refusal:
        await aiosmtplib.send(reply_email(good, "hi"), sender="a@b.example",
                              recipients=[refused[0]], hostname="127.0.0.1",
                              port=await reply_listener("smtp"))
    assert refusal.value.recipients[0].code == 550
    assert await visitor_messages(ctx, s["session_id"]) == []


async def test_oversized_malformed_and_automatic_mail_get_their_codes(
        make_world: Any, ctx: Context, reply_listener: StartListener) -> None:
    port = await reply_listener()
    world = await make_world()
    s = await world.session()
    to = address_of(s["session_id"])
    big = reply_email(to, "x" * 70 + ("\n" + "y" * 70) * 1000)  # > 64 KiB
    assert (await lmtp_send(port, [to], big)).data[0].startswith("552 5.3.4")
    # Two recipients: LMTP answers each one, also when the email is too big.
    s2 = await world.session()
    two = await lmtp_send(port, [to, address_of(s2["session_id"])], big)
    assert [r[:9] for r in two.data] == ["552 5.3.4", "552 5.3.4"]
    malformed = (await lmtp_send(port, [to], b"this is not an email\r\n")).data
    assert malformed[0].startswith("554 5.6.0"), malformed
    empty = reply_email(to, "").replace(b"Yes", b"")
    assert (await lmtp_send(port, [to], empty)).data[0].startswith("554 5.6.0")
    auto = reply_email(to, "I am out of the office.", headers="Auto-Submitted: auto-replied\n")
    assert (await lmtp_send(port, [to], auto)).data[0].startswith("550 5.7.1")
    bounce = await lmtp_send(port, [to], reply_email(to, "Undeliverable"), mail_from="")
    assert bounce.data[0].startswith("550 5.7.1")
    assert await visitor_messages(ctx, s["session_id"]) == []


async def test_too_many_recipients_are_refused(
        make_world: Any, reply_listener: StartListener) -> None:
    port = await reply_listener()
    world = await make_world()
    s = await world.session()
    to = address_of(s["session_id"])
    out = await lmtp_send(port, [to] * (MAX_RECIPIENTS + 1), reply_email(to, "hi"))
    assert out.rcpt[-1].startswith("452 4.5.3")
    assert out.data == ["250 2.0.0 Delivered to the conversation"] * MAX_RECIPIENTS


async def test_a_database_outage_answers_451_and_the_retry_stores_one_message(
        make_world: Any, ctx: Context, reply_listener: StartListener,
        monkeypatch: pytest.MonkeyPatch) -> None:
    port = await reply_listener()
    world = await make_world()
    s, ws = await assigned_session(world)
    to = address_of(s["session_id"])
    raw = reply_email(to, "Are you still there?", message_id="<retry-1@mail.example.org>")
    lose_message_writes(monkeypatch)
    out = await lmtp_send(port, [to], raw)
    assert out.data == ["451 4.3.0 Temporary failure; please try again later"]
    assert await visitor_messages(ctx, s["session_id"]) == []

    monkeypatch.undo()  # the database is back: the MTA retries
    for _ in range(2):  # and once more, as if our 250 had been lost
        assert (await lmtp_send(port, [to], raw)).data[0].startswith("250")
    said = await visitor_messages(ctx, s["session_id"])
    assert [m["text"] for m in said] == ["Are you still there?"]
    msg = await ws.expect("message", sender_type="visitor")
    assert msg["seq"] == said[0]["seq"]
    assert [f for f in await ws.quiet() if f["type"] == "message"] == []


async def test_an_unexpected_failure_answers_451_and_is_logged(
        make_world: Any, reply_listener: StartListener, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from chatserver.services import inbound

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(inbound, "receive", broken)
    port = await reply_listener()
    world = await make_world()
    s = await world.session()
    to = address_of(s["session_id"])
    with caplog.at_level(logging.ERROR, logger="chatserver.mail.listener"):
        out = await lmtp_send(port, [to], reply_email(to, "hello"))
    assert out.data == ["451 4.3.0 Temporary failure; please try again later"]
    assert any("failed; the MTA will retry" in r.getMessage() for r in caplog.records)


async def test_a_genuine_address_of_a_deleted_conversation_is_refused_after_data(
        make_world: Any, reply_listener: StartListener) -> None:
    port = await reply_listener()
    await make_world()
    to = address_of(str(uuid.uuid4()))  # signed by this server, but no such session
    out = await lmtp_send(port, [to], reply_email(to, "Hello?"))
    assert out.rcpt == ["250 2.1.5 OK"]
    assert out.data == ["550 5.1.1 This conversation no longer exists"]
