"""An agent's profile: the password changed (the old tokens revoked, this one replaced), the
display name (what visitors see from then on, as it is, with no role added), and the avatar
(re-encoded without metadata, refused when it is not an image or too big, served publicly by
its random id with headers that let nothing run)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from chatserver.context import Context
from tests.helpers.accounts import PASSWORD, admin_and_agent
from tests.helpers.api import Api
from tests.helpers.files import image_of, png, png_bomb

AVATAR = "/api/auth/me/avatar"


def png_with_gps(width: int = 640, height: int = 480) -> bytes:
    """A PNG whose eXIf chunk holds a GPS position and a camera model."""
    img = Image.new("RGB", (width, height), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0110] = "SpyCam 3000"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    out = io.BytesIO()
    img.save(out, "PNG", exif=exif.tobytes())
    return out.getvalue()


async def put_avatar(api: Api, body: bytes, token: str) -> Any:
    return await api.request("PUT", AVATAR, body=body, token=token,
                             headers={"Content-Type": "application/octet-stream"})


async def test_password_change_revokes_old_tokens_and_returns_a_working_one(api: Api) -> None:
    _admin, agent, user = await admin_and_agent(api)
    other_tab = agent  # the same token, held elsewhere
    wrong = await api.post("/api/auth/password", {"current_password": "not-it-at-all",
                                                  "new_password": "a-new-long-passphrase"},
                           token=agent)
    assert (wrong.code, wrong.error_code) == (403, "wrong_password")
    assert (await api.get("/api/auth/me", token=agent)).code == 200  # nothing changed
    weak = await api.post("/api/auth/password", {"current_password": PASSWORD,
                                                 "new_password": "short"}, token=agent)
    assert weak.code == 422
    done = await api.post("/api/auth/password", {"current_password": PASSWORD,
                                                 "new_password": "a-new-long-passphrase"},
                          token=agent)
    assert done.code == 200, done
    fresh = done.json["token"]
    me = await api.get("/api/auth/me", token=fresh)
    assert me.code == 200 and me.json["user"]["id"] == user["id"]
    old = await api.get("/api/auth/me", token=other_tab)
    assert (old.code, old.error_code) == (401, "token_revoked")
    refused = await api.post("/api/auth/login", {"email": "alice@example.com",
                                                 "password": PASSWORD}, token="")
    assert refused.code == 401
    ok = await api.post("/api/auth/agent-login", {"email": "alice@example.com",
                                                  "password": "a-new-long-passphrase"}, token="")
    assert ok.code == 200


async def test_one_sign_in_serves_the_admin_and_the_inbox_and_one_sign_out_ends_both(
        api: Api) -> None:
    """The admin UI signs in at /api/auth/login, the inbox at /api/auth/agent-login: either
    token is good for the other's calls, and signing out revokes the user's every token."""
    await admin_and_agent(api)
    admin_ui = (await api.post("/api/auth/login", {"email": "root@example.com",
                                                   "password": PASSWORD}, token="")).json["token"]
    inbox = (await api.post("/api/auth/agent-login", {"email": "root@example.com",
                                                      "password": PASSWORD}, token="")).json["token"]
    assert (await api.get("/api/agents/team", token=admin_ui)).code == 200
    assert (await api.get("/api/auth/users", token=inbox)).code == 200
    assert (await api.post("/api/auth/logout", token=inbox)).code == 204
    for token in (admin_ui, inbox):
        assert (await api.get("/api/auth/me", token=token)).error_code == "token_revoked"


async def test_display_name_is_what_the_visitor_sees_without_a_role(
        make_world: Any) -> None:
    world = await make_world()
    s = await world.waiting_session()
    sid = s["session_id"]
    alice, _ = await world.agent("alice")
    visitor, _ = await world.visitor(s)
    # Changed while the agent's socket is open: what it sends from now on carries the name.
    resp = await world.api.put("/api/auth/me", {"display_name": "Alice Martin"},
                               token=world.agents["alice"]["token"])
    assert resp.code == 200 and resp.json["user"]["display_name"] == "Alice Martin"
    await alice.send({"type": "accept", "session_id": sid})
    await alice.expect("accepted")
    joined = await visitor.expect("agent_joined")
    assert joined["agent"]["display_name"] == "Alice Martin"
    said = await visitor.expect("message", sender_type="system",
                                text="Alice Martin joined the conversation.")
    await alice.say("Hello!", "a-1", session_id=sid)
    got = await visitor.expect("message", client_msg_id="a-1")
    assert got["sender_name"] == "Alice Martin"
    # The admin too: an admin's name reaches the visitor as it is, no "(admin)" added.
    admin_me = (await world.api.get("/api/auth/me", token=world.admin)).json["user"]
    assert admin_me["role"] == "admin"
    for frame in (joined, said, got):
        assert "(admin)" not in str(frame) and "(agent)" not in str(frame)


async def test_display_name_refused_when_empty_or_too_long(api: Api) -> None:
    _admin, agent, _user = await admin_and_agent(api)
    for bad in ("", "x" * 101, 5):
        resp = await api.put("/api/auth/me", {"display_name": bad}, token=agent)
        assert resp.code in (400, 422) and resp.error_code, bad


async def test_avatar_is_reencoded_without_gps_and_served_safely(api: Api, ctx: Context) -> None:
    _admin, agent, _user = await admin_and_agent(api)
    original = png_with_gps()
    assert image_of(original).getexif().get(0x8825)  # the original holds GPS
    resp = await put_avatar(api, original, agent)
    assert resp.code == 200, resp
    url = resp.json["user"]["avatar_url"]
    assert url.startswith("/api/avatars/") and len(url.rsplit("/", 1)[1]) == 32
    assert (await api.get("/api/auth/me", token=agent)).json["user"]["avatar_url"] == url
    got = await api.get(url, token="")  # no token: visitors see it in the widget
    assert got.code == 200, got
    assert got.headers["Content-Type"] == "image/png"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "immutable" in got.headers["Cache-Control"]
    assert int(got.headers["Content-Length"]) == len(got.body)
    stored = image_of(got.body)
    assert stored.format == "PNG" and stored.size == (192, 192)
    assert len(stored.getexif()) == 0 and b"SpyCam" not in got.body and b"eXIf" not in got.body
    # A new avatar replaces it: the old URL is gone, its file deleted.
    again = await put_avatar(api, png(40, 30), agent)
    new_url = again.json["user"]["avatar_url"]
    assert new_url != url and image_of((await api.get(new_url, token="")).body).size == (30, 30)
    assert (await api.get(url, token="")).error_code == "avatar_not_found"
    # Removed: none.
    removed = await api.delete(AVATAR, token=agent)
    assert removed.code == 200 and removed.json["user"]["avatar_url"] is None
    assert (await api.get(new_url, token="")).code == 404
    for bad in ("nope", "0" * 32, "../" + "a" * 29):
        assert (await api.get(f"/api/avatars/{bad}", token="")).code == 404


async def test_avatar_refuses_what_is_not_an_image_and_what_is_too_big(api: Api) -> None:
    _admin, agent, _user = await admin_and_agent(api)
    cases = [
        (b"<!doctype html><script>alert(1)</script>", 415, "file_type_not_allowed"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 415,
         "file_type_not_allowed"),
        (b"just some text", 415, "file_type_not_allowed"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 415, "file_type_not_allowed"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 422, "image_unreadable"),
        (png_bomb(), 422, "image_too_large"),  # refused from its header, never decoded
        (b"", 422, "file_empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024 + 1), 413, "file_too_large"),
    ]
    for body, status, code in cases:
        resp = await put_avatar(api, body, agent)
        assert (resp.code, resp.error_code) == (status, code), body[:20]
    assert (await api.get("/api/auth/me", token=agent)).json["user"]["avatar_url"] is None
    assert (await put_avatar(api, png(), "")).code == 401


async def test_the_visitor_is_told_the_agents_avatar_when_they_join(make_world: Any) -> None:
    world = await make_world()
    token = world.agents["alice"]["token"]
    url = (await put_avatar(world.api, png(), token)).json["user"]["avatar_url"]
    s = await world.waiting_session()
    alice, _ = await world.agent("alice")
    visitor, _ = await world.visitor(s)
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    joined = await visitor.expect("agent_joined")
    assert joined["agent"] == {"id": world.agents["alice"]["id"], "display_name": "alice",
                               "avatar_url": url}
    assert (await world.api.get(url, token="")).code == 200  # the visitor's widget loads it


async def test_the_demo_admin_is_seeded_without_a_role_in_their_name(ctx: Context) -> None:
    from chatserver.services import maintenance

    demo = await maintenance.demo(ctx)  # what `make run` / `chatctl demo` does
    names = {demo["admin"]["display_name"], demo["agent"]["display_name"]}
    assert names == {"Ada", "Alex"}


async def test_a_visitor_reconnecting_is_told_the_agents_avatar(make_world: Any) -> None:
    """A reload, or another page of the site: `ready` names the agent with their picture."""
    world = await make_world()
    url = (await put_avatar(world.api, png(), world.agents["alice"]["token"])).json["user"][
        "avatar_url"]
    s = await world.waiting_session()
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    await alice.expect("accepted")
    _visitor, ready = await world.visitor(s)
    assert ready["agent"] == {"id": world.agents["alice"]["id"], "display_name": "alice",
                              "avatar_url": url}


async def test_an_animated_gif_or_a_webp_becomes_a_still_png(api: Api) -> None:
    _admin, agent, _user = await admin_and_agent(api)
    frames = [Image.new("RGB", (50, 80), c) for c in ((255, 0, 0), (0, 255, 0))]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    webp = io.BytesIO()
    Image.new("RGBA", (64, 64), (0, 0, 255, 128)).save(webp, "WEBP")
    for body, size in ((gif.getvalue(), (50, 50)), (webp.getvalue(), (64, 64))):
        url = (await put_avatar(api, body, agent)).json["user"]["avatar_url"]
        got = image_of((await api.get(url, token="")).body)
        assert got.format == "PNG" and got.size == size
        assert getattr(got, "n_frames", 1) == 1
