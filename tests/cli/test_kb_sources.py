"""chatctl kb add-url|add-file|sources|sync|remove-source on the suite's database, with the
loopback site (tests/helpers/site.py) served from a thread of its own."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatserver.services import source_sync
from tests.helpers.chatctl import Chatctl
from tests.helpers.site import HOST, Site


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """The site on an event loop in its own thread (chatctl runs its own asyncio.run)."""
    started, stop = threading.Event(), threading.Event()
    running = Site()

    async def serve() -> None:
        await running.start()
        started.set()
        while not stop.is_set():
            await asyncio.sleep(0.02)
        await running.stop()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    assert started.wait(10)
    monkeypatch.setattr(source_sync, "resolver", running.resolver)
    yield running
    stop.set()
    thread.join(10)


@pytest.fixture
def site_key(chatctl: Chatctl) -> str:
    key: str = json.loads(chatctl.ok("widget", "create", "--business-name", "Acme",
                                     "--json").stdout)["site_key"]
    return key


def _json(result: Any) -> Any:
    return json.loads(result.stdout[result.stdout.index("{"):])


def test_a_page_is_imported_listed_synced_and_removed(chatctl: Chatctl, site_key: str,
                                                       site: Site) -> None:
    env = {"PARLEY_FETCH_ALLOW": HOST, "PARLEY_KB_CRAWL_RATE": "100"}
    source = _json(chatctl.ok("kb", "add-url", site_key, site.url("/shipping"), "--every",
                              "24", "--json", env=env))
    assert source["status"] == "ready" and source["result"]["added"] == ["Shipping rates"]
    assert source["sync_hours"] == 24 and source["next_sync_at"]
    listed = chatctl.ok("kb", "sources", site_key, env=env).stdout
    assert site.url("/shipping") in listed and "every 24 h" in listed
    again = chatctl.ok("kb", "sync", site_key, str(source["id"]), env=env).stdout
    assert "1 unchanged" in again
    chatctl.ok("kb", "remove-source", site_key, str(source["id"]), "--yes")
    assert json.loads(chatctl.ok("kb", "list", site_key, "--json").stdout) == []


def test_refusals_and_broken_files_are_clear_errors(chatctl: Chatctl, site_key: str,
                                                    tmp_path: Path) -> None:
    chatctl.fails("kb", "add-url", site_key, "http://169.254.169.254/latest/",
                  message="169.254.169.254")
    broken = tmp_path / "Broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    chatctl.fails("kb", "add-file", site_key, str(broken), message="Broken.pdf")
    guide = tmp_path / "guide.md"
    guide.write_text("# Parking\n\nThere is a car park behind the shop.\n")
    source = _json(chatctl.ok("kb", "add-file", site_key, str(guide), "--json"))
    assert source["kind"] == "file" and source["result"]["added"] == ["Parking"]
    chatctl.fails("kb", "sync", site_key, str(source["id"]), message="--replace")
