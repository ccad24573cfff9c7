"""Map HTTP responses and transport failures onto the SDK's exception tree (one place)."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any, NoReturn

import httpx
import orjson

from .exceptions import (
    EventStreamerAuthError,
    EventStreamerConflictError,
    EventStreamerConnectionError,
    EventStreamerNotFoundError,
    EventStreamerRateLimitError,
    EventStreamerSDKError,
    EventStreamerServerError,
    EventStreamerTimeoutError,
    EventStreamerValidationError,
    FieldError,
    InvalidResumeTokenError,
    SubscriptionNotFoundError,
)

__all__ = ["parse_retry_after", "raise_for_status", "transport_error"]


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _body(content: bytes) -> Any:
    try:
        return orjson.loads(content) if content else None
    except orjson.JSONDecodeError:
        return content.decode("utf-8", "replace")


def _field_errors(body: Any) -> list[FieldError]:
    if not isinstance(body, Mapping) or not isinstance(body.get("errors"), list):
        return []
    return [
        FieldError(str(e.get("field", "?")), str(e.get("message", "")), e.get("type"))
        for e in body["errors"]
        if isinstance(e, Mapping)
    ]


def raise_for_status(
    status: int,
    content: bytes,
    headers: Mapping[str, str],
    *,
    method: str,
    url: str,
    resource: str = "resource",
) -> NoReturn:
    """Raise the exception for a non-2xx answer. ``resource`` names what a 404 is missing."""
    body = _body(content)
    info = body if isinstance(body, Mapping) else {}
    error_code = info.get("error_code") if isinstance(info.get("error_code"), str) else None
    message = str(info.get("error") or httpx.codes.get_reason_phrase(status) or "error")
    if info.get("detail"):
        message = f"{message}: {info['detail']}"
    # str(error) ends with "(METHOD url -> status)": the v0.4 docs test `"404" in str(e)`.
    common: dict[str, Any] = {
        "status_code": status,
        "body": body,
        "method": method,
        "url": url,
        "request_id": headers.get("x-request-id"),
        "error_code": error_code,
    }
    if status in (401, 403):
        raise EventStreamerAuthError(message, **common)
    if status == 404:
        if resource == "subscription":
            raise SubscriptionNotFoundError(message, **common)
        raise EventStreamerNotFoundError(message, **common)
    if status == 409:
        raise EventStreamerConflictError(message, **common)
    if status == 429:
        retry_after = parse_retry_after(headers.get("retry-after"))
        raise EventStreamerRateLimitError(message, retry_after=retry_after, **common)
    if status == 400 and error_code == "INVALID_RESUME_TOKEN":
        raise InvalidResumeTokenError(
            message, field_errors=[FieldError("resume_token", message)], **common
        )
    if status in (400, 413, 422):
        raise EventStreamerValidationError(message, field_errors=_field_errors(body), **common)
    if status >= 500:
        raise EventStreamerServerError(message, **common)
    raise EventStreamerConnectionError(message, **common)


def _refused(err: BaseException) -> bool:
    """A refused connection, whatever the transport called it (httpx-aiohttp maps aiohttp's
    connector errors, refusals included, to ``ConnectTimeout``)."""
    seen: set[int] = set()
    cause: BaseException | None = err
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ConnectionRefusedError) or any(
            isinstance(arg, ConnectionRefusedError) for arg in cause.args
        ):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def transport_error(err: httpx.TransportError, method: str, url: str) -> EventStreamerSDKError:
    """The SDK error for a transport failure (chain it with ``raise ... from err``)."""
    if _refused(err):
        return EventStreamerConnectionError(
            f"{method} {url} failed: connection refused", method=method, url=url
        )
    if isinstance(err, httpx.TimeoutException):
        return EventStreamerTimeoutError(
            f"{method} {url} timed out ({type(err).__name__})", method=method, url=url
        )
    return EventStreamerConnectionError(
        f"{method} {url} failed: {type(err).__name__}: {err}", method=method, url=url
    )
