"""The browser suite's fixtures (tests/browser/conftest.py: one Chromium, the chat server
in-process on the test database, a host page on another origin, a fresh context per page),
for this package: all of them, so that fixtures added there keep working here. Package scope,
as there: Playwright's loop is gone before the rest of the security suite runs its own."""

from tests.browser.conftest import *  # noqa: F403
