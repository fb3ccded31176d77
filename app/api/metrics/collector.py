"""The metrics of one app in a registry of its own: counters fed by engine and audit events, gauges read when scraped.

- `iris_tells_total{status,team}` and `iris_tell_duration_seconds{team}`: from the engine's `tell:complete` events
  (an `EventHub` sink), so every tell that ends counts once, whatever ended it.
- `iris_rate_limited_total` and `iris_auth_failures_total{reason}`: from the audit log's `rate_limited` and
  `auth_failure` rows (an `AuditLog` observer), which every refusal of the HTTP guard and the streams writes.
- `iris_processes{state}`, `iris_queued_tells{team}` and `iris_stream_subscribers{kind}`: read from the engine and
  the stream layer at scrape time (a custom collector), never kept in step by hand.
- `iris_stream_delivery_seconds` (each live event to each subscriber) and `iris_stream_fanout_seconds` (each live
  event to its last subscriber): from an event's publication to the end of the socket write that carried it,
  histograms the stream layer keeps (`app/api/streams/delivery.py`) and the collector reads at scrape time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from app.api.streams.layer import STREAM_KINDS
from app.engine.events import Event
from app.engine.records import TellEnded

if TYPE_CHECKING:
    from app.api.streams import StreamLayer
    from app.auth.audit import AuditLog
    from app.engine import Engine

__all__ = ["CONTENT_TYPE", "DURATION_BUCKETS", "IrisMetrics"]

CONTENT_TYPE = CONTENT_TYPE_LATEST
"""The Prometheus text format's media type."""

DURATION_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
"""Upper bounds (seconds) of the tell duration histogram: a quick answer to the longest wait a tell allows."""

TELL_STATUSES = ("completed", "failed", "cancelled", "stalled")
PROCESS_STATES = ("spawning", "idle", "processing", "terminating")
AUTH_FAILURE_REASONS = frozenset({"missing", "malformed", "unknown", "revoked", "expired"})


_DELIVERY_HISTOGRAMS = (
    (
        "iris_stream_delivery_seconds",
        "Time from a live event's publication to the end of a subscriber's socket write of it, per subscriber.",
        "per_subscriber",
    ),
    (
        "iris_stream_fanout_seconds",
        "Time from a live event's publication to the end of its last local subscriber's socket write of it.",
        "fanout",
    ),
)


class _LiveCollector(Collector):
    """The gauges, read from the bound engine and stream layer on every scrape."""

    def __init__(self, metrics: IrisMetrics) -> None:
        self.metrics = metrics

    def _families(self) -> tuple[GaugeMetricFamily, GaugeMetricFamily, GaugeMetricFamily]:
        return (
            GaugeMetricFamily("iris_processes", "Live Claude Code processes, by state.", labels=["state"]),
            GaugeMetricFamily("iris_queued_tells", "Tells waiting in session queues, by team.", labels=["team"]),
            GaugeMetricFamily("iris_stream_subscribers", "Open event streams, by kind.", labels=["kind"]),
        )

    def describe(self) -> Iterable[Metric]:
        """The families, without samples (registering needs no engine)."""
        return (*self._families(), *self._delivery(None))

    @staticmethod
    def _delivery(streams: StreamLayer | None) -> tuple[HistogramMetricFamily, HistogramMetricFamily]:
        """The stream layer's delivery histograms (empty without a stream layer)."""
        families = []
        for name, documentation, attribute in _DELIVERY_HISTOGRAMS:
            family = HistogramMetricFamily(name, documentation)
            if streams is not None:
                histogram = getattr(streams.delivery, attribute)
                family.add_metric([], histogram.cumulative(), histogram.sum)
            families.append(family)
        return families[0], families[1]

    def collect(self) -> Iterable[Metric]:
        """The families with their current values (none before the app has started)."""
        processes, queued, subscribers = self._families()
        engine, streams = self.metrics.engine, self.metrics.streams
        if engine is None:
            return ()
        states: dict[str, int] = dict.fromkeys(PROCESS_STATES, 0)
        waiting = dict.fromkeys(engine.config.teams, 0)
        for runtime in list(engine.live_sessions()):
            if runtime.state in states:
                states[runtime.state] += 1
            if runtime.queue:
                waiting[runtime.team] = waiting.get(runtime.team, 0) + len(runtime.queue)
        for state, count in states.items():
            processes.add_metric([state], count)
        for team, count in waiting.items():
            queued.add_metric([team], count)
        kinds = streams.subscribers_by_kind() if streams is not None else {}
        for kind in STREAM_KINDS:
            subscribers.add_metric([kind], kinds.get(kind, 0))
        return (processes, queued, subscribers, *self._delivery(streams))


