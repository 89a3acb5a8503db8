"""The system messages: each has a stable `code` and `params` (names, never translated text),
so that clients render it in their reader's language (docs/protocol.md, "System messages");
its stored `text` is the English below, for clients and tools that do not know the code.

`kind` is the `sys-<kind>-` prefix of the message's client_msg_id (db/notify.py finds the
emails left by it); several codes share one.
"""

from __future__ import annotations

from typing import NamedTuple


class SystemText(NamedTuple):
    kind: str
    english: str
    params: tuple[str, ...] = ()


SYSTEM_TEXTS: dict[str, SystemText] = {
    "joined": SystemText("joined", "{agent} joined the conversation.", ("agent",)),
    # An agent took the conversation from the AI (watching it, or from the list of AI chats).
    "taken_over": SystemText("joined", "{agent} joined the conversation.", ("agent",)),
    "reopened": SystemText("reopened", "{agent} reopened the conversation.", ("agent",)),
    "visitor_reopened": SystemText("reopened", "The visitor reopened the conversation."),
    "transfer": SystemText("transfer", "{from} transferred the conversation to {to}.",
                           ("from", "to")),
    "hand_back": SystemText("hand_back", "The assistant is back in the conversation."),
    "closed": SystemText("closed", "The conversation was closed."),
    "abandoned": SystemText("abandoned", "The visitor left; the conversation was closed."),
    "email": SystemText("email", "Email address saved: the team will reply by email."),
    "escalated": SystemText("escalated", "The conversation was handed to a person."),
    "email_reopened": SystemText(
        "reopened", "The visitor replied by email; the conversation was reopened."),
    "email_escalated": SystemText("escalated", "The conversation was handed to a person."),
}


def english(code: str, params: dict[str, str]) -> str:
    """The English text of a system message."""
    spec = SYSTEM_TEXTS[code]
    if set(params) != set(spec.params):
        raise ValueError(f"system message {code!r} takes {spec.params}, not {sorted(params)}")
    return spec.english.format(**params)
