"""Typed messages of the NDJSON stream, and the parser from one line to one message.

Plain slotted dataclasses rather than the generated attrs models: a stream carries hundreds of
thousands of events a second, and these are built once per line with no per-event work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from .exceptions import MalformedLineError

__all__ = [
    "EventBatch",
    "Heartbeat",
    "StreamStats",
    "StreamingError",
    "UnknownMessage",
    "parse_line",
]


@dataclass(slots=True)
class EventBatch:
    """A batch of decoded events, grouped by event name; acknowledge it by ``batch_id``."""

    batch_id: str
    resume_token: str
    events: dict[str, list[dict[str, Any]]]
    batch_size: int
    subscription_id: int | None = None
    connection_id: str | None = None
    timestamp: str | None = None

    def __iter__(self) -> Any:
        """Every event of the batch, whatever its name."""
        for events in self.events.values():
            yield from events

    @property
    def last_block(self) -> int | None:
        """Highest block number in the batch (events are in chain order: look at the last)."""
        blocks = [events[-1].get("block_number") for events in self.events.values() if events]
        numbers = [b for b in blocks if isinstance(b, int)]
        return max(numbers) if numbers else None


@dataclass(slots=True)
class Heartbeat:
    """The service's keep-alive: the stream is quiet, not dead."""

    timestamp: str
    connection_id: str | None = None
    subscription_id: int | None = None


@dataclass(slots=True)
class StreamingError:
    """A problem on the stream, from the service (e.g. REORG_DETECTED) or the client
    (CONNECTION_LOST, HANDLER_ERROR, PROTOCOL_ERROR, ...)."""

    error_code: str
    error_message: str
    recoverable: bool = True
    timestamp: str | None = None
    connection_id: str | None = None
    subscription_id: int | None = None
    exception: BaseException | None = field(default=None, repr=False)


@dataclass(slots=True)
class UnknownMessage:
    """A JSON object with a ``type`` this client does not know (logged and counted)."""

    type: str
    data: dict[str, Any]


@dataclass(slots=True)
class StreamStats:
    """Counters of one StreamingClient (cumulative over reconnects)."""

    events: int = 0
    batches: int = 0
    heartbeats: int = 0
    errors_received: int = 0
    acks_sent: int = 0
    acks_failed: int = 0
    reconnects: int = 0
    handler_errors: int = 0
    protocol_errors: int = 0
    unknown_messages: int = 0
    client_heartbeats: int = 0
    last_block: int | None = None


def parse_line(
    line: bytes | memoryview,
) -> EventBatch | Heartbeat | StreamingError | UnknownMessage:
    """One NDJSON line -> one typed message; MalformedLineError when it is not one."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as err:
        raise MalformedLineError(f"stream line is not JSON: {err}: {bytes(line[:200])!r}") from None
    if not isinstance(data, dict):
        raise MalformedLineError(f"stream line is not a JSON object: {bytes(line[:200])!r}")
    kind = data.get("type")
    try:
        if kind == "event_batch":
            events = data["events"]
            if not isinstance(events, dict):
                raise TypeError("events must be an object")
            return EventBatch(
                batch_id=data["batch_id"],
                resume_token=data["resume_token"],
                events=events,
                batch_size=int(data["batch_size"]),
                subscription_id=data.get("subscription_id"),
                connection_id=data.get("connection_id"),
                timestamp=data.get("timestamp"),
            )
        if kind == "heartbeat":
            return Heartbeat(
                timestamp=data["timestamp"],
                connection_id=data.get("connection_id"),
                subscription_id=data.get("subscription_id"),
            )
        if kind == "error":
            return StreamingError(
                error_code=str(data["error_code"]),
                error_message=str(data["error_message"]),
                recoverable=bool(data.get("recoverable", True)),
                timestamp=data.get("timestamp"),
                connection_id=data.get("connection_id"),
                subscription_id=data.get("subscription_id"),
            )
    except (KeyError, TypeError, ValueError) as err:
        raise MalformedLineError(
            f"malformed {kind} message ({err!r}): {bytes(line[:200])!r}"
        ) from None
    if not isinstance(kind, str):
        raise MalformedLineError(f"stream message has no type: {bytes(line[:200])!r}")
    return UnknownMessage(kind, data)
