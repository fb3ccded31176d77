"""Rate limits: windows per identity, header values, failed authentication per address, and off."""

from __future__ import annotations

import pytest

from app.api.auth.state import rate_headers
from app.api.errors import details_of, status_of
from app.auth.ratelimit import RateLimiter, RateLimits, address_identity, key_identity
from app.config import RateLimitConfig
from app.errors import TooManyRequestsError


class Clock:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_window_allows_max_requests_then_refuses_with_headers() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 10_000, clock=clock)
    decisions = [limiter.hit("key:a") for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, True]
    assert [d.remaining for d in decisions] == [2, 1, 0]
    assert rate_headers(decisions[0]) == {
        "RateLimit-Limit": "3",
        "RateLimit-Remaining": "2",
        "RateLimit-Reset": "10",
        "RateLimit-Policy": "3;w=10",
    }
    clock.now += 4.2
    refused = limiter.hit("key:a")
    assert not refused.allowed and refused.remaining == 0 and refused.retry_after == 6
    assert rate_headers(refused)["Retry-After"] == "6" and rate_headers(refused)["RateLimit-Reset"] == "6"
    error = refused.error()
    assert isinstance(error, TooManyRequestsError) and status_of(error) == 429
    assert details_of(error) == {"limit": 3, "windowSeconds": 10, "retryAfter": 6}


def test_refused_hits_do_not_extend_the_window_and_it_resets() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 1_000, clock=clock)
    limiter.hit("x")
    limiter.hit("x")
    for _ in range(5):
        assert not limiter.hit("x").allowed
    clock.now += 1.0
    fresh = limiter.hit("x")
    assert fresh.allowed and fresh.remaining == 1 and fresh.reset == 1


def test_identities_are_independent() -> None:
    limiter = RateLimiter(1, 60_000, clock=Clock())
    assert limiter.hit("key:a").allowed
    assert not limiter.hit("key:a").allowed
    assert limiter.hit("key:b").allowed
    assert limiter.hit("addr:127.0.0.1").allowed


def test_peek_does_not_count() -> None:
    limiter = RateLimiter(1, 60_000, clock=Clock())
    assert limiter.peek("a").allowed and limiter.peek("a").remaining == 1
    limiter.hit("a")
    assert not limiter.peek("a").allowed and limiter.peek("a").remaining == 0


def test_reset_after_rounds_up_and_is_at_least_one_second() -> None:
    clock = Clock()
    limiter = RateLimiter(1, 1_500, clock=clock)
    assert limiter.hit("a").reset == 2
    clock.now += 1.49
    assert limiter.hit("a").reset == 1


def test_memory_is_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(5, 1_000, clock=clock, max_identities=100)
    for i in range(1000):
        limiter.hit(f"addr:{i}")
    assert len(limiter) <= 100
    clock.now += 2
    limiter.hit("addr:new")
    assert len(limiter) == 1  # expired windows are swept


def test_failed_authentication_is_counted_per_address_apart_from_requests() -> None:
    limits = RateLimits(RateLimitConfig(window_ms=60_000, max_requests=3), clock=Clock())
    assert limits.auth_blocked("10.0.0.1") is None
    for _ in range(3):  # three different bogus keys from one address: each counts against the address
        assert limits.auth_failed("10.0.0.1").allowed
    fourth = limits.auth_failed("10.0.0.1")
    assert not fourth.allowed and rate_headers(fourth)["Retry-After"] == "60"
    blocked = limits.auth_blocked("10.0.0.1")
    assert blocked is not None and not blocked.allowed and blocked.retry_after == 60
    assert limits.auth_blocked("10.0.0.2") is None
    # a key's own budget is separate from its address's failures
    assert limits.hit(key_id="k_1", client_address="10.0.0.1").allowed


def test_identity_is_the_key_else_the_address() -> None:
    limits = RateLimits(RateLimitConfig(window_ms=60_000, max_requests=2), clock=Clock())
    assert limits.hit(key_id="k_1", client_address="10.0.0.1").identity == key_identity("k_1")
    limits.hit(key_id="k_1", client_address="10.0.0.2")
    assert not limits.hit(key_id="k_1", client_address="10.0.0.3").allowed  # the key, from any address
    anonymous = limits.hit(key_id=None, client_address="10.0.0.1")
    assert anonymous.allowed and anonymous.identity == address_identity("10.0.0.1")


def test_separate_failure_limit() -> None:
    limits = RateLimits(RateLimitConfig(window_ms=60_000, max_requests=100), max_auth_failures=1, clock=Clock())
    assert limits.auth_failed("a").allowed
    assert not limits.auth_failed("a").allowed


def test_disabled_limits_allow_everything_without_headers() -> None:
    limits = RateLimits(RateLimitConfig(enabled=False, window_ms=1_000, max_requests=1))
    for _ in range(10):
        decision = limits.hit(key_id="k", client_address="a")
        assert decision.allowed and rate_headers(decision) == {}
        assert limits.auth_failed("a").allowed
    assert limits.auth_blocked("a") is None


@pytest.mark.parametrize("args", [(0, 1000), (1, 0)])
def test_bad_limits_are_refused(args: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        RateLimiter(*args)
