"""/api/agents/history, /api/agents/sessions/<id> (and its transcript by email),
/api/agents/team and /api/canned-responses: what the agent inbox reads besides its socket."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.errors import NotFound
from chatserver.limits import HISTORY_SEARCH_PAGE_MAX
from chatserver.services import canned, history_filters, inbox, transcripts
from chatserver.validate import Fields


def _int_query(handler: APIHandler, name: str, default: int) -> int | str:
    raw = handler.get_query_argument(name, None)
    if raw is None or raw == "":
        return default
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else raw


class HistoryHandler(APIHandler):
    async def get(self) -> None:
        actor = await self.actor()
        f = Fields({"q": self.get_query_argument("q", None),
                    "limit": _int_query(self, "limit", 25),
                    "offset": _int_query(self, "offset", 0)})
        query = f.text("q", max_len=inbox.QUERY_MAX)
        limit = f.integer("limit", min=1, max=HISTORY_SEARCH_PAGE_MAX)
        offset = f.integer("offset", min=0, max=1_000_000)
        f.check()
        flt = history_filters.parse({name: self.get_query_arguments(name)
                                     for name in self.request.query_arguments})
        self.send_json(await inbox.search_history(self.ctx, actor, query=query,
                                                  limit=limit or 25, offset=offset or 0,
                                                  flt=flt))


class SessionDetailsHandler(APIHandler):
    async def get(self, session_id: str) -> None:
        actor = await self.actor()
        self.send_json(await inbox.session_details(self.ctx, actor, session_id))


class TranscriptHandler(APIHandler):
    async def post(self, session_id: str) -> None:
        actor = await self.actor()
        self.send_json(await transcripts.request_transcript(self.ctx, actor, session_id),
                       status=202)


class TeamHandler(APIHandler):
    async def get(self) -> None:
        self.send_json({"agents": await inbox.team(self.ctx, await self.actor())})


class CannedListHandler(APIHandler):
    async def get(self) -> None:
        actor = await self.actor()
        site_key = self.get_query_argument("site_key", None) or None
        self.send_json({"canned_responses": await canned.list_canned(self.ctx, actor, site_key)})

    async def post(self) -> None:
        actor = await self.actor()
        self.send_json({"canned_response": await canned.create_canned(
            self.ctx, actor, self.json_body())}, status=201)


def _canned_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise NotFound("no such canned response", code="canned_not_found")
    return int(raw)


class CannedHandler(APIHandler):
    async def put(self, canned_id: str) -> None:
        actor = await self.actor()
        self.send_json({"canned_response": await canned.update_canned(
            self.ctx, actor, _canned_id(canned_id), self.json_body())})

    async def delete(self, canned_id: str) -> None:
        actor = await self.actor()
        await canned.delete_canned(self.ctx, actor, _canned_id(canned_id))
        self.set_status(204)
        self.finish()


routes = [
    (r"/api/agents/history", HistoryHandler),
    (r"/api/agents/sessions/([^/]+)", SessionDetailsHandler),
    (r"/api/agents/sessions/([^/]+)/transcript", TranscriptHandler),
    (r"/api/agents/team", TeamHandler),
    (r"/api/canned-responses", CannedListHandler),
    (r"/api/canned-responses/([^/]+)", CannedHandler),
]
