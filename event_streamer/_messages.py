"""Typed messages of the NDJSON stream, and the parser from one line to one message.

Plain slotted dataclasses rather than the generated attrs models: a stream carries hundreds of
thousands of events a second, and these are built once per line with no per-event work.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from .exceptions import MalformedLineError

__all__ = [
    "Delivered",
    "EventBatch",
    "Heartbeat",
    "Reorg",
    "StreamStats",
    "StreamingError",
    "StreamingHeartbeat",
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

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Every event of the batch, whatever its name."""
        for events in self.events.values():
            yield from events

    @property
    def last_block(self) -> int | None:
        """Highest block number in the batch (events are in chain order: look at the last)."""
        blocks = [events[-1].get("block_number") for events in self.events.values() if events]
        numbers = [b for b in blocks if isinstance(b, int)]
        return max(numbers) if numbers else None


class _NoEvents(dict[str, list[dict[str, Any]]]):
    """A notice's ``events``: empty, and ``events["Transfer"]`` is ``[]`` rather than a
    KeyError, so an ``async for`` body written for batches only passes over a notice."""

    def __missing__(self, key: str) -> list[dict[str, Any]]:
        return []


@dataclass(slots=True)
class Reorg:
    """The chain reorganised below blocks already delivered: undo what you stored for blocks
    above ``fork_block``; replacement batches follow.

    ``void_batch_ids`` lists the batches that are void (the first 1000 of
    ``void_batch_count``; it may name batches this consumer never received). A notice comes at
    least once: handle it idempotently (deleting rows above ``fork_block`` is). It is
    acknowledged like a batch, by ``batch_id`` (its ``reorg_id``); it has no events.
    """

    reorg_id: str
    resume_token: str
    fork_block: int
    void_batch_ids: list[str]
    void_batch_count: int
    subscription_id: int | None = None
    connection_id: str | None = None
    timestamp: str | None = None

    @property
    def batch_id(self) -> str:
        """The id to acknowledge (the ``reorg_id``)."""
        return self.reorg_id

    @property
    def events(self) -> dict[str, list[dict[str, Any]]]:
        """No events; any name gives ``[]`` (a loop written for batches only passes over a
        notice harmlessly)."""
        return _NoEvents()

    @property
    def batch_size(self) -> int:
        return 0

    @property
    def last_block(self) -> int | None:
        return None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(())


Delivered = EventBatch | Reorg
"""What a stream hands to handlers and ``async for``: a batch of events or a reorg notice."""


@dataclass(slots=True)
class Heartbeat:
    """The service's keep-alive: the stream is quiet, not dead (``StreamingHeartbeat`` in the
    0.4 README: the same class)."""

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


StreamingHeartbeat = Heartbeat


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
    reorgs: int = 0
    client_heartbeats: int = 0
    last_block: int | None = None


_DICT = frozenset({dict})


def _optional(data: dict[str, Any], key: str, kind: type) -> Any:
    value = data.get(key)
    if value is not None and (type(value) is not kind):
        raise TypeError(f"{key} must be a {kind.__name__}, got {type(value).__name__}")
    return value


def _batch(data: dict[str, Any]) -> EventBatch:
    # Every field a handler or the ack path reads is checked here, before any handler sees
    # the batch: a wrong type is a protocol error, never an AttributeError in user code.
    batch_id = data.get("batch_id")
    if batch_id is None:  # the 0.4/0.5 wire shape names it response_id only
        batch_id = data.get("response_id")
    if type(batch_id) is not str or not batch_id:
        raise TypeError("batch_id (or response_id) must be a non-empty string")
    token = data["resume_token"]
    if type(token) is not str or not token:
        raise TypeError("resume_token must be a non-empty string")
    size = data["batch_size"]
    if type(size) is not int or size < 0:
        raise TypeError("batch_size must be an integer >= 0")
    events = data["events"]
    if type(events) is not dict:
        raise TypeError("events must be an object")
    for name, items in events.items():
        # set(map(type, ...)) runs in C: about 10 ns an event, against ~2 us to parse one.
        if type(items) is not list or (items and not set(map(type, items)) <= _DICT):
            raise TypeError(f"events[{name!r}] must be a list of objects")
    return EventBatch(
        batch_id=batch_id,
        resume_token=token,
        events=events,
        batch_size=size,
        subscription_id=_optional(data, "subscription_id", int),
        connection_id=_optional(data, "connection_id", str),
        timestamp=_optional(data, "timestamp", str),
    )


def _reorg(data: dict[str, Any]) -> Reorg:
    reorg_id, token = data["reorg_id"], data["resume_token"]
    if type(reorg_id) is not str or not reorg_id or type(token) is not str or not token:
        raise TypeError("reorg_id and resume_token must be non-empty strings")
    fork, count, ids = data["fork_block"], data["void_batch_count"], data["void_batch_ids"]
    if type(fork) is not int or fork < 0 or type(count) is not int or count < 0:
        raise TypeError("fork_block and void_batch_count must be integers >= 0")
    if type(ids) is not list or not all(type(i) is str for i in ids):
        raise TypeError("void_batch_ids must be a list of strings")
    return Reorg(
        reorg_id=reorg_id,
        resume_token=token,
        fork_block=fork,
        void_batch_ids=ids,
        void_batch_count=count,
        subscription_id=_optional(data, "subscription_id", int),
        connection_id=_optional(data, "connection_id", str),
        timestamp=_optional(data, "timestamp", str),
    )


def parse_line(
    line: bytes | memoryview,
) -> EventBatch | Reorg | Heartbeat | StreamingError | UnknownMessage:
    """One NDJSON line -> one typed message; MalformedLineError when it is not one
    (not JSON, not an object, a field missing or of the wrong type)."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as err:
        raise MalformedLineError(f"stream line is not JSON: {err}: {bytes(line[:200])!r}") from None
    if not isinstance(data, dict):
        raise MalformedLineError(f"stream line is not a JSON object: {bytes(line[:200])!r}")
    kind = data.get("type")
    try:
        if kind == "event_batch":
            return _batch(data)
        if kind == "reorg":
            return _reorg(data)
        if kind == "heartbeat":
            timestamp = data["timestamp"]
            if type(timestamp) is not str:
                raise TypeError("timestamp must be a string")
            return Heartbeat(
                timestamp=timestamp,
                connection_id=_optional(data, "connection_id", str),
                subscription_id=_optional(data, "subscription_id", int),
            )
        if kind == "error":
            code, message = data["error_code"], data["error_message"]
            recoverable = data.get("recoverable", True)
            if type(code) is not str or type(message) is not str or type(recoverable) is not bool:
                raise TypeError("error_code/error_message must be strings, recoverable a boolean")
            return StreamingError(
                error_code=code,
                error_message=message,
                recoverable=recoverable,
                timestamp=_optional(data, "timestamp", str),
                connection_id=_optional(data, "connection_id", str),
                subscription_id=_optional(data, "subscription_id", int),
            )
    except (KeyError, TypeError, ValueError) as err:
        raise MalformedLineError(
            f"malformed {kind} message ({err!r}): {bytes(line[:200])!r}"
        ) from None
    if not isinstance(kind, str):
        raise MalformedLineError(f"stream message has no type: {bytes(line[:200])!r}")
    return UnknownMessage(kind, data)
