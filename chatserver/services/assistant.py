"""Runs the AI in conversations: on each visitor message (while the AI owns the session) it
checks for a hand-off, retrieves knowledge, streams the reply as `ai_delta` frames, persists
the final `ai` message, accounts tokens, and hands over to a person when it should.

One reply at a time per session; a message that arrives meanwhile is answered next. A reply
is cancelled (and its upstream request closed) when an agent takes over or the session ends,
never because the visitor's socket dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from chatserver import metrics
from chatserver.ai.base import AIError, AIRequest, Outcome, Responder, Turn
from chatserver.ai.escalation import detect
from chatserver.ai.knowledge import KnowledgeIndex
from chatserver.ai.language import guess, supported
from chatserver.ai.offer import answer_to_offer
from chatserver.ai.offline import OfflineResponder, stream_words
from chatserver.ai.openai import OpenAIResponder, make_client
from chatserver.ai.phrases import phrase, wait_text
from chatserver.bus import Event, session_channel
from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import knowledge as kb_db
from chatserver.db import session_context as context_db
from chatserver.db import sessions as sessions_db
from chatserver.db import widgets as widgets_db
from chatserver.errors import ParleyError
from chatserver.services import chat
from chatserver.services.access import OPERATOR
from chatserver.services.hours import is_open
from chatserver.services.knowledge import decision_settings, index_for, search
from chatserver.services.publish import publish_frame
from chatserver.services.sessions import wait_estimate
from chatserver.tasks import spawn
from chatserver.timeutil import iso, utcnow

log = logging.getLogger(__name__)

ASSISTANT_NAME = "Assistant"
HISTORY_LIMIT = 30


@dataclass
class ProviderStatus:
    """What /api/health says about the AI, from the last calls (never a live probe)."""

    provider: str
    state: str = "unknown"  # unknown | ok | failing
    last_ok_at: float | None = None
    last_error_at: float | None = None
    last_error: str | None = None
    consecutive_failures: int = 0

    def ok(self) -> None:
        self.state, self.last_ok_at, self.consecutive_failures = "ok", time.time(), 0

    def failed(self, message: str) -> None:
        self.consecutive_failures += 1
        self.state, self.last_error_at, self.last_error = "failing", time.time(), message[:200]

    def as_dict(self) -> dict[str, Any]:
        def ts(t: float | None) -> str | None:
            return None if t is None else iso(datetime.fromtimestamp(t, UTC))
        return {"provider": self.provider, "status": self.state,
                "last_ok_at": ts(self.last_ok_at), "last_error_at": ts(self.last_error_at),
                "last_error": self.last_error,
                "consecutive_failures": self.consecutive_failures}


@dataclass
class _Running:
    task: asyncio.Task[None]
    stream: asyncio.Task[Outcome] | None = None
    again: bool = False
    listener: Any = None
    cancelled: bool = field(default=False)


class AIRunner:
    """Built at start-up before the Context (chatserver/app.py), which is given
    `on_visitor_message` as its hook; like every service function it takes the context with
    each call, and keeps only its own state: the replies running and the providers' health."""

    def __init__(self, settings: Settings) -> None:
        self.settings = s = settings
        self.default = "none" if s.ai_provider == "none" else (
            "openai" if s.ai_provider == "openai" or (s.ai_provider == "auto" and s.ai_api_key)
            else "offline")
        self.http: httpx.AsyncClient | None = None
        self.running: dict[str, _Running] = {}
        self.status = {"openai": ProviderStatus("openai"), "offline": ProviderStatus("offline")}

    async def close(self) -> None:
        for run in list(self.running.values()):
            run.task.cancel()
        if self.http is not None:
            await self.http.aclose()

    def responder(self, provider: str) -> Responder:
        if provider == "openai":
            if self.http is None:
                self.http = make_client(self.settings)
            return OpenAIResponder(self.settings, self.http)
        return OfflineResponder()

    def health(self) -> dict[str, Any]:
        return {"default_provider": self.default,
                **({"openai": self.status["openai"].as_dict()} if self.default == "openai"
                   or self.status["openai"].state != "unknown" else {})}

    # --- scheduling ----------------------------------------------------------------------

    def on_visitor_message(self, ctx: Context, session_id: str) -> None:
        run = self.running.get(session_id)
        if run is not None:
            run.again = True
            return
        task = spawn(self._loop(ctx, session_id))
        self.running[session_id] = _Running(task=task)

    async def _loop(self, ctx: Context, session_id: str) -> None:
        run = self.running[session_id]

        def on_event(event: Event) -> None:
            if event.get("kind") == "ai_cancel":
                run.cancelled = True
                if run.stream is not None:
                    run.stream.cancel()

        run.listener = on_event
        channel = session_channel(session_id)
        await ctx.bus.subscribe(channel, on_event)
        try:
            while True:
                run.again = False
                run.cancelled = False
                await self._reply(ctx, session_id, run)
                if not run.again or run.cancelled:
                    break
        finally:
            await ctx.bus.unsubscribe(channel, on_event)
            self.running.pop(session_id, None)

    # --- one reply -----------------------------------------------------------------------

    async def _reply(self, ctx: Context, session_id: str, run: _Running) -> None:
        async with ctx.engine.connect() as conn:
            session = await sessions_db.get(conn, session_id)
            if session is None or session["status"] != "active" or not session["ai_mode"]:
                return
            widget = await widgets_db.by_id(conn, session["widget_id"])
            rows = await kb_db.history(conn, session_id, HISTORY_LIMIT)
            ai_count = await kb_db.ai_messages_in(conn, session_id)
            usage = await kb_db.usage_today(conn, session["widget_id"], utcnow().date())
            visitor_context = await context_db.get(conn, session_id)
        if widget is None or not widget["ai_enabled"]:
            return
        settings: dict[str, Any] = widget["ai_settings"] or {}
        provider = settings.get("provider") or "default"
        provider = self.default if provider == "default" else provider
        if provider == "none":
            return
        history = [_turn(r) for r in rows]
        if not history or history[-1].role != "visitor":
            return
        # The widget's fixed language, else the visitor's message's; one too short to tell
        # ("ok", "no grazie") is in the language of their earlier messages, else their
        # browser's.
        browser = supported(visitor_context["language"]) if visitor_context else None
        earlier = " ".join([t.text for t in history[:-1] if t.role == "visitor"][-3:])
        language = settings.get("language") or guess(
            history[-1].text, default=guess(earlier, default=browser or "en"))

        offered = history[-2].offer if len(history) >= 2 and history[-2].role == "ai" else None
        if offered is not None:  # the visitor answers the offer of a person
            answer = answer_to_offer(history[-1].text)
            if answer == "yes":
                await self._hand_off(ctx, session, widget, offered, language, run)
                return
            if answer == "no":
                await self._say(ctx, session_id, phrase(language, "offer_declined"), run)
                return

        reason = detect(history)
        if reason is None:
            reason = self._over_budget(settings, ai_count, usage)
        if reason is not None:
            await self._hand_off(ctx, session, widget, reason, language, run)
            return

        index = await index_for(ctx, widget["id"])
        passages = await search(ctx, index, history)
        if provider == "openai" and index.chars() <= 4 * self.settings.ai_full_knowledge_tokens:
            passages = index.with_everything(passages)  # small: the model sees all of it
        request = AIRequest(business_name=widget["business_name"], history=history,
                            passages=passages, settings=settings,
                            language=language,
                            **decision_settings(self.settings))
        reply_id = f"ai-{uuid.uuid4().hex}"
        pieces: list[str] = []
        channel = session_channel(session_id)

        started = time.monotonic()

        async def emit(text: str) -> None:
            if run.cancelled:
                raise asyncio.CancelledError
            if not pieces:
                metrics.AI_FIRST_TOKEN.labels(provider).observe(time.monotonic() - started)
            pieces.append(text)
            await publish_frame(ctx, channel, {
                "type": "ai_delta", "session_id": session_id, "reply_id": reply_id,
                "index": len(pieces) - 1, "text": text})

        await self._typing(ctx, session_id, True)
        status = self.status.get(provider)
        answered_from = 0  # the pieces before this index belong to a failed provider's answer
        offer_reason = "no_knowledge_match"
        run.stream = asyncio.ensure_future(self.responder(provider).respond(request, emit))
        try:
            try:
                outcome = await run.stream
                if status:
                    status.ok()
            except AIError as exc:
                metrics.AI_REPLY.labels(provider, "error").observe(time.monotonic() - started)
                if status:
                    status.failed(str(exc))
                log.warning("AI provider failed in session %s: %s", session_id, exc)
                # The knowledge base may still know: the offline responder answers from it,
                # and only when it cannot does the visitor get the apology and the offer.
                answered_from, offer_reason, provider = len(pieces), "ai_error", "offline"
                run.stream = asyncio.ensure_future(OfflineResponder().respond(
                    request, emit, apology=True))
                outcome = await run.stream
        except asyncio.CancelledError:
            metrics.AI_REPLY.labels(provider, "cancelled").observe(time.monotonic() - started)
            if not run.cancelled:  # we are being shut down, not told to stop
                raise
            log.info("AI reply in session %s cancelled", session_id)
            return
        finally:
            run.stream = None
            await self._typing(ctx, session_id, False)

        metrics.AI_REPLY.labels(provider, "ok").observe(time.monotonic() - started)
        text = "".join(pieces[answered_from:]).strip()
        meta: dict[str, Any] = {"provider": provider, "model": outcome.model,
                                "sources": _sources(outcome.sources, index)}
        if outcome.no_match:
            meta["no_match"] = True
        if outcome.no_match or outcome.offer:
            meta["offer"], meta["offer_reason"] = "person", offer_reason
        if text and not run.cancelled:
            try:
                await chat.send_message(ctx, session_id, sender_type="ai", text=text,
                                        client_msg_id=reply_id, sender_name=ASSISTANT_NAME,
                                        meta=meta)
            except ParleyError as exc:  # a person took over meanwhile: stay silent
                log.info("AI reply in session %s dropped: %s", session_id, exc.code)
                return
        await self._account(ctx, widget["id"], outcome)
        if outcome.escalate:
            await self._hand_off(ctx, session, widget, outcome.escalate, language, run)

    def _over_budget(self, settings: dict[str, Any], ai_count: int, usage: Any) -> str | None:
        limit = settings.get("visitor_message_limit")
        if limit and ai_count >= limit:
            return "budget_exhausted"
        budget = settings.get("daily_token_budget")
        if budget and usage is not None and usage["tokens_in"] + usage["tokens_out"] >= budget:
            return "budget_exhausted"
        return None

    async def _account(self, ctx: Context, widget_id: int, outcome: Outcome) -> None:
        metrics.AI_TOKENS.labels("in").inc(outcome.tokens_in)
        metrics.AI_TOKENS.labels("out").inc(outcome.tokens_out)
        async with ctx.engine.begin() as conn:
            await kb_db.add_usage(conn, widget_id, utcnow().date(),
                                  tokens_in=outcome.tokens_in, tokens_out=outcome.tokens_out)

    async def _typing(self, ctx: Context, session_id: str, on: bool) -> None:
        await publish_frame(ctx, session_channel(session_id), {
            "type": "typing", "session_id": session_id, "sender_type": "ai", "on": on})

    async def _hand_off(self, ctx: Context, session: Any, widget: Any, reason: str,
                        language: str, run: _Running) -> None:
        """Tell the visitor honestly what happens next (a realistic wait, or email), then
        put the session in the queue with the reason."""
        async with ctx.engine.connect() as conn:
            queue = await sessions_db.waiting_ids(conn, widget["id"])
            wait, online = await wait_estimate(ctx, conn, widget["id"], len(queue) + 1)
        if online == 0 or not is_open(widget, utcnow()):
            text = phrase(language, "handoff_offline")
        elif wait is not None:
            text = phrase(language, "handoff_wait", wait=wait_text(language, wait))
        else:
            text = phrase(language, "handoff_soon")
        try:
            if not await self._say(ctx, session["id"], text, run):
                return
            await chat.escalate(ctx, session["site_key"], session["id"], reason=reason,
                                actor=OPERATOR)
        except ParleyError as exc:
            log.info("hand-off of session %s skipped: %s", session["id"], exc.code)

    async def _say(self, ctx: Context, session_id: str, text: str, run: _Running) -> bool:
        """Stream a fixed text as an AI reply, then store it; False when a person took over
        meanwhile (nothing more is streamed or stored)."""
        reply_id = f"ai-{uuid.uuid4().hex}"
        pieces: list[str] = []

        async def emit(piece: str) -> None:
            if run.cancelled:
                raise _Silenced
            pieces.append(piece)
            await publish_frame(ctx, session_channel(session_id), {
                "type": "ai_delta", "session_id": session_id, "reply_id": reply_id,
                "index": len(pieces) - 1, "text": piece})

        try:
            await stream_words(text, emit)
        except _Silenced:
            return False
        try:
            await chat.send_message(ctx, session_id, sender_type="ai", text=text,
                                    client_msg_id=reply_id, sender_name=ASSISTANT_NAME)
        except ParleyError as exc:  # a person took over meanwhile: stay silent
            log.info("AI line in session %s dropped: %s", session_id, exc.code)
            return False
        return True


class _Silenced(Exception):
    """A person took over while the AI was saying a fixed text."""


def _turn(row: Any) -> Turn:
    meta = row["meta"] or {}
    offer = (meta.get("offer_reason") or "no_knowledge_match") \
        if meta.get("offer") == "person" else None
    return Turn(row["sender_type"], row["text"], no_match=bool(meta.get("no_match")),
                offer=offer, files=tuple(f["name"] for f in meta.get("files") or ()))


def _sources(entry_ids: list[int], index: KnowledgeIndex) -> list[dict[str, Any]]:
    """The entries an answer used, as clients show them: id, title and, for an entry from a
    web page, the page's URL."""
    titles = index.titles()
    return [{"id": i, "title": titles[i], "url": index.urls.get(i)}
            for i in entry_ids if i in titles]
