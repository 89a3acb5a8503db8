"""Outgoing connections to addresses that users name (web pages to learn from, later
webhooks): every one goes through `chatserver.net.guard`."""
