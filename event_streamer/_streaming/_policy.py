"""How a stream judges failures: which are fatal, and when reconnecting must stop (pure)."""

from __future__ import annotations

from .._retry import RetryPolicy
from ..exceptions import (
    EventStreamerAuthError,
    EventStreamerNotFoundError,
    EventStreamerProtocolError,
    EventStreamerRateLimitError,
    EventStreamerValidationError,
    PoisonBatchError,
)

__all__ = ["ReconnectBudget", "classify", "poison_error"]

_FATAL = (EventStreamerAuthError, EventStreamerNotFoundError, EventStreamerValidationError)


def classify(error: BaseException) -> tuple[str, bool, float | None]:
    """``(error_code, fatal, retry_after)`` of a failed or broken connection."""
    if isinstance(error, _FATAL):  # a rejected resume token is a validation error
        if isinstance(error, EventStreamerAuthError):
            return "AUTH_ERROR", True, None
        if isinstance(error, EventStreamerNotFoundError):
            return "SUBSCRIPTION_NOT_FOUND", True, None
        return "SUBSCRIPTION_ERROR", True, None
    if isinstance(error, EventStreamerProtocolError):
        return "PROTOCOL_ERROR", False, None
    if isinstance(error, EventStreamerRateLimitError):
        return "CONNECTION_LOST", False, error.retry_after
    return "CONNECTION_LOST", False, None


class ReconnectBudget:
    """Consecutive failed connections: the backoff they earn and the bounds on them.

    Delays come from the SDK's one :class:`RetryPolicy` (exponential, full jitter, capped).
    A batch handled or a heartbeat received resets the count.
    """

    __slots__ = ("attempts", "deadline", "failures", "first_failure", "retry")

    def __init__(
        self, retry: RetryPolicy, *, attempts: int | None = None, deadline: float | None = None
    ) -> None:
        self.retry = retry
        self.attempts = attempts
        self.deadline = deadline
        self.failures = 0
        self.first_failure: float | None = None

    def reset(self) -> None:
        self.failures, self.first_failure = 0, None

    def fail(self, now: float) -> None:
        self.failures += 1
        if self.first_failure is None:
            self.first_failure = now

    def exhausted(self, now: float) -> str | None:
        """Why to give up now, or None to reconnect."""
        if self.attempts is not None and self.failures > self.attempts:
            return f"gave up after {self.attempts} reconnect attempts"
        first = self.first_failure
        if self.deadline is not None and first is not None and now - first >= self.deadline:
            return f"gave up after {self.deadline:g}s without a working connection"
        return None

    def delay(self, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return retry_after
        return self.retry.backoff(self.failures - 1) if self.failures else 0.0


def poison_error(batch_id: str, attempts: int, cause: BaseException) -> PoisonBatchError:
    """The error that stops a stream whose handlers keep failing on one batch."""
    error = PoisonBatchError(
        f"batch {batch_id} failed its handlers {attempts} times; stopping "
        "(it was not acknowledged and will be redelivered)",
        batch_id=batch_id,
        attempts=attempts,
    )
    error.__cause__ = cause
    return error
