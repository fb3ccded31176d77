"""Prometheus metrics: `GET /metrics` from a registry per app (see `collector` for what is measured)."""

from app.api.metrics.collector import IrisMetrics
from app.api.metrics.controllers import metrics_route
from app.api.metrics.plugin import MetricsPlugin

__all__ = ["IrisMetrics", "MetricsPlugin", "metrics_route"]
