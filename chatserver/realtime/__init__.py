"""Real-time: sockets, the connection registry, presence and the agent queue."""
