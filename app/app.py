"""Where `litestar run` (from the repository root) finds the Iris app factory."""

from app.api.app import create_app

__all__ = ["create_app"]
