"""The words of a conversation that every floor uses: a session's statuses, who sends
messages, why a conversation is escalated. Plain values, no behaviour."""

from __future__ import annotations

from enum import StrEnum


class SessionStatus(StrEnum):
    ACTIVE = "active"  # the AI (or nobody yet) answers
    WAITING = "waiting"  # in its widget's queue for a person
    ASSIGNED = "assigned"  # an agent owns it
    CLOSED = "closed"  # ended by the visitor, an agent or the operator
    ABANDONED = "abandoned"  # the visitor left without a word (idle_abandon_s)


OPEN = (SessionStatus.ACTIVE, SessionStatus.WAITING, SessionStatus.ASSIGNED)
ENDED = (SessionStatus.CLOSED, SessionStatus.ABANDONED)
# Sessions nobody has answered yet: the idle sweep may abandon them.
UNANSWERED = (SessionStatus.ACTIVE, SessionStatus.WAITING)

ESCALATION_REASONS = ("explicit_request", "frustration", "repeated_failure",
                      "no_knowledge_match", "model_request", "ai_error", "budget_exhausted",
                      "email_reply")
