"""Where `litestar` (from the repository root) finds Iris: `cli_app`, cheap to make, brings `litestar iris ...`
and hands the other commands (`litestar run`, `routes`, `schema`, ...) the real app from `create_app`, whose
`ServePlugin` gives `litestar run` the checks and HTTP protocol of `python -m app serve`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.cli.plugin import cli_app as _cli_app

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.types import Guard

    from app.config import IrisConfig

__all__ = ["cli_app", "create_app"]


def create_app(config: IrisConfig | None = None, *, guards: Sequence[Guard] | None = None) -> Litestar:
    """The Iris app (`app.api.app.create_app`); the API and the engine are imported on the first call."""
    from app.api.app import create_app as build

    return build(config, guards=guards)


cli_app = _cli_app(f"{__name__}:create_app")
"""What Litestar's CLI discovers (an app instance comes before a factory)."""