class IrisMetrics:
    """One app's registry and metrics; `bind` connects them to the running engine, `unbind` disconnects."""

    def __init__(self) -> None:
        disable_created_metrics()  # type: ignore[no-untyped-call]  # no `*_created` series (process-wide)
        self.registry = CollectorRegistry()
        self.tells = Counter(
            "iris_tells", "Tells that ended, by final status and team.", ["status", "team"], registry=self.registry
        )
        self.tell_duration = Histogram(
            "iris_tell_duration_seconds",
            "Time from a tell's start (its queueing, if it never started) to its end, by team.",
            ["team"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "iris_rate_limited", "Requests and stream messages refused by a rate limit (429).", registry=self.registry
        )
        self.auth_failures = Counter(
            "iris_auth_failures", "Failed authentications (401), by reason.", ["reason"], registry=self.registry
        )
        self.registry.register(_LiveCollector(self))
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.engine: Engine | None = None
        self.streams: StreamLayer | None = None
        self._audit: AuditLog | None = None
        self._teams: dict[str, str] = {}
        """Session id → team, rebuilt from the engine's live sessions when a session is not in it."""

    def bind(self, engine: Engine, streams: StreamLayer | None, audit: AuditLog | None) -> None:
        """Start counting the engine's and the audit log's events, and reading the gauges from them."""
        self.engine, self.streams, self._audit = engine, streams, audit
        for team in engine.config.teams:
            for status in TELL_STATUSES:
                self.tells.labels(status=status, team=team)
            self.tell_duration.labels(team=team)
        for reason in sorted(AUTH_FAILURE_REASONS):
            self.auth_failures.labels(reason=reason)
        engine.events.sinks.append(self.on_event)
        if audit is not None:
            audit.observers.append(self.on_audit)

    def unbind(self) -> None:
        """Stop counting (the counters keep their values); the gauges read nothing after this."""
        if self.engine is not None and self.on_event in self.engine.events.sinks:
            self.engine.events.sinks.remove(self.on_event)
        if self._audit is not None and self.on_audit in self._audit.observers:
            self._audit.observers.remove(self.on_audit)
        self.engine, self.streams, self._audit = None, None, None

    def exposition(self) -> bytes:
        """Every metric in the Prometheus text format."""
        return generate_latest(self.registry)

    def on_event(self, event: Event) -> None:
        """An engine event: count each `tell:complete` by status and team, and observe its duration."""
        ended = event.record
        if not isinstance(ended, TellEnded):
            return
        team = self._team_of(str(ended.session_id))
        self.tells.labels(status=str(ended.status), team=team).inc()
        if ended.duration_ms is not None:
            self.tell_duration.labels(team=team).observe(max(0.0, ended.duration_ms / 1000))

    def on_audit(self, event: str, details: Mapping[str, Any] | None) -> None:
        """An audit row: count rate-limit refusals and failed authentications."""
        if event == "rate_limited":
            self.rate_limited.inc()
        elif event == "auth_failure":
            reason = str((details or {}).get("reason"))
            self.auth_failures.labels(reason=reason if reason in AUTH_FAILURE_REASONS else "other").inc()

    def _team_of(self, session_id: str) -> str:
        team = self._teams.get(session_id)
        if team is None and self.engine is not None:
            self._teams = {str(runtime.session_id): runtime.team for runtime in list(self.engine.live_sessions())}
            team = self._teams.get(session_id)
        return team or ""
