"""A widget with agents, visitor sessions and connected socket clients, made through the real
endpoints (the `make_world` fixture of tests/conftest.py builds one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.helpers.accounts import login, register
from tests.helpers.api import Api
from tests.helpers.sockets import WS, ws_url


@dataclass
class World:
    api: Api
    admin: str
    key: str
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {token, id}
    sockets: list[WS] = field(default_factory=list)

    def url(self, path: str) -> str:
        return ws_url(self.api.url("/"), path)

    async def add_agent(self, name: str) -> dict[str, Any]:
        user = (await register(self.api, name, role="agent", token=self.admin))["user"]
        await self.api.put(f"/api/widgets/{self.key}/agents/{user['id']}", token=self.admin)
        self.agents[name] = {"id": user["id"], "token": await login(self.api, name),
                             "name": user["display_name"]}
        return self.agents[name]

    async def session(self, **body: Any) -> dict[str, Any]:
        resp = await self.api.post(f"/api/widgets/{self.key}/sessions", body)
        assert resp.code == 201, resp
        return resp.json  # type: ignore[no-any-return]

    async def visitor(self, session: dict[str, Any], last_seq: int = 0,
                      origin: str | None = None) -> tuple[WS, dict[str, Any]]:
        ws = await WS.connect(self.url(f"/ws/{session['session_id']}"), origin=origin)
        self.sockets.append(ws)
        await ws.send({"type": "auth", "token": session["visitor_token"], "last_seq": last_seq})
        return ws, await ws.expect("ready")

    async def agent(self, name: str, last_seq: dict[str, int] | None = None) -> tuple[WS, dict[str, Any]]:
        a = self.agents[name]
        ws = await WS.connect(self.url(f"/ws/agent/{a['id']}"))
        self.sockets.append(ws)
        await ws.send({"type": "auth", "token": a["token"], "last_seq": last_seq or {}})
        return ws, await ws.expect("ready")

    async def waiting_session(self, **body: Any) -> dict[str, Any]:
        s = await self.session(**body)
        resp = await self.api.post(f"/api/widgets/escalate/{self.key}/{s['session_id']}", {},
                                   token=s["visitor_token"])
        assert resp.code == 200, resp
        return s
