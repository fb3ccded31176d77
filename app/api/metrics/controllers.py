"""`GET /metrics`: the app's metrics in the Prometheus text format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.types import Guard

from app.api.metrics.collector import CONTENT_TYPE, IrisMetrics
from app.api.routing import operation

__all__ = ["STATE_KEY", "metrics_route"]

STATE_KEY = "metrics"
"""Where the app's `IrisMetrics` lives in `app.state`."""


def metrics_route(*, public: bool, guards: Sequence[Guard] = ()) -> HTTPRouteHandler:
    """The route (one per app): `metrics:read` through `guards`, or no permission at all when `public`."""

    @get(
        "/metrics",
        opt=operation("getMetrics", public=public),
        guards=list(guards),
        tags=["status"],
        sync_to_thread=False,
    )
    def get_metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
        """Every metric, read now."""
        metrics = cast(IrisMetrics, request.app.state[STATE_KEY])
        return Response(metrics.exposition(), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})

    return get_metrics
