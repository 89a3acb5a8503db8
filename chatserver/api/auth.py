"""/api/auth: register, sign in and out, own account, user administration."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.errors import NotFound
from chatserver.services import auth, users
from chatserver.services.access import require_admin
from chatserver.validate import Fields


def _credentials(handler: APIHandler) -> tuple[str, str]:
    f = Fields(handler.json_body())
    email = f.text("email", required=True, max_len=254) or ""
    password = f.password("password")
    f.check()
    return email, password


class RegisterHandler(APIHandler):
    async def post(self) -> None:
        result = await auth.register(self.ctx, self.json_body(), await self.optional_actor(),
                                     self.client_ip)
        self.send_json(result, status=201)


class LoginHandler(APIHandler):
    roles: tuple[str, ...] = ("admin", "agent")

    async def post(self) -> None:
        email, password = _credentials(self)
        self.send_json(await auth.login(self.ctx, email, password, self.client_ip,
                                        roles=self.roles))


class AgentLoginHandler(LoginHandler):
    """The agent UI's sign-in: agents and admins (admins can take chats too)."""

    roles = ("agent", "admin")


class MeHandler(APIHandler):
    async def get(self) -> None:
        actor = await self.actor()
        assert actor.id is not None
        self.send_json({"user": await users.get_user(self.ctx, actor.id)})

    async def put(self) -> None:
        actor = await self.actor()
        assert actor.id is not None
        self.send_json({"user": await users.update_profile(self.ctx, actor.id, self.json_body())})


class LogoutHandler(APIHandler):
    async def post(self) -> None:
        await auth.logout(self.ctx, await self.actor())
        self.set_status(204)
        self.finish()


class PasswordHandler(APIHandler):
    async def post(self) -> None:
        actor = await self.actor()
        f = Fields(self.json_body())
        current = f.password("current_password")
        new = f.password("new_password")
        f.check()
        self.send_json(await auth.change_own_password(self.ctx, actor, current, new,
                                                     self.client_ip))


class UsersHandler(APIHandler):
    async def get(self) -> None:
        require_admin(await self.actor())
        self.send_json({"users": await users.list_users(self.ctx)})


def _user_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise NotFound("no such user", code="user_not_found")
    return int(raw)


class UserHandler(APIHandler):
    async def get(self, user_id: str) -> None:
        require_admin(await self.actor())
        self.send_json({"user": await users.get_user(self.ctx, _user_id(user_id))})

    async def delete(self, user_id: str) -> None:
        await users.delete_user(self.ctx, await self.actor(), _user_id(user_id))
        self.set_status(204)
        self.finish()


class UserRoleHandler(APIHandler):
    async def put(self, user_id: str) -> None:
        actor = await self.actor()
        require_admin(actor)
        f = Fields(self.json_body())
        role = f.choice("role", users.ROLES, required=True)
        f.check()
        assert role is not None
        self.send_json({"user": await users.set_role(self.ctx, actor, _user_id(user_id), role)})


class UserPasswordHandler(APIHandler):
    async def post(self, user_id: str) -> None:
        actor = await self.actor()
        require_admin(actor)
        f = Fields(self.json_body())
        password = f.password("password")
        f.check()
        await users.set_password(self.ctx, actor, _user_id(user_id), password)
        self.set_status(204)
        self.finish()


routes = [
    (r"/api/auth/register", RegisterHandler),
    (r"/api/auth/login", LoginHandler),
    (r"/api/auth/agent-login", AgentLoginHandler),
    (r"/api/auth/me", MeHandler),
    (r"/api/auth/logout", LogoutHandler),
    (r"/api/auth/password", PasswordHandler),
    (r"/api/auth/users", UsersHandler),
    (r"/api/auth/users/([^/]+)", UserHandler),
    (r"/api/auth/users/([^/]+)/role", UserRoleHandler),
    (r"/api/auth/users/([^/]+)/password", UserPasswordHandler),
]
