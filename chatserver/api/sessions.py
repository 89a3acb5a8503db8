"""Visitor sessions (public, visitor token) and the agents' views of them (JWT)."""

from __future__ import annotations

import math
import time

from chatserver.api.base import APIHandler
from chatserver.api.widgets import PublicAPIHandler
from chatserver.domain import ESCALATION_REASONS
from chatserver.errors import RateLimited
from chatserver.limits import ID_MAX, MESSAGES_PAGE_DEFAULT, MESSAGES_PAGE_MAX
from chatserver.services import (
    ai_live,
    chat,
    history_filters,
    sessions,
    tracking,
    triggers,
    visitors,
    widgets,
)
from chatserver.services.access import Actor
from chatserver.services.auth import VISITOR_TOKEN_PREFIX
from chatserver.validate import Fields


class VisitorAPIHandler(PublicAPIHandler):
    async def caller(self, site_key: str) -> tuple[str | None, Actor | None]:
        """(visitor token, None) or (None, agent) from the Authorization header."""
        self.check_origin(await self.allowed_origins(site_key) + self.ctx.settings.ui_origin_list)
        token = self.bearer()
        if token is not None and token.startswith(VISITOR_TOKEN_PREFIX):
            return token, None
        return None, await self.optional_actor()


class SessionsHandler(VisitorAPIHandler):
    async def post(self, site_key: str) -> None:
        self.check_origin(await self.allowed_origins(site_key))
        wait = self.ctx.session_limiter.hit(self.client_ip, time.monotonic())
        if wait:
            raise RateLimited("too many new conversations from this address",
                              headers={"Retry-After": str(math.ceil(wait))})
        widget = await widgets.widget_row(self.ctx, site_key)
        body = self.json_body()
        tracked = tracking.session_tracking_id(widget, body)  # visitor tracking: checked first
        trigger = triggers.session_trigger_id(body)  # a proactive message answered
        result = await sessions.create_session(
            self.ctx, widget, body, ip=self.client_ip,
            user_agent=self.request.headers.get("User-Agent", ""))
        if result["existing"]:
            # The visitor's open conversation, which another tab started at the same instant.
            self.send_json(result, status=200)
            return
        if trigger is not None:  # the trigger's message first (services/triggers.py)
            result = await triggers.answered(self.ctx, widget, trigger, result)
        if tracked is not None:  # pre-chat pages, an agent's invitation (services/tracking.py)
            result = await tracking.carry(self.ctx, widget, tracked, result)
        self.send_json(result, status=201)


class VisitorHomeHandler(VisitorAPIHandler):
    """The widget's home: the visitor's conversations (their device token, or a signed identity
    whose device gets a token here)."""

    async def post(self, site_key: str) -> None:
        token, _ = await self.caller(site_key)
        widget = await widgets.widget_row(self.ctx, site_key)
        body = self.json_body()
        self.send_json(await visitors.home(self.ctx, widget, token, body.get("identity_token")))


class ReopenHandler(VisitorAPIHandler):
    async def post(self, site_key: str, session_id: str) -> None:
        token, actor = await self.caller(site_key)
        self.send_json(await visitors.reopen(self.ctx, site_key, session_id, visitor_token=token,
                                             actor=actor))


class MessagesHandler(VisitorAPIHandler):
    async def get(self, site_key: str, session_id: str) -> None:
        token, actor = await self.caller(site_key)
        f = Fields({"after_seq": _int_arg(self, "after_seq", 0),
                    "limit": _int_arg(self, "limit", MESSAGES_PAGE_DEFAULT)})
        after_seq = f.integer("after_seq", min=0, max=ID_MAX)
        limit = f.integer("limit", min=1, max=MESSAGES_PAGE_MAX)
        f.check()
        self.send_json(await sessions.history(
            self.ctx, site_key, session_id, after_seq=after_seq or 0, limit=limit or MESSAGES_PAGE_DEFAULT,
            visitor_token=token, actor=actor))


def _int_arg(handler: APIHandler, name: str, default: int) -> int | str:
    raw = handler.get_query_argument(name, None)
    if raw is None or raw == "":
        return default
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else raw


class EscalateHandler(VisitorAPIHandler):
    async def post(self, site_key: str, session_id: str) -> None:
        token, actor = await self.caller(site_key)
        f = Fields(self.json_body())
        reason = f.choice("reason", ESCALATION_REASONS)
        f.check()
        result = await chat.escalate(self.ctx, site_key, session_id, reason=reason,
                                         visitor_token=token, actor=actor)
        self.send_json(result)


class QueuePositionHandler(VisitorAPIHandler):
    async def get(self, site_key: str, session_id: str) -> None:
        token, actor = await self.caller(site_key)
        self.send_json(await sessions.queue_position(self.ctx, site_key, session_id,
                                                     visitor_token=token, actor=actor))


class AgentStatsHandler(APIHandler):
    async def get(self) -> None:
        self.send_json(await sessions.agent_stats(self.ctx, await self.actor()))


def _inbox_filter(handler: APIHandler) -> history_filters.HistoryFilter:
    """The inbox lists' `label` and `widget` parameters (services/history_filters.py)."""
    return history_filters.parse({name: handler.get_query_arguments(name)
                                  for name in handler.request.query_arguments},
                                 history_filters.INBOX_NAMES)


class ActiveChatsHandler(APIHandler):
    async def get(self) -> None:
        actor = await self.actor()
        self.send_json({"sessions": await sessions.active_chats(self.ctx, actor,
                                                                _inbox_filter(self))})


class WaitingSessionsHandler(APIHandler):
    async def get(self) -> None:
        actor = await self.actor()
        self.send_json({"sessions": await sessions.waiting_sessions(self.ctx, actor,
                                                                    _inbox_filter(self))})


class AISessionsHandler(APIHandler):
    async def get(self) -> None:
        self.send_json({"sessions": await ai_live.ai_sessions(self.ctx, await self.actor())})


routes = [
    (r"/api/widgets/escalate/([^/]+)/([^/]+)", EscalateHandler),
    (r"/api/widgets/queue-position/([^/]+)/([^/]+)", QueuePositionHandler),
    (r"/api/widgets/([^/]+)/sessions", SessionsHandler),
    (r"/api/widgets/([^/]+)/sessions/([^/]+)/messages", MessagesHandler),
    (r"/api/widgets/([^/]+)/sessions/([^/]+)/reopen", ReopenHandler),
    (r"/api/widgets/([^/]+)/visitor", VisitorHomeHandler),
    (r"/api/agents/stats", AgentStatsHandler),
    (r"/api/agents/active-chats", ActiveChatsHandler),
    (r"/api/agents/waiting-sessions", WaitingSessionsHandler),
    (r"/api/agents/ai-sessions", AISessionsHandler),
]
