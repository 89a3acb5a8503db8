"""The shapes that cross module boundaries: a message as everyone sees it, and the events
services publish on the bus.

Services publish events, never frames for a socket: the socket layer (chatserver/realtime/)
turns an event into the frame its sockets send, and decides which of them get it. A public
event's payload is the frame of the same `type` that docs/protocol.md documents; internal
events (`kind`) tell sockets to follow or stop following a session, or to close.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict


class Source(TypedDict):
    """A knowledge-base entry an AI answer is drawn from."""

    id: int
    title: str
    url: str | None


class FileView(TypedDict):
    """A file attached to a message (uploaded first; services/writer.py links it)."""

    id: str
    name: str
    type: str
    size: int
    width: int | None
    height: int | None
    thumb: bool


class MessageView(TypedDict):
    """A stored message as clients see it (REST, `message` frames, replays)."""

    session_id: str
    id: int
    seq: int
    sender_type: str
    sender_name: str | None
    text: str
    created_at: str
    client_msg_id: str
    # AI messages: the entries quoted or cited, and an offer of a person.
    sources: NotRequired[list[Source]]
    offer: NotRequired[Literal["person"]]
    # Visitor and agent messages: the files sent with it, in the order sent.
    files: NotRequired[list[FileView]]
    # System messages: what happened, as a stable code and its params (names), so a client
    # renders it in its reader's language (services/system_texts.py); `text` is the English.
    code: NotRequired[str]
    params: NotRequired[dict[str, str]]


class PublicEvent(TypedDict):
    """Something clients are told: `frame` is the protocol frame (its `type` names it)."""

    frame: dict[str, Any]
    # The socket that caused it and already knows (set by the socket layer only, for the
    # typing and seen relays: services never name a socket).
    exclude: NotRequired[str]


class FollowEvent(TypedDict):
    """To an agent's channel: a session became theirs (follow it from `from_seq` on), or is
    no longer (`leave`)."""

    kind: Literal["join", "leave"]
    session_id: str
    from_seq: NotRequired[int]


class SessionEvent(TypedDict):
    """To a session's channel: stop a streaming AI reply (`ai_cancel`)."""

    kind: Literal["ai_cancel"]
    session_id: str


class UserEvent(TypedDict):
    """To a user's channel: their tokens were revoked (close their sockets)."""

    kind: Literal["revoked"]


class ProfileEvent(TypedDict):
    """To a user's channel: their display name changed (their sockets sign with it)."""

    kind: Literal["profile"]
    display_name: str
