"""Files served back in Chromium run no script: a text file full of markup and a JPEG/HTML
polyglot, opened straight from the download route on Parley's own origin (the worst place for
them), as a visitor who may read them. The text is a download, never a page; the image is the
re-encoded picture, with nothing of the HTML left; neither opens a dialog nor calls the
tripwire."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.helpers.browser import Site, Visitor
from tests.helpers.files import polyglot_jpeg_html
from tests.security.browser.xss import TRIPWIRE

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

# Starts as prose, so it is taken as text (a file that starts as markup is refused), then
# holds a whole page.
MARKUP = (b"Notes for the shop\n<!DOCTYPE html><html><body><script>__xss(1)</script>"
          b"<img src=x onerror=__xss(2)><svg onload=__xss(3)></svg></body></html>\n")


def test_served_files_never_run_script(site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    http = httpx.Client(base_url=site.servers.url, timeout=10)
    session = http.post(f"/api/widgets/{key}/sessions", json={}).json()
    auth = {"Authorization": f"Bearer {session['visitor_token']}"}
    ids = {}
    for name, body in (("notes.html", MARKUP), ("photo.jpg", polyglot_jpeg_html())):
        resp = http.post(f"/api/widgets/{key}/sessions/{session['session_id']}/uploads",
                         params={"name": name}, content=body, headers=auth)
        assert resp.status_code == 201, resp.text
        ids[name] = resp.json()["upload"]
    http.close()
    # The markup was taken as text (decided from the content, not the name).
    assert ids["notes.html"]["type"] == "text/plain"

    v = visitor(extra_http_headers=auth)
    v.context.add_init_script(TRIPWIRE)
    page = v.page
    page.goto(f"{site.servers.url}/api/openapi.json")  # a page of Parley's own origin first

    # The text file: a download (Content-Disposition: attachment), never a rendered page.
    with page.expect_download() as download:
        try:
            page.goto(f"{site.servers.url}/api/files/{ids['notes.html']['id']}")
        except PlaywrightError as exc:  # Chromium says the navigation became a download
            assert "Download is starting" in str(exc), exc
    # Saved with the extension of what it is: opened from the disk, it is text, not a page.
    assert download.value.suggested_filename == "notes.html.txt"
    assert Path(download.value.path()).read_bytes() == MARKUP  # as uploaded, not run

    # The image: shown inline as a picture, under a sandbox; the HTML appended is gone.
    resp = page.goto(f"{site.servers.url}/api/files/{ids['photo.jpg']['id']}")
    assert resp is not None and resp.status == 200
    assert resp.headers["content-type"] == "image/jpeg"
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in resp.headers["content-security-policy"]
    assert b"<script" not in resp.body()
    assert page.locator("img").count() == 1  # Chromium's image viewer, not a document
    hits = page.evaluate("() => window.__xssHits || []")
    assert hits == [] and v.dialogs == []
