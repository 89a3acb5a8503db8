"""End-to-end tests of the widget and the two UIs in Debian's Chromium, driven by Playwright
for Python. The fixtures (one Chromium, the chat server in-process on the test database, a host
page on another origin, a fresh context per page) live in tests/helpers/browser.py; imported
here, they are this package's, package-scoped."""

from tests.helpers.browser import agents, browser, fake_ai, servers, site, visitor

__all__ = ["agents", "browser", "fake_ai", "servers", "site", "visitor"]
