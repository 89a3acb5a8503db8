"""Users made and signed in through the real endpoints, all with one password."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api

PASSWORD = "correct-horse-battery"


async def register(api: Api, username: str, *, role: str | None = None, token: str | None = None,
                   password: str = PASSWORD) -> dict[str, Any]:
    body: dict[str, Any] = {"username": username, "email": f"{username}@example.com",
                            "password": password}
    if role:
        body["role"] = role
    resp = await api.post("/api/auth/register", body, token=token or "")
    assert resp.code == 201, resp
    return resp.json  # type: ignore[no-any-return]


async def login(api: Api, username: str, password: str = PASSWORD) -> str:
    resp = await api.post("/api/auth/login", {"email": f"{username}@example.com",
                                              "password": password}, token="")
    assert resp.code == 200, resp
    return resp.json["token"]  # type: ignore[no-any-return]


async def admin_and_agent(api: Api) -> tuple[str, str, dict[str, Any]]:
    """(admin token, agent token, agent user)."""
    admin = await register(api, "root")
    agent = await register(api, "alice", role="agent", token=admin["token"])
    return admin["token"], await login(api, "alice"), agent["user"]
