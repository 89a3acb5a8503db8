"""The audit log: every admin action writes exactly one entry, in the change's transaction, with
who, what and from where and no secret in it; a refused change writes none; admins read it
through /api/admin/audit with filters and pages; agents are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select, update

from chatserver.context import Context
from chatserver.db.schema import audit_log, outbox
from chatserver.services import audit, outbox_admin
from chatserver.services.access import OPERATOR
from tests.helpers.accounts import PASSWORD, admin_and_agent, login, register
from tests.helpers.api import Api
from tests.helpers.outbox import queue, rows

NEW_PASSWORD = "violet-staple-engine-42"


async def _raw(ctx: Context, after: int = 0) -> list[dict[str, Any]]:
    """The stored rows after id `after`, oldest first."""
    async with ctx.engine.connect() as conn:
        rows = (await conn.execute(select(audit_log).where(audit_log.c.id > after)
                                   .order_by(audit_log.c.id))).mappings().all()
    return [dict(r) for r in rows]


async def _count(ctx: Context) -> int:
    async with ctx.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(audit_log))).scalar_one())


class Log:
    """Reads what each step added and insists on exactly one entry."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.seen = 0

    async def one(self, action: str, target_type: str, target_id: Any, actor: str,
                  **details: Any) -> dict[str, Any]:
        rows = await _raw(self.ctx, self.seen)
        assert [r["action"] for r in rows] == [action], rows
        (row,) = rows
        self.seen = row["id"]
        assert (row["target_type"], row["target_id"]) == (target_type, str(target_id)), row
        assert row["actor_name"] == actor and row["actor_type"] == "user", row
        assert row["ip"] == "127.0.0.1", row
        for key, value in details.items():
            assert row["details"][key] == value, (key, row)
        text = json.dumps(row, default=str)
        for secret in (PASSWORD, NEW_PASSWORD, "password_hash", "$2b$"):
            assert secret not in text, (secret, row)
        return row

    async def none(self) -> None:
        assert await _raw(self.ctx, self.seen) == []


async def test_each_admin_action_writes_one_entry_without_secrets(api: Api,
                                                                  ctx: Context) -> None:
    log = Log(ctx)
    first = await register(api, "root")
    root_id, admin = first["user"]["id"], first["token"]
    row = await log.one("user.create", "user", root_id, "root", username="root", role="admin",
                        self_signup=True)
    assert row["actor_id"] == root_id
    alice = (await register(api, "alice", role="agent", token=admin))["user"]
    await log.one("user.create", "user", alice["id"], "root", username="alice", role="agent",
                  self_signup=False)

    resp = await api.post("/api/widgets", {"business_name": "Shop", "primary_color": "#112233"},
                          token=admin)
    assert resp.code == 201, resp
    key = resp.json["widget"]["site_key"]
    await log.one("widget.create", "widget", key, "root", name="Shop",
                  fields=["business_name", "primary_color"])

    resp = await api.put(f"/api/widgets/{key}", {"widget_title": "Hello", "timezone": "UTC",
                                                 "primary_color": "#445566"}, token=admin)
    assert resp.code == 200, resp
    # timezone was UTC already: only what changed is named.
    await log.one("widget.update", "widget", key, "root", fields=["primary_color",
                                                                   "widget_title"])
    assert (await api.put(f"/api/widgets/{key}", {"widget_title": "Hello"}, token=admin)).code \
        == 200
    await log.none()  # nothing changed, nothing recorded

    assert (await api.put(f"/api/widgets/{key}/agents/{alice['id']}", token=admin)).code == 200
    await log.one("widget.agent_add", "widget", key, "root", user_id=alice["id"],
                  username="alice")
    assert (await api.delete(f"/api/widgets/{key}/agents/{alice['id']}", token=admin)).code \
        == 200
    await log.one("widget.agent_remove", "widget", key, "root", user_id=alice["id"])

    resp = await api.post(f"/api/widgets/{key}/knowledge/import", {
        "format": "markdown", "content": "# Hours\nWe open at nine.\n\n# Returns\n30 days.\n"},
        token=admin)
    assert resp.code == 201, resp
    await log.one("knowledge.import", "widget", key, "root", count=2)
    entry_id = resp.json["entries"][0]["id"]
    assert (await api.delete(f"/api/widgets/{key}/knowledge/{entry_id}", token=admin)).code \
        == 204
    await log.one("knowledge.delete", "widget", key, "root", entry_id=entry_id)

    resp = await api.put(f"/api/auth/users/{alice['id']}/role", {"role": "admin"}, token=admin)
    assert resp.code == 200, resp
    await log.one("user.role_change", "user", alice["id"], "root", **{"from": "agent",
                                                                       "to": "admin"})
    resp = await api.post(f"/api/auth/users/{alice['id']}/password",
                          {"password": NEW_PASSWORD}, token=admin)
    assert resp.code == 204, resp
    await log.one("user.password_reset", "user", alice["id"], "root", username="alice")

    # Alice (now an admin, signed in again) deletes the widget: the entry names her.
    alice_token = await login(api, "alice", NEW_PASSWORD)
    assert (await api.delete(f"/api/widgets/{key}", token=alice_token)).code == 204
    await log.one("widget.delete", "widget", key, "alice", name="Shop")
    assert (await api.delete(f"/api/auth/users/{alice['id']}", token=admin)).code == 204
    await log.one("user.delete", "user", alice["id"], "root", username="alice", role="admin")

    # The entries outlive the user: alice's name stays as it was.
    resp = await api.get("/api/admin/audit?actor=alice", token=admin)
    assert [e["action"] for e in resp.json["entries"]] == ["widget.delete"]
    assert resp.json["entries"][0]["actor"] == {"type": "user", "id": alice["id"],
                                                "name": "alice"}


