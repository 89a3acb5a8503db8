"""Which agents are online, in this process (plain state, no Tornado, time passed in)."""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("online", "away")


@dataclass
class Presence:
    # agent id -> status chosen by the agent, while at least one socket of theirs is open
    status: dict[int, str] = field(default_factory=dict)
    sockets: dict[int, int] = field(default_factory=dict)

    def connected(self, agent_id: int, status: str = "online") -> None:
        self.sockets[agent_id] = self.sockets.get(agent_id, 0) + 1
        self.status.setdefault(agent_id, status)

    def disconnected(self, agent_id: int) -> bool:
        """Returns True when the agent's last socket closed (they are now offline)."""
        left = self.sockets.get(agent_id, 0) - 1
        if left > 0:
            self.sockets[agent_id] = left
            return False
        self.sockets.pop(agent_id, None)
        self.status.pop(agent_id, None)
        return True

    def set_status(self, agent_id: int, status: str) -> None:
        if agent_id in self.sockets:
            self.status[agent_id] = status

    def online(self) -> set[int]:
        return {a for a, s in self.status.items() if s == "online"}
