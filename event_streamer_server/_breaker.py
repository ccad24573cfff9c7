"""A circuit breaker per RPC endpoint: closed -> open -> half-open -> closed.

Closed: calls pass; ``failure_threshold`` consecutive failures open it. Open: calls are refused
until ``recovery_timeout`` has passed, then it half-opens. Half-open: at most
``half_open_max_calls`` probes at once; ``success_threshold`` successes close it, one failure
re-opens it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from ._settings import BreakerSettings
from ._time import now_iso

__all__ = ["CircuitBreaker", "State"]

State = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """State and metrics of one breaker. Not thread-safe: used from the event loop only."""

    def __init__(
        self,
        name: str,
        settings: BreakerSettings,
        *,
        chain_id: int | None = None,
        rpc_url: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.settings = settings
        self.chain_id = chain_id
        self.rpc_url = rpc_url
        self._clock = clock
        self.reset()

    def reset(self) -> None:
        """Close the breaker and clear every counter."""
        self._state: State = "closed"
        self._opened_at = 0.0
        self.failure_count = 0
        self.success_count = 0
        self.consecutive_failures = 0
        self.consecutive_successes = 0
        self.total_calls = 0
        self.half_open_calls = 0
        self.in_flight_probes = 0
        self.last_failure_time: str | None = None
        self.last_success_time: str | None = None
        self.state_transitions: dict[str, int] = {}
        self._response_ms_total = 0.0

    @property
    def state(self) -> State:
        if (
            self._state == "open"
            and self._clock() - self._opened_at >= self.settings.recovery_timeout
        ):
            self._move("half_open")
        return self._state

    def _move(self, new: State) -> None:
        if new == self._state:
            return
        key = f"{self._state}->{new}"
        self.state_transitions[key] = self.state_transitions.get(key, 0) + 1
        self._state = new
        if new == "open":
            self._opened_at = self._clock()
        self.consecutive_successes = 0
        if new != "open":
            self.consecutive_failures = 0

    def try_acquire(self) -> bool:
        """Whether a call may go through now (a half-open probe takes a slot)."""
        state = self.state
        if state == "closed":
            return True
        if state == "open":
            return False
        if self.in_flight_probes >= self.settings.half_open_max_calls:
            return False
        self.in_flight_probes += 1
        self.half_open_calls += 1
        return True

    def _release(self) -> None:
        if self.in_flight_probes:
            self.in_flight_probes -= 1

    def _count_call(self, elapsed_ms: float) -> None:
        self._release()
        self.total_calls += 1
        self._response_ms_total += elapsed_ms

    def record_success(self, elapsed_ms: float) -> None:
        self._count_call(elapsed_ms)
        self.success_count += 1
        self.consecutive_successes += 1
        self.consecutive_failures = 0
        self.last_success_time = now_iso()
        if (
            self._state == "half_open"
            and self.consecutive_successes >= self.settings.success_threshold
        ):
            self._move("closed")

    def record_failure(self, elapsed_ms: float) -> None:
        self._count_call(elapsed_ms)
        self.failure_count += 1
        self.consecutive_failures += 1
        self.consecutive_successes = 0
        self.last_failure_time = now_iso()
        if self._state == "half_open" or (
            self._state == "closed" and self.consecutive_failures >= self.settings.failure_threshold
        ):
            self._move("open")

    @property
    def is_healthy(self) -> bool:
        return self.state == "closed"

    def status(self) -> dict[str, Any]:
        """The contract's CircuitBreakerStatus."""
        return {
            "state": self.state,
            "failure_count": self.failure_count,
            "success_count": self.success_count,
            "consecutive_failures": self.consecutive_failures,
            "consecutive_successes": self.consecutive_successes,
            "total_calls": self.total_calls,
            "last_failure_time": self.last_failure_time,
            "last_success_time": self.last_success_time,
            "state_transitions": dict(self.state_transitions),
            **({"chain_id": self.chain_id} if self.chain_id is not None else {}),
            **({"rpc_url": self.rpc_url} if self.rpc_url is not None else {}),
        }

    def metrics(self) -> dict[str, Any]:
        """The contract's CircuitBreakerMetrics."""
        calls = self.total_calls
        return {
            **self.status(),
            "name": self.name,
            "half_open_calls": self.half_open_calls,
            "success_rate": 100.0 * self.success_count / calls if calls else 100.0,
            "failure_rate": 100.0 * self.failure_count / calls if calls else 0.0,
            "average_response_time": self._response_ms_total / calls if calls else 0.0,
        }
