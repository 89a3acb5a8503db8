"""Saved views: an agent's history filters under a name, theirs alone (REST CRUD)."""

from __future__ import annotations

from tests.helpers.accounts import admin_and_agent, login, register
from tests.helpers.api import Api


async def test_an_agent_saves_lists_renames_and_deletes_views(api: Api) -> None:
    admin, agent, _ = await admin_and_agent(api)
    made = await api.post("/api/agents/views", {
        "name": "Unhappy VIPs",
        "filters": {"label": [3, "4"], "rating": "1,2", "has_attachments": True,
                    "status": "closed", "q": " refund ", "from": "2026-01-01", "tz": ""}},
        token=agent)
    assert made.code == 201, made
    view = made.json["view"]
    # Kept in the history's own terms, normalised: what the history request will be sent.
    assert view["name"] == "Unhappy VIPs"
    assert view["filters"] == {"q": "refund", "label": ["3", "4"], "status": "closed",
                               "rating": ["1", "2"], "from": "2026-01-01",
                               "has_attachments": "true"}
    second = (await api.post("/api/agents/views", {"name": "Everything", "filters": {}},
                             token=agent)).json["view"]
    listed = await api.get("/api/agents/views", token=agent)
    assert [v["name"] for v in listed.json["views"]] == ["Everything", "Unhappy VIPs"]

    taken = await api.post("/api/agents/views", {"name": "everything", "filters": {}},
                           token=agent)
    assert taken.code == 409 and taken.json["error"]["code"] == "view_name_taken"
    renamed = await api.put(f"/api/agents/views/{second['id']}",
                            {"name": "All", "filters": {"widget": "abc"}}, token=agent)
    assert renamed.code == 200, renamed
    assert renamed.json["view"]["name"] == "All"
    assert renamed.json["view"]["filters"] == {"widget": "abc"}
    # Only the name: the filters stay.
    kept = await api.put(f"/api/agents/views/{second['id']}", {"name": "All chats"}, token=agent)
    assert kept.json["view"]["filters"] == {"widget": "abc"}

    assert (await api.delete(f"/api/agents/views/{second['id']}", token=agent)).code == 204
    assert [v["name"] for v in (await api.get("/api/agents/views", token=agent)).json["views"]] \
        == ["Unhappy VIPs"]
    assert (await api.delete(f"/api/agents/views/{second['id']}", token=agent)).code == 404
    assert admin


async def test_bad_views_are_refused_with_a_code(api: Api) -> None:
    _, agent, _ = await admin_and_agent(api)
    cases = [
        ({"name": "", "filters": {}}, 422, "validation_failed"),
        ({"name": "x" * 61, "filters": {}}, 422, "validation_failed"),
        ({"filters": {}}, 422, "validation_failed"),
        ({"name": "Bad", "filters": {"rating": "9"}}, 400, "invalid_filter"),
        ({"name": "Bad", "filters": {"colour": "red"}}, 400, "invalid_filter"),
        ({"name": "Bad", "filters": {"label": {"id": 1}}}, 400, "invalid_filter"),
        ({"name": "Bad", "filters": {"rating": 1.5}}, 400, "invalid_filter"),
        ({"name": "Bad", "filters": [1, 2]}, 400, "invalid_filter"),
    ]
    for body, status, code in cases:
        resp = await api.post("/api/agents/views", body, token=agent)
        assert resp.code == status and resp.json["error"]["code"] == code, (body, resp)
    assert (await api.get("/api/agents/views", token="")).code == 401


async def test_views_are_their_owners_alone(api: Api) -> None:
    admin, alice, _ = await admin_and_agent(api)
    await register(api, "bob", role="agent", token=admin)
    bob = await login(api, "bob")
    mine = (await api.post("/api/agents/views", {"name": "Mine", "filters": {"status": "closed"}},
                           token=alice)).json["view"]
    # The same name is fine for someone else.
    theirs = await api.post("/api/agents/views", {"name": "Mine", "filters": {}}, token=bob)
    assert theirs.code == 201, theirs
    assert [v["id"] for v in (await api.get("/api/agents/views", token=bob)).json["views"]] \
        == [theirs.json["view"]["id"]]
    for token in (bob, admin):
        resp = await api.put(f"/api/agents/views/{mine['id']}", {"name": "Stolen"}, token=token)
        assert resp.code == 404 and resp.json["error"]["code"] == "view_not_found", resp
        assert (await api.delete(f"/api/agents/views/{mine['id']}", token=token)).code == 404
    assert [v["name"] for v in (await api.get("/api/agents/views", token=alice)).json["views"]] \
        == ["Mine"]
