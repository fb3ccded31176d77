"""The engine: sessions, the process pool, tells and events, free of any transport."""

from app.engine.engine import Engine

__all__ = ["Engine"]
