"""How long live events take to reach their subscribers' sockets, in two histograms the metrics export.

- Each live event, as this instance's bus receives it, carries the instant it was published (`WireEvent.born`:
  when the engine published it on this instance, or when it arrived from the channels backend if another
  instance published it) and the number of local subscribers that queued it and have not written it yet
  (`WireEvent.waiting`), plus one for the bus's own pass over the subscribers while it lasts: a subscriber
  whose event is written within that pass (`wrote`) has no write left to wait for, and the pass's end
  (`passed`) counts the event's last write when nobody queued it.
- `per_subscriber` observes, for every subscriber and every live event, the time from publication to the end
  of the socket write that carried it; `fanout` observes, once per event, the time from publication to the last
  of those writes. A subscriber dropped, ended or gone before writing an event stops counting for it (a
  stalled reader holds nobody's figure back); an event no subscriber queued is not counted.
- Replayed and layer-made events (`tell:accepted`, `reset`, `error`, heartbeats) are not live: not counted.

An observation is a bisection into fixed buckets (no lock, no allocation), cheap enough to stay always on.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.api.streams.schemas import WireEvent

__all__ = ["DELIVERY_BUCKETS", "DeliveryTimes", "LatencyHistogram", "clock"]

DELIVERY_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.00075,
    0.001,
    0.0015,
    0.002,
    0.003,
    0.005,
    0.0075,
    0.01,
    0.015,
    0.02,
    0.03,
    0.05,
    0.075,
    0.1,
    0.15,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)
"""Upper bounds (seconds) of the delivery histograms, from a tenth of a millisecond to ten seconds."""

clock = time.perf_counter
"""The clock of `WireEvent.born` (CLOCK_MONOTONIC: comparable between processes of one machine)."""


class LatencyHistogram:
    """Counts of observed durations in `DELIVERY_BUCKETS` (and one more for larger ones), with their sum."""

    __slots__ = ("counts", "sum")

    def __init__(self) -> None:
        self.counts = [0] * (len(DELIVERY_BUCKETS) + 1)
        self.sum = 0.0

    def observe(self, seconds: float) -> None:
        """Count one duration."""
        self.counts[bisect_left(DELIVERY_BUCKETS, seconds)] += 1
        self.sum += seconds

    @property
    def count(self) -> int:
        """Durations observed."""
        return sum(self.counts)

    def cumulative(self) -> list[tuple[str, int]]:
        """`(upper bound, durations at or below it)` for each bucket and `+Inf`, as Prometheus exposes them."""
        buckets: list[tuple[str, int]] = []
        total = 0
        for bound, count in zip((*map(str, DELIVERY_BUCKETS), "+Inf"), self.counts, strict=True):
            total += count
            buckets.append((bound, total))
        return buckets


class DeliveryTimes:
    """The stream layer's two delivery histograms: per subscriber and event, and per event to its last write."""

    def __init__(self) -> None:
        self.per_subscriber = LatencyHistogram()
        self.fanout = LatencyHistogram()
        self.direct = 0
        """Live events written to a subscriber within the bus's pass (the rest went through a writer's queue)."""

    def written(self, batch: Iterable[WireEvent]) -> None:
        """A subscriber's socket write of `batch` has just ended."""
        now = clock()
        per_subscriber = self.per_subscriber.observe
        for wire in batch:
            born = wire.born
            if born is None:
                continue
            elapsed = now - born
            per_subscriber(elapsed)
            wire.last_write = now
            wire.waiting -= 1
            if wire.waiting == 0:
                self.fanout.observe(elapsed)

    def wrote(self, wire: WireEvent) -> None:
        """A subscriber's socket write of the live event `wire` has just ended, within the bus's pass (unqueued)."""
        born = wire.born
        if born is not None:
            now = clock()
            self.per_subscriber.observe(now - born)
            wire.last_write = now
            self.direct += 1

    def passed(self, wire: WireEvent) -> None:
        """The bus has handed the live event `wire` to every subscriber (it held one `waiting` for that)."""
        self.discarded((wire,))

    def discarded(self, wires: Iterable[WireEvent]) -> None:
        """A subscriber will never write `wires` (it was dropped or ended): stop waiting for it."""
        for wire in wires:
            born = wire.born
            if born is None:
                continue
            wire.waiting -= 1
            if wire.waiting == 0 and wire.last_write is not None:
                self.fanout.observe(wire.last_write - born)
