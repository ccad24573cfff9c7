"""The SDK's one exception tree.

Every error the SDK raises derives from ``EventStreamerSDKError``::

    EventStreamerSDKError                      root; status_code, body, method, url, request_id
    ├── EventStreamerConnectionError           unreachable service, or an HTTP error status
    │   ├── EventStreamerServerError           the service answered 5xx
    │   ├── EventStreamerNotFoundError         404 on any resource
    │   │   └── SubscriptionNotFoundError      404 on a subscription (also a SubscriptionError)
    │   └── EventStreamerRateLimitError        429; retry_after in seconds (or None)
    ├── EventStreamerTimeoutError              connect/read/write/pool timeout, call deadline
    ├── EventStreamerAuthError                 401/403 (never retried)
    ├── EventStreamerValidationError           400/422 or client-side validation; field_errors
    │   ├── ABIParsingError                    malformed ABI, unknown event, invalid type
    │   ├── InvalidResumeTokenError            resume token rejected (INVALID_RESUME_TOKEN)
    │   └── EventStreamerConflictError         409: the resource exists
    ├── EventStreamerSubscriptionError         subscription operations
    │   └── SubscriptionNotFoundError
    ├── EventStreamerProtocolError             malformed, oversized or unexpected data
    │   ├── MalformedLineError                 a stream line that is not a known JSON message
    │   ├── LineTooLongError                   a stream line past max_line_bytes
    │   ├── TruncatedLineError                 the stream ended inside a line
    │   └── ResponseTooLargeError              a response body past max_response_bytes
    ├── PoisonBatchError                       a batch whose handlers failed max_attempts times
    ├── EventDecodeError                       a log that does not match its ABI event
    │   └── DecodeLimitError                   a log past the decoder's size or depth bounds
    ├── StreamStateError                       a stream input illegal in its state (start twice)
    └── EventStreamerClosedError               a closed client was used again

The tree is arranged so that the v0.4 SDK's documented ``except`` clauses keep working in
their documented order: ``except EventStreamerConnectionError`` catches a 404 (its message
carries "404"), and a timeout is *not* a connection error, so an ``except
EventStreamerTimeoutError`` clause after it still sees timeouts.

HTTP errors carry the response's status code (``str(error)`` ends with ``(GET url -> 404)``),
parsed body, request method and URL; transport errors chain the underlying httpx exception
(``raise ... from err``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ABIParsingError",
    "DecodeLimitError",
    "EventDecodeError",
    "EventStreamerAuthError",
    "EventStreamerClosedError",
    "EventStreamerConflictError",
    "EventStreamerConnectionError",
    "EventStreamerNotFoundError",
    "EventStreamerProtocolError",
    "EventStreamerRateLimitError",
    "EventStreamerSDKError",
    "EventStreamerServerError",
    "EventStreamerSubscriptionError",
    "EventStreamerTimeoutError",
    "EventStreamerValidationError",
    "FieldError",
    "InvalidResumeTokenError",
    "LineTooLongError",
    "MalformedLineError",
    "PoisonBatchError",
    "ResponseTooLargeError",
    "StreamStateError",
    "SubscriptionNotFoundError",
    "TruncatedLineError",
]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One offending field: where it is and what is wrong with it."""

    field: str
    message: str
    type: str | None = None


class EventStreamerSDKError(Exception):
    """Root of every SDK error."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        body: Any = None,
        method: str | None = None,
        url: str | None = None,
        request_id: str | None = None,
        error_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.body = body
        self.method = method
        self.url = url
        self.request_id = request_id
        self.error_code = error_code

    def __str__(self) -> str:
        where = f" ({self.method} {self.url} -> {self.status_code})" if self.status_code else ""
        return f"{self.message}{where}"


class EventStreamerConnectionError(EventStreamerSDKError):
    """The service could not be reached, or answered with an HTTP error status."""


class EventStreamerTimeoutError(EventStreamerSDKError):
    """A request, a stream read or a whole call took longer than its timeout.

    Not a connection error, so that it can be caught in its own clause after
    ``except EventStreamerConnectionError`` (the v0.4 SDK's documented order).
    """


class EventStreamerServerError(EventStreamerConnectionError):
    """The service answered with a 5xx status."""


class EventStreamerAuthError(EventStreamerSDKError):
    """Missing or rejected credentials (401/403)."""


class EventStreamerValidationError(EventStreamerSDKError):
    """Input was rejected, by the SDK before sending or by the service (400/422)."""

    def __init__(
        self,
        message: str,
        *,
        field_errors: Sequence[FieldError] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.field_errors: list[FieldError] = list(field_errors)

    @property
    def fields(self) -> list[str]:
        """Names of the offending fields."""
        return [e.field for e in self.field_errors]

    def __str__(self) -> str:
        base = super().__str__()
        if all(e.message in base for e in self.field_errors):  # already said in the message
            return base
        details = "; ".join(f"{e.field}: {e.message}" for e in self.field_errors)
        return f"{base} [{details}]"


class ABIParsingError(EventStreamerValidationError):
    """An ABI could not be parsed, or the requested event is not in it."""


class InvalidResumeTokenError(EventStreamerValidationError):
    """The service rejected a resume token (tampered, malformed, or for another subscription)."""


class EventStreamerConflictError(EventStreamerValidationError):
    """The resource already exists (409)."""


class EventStreamerSubscriptionError(EventStreamerSDKError):
    """A subscription operation failed."""


class EventStreamerNotFoundError(EventStreamerConnectionError):
    """The resource does not exist (404)."""


class SubscriptionNotFoundError(EventStreamerSubscriptionError, EventStreamerNotFoundError):
    """The subscription does not exist (404)."""


class EventStreamerRateLimitError(EventStreamerConnectionError):
    """Too many requests (429); ``retry_after`` is the server's wait in seconds, if it sent one."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class EventStreamerProtocolError(EventStreamerSDKError):
    """The stream carried data that breaks the protocol (malformed or oversized line)."""


class MalformedLineError(EventStreamerProtocolError):
    """A stream line is not a JSON object of a known shape."""


class LineTooLongError(EventStreamerProtocolError):
    """A stream line is longer than the configured maximum."""


class TruncatedLineError(EventStreamerProtocolError):
    """The stream ended in the middle of a line."""


class ResponseTooLargeError(EventStreamerProtocolError):
    """A response body was larger than ``max_response_bytes`` (it was not read further)."""


class PoisonBatchError(EventStreamerSDKError):
    """A batch whose handlers failed on every delivery attempt; it was not skipped."""

    def __init__(self, message: str, *, batch_id: str, attempts: int) -> None:
        super().__init__(message)
        self.batch_id = batch_id
        self.attempts = attempts


class EventDecodeError(EventStreamerSDKError):
    """A log does not match the ABI event it was decoded with."""

    def __init__(self, message: str, *, log: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.log = log


class EventStreamerClosedError(EventStreamerSDKError):
    """The client was closed and cannot be used again."""


class DecodeLimitError(EventDecodeError):
    """A log exceeds the decoder's :class:`DecodeLimits`; ``limit`` names the bound it broke."""

    def __init__(self, message: str, *, limit: str, log: Mapping[str, Any] | None = None) -> None:
        super().__init__(message, log=log)
        self.limit = limit


class StreamStateError(EventStreamerSDKError):
    """An input that is not legal in the stream's current state (e.g. start while running)."""
