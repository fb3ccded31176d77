"""Rate limits: a fixed window per identity, and what each decision says about the window."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from app.config import RateLimitConfig
from app.errors import TooManyRequestsError

__all__ = ["RateDecision", "RateLimiter", "RateLimits", "address_identity", "key_identity"]


class RateDecision(NamedTuple):
    """Whether one more request is allowed, and the window it was counted in (a tuple: built on every request)."""

    allowed: bool
    limit: int
    remaining: int
    reset: int
    """Seconds until the window ends (at least 1)."""
    window: int
    """The window's length in seconds."""
    identity: str = ""
    enforced: bool = True
    """False when rate limiting is off: always allowed, nothing to tell the caller."""

    @property
    def retry_after(self) -> int | None:
        """Seconds to wait before retrying, when refused."""
        return None if self.allowed else self.reset

    def error(self, message: str | None = None) -> TooManyRequestsError:
        """The error for a refusal (details: limit and window; retry after the window's end)."""
        return TooManyRequestsError(
            message or f"Rate limit exceeded: {self.limit} requests per {self.window} s; retry in {self.reset} s",
            {"limit": self.limit, "windowSeconds": self.window},
            retry_after_seconds=self.reset,
        )


_UNLIMITED = RateDecision(allowed=True, limit=0, remaining=0, reset=1, window=0, enforced=False)


class RateLimiter:
    """At most `max_requests` hits per identity in a fixed window of `window_ms` that starts at its first hit."""

    # Like express-rate-limit: O(1) memory per identity and exact header values. Expired
    # windows are swept as hits arrive; at most `max_identities` are kept (the oldest windows go first).

    def __init__(
        self,
        max_requests: int,
        window_ms: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_identities: int = 100_000,
    ) -> None:
        if max_requests < 1 or window_ms < 1:
            raise ValueError("max_requests and window_ms must be positive")
        self.max_requests = max_requests
        self.window = window_ms / 1000
        self._window_seconds = max(1, math.ceil(self.window))
        self.clock = clock
        self.max_identities = max_identities
        self._windows: dict[str, tuple[float, int]] = {}
        """identity -> (window end, hits); insertion order is window start order."""
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def _decision(self, identity: str, allowed: bool, hits: int, end: float, now: float) -> RateDecision:
        return RateDecision(
            allowed=allowed,
            limit=self.max_requests,
            remaining=max(0, self.max_requests - hits),
            reset=max(1, math.ceil(end - now)),
            window=self._window_seconds,
            identity=identity,
        )

    def hit(self, identity: str, cost: int = 1) -> RateDecision:
        """Count `cost` hits for the identity if they fit in its window; refused hits are not counted."""
        now = self.clock()
        with self._lock:
            self._sweep(now)
            end, hits = self._windows.get(identity, (0.0, 0))
            if end <= now:
                self._windows.pop(identity, None)
                end, hits = now + self.window, 0
            allowed = hits + cost <= self.max_requests
            if allowed:
                hits += cost
            self._windows[identity] = (end, hits)
            return self._decision(identity, allowed, hits, end, now)

    def peek(self, identity: str) -> RateDecision:
        """The identity's state without counting a hit (`allowed`: would one more hit fit)."""
        now = self.clock()
        with self._lock:
            end, hits = self._windows.get(identity, (0.0, 0))
            if end <= now:
                end, hits = now + self.window, 0
            return self._decision(identity, hits < self.max_requests, hits, end, now)

    def exhausted(self, identity: str) -> bool:
        """Whether the identity's window has no hit left (the cheap question `peek` answers in full)."""
        window = self._windows.get(identity)
        return window is not None and window[1] >= self.max_requests and window[0] > self.clock()

    def reset(self, identity: str | None = None) -> None:
        """Forget one identity's window, or every window."""
        with self._lock:
            if identity is None:
                self._windows.clear()
            else:
                self._windows.pop(identity, None)

    def __len__(self) -> int:
        return len(self._windows)

    def _sweep(self, now: float) -> None:
        if now >= self._next_sweep:
            self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
            self._next_sweep = now + min(self.window, 60.0)
        while len(self._windows) >= self.max_identities:
            del self._windows[next(iter(self._windows))]


def key_identity(key_id: str) -> str:
    """The rate-limit identity of a key."""
    return f"key:{key_id}"


def address_identity(client_address: str | None) -> str:
    """The rate-limit identity of a client address (auth off, or failed authentication)."""
    return f"addr:{client_address or 'unknown'}"


class RateLimits:
    """The API's limits: requests per identity, and failed authentications per client address, apart."""

    def __init__(
        self,
        config: RateLimitConfig,
        *,
        max_auth_failures: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = config.enabled
        self.requests = RateLimiter(config.max_requests, config.window_ms, clock=clock)
        self.auth_failures = RateLimiter(max_auth_failures or config.max_requests, config.window_ms, clock=clock)

    def hit(self, *, key_id: str | None, client_address: str | None) -> RateDecision:
        """Count one request (or WebSocket `tell:start`) of a key, or of the address when there is no key."""
        if not self.enabled:
            return _UNLIMITED
        identity = key_identity(key_id) if key_id is not None else address_identity(client_address)
        return self.requests.hit(identity)

    def auth_blocked(self, client_address: str | None) -> RateDecision | None:
        """The refusal when the address has used up its failed authentications (check before authenticating)."""
        identity = address_identity(client_address)
        if not self.enabled or not self.auth_failures.exhausted(identity):
            return None
        state = self.auth_failures.peek(identity)
        if state.allowed:
            return None
        return RateDecision(
            allowed=False,
            limit=state.limit,
            remaining=0,
            reset=state.reset,
            window=state.window,
            identity=state.identity,
        )

    def auth_failed(self, client_address: str | None) -> RateDecision:
        """Count one failed authentication of the address (`allowed` False: answer 429 rather than 401)."""
        if not self.enabled:
            return _UNLIMITED
        return self.auth_failures.hit(address_identity(client_address))
