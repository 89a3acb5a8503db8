"""The browser suite's fixtures (tests/helpers/browser.py: one Chromium, the chat server
in-process on the test database, a host page on another origin, a fresh context per page), for
this package. Package scope, as in tests/browser: Playwright's loop is gone before the rest of
the security suite runs its own."""

from tests.helpers.browser import agents, browser, fake_ai, servers, site, visitor

__all__ = ["agents", "browser", "fake_ai", "servers", "site", "visitor"]