async def test_a_refused_change_writes_no_entry(api: Api, ctx: Context) -> None:
    admin, agent, agent_user = await admin_and_agent(api)
    key = (await api.post("/api/widgets", {"business_name": "Shop"}, token=admin)
           ).json["widget"]["site_key"]
    before = await _count(ctx)
    refused = [
        await api.put(f"/api/widgets/{key}", {"primary_color": "red-ish"}, token=admin),
        await api.post("/api/widgets", {"business_name": ""}, token=admin),
        await api.put(f"/api/widgets/{key}", {"widget_title": "Mine"}, token=agent),
        await api.delete(f"/api/widgets/{key}", token=agent),
        await api.post("/api/auth/register", {"username": "alice", "email": "a2@example.com",
                                              "password": PASSWORD}, token=admin),
        await api.post(f"/api/auth/users/{agent_user['id']}/password", {"password": "short"},
                       token=admin),
        await api.put(f"/api/auth/users/{agent_user['id']}/role", {"role": "boss"},
                      token=admin),
        await api.put("/api/widgets/" + key + "/agents/99999", token=admin),
        await api.put(f"/api/auth/users/{agent_user['id']}/role", {"role": "admin"},
                      token=agent),
    ]
    assert all(400 <= r.code < 500 for r in refused), refused
    # The last admin cannot be demoted (409, checked inside the transaction).
    me = (await api.get("/api/auth/me", token=admin)).json["user"]
    resp = await api.put(f"/api/auth/users/{me['id']}/role", {"role": "agent"}, token=admin)
    assert resp.code == 409 and resp.error_code == "last_admin", resp
    assert await _count(ctx) == before


