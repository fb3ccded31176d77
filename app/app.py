"""Where `litestar run` (from the repository root) finds the Iris app factory; the app's `ServePlugin` gives that
run the checks and HTTP protocol of `python -m app serve`."""

from app.api.app import create_app

__all__ = ["create_app"]
