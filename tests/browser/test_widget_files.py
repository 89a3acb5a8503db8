"""Attachments in the widget, in Chromium against the real server: a file chosen with the
attach button and an image pasted into the composer are uploaded and sent, the agent gets
them on the real socket, hostile names stay text, refusals are said per file, a reload in the
middle of an upload asks to choose the file again, a file message replayed after a reconnect
shows its thumbnail, and a widget with visitor uploads off has no attach button.

The upload and download tests run on both storage backends: the package's chat server
(local disk), and a second chat server on the same database storing in S3 (moto_server)."""

from __future__ import annotations

import base64
import json
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.helpers.browser import MOBILE, Site, Visitor, axe_violations
from tests.helpers.browser_servers import Agent, Servers
from tests.helpers.files import png
from tests.helpers.s3 import MotoServer, moto_server

__all__ = ["moto_server"]  # a fixture

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

HOSTILE = '<img src=x onerror="window.__pwned=1">.pdf'
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def s3_servers(servers: Servers, moto_server: MotoServer) -> Iterator[Servers]:
    """A second chat server like the package's (same database and secret key), storing
    files in S3."""
    running = Servers(servers.settings.replace(**moto_server.settings())).start()
    yield running
    running.close()


@pytest.fixture(params=["local", "s3"])
def chat(request: pytest.FixtureRequest, servers: Servers) -> Servers:
    """The chat server of a test, once per storage backend."""
    if request.param == "local":
        return servers
    s3: Servers = request.getfixturevalue("s3_servers")
    return s3


def open_widget(v: Visitor, servers: Servers, key: str) -> None:
    # Playwright intercepts file choosers once a listener asks (which takes a round trip):
    # asked now, a chooser opened by a quick key press is not missed.
    v.page.on("filechooser", lambda _chooser: None)
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    expect(v.widget(".pw-panel")).to_be_visible()


def reopen(v: Visitor, text: str) -> None:
    """After a reload: the conversation loaded (a message from its history shown), then the
    panel open (a wide screen may have restored it open already)."""
    expect(v.widget(".pw-msg", has_text=text).first).to_be_attached()
    launcher = v.widget(".pw-launcher")
    if launcher.get_attribute("aria-expanded") != "true":
        launcher.click()
    expect(v.widget(".pw-panel")).to_be_visible()


def saved(v: Visitor, key: str) -> dict[str, Any]:
    raw = v.storage().get(f"parley:{key}")
    assert raw, v.storage()
    out: dict[str, Any] = json.loads(raw)
    return out


def send(v: Visitor, text: str) -> None:
    box = v.widget("textarea.pw-input")
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")


def choose(v: Visitor, *files: dict[str, Any]) -> None:
    """The attach button, then the real file chooser."""
    with v.page.expect_file_chooser() as chooser:
        v.widget("button[aria-label='Attach files']").click()
    assert chooser.value.is_multiple()
    chooser.value.set_files(list(files))


def a_png(name: str = "shot.png", **kw: Any) -> dict[str, Any]:
    return {"name": name, "mimeType": "image/png", "buffer": png(**kw)}


class SocketCut:
    """The widget's socket through the test (Playwright's WebSocket routing): cut, and kept
    from reconnecting until mended. Installed before the page (re)loads."""

    def __init__(self, v: Visitor) -> None:
        self.v = v
        self.down = threading.Event()
        self.open: list[Any] = []
        v.page.route_web_socket(re.compile(r"/ws/"), self.relay)

    def relay(self, ws: Any) -> None:
        if self.down.is_set():
            ws.close()
            return
        ws.connect_to_server()
        self.open.append(ws)

    def cut(self) -> None:
        assert self.open, "the widget has no socket"
        self.down.set()
        for ws in self.open:
            ws.close()
        self.open.clear()
        expect(self.v.widget(".pw-banner")).to_contain_text("Reconnecting", timeout=10_000)

    def mend(self) -> None:
        self.down.clear()
        self.v.page.evaluate("() => window.dispatchEvent(new Event('online'))")  # reconnect now


