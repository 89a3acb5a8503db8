"""Private notes over real sockets: stored apart from messages (the visitor's seqs stay
gap-free), acknowledged once per client_msg_id, sent to the conversation's other agent
sockets and never to the visitor's (live, replayed, or over REST); replayed to an agent who
resumes; readable and writable by a teammate who is not assigned; carried by a transfer."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from chatserver.bus import session_channel, team_channel
from chatserver.context import Context
from chatserver.db.schema import notes
from chatserver.services.notes import mentioned_names
from tests.helpers.accounts import login, register
from tests.helpers.mail_flow import chat_with_alice
from tests.helpers.sockets import WS

SECRET = "refund approved by finance, do not tell yet"


async def note(ws: WS, sid: str, text: str, cid: str) -> dict[str, Any]:
    await ws.send({"type": "note", "session_id": sid, "client_msg_id": cid, "text": text})
    return await ws.expect("note_ack", client_msg_id=cid)


def no_note_in(frames: list[dict[str, Any]]) -> None:
    for frame in frames:
        assert frame["type"] not in ("note", "note_ack", "mention"), frame
        assert "finance" not in json.dumps(frame), frame


async def test_the_visitor_never_gets_a_note_and_keeps_gap_free_seqs(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s, alice = await chat_with_alice(world)
    sid = s["session_id"]
    tab2, _ = await world.agent("alice")  # alice's other tab follows the session too
    visitor, ready = await world.visitor(s)
    await visitor.say("Where is my refund?", "v-1")
    first = await note(alice, sid, SECRET, "n-1")
    await alice.say("Looking into it.", "a-1", session_id=sid)
    await note(alice, sid, "second " + SECRET, "n-2")
    await visitor.say("Thanks", "v-2")
    # The other tab gets the notes; the sending socket gets no echo of its own.
    got = await tab2.expect("note", client_msg_id="n-1")
    assert got["text"] == SECRET and got["id"] == first["id"]
    assert got["author_name"] == world.agents["alice"]["name"]
    await tab2.expect("note", client_msg_id="n-2")
    assert [f for f in await alice.quiet() if f["type"] == "note"] == []
    await visitor.quiet()
    seen = visitor.seen
    no_note_in(seen)
    seqs = sorted(f["seq"] for f in seen if f["type"] in ("message", "ack"))
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= ready["last_seq"] + 3
    # A resume from 0 replays messages 1..n, no note, no gap.
    again, ready2 = await world.visitor(s, last_seq=0)
    await again.quiet()
    replay = again.seen
    no_note_in([ready2, *replay])
    assert [f["seq"] for f in replay if f["type"] == "message"] == list(range(1, ready2["last_seq"] + 1))
    # The visitor's REST history has no note either; the agents' notes list has both.
    resp = await world.api.get(f"/api/widgets/{world.key}/sessions/{sid}/messages",
                               token=s["visitor_token"])
    assert resp.code == 200 and "finance" not in resp.body.decode()
    assert [m["seq"] for m in resp.json["messages"]] == list(range(1, ready2["last_seq"] + 1))
    listed = await world.api.get(f"/api/agents/sessions/{sid}/notes",
                                 token=world.agents["alice"]["token"])
    assert [n["client_msg_id"] for n in listed.json["notes"]] == ["n-1", "n-2"]
    # The visitor's token does not open the notes.
    assert (await world.api.get(f"/api/agents/sessions/{sid}/notes",
                                token=s["visitor_token"])).code == 401


async def test_a_repeated_client_msg_id_is_one_note_and_the_same_ack(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s, alice = await chat_with_alice(world)
    sid = s["session_id"]
    first = await note(alice, sid, "check the order", "n-dup")
    second = await note(alice, sid, "check the order", "n-dup")
    assert first == second
    async with ctx.engine.connect() as conn:
        count = (await conn.execute(select(func.count()).select_from(notes))).scalar_one()
    assert count == 1
    await alice.send({"type": "note", "session_id": sid, "client_msg_id": "n-e", "text": "  "})
    assert (await alice.expect("error"))["code"] == "empty_note"


async def test_an_agent_who_resumes_gets_the_notes_it_missed(make_world: Any) -> None:
    world = await make_world()
    await world.add_agent("bob")
    s, alice = await chat_with_alice(world)
    sid = s["session_id"]
    old = await note(alice, sid, "seen before the cut", "n-old")
    alice.close()
    bob, _ = await world.agent("bob")
    await note(bob, sid, "while alice was away", "n-missed")
    ws = await WS.connect(world.url(f"/ws/agent/{world.agents['alice']['id']}"))
    world.sockets.append(ws)
    await ws.send({"type": "auth", "token": world.agents["alice"]["token"],
                   "last_seq": {sid: 0}, "last_note_id": old["id"]})
    await ws.expect("ready")
    got = await ws.expect("note", client_msg_id="n-missed")
    assert got["text"] == "while alice was away" and got["session_id"] == sid
    await ws.quiet()
    assert [f for f in ws.seen if f["type"] == "note"
            and f["client_msg_id"] == "n-old"] == []


async def test_a_teammate_not_assigned_reads_and_answers_with_a_note(
        make_world: Any, app: Any) -> None:
    world = await make_world()
    await world.add_agent("bob")
    outsider = (await register(world.api, "carol", role="agent", token=world.admin))["user"]
    carol_token = await login(world.api, "carol")
    s, alice = await chat_with_alice(world)
    sid = s["session_id"]
    bob, _ = await world.agent("bob")
    await note(alice, sid, "@bob can you check the invoice?", "n-ask")
    mention = await bob.expect("mention", session_id=sid)
    assert mention["note"]["text"] == "@bob can you check the invoice?"
    resp = await world.api.get(f"/api/agents/sessions/{sid}/notes",
                               token=world.agents["bob"]["token"])
    assert resp.code == 200 and len(resp.json["notes"]) == 1
    await note(bob, sid, "@alice invoice 42 was paid", "n-answer")
    got = await alice.expect("note", client_msg_id="n-answer")
    assert got["author_id"] == world.agents["bob"]["id"]
    assert got["mentions"] == [world.agents["alice"]["id"]]
    # bob follows the conversation's notes from then on, without being assigned to it.
    await note(alice, sid, "thanks", "n-thanks")
    await bob.expect("note", client_msg_id="n-thanks")
    # Someone who may not see the conversation cannot read or write its notes.
    assert (await world.api.get(f"/api/agents/sessions/{sid}/notes", token=carol_token)).code == 404
    carol = await WS.connect(world.url(f"/ws/agent/{outsider['id']}"))
    world.sockets.append(carol)
    await carol.send({"type": "auth", "token": carol_token, "last_seq": {}})
    await carol.expect("ready")
    await carol.send({"type": "note", "session_id": sid, "client_msg_id": "n-c", "text": "hi"})
    assert (await carol.expect("error"))["code"] == "session_not_found"
    # Visitor sockets never join a team channel.
    registry = app.settings["registry"]
    members = registry.channels[team_channel(sid)].members
    assert members and all(getattr(m, "kind", "") == "agent" for m in members)


async def test_a_transfer_carries_a_note_to_the_receiving_agent(make_world: Any) -> None:
    world = await make_world()
    await world.add_agent("bob")
    s, alice = await chat_with_alice(world)
    sid = s["session_id"]
    visitor, _ = await world.visitor(s)
    bob, _ = await world.agent("bob")
    await alice.send({"type": "transfer", "session_id": sid, "to_agent_id": world.agents["bob"]["id"],
                      "note": "VIP: " + SECRET})
    await alice.expect("transferred")
    await bob.expect("assigned")
    got = await bob.expect("note", session_id=sid)
    assert got["text"] == "VIP: " + SECRET and got["author_id"] == world.agents["alice"]["id"]
    await visitor.expect("agent_joined")
    await visitor.quiet()
    no_note_in(visitor.seen)
    listed = await world.api.get(f"/api/agents/sessions/{sid}/notes",
                                 token=world.agents["bob"]["token"])
    assert [n["text"] for n in listed.json["notes"]] == ["VIP: " + SECRET]


async def test_a_visitor_socket_drops_a_team_frame_whatever_channel_it_comes_on(
        make_world: Any, ctx: Context) -> None:
    """The second lock: even a note published on the session's own channel (a bug elsewhere)
    never reaches the visitor, while the frames published around it do."""
    world = await make_world()
    s, alice = await chat_with_alice(world)
    sid = s["session_id"]
    visitor, _ = await world.visitor(s)
    for frame in ({"type": "note", "session_id": sid, "text": SECRET},
                  {"type": "mention", "session_id": sid, "note": {"text": SECRET}},
                  {"type": "typing", "session_id": sid, "sender_type": "agent", "on": True}):
        await ctx.bus.publish(session_channel(sid), {"frame": frame})
    await visitor.expect("typing", sender_type="agent")
    await visitor.quiet()
    no_note_in(visitor.seen)
    # The agent following the session gets what is published there (the note included).
    await alice.expect("note", text=SECRET)


def test_mentions_are_usernames_and_an_email_address_is_none() -> None:
    assert mentioned_names("@Bob and @carol.smith, see mail@example.com; @bob again") == \
        ["bob", "carol.smith"]
    assert mentioned_names("(@ana) @x @" + "y" * 70) == ["ana"]