async def test_filters_and_pages(api: Api, ctx: Context) -> None:
    admin, _, agent_user = await admin_and_agent(api)
    keys = []
    for i in range(5):
        resp = await api.post("/api/widgets", {"business_name": f"W{i}"}, token=admin)
        keys.append(resp.json["widget"]["site_key"])
    await api.put(f"/api/widgets/{keys[0]}", {"widget_title": "T"}, token=admin)
    await api.put(f"/api/auth/users/{agent_user['id']}/role", {"role": "admin"}, token=admin)

    everything = (await api.get("/api/admin/audit?limit=500", token=admin)).json
    ids = [e["id"] for e in everything["entries"]]
    assert ids == sorted(ids, reverse=True) and everything["next_cursor"] is None
    assert everything["entries"][0]["action"] == "user.role_change"

    # Pages of two, newest first, until the cursor runs out.
    seen: list[int] = []
    cursor = ""
    while True:
        page = (await api.get(f"/api/admin/audit?action=widget.&limit=2{cursor}",
                              token=admin)).json
        seen += [e["id"] for e in page["entries"]]
        assert all(e["action"].startswith("widget.") for e in page["entries"])
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert len(seen) == 6 and seen == sorted(seen, reverse=True)

    def actions(resp: Any) -> list[str]:
        assert resp.code == 200, resp
        return [e["action"] for e in resp.json["entries"]]

    assert actions(await api.get("/api/admin/audit?action=widget.update", token=admin)) \
        == ["widget.update"]
    assert actions(await api.get("/api/admin/audit?action=user", token=admin)) \
        == ["user.role_change", "user.create", "user.create"]
    assert actions(await api.get(f"/api/admin/audit?target_type=widget&target_id={keys[0]}",
                                 token=admin)) == ["widget.update", "widget.create"]
    assert actions(await api.get("/api/admin/audit?actor=alice", token=admin)) == []
    assert actions(await api.get("/api/admin/audit?actor=root&action=user.role", token=admin)) \
        == ["user.role_change"]
    me = (await api.get("/api/auth/me", token=admin)).json["user"]
    by_root = actions(await api.get(f"/api/admin/audit?actor={me['id']}&limit=500",
                                    token=admin))
    assert len(by_root) == len(ids)  # root signed up, then did everything
    assert actions(await api.get("/api/admin/audit?actor=chatctl", token=admin)) == []
    assert actions(await api.get("/api/admin/audit?from=2000-01-01&to=2000-12-31",
                                 token=admin)) == []
    assert len(actions(await api.get("/api/admin/audit?from=0001-01-01&to=9999-12-30T23:59Z"
                                     "&limit=500", token=admin))) == len(ids)
    today = everything["entries"][0]["at"][:10]
    assert len(actions(await api.get(f"/api/admin/audit?from={today}&to={today}&limit=500",
                                     token=admin))) == len(ids)

    for query, field in (("action=Widget!", "action"), ("from=yesterday", "from"),
                         ("to=2026-13-01", "to"), ("limit=0", "limit"), ("limit=x", "limit"),
                         ("from=2026-02-02&to=2026-01-01", "to"), ("actor=" + "1" * 20, "actor"),
                         ("target_type=Widget", "target_type"), ("to=9999-12-31", "to"),
                         ("from=0001-01-01T00:00:00%2B01:00", "from"), ("limit=0000001", "limit")):
        resp = await api.get(f"/api/admin/audit?{query}", token=admin)
        assert resp.code == 400 and resp.error_code == "invalid_filter", (query, resp)
        assert field in resp.json["error"]["fields"], (query, resp)
    resp = await api.get("/api/admin/audit?cursor=bm9wZQ", token=admin)
    assert resp.code == 400 and resp.error_code == "invalid_cursor", resp

    # Agents and strangers see nothing of it, even with a bad filter.
    demoted = await register(api, "bob", role="agent", token=admin)
    bob = await login(api, "bob")
    assert demoted["user"]["role"] == "agent"
    for query in ("", "?action=!!"):
        resp = await api.get(f"/api/admin/audit{query}", token=bob)
        assert resp.code == 403 and resp.error_code == "admin_required", resp
        assert (await api.get(f"/api/admin/audit{query}", token="")).code == 401


