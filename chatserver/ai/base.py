"""The one responder interface: given a conversation and the widget's AI settings, stream
reply text and report whether to hand over to a person, and why."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Turn:
    role: str  # visitor | ai | agent | system
    text: str
    no_match: bool = False  # an AI turn that found nothing in the knowledge base
    offer: str | None = None  # an AI turn that offered a person: the reason a yes hands over
    files: tuple[str, ...] = ()  # a visitor's or agent's turn: the names of the files sent


@dataclass(frozen=True)
class Passage:
    entry_id: int
    title: str
    text: str
    score: float
    coverage: float  # share of the question's content words found in the passage
    matched: int = 0  # how many of them
    query_terms: int = 0  # how many content words the question has
    similarity: float | None = None  # cosine with the question, when the index has vectors


@dataclass
class AIRequest:
    business_name: str
    history: list[Turn]  # oldest first; the last turn is the visitor's question
    passages: list[Passage]  # the best knowledge-base passages for the question
    settings: dict[str, Any]  # the widget's ai_settings
    language: str = "en"
    # The dense decision (knowledge.decide; Settings.ai_min_similarity, ai_answer_margin,
    # ai_hedge_similarity, ai_hedge_margin).
    min_similarity: float = 0.875
    answer_margin: float = 0.01
    hedge_similarity: float = 0.84
    hedge_margin: float = 0.035

    @property
    def question(self) -> str:
        return self.history[-1].text if self.history else ""


@dataclass
class Outcome:
    escalate: str | None = None  # a reason code when the responder wants a person
    no_match: bool = False  # the answer is "I don't know"
    offer: bool = False  # the answer offers a person (a yes hands over)
    sources: list[int] = field(default_factory=list)  # knowledge entries used
    tokens_in: int = 0
    tokens_out: int = 0
    model: str = ""


Emit = Callable[[str], Awaitable[None]]


class AIError(Exception):
    """The provider could not answer (after retries and the fallback model)."""

    def __init__(self, message: str, code: str = "ai_error") -> None:
        super().__init__(message)
        self.code = code


class Responder(Protocol):
    name: str

    async def respond(self, request: AIRequest, emit: Emit) -> Outcome:
        """Call `emit` with each piece of text as it is produced; return the decision."""
        ...
