"""Provider rate limits: honour ``Retry-After`` and pace requests below the learned limit.

One :class:`Throttle` per RPC endpoint. Until the endpoint first says "too many requests" it
does not pace at all. On a rate-limit answer every caller waits out ``Retry-After``, and requests
are then spaced at a rate below what the endpoint accepted in the last second (multiplicative
decrease); each quiet second raises the rate a little (additive increase). Pure apart from the
sleep, with an injectable clock, so it is unit-testable.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

__all__ = ["Aimd", "Throttle", "retry_after_seconds"]

_WINDOW = 1.0  # seconds of accepted requests that estimate the provider's rate
# The first limit halves the accepted rate (it includes the provider's burst allowance);
# later ones take a fifth off the paced rate. Each quiet second adds a request/s.
_FIRST_DECREASE = 0.5
_DECREASE = 0.8
_INCREASE = 1.0
_MAX_RETRY_AFTER = 60.0
_DEFAULT_RETRY_AFTER = 1.0
_MIN_RATE = 0.5


def retry_after_seconds(value: str | None) -> float:
    """A ``Retry-After`` header (delay seconds) as bounded seconds; 1 s when absent or a date."""
    if value is None:
        return _DEFAULT_RETRY_AFTER
    try:
        seconds = float(value.strip())
    except ValueError:
        return _DEFAULT_RETRY_AFTER
    if seconds != seconds or seconds < 0:  # NaN or negative
        return _DEFAULT_RETRY_AFTER
    return min(seconds, _MAX_RETRY_AFTER)


class Throttle:
    """When the next request to one endpoint may go out."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.not_before = 0.0  # Retry-After gate
        self.rate: float | None = None  # requests/s once limited; None = unpaced
        self._next_slot = 0.0
        self._accepted: deque[float] = deque(maxlen=10_000)
        self._last_limited = float("-inf")
        self._last_increase = 0.0
        self.limited = 0  # rate-limit answers seen

    def reserve(self) -> float:
        """Reserve the next slot; return seconds to wait before sending."""
        now = self._clock()
        at = max(now, self.not_before)
        if self.rate is not None:
            at = max(at, self._next_slot)
            self._next_slot = at + 1.0 / self.rate
        return at - now

    async def wait(self) -> None:
        delay = self.reserve()
        if delay > 0:
            await asyncio.sleep(delay)

    def on_accepted(self) -> None:
        now = self._clock()
        self._accepted.append(now)
        quiet = now - self._last_limited >= 1.0 and now - self._last_increase >= 1.0
        if self.rate is not None and quiet:
            self._last_increase = now
            self.rate += _INCREASE

    def on_limited(self, retry_after: float) -> None:
        now = self._clock()
        self.limited += 1
        self.not_before = max(self.not_before, now + retry_after)
        self._next_slot = max(self._next_slot, self.not_before)
        # Concurrent requests rejected together are one signal: decrease once per gate.
        if now - self._last_limited < max(retry_after, _WINDOW):
            return
        self._last_limited = now
        while self._accepted and self._accepted[0] < now - _WINDOW:
            self._accepted.popleft()
        seen = float(len(self._accepted))
        if self.rate is None and not seen:
            return  # nothing accepted yet: the gate alone, no rate to learn from
        if self.rate is None:
            self.rate = max(_MIN_RATE, seen * _FIRST_DECREASE)
        else:
            self.rate = max(_MIN_RATE, min(self.rate, seen or self.rate) * _DECREASE)
        self._last_increase = now


class Aimd:
    """Additive-increase, multiplicative-decrease concurrency between 1 and ``maximum``."""

    def __init__(self, maximum: int) -> None:
        if maximum < 1:
            raise ValueError("maximum must be at least 1")
        self.maximum = maximum
        self._value = float(maximum)

    def resize(self, maximum: int) -> None:
        """A new maximum (the chain's setting changed); the current value stays within it."""
        if maximum < 1:
            raise ValueError("maximum must be at least 1")
        self.maximum = maximum
        self._value = min(self._value, float(maximum))

    @property
    def limit(self) -> int:
        return max(1, int(self._value))

    def on_success(self) -> None:
        self._value = min(float(self.maximum), self._value + 1.0 / self._value)

    def on_limited(self) -> None:
        self._value = max(1.0, self._value / 2)
