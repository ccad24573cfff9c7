"""Request-rate and concurrency limits per principal, in memory, bounded.

``RateLimiter``: a token bucket per key (``rate`` tokens per second, ``burst`` capacity).
``check(key)`` answers allowed, or not with the seconds after which the same request would be
allowed (the ``Retry-After`` of a 429). At most ``max_keys`` buckets are kept; the least
recently used is dropped first (a dropped bucket comes back full, which is what an idle bucket
would have refilled to anyway, so only keys idle the longest are affected).

``ConcurrencyGate``: at most ``limit`` concurrent holders per key (streams per subscription,
streams per principal). ``acquire`` returns a ``Permit`` (a context manager whose ``release``
is idempotent and also runs if the permit is garbage collected), so a slot cannot leak.
``acquire_all`` takes slots in several gates at once, all or nothing.

Both are single-threaded, non-blocking objects for one event loop; the clock is injectable.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from types import TracebackType

__all__ = [
    "ConcurrencyGate",
    "ConcurrencyLimitExceeded",
    "Decision",
    "Permit",
    "RateLimiter",
    "acquire_all",
    "retry_after_header",
]

logger = logging.getLogger(__name__)

DEFAULT_MAX_KEYS = 10_000  # buckets or gate keys tracked at once


@dataclass(frozen=True, slots=True)
class Decision:
    """``allowed``, or not with ``retry_after`` seconds to wait (0.0 when allowed)."""

    allowed: bool
    retry_after: float = 0.0


def retry_after_header(seconds: float) -> str:
    """A ``Retry-After`` value: whole seconds, rounded up, at least 1."""
    return str(max(1, math.ceil(seconds)))


class RateLimiter:
    """Token bucket per key: ``rate`` requests per second on average, bursts up to ``burst``."""

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        max_keys: int = DEFAULT_MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not (rate > 0 and math.isfinite(rate)):
            raise ValueError("rate must be a positive number of requests per second")
        if burst < 1 or max_keys < 1:
            raise ValueError("burst and max_keys must be at least 1")
        self.rate, self.burst, self.max_keys = rate, burst, max_keys
        self._clock = clock
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()  # tokens, at

    def __len__(self) -> int:
        return len(self._buckets)

    def check(self, key: Hashable, *, cost: float = 1.0) -> Decision:
        """Take ``cost`` tokens from ``key``'s bucket if it holds them; never blocks."""
        if not 0 < cost <= self.burst:
            raise ValueError(f"cost must be in (0, {self.burst}]")
        now = self._clock()
        tokens, at = self._buckets.pop(key, (float(self.burst), now))
        # max(0, ...): a clock that goes backwards must not drain the bucket.
        tokens = min(float(self.burst), tokens + max(0.0, now - at) * self.rate)
        if tokens >= cost:
            decision, tokens = Decision(True), tokens - cost
        else:
            decision = Decision(False, (cost - tokens) / self.rate)
        self._buckets[key] = (tokens, now)  # re-inserted last: most recently used
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return decision


class ConcurrencyLimitExceeded(Exception):
    """``key`` already has ``limit`` holders (or the gate tracks ``max_keys`` keys)."""

    def __init__(self, key: Hashable, limit: int) -> None:
        super().__init__(f"at most {limit} concurrent for {key!r}")
        self.key = key
        self.limit = limit


class Permit:
    """Held slots; ``release`` (or leaving the ``with`` block) gives them back, once."""

    def __init__(self, slots: Iterable[tuple[ConcurrencyGate, Hashable]]) -> None:
        self._slots = list(slots)

    @property
    def released(self) -> bool:
        return not self._slots

    def release(self) -> None:
        slots, self._slots = self._slots, []
        for gate, key in slots:
            gate._release(key)

    def __enter__(self) -> Permit:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def __del__(self) -> None:
        if self._slots:  # a safety net: a permit dropped without release must not leak slots
            logger.debug(
                "permit garbage-collected while held; releasing %d slots", len(self._slots)
            )
            self.release()


class ConcurrencyGate:
    """At most ``limit`` concurrent holders per key; at most ``max_keys`` keys held at once."""

    def __init__(self, *, limit: int, max_keys: int = DEFAULT_MAX_KEYS) -> None:
        if limit < 1 or max_keys < 1:
            raise ValueError("limit and max_keys must be at least 1")
        self.limit, self.max_keys = limit, max_keys
        self._held: dict[Hashable, int] = {}

    def active(self, key: Hashable) -> int:
        return self._held.get(key, 0)

    def __len__(self) -> int:
        return len(self._held)

    def _take(self, key: Hashable) -> None:
        count = self._held.get(key, 0)
        if count >= self.limit or (count == 0 and len(self._held) >= self.max_keys):
            raise ConcurrencyLimitExceeded(key, self.limit)
        self._held[key] = count + 1

    def _release(self, key: Hashable) -> None:
        count = self._held.get(key, 0)
        if count <= 1:
            self._held.pop(key, None)  # keys at zero are forgotten: memory tracks holders only
        else:
            self._held[key] = count - 1

    def acquire(self, key: Hashable) -> Permit:
        """A permit for one slot of ``key``; ``ConcurrencyLimitExceeded`` if none is free."""
        self._take(key)
        return Permit([(self, key)])


def acquire_all(*slots: tuple[ConcurrencyGate, Hashable]) -> Permit:
    """One permit for a slot in each ``(gate, key)``, all or nothing."""
    taken: list[tuple[ConcurrencyGate, Hashable]] = []
    try:
        for gate, key in slots:
            gate._take(key)
            taken.append((gate, key))
    except ConcurrencyLimitExceeded:
        Permit(taken).release()
        raise
    return Permit(taken)
