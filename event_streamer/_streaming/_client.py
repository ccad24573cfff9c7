"""StreamingClient: the public face of a stream (handlers, lifecycle, manual acks).

Lifecycle: ``start_streaming()`` runs in the background; ``async for batch in client`` runs in
the caller. ``stop_streaming()`` stops reading and flushes acks; ``disconnect()`` also releases
the HTTP resources. Either way the client can start again; only closing the parent
``EventStreamer`` ends it for good (``EventStreamerClosedError``). The state lives in a pure
:class:`StreamSession`; the I/O in :class:`StreamDriver`.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncGenerator, Callable, Mapping
from types import TracebackType
from typing import Any, Self

import httpx

from .._messages import Delivered
from .._ndjson import DEFAULT_MAX_LINE_BYTES
from ..exceptions import EventStreamerClosedError, EventStreamerSDKError
from ._actions import Action, State, StreamStateError
from ._calls import ServiceCalls
from ._control import StreamControl
from ._driver import StreamDriver
from ._handlers import (
    AllEventsHandler,
    CompleteHandler,
    ErrorHandler,
    H,
    Handlers,
    HeartbeatHandler,
    ReorgHandler,
    current_batch,
)
from ._iteration import end_iteration
from ._options import StreamOptions, check_resume_token, merge_attempts
from ._session import StreamSession

__all__ = ["StreamingClient"]


def _retrieve(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()


class StreamingClient(ServiceCalls):
    """Receives a subscription's events. Create it with
    :meth:`EventStreamer.create_streaming_client`; use decorators and
    :meth:`start_streaming`, or ``async for batch in streaming_client``."""

    def __init__(
        self,
        client: StreamControl,
        subscription_id: int,
        *,
        resume_token: str | None = None,
        client_metadata: Mapping[str, Any] | None = None,
        auto_acknowledge: bool = True,
        batch_ack_interval: float = 3.0,
        heartbeat_interval: float = 30.0,
        server_heartbeat_interval: float = 30.0,
        liveness_timeout: float | None = None,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        reconnect: bool = True,
        reconnect_attempts: int | None = None,
        reconnect_deadline: float | None = None,
        max_reconnect_attempts: int | None = None,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
        max_handler_attempts: int = 5,
        stream_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        options = StreamOptions(
            resume_token=resume_token,
            client_metadata=client_metadata,
            auto_acknowledge=auto_acknowledge,
            batch_ack_interval=batch_ack_interval,
            heartbeat_interval=heartbeat_interval,
            server_heartbeat_interval=server_heartbeat_interval,
            liveness_timeout=liveness_timeout,
            max_line_bytes=max_line_bytes,
            reconnect=reconnect,
            reconnect_attempts=merge_attempts(reconnect_attempts, max_reconnect_attempts),
            reconnect_deadline=reconnect_deadline,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            max_handler_attempts=max_handler_attempts,
            stream_transport=stream_transport,
        )
        self.subscription_id = subscription_id
        self.options = options
        # The option names of 0.5, readable as attributes (changing them has no effect).
        self.client_metadata = dict(client_metadata or {})
        self.auto_acknowledge = auto_acknowledge
        self.batch_ack_interval = float(batch_ack_interval)
        self.heartbeat_interval = float(heartbeat_interval)
        self.liveness_timeout = options.effective_liveness_timeout
        self.max_line_bytes = max_line_bytes
        self.reconnect = reconnect
        self.max_reconnect_attempts = self.reconnect_attempts = options.reconnect_attempts
        self.backoff_initial, self.backoff_max = float(backoff_initial), float(backoff_max)
        self.max_handler_attempts = max_handler_attempts
        self._session = StreamSession.from_options(subscription_id, options)
        self._handlers = Handlers()
        self._driver = StreamDriver(client, self._session, self._handlers, options)
        # The driver's control: manual acks and heartbeats follow the stream's service URL.
        self._control = self._driver.control
        self._task: asyncio.Task[None] | None = None
        self._restart = False  # a handler asked to start again after a stop
        # The current iteration, weakly: a loop left with `break` is then closed by asyncio as
        # soon as the loop lets go of it (connection closed, acks flushed).
        self._gen: weakref.ref[AsyncGenerator[Delivered, None]] | None = None

    # -- handlers -------------------------------------------------------------------------------
    def on_event(self, event_name: str) -> Callable[[H], H]:
        """Decorator: ``handler(events)`` gets the list of ``event_name`` events of each batch."""
        return self._handlers.on_event(event_name)

    def on_all_events(self, handler: AllEventsHandler) -> AllEventsHandler:
        """Decorator: ``handler(events_by_name)`` gets every batch's ``{name: [events]}``."""
        self._handlers.all_events.append(handler)
        return handler

    def on_heartbeat(self, handler: HeartbeatHandler) -> HeartbeatHandler:
        """Decorator: ``handler(heartbeat)`` on each server heartbeat (a StreamingHeartbeat)."""
        self._handlers.heartbeats.append(handler)
        return handler

    def on_error(self, handler: ErrorHandler) -> ErrorHandler:
        """Decorator: ``handler(error)`` gets a StreamingError (server-sent or client-side)."""
        self._handlers.errors.append(handler)
        return handler

    def on_reorg(self, handler: ReorgHandler) -> ReorgHandler:
        """Decorator: ``handler(reorg)`` gets each :class:`Reorg` notice, before the
        replacement batches. Undo what was stored above ``reorg.fork_block``; a handler that
        raises gets the notice again (as a failed batch would)."""
        self._handlers.reorgs.append(handler)
        return handler

    def on_complete(self, handler: CompleteHandler) -> CompleteHandler:
        """Decorator: ``handler()`` once a bounded subscription (``end_block``) has finished."""
        self._handlers.complete.append(handler)
        return handler

    # -- state ----------------------------------------------------------------------------------
    @property
    def state(self) -> State:
        """idle, connecting, streaming, backoff, stopping, stopped, failed or completed."""
        return self._session.state

    @property
    def is_running(self) -> bool:
        return self._session.is_running

    @property
    def is_completed(self) -> bool:
        return self._session.state is State.COMPLETED

    @property
    def service_url(self) -> str:
        """The service URL this stream is on (or starts on): with several, it moves to the next
        one on each reconnect."""
        return self._control.service_url

    @property
    def connection_id(self) -> str | None:
        return self._session.connection_id

    @property
    def current_batch(self) -> Delivered | None:
        """The batch whose handlers are running (inside a handler), else None."""
        return current_batch()

    @property
    def error(self) -> BaseException | None:
        """The error that stopped the stream, if one did."""
        return self._session.error

    def get_current_resume_token(self) -> str | None:
        """Token after the last batch whose handlers all finished (never one merely received)."""
        return self._session.resume_token

    # -- lifecycle ------------------------------------------------------------------------------
    def _ensure_usable(self) -> None:
        if self._control.is_closed:
            raise EventStreamerClosedError(
                "the EventStreamer of this streaming client was closed; create a new one"
            )

    def _iteration(self) -> AsyncGenerator[Delivered, None] | None:
        """The iteration in progress, if it is still referenced and not finished."""
        gen = self._gen() if self._gen is not None else None
        return gen if gen is not None and getattr(gen, "ag_frame", None) is not None else None

    async def connect(self) -> None:
        """Check the subscription is there and reachable (typed errors otherwise)."""
        self._ensure_usable()
        await self._control.get_subscription(self.subscription_id)

    async def start_streaming(self) -> None:
        """Stream in the background; returns once connected (or raises what prevented it).

        Legal when idle, stopped, disconnected, failed or completed; a no-op while running.
        """
        self._ensure_usable()
        if self._inside_run():
            # A handler of this very stream (the 0.4 README's reconnect_with_backoff in an
            # on_error handler): start again once the run it interrupted has wound down.
            self._restart = self._session.state is State.STOPPING
            return
        task = self._task
        if task is not None and not task.done():
            # Running already; or another task is stopping it: start again once that is over.
            self._restart = self._restart or self._session.state is State.STOPPING
            return
        if self._driver.active:
            raise StreamStateError("this client is being iterated with async for")
        # Running from here on, before the first await: code that checks is_running right after
        # scheduling its own tasks (the 0.4 README's bulk-ack loop) sees a running client.
        first = self._session.start()
        self._task = asyncio.create_task(self._drain(first), name=f"stream-{self.subscription_id}")
        # Its error is reported (log, on_error) and raised by wait(); never "never retrieved".
        self._task.add_done_callback(_retrieve)
        waiter = asyncio.ensure_future(self._driver.connected.wait())
        try:
            await asyncio.wait({waiter, self._task}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            # The caller gave up on the start (a timeout): no run goes on without it.
            self._session.stop()
            self._driver.wake()
            raise
        finally:
            waiter.cancel()
        if self._task.done() and not self._task.cancelled():
            error = self._task.exception()
            if error is not None:
                raise error

    def _inside_run(self) -> bool:
        task = self._task
        return task is not None and not task.done() and asyncio.current_task() is task

    async def _drain(self, first: Action | None = None) -> None:
        while True:
            self._restart = False
            try:
                run_gen = self._driver.run(yield_batches=False, started=first)
                first = None  # a restart starts the session again itself
                async with contextlib.aclosing(run_gen) as run:
                    async for _ in run:
                        pass
            except EventStreamerSDKError:
                if not self._restart or self._control.is_closed:
                    raise
            if not self._restart or self._control.is_closed:
                return

    async def wait(self) -> None:
        """Wait until streaming stops; raise the error that stopped it, if any."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def stop_streaming(self) -> None:
        """Stop reading, flush pending acknowledgements, stop background tasks. Idempotent;
        ``start_streaming()`` may follow."""
        self._session.stop()
        self._driver.wake()
        if self._inside_run():
            self._restart = False
            return  # called by a handler: the run stops once the handler returns
        self._restart = False  # the latest call wins over a start asked while stopping
        task = self._task
        if task is not None and not task.done():
            # Its error, if any, is for wait() to raise. Wait for this run only (a start
            # asked meanwhile by another task runs the next one).
            ended = asyncio.ensure_future(self._driver.ended.wait())
            try:
                await asyncio.wait({task, ended}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                ended.cancel()
        await end_iteration(self._driver, self._iteration(), self._task)

    async def disconnect(self) -> None:
        """Stop streaming and release the HTTP resources. Idempotent; the client can start
        again (until its EventStreamer is closed)."""
        await self.stop_streaming()
        if not self._inside_run() and not self._driver.active:  # else the run releases them
            await self._driver.release()

    async def resume(self, resume_token: str) -> None:
        """Continue from ``resume_token``: now if streaming (reconnects), else at the next start."""
        token = check_resume_token(resume_token, required=True)
        assert token is not None  # required=True rejects None
        await self._driver.effects.apply(self._session.resume(token))
        self._driver.wake()

    async def __aenter__(self) -> Self:
        self._ensure_usable()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Leaving the block normally (a `break` included) finishes the batch in hand; leaving
        # with an exception does not, so that batch is redelivered.
        if exc_type is None:
            self._driver.mark_yielded_handled()
        await self.disconnect()

    def __aiter__(self) -> AsyncGenerator[Delivered, None]:
        self._ensure_usable()
        if self._task is not None and not self._task.done():
            raise StreamStateError("this client is already streaming in the background")
        prior = self._iteration()
        driver = self._driver
        if driver.active and driver.runner is not asyncio.current_task():
            raise StreamStateError("this client is already being iterated in another task")
        gen = driver.run(yield_batches=True, prior=prior)
        self._gen = weakref.ref(gen)
        return gen
