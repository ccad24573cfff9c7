"""Handler registry and dispatch: decorators and ``async for`` share this one path."""

from __future__ import annotations

import contextvars
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from .._messages import Delivered, Heartbeat, Reorg, StreamingError
from ..exceptions import EventStreamerValidationError, FieldError

__all__ = [
    "AllEventsHandler",
    "CompleteHandler",
    "ErrorHandler",
    "Event",
    "EventsHandler",
    "Handlers",
    "HeartbeatHandler",
    "ReorgHandler",
    "current_batch",
]

logger = logging.getLogger(__name__)

Event = dict[str, Any]
"""One decoded event: its named arguments plus block_number, transaction_hash, log_index, ..."""
EventsHandler = Callable[[list[Event]], Awaitable[None] | None]
AllEventsHandler = Callable[[dict[str, list[Event]]], Awaitable[None] | None]
HeartbeatHandler = Callable[[Heartbeat], Awaitable[None] | None]
ErrorHandler = Callable[[StreamingError], Awaitable[None] | None]
CompleteHandler = Callable[[], Awaitable[None] | None]
ReorgHandler = Callable[[Reorg], Awaitable[None] | None]

H = TypeVar("H", bound=Callable[..., Awaitable[None] | None])

_CURRENT_BATCH: contextvars.ContextVar[Delivered | None] = contextvars.ContextVar(
    "event_streamer_current_batch", default=None
)


def current_batch() -> Delivered | None:
    return _CURRENT_BATCH.get()


async def _call(handler: Callable[..., Awaitable[None] | None], *args: Any) -> None:
    result = handler(*args)
    if result is not None and inspect.isawaitable(result):  # sync handlers return None
        await result


class Handlers:
    """What to run for each batch, heartbeat, error and completion."""

    __slots__ = ("all_events", "complete", "errors", "events", "heartbeats", "reorgs")

    def __init__(self) -> None:
        self.events: dict[str, list[EventsHandler]] = {}
        self.all_events: list[AllEventsHandler] = []
        self.heartbeats: list[HeartbeatHandler] = []
        self.errors: list[ErrorHandler] = []
        self.complete: list[CompleteHandler] = []
        self.reorgs: list[ReorgHandler] = []

    def on_event(self, event_name: str) -> Callable[[H], H]:
        if not isinstance(event_name, str) or not event_name:
            raise EventStreamerValidationError(
                "on_event needs an event name", field_errors=[FieldError("event_name", "required")]
            )

        def register(handler: H) -> H:
            self.events.setdefault(event_name, []).append(handler)
            return handler

        return register

    async def dispatch(self, batch: Delivered) -> None:
        """Run the handlers for ``batch`` in order; the first exception propagates (a reorg
        handler's too: the notice comes again, as a failed batch does)."""
        reset = _CURRENT_BATCH.set(batch)
        try:
            if type(batch) is Reorg:
                for on_reorg in self.reorgs:
                    await _call(on_reorg, batch)
                return
            by_name = self.events
            if by_name:
                for name, events in batch.events.items():
                    for handler in by_name.get(name, ()):
                        await _call(handler, events)
            for every in self.all_events:
                await _call(every, batch.events)
        finally:
            _CURRENT_BATCH.reset(reset)

    async def heartbeat(self, heartbeat: Heartbeat) -> None:
        for handler in self.heartbeats:
            await _safely(handler, heartbeat)

    async def error(self, error: StreamingError) -> None:
        for handler in self.errors:
            await _safely(handler, error)

    async def completed(self) -> None:
        for handler in self.complete:
            await _safely(handler)


async def _safely(handler: Callable[..., Awaitable[None] | None], *args: Any) -> None:
    """Heartbeat, error and completion handlers must not break the stream."""
    try:
        await _call(handler, *args)
    except Exception:
        logger.exception("stream callback %r raised", getattr(handler, "__name__", handler))
