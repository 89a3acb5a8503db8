"""Parley: a self-hosted website chat server."""

__version__ = "0.1.0"
