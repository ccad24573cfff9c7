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

import httpx

from .._errors import transport_error
from .._messages import Delivered
from ..exceptions import EventStreamerSDKError, EventStreamerTimeoutError
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
    StreamStateError,
)
from ._control import StreamControl
from ._effects import Effects
from ._handlers import Handlers
from ._options import StreamOptions
from ._session import StreamSession
from ._transport import BodyReader, StreamResponse, new_http
from ._urls import PinnedControl, StreamUrls

__all__ = ["StreamDriver"]

logger = logging.getLogger("event_streamer._streaming")

_LEAVING_FLUSH_SECONDS = 5.0  # acks flushed when cancelled or closed mid-stream, at most this


class StreamDriver:
    """Does the I/O a :class:`StreamSession` asks for."""

    def __init__(
        self,
        control: StreamControl,
        session: StreamSession,
        handlers: Handlers,
        options: StreamOptions,
    ) -> None:
        self.urls = StreamUrls(control)
        # Acks and heartbeats go to the instance the stream is on (see _urls).
        self.control: StreamControl = PinnedControl(control, self.urls)
        self.session = session
        self.handlers = handlers
        self.options = options
        self.connected = asyncio.Event()
        self.yielded: Delivered | None = None  # in the async-for body, not handled yet
        self._http: httpx.AsyncClient | None = None
        self._metadata = options.metadata_header
        self.effects = Effects(self.control, session, handlers, options, wake=self.wake)
        self._nudge = asyncio.Event()  # ends a backoff pause early (stop, resume)
        self._deadline: asyncio.Timeout | None = None  # the reader's, while it waits on I/O
        self.active = False  # a run is in progress (from its first step to its wind-down)
        self.ended = asyncio.Event()  # set once the last run wound down
        self.runner: asyncio.Task[object] | None = None  # the task a run iterates in
        self.keep: Delivered | None = None  # stop asked in the body: this batch finishes

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
            # RuntimeError: that deadline's block was just left (nothing left to cut short).
            with contextlib.suppress(RuntimeError):
                deadline.reschedule(asyncio.get_running_loop().time())

    # -- the one generator ----------------------------------------------------------------------
    async def run(
        self,
        *,
        yield_batches: bool,
        prior: AsyncGenerator[Delivered, None] | None = None,
        started: Action | None = None,
    ) -> AsyncGenerator[Delivered, None]:
        """Stream until stopped, failed or completed; yield batches when ``yield_batches``.
        ``started``: the first step of a session the caller already started."""
        if prior is not None:
            await prior.aclose()  # a loop left with break: finish it before starting again
        if self.active:  # one being closed by asyncio (a loop left with break): let it end
            await self.wait_ended(_LEAVING_FLUSH_SECONDS * 2)
            if self.active:
                raise StreamStateError("the previous iteration of this client is still running")
        session = self.session
        step: Action | None = started if started is not None else session.start()
        loop = asyncio.get_running_loop()
        handlers = self.handlers
        # Everything happens in this one generator, none nested: asyncio's shutdown closes
        # every open async generator at once, and a nested one closed first is what made
        # "generator didn't stop after athrow()" appear at exit.
        self.active, self.runner, self.keep = True, asyncio.current_task(), None
        self.ended.clear()
        try:
            self.connected.clear()
            if self._http is None:
                self._http = new_http(self.control, self.options.stream_transport)
            self.effects.start_acks()
            url: str | None = None
            while step is not None:
                if isinstance(step, Connect):
                    # A reconnect tries the next service URL (when there are several).
                    url = self.urls.first() if url is None else self._next_url(url)
                    try:
                        # One deadline per connection: the wait for the response headers, then
                        # each wait for bytes (handlers and the async-for body never count
                        # against it). wake() (stop, resume) moves it to now.
                        async with asyncio.timeout(None) as deadline:
                            self._deadline = deadline
                            deadline.reschedule(loop.time() + self._connect_timeout())
                            async with StreamResponse(
                                self._http,
                                url,
                                session.subscription_id,
                                step.resume_token,
                                self._metadata,
                            ) as response:
                                deadline.reschedule(None)
                                body = BodyReader(response)
                                heartbeats: asyncio.Task[None] | None = None
                                leaving = False  # cancelled, or the consumer went away
                                try:
                                    heartbeats = await self._opened(response)
                                    liveness = session.liveness_timeout
                                    # Stopped or resumed while connecting: end it now.
                                    first_wait = liveness if heartbeats is not None else 0.0
                                    deadline.reschedule(loop.time() + first_wait)
                                    while chunk := await body.read():
                                        deadline.reschedule(None)
                                        if session.state is not State.STREAMING:
                                            break
                                        session.receive_data(chunk)
                                        while (event := session.next_event()) is not None:
                                            if type(event) is not Dispatch:
                                                await self._other(event)
                                                continue
                                            batch = event.batch
                                            try:
                                                await handlers.dispatch(batch)
                                            except Exception as err:
                                                await self._handler_failed(batch, err)
                                                break
                                            if yield_batches:  # the loop body handles it too
                                                self.yielded = batch
                                                try:
                                                    yield batch
                                                except GeneratorExit:
                                                    self._left_loop(batch)
                                                    raise
                                                self.yielded = None
                                            session.batch_handled(batch)
                                        if session.state is not State.STREAMING:
                                            break
                                        deadline.reschedule(loop.time() + liveness)
                                    else:
                                        deadline.reschedule(None)
                                        self._deadline = None
                                        now = loop.time()
                                        await self.effects.apply(session.stream_ended(now=now))
                                except (asyncio.CancelledError, GeneratorExit):
                                    # Not the deadline's own cancellation: the task was
                                    # cancelled or the loop left. Acks of handled batches
                                    # still go out.
                                    if not deadline.expired():
                                        leaving = True
                                        session.stop()
                                    raise
                                finally:
                                    # Still connected: when stopping, acks go out first (the
                                    # service forgets a connection when its stream ends).
                                    self._deadline = None
                                    await self._closing(heartbeats, bounded=leaving)
                                    await body.aclose()
                    except TimeoutError:  # the deadline's: no headers, silence, or a wake()
                        now = loop.time()
                        if session.state is State.CONNECTING:
                            late = self._connect_timed_out()
                            await self.effects.apply(session.connection_failed(late, now=now))
                        elif session.state is State.STREAMING:
                            await self.effects.apply(session.liveness_expired(now=now))
                    except httpx.TransportError as err:
                        failure = transport_error(err, "GET", self._stream_url())
                        await self.effects.apply(
                            session.connection_failed(failure, now=loop.time())
                        )
                    except EventStreamerSDKError as err:
                        await self.effects.apply(session.connection_failed(err, now=loop.time()))
                    finally:
                        self._deadline = None
                        session.connection_closed()
                    if self.effects.posted:
                        await self.effects.apply_posted()
                    step = session.next_step()
                elif isinstance(step, Reconnect):
                    step = await self._backoff(step)
                elif isinstance(step, Fail):
                    raise step.error
                else:
                    break  # Finish
        finally:
            try:
                await self._wind_down()
            finally:
                self.active, self.runner, self.keep = False, None, None
                self.ended.set()

    def _stream_url(self) -> str:
        return f"{self.control.service_url}/subscriptions/{self.session.subscription_id}/stream"

    def _next_url(self, previous: str) -> str:
        url = self.urls.next()
        if url != previous:
            logger.info(
                "subscription %d: reconnecting to %s (was %s)",
                self.session.subscription_id,
                url,
                previous,
            )
        return url

    async def _opened(self, response: httpx.Response) -> asyncio.Task[None] | None:
        """The connection is up: tell the session; start its heartbeats (None: not wanted)."""
        session = self.session
        await self.effects.apply(session.connection_opened(response.headers.get("x-connection-id")))
        if session.state is not State.STREAMING:
            return None
        self.connected.set()
        if session.pending_acks:
            self.effects.wake_acks()  # acks held for a dead connection can go out now
        return asyncio.create_task(self.effects.heartbeats(), name="stream-heartbeats")

    def _connect_timeout(self) -> float:
        """How long to wait for the response headers: the facade's timeout, else liveness."""
        return self.control.timeout.read or self.session.liveness_timeout

    def _connect_timed_out(self) -> EventStreamerTimeoutError:
        seconds = self._connect_timeout()
        message = f"no response to GET {self._stream_url()} within {seconds:g}s"
        return EventStreamerTimeoutError(message)

    async def _closing(self, heartbeats: asyncio.Task[None] | None, *, bounded: bool) -> None:
        """Before the response closes: stop heartbeats; when stopping, flush acks first (the
        service forgets a connection when its stream ends). ``bounded``: the run is being
        cancelled or closed, so the flush runs in a task of its own, for a few seconds at most."""
        if heartbeats is not None:
            heartbeats.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeats
        await self.effects.cancel_later()
        if self.session.state is State.STOPPING and self.session.connection_id is not None:
            await self.effects.stop_acks()
            await self.effects.flush(within=_LEAVING_FLUSH_SECONDS if bounded else None)

    async def _handler_failed(self, batch: Delivered, error: Exception) -> None:
        logger.warning("handler failed on batch %s: %r", batch.batch_id, error)
        now = asyncio.get_running_loop().time()
        await self.effects.apply(self.session.batch_failed(batch, error, now=now))

    async def _other(self, event: Action) -> None:
        if isinstance(event, HeartbeatReceived):
            await self.handlers.heartbeat(event.heartbeat)
        elif isinstance(event, Report):
            await self.effects.report(event.error)
        elif isinstance(event, CheckCompletion):
            await self.effects.check_completion(event)

    async def _backoff(self, step: Reconnect) -> Action | None:
        """Wait out a Reconnect (stop and resume cut it short); the step that follows."""
        session = self.session
        self._nudge.clear()
        latest = session.next_step()  # a resume may have changed it meanwhile
        if latest is not step:
            return latest
        if step.delay > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(step.delay):
                    await self._nudge.wait()
        if session.state is State.BACKOFF:
            return session.backoff_elapsed()
        return session.next_step()

    def _left_loop(self, batch: Delivered) -> None:
        """``break`` (or an exception) in the async-for body, without ``async with``."""
        self.yielded = None
        if self.session.in_dispatch is batch:
            if self.keep is batch:  # stop_streaming() was called in the body
                self.session.batch_handled(batch)
            else:
                self.session.batch_abandoned(batch)  # not handled: it is redelivered
        self.session.stop()

    async def wait_ended(self, seconds: float) -> None:
        """Wait (at most ``seconds``) for a run going on in another task to wind down."""
        if self.active:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await self.ended.wait()

    def mark_yielded_handled(self) -> None:
        """``async with`` left normally: the batch in the body counts as handled."""
        batch, self.yielded = self.yielded, None
        if batch is not None and self.session.in_dispatch is batch:
            self.session.batch_handled(batch)

    async def _wind_down(self) -> None:
        session = self.session
        self.yielded = None
        await self.effects.stop_acks()
        # The stream's own HTTP client goes with the run (a later run opens a new one): a loop
        # left with break, never stopped or disconnected, leaves nothing open behind it.
        await self.release()
        session.stop()  # a no-op unless cancelled mid-run
        if session.state is State.STOPPING:
            final = session.stopped()
            if final is State.COMPLETED:
                logger.info("subscription %d completed: stream finished", session.subscription_id)
                await self.handlers.completed()
