"""A message to store (`Send`, what the message writer takes) and the checks each one passes:
the session is open and the sender may write in it, a repeat is the sender's own, its files
are uploads of the conversation no message has taken (services/writer.py applies them to a
batch; db/messages.py `write_common` runs `check_can_send` in SQL)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db import uploads as uploads_db
from chatserver.db import widgets as widgets_db
from chatserver.domain import ENDED
from chatserver.errors import Conflict, Forbidden, NotFound, ParleyError
from chatserver.services.access import Actor, sees_widget


@dataclass
class Send:
    session_id: str
    client_msg_id: str
    sender_type: str
    text: str
    sender_id: int | None = None
    sender_name: str | None = None
    meta: dict[str, Any] | None = None
    # Upload ids sent with the message (visitors and agents; checked by chat.check_files).
    files: list[str] | None = None
    # The agent who writes (for agents: who may see that the session exists).
    actor: Actor | None = None
    # Set when stored: the AI owns the conversation, so it should answer this message.
    ai_turn: bool = False
    future: asyncio.Future[tuple[dict[str, Any], bool]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())


NOT_FOUND = NotFound("no such session", code="session_not_found")
UPLOAD_NOT_FOUND = NotFound("no such upload in this conversation, or it was already sent",
                            code="upload_not_found")


def check_can_send(session: Any, send: Send) -> ParleyError | None:
    """The one check of a new message: the session is open, and an agent writes only in a
    conversation assigned to them (`not_assigned`, or not found when the session is on a
    widget the agent does not work on: see `hide_foreign`)."""
    if session is None:
        return NOT_FOUND
    # Before the status: an agent of another widget must not learn that it has ended.
    if send.sender_type == "agent" and session["assigned_agent_id"] != send.sender_id:
        return Forbidden("accept the conversation before writing in it", code="not_assigned")
    if session["status"] in ENDED:
        return Conflict("this conversation has ended", code="session_closed")
    if send.sender_type == "ai" and not session["ai_mode"]:
        return Conflict("a person owns this conversation", code="ai_silenced")
    return None


def check_repeat(found: Any, send: Send) -> ParleyError | None:
    """A repeated client_msg_id is acknowledged to the agent who sent it only: anybody else
    learns nothing of another conversation's message (as if the session did not exist)."""
    if send.sender_type == "agent" and (found["sender_type"] != "agent"
                                        or found["sender_id"] != send.sender_id):
        return NOT_FOUND
    return None


def claim_files(send: Send, found: dict[str, Any],
                claimed: set[str]) -> list[dict[str, Any]] | ParleyError:
    """The summaries of a new message's files (`messages.meta["files"]`), if each is an
    upload of its session that no message has taken (in the database or earlier in this
    batch); else `upload_not_found`, the same for every reason."""
    files = []
    for upload_id in send.files or ():
        row = found.get(upload_id)
        if row is None or row["session_id"] != send.session_id \
                or row["message_id"] is not None or upload_id in claimed:
            return UPLOAD_NOT_FOUND
        files.append(uploads_db.summary(row))
    claimed.update(send.files or ())
    return files


def check_repeat_files(found: Any, send: Send) -> ParleyError | None:
    """A resend acks the stored message if it names only files that message has."""
    stored = {f["id"] for f in ((found["meta"] or {}).get("files") or ())}
    return UPLOAD_NOT_FOUND if not set(send.files or ()) <= stored else None


async def hide_foreign(conn: AsyncConnection, session: Any, actor: Actor,
                       error: ParleyError) -> ParleyError:
    """`not_assigned` for a session of the agent's widgets; not found for any other."""
    widget = await widgets_db.by_id(conn, session["widget_id"])
    return error if widget is not None and await sees_widget(conn, actor, widget) else NOT_FOUND
