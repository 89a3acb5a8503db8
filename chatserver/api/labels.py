"""/api/labels (admins write, everyone signed in reads), a conversation's labels
(/api/agents/sessions/<id>/labels[/<label_id>]) and an agent's saved views
(/api/agents/views[/<id>])."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.errors import NotFound
from chatserver.services import labels, saved_views


def _id(raw: str, error: NotFound) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise error
    return int(raw)


class LabelListHandler(APIHandler):
    async def get(self) -> None:
        self.send_json(await labels.list_labels(self.ctx, await self.actor()))

    async def post(self) -> None:
        actor = await self.actor()
        self.send_json({"label": await labels.create_label(self.ctx, actor, self.json_body())},
                       status=201)


class LabelHandler(APIHandler):
    async def put(self, label_id: str) -> None:
        actor = await self.actor()
        self.send_json({"label": await labels.update_label(
            self.ctx, actor, _id(label_id, labels.not_found()), self.json_body())})

    async def delete(self, label_id: str) -> None:
        actor = await self.actor()
        await labels.delete_label(self.ctx, actor, _id(label_id, labels.not_found()))
        self.set_status(204)
        self.finish()


class SessionLabelsHandler(APIHandler):
    async def get(self, session_id: str) -> None:
        actor = await self.actor()
        self.send_json({"labels": await labels.session_labels(self.ctx, actor, session_id)})


class SessionLabelHandler(APIHandler):
    """PUT puts the label on the conversation, DELETE takes it off; both answer its labels."""

    async def put(self, session_id: str, label_id: str) -> None:
        actor = await self.actor()
        self.send_json({"labels": await labels.set_on_session(
            self.ctx, actor, session_id, _id(label_id, labels.not_found()), on=True)})

    async def delete(self, session_id: str, label_id: str) -> None:
        actor = await self.actor()
        self.send_json({"labels": await labels.set_on_session(
            self.ctx, actor, session_id, _id(label_id, labels.not_found()), on=False)})


class ViewListHandler(APIHandler):
    async def get(self) -> None:
        self.send_json({"views": await saved_views.list_views(self.ctx, await self.actor())})

    async def post(self) -> None:
        actor = await self.actor()
        self.send_json({"view": await saved_views.create_view(self.ctx, actor, self.json_body())},
                       status=201)


class ViewHandler(APIHandler):
    async def put(self, view_id: str) -> None:
        actor = await self.actor()
        self.send_json({"view": await saved_views.update_view(
            self.ctx, actor, _id(view_id, saved_views.not_found()), self.json_body())})

    async def delete(self, view_id: str) -> None:
        actor = await self.actor()
        await saved_views.delete_view(self.ctx, actor, _id(view_id, saved_views.not_found()))
        self.set_status(204)
        self.finish()


routes = [
    (r"/api/labels", LabelListHandler),
    (r"/api/labels/([^/]+)", LabelHandler),
    (r"/api/agents/sessions/([^/]+)/labels", SessionLabelsHandler),
    (r"/api/agents/sessions/([^/]+)/labels/([^/]+)", SessionLabelHandler),
    (r"/api/agents/views", ViewListHandler),
    (r"/api/agents/views/([^/]+)", ViewHandler),
]
