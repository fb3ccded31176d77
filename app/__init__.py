"""Iris: drive a fleet of Claude Code agents over REST, WebSocket and SSE."""

__version__ = "0.1.0"
