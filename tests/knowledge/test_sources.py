"""Knowledge sources end to end: a site imported from its sitemap through REST, re-synced
with a page changed, one removed and one added (unchanged passages keep their vectors), a
failed sync that leaves the previous version in use, a private address refused, and
documents uploaded through the streamed route."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

import tests.helpers.site as site_module
from chatserver.context import Context
from chatserver.db import knowledge_sources as db
from chatserver.db.schema import kb_embeddings
from chatserver.services import knowledge_sources, source_sync
from chatserver.services.access import OPERATOR
from chatserver.timeutil import utcnow
from tests.helpers.knowledge import embedded
from tests.helpers.site import HOST, NAV_WORDS, OFF_SITE, Site, site_fixture  # noqa: F401


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # Private addresses are refused for being private (not for being off the allowlist); the
    # test resolver knows the site's names only, so nothing leaves 127.0.0.0/8.
    return {"fetch_allow": f"{HOST},{OFF_SITE}", "kb_crawl_rate": 100.0, "kb_sync_check_s": 0.1,
            "fetch_only_allowed": False}


@pytest.fixture(autouse=True)
def loopback_names(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source_sync, "resolver", site.resolver)


async def settled(world: Any, source_id: int) -> dict[str, Any]:
    for _ in range(600):
        source = (await world.api.get(f"/api/widgets/{world.key}/knowledge/sources/{source_id}",
                                      token=world.admin)).json["source"]
        if source["status"] in ("ready", "failed"):
            return source
        await asyncio.sleep(0.05)
    raise AssertionError(f"source {source_id} still {source['status']}")


async def entries(world: Any) -> dict[str, dict[str, Any]]:
    listed = (await world.api.get(f"/api/widgets/{world.key}/knowledge",
                                  token=world.admin)).json["entries"]
    return {e["title"]: e for e in listed}


async def vector_ids(ctx: Context, entry_id: int) -> list[int]:
    async with ctx.engine.connect() as conn:
        return list((await conn.execute(select(kb_embeddings.c.id).where(
            kb_embeddings.c.entry_id == entry_id))).scalars())


async def test_a_sitemap_is_imported_and_re_synced(make_world: Any, ctx: Context, site: Site,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    world = await make_world(ai_enabled=True)
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/sources",
                                {"url": site.url("/sitemap-pages.xml"), "kind": "sitemap",
                                 "max_pages": 10}, token=world.admin)
    assert resp.code == 201, resp.json
    source = await settled(world, resp.json["source"]["id"])
    assert source["status"] == "ready", source
    assert sorted(source["result"]["added"]) == ["About Acme", "Returns", "Shipping rates"]
    found = await entries(world)
    assert found["Shipping rates"]["url"] == site.url("/shipping")
    assert found["Returns"]["url"] == site.url("/returns")
    assert "Staff only" not in found  # robots.txt disallows /private/
    for entry in found.values():
        assert entry["kind"] == "article" and entry["source_id"] == source["id"]
        assert not any(words in entry["body"] for words in NAV_WORDS), entry["body"]
    await embedded(ctx)
    about_vectors = await vector_ids(ctx, found["About Acme"]["id"])
    assert about_vectors or ctx.embedder is None
    # The AI answers from a page, and names it with its URL.
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Is your glaze free of lead?")
    reply = await visitor.expect("message", sender_type="ai")
    assert reply["sources"] == [{"id": found["About Acme"]["id"], "title": "About Acme",
                                 "url": site.url("/about")}], reply
    visitor.close()

    title, paragraphs, links = site_module.PAGES["/shipping"]
    monkeypatch.setitem(site_module.PAGES, "/shipping",
                        (title, [*paragraphs, "Parcels to Norway now ship for free."], links))
    monkeypatch.delitem(site_module.PAGES, "/returns")
    monkeypatch.setattr(site_module, "SITEMAP_PAGES", site_module.SITEMAP_PAGES.replace(
        "</urlset>", "  <url><loc>http://{host}/team/</loc></url>\n</urlset>"))
    resp = await world.api.post(
        f"/api/widgets/{world.key}/knowledge/sources/{source['id']}/sync", token=world.admin)
    assert resp.code == 202
    source = await settled(world, source["id"])
    assert source["status"] == "ready", source
    result = source["result"]
    assert (result["added"], result["changed"], result["removed"]) == (
        ["The team"], ["Shipping rates"], ["Returns"])
    assert result["counts"]["unchanged"] == 1
    assert [e["url"] for e in result["errors"]] == [site.url("/returns")]
    found = await entries(world)
    assert "Norway" in found["Shipping rates"]["body"] and "Returns" not in found
    await embedded(ctx)
    assert await vector_ids(ctx, found["About Acme"]["id"]) == about_vectors  # kept

    await site.stop()  # the site is down: the sync fails, the previous version stays
    resp = await world.api.post(
        f"/api/widgets/{world.key}/knowledge/sources/{source['id']}/sync", token=world.admin)
    failed = await settled(world, source["id"])
    assert failed["status"] == "failed" and failed["error"]["code"] == "url_unreachable"
    assert sorted(await entries(world)) == ["About Acme", "Shipping rates", "The team"]
    assert failed["result"] == source["result"]


async def test_private_addresses_are_refused(make_world: Any) -> None:
    world = await make_world()
    for url in ("http://10.1.2.3/", "http://169.254.169.254/latest/", "http://[::1]/"):
        resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/sources",
                                    {"url": url}, token=world.admin)
        source = await settled(world, resp.json["source"]["id"])
        assert source["status"] == "failed"
        assert source["error"]["code"] == "url_refused", source["error"]
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/sources",
                                {"url": "ftp://example.org/"}, token=world.admin)
    assert resp.code == 422 and resp.json["error"]["code"] == "url_invalid"


async def test_an_agent_cannot_add_a_source(make_world: Any, site: Site) -> None:
    world = await make_world()
    agent = world.agents["alice"]["token"]
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/sources",
                                {"url": site.url("/about")}, token=agent)
    assert resp.code == 403
    listed = await world.api.get(f"/api/widgets/{world.key}/knowledge/sources", token=agent)
    assert listed.code == 200 and listed.json["sources"] == []


async def test_documents_are_uploaded_replaced_and_refused_with_reasons(
        make_world: Any, settings: Any) -> None:
    world = await make_world()
    base = f"/api/widgets/{world.key}/knowledge/files"
    md = b"# Opening hours\n\nWe open at nine.\n\n# Parking\n\nThere is a car park behind.\n"
    resp = await world.api.request("POST", f"{base}?name=Guide.md", body=md,
                                   token=world.admin)
    assert resp.code == 201, resp.json
    source = resp.json["source"]
    assert (source["kind"], source["name"], source["status"]) == ("file", "Guide.md", "ready")
    assert sorted(source["result"]["added"]) == ["Opening hours", "Parking"]
    resp = await world.api.request(
        "POST", f"{base}?name=Guide.md&replace={source['id']}",
        body=md.replace(b"nine", b"ten"), token=world.admin)
    assert resp.code == 201
    result = resp.json["source"]["result"]
    assert (result["changed"], result["added"], result["removed"]) == (["Opening hours"], [], [])
    assert "ten" in (await entries(world))["Opening hours"]["body"]

    resp = await world.api.request("POST", f"{base}?name=Broken.pdf",
                                   body=b"%PDF-1.7\n garbage", token=world.admin)
    assert resp.code == 422 and resp.json["error"]["code"] == "file_broken"
    assert "Broken.pdf" in resp.json["error"]["message"]
    resp = await world.api.request("POST", f"{base}?name=Empty.txt", body=b"",
                                   token=world.admin)
    assert resp.code == 422 and resp.json["error"]["code"] == "file_empty"
    big = b"x" * (settings.kb_max_file_bytes + 1)
    resp = await world.api.request("POST", f"{base}?name=Big.txt", body=big, token=world.admin)
    assert resp.code == 413 and resp.json["error"]["code"] == "file_too_large"
    sources = (await world.api.get(f"/api/widgets/{world.key}/knowledge/sources",
                                   token=world.admin)).json["sources"]
    assert [s["name"] for s in sources] == ["Guide.md"]  # nothing left by the refused ones


async def test_a_pdf_and_a_word_file_on_the_site_are_read(make_world: Any, site: Site) -> None:
    world = await make_world()
    for path, titles in (("/price-list.pdf", {"Price list (pp. 1–2)"}),
                         ("/handbook.docx", {"Shop handbook", "Shipping", "Shipping — Abroad",
                                             "Returns"})):
        resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/sources",
                                    {"url": site.url(path)}, token=world.admin)
        source = await settled(world, resp.json["source"]["id"])
        assert source["status"] == "ready", source
        assert set(source["result"]["added"]) == titles, source["result"]
    found = await entries(world)
    assert "60 euros for a set of four" in found["Price list (pp. 1–2)"]["body"]
    assert found["Price list (pp. 1–2)"]["url"] == site.url("/price-list.pdf")
    assert "France · 9 EUR" in found["Shipping — Abroad"]["body"]
    assert found["Returns"]["url"] == site.url("/handbook.docx")


async def test_a_due_source_is_synced_again_by_the_scheduler(
        make_world: Any, ctx: Context, site: Site) -> None:
    world = await make_world()
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/sources",
                                {"url": site.url("/about"), "sync_hours": 24},
                                token=world.admin)
    first = await settled(world, resp.json["source"]["id"])
    assert first["status"] == "ready" and first["next_sync_at"] > first["synced_at"]
    async with ctx.engine.begin() as conn:  # a day later
        await db.update_source(conn, first["id"], next_sync_at=utcnow() - timedelta(seconds=1))
    fetched = len(site.paths())
    runner = source_sync.runner(ctx)
    runner.schedule()
    try:
        for _ in range(200):
            again = (await world.api.get(f"/api/widgets/{world.key}/knowledge/sources/"
                                         f"{first['id']}", token=world.admin)).json["source"]
            if again["synced_at"] != first["synced_at"] and again["status"] == "ready":
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the scheduler did not sync the due source")
    finally:
        await runner.stop()  # as a stopping server does
    assert site.paths()[fetched:] == ["/robots.txt", "/about"]
    assert again["result"]["counts"]["unchanged"] == 1


async def test_one_source_of_a_widget_syncs_at_a_time_across_processes(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    ids = []
    for url in ("http://shop.test/a", "http://shop.test/b"):
        source = await knowledge_sources.add_web_source(ctx, OPERATOR, world.key, {"url": url},
                                                        start=False)
        ids.append(source["id"])
    now = utcnow()

    async def claim(source_id: int, at: Any) -> str:
        async with ctx.engine.begin() as conn:
            row = await db.source(conn, source_id)
            assert row is not None
            return await db.claim(conn, row, at, source_sync.LEASE_S)

    assert await claim(ids[0], now) == "claimed"
    assert await claim(ids[1], now) == "queued"  # the widget is busy
    assert await claim(ids[0], now) == "busy"
    later = now + timedelta(seconds=source_sync.LEASE_S + 1)  # the first process died
    assert await claim(ids[1], later) == "claimed"
    async with ctx.engine.connect() as conn:
        due = [r["id"] for r in await db.due(conn, later)]
    assert due == [ids[0]]  # its lapsed lease makes it due again


async def test_a_sync_stopped_with_its_process_is_handed_back(make_world: Any, ctx: Context,
                                                               site: Site) -> None:
    world = await make_world()
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/sources",
                                {"url": site.url("/slow")}, token=world.admin)
    source_id = resp.json["source"]["id"]
    for _ in range(200):  # the slow page is being fetched
        if "/slow" in site.paths():
            break
        await asyncio.sleep(0.05)
    await source_sync.runner(ctx).stop()
    async with ctx.engine.connect() as conn:
        row = await db.source(conn, source_id)
    assert row is not None and (row["status"], row["lease_until"]) == ("queued", None)
