"""What a :class:`StreamSession` asks its driver to do: plain immutable values, no behaviour."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .._messages import Delivered, Heartbeat, StreamingError
from ..exceptions import StreamStateError

__all__ = [
    "Action",
    "CheckCompletion",
    "Connect",
    "Dispatch",
    "Fail",
    "Finish",
    "FlushAcks",
    "HeartbeatReceived",
    "Reconnect",
    "Report",
    "SendHeartbeat",
    "State",
    "StreamStateError",
]


class State(enum.Enum):
    """Where a stream is. ``start()`` is legal from IDLE, STOPPED, FAILED and COMPLETED."""

    IDLE = "idle"  # created, never started
    CONNECTING = "connecting"  # opening a connection
    STREAMING = "streaming"  # connected, reading
    BACKOFF = "backoff"  # the connection is gone; waiting before the next one
    STOPPING = "stopping"  # stop, failure or completion decided; the driver cleans up
    STOPPED = "stopped"  # stopped by the application (or the stream ended, reconnect off)
    FAILED = "failed"  # stopped by an error (``error`` says which)
    COMPLETED = "completed"  # a bounded subscription delivered and acknowledged everything


RUNNING = frozenset({State.CONNECTING, State.STREAMING, State.BACKOFF, State.STOPPING})


@dataclass(frozen=True, slots=True)
class Connect:
    """Open a connection, resuming after ``resume_token`` (from the head when None)."""

    resume_token: str | None


@dataclass(frozen=True, slots=True)
class Reconnect:
    """Close what is left of the connection, wait ``delay`` s, then call ``backoff_elapsed``."""

    delay: float
    attempt: int


@dataclass(frozen=True, slots=True)
class Fail:
    """Stop for good with ``error`` (after flushing what can be flushed)."""

    error: BaseException


@dataclass(frozen=True, slots=True)
class Finish:
    """Stop cleanly; ``completed`` when the bounded subscription is done."""

    completed: bool


@dataclass(frozen=True, slots=True)
class Dispatch:
    """Run the handlers for ``batch`` (events, or a reorg notice for ``on_reorg``); answer
    ``batch_handled`` or ``batch_failed``."""

    batch: Delivered


@dataclass(frozen=True, slots=True)
class HeartbeatReceived:
    """Run the heartbeat handlers."""

    heartbeat: Heartbeat


@dataclass(frozen=True, slots=True)
class Report:
    """Tell ``on_error`` handlers and the log."""

    error: StreamingError


@dataclass(frozen=True, slots=True)
class FlushAcks:
    """Acknowledge ``batch_ids`` in bulk; answer ``acks_sent`` or ``acks_failed``."""

    connection_id: str
    batch_ids: list[str]


@dataclass(frozen=True, slots=True)
class SendHeartbeat:
    """Send a client heartbeat; answer ``heartbeat_sent`` or ``connection_gone``."""

    connection_id: str
    sequence: int


@dataclass(frozen=True, slots=True)
class CheckCompletion:
    """Ask the service whether the subscription completed; answer ``completion_status``
    (first ``subscription_bounds`` when ``need_bounds``: only bounded ones can complete)."""

    need_bounds: bool = False
    delay: float = 0.0  # ask after this many seconds (the end is delivered, not yet marked)


Action = (
    Connect
    | Reconnect
    | Fail
    | Finish
    | Dispatch
    | HeartbeatReceived
    | Report
    | FlushAcks
    | SendHeartbeat
    | CheckCompletion
)
