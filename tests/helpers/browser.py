"""The browser tests' Chromium, driven by Playwright for Python, and their fixtures (imported
by tests/browser/conftest.py and tests/security/browser/conftest.py, so that each package gets
its own, package-scoped: Playwright's loop is gone before the rest of the suite runs its own).

One browser per package; one fresh browser context (empty storage) per page. The chat server
runs in-process (browser_servers.Servers) on the suite's test database; host pages come from a
second port, so the widget runs cross-origin as on a customer's site.

Skipped, with the reason, only when Chromium (or Playwright, or the built widget) is missing
on a developer's machine; on CI (CI set) a missing piece fails the run instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatserver.api.static import STATIC_DIR
from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser_servers import Agent, Servers
from tests.helpers.database import clear_tables
from tests.helpers.fake_openai import FakeOpenAIThread
from tests.helpers.settings import make_settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is missing (pip install -e '.[test]')"
    if not (STATIC_DIR / "widget.js").exists():
        return "the widget is not built (make build)"
    if not AXE.exists():
        return "axe-core is not installed (npm ci)"
    return None


# Package scope: the browser (and Playwright's event loop in this thread) is gone before the
# rest of the suite runs its own loops.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:
        skip_or_fail(f"browser tests cannot run: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def fake_ai() -> Iterator[FakeOpenAIThread]:
    """A fake OpenAI-compatible provider on loopback: widgets whose ai_settings say
    provider "openai" get their replies from it; the others use the offline responder."""
    with FakeOpenAIThread() as fake:
        yield fake


@pytest.fixture(scope="package")
def servers(db_url: str, tmp_path_factory: pytest.TempPathFactory,
            fake_ai: FakeOpenAIThread) -> Iterator[Servers]:
    settings = make_settings(db_url, tmp_path_factory.mktemp("browser-data"),
                             sessions_per_ip_per_minute=10_000,
                             ai_base_url=fake_ai.fake.base_url, ai_api_key="sk-browser")
    running = Servers(settings).start(prepare=clear_tables(db_url))
    yield running
    running.close()


class Site:
    """REST set-up through the real endpoints: an admin, widgets, agents."""

    def __init__(self, servers: Servers) -> None:
        self.servers = servers
        self.http = httpx.Client(base_url=servers.url, timeout=10)
        self.counter = itertools.count(1)
        resp = self.http.post("/api/auth/register", json={
            "username": "root", "email": "root@example.com", "password": PASSWORD})
        assert resp.status_code == 201, resp.text
        self.admin = resp.json()["token"]

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin}"}

    def widget(self, **fields: Any) -> str:
        body = {"business_name": "Acme", "widget_title": "Chat with Acme",
                "welcome_message": "Hi! How can we help you today?",
                "allowed_origins": [self.servers.host_origin], **fields}
        resp = self.http.post("/api/widgets", json=body, headers=self._auth())
        assert resp.status_code == 201, resp.text
        key: str = resp.json()["widget"]["site_key"]
        return key

    def agent(self, key: str, display_name: str = "Alex") -> Agent:
        n = next(self.counter)
        resp = self.http.post("/api/auth/register", headers=self._auth(), json={
            "username": f"agent{n}", "email": f"agent{n}@example.com", "password": PASSWORD,
            "role": "agent", "display_name": display_name})
        assert resp.status_code == 201, resp.text
        user = resp.json()["user"]
        assert self.http.put(f"/api/widgets/{key}/agents/{user['id']}",
                             headers=self._auth()).status_code == 200
        token = self.http.post("/api/auth/login", json={
            "email": f"agent{n}@example.com", "password": PASSWORD}).json()["token"]
        return Agent(self.servers, user["id"], token)


@pytest.fixture(scope="package")
def site(servers: Servers) -> Iterator[Site]:
    s = Site(servers)
    yield s
    s.http.close()


@pytest.fixture
def agents(site: Site) -> Iterator[Callable[..., Agent]]:
    made: list[Agent] = []

    def make(key: str, display_name: str = "Alex") -> Agent:
        agent = site.agent(key, display_name)
        made.append(agent)
        return agent

    yield make
    for agent in made:
        agent.close()


class Visitor:
    """A page in its own browser context, with what went wrong in it collected."""

    def __init__(self, context: Any, page: Any) -> None:
        self.context = context
        self.page = page
        self.errors: list[str] = []  # uncaught exceptions: always a failure
        self.console: list[str] = []  # console errors and warnings
        self.dialogs: list[str] = []
        self.sockets: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: m.type in ("error", "warning")
                and self.console.append(f"{m.type}: {m.text}"))
        page.on("websocket", lambda ws: self.sockets.append(ws.url))

        def dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)

    def widget(self, selector: str, **options: Any) -> Any:
        """A locator inside the widget (Playwright pierces its open shadow root)."""
        return self.page.locator(f"parley-widget {selector}", **options)

    def storage(self) -> dict[str, str]:
        items: dict[str, str] = self.page.evaluate("() => ({...localStorage})")
        return items

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), animations="disabled")
        return path


def axe_violations(v: Visitor, selector: str | None = None) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now, or in what
    `selector` matches (one feature's parts, when the page around them is not the test's)."""
    if not v.page.evaluate("() => typeof axe !== 'undefined'"):
        v.page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = v.page.evaluate(
        "async (sel) => await axe.run(sel || document, {resultTypes: ['violations']})",
        selector)
    return [{"id": r["id"], "impact": r["impact"], "help": r["help"],
             "nodes": [n["target"] for n in r["nodes"]][:5]}
            for r in results["violations"] if r["impact"] in ("serious", "critical")]


@pytest.fixture
def visitor(browser: Any) -> Iterator[Callable[..., Visitor]]:
    """visitor(viewport=…) -> a fresh page; asserts at the end that no script error occurred."""
    opened: list[Visitor] = []

    def make(viewport: dict[str, int] | None = None, **options: Any) -> Visitor:
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(viewport=viewport or DESKTOP, **options)
        context.set_default_timeout(10_000)
        v = Visitor(context, context.new_page())
        opened.append(v)
        return v

    yield make
    for v in opened:
        v.context.close()
    for v in opened:
        assert v.errors == [], f"uncaught errors in the page: {v.errors}"



def chat_requests(v: Visitor, servers: Servers) -> list[str]:
    """Every request the page makes to the chat server from now on, as method and path."""
    seen: list[str] = []
    v.page.on("request", lambda r: r.url.startswith(servers.url) and seen.append(
        f"{r.method} {r.url[len(servers.url):].split('?')[0]}"))
    return seen


def everything_stored(v: Visitor) -> dict[str, Any]:
    """What the page's origin keeps: both storages, cookies, IndexedDB databases and caches."""
    stored: dict[str, Any] = v.page.evaluate("""async () => ({
        local: {...localStorage}, session: {...sessionStorage}, cookies: document.cookie,
        indexeddb: indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [],
        caches: self.caches ? await caches.keys() : [],
    })""")
    stored["browser_cookies"] = v.context.cookies()
    return stored


# everything_stored() of a page that stored nothing.
NOTHING_STORED = {"local": {}, "session": {}, "cookies": "", "indexeddb": [], "caches": [],
                  "browser_cookies": []}
