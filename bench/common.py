"""What the benchmarks share: percentiles of their samples and a free port on 127.0.0.1."""

from __future__ import annotations

import socket

__all__ = ["free_port", "percentile"]


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` fall (the nearest sample, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
