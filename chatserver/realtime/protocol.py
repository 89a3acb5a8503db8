"""The socket protocol's vocabulary (docs/protocol.md): close codes, the limits of frames,
the frames the server builds, and the checks of the fields clients send.

No Tornado and no I/O here: what a frame looks like is tested without a socket.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from chatserver.errors import ParleyError, ValidationError
from chatserver.events import MessageView
from chatserver.limits import ID_MAX, REQUEST_ID_MAX
from chatserver.validate import whole_number

# Close codes.
CLOSE_AUTH = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_AUTH_TIMEOUT = 4408
CLOSE_RATE = 4429
CLOSE_SLOW = 4009
CLOSE_RESTART = 1012
CLOSE_TRY_AGAIN = 1013

# Rate-limit errors tolerated within a window before the socket is closed with 4429.
RATE_STRIKES = 10
# typing and seen frames per session and socket per SIGNAL_WINDOW_S: far above what the widget
# and the inbox send (typing every few seconds, seen once per new message), low enough that a
# flood is not relayed to the other side (each one over it is a rate_limited error, a strike).
SIGNAL_LIMIT = 30
SIGNAL_WINDOW_S = 10.0
# Frames received but not yet handled, per socket: past this the client is flooding.
FRAME_QUEUE_MAX = 500
# Agent sockets not yet authenticated, per client address: an inbox opens one per tab and
# authenticates within milliseconds, so even an office behind one NAT stays far below this; a
# flood of sockets that never authenticate is refused at open (4429) instead of held until
# the auth timeout.
PENDING_AGENT_SOCKETS_PER_IP = 20
# Consecutive chat messages of one socket handed to the message writer at once.
GROUP_MAX = 64

INTERNAL_ERROR = ParleyError("internal error", code="internal_error", retryable=True)
# What an `unavailable` error says failed, by the frame that failed.
UNAVAILABLE_WHAT = {
    "message": "the message was not stored", "auth": "the token could not be checked",
    "fetch": "the messages could not be read", "typing": "the typing signal was not sent",
    "seen": "the read receipt was not sent", "note": "the note was not stored",
}
# Frames for the team only (private notes, mentions): a visitor's socket never sends one,
# whatever channel it arrives on (chatserver/realtime/visitor.py).
TEAM_ONLY_FRAMES = frozenset({"note", "note_ack", "mention"})


def unavailable(ftype: str) -> ParleyError:
    """The retryable error for a frame that failed because the database is unreachable."""
    what = UNAVAILABLE_WHAT.get(ftype, f"the {ftype[:40]} request was not carried out")
    return ParleyError(f"the database is unavailable: {what}; retry", code="unavailable",
                       retryable=True)


# --- frames the server builds -----------------------------------------------------------------


class AckFrame(TypedDict):
    """The message is committed; identical for every repeat of its client_msg_id."""

    type: Literal["ack"]
    session_id: str
    client_msg_id: str
    id: int
    seq: int


class MessageFrame(MessageView):
    """A stored message, live or replayed."""

    type: Literal["message"]


class ResetFrame(TypedDict):
    """Instead of a replay: reload the history up to last_seq over REST."""

    type: Literal["reset"]
    session_id: str
    last_seq: int


class ErrorFrame(TypedDict):
    """A request failed: a stable code, a message for people, and the request it answers."""

    type: Literal["error"]
    code: str
    message: str
    retryable: bool
    request_id: NotRequired[str]
    client_msg_id: NotRequired[str]
    fields: NotRequired[dict[str, str]]


class TypingFrame(TypedDict):
    """The other side started or stopped typing."""

    type: Literal["typing"]
    session_id: str
    sender_type: str
    on: bool


class SeenFrame(TypedDict):
    """The other side displayed everything up to seq."""

    type: Literal["seen"]
    session_id: str
    seq: int
    by: str


def error_frame(exc: ParleyError, request: dict[str, Any] | None = None) -> ErrorFrame:
    """An `error` frame; it names the request that failed by the request's `request_id` and
    `client_msg_id`, when it had them."""
    frame: ErrorFrame = {"type": "error", "code": exc.code, "message": exc.message,
                         "retryable": exc.retryable}
    request_id = _echoed(request, "request_id")
    if request_id is not None:
        frame["request_id"] = request_id
    client_msg_id = _echoed(request, "client_msg_id")
    if client_msg_id is not None:
        frame["client_msg_id"] = client_msg_id
    if exc.fields:
        frame["fields"] = exc.fields
    return frame


def _echoed(request: dict[str, Any] | None, key: str) -> str | None:
    """A request's id field, if it is one an error frame may carry back."""
    value = request.get(key) if request is not None else None
    return value if isinstance(value, str) and 0 < len(value) <= REQUEST_ID_MAX else None


def ack_frame(msg: MessageView) -> AckFrame:
    return {"type": "ack", "session_id": msg["session_id"], "client_msg_id": msg["client_msg_id"],
            "id": msg["id"], "seq": msg["seq"]}


class NoteAckFrame(TypedDict):
    """The note is committed; identical for every repeat of its client_msg_id."""

    type: Literal["note_ack"]
    session_id: str
    client_msg_id: str
    id: int


def note_ack_frame(session_id: str, client_msg_id: str, note_id: int) -> NoteAckFrame:
    return {"type": "note_ack", "session_id": session_id, "client_msg_id": client_msg_id,
            "id": note_id}


def message_frame(msg: MessageView) -> MessageFrame:
    return {"type": "message", **msg}


def reset_frame(session_id: str, last_seq: int) -> ResetFrame:
    return {"type": "reset", "session_id": session_id, "last_seq": last_seq}


def typing_frame(session_id: str, sender_type: str, on: bool) -> TypingFrame:
    return {"type": "typing", "session_id": session_id, "sender_type": sender_type, "on": on}


def seen_frame(session_id: str, seq: int, by: str) -> SeenFrame:
    return {"type": "seen", "session_id": session_id, "seq": seq, "by": by}


# --- fields clients send --------------------------------------------------------------------


def seq_arg(frame: dict[str, Any], name: str) -> int:
    seq = whole_number(frame.get(name))
    if seq is None:
        raise ValidationError(f"{name} must be a whole number from 0 to {ID_MAX}",
                              code="invalid_seq")
    return seq


def optional_seq_arg(frame: dict[str, Any], name: str) -> int | None:
    return None if frame.get(name) is None else seq_arg(frame, name)


def session_arg(frame: dict[str, Any]) -> str:
    sid = frame.get("session_id")
    if not isinstance(sid, str) or not 1 <= len(sid) <= 36:
        raise ValidationError("session_id is required", code="invalid_session_id")
    return sid


def agent_arg(frame: dict[str, Any], name: str) -> int:
    value = whole_number(frame.get(name))
    if not value:
        raise ValidationError(f"{name} must be an agent's id", code="invalid_agent")
    return value


def note_arg(frame: dict[str, Any]) -> str | None:
    note = frame.get("note")
    if note is not None and not isinstance(note, str):
        raise ValidationError("note must be text", code="invalid_note")
    return note
