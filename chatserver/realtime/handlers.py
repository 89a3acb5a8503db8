"""The socket layer's URL table: /ws/<session_id> for visitors, /ws/agent/<agent_id> for agents.

Both authenticate with a first ``auth`` frame (never the URL), then speak the JSON frames of
docs/protocol.md. The rooms: transport.py (queues, timers, errors), protocol.py (codes,
limits, frames), follow.py (who gets which event, resume), visitor.py and agent.py (the roles).
"""

from __future__ import annotations

from typing import Any

from chatserver.config import Settings
from chatserver.ratelimit import SocketLimits
from chatserver.realtime.agent import AgentSocket
from chatserver.realtime.protocol import CLOSE_RESTART, RATE_STRIKES, SIGNAL_LIMIT, SIGNAL_WINDOW_S
from chatserver.realtime.registry import Registry
from chatserver.realtime.visitor import VisitorSocket

routes: list[Any] = [
    (r"/ws/agent/([0-9]{1,12})", AgentSocket),
    (r"/ws/([0-9a-fA-F-]{1,36})", VisitorSocket),
]


def close_all(registry: Registry) -> None:
    """On shutdown: tell every client to reconnect (1012, service restart)."""
    for sock in list(registry.sockets):
        sock.close(CLOSE_RESTART, "server restart")


def socket_limits(s: Settings) -> SocketLimits:
    """The app's socket limits (make_app puts them in the application's settings)."""
    return SocketLimits(s.visitor_burst, s.visitor_burst_window_s, s.visitor_per_minute,
                        RATE_STRIKES, SIGNAL_LIMIT, SIGNAL_WINDOW_S)
