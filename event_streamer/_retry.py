"""Retries, in exactly one place: an httpx transport wrapped around the real one.

Because it sits under the httpx client, raw calls through the generated client (``client.api``)
get the same behaviour as the facade. Retried: connection errors and timeouts, 408, 429 (after
``Retry-After``), 502/503/504; only for idempotent requests (GET/HEAD/OPTIONS/PUT/DELETE, and the
POSTs the contract marks ``x-idempotent``: acks, heartbeats, breaker resets, chain refresh). Never
retried: 401/403 and other 4xx. Backoff is exponential with full jitter.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from ._contract import IDEMPOTENT_OPERATIONS, OPERATIONS
from ._errors import parse_retry_after

__all__ = ["RetryPolicy", "RetryTransport"]

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def _path_pattern(template: str) -> str:
    """``/a/{x}/b`` -> a regex matching that path with any one segment for ``{x}``."""
    parts = re.split(r"\{[^}]+\}", template)
    return "[^/]+".join(re.escape(p) for p in parts)


# POST paths the contract marks x-idempotent (their effect is the same however often sent).
_IDEMPOTENT_POST = re.compile(
    "(?:"
    + "|".join(
        _path_pattern(OPERATIONS[op][1])
        for op in sorted(IDEMPOTENT_OPERATIONS)
        if OPERATIONS[op][0] == "POST"
    )
    + ")$"
)

# Indirection so tests can record waits instead of sleeping.
_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times and how patiently to retry."""

    max_retries: int = 2
    backoff_base: float = 0.5  # seconds before the first retry (upper bound, jittered)
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0  # a longer Retry-After is surfaced, not waited out

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))


def is_idempotent(request: httpx.Request) -> bool:
    if request.method in IDEMPOTENT_METHODS:
        return True
    return request.method == "POST" and bool(_IDEMPOTENT_POST.search(request.url.path))


class RetryTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; retries idempotent requests per :class:`RetryPolicy`."""

    def __init__(self, inner: httpx.AsyncBaseTransport, policy: RetryPolicy) -> None:
        self._inner = inner
        self.policy = policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retryable = is_idempotent(request)
        attempt = 0
        while True:
            try:
                response = await self._inner.handle_async_request(request)
            except httpx.TransportError as err:
                if not retryable or attempt >= self.policy.max_retries:
                    raise
                delay = self.policy.backoff(attempt)
                why = type(err).__name__
            else:
                status = response.status_code
                if status not in RETRY_STATUSES or not retryable:
                    return response
                if attempt >= self.policy.max_retries:
                    return response
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                if retry_after is not None and retry_after > self.policy.max_retry_after:
                    return response  # too long to wait here: the caller sees retry_after
                delay = self.policy.backoff(attempt) if retry_after is None else retry_after
                why = f"HTTP {status}"
                await response.aclose()
            attempt += 1
            logger.debug(
                "retrying %s %s after %s (attempt %d of %d) in %.2fs",
                request.method,
                request.url,
                why,
                attempt,
                self.policy.max_retries,
                delay,
            )
            await _sleep(delay)

    async def aclose(self) -> None:
        await self._inner.aclose()
