"""Messages with files over real sockets: uploads linked in the message's transaction, the
summary in every view of the message, and every way of naming a wrong upload refused with
`upload_not_found` and nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.context import Context
from chatserver.db import notify as notify_db
from chatserver.errors import ValidationError
from chatserver.services import chat
from tests.helpers.sockets import WS
from tests.helpers.upload_rows import make_upload, message_count, message_of, summary
from tests.helpers.world import World


async def _assigned(world: World) -> tuple[dict[str, Any], WS, WS]:
    """A conversation alice accepted, with the visitor's socket and hers."""
    s = await world.waiting_session()
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    await alice.expect("accepted")
    visitor, _ = await world.visitor(s)
    return s, visitor, alice


async def test_visitor_sends_files_and_the_agent_receives_them(make_world: Any,
                                                               ctx: Context) -> None:
    world = await make_world()
    s, visitor, alice = await _assigned(world)
    sid = s["session_id"]
    shot = await make_upload(ctx, sid, "screen shot.png")
    pdf = await make_upload(ctx, sid, "invoice.pdf", content_type="application/pdf",
                            size=5000, width=None, height=None, thumb=False)
    ack = await visitor.say("", "v-files", files=[pdf, shot])
    # The ack follows the commit: the uploads are linked by then.
    assert await message_of(ctx, pdf) == ack["id"] and await message_of(ctx, shot) == ack["id"]
    got = await alice.expect("message", client_msg_id="v-files")
    assert got["text"] == "" and got["sender_type"] == "visitor"
    assert got["files"] == [summary(pdf, "invoice.pdf", type="application/pdf", size=5000,
                                    width=None, height=None, thumb=False),
                            summary(shot, "screen shot.png")]
    # The REST history (visitor token) and the agent's snapshot carry them too.
    page = await world.api.get(f"/api/widgets/{world.key}/sessions/{sid}/messages?after_seq=0",
                               token=s["visitor_token"])
    assert [m.get("files") for m in page.json["messages"] if m["sender_type"] == "visitor"] \
        == [got["files"]]
    # An agent's resume replays it with its files.
    again, _ = await world.agent("alice", last_seq={sid: 0})
    assert (await again.expect("message", client_msg_id="v-files"))["files"] == got["files"]


async def test_agent_sends_a_file_with_a_caption_and_replay_carries_it(make_world: Any,
                                                                       ctx: Context) -> None:
    world = await make_world()
    s, visitor, alice = await _assigned(world)
    sid = s["session_id"]
    first = await visitor.say("hello", "v-1")
    visitor.close()
    upload = await make_upload(ctx, sid, "manual.png", uploader_type="agent")
    ack = await alice.say("Here is the manual", "a-file", session_id=sid, files=[upload])
    assert await message_of(ctx, upload) == ack["id"]
    back, _ = await world.visitor(s, last_seq=first["seq"])
    replayed = await back.expect("message", client_msg_id="a-file")
    assert replayed["text"] == "Here is the manual"
    assert replayed["files"] == [summary(upload, "manual.png")]
    # A message without files has no `files` field at all.
    live = await alice.say("plain", "a-plain", session_id=sid)
    plain = await back.expect("message", client_msg_id="a-plain")
    assert plain["seq"] == live["seq"] and "files" not in plain


