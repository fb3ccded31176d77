"""The HTTP, WebSocket and SSE layer over the engine."""