async def test_outbox_retries_are_recorded(api: Api, ctx: Context) -> None:
    admin, _, _ = await admin_and_agent(api)
    mail = ctx.settings.replace(smtp_host="127.0.0.1", mail_from="Support <s@parley.test>",
                                public_url="http://127.0.0.1:9")
    await queue(ctx.engine, mail, 2)
    async with ctx.engine.begin() as conn:
        await conn.execute(update(outbox).values(status="failed", attempts=5))
    first = (await rows(ctx.engine))[0]["id"]
    log = Log(ctx)
    log.seen = max(r["id"] for r in await _raw(ctx))
    assert (await api.post(f"/api/admin/outbox/{first}/retry", token=admin)).code == 200
    await log.one("outbox.retry", "outbox", first, "root", kind="test", was="failed")
    assert (await api.post(f"/api/admin/outbox/{first}/retry", token=admin)).code == 200
    await log.one("outbox.retry", "outbox", first, "root", was="pending")
    async with ctx.engine.begin() as conn:  # what `chatctl mail retry --failed` calls
        await conn.execute(update(outbox).values(status="failed"))
    assert await outbox_admin.retry_failed(ctx, OPERATOR) == 2
    (row,) = await _raw(ctx, log.seen)
    assert row["action"] == "outbox.retry_failed" and row["details"] == {"count": 2}
    assert row["actor_type"] == "chatctl" and row["actor_id"] is None and row["ip"] is None


async def test_an_entry_is_part_of_its_transaction(api: Api, ctx: Context) -> None:
    """record() writes on the change's connection: a rollback takes the entry with it, even
    when it fails after the entry was written; and a key that names a secret never lands."""
    await admin_and_agent(api)
    before = await _count(ctx)
    with pytest.raises(RuntimeError):
        async with ctx.engine.begin() as conn:
            await audit.record(conn, OPERATOR, "widget.update", "widget", "k", {"fields": ["x"]})
            raise RuntimeError("the change failed after its entry was written")
    assert await _count(ctx) == before
    async with ctx.engine.begin() as conn:
        await audit.record(conn, audit.SYSTEM, "widget.update", "widget", "k",
                           {"fields": ["x"], "password": "p", "api_key": "k", "new_token": "t"})
    (row,) = await _raw(ctx, (await _raw(ctx))[-2]["id"])
    assert row["details"] == {"fields": ["x"]}
    assert (row["actor_type"], row["actor_name"]) == ("system", "parley")


async def test_label_changes_are_recorded(api: Api, ctx: Context) -> None:
    admin, agent, _ = await admin_and_agent(api)
    log = Log(ctx)
    log.seen = max(r["id"] for r in await _raw(ctx))
    resp = await api.post("/api/labels", {"name": "VIP", "color": "red"}, token=admin)
    assert resp.code == 201, resp
    label_id = resp.json["label"]["id"]
    await log.one("label.create", "label", label_id, "root", name="VIP", color="red")
    assert (await api.post("/api/labels", {"name": "vip", "color": "red"}, token=admin)).code \
        == 409
    assert (await api.post("/api/labels", {"name": "Bug", "color": "red"}, token=agent)).code \
        == 403
    await log.none()
    resp = await api.put(f"/api/labels/{label_id}", {"name": "VIP", "color": "blue"},
                         token=admin)
    assert resp.code == 200, resp
    await log.one("label.update", "label", label_id, "root", fields=["color"])
    assert (await api.delete(f"/api/labels/{label_id}", token=admin)).code == 204
    await log.one("label.delete", "label", label_id, "root", name="VIP")


async def test_team_canned_responses_are_recorded_personal_ones_not(api: Api,
                                                                    ctx: Context) -> None:
    admin, agent, _ = await admin_and_agent(api)
    log = Log(ctx)
    log.seen = max(r["id"] for r in await _raw(ctx))
    made = await api.post("/api/canned-responses", {"shortcut": "hello", "text": "Hi!"},
                          token=admin)
    assert made.code == 201, made
    canned_id = made.json["canned_response"]["id"]
    await log.one("canned.create", "canned", canned_id, "root", shortcut="hello")
    resp = await api.put(f"/api/canned-responses/{canned_id}", {"text": "Hello!"}, token=admin)
    assert resp.code == 200, resp
    await log.one("canned.update", "canned", canned_id, "root", fields=["text"])
    assert (await api.delete(f"/api/canned-responses/{canned_id}", token=admin)).code == 204
    await log.one("canned.delete", "canned", canned_id, "root", shortcut="hello")
    mine = await api.post("/api/canned-responses", {"shortcut": "bye", "text": "Bye!",
                                                    "personal": True}, token=agent)
    assert mine.code == 201, mine
    await log.none()
