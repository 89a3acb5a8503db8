"""/api/widgets/{siteKey}/knowledge: the widget's knowledge base (owners and admins change
it; the widget's agents may read it and try it), its gaps (what the AI could not answer) and
drafts; /api/agents/sessions/{id}/save-answer: an agent's reply as a draft."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.errors import NotFound, ValidationError
from chatserver.services import knowledge, knowledge_gaps
from chatserver.validate import Fields

MAX_IMPORT_CHARS = 60_000  # below the 64 KiB body limit


def _entry_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise NotFound("no such entry", code="entry_not_found")
    return int(raw)


def _int_arg(raw: str | None, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise ValidationError(f"{name} is a whole number", code=f"invalid_{name}",
                              fields={name: "a whole number"})
    return int(raw)


class KnowledgeHandler(APIHandler):
    async def get(self, site_key: str) -> None:
        status = Fields({"status": self.get_query_argument("status", None) or None})
        wanted = status.choice("status", ("draft", "published"))
        status.check()
        entries = await knowledge.list_entries(self.ctx, await self.actor(), site_key, wanted)
        self.send_json({"entries": entries})

    async def post(self, site_key: str) -> None:
        actor = await self.actor()
        entry = knowledge.parse_entry(self.json_body())
        (created,) = await knowledge.add_entries(self.ctx, actor, site_key, [entry])
        self.send_json({"entry": created}, status=201)


class KnowledgeEntryHandler(APIHandler):
    async def put(self, site_key: str, entry_id: str) -> None:
        entry = await knowledge.update_entry(self.ctx, await self.actor(), site_key,
                                             _entry_id(entry_id), self.json_body())
        self.send_json({"entry": entry})

    async def delete(self, site_key: str, entry_id: str) -> None:
        await knowledge.delete_entry(self.ctx, await self.actor(), site_key, _entry_id(entry_id))
        self.set_status(204)
        self.finish()


class KnowledgeImportHandler(APIHandler):
    async def post(self, site_key: str) -> None:
        actor = await self.actor()
        f = Fields(self.json_body())
        fmt = f.choice("format", ("markdown", "csv"), required=True)
        content = f.text("content", required=True, max_len=MAX_IMPORT_CHARS, multiline=True)
        f.check()
        assert fmt is not None and content is not None
        items = knowledge.parse_import(content, fmt)
        entries = await knowledge.add_entries(self.ctx, actor, site_key, items)
        self.send_json({"count": len(entries), "entries": entries}, status=201)


class KnowledgeTryHandler(APIHandler):
    async def post(self, site_key: str) -> None:
        actor = await self.actor()
        f = Fields(self.json_body())
        question = f.text("question", required=True, max_len=4000, multiline=True)
        f.check()
        assert question is not None
        self.send_json(await knowledge.try_question(self.ctx, actor, site_key, question))


class KnowledgeGapsHandler(APIHandler):
    async def get(self, site_key: str) -> None:
        days = _int_arg(self.get_query_argument("days", None), "days", 30)
        self.send_json(await knowledge_gaps.gaps(self.ctx, await self.actor(), site_key,
                                                 days=days))


class KnowledgePublishHandler(APIHandler):
    async def post(self, site_key: str, entry_id: str) -> None:
        entry = await knowledge_gaps.publish(self.ctx, await self.actor(), site_key,
                                             _entry_id(entry_id), self.json_body())
        self.send_json({"entry": entry})


class SaveAnswerHandler(APIHandler):
    async def post(self, session_id: str) -> None:
        raw = self.json_body().get("message_id")
        message_id = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        entry = await knowledge_gaps.save_answer(self.ctx, await self.actor(), session_id,
                                                 message_id)
        self.send_json({"entry": entry}, status=201)


routes = [
    (r"/api/widgets/([^/]+)/knowledge", KnowledgeHandler),
    (r"/api/widgets/([^/]+)/knowledge/import", KnowledgeImportHandler),
    (r"/api/widgets/([^/]+)/knowledge/try", KnowledgeTryHandler),
    (r"/api/widgets/([^/]+)/knowledge/gaps", KnowledgeGapsHandler),
    (r"/api/widgets/([^/]+)/knowledge/([^/]+)/publish", KnowledgePublishHandler),
    (r"/api/agents/sessions/([^/]+)/save-answer", SaveAnswerHandler),
    (r"/api/widgets/([^/]+)/knowledge/([^/]+)", KnowledgeEntryHandler),
]
