"""The visitor context over REST (POST /api/widgets/{key}/sessions/{id}/context, the visitor
token): time zone checked against the zoneinfo database, pages bounded, custom attributes
typed, limited and merged, every refusal with its own code and nothing stored from it; only
the session's own visitor writes it; agents read it in the session's details."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import delete, select

from chatserver.context import Context
from chatserver.db.schema import session_context, sessions
from chatserver.limits import CONTEXT_UPDATES_PER_MINUTE
from tests.helpers.api import Api, Response

KEY_TOO_LONG = "a" * 41


async def _world(make_world: Any) -> tuple[Any, dict[str, Any]]:
    world = await make_world()
    return world, await world.session(visitor_name="Vera")


async def _post(api: Api, key: str, s: dict[str, Any], body: Any,
                token: str | None = None) -> Response:
    return await api.post(f"/api/widgets/{key}/sessions/{s['session_id']}/context", body,
                          token=s["visitor_token"] if token is None else token)


async def _details(world: Any, sid: str) -> dict[str, Any] | None:
    resp = await world.api.get(f"/api/agents/sessions/{sid}",
                               token=world.agents["alice"]["token"])
    assert resp.code == 200, resp
    context: dict[str, Any] | None = resp.json["session"]["visitor_context"]
    return context


async def test_the_first_report_is_stored_and_agents_read_it(make_world: Any) -> None:
    world, s = await _world(make_world)
    sid = s["session_id"]
    assert await _details(world, sid) is None  # nothing told yet
    resp = await _post(world.api, world.key, s, {
        "timezone": "Asia/Tokyo", "language": "fr-FR",
        "referrer": "https://search.example/results?q=secret#frag",
        "page": {"url": "https://shop.example/pricing?token=abc#top", "title": "  Pricing  "},
        "attributes": {"plan": "pro", "seats": 5, "trial": False, "score": 4.5}})
    assert resp.code == 200, resp
    context = resp.json["context"]
    assert context["timezone"] == "Asia/Tokyo" and context["language"] == "fr-FR"
    # Query strings and fragments (they may hold tokens) are never kept.
    assert context["referrer"] == "https://search.example/results"
    [page] = context["pages"]
    assert page["url"] == "https://shop.example/pricing" and page["title"] == "Pricing"
    assert page["at"]
    assert context["attributes"] == {"plan": "pro", "seats": 5, "trial": False, "score": 4.5}
    assert await _details(world, sid) == context

    # A later report: the referrer of the first one stays (a later page's referrer is the
    # site's own page), the time zone may change.
    again = await _post(world.api, world.key, s, {
        "timezone": "Europe/Paris", "referrer": "https://shop.example/pricing",
        "page": {"url": "https://shop.example/checkout", "title": "Checkout"}})
    assert again.code == 200, again
    later = again.json["context"]
    assert later["referrer"] == "https://search.example/results"
    assert later["timezone"] == "Europe/Paris" and later["language"] == "fr-FR"
    assert [p["url"] for p in later["pages"]] == ["https://shop.example/pricing",
                                                  "https://shop.example/checkout"]


async def test_an_invalid_time_zone_is_refused_with_a_code(make_world: Any) -> None:
    world, s = await _world(make_world)
    for bad in ("Mars/Olympus_Mons", "asia/tokyo", "", "../../etc/passwd", 9):
        resp = await _post(world.api, world.key, s, {"timezone": bad,
                                                     "attributes": {"plan": "pro"}})
        assert resp.code == 422, (bad, resp)
        assert resp.json["error"]["code"] == "invalid_timezone", (bad, resp)
        assert "timezone" in resp.json["error"]["fields"]
    # Nothing was stored from the refused updates (not even their valid attributes).
    assert await _details(world, s["session_id"]) is None
    for bad_language in ("french!", "x" * 40, "fr_FR"):
        resp = await _post(world.api, world.key, s, {"language": bad_language})
        assert resp.json["error"]["code"] == "invalid_language", resp
    resp = await _post(world.api, world.key, s, {"referrer": "javascript:alert(1)"})
    assert resp.json["error"]["code"] == "invalid_referrer", resp
    for page in ({"url": "ftp://x.example/"}, {"title": "no url"},
                 {"url": "https://x.example/" + "p" * 500}, "https://x.example/",
                 {"url": "https://x.example/", "title": "t" * 201}):
        resp = await _post(world.api, world.key, s, {"page": page})
        assert resp.code == 422 and resp.json["error"]["code"] == "invalid_page", (page, resp)
    resp = await _post(world.api, world.key, s, {"unknown": 1})
    assert resp.code == 400 and resp.json["error"]["code"] == "invalid_type"


async def test_pages_are_bounded_and_the_21st_drops_the_oldest(make_world: Any) -> None:
    world, s = await _world(make_world)
    for n in range(1, 22):
        resp = await _post(world.api, world.key, s, {
            "page": {"url": f"https://shop.example/p{n}", "title": f"Page {n}"}})
        assert resp.code == 200, resp
    pages = (await _details(world, s["session_id"]) or {})["pages"]
    assert len(pages) == 20
    assert [p["url"] for p in pages] == [f"https://shop.example/p{n}" for n in range(2, 22)]
    assert pages[-1]["title"] == "Page 21"
    # The same page again (a reload) refreshes the newest entry instead of adding one.
    resp = await _post(world.api, world.key, s, {
        "page": {"url": "https://shop.example/p21", "title": "Page 21 again"}})
    pages = resp.json["context"]["pages"]
    assert len(pages) == 20 and pages[-1]["title"] == "Page 21 again"
    assert pages[0]["url"] == "https://shop.example/p2"


async def test_attributes_are_typed_limited_and_merged(make_world: Any) -> None:
    world, s = await _world(make_world)
    first = await _post(world.api, world.key, s, {"attributes": {"plan": "free", "seats": 1}})
    assert first.code == 200, first
    merged = await _post(world.api, world.key, s, {
        "attributes": {"plan": "pro", "company": "Acme", "seats": None}})
    # Merged: new keys added, old ones replaced, null removes one.
    assert merged.json["context"]["attributes"] == {"plan": "pro", "company": "Acme"}

    refusals: list[tuple[dict[str, Any], str]] = [
        ({"Plan": "x"}, "invalid_attribute_key"),
        ({"1st": "x"}, "invalid_attribute_key"),
        ({"has-dash": "x"}, "invalid_attribute_key"),
        ({KEY_TOO_LONG: "x"}, "invalid_attribute_key"),
        ({"": "x"}, "invalid_attribute_key"),
        ({"note": "n" * 201}, "invalid_attribute_value"),
        ({"tags": ["a", "b"]}, "invalid_attribute_value"),
        ({"nested": {"a": 1}}, "invalid_attribute_value"),
        ({"big": 2**60}, "invalid_attribute_value"),
        ({f"k{n}": n for n in range(31)}, "too_many_attributes"),
    ]
    for attributes, code in refusals:
        resp = await _post(world.api, world.key, s, {"attributes": attributes})
        assert resp.code == 422, (attributes, resp)
        assert resp.json["error"]["code"] == code, (attributes, resp)
        assert resp.json["error"]["fields"], resp
    resp = await _post(world.api, world.key, s, {"attributes": ["plan", "pro"]})
    assert resp.json["error"]["code"] == "invalid_attributes", resp
    # 28 more would make 30 with plan and company: allowed; one more is too many in all.
    resp = await _post(world.api, world.key, s, {"attributes": {f"k{n}": n for n in range(28)}})
    assert resp.code == 200 and len(resp.json["context"]["attributes"]) == 30
    resp = await _post(world.api, world.key, s, {"attributes": {"one_more": True}})
    assert resp.code == 422 and resp.json["error"]["code"] == "too_many_attributes"
    # A good key beside a bad value: nothing of the update is stored.
    resp = await _post(world.api, world.key, s, {"attributes": {"plan": "gold", "x": [1]}})
    assert resp.json["error"]["code"] == "invalid_attribute_value"
    stored = (await _details(world, s["session_id"]) or {})["attributes"]
    assert stored["plan"] == "pro" and "one_more" not in stored and len(stored) == 30
    # Text is kept as text: markup is only characters (the inbox shows it as text).
    resp = await _post(world.api, world.key, s, {"attributes": {"k0": "<b>bold</b>"}})
    assert resp.json["context"]["attributes"]["k0"] == "<b>bold</b>"


async def test_only_the_sessions_own_visitor_writes_it(make_world: Any) -> None:
    world, s = await _world(make_world)
    other = await world.session(visitor_name="Mallory")
    # Another session's token, no token, an agent's token, a wrong site key: refused.
    resp = await _post(world.api, world.key, s, {"timezone": "UTC"},
                       token=other["visitor_token"])
    assert resp.code == 404 and resp.json["error"]["code"] == "session_not_found"
    resp = await _post(world.api, world.key, s, {"timezone": "UTC"}, token="")
    assert resp.code == 401
    # An agent of the widget may read it, not write it.
    resp = await _post(world.api, world.key, s, {"timezone": "UTC"},
                       token=world.agents["alice"]["token"])
    assert resp.code == 403 and resp.json["error"]["code"] == "visitor_only"
    resp = await world.api.post(f"/api/widgets/nope/sessions/{s['session_id']}/context",
                                {"timezone": "UTC"}, token=s["visitor_token"])
    assert resp.code == 404
    assert await _details(world, s["session_id"]) is None


async def test_updates_are_rate_limited_per_conversation(make_world: Any) -> None:
    world, s = await _world(make_world)
    other = await world.session(visitor_name="Other")
    for _ in range(CONTEXT_UPDATES_PER_MINUTE):
        resp = await _post(world.api, world.key, s, {"language": "en"})
        assert resp.code == 200, resp
    resp = await _post(world.api, world.key, s, {"language": "en"})
    assert resp.code == 429 and resp.json["error"]["code"] == "rate_limited"
    assert int(resp.headers["Retry-After"]) >= 1
    # Another conversation is not limited by this one.
    assert (await _post(world.api, world.key, other, {"language": "en"})).code == 200


async def test_the_context_goes_with_its_conversation(make_world: Any, ctx: Context) -> None:
    world, s = await _world(make_world)
    sid = s["session_id"]
    assert (await _post(world.api, world.key, s, {"attributes": {"plan": "pro"}})).code == 200
    async with ctx.engine.begin() as conn:
        assert (await conn.execute(select(session_context.c.session_id))).scalars().all() == [sid]
        await conn.execute(delete(sessions).where(sessions.c.id == sid))
    async with ctx.engine.connect() as conn:
        assert (await conn.execute(select(session_context))).all() == []


async def test_concurrent_reports_lose_nothing(make_world: Any) -> None:
    """Two tabs reporting at once: each page and each attribute is kept (the session's row is
    locked while its context is read and written)."""
    world, s = await _world(make_world)
    answers = await asyncio.gather(*(
        _post(world.api, world.key, s, {"page": {"url": f"https://shop.example/t{n}"},
                                        "attributes": {f"tab{n}": n}}) for n in range(10)))
    assert [r.code for r in answers] == [200] * 10
    context = await _details(world, s["session_id"]) or {}
    assert sorted(p["url"] for p in context["pages"]) == sorted(
        f"https://shop.example/t{n}" for n in range(10))
    assert context["attributes"] == {f"tab{n}": n for n in range(10)}