def live_with_agent(servers: Servers, site: Site, agents: Callable[..., Agent],
                    v: Visitor, **widget: Any) -> tuple[str, str, Agent]:
    """A widget without the AI, a visitor's first message, the agent on it (all on `servers`,
    the package's or the S3 one)."""
    key = site.widget(ai_enabled=False, allowed_origins=[servers.host_origin], **widget)
    alex = agents(key)
    alex.servers = servers
    alex.connect()
    open_widget(v, servers, key)
    send(v, "hello")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", re.compile("sent|seen"))
    sid = saved(v, key)["sid"]
    alex.accept(sid)
    return key, sid, alex


def test_files_chosen_with_a_caption_reach_the_agent_and_show_in_the_widget(
        request: pytest.FixtureRequest, chat: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    v = visitor()
    _key, sid, alex = live_with_agent(chat, site, agents, v)

    choose(v, a_png(width=640, height=480), {"name": HOSTILE, "mimeType": "application/pdf", "buffer": PDF})
    tray = v.widget(".pw-tray")
    expect(tray.locator(".pw-file--done")).to_have_count(2)
    expect(tray.locator(".pw-file-name")).to_have_text(["shot.png", HOSTILE])
    expect(v.widget(".pw-sr[aria-live=polite]")).to_have_text(re.compile("uploaded"))
    send(v, "the broken part, and my invoice")
    expect(tray.locator(".pw-file")).to_have_count(0)

    mine = v.widget(".pw-msg--visitor").last
    expect(mine).to_have_attribute("data-state", re.compile("sent|seen"))
    expect(mine.locator(".pw-bubble")).to_have_text("the broken part, and my invoice")
    frame = alex.expect("message", session_id=sid, text="the broken part, and my invoice")
    assert [(f["name"], f["type"]) for f in frame["files"]] == [
        ("shot.png", "image/png"), (HOSTILE, "application/pdf")]
    [row] = [m for m in chat.messages(sid) if m["text"] == "the broken part, and my invoice"]
    assert [f["name"] for f in row["meta"]["files"]] == ["shot.png", HOSTILE]
    if chat.settings.storage_backend == "s3":  # in the bucket: both files and the thumbnail
        assert len(request.getfixturevalue("moto_server").keys(chat.settings.s3_prefix)) >= 3

    # The image as a thumbnail from a blob: URL (the token never in a URL); the PDF as a chip.
    img = mine.locator(".pw-thumb img")
    expect(img).to_have_attribute("src", re.compile(r"^blob:"))
    expect(img).to_have_attribute("alt", "shot.png")
    assert img.evaluate("i => i.complete && i.naturalWidth > 0")
    chip = mine.locator("button.pw-file")
    expect(chip).to_have_attribute("aria-label", re.compile(r"^Download .*PDF · \d+ bytes$"))
    expect(chip.locator(".pw-file-name")).to_have_text(HOSTILE)
    # The hostile name is text: no element made of it, nothing ran.
    assert v.page.evaluate("() => window.__pwned") is None
    assert v.widget("img[src=x]").count() == 0

    v.shot(f"files-{chat.settings.storage_backend}")

    # The image full size in the viewer; Escape closes it and gives the focus back.
    mine.locator(".pw-thumb").click()
    big = v.widget(".pw-viewer img")
    expect(big).to_have_attribute("src", re.compile(r"^blob:"))
    v.page.keyboard.press("Escape")
    expect(v.widget(".pw-viewer")).to_have_count(0)
    expect(mine.locator(".pw-thumb")).to_be_focused()
    expect(v.widget(".pw-panel")).to_be_visible()

    # The chip downloads the file under its name, the very bytes uploaded.
    with v.page.expect_download() as download:
        chip.click()
    # (Chromium itself makes the characters a file system may not take into "_".)
    assert download.value.suggested_filename == re.sub(r'[<>"]', "_", HOSTILE)
    with open(download.value.path(), "rb") as f:
        assert f.read() == PDF
    assert v.dialogs == []


def test_a_pasted_image_is_sent_without_a_caption(
        chat: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    v = visitor()
    _key, sid, alex = live_with_agent(chat, site, agents, v)
    box = v.widget("textarea.pw-input")
    box.focus()
    # What the browser dispatches on Ctrl+V of a screenshot: a paste with a PNG file.
    box.evaluate("""(el, b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], "image.png", { type: "image/png" }));
        el.dispatchEvent(new ClipboardEvent("paste",
            { clipboardData: data, bubbles: true, cancelable: true }));
    }""", base64.b64encode(png(width=120, height=90)).decode())
    expect(v.widget(".pw-tray .pw-file--done")).to_have_count(1)
    expect(box).to_have_value("")  # the file went to the tray, no text to the box
    box.press("Enter")
    mine = v.widget(".pw-msg--visitor").last
    expect(mine.locator(".pw-thumb img")).to_have_attribute("src", re.compile(r"^blob:"))
    expect(mine.locator(".pw-bubble")).to_be_hidden()  # no caption: no empty bubble
    frame = alex.expect("message", session_id=sid, text="")
    assert [(f["name"], f["width"], f["height"]) for f in frame["files"]] == [("image.png", 120, 90)]


def test_refusals_are_said_per_file_and_nothing_refused_is_sent(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    v = visitor()
    _key, sid, alex = live_with_agent(servers, site, agents, v)
    choose(v,
           {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""},  # checked here
           {"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": b"<svg/>"},  # checked here
           {"name": "page.png", "mimeType": "image/png", "buffer": b"<!doctype html><script>1</script>"},
           a_png("ok.png"))
    tray = v.widget(".pw-tray")
    expect(tray.locator(".pw-file--done")).to_have_count(1)
    errors = tray.locator(".pw-file--failed .pw-file-err")
    expect(errors).to_have_text(["This file is empty.", "This type of file can't be sent.",
                                 "This type of file can't be sent."])  # the last one: the server's word
    # A refused file can be removed; sending takes only what was uploaded.
    tray.locator("button[aria-label='Remove logo.svg']").click()
    expect(tray.locator(".pw-file")).to_have_count(3)
    send(v, "only the good one")
    frame = alex.expect("message", session_id=sid, text="only the good one")
    assert [f["name"] for f in frame["files"]] == ["ok.png"]


def test_a_reload_during_an_upload_asks_to_choose_the_file_again(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)
    v = visitor()
    open_widget(v, servers, key)
    send(v, "first message")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", "sent")
    sid = saved(v, key)["sid"]
    # The upload hangs (a slow network): the request is held, never answered.
    uploads = re.compile(r"/uploads\?")
    v.page.route(uploads, lambda _route: None)
    # Cancel: an upload under way is stopped and its file dropped.
    with v.page.expect_request(uploads):
        choose(v, a_png("cancel-me.png"))
    tray = v.widget(".pw-tray")
    expect(tray.locator("progress")).to_have_count(1)
    tray.get_by_role("button", name="Remove cancel-me.png").click()
    expect(tray.locator(".pw-file")).to_have_count(0)

    with v.page.expect_request(uploads):
        choose(v, a_png("slow.png"))
    expect(tray.locator("progress")).to_have_count(1)
    send(v, "this one is slow")
    mine = v.widget(".pw-msg--visitor", has_text="this one is slow")
    expect(mine).to_have_attribute("data-state", "pending")
    expect(mine.locator("[data-upload] progress")).to_have_count(1)
    assert [h["text"] for h in saved(v, key)["held"]] == ["this one is slow"]

    v.page.unroute(uploads)
    v.page.reload()
    reopen(v, "first message")
    failed = v.widget(".pw-msg--visitor", has_text="this one is slow")
    expect(failed).to_have_attribute("data-state", "failed")
    expect(failed.locator(".pw-meta")).to_contain_text("The upload didn't finish.")
    expect(failed.locator(".pw-file-name")).to_have_text("slow.png")
    # Nothing half-sent.
    assert [m["text"] for m in servers.messages(sid) if m["sender_type"] == "visitor"] == ["first message"]
    assert saved(v, key)["held"] == []

    # Choose again: the caption back in the composer, the chooser open; then it goes.
    with v.page.expect_file_chooser() as chooser:
        failed.get_by_role("button", name="Choose again").click()
    expect(failed).to_have_count(0)
    expect(v.widget("textarea.pw-input")).to_have_value("this one is slow")
    chooser.value.set_files([a_png("slow.png")])
    expect(v.widget(".pw-tray .pw-file--done")).to_have_count(1)
    v.widget("textarea.pw-input").press("Enter")
    sent = v.widget(".pw-msg--visitor", has_text="this one is slow")
    expect(sent).to_have_attribute("data-state", "sent")
    rows = [m for m in servers.messages(sid) if m["text"] == "this one is slow"]
    assert len(rows) == 1 and [f["name"] for f in rows[0]["meta"]["files"]] == ["slow.png"]


def test_a_file_message_missed_while_disconnected_is_replayed_with_its_thumbnail(
        chat: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    v = visitor()
    key, sid, alex = live_with_agent(chat, site, agents, v)
    cut = SocketCut(v)
    v.page.reload()
    reopen(v, "hello")
    expect(v.widget(".pw-banner")).to_be_hidden()
    cut.cut()

    # Meanwhile the agent sends a picture (uploaded with the agent's token).
    resp = httpx.post(f"{chat.url}/api/widgets/{key}/sessions/{sid}/uploads?name=photo.png",
                      content=png(width=300, height=200), timeout=10,
                      headers={"Authorization": f"Bearer {alex.token}",
                               "Content-Type": "application/octet-stream"})
    assert resp.status_code == 201, resp.text
    cid = str(uuid.uuid4())
    alex.send({"type": "message", "session_id": sid, "client_msg_id": cid, "text": "like this?",
               "files": [resp.json()["upload"]["id"]]})
    alex.expect("ack", client_msg_id=cid)
    assert v.widget(f"[data-key='{cid}']").count() == 0

    cut.mend()
    theirs = v.widget(f".pw-msg--agent[data-key='{cid}']")
    expect(theirs.locator(".pw-thumb img")).to_have_attribute("src", re.compile(r"^blob:"), timeout=20_000)
    expect(theirs.locator(".pw-thumb")).to_have_attribute("aria-label", "Open image photo.png")
    assert theirs.locator(".pw-thumb img").evaluate("i => i.complete && i.naturalWidth > 0")


def test_a_file_message_in_the_outbox_survives_a_reload_and_is_stored_once(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    v = visitor()
    key, sid, alex = live_with_agent(servers, site, agents, v)
    cut = SocketCut(v)
    v.page.reload()
    reopen(v, "hello")
    choose(v, a_png("kept.png"))
    expect(v.widget(".pw-tray .pw-file--done")).to_have_count(1)
    cut.cut()
    send(v, "sent while cut off")
    mine = v.widget(".pw-msg--visitor", has_text="sent while cut off")
    expect(mine).to_have_attribute("data-state", "pending")
    [kept] = saved(v, key)["outbox"]
    assert kept["text"] == "sent while cut off" and len(kept["files"]) == 1
    assert [f["name"] for f in kept["attached"]] == ["kept.png"]

    # A reload while still cut off: the message is back, pending, with its picture.
    v.page.reload()
    reopen(v, "hello")
    mine = v.widget(".pw-msg--visitor", has_text="sent while cut off")
    expect(mine).to_have_attribute("data-state", "pending")
    expect(mine.locator(".pw-thumb img")).to_have_attribute("src", re.compile(r"^blob:"))
    cut.mend()
    expect(mine).to_have_attribute("data-state", re.compile("sent|seen"), timeout=20_000)
    frame = alex.expect("message", session_id=sid, text="sent while cut off")
    assert [f["name"] for f in frame["files"]] == ["kept.png"]
    rows = [m for m in servers.messages(sid) if m["text"] == "sent while cut off"]
    assert len(rows) == 1 and [f["name"] for f in rows[0]["meta"]["files"]] == ["kept.png"]
    assert saved(v, key)["outbox"] == []
    v.page.reload()
    reopen(v, "hello")
    expect(v.widget(".pw-msg--visitor", has_text="sent while cut off")).to_have_count(1)


def test_files_as_the_first_move_start_the_conversation(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)
    v = visitor()
    open_widget(v, servers, key)
    assert servers.sessions(key) == []
    choose(v, a_png("one.png"), a_png("two.png"))
    expect(v.widget(".pw-tray .pw-file--done")).to_have_count(2)
    [session] = servers.sessions(key)  # one conversation for both
    v.widget("textarea.pw-input").press("Enter")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", re.compile("sent"))
    [row] = [m for m in servers.messages(session["id"]) if m["sender_type"] == "visitor"]
    assert row["text"] == "" and [f["name"] for f in row["meta"]["files"]] == ["one.png", "two.png"]


def test_a_widget_with_visitor_uploads_off_has_no_attach_button(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False, visitor_uploads=False)
    v = visitor()
    open_widget(v, servers, key)
    expect(v.widget("textarea.pw-input")).to_be_visible()
    expect(v.widget("button[aria-label='Attach files']")).to_be_hidden()
    # A dropped or pasted file is not taken either: the paste stays the textarea's.
    box = v.widget("textarea.pw-input")
    prevented = box.evaluate("""(el) => {
        const data = new DataTransfer();
        data.items.add(new File(["x"], "a.png", { type: "image/png" }));
        const ev = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
        el.dispatchEvent(ev);
        return ev.defaultPrevented;
    }""")
    assert prevented is False
    expect(v.widget(".pw-tray")).to_have_count(0)


def test_on_a_phone_by_keyboard_and_by_drop_with_no_accessibility_violations(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)
    alex = agents(key)
    alex.connect()
    v = visitor(viewport=MOBILE, is_mobile=True, has_touch=True)
    open_widget(v, servers, key)
    send(v, "hello")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", re.compile("sent|seen"))
    sid = saved(v, key)["sid"]
    alex.accept(sid)
    # The keyboard: from the message box back to the attach button, Enter opens the chooser.
    box = v.widget("textarea.pw-input")
    box.focus()
    v.page.keyboard.press("Shift+Tab")
    attach = v.widget("button[aria-label='Attach files']")
    expect(attach).to_be_focused()
    with v.page.expect_file_chooser() as chooser:
        v.page.keyboard.press("Enter")
    chooser.value.set_files([a_png("by-keyboard.png")])
    # A drop on the panel (what dragging a file from the desktop dispatches).
    v.widget(".pw-panel").evaluate("""(el, b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
        for (const type of ["dragover", "drop"]) {
            el.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
        }
    }""", base64.b64encode(png()).decode())
    tray = v.widget(".pw-tray")
    expect(tray.locator(".pw-file--done .pw-file-name")).to_have_text(["by-keyboard.png", "dropped.png"])
    # Large targets on a phone, everything labelled.
    for target in [attach, *tray.locator("button").all()]:
        b = target.bounding_box()
        assert b and b["height"] >= 44 and b["width"] >= 44, (target.evaluate("e => e.outerHTML"), b)
    found = {"tray": axe_violations(v)}
    v.shot("files-tray-phone")
    box.press("Enter")
    mine = v.widget(".pw-msg--visitor").last
    expect(mine.locator(".pw-thumb img")).to_have_count(2)
    expect(mine.locator(".pw-thumb img").last).to_have_attribute("src", re.compile(r"^blob:"))
    alex.expect("message", session_id=sid, text="")
    found["message with files"] = axe_violations(v)
    mine.locator(".pw-thumb").first.tap()
    expect(v.widget(".pw-viewer img")).to_have_attribute("src", re.compile(r"^blob:"))
    expect(v.widget(".pw-viewer button", has_text="Close")).to_be_focused()
    found["viewer"] = axe_violations(v)
    v.widget(".pw-viewer button", has_text="Close").tap()
    expect(v.widget(".pw-viewer")).to_have_count(0)
    assert found == {state: [] for state in found}, json.dumps(found, indent=1)
