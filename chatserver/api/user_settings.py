"""/api/auth/me/settings: the signed-in user's own settings (the agent UI's Settings screen)."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.services import user_settings


class MySettingsHandler(APIHandler):
    async def get(self) -> None:
        actor = await self.actor()
        assert actor.id is not None
        self.send_json({"settings": await user_settings.get(self.ctx, actor.id)})

    async def put(self) -> None:
        actor = await self.actor()
        assert actor.id is not None
        body = self.json_body()
        self.send_json({"settings": await user_settings.update(self.ctx, actor.id, body)})


routes = [
    (r"/api/auth/me/settings", MySettingsHandler),
]
