"""Fixtures of the mail tests: the inbound listener on the test server's loop."""

from tests.helpers.inbound import reply_listener  # noqa: F401 - a fixture