async def test_a_resend_acks_the_same_message_and_stores_the_files_once(make_world: Any,
                                                                        ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    sid = s["session_id"]
    visitor, _ = await world.visitor(s)
    uploads = [await make_upload(ctx, sid, f"p{i}.png") for i in range(2)]
    first = await visitor.say("two photos", "dup-files", files=uploads)
    again = await visitor.say("two photos", "dup-files", files=uploads)
    visitor.close()
    other_tab, _ = await world.visitor(s, last_seq=first["seq"])
    third = await other_tab.say("two photos", "dup-files", files=uploads)
    assert first == again == third
    assert await message_count(ctx, sid, "visitor") == 1
    assert [await message_of(ctx, u) for u in uploads] == [first["id"]] * 2
    # Naming a file the stored message does not have is not a resend of it.
    stray = await make_upload(ctx, sid)
    await other_tab.send({"type": "message", "client_msg_id": "dup-files", "text": "x",
                          "files": [stray]})
    err = await other_tab.expect("error", client_msg_id="dup-files")
    assert err["code"] == "upload_not_found"
    assert await message_of(ctx, stray) is None


async def test_uploads_of_another_session_or_already_sent_are_not_found(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    mine, theirs = await world.session(), await world.session()
    sid = mine["session_id"]
    visitor, _ = await world.visitor(mine)
    foreign = await make_upload(ctx, theirs["session_id"])
    used = await make_upload(ctx, sid)
    await visitor.say("first", "m-1", files=[used])
    fresh = await make_upload(ctx, sid)
    before = await message_count(ctx, sid)
    for cid, files in (("m-foreign", [fresh, foreign]), ("m-used", [fresh, used]),
                       ("m-unknown", ["0" * 32])):
        await visitor.send({"type": "message", "client_msg_id": cid, "text": "look",
                            "files": files})
        err = await visitor.expect("error", client_msg_id=cid)
        assert err["code"] == "upload_not_found" and not err["retryable"]
    assert await message_count(ctx, sid) == before
    assert await message_of(ctx, fresh) is None and await message_of(ctx, foreign) is None
    # The upload is still there to send properly.
    ok = await visitor.say("", "m-ok", files=[fresh])
    assert await message_of(ctx, fresh) == ok["id"]


async def test_two_messages_in_one_batch_cannot_both_take_an_upload(make_world: Any,
                                                                   ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    upload = await make_upload(ctx, s["session_id"])
    # Back to back on one socket: handed to the writer together (one group commit).
    for cid in ("b-1", "b-2"):
        await visitor.send({"type": "message", "client_msg_id": cid, "text": "",
                            "files": [upload]})
    ack = await visitor.expect("ack", client_msg_id="b-1")
    err = await visitor.expect("error", client_msg_id="b-2")
    assert err["code"] == "upload_not_found"
    assert await message_of(ctx, upload) == ack["id"]
    assert await message_count(ctx, s["session_id"]) == 1


@pytest.mark.parametrize(("files", "text", "code"), [
    ([f"{i:032x}" for i in range(11)], "many", "too_many_files"),
    (["a" * 32, "a" * 32], "twice", "invalid_files"),
    ("abc", "not a list", "invalid_files"),
    ([7], "not ids", "invalid_files"),
    (["x" * 37], "too long", "invalid_files"),
    ([], "  ", "empty_message"),
    (None, "", "empty_message"),
])
async def test_bad_files_fields_are_refused(make_world: Any, ctx: Context, files: Any,
                                            text: str, code: str) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    frame: dict[str, Any] = {"type": "message", "client_msg_id": "bad", "text": text}
    if files is not None:
        frame["files"] = files
    await visitor.send(frame)
    assert (await visitor.expect("error", client_msg_id="bad"))["code"] == code
    assert await message_count(ctx, s["session_id"]) == 0


async def test_files_without_text_field_and_the_limit_itself(make_world: Any,
                                                             ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    uploads = [await make_upload(ctx, s["session_id"], f"{i}.png")
               for i in range(ctx.settings.max_files_per_message)]
    await visitor.send({"type": "message", "client_msg_id": "ten", "files": uploads})
    ack = await visitor.expect("ack", client_msg_id="ten")
    assert {await message_of(ctx, u) for u in uploads} == {ack["id"]}


async def test_the_ai_never_sends_files(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    upload = await make_upload(ctx, s["session_id"])
    with pytest.raises(ValidationError) as caught:
        await chat.send_message(ctx, s["session_id"], sender_type="ai", text="hi",
                                client_msg_id="ai-1", sender_name="Bot", files=[upload])
    assert caught.value.code == "invalid_files"
    assert await message_of(ctx, upload) is None


async def test_lists_of_conversations_preview_a_file_alone_by_its_name(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    token = world.agents["alice"]["token"]
    s = await world.waiting_session()
    visitor, _ = await world.visitor(s)
    await visitor.say("", files=[await make_upload(ctx, s["session_id"], "bill.pdf")])
    waiting = (await world.api.get("/api/agents/waiting-sessions", token=token)).json
    assert [x["last_message"] for x in waiting["sessions"]] == ["\N{PAPERCLIP} bill.pdf"]
    await visitor.say("and a caption", files=[await make_upload(ctx, s["session_id"])])
    waiting = (await world.api.get("/api/agents/waiting-sessions", token=token)).json
    assert [x["last_message"] for x in waiting["sessions"]] == ["and a caption"]


async def test_team_emails_read_a_file_alone_as_its_name(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("", files=[await make_upload(ctx, s["session_id"], "bill.pdf")])
    await visitor.say("thanks")
    async with ctx.engine.connect() as conn:
        first = await notify_db.first_visitor_message(conn, s["session_id"])
        tail = await notify_db.conversation(conn, s["session_id"], 10)
    assert first == "\N{PAPERCLIP} bill.pdf"
    assert [m["text"] for m in tail] == ["\N{PAPERCLIP} bill.pdf", "thanks"]
