"""/api/widgets/<site_key>/identity-secret: a widget's identity secret (docs/identity.md)."""

from __future__ import annotations

from datetime import timedelta

from chatserver.api.base import APIHandler
from chatserver.services import identity_secret
from chatserver.validate import Fields

MAX_GRACE_HOURS = 720


class IdentitySecretHandler(APIHandler):
    async def post(self, site_key: str) -> None:
        actor = await self.actor()
        f = Fields(self.json_body())
        rotate = f.flag("rotate") or False
        grace = f.integer("grace_hours", min=0, max=MAX_GRACE_HOURS)
        f.check()
        made = await identity_secret.make_secret(
            self.ctx, actor, site_key, rotate=rotate,
            grace=None if grace is None else timedelta(hours=grace))
        self.send_json(made, status=201)


class IdentityRotationHandler(APIHandler):
    async def delete(self, site_key: str) -> None:
        actor = await self.actor()
        self.send_json(await identity_secret.finish_rotation(self.ctx, actor, site_key))


routes = [
    (r"/api/widgets/([^/]+)/identity-secret", IdentitySecretHandler),
    (r"/api/widgets/([^/]+)/identity-secret/previous", IdentityRotationHandler),
]
