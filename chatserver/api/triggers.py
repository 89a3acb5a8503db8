"""Proactive messages (services/triggers.py): a widget's triggers for its admin or owner (JWT),
and the widget's beacon counting a trigger shown or opened (public, the widget's allowed
origins; sent with fetch's keepalive, any content type, no credentials)."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.api.widgets import PublicAPIHandler
from chatserver.services import triggers


class TriggersHandler(APIHandler):
    async def get(self, site_key: str) -> None:
        actor = await self.actor()
        self.send_json({"triggers": await triggers.list_triggers(self.ctx, actor, site_key)})

    async def post(self, site_key: str) -> None:
        actor = await self.actor()
        trigger = await triggers.create_trigger(self.ctx, actor, site_key, self.json_body())
        self.send_json({"trigger": trigger}, status=201)


class TriggerHandler(APIHandler):
    async def put(self, site_key: str, trigger_id: str) -> None:
        actor = await self.actor()
        trigger = await triggers.update_trigger(self.ctx, actor, site_key, trigger_id,
                                                self.json_body())
        self.send_json({"trigger": trigger})

    async def delete(self, site_key: str, trigger_id: str) -> None:
        await triggers.delete_trigger(self.ctx, await self.actor(), site_key, trigger_id)
        self.set_status(204)
        self.finish()


class TriggerEventsHandler(PublicAPIHandler):
    async def post(self, site_key: str) -> None:
        self.check_origin(await self.allowed_origins(site_key))
        await triggers.count_event(self.ctx, site_key, self.json_body(), ip=self.client_ip)
        self.set_status(204)
        self.finish()


routes = [
    (r"/api/widgets/([^/]+)/triggers", TriggersHandler),
    (r"/api/widgets/([^/]+)/triggers/([^/]+)", TriggerHandler),
    (r"/api/widgets/([^/]+)/trigger-events", TriggerEventsHandler),
]
