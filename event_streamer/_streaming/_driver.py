"""The asyncio driver: runs a StreamSession over httpx, and owns its background tasks.

One generator, :meth:`StreamDriver.run`, does every connection in turn: it opens the stream,
feeds bytes to the session, runs the handlers of each batch (and, for ``async for``, yields the
batch), and follows the session's decision when a connection ends. The ack flusher and the
client-heartbeat sender are tasks owned here, cancelled *and awaited* when the run ends; acks
are flushed while the connection is still open when the stream stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from typing import cast

import httpx

from .._messages import EventBatch
from ..exceptions import EventStreamerSDKError
from ._actions import (
    Action,
    CheckCompletion,
    Connect,
    Dispatch,
    Fail,
    HeartbeatReceived,
    Reconnect,
    Report,
    State,
)
from ._control import StreamControl
from ._effects import Effects
from ._handlers import Handlers
from ._options import StreamOptions
from ._session import StreamSession
from ._transport import new_http, open_stream

__all__ = ["StreamDriver"]

logger = logging.getLogger("event_streamer._streaming")

_QUIET_CODES = frozenset({"RESUMED"})  # asked for: not worth a warning


class StreamDriver:
    """Does the I/O a :class:`StreamSession` asks for."""

    def __init__(
        self,
        control: StreamControl,
        session: StreamSession,
        handlers: Handlers,
        options: StreamOptions,
    ) -> None:
        self.control = control
        self.session = session
        self.handlers = handlers
        self.options = options
        self.connected = asyncio.Event()
        self.yielded: EventBatch | None = None  # in the async-for body, not handled yet
        self._http: httpx.AsyncClient | None = None
        self._metadata = options.metadata_header
        self.effects = Effects(control, session, handlers, options, wake=self.wake)
        self._nudge = asyncio.Event()  # ends a backoff pause early (stop, resume)
        self._deadline: asyncio.Timeout | None = None  # the reader's, while it waits on I/O

    # -- resources ------------------------------------------------------------------------------
    async def release(self) -> None:
        """Close the stream's HTTP client (a later run opens a new one)."""
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()

    def wake(self) -> None:
        """Make a reader waiting for bytes, or a backoff pause, look at the session now."""
        self._nudge.set()
        deadline = self._deadline
        if deadline is not None and not deadline.expired() and deadline.when() is not None:
            deadline.reschedule(asyncio.get_running_loop().time())

    # -- the one generator ----------------------------------------------------------------------
    async def run(
        self, *, yield_batches: bool, prior: AsyncGenerator[EventBatch, None] | None = None
    ) -> AsyncGenerator[EventBatch, None]:
        """Stream until stopped, failed or completed; yield batches when ``yield_batches``."""
        if prior is not None:
            await prior.aclose()  # a loop left with break: finish it before starting again
        session = self.session
        step: Action | None = session.start()
        self.connected.clear()
        if self._http is None:
            self._http = new_http(self.control, self.options.stream_transport)
        self.effects.start_acks()
        loop = asyncio.get_running_loop()
        try:
            while step is not None:
                if isinstance(step, Connect):
                    try:
                        async with open_stream(
                            self._http,
                            self.control.service_url,
                            session.subscription_id,
                            step.resume_token,
                            self._metadata,
                        ) as response:
                            # aclosing: a break closes the inner generator at once, so its
                            # finally (ack flush, response close) runs before we return.
                            batches = self._connection(response, yield_batches)
                            async with contextlib.aclosing(batches):
                                async for batch in batches:
                                    yield batch
                    except EventStreamerSDKError as err:
                        await self.effects.apply(session.connection_failed(err, now=loop.time()))
                    finally:
                        session.connection_closed()
                    step = session.next_step()
                elif isinstance(step, Reconnect):
                    self._nudge.clear()
                    latest = session.next_step()  # a resume may have changed it meanwhile
                    if latest is not step:
                        step = latest
                        continue
                    if step.delay > 0:
                        with contextlib.suppress(TimeoutError):
                            async with asyncio.timeout(step.delay):
                                await self._nudge.wait()
                    if session.state is State.BACKOFF:
                        step = session.backoff_elapsed()
                    else:
                        step = session.next_step()
                elif isinstance(step, Fail):
                    raise step.error
                else:
                    break  # Finish
        finally:
            await self._wind_down()

    async def _connection(
        self, response: httpx.Response, yield_batches: bool
    ) -> AsyncGenerator[EventBatch, None]:
        session, handlers = self.session, self.handlers
        loop = asyncio.get_running_loop()
        await self.effects.apply(session.connection_opened(response.headers.get("x-connection-id")))
        if session.state is not State.STREAMING:
            return
        self.connected.set()
        if session.pending_acks:
            self.effects.wake_acks()  # acks held for a dead connection can go out now
        heartbeats = asyncio.create_task(self.effects.heartbeats(), name="stream-heartbeats")
        liveness = session.liveness_timeout
        chunks = cast("AsyncGenerator[bytes, None]", response.aiter_bytes())
        try:
            # The deadline runs only while we wait for bytes: handlers and the async-for body
            # never count against liveness.
            async with contextlib.aclosing(chunks), asyncio.timeout(None) as deadline:
                self._deadline = deadline
                deadline.reschedule(loop.time() + liveness)
                async for chunk in chunks:
                    deadline.reschedule(None)
                    if session.state is not State.STREAMING:
                        break
                    session.receive_data(chunk)
                    while (event := session.next_event()) is not None:
                        if type(event) is Dispatch:
                            batch = event.batch
                            try:
                                await handlers.dispatch(batch)
                            except Exception as err:
                                logger.warning(
                                    "handler failed on batch %s: %r", batch.batch_id, err
                                )
                                await self.effects.apply(
                                    session.batch_failed(batch, err, now=loop.time())
                                )
                                break
                            if yield_batches:  # the async-for body is a handler too
                                self.yielded = batch
                                try:
                                    yield batch
                                except GeneratorExit:
                                    self._left_loop(batch)
                                    raise
                                self.yielded = None
                            session.batch_handled(batch)
                        elif type(event) is HeartbeatReceived:
                            await handlers.heartbeat(event.heartbeat)
                        elif type(event) is Report:
                            await self.effects.report(event.error)
                        elif type(event) is CheckCompletion:
                            await self.effects.check_completion(event)
                    if session.state is not State.STREAMING:
                        break
                    deadline.reschedule(loop.time() + liveness)
                else:
                    await self.effects.apply(session.stream_ended(now=loop.time()))
        except TimeoutError:  # raised by the deadline's __aexit__: silence, or a wake()
            self._deadline = None
            if session.state is State.STREAMING:
                await self.effects.apply(session.liveness_expired(now=loop.time()))
        finally:
            self._deadline = None
            heartbeats.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeats
            if self._stopping():
                # The service forgets a connection when its stream ends: ack first.
                await self.effects.stop_acks()
                await self.effects.flush()

    def _stopping(self) -> bool:
        return self.session.state is State.STOPPING

    def _left_loop(self, batch: EventBatch) -> None:
        """``break`` (or an exception) in the async-for body, without ``async with``."""
        self.yielded = None
        if self.session.in_dispatch is batch:
            self.session.batch_abandoned(batch)  # not handled: it is redelivered
        self.session.stop()

    def mark_yielded_handled(self) -> None:
        """``async with`` left normally: the batch in the body counts as handled."""
        batch, self.yielded = self.yielded, None
        if batch is not None and self.session.in_dispatch is batch:
            self.session.batch_handled(batch)

    async def _wind_down(self) -> None:
        session = self.session
        self.yielded = None
        await self.effects.stop_acks()
        session.stop()  # a no-op unless cancelled mid-run
        if session.state is State.STOPPING:
            final = session.stopped()
            if final is State.COMPLETED:
                logger.info("subscription %d completed: stream finished", session.subscription_id)
                await self.handlers.completed()
