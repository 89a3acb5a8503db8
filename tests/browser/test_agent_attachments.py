"""Attachments in the agent inbox, in Chromium against the real server (docs/attachments.md):
an agent uploads with progress and cancels, sends a message whose upload a reload
interrupts (failed, "choose again"), drops a file on the conversation, chooses a file with
the real file chooser and pastes a screenshot, and sends them with a caption; the visitor
(a real visitor socket) receives the message with its files and can download them. What a
visitor sends shows as an image preview that opens full size and a file chip that
downloads; a hostile file name stays text. The history view shows the same files.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.browser import DESKTOP, Site, Visitor
from tests.helpers.browser_servers import Servers
from tests.helpers.inbox import VisitorSocket, make_agent, sign_in, visitors

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

__all__ = ["visitors"]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">.txt'
# A screenshot on the clipboard, pasted into the message box with the keyboard.
COPY_SCREENSHOT = """async () => {
  const c = document.createElement("canvas");
  c.width = 200; c.height = 120;
  const g = c.getContext("2d");
  g.fillStyle = "#0a7"; g.fillRect(0, 0, 200, 120);
  const blob = await new Promise((done) => c.toBlob(done, "image/png"));
  await navigator.clipboard.write([new ClipboardItem({ "image/png": blob })]);
}"""


def png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def upload_as_visitor(site: Site, key: str, v: VisitorSocket, name: str, body: bytes) -> dict[str, Any]:
    resp = site.http.post(f"/api/widgets/{key}/sessions/{v.session_id}/uploads",
                          params={"name": name}, content=body,
                          headers={"Authorization": f"Bearer {v.token}"})
    assert resp.status_code == 201, resp.text
    upload: dict[str, Any] = resp.json()["upload"]
    return upload


def natural_width(page: Page, selector: str) -> int:
    """The width of an image once it has loaded from its blob: URL."""
    page.wait_for_function("s => { const i = document.querySelector(s); return i && i.complete "
                           "&& i.naturalWidth > 0; }", arg=selector)
    width: int = page.eval_on_selector(selector, "i => i.naturalWidth")
    return width


def test_agent_sends_and_receives_files(site: Site, servers: Servers, tmp_path: Path,
                                        visitor: Callable[..., Visitor],
                                        visitors: Callable[..., VisitorSocket]) -> None:
    key = site.widget(business_name="Files Inc")
    alice = make_agent(site, key, "Alice")
    va = visitor(DESKTOP, accept_downloads=True)
    va.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=servers.url)
    page = sign_in(va, servers, alice)
    vera = visitors(key, visitor_name="Vera Files")
    vera.say("My part arrived broken")
    vera.send({"type": "escalate"})
    expect(page.get_by_test_id("queue").locator(f"li[data-session='{vera.session_id}']")).to_be_visible()
    page.locator("body").press("a")
    expect(page.get_by_test_id("chat-title")).to_have_text("Vera Files")
    vera.expect("agent_joined")
    composer = page.get_by_test_id("composer")
    tray = page.get_by_test_id("composer-files")

    # A slow upload shows its progress and is cancelled (Chromium's upload throttled).
    cdp = va.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                  "downloadThroughput": -1,
                                                  "uploadThroughput": 32 * 1024})
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(PDF + b"0" * (2 * 1024 * 1024))
    page.get_by_test_id("attach-input").set_input_files(str(slow))
    expect(tray.get_by_role("progressbar", name="Uploading slow.pdf")).to_be_visible()
    tray.get_by_role("button", name="Cancel upload of slow.pdf").click()
    expect(tray).to_have_count(0)

    # Sent while its file is still uploading, then the page reloads: the message waits in
    # the outbox, and after the reload it is failed ("choose again"), not sent half.
    page.get_by_test_id("attach-input").set_input_files(str(slow))
    expect(tray.get_by_role("progressbar", name="Uploading slow.pdf")).to_be_visible()
    composer.fill("With the slow file")
    composer.press("Enter")
    expect(page.get_by_text("Uploading…")).to_be_visible()
    page.wait_for_function("() => Object.keys(localStorage).some((k) => k.endsWith(':outbox'))")
    page.reload()
    pending = page.locator("[data-pending]")
    expect(pending).to_contain_text("With the slow file")
    expect(pending.get_by_role("alert")).to_contain_text("choose the file again")
    pending.get_by_role("button", name="Discard").click()
    expect(pending).to_have_count(0)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                  "downloadThroughput": -1, "uploadThroughput": -1})

    # Dropped on the conversation: attached; removed again with its ✕.
    drop = page.evaluate_handle("() => { const dt = new DataTransfer(); dt.items.add(new File("
                                "['notes'], 'dropped-notes.txt', { type: 'text/plain' })); "
                                "return dt; }")
    chat = page.get_by_role("region", name="Chat with Vera Files")
    chat.dispatch_event("dragover", {"dataTransfer": drop})
    expect(page.get_by_test_id("drop-zone")).to_be_visible()
    chat.dispatch_event("drop", {"dataTransfer": drop})
    expect(page.get_by_test_id("drop-zone")).to_have_count(0)
    expect(tray.locator("li[data-upload=done]")).to_contain_text("dropped-notes.txt")
    tray.get_by_role("button", name="Remove dropped-notes.txt").click()
    expect(tray).to_have_count(0)

    # The real file chooser (the Attach button), then a pasted screenshot; a caption.
    invoice = tmp_path / "invoice-1234.pdf"
    invoice.write_bytes(PDF)
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Attach files").click()
    assert chooser.value.is_multiple()
    chooser.value.set_files(str(invoice))
    page.evaluate(COPY_SCREENSHOT)
    composer.click()
    composer.press("ControlOrMeta+V")
    expect(tray.locator("li")).to_have_count(2)
    expect(tray.locator("li[data-upload=done]")).to_have_count(2)
    expect(tray).to_contain_text("invoice-1234.pdf")
    expect(tray).to_contain_text("pasted-")
    va.shot("agent-attachments-staged")
    composer.fill("Here is your invoice, and what I see")
    composer.press("Enter")
    got = vera.expect("message", sender_type="agent")
    assert got["text"] == "Here is your invoice, and what I see"
    files = got["files"]
    assert len(files) == 2 and files[0]["name"] == "invoice-1234.pdf"
    assert files[0]["type"] == "application/pdf" and not files[0]["thumb"]
    assert files[1]["name"].startswith("pasted-") and files[1]["type"] == "image/png"
    assert files[1]["thumb"] and (files[1]["width"], files[1]["height"]) == (200, 120)
    back = site.http.get(f"/api/files/{files[0]['id']}",
                         headers={"Authorization": f"Bearer {vera.token}"})
    assert back.status_code == 200 and back.content == PDF
    expect(tray).to_have_count(0)
    transcript = page.get_by_test_id("transcript")
    mine = transcript.locator("li[data-sender=agent]").last
    expect(mine.get_by_test_id("file-chip")).to_contain_text("invoice-1234.pdf")
    expect(mine.get_by_test_id("file-chip")).to_contain_text("PDF")
    expect(mine.get_by_test_id("image-preview")).to_be_visible()
    stored = [m for m in servers.messages(vera.session_id) if m["sender_type"] == "agent"]
    assert len(stored) == 1  # sent once

    # The visitor sends a photo and a file whose name looks like HTML.
    photo = upload_as_visitor(site, key, vera, "photo of the part.png", png(640, 480))
    text = upload_as_visitor(site, key, vera, HOSTILE_NAME, b"serial number 42\n")
    ws = vera.ws
    assert ws is not None
    servers.call(lambda: ws.say("", files=[photo["id"], text["id"]]))
    theirs = transcript.locator("li[data-sender=visitor]").last
    preview = theirs.get_by_test_id("image-preview")
    expect(preview).to_be_visible()
    sel = "[data-sender=visitor]:last-of-type [data-testid=image-preview] img"
    assert 0 < natural_width(page, sel) <= 320  # the thumbnail
    preview.click()
    box = page.get_by_role("dialog", name="photo of the part.png")
    expect(box).to_be_visible()
    assert natural_width(page, "[data-testid=lightbox-image]") == 640  # full size
    va.shot("agent-attachments-lightbox")
    page.keyboard.press("Escape")
    expect(box).to_have_count(0)
    expect(preview).to_be_focused()

    chip = theirs.get_by_test_id("file-chip")
    expect(chip).to_contain_text(HOSTILE_NAME)  # as text
    va.shot("agent-attachments-transcript")
    with page.expect_download() as download:
        chip.click()
    assert Path(download.value.path()).read_bytes() == b"serial number 42\n"
    assert page.evaluate("window.__pwned") is None
    assert theirs.locator("img:not([src^='blob:'])").count() == 0

    # The history view shows the same files once the chat is closed.
    page.get_by_role("button", name="Close", exact=True).click()
    page.get_by_role("button", name="Close conversation").click()
    vera.expect("session_closed", by="agent")
    page.goto(f"{servers.url}/agent/history/{vera.session_id}")
    past = page.get_by_test_id("transcript")
    expect(past.get_by_test_id("image-preview")).to_have_count(2)
    expect(past.get_by_test_id("file-chip")).to_have_count(2)
    no_script = [c for c in va.console if "Content Security Policy" in c or "Refused to" in c]
    assert no_script == [], no_script
