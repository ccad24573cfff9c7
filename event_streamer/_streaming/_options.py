"""The options of a StreamingClient, validated once (typed errors naming the field)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .._ndjson import DEFAULT_MAX_LINE_BYTES
from .._retry import RetryPolicy
from ..exceptions import EventStreamerValidationError, FieldError

__all__ = ["MAX_CLIENT_METADATA_BYTES", "StreamOptions", "check_resume_token"]

MAX_CLIENT_METADATA_BYTES = 4096  # sent as one request header


def _invalid(name: str, message: str, value: Any) -> EventStreamerValidationError:
    return EventStreamerValidationError(
        f"invalid {name}: {message}, got {value!r}", field_errors=[FieldError(name, message)]
    )


def _positive(name: str, value: Any, *, allow_none: bool = False) -> Any:
    if value is None and allow_none:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise _invalid(name, "must be > 0", value)
    return value


def _count(name: str, value: Any, minimum: int) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _invalid(name, f"must be an integer >= {minimum}", value)
    return value


def check_resume_token(value: Any, *, required: bool = False) -> str | None:
    if (value is not None or required) and (
        not isinstance(value, str) or not value.startswith("rt_")
    ):
        raise _invalid("resume_token", "must be a token (rt_...) from a batch", value)
    return value


def _metadata(value: Any) -> tuple[dict[str, Any], str | None]:
    """The metadata and its header form (compact ASCII JSON), bounded."""
    if value is None:
        return {}, None
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise _invalid("client_metadata", "must be a mapping with string keys", value)
    try:
        encoded = json.dumps(dict(value), separators=(",", ":"), ensure_ascii=True)
    except (TypeError, ValueError) as err:
        raise _invalid("client_metadata", f"must be JSON-serialisable ({err})", value) from None
    if len(encoded) > MAX_CLIENT_METADATA_BYTES:
        raise _invalid(
            "client_metadata", f"must encode to <= {MAX_CLIENT_METADATA_BYTES} bytes", value
        )
    return dict(value), encoded if value else None


@dataclass(frozen=True, slots=True)
class StreamOptions:
    """See :meth:`EventStreamer.create_streaming_client` for what each option does."""

    resume_token: str | None = None
    client_metadata: Mapping[str, Any] | None = None
    auto_acknowledge: bool = True
    batch_ack_interval: float = 3.0
    heartbeat_interval: float = 30.0
    server_heartbeat_interval: float = 30.0
    liveness_timeout: float | None = None
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    reconnect: bool = True
    reconnect_attempts: int | None = None
    reconnect_deadline: float | None = None
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    max_handler_attempts: int = 5
    stream_transport: httpx.AsyncBaseTransport | None = None

    def __post_init__(self) -> None:
        check_resume_token(self.resume_token)
        _metadata(self.client_metadata)
        for name in (
            "batch_ack_interval",
            "heartbeat_interval",
            "server_heartbeat_interval",
            "backoff_initial",
            "backoff_max",
        ):
            _positive(name, getattr(self, name))
        _positive("liveness_timeout", self.liveness_timeout, allow_none=True)
        _positive("reconnect_deadline", self.reconnect_deadline, allow_none=True)
        _count("max_line_bytes", self.max_line_bytes, 1)
        _count("max_handler_attempts", self.max_handler_attempts, 1)
        _count("reconnect_attempts", self.reconnect_attempts, 0)
        for name in ("auto_acknowledge", "reconnect"):
            if not isinstance(getattr(self, name), bool):
                raise _invalid(name, "must be True or False", getattr(self, name))
        transport = self.stream_transport
        if transport is not None and not isinstance(transport, httpx.AsyncBaseTransport):
            raise _invalid("stream_transport", "must be an httpx.AsyncBaseTransport", transport)

    @property
    def effective_liveness_timeout(self) -> float:
        """Silence that means a dead connection: two missed server heartbeats and a second."""
        return float(self.liveness_timeout or 2 * self.server_heartbeat_interval + 1.0)

    def session_arguments(self) -> dict[str, Any]:
        """The keyword arguments of the StreamSession these options describe."""
        return {
            "resume_token": self.resume_token,
            "auto_acknowledge": self.auto_acknowledge,
            "reconnect": self.reconnect,
            "retry": RetryPolicy(backoff_base=self.backoff_initial, backoff_cap=self.backoff_max),
            "reconnect_attempts": self.reconnect_attempts,
            "reconnect_deadline": self.reconnect_deadline,
            "max_handler_attempts": self.max_handler_attempts,
            "max_line_bytes": self.max_line_bytes,
            "liveness_timeout": self.effective_liveness_timeout,
        }

    @property
    def metadata_header(self) -> str | None:
        return _metadata(self.client_metadata)[1]


def merge_attempts(
    reconnect_attempts: int | None, max_reconnect_attempts: int | None
) -> int | None:
    """``max_reconnect_attempts`` is the older name of ``reconnect_attempts``."""
    both = reconnect_attempts is not None and max_reconnect_attempts is not None
    if both and reconnect_attempts != max_reconnect_attempts:
        raise _invalid(
            "reconnect_attempts",
            "conflicts with max_reconnect_attempts (same option; give one)",
            (reconnect_attempts, max_reconnect_attempts),
        )
    if max_reconnect_attempts is not None:
        _count("max_reconnect_attempts", max_reconnect_attempts, 0)
    return reconnect_attempts if reconnect_attempts is not None else max_reconnect_attempts
