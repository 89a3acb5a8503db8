"""/api/admin/outbox: admins see the failed and pending emails with their last error, and
send one again; agents and strangers are refused; bad input is a clear 4xx."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.context import Context
from chatserver.services.outbox_sender import OutboxSender
from tests.helpers.accounts import admin_and_agent
from tests.helpers.api import Api
from tests.helpers.outbox import queue, rows
from tests.helpers.smtp import SmtpSink


@pytest.fixture
def settings_overrides(smtp_sink: SmtpSink) -> dict[str, Any]:
    return smtp_sink.settings()


async def test_admins_list_failed_emails_and_retry_one(api: Api, ctx: Context,
                                                       smtp_sink: SmtpSink) -> None:
    admin, agent, _ = await admin_and_agent(api)
    await queue(ctx.engine, ctx.settings, 2)
    smtp_sink.refuse_with = "550 5.1.1 No such user"
    assert await OutboxSender(ctx).run_once() == 2
    smtp_sink.refuse_with = None
    await queue(ctx.engine, ctx.settings, 1, prefix="p")

    resp = await api.get("/api/admin/outbox?status=failed", token=admin)
    assert resp.code == 200, resp
    assert resp.json["counts"] == {"pending": 1, "failed": 2, "sent": 0, "skipped": 0}
    failed = resp.json["rows"]
    assert [r["recipient"] for r in failed] == ["r1@x.test", "r0@x.test"]
    assert failed[0]["last_error"] == "550 5.1.1 No such user"
    assert failed[0]["attempts"] == 1 and failed[0]["status"] == "failed"
    assert "payload" not in failed[0] and "key" not in failed[0]
    pending = (await api.get("/api/admin/outbox?status=pending&limit=1", token=admin)).json
    assert [r["recipient"] for r in pending["rows"]] == ["p0@x.test"]
    assert (await api.get("/api/admin/outbox/counts", token=admin)).json["counts"][
        "failed"] == 2

    retried = await api.post(f"/api/admin/outbox/{failed[0]['id']}/retry", token=admin)
    assert retried.code == 200, retried
    assert retried.json["email"]["status"] == "pending"
    assert retried.json["email"]["attempts"] == 0
    assert await OutboxSender(ctx).run_once() == 2
    assert sorted(m.recipients[0] for m in smtp_sink.received) == ["p0@x.test", "r1@x.test"]
    again = await api.post(f"/api/admin/outbox/{failed[0]['id']}/retry", token=admin)
    assert again.code == 409 and again.error_code == "outbox_not_retryable"
    assert [r["status"] for r in await rows(ctx.engine)] == ["failed", "sent", "sent"]

    # Agents and strangers see nothing of it.
    for token in (agent, None):
        for method, path in (("get", "/api/admin/outbox"), ("get", "/api/admin/outbox/counts"),
                             ("post", f"/api/admin/outbox/{failed[1]['id']}/retry")):
            resp = await getattr(api, method)(path, token=token)
            assert resp.code == (403 if token else 401), (path, resp)


async def test_bad_input_is_a_clear_error(api: Api, ctx: Context) -> None:
    admin, _, _ = await admin_and_agent(api)
    for query, code in (("status=lost", 422), ("limit=0", 422), ("limit=9999", 422),
                        ("limit=ten", 400)):
        resp = await api.get(f"/api/admin/outbox?{query}", token=admin)
        assert resp.code == code and query.split("=")[0] in resp.json["error"]["fields"], \
            (query, resp)
    for bad in ("999999", "abc", "1" * 30):
        resp = await api.post(f"/api/admin/outbox/{bad}/retry", token=admin)
        assert resp.code == 404 and resp.error_code == "outbox_not_found", (bad, resp)
