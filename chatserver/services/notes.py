"""The team's private notes in a conversation, and the @mentions in them.

A note is not a message: it is stored in `notes`, takes no seq (the visitor's seqs stay
gap-free 1..n) and is published on the conversation's team channel (`team:<id>`), which
only agent sockets join. Nothing a visitor receives reads `notes`: their frames, replays,
transcripts, emails and /c/ pages read `messages` only.

Who may write and read a conversation's notes: whoever may see the conversation (its
widget's agents and owner, admins), assigned to it or not.

Mentions: `@username` (the sign-in name, case-insensitive) of a teammate who may see the
conversation; anyone else named (an unknown name, a user of another widget, the author) is
ignored: the note is stored, nobody else is told. A mentioned teammate gets a `mention`
frame on their user channel at once and, if their notification settings say so
(`mention`, on by default), an email queued in the note's own transaction.

Invariant: the note (and its mention emails) is committed before it is acknowledged or
published; a repeated client_msg_id finds the stored note and changes nothing.
"""

from __future__ import annotations

import re
from typing import Any, TypedDict

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.bus import team_channel, user_channel
from chatserver.context import Context
from chatserver.db import notes as db
from chatserver.db import widgets as widgets_db
from chatserver.errors import ValidationError
from chatserver.services.access import Actor, SignedIn, access_session, sees_widget
from chatserver.services.notify_prefs import MENTION, wants
from chatserver.services.outbox import enqueue
from chatserver.services.publish import publish_frame
from chatserver.timeutil import iso, utcnow
from chatserver.validate import clean_text

MENTION_KIND = "notify_mention"
# `@name` (a username: 2-64 letters, digits, '_', '.', '-') not preceded by a word character,
# a dot or an @ (so an email address is no mention), nor run on past 64 characters.
MENTION_RE = re.compile(r"(?<![\w.@])@([A-Za-z0-9_.-]{2,64})(?![A-Za-z0-9_.-])")
# Teammates one note may notify: a note naming more is a broadcast, not a mention.
MENTIONS_MAX = 10
# Notes a conversation's list, or one resume, sends at most.
NOTES_MAX = 500


class NoteView(TypedDict):
    """A note as agents see it (REST, `note` frames, replays)."""

    id: int
    session_id: str
    author_id: int | None
    author_name: str
    text: str
    mentions: list[int]
    client_msg_id: str
    created_at: str


def note_view(row: RowMapping) -> NoteView:
    mentions = row["mentions"] if isinstance(row["mentions"], list) else []
    return {"id": int(row["id"]), "session_id": row["session_id"], "author_id": row["author_id"],
            "author_name": row["author_name"], "text": row["text"],
            "mentions": [int(m) for m in mentions], "client_msg_id": row["client_msg_id"],
            "created_at": iso(row["created_at"]) or ""}


def check_note_text(ctx: Context, raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValidationError("text must be a string", code="invalid_note")
    text = clean_text(raw)
    if not text:
        raise ValidationError("the note is empty", code="empty_note")
    if len(text) > ctx.settings.max_message_chars:
        raise ValidationError(f"notes are at most {ctx.settings.max_message_chars} characters",
                              code="note_too_long")
    return text


def mentioned_names(text: str) -> list[str]:
    """The usernames a text mentions, lower-cased, in order, each once."""
    out: list[str] = []
    for match in MENTION_RE.finditer(text):
        name = match.group(1).rstrip(".-").lower()
        if name and name not in out:
            out.append(name)
    return out[:MENTIONS_MAX]


async def _mentions(conn: AsyncConnection, author: Actor, widget: RowMapping,
                    text: str) -> list[RowMapping]:
    """The users the text mentions who may see the widget's conversations (not the author)."""
    found = []
    for user in await db.users_named(conn, mentioned_names(text)):
        teammate = Actor(id=user["id"], role=user["role"])
        if user["id"] != author.id and await sees_widget(conn, teammate, widget):
            found.append(user)
    return sorted(found, key=lambda u: int(u["id"]))


class Written(TypedDict):
    note: NoteView
    created: bool
    # The teammates to tell at once (user ids), when created.
    mentioned: list[int]


async def write_note(ctx: Context, conn: AsyncConnection, actor: Actor,
                     session: RowMapping, text: str, client_msg_id: str) -> Written:
    """Store a note in the caller's transaction (the session is one the actor may see), with
    its mention emails; or find the one already stored with this client_msg_id."""
    found = await db.by_client_id(conn, session["id"], client_msg_id)
    if found is not None:
        return {"note": note_view(found), "created": False, "mentioned": []}
    widget = await widgets_db.by_id(conn, session["widget_id"])
    mentioned = await _mentions(conn, actor, widget, text) if widget is not None else []
    row = await db.insert_note(conn, session_id=session["id"], author_id=actor.id,
                               author_name=actor.display_name, text=text,
                               mentions=[int(u["id"]) for u in mentioned],
                               client_msg_id=client_msg_id, now=utcnow())
    for user in mentioned:
        if wants(user, MENTION):
            await enqueue(conn, ctx.settings, kind=MENTION_KIND,
                          key=f"mention:{row['id']}:{user['id']}", session_id=session["id"],
                          widget_id=session["widget_id"], recipient=user["email"],
                          payload={"note_id": int(row["id"]), "user_id": int(user["id"])})
    return {"note": note_view(row), "created": True,
            "mentioned": [int(u["id"]) for u in mentioned]}


async def published(ctx: Context, written: Written) -> NoteView:
    """After commit: the note to the conversation's agents, a mention to each teammate named."""
    note = written["note"]
    if not written["created"]:
        return note
    await publish_frame(ctx, team_channel(note["session_id"]), {"type": "note", **note})
    for user_id in written["mentioned"]:
        await publish_frame(ctx, user_channel(user_id), {
            "type": "mention", "session_id": note["session_id"], "note": dict(note)})
    return note


async def add_note(ctx: Context, actor: SignedIn, session_id: str, text: str,
                   client_msg_id: str) -> NoteView:
    """An agent's note in a conversation they may see (assigned to it or not)."""
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            session = await access_session(conn, None, session_id, actor=actor)
            written = await write_note(ctx, conn, actor, session, text, client_msg_id)
    return await published(ctx, written)


async def list_notes(ctx: Context, actor: Actor, session_id: str) -> list[NoteView]:
    """A conversation's notes, oldest first, for whoever may see it."""
    async with ctx.engine.connect() as conn:
        await access_session(conn, None, session_id, actor=actor)
        return [note_view(r) for r in await db.of_session(conn, session_id, NOTES_MAX)]


async def notes_after(ctx: Context, session_ids: list[str], after_id: int) -> list[NoteView]:
    """For a resuming agent socket: the notes of its conversations it has not seen."""
    async with ctx.engine.connect() as conn:
        return [note_view(r) for r in await db.after(conn, session_ids, after_id, NOTES_MAX)]

