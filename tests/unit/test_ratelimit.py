"""Token-bucket rate limiting and concurrency gates: exact with an injected clock, bounded."""

from __future__ import annotations

import gc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from event_streamer_server._ratelimit import (
    ConcurrencyGate,
    ConcurrencyLimitExceeded,
    Decision,
    RateLimiter,
    acquire_all,
    retry_after_header,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill_with_exact_retry_after() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.check("a").allowed for _ in range(3)] == [True, True, True]
    denied = limiter.check("a")
    assert denied == Decision(False, 0.5)
    assert retry_after_header(denied.retry_after) == "1"
    clock.now += 0.5
    assert limiter.check("a").allowed
    assert not limiter.check("a").allowed
    assert limiter.check("b").allowed  # buckets are per key


def test_denied_requests_do_not_consume_tokens() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=1.0, burst=1, clock=clock)
    assert limiter.check("a").allowed
    for _ in range(100):
        assert not limiter.check("a").allowed
    clock.now += 1.0
    assert limiter.check("a").allowed


def test_clock_going_backwards_does_not_drain_or_fill() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=1.0, burst=1, clock=clock)
    assert limiter.check("a").allowed
    clock.now -= 50
    assert limiter.check("a") == Decision(False, 1.0)


def test_memory_is_bounded_least_recently_used_first() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=1.0, burst=1, max_keys=2, clock=clock)
    limiter.check("a")
    limiter.check("b")
    limiter.check("a")  # a is now the most recent
    limiter.check("c")  # evicts b
    assert len(limiter) == 2
    assert not limiter.check("a").allowed  # a kept its (empty) bucket
    assert limiter.check("b").allowed  # b came back full


@pytest.mark.parametrize(
    "kwargs",
    [{"rate": 0, "burst": 1}, {"rate": float("inf"), "burst": 1}, {"rate": 1, "burst": 0}],
)
def test_invalid_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        RateLimiter(**kwargs)  # type: ignore[arg-type]


def test_cost_is_bounded_by_burst() -> None:
    with pytest.raises(ValueError, match="cost"):
        RateLimiter(rate=1, burst=2).check("a", cost=3)


@given(
    rate=st.floats(min_value=0.1, max_value=100),
    burst=st.integers(min_value=1, max_value=20),
    steps=st.lists(st.floats(min_value=0, max_value=2), max_size=60),
)
def test_never_more_than_burst_plus_rate_times_elapsed(
    rate: float, burst: int, steps: list[float]
) -> None:
    clock = Clock()
    limiter = RateLimiter(rate=rate, burst=burst, clock=clock)
    start, allowed = clock.now, 0
    for step in steps:
        clock.now += step
        decision = limiter.check("k")
        allowed += decision.allowed
        assert decision.retry_after >= 0
        assert decision.allowed or decision.retry_after > 0
    assert allowed <= burst + rate * (clock.now - start) + 1e-6


def test_gate_limits_per_key_and_releases_once() -> None:
    gate = ConcurrencyGate(limit=2)
    first, second = gate.acquire("sub:1"), gate.acquire("sub:1")
    with pytest.raises(ConcurrencyLimitExceeded) as info:
        gate.acquire("sub:1")
    assert info.value.limit == 2
    assert gate.acquire("sub:2").released is False
    first.release()
    first.release()  # idempotent: must not free second's slot
    assert gate.active("sub:1") == 1
    with gate.acquire("sub:1"):
        assert gate.active("sub:1") == 2
    assert gate.active("sub:1") == 1
    second.release()
    assert gate.active("sub:1") == 0


def test_gate_releases_on_exception_and_on_garbage_collection() -> None:
    gate = ConcurrencyGate(limit=1)
    with pytest.raises(RuntimeError, match="boom"), gate.acquire("k"):
        raise RuntimeError("boom")
    assert gate.active("k") == 0
    gate.acquire("k")  # dropped at once, never released by hand
    gc.collect()
    assert gate.active("k") == 0
    assert len(gate) == 0  # keys at zero are forgotten


def test_gate_bounds_the_number_of_keys() -> None:
    gate = ConcurrencyGate(limit=5, max_keys=2)
    held = [gate.acquire("a"), gate.acquire("b")]
    with pytest.raises(ConcurrencyLimitExceeded):
        gate.acquire("c")
    assert gate.acquire("a").released is False  # existing keys still take slots
    held[1].release()
    assert gate.acquire("c").released is False


def test_acquire_all_is_all_or_nothing() -> None:
    per_subscription = ConcurrencyGate(limit=1)
    per_principal = ConcurrencyGate(limit=2)
    permit = acquire_all((per_subscription, 1), (per_principal, "alice"))
    with pytest.raises(ConcurrencyLimitExceeded):
        acquire_all((per_principal, "alice"), (per_subscription, 1))
    assert per_principal.active("alice") == 1  # the partial slot was given back
    permit.release()
    assert per_subscription.active(1) == per_principal.active("alice") == 0
    with pytest.raises(ValueError, match="at least 1"):
        ConcurrencyGate(limit=0)
