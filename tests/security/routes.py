"""The REST API's routes, read from the application's router, and what each URL parameter names.

The security tests walk every route from here, so a new endpoint is attacked as soon as it
exists: ``test_every_api_route_is_classified`` fails until its parameters and its
authentication are written down below.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import tornado.web

from chatserver.api.base import APIHandler


@dataclass(frozen=True)
class Spec:
    """params: what each URL group is (site_key, session_id, entry_id, canned_id, user_id,
    email_id: an email in the outbox, upload_id: an uploaded file, label_id: a label,
    view_id: a user's saved view, avatar_id: a user's picture, which visitors see too,
    tracking_id: a tracked visitor of the site, services/tracking.py; trigger_id: a widget's
    proactive trigger, services/triggers.py; source_id: a knowledge source,
    services/knowledge_sources.py).
    auth: "jwt" (a signed-in user), "visitor" (a visitor token or a JWT, Origin checked),
    "public" (anyone, Origin checked), "none" (anyone; a token, if sent, must be valid),
    "metrics" (its own rules). admin: only admins, checked before anything else.
    query: query parameters that name an object (checked like a URL parameter)."""

    params: tuple[str, ...] = ()
    auth: str = "jwt"
    admin: bool = False
    query: tuple[str, ...] = ()


SPECS: dict[str, Spec] = {
    "/api/health": Spec(auth="none"),
    "/api/openapi.json": Spec(auth="none"),
    "/metrics": Spec(auth="metrics"),
    "/api/auth/register": Spec(auth="none"),
    "/api/auth/login": Spec(auth="none"),
    "/api/auth/agent-login": Spec(auth="none"),
    "/api/auth/me": Spec(),
    "/api/auth/me/settings": Spec(),
    "/api/auth/me/avatar": Spec(),
    "/api/avatars/([^/]+)": Spec(("avatar_id",), auth="public"),
    "/api/auth/logout": Spec(),
    "/api/auth/password": Spec(),
    "/api/auth/users": Spec(admin=True),
    "/api/auth/users/([^/]+)": Spec(("user_id",), admin=True),
    "/api/auth/users/([^/]+)/role": Spec(("user_id",), admin=True),
    "/api/auth/users/([^/]+)/password": Spec(("user_id",), admin=True),
    "/api/widgets/escalate/([^/]+)/([^/]+)": Spec(("site_key", "session_id"), auth="visitor"),
    "/api/widgets/queue-position/([^/]+)/([^/]+)": Spec(("site_key", "session_id"),
                                                       auth="visitor"),
    "/api/widgets/([^/]+)/sessions": Spec(("site_key",), auth="public"),
    "/api/widgets/([^/]+)/sessions/([^/]+)/messages": Spec(("site_key", "session_id"),
                                                          auth="visitor"),
    "/api/widgets/([^/]+)/sessions/([^/]+)/uploads": Spec(("site_key", "session_id"),
                                                         auth="visitor"),
    "/api/widgets/([^/]+)/sessions/([^/]+)/context": Spec(("site_key", "session_id"),
                                                         auth="visitor"),
    "/api/widgets/([^/]+)/sessions/([^/]+)/reopen": Spec(("site_key", "session_id"),
                                                        auth="visitor"),
    "/api/widgets/([^/]+)/visitor": Spec(("site_key",), auth="public"),
    "/api/files/([^/]+)": Spec(("upload_id",), auth="visitor"),
    "/api/files/([^/]+)/thumb": Spec(("upload_id",), auth="visitor"),
    "/api/widgets/([^/]+)/config": Spec(("site_key",), auth="public"),
    "/api/widgets/([^/]+)/availability": Spec(("site_key",), auth="public"),
    "/api/widgets/([^/]+)/track": Spec(("site_key",), auth="public"),
    "/api/widgets/([^/]+)/trigger-events": Spec(("site_key",), auth="public"),
    "/api/widgets/([^/]+)/triggers": Spec(("site_key",)),
    "/api/widgets/([^/]+)/triggers/([^/]+)": Spec(("site_key", "trigger_id")),
    "/api/visitors": Spec(),
    "/api/visitors/([^/]+)/([^/]+)/invite": Spec(("site_key", "tracking_id")),
    "/api/agents/stats": Spec(),
    "/api/agents/active-chats": Spec(),
    "/api/agents/waiting-sessions": Spec(),
    "/api/agents/ai-sessions": Spec(),
    "/api/agents/history": Spec(),
    "/api/agents/team": Spec(),
    "/api/agents/sessions/([^/]+)": Spec(("session_id",)),
    "/api/agents/sessions/([^/]+)/transcript": Spec(("session_id",)),
    "/api/agents/sessions/([^/]+)/notes": Spec(("session_id",)),
    "/api/agents/sessions/([^/]+)/save-answer": Spec(("session_id",)),
    "/api/widgets": Spec(),
    "/api/widgets/stats/overview": Spec(),
    "/api/widgets/([^/]+)": Spec(("site_key",)),
    "/api/widgets/([^/]+)/agents": Spec(("site_key",)),
    "/api/widgets/([^/]+)/agents/([^/]+)": Spec(("site_key", "user_id"), admin=True),
    "/api/widgets/([^/]+)/identity-secret": Spec(("site_key",)),
    "/api/widgets/([^/]+)/identity-secret/previous": Spec(("site_key",)),
    "/api/widgets/([^/]+)/knowledge": Spec(("site_key",)),
    "/api/widgets/([^/]+)/knowledge/import": Spec(("site_key",)),
    "/api/widgets/([^/]+)/knowledge/try": Spec(("site_key",)),
    "/api/widgets/([^/]+)/knowledge/gaps": Spec(("site_key",)),
    "/api/widgets/([^/]+)/knowledge/sources": Spec(("site_key",)),
    "/api/widgets/([^/]+)/knowledge/sources/([^/]+)": Spec(("site_key", "source_id")),
    "/api/widgets/([^/]+)/knowledge/sources/([^/]+)/sync": Spec(("site_key", "source_id")),
    "/api/widgets/([^/]+)/knowledge/files": Spec(("site_key",)),
    "/api/widgets/([^/]+)/knowledge/([^/]+)/publish": Spec(("site_key", "entry_id")),
    "/api/widgets/([^/]+)/knowledge/([^/]+)": Spec(("site_key", "entry_id")),
    "/api/canned-responses": Spec(query=("site_key",)),
    "/api/canned-responses/([^/]+)": Spec(("canned_id",)),
    "/api/analytics": Spec(query=("site_key",)),
    "/api/analytics/live": Spec(query=("site_key",)),
    "/api/admin/outbox": Spec(admin=True),
    "/api/admin/outbox/counts": Spec(admin=True),
    "/api/admin/outbox/([^/]+)/retry": Spec(("email_id",), admin=True),
    "/api/admin/audit": Spec(admin=True),
    "/api/admin/privacy/visitors": Spec(admin=True),
    "/api/admin/privacy/export": Spec(admin=True),
    "/api/admin/privacy/erase": Spec(admin=True),
    "/api/labels": Spec(),
    "/api/labels/([^/]+)": Spec(("label_id",), admin=True),
    "/api/agents/sessions/([^/]+)/labels": Spec(("session_id",)),
    "/api/agents/sessions/([^/]+)/labels/([^/]+)": Spec(("session_id", "label_id")),
    "/api/agents/views": Spec(),
    "/api/agents/views/([^/]+)": Spec(("view_id",)),
}


@dataclass(frozen=True)
class Route:
    pattern: str
    handler: type[APIHandler]
    methods: tuple[str, ...]  # OPTIONS (CORS preflight) left out
    spec: Spec
    rule: Any

    def path(self, **values: Any) -> str:
        """The URL with each parameter filled from ``values`` by what it names."""
        args = [str(values[name]) for name in self.spec.params]
        path: str = self.rule.matcher.reverse(*args)
        return path

    def __str__(self) -> str:
        return self.pattern


def api_routes(app: tornado.web.Application) -> Iterator[Route]:
    """Every JSON API route of the app (UI pages, static files and sockets left out)."""
    for rule in app.wildcard_router.rules:
        handler = rule.target
        if not (isinstance(handler, type) and issubclass(handler, APIHandler)):
            continue
        pattern = rule.matcher.regex.pattern.removesuffix("$")
        methods = tuple(m for m in handler.allowed_methods() if m != "OPTIONS")
        yield Route(pattern, handler, methods, SPECS.get(pattern, Spec(auth="unclassified")),
                    rule)


# A body each write accepts, so that a refusal is about who is asking, not what was sent.
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/auth/register"): {"username": "newbie", "email": "newbie@example.com",
                                     "password": "correct-horse-battery"},
    ("POST", "/api/auth/login"): {"email": "nobody@example.com", "password": "x"},
    ("POST", "/api/auth/agent-login"): {"email": "nobody@example.com", "password": "x"},
    ("PUT", "/api/auth/me"): {"display_name": "Mallory"},
    ("PUT", "/api/auth/me/settings"): {"notifications": {"digest": False}},
    ("POST", "/api/auth/password"): {"current_password": "correct-horse-battery",
                                     "new_password": "another-good-pass"},
    ("PUT", "/api/auth/users/([^/]+)/role"): {"role": "agent"},
    ("POST", "/api/auth/users/([^/]+)/password"): {"password": "reset-pass-123"},
    ("POST", "/api/widgets"): {"business_name": "Mine"},
    ("PUT", "/api/widgets/([^/]+)"): {"widget_title": "Owned"},
    ("POST", "/api/widgets/([^/]+)/knowledge"): {"title": "Q", "body": "A"},
    ("PUT", "/api/widgets/([^/]+)/knowledge/([^/]+)"): {"body": "changed"},
    ("POST", "/api/widgets/([^/]+)/knowledge/import"): {"format": "markdown",
                                                        "content": "## Q?\nA\n"},
    ("POST", "/api/widgets/([^/]+)/knowledge/try"): {"question": "refunds?"},
    ("POST", "/api/canned-responses"): {"shortcut": "mine", "text": "Hi"},
    ("PUT", "/api/canned-responses/([^/]+)"): {"text": "changed"},
    ("POST", "/api/widgets/escalate/([^/]+)/([^/]+)"): {},
    ("POST", "/api/widgets/([^/]+)/sessions"): {},
    ("POST", "/api/agents/sessions/([^/]+)/transcript"): {},
    ("POST", "/api/labels"): {"name": "Mine", "color": "red"},
    ("PUT", "/api/labels/([^/]+)"): {"name": "Renamed"},
    ("POST", "/api/agents/views"): {"name": "Mine", "filters": {}},
    ("PUT", "/api/agents/views/([^/]+)"): {"name": "Renamed"},
}


def body_for(method: str, route: Route) -> Any:
    if method in ("GET", "DELETE", "HEAD"):
        return None
    return BODIES.get((method, route.pattern), {})
