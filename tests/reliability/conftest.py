"""The socket tests' world (a widget with agents, sessions, clients) for in-process tests here."""

from tests.realtime.conftest import make_world

__all__ = ["make_world"]
