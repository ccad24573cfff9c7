"""StreamingClient: an NDJSON event stream with handlers, auto-ack, heartbeats and reconnects.

Everything goes through one generator, ``_stream()``: it connects (resuming from the current
token), reads bytes, frames lines, parses messages, runs the handlers for each batch in order,
yields the batch (to ``async for`` users), and only then counts it as handled: the resume token
advances and, with auto-acknowledge, the batch id is queued for the next bulk ack. Any drop the
user did not ask for reconnects with exponential backoff and full jitter. A handler failure means
no ack, an ``on_error`` (HANDLER_ERROR) and a reconnect from the last handled batch, so the
service redelivers it; after ``max_handler_attempts`` it is surfaced as PoisonBatchError.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import inspect
import logging
import random
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from ._errors import raise_for_status, transport_error
from ._messages import (
    EventBatch,
    Heartbeat,
    StreamingError,
    StreamStats,
    UnknownMessage,
    parse_line,
)
from ._ndjson import DEFAULT_MAX_LINE_BYTES, LineDecoder
from .exceptions import (
    EventStreamerAuthError,
    EventStreamerConnectionError,
    EventStreamerNotFoundError,
    EventStreamerProtocolError,
    EventStreamerRateLimitError,
    EventStreamerSDKError,
    EventStreamerTimeoutError,
    EventStreamerValidationError,
    FieldError,
    PoisonBatchError,
)
from .models import (
    BatchAckResponse,
    BulkBatchAckResponse,
    ClientHeartbeatResponse,
    ProcessingStatusResponse,
)

if TYPE_CHECKING:
    from ._client import EventStreamer

__all__ = ["StreamingClient"]

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
_CURRENT_BATCH: contextvars.ContextVar[EventBatch | None] = contextvars.ContextVar(
    "event_streamer_current_batch", default=None
)
_MAX_ACK_RETRIES = 3


class _Reconnect(Exception):
    """Internal: drop this connection and open a new one (reason in the message)."""

    def __init__(
        self, code: str, message: str, *, backoff: bool = True, reported: bool = False
    ) -> None:
        super().__init__(message)
        self.code = code
        self.backoff = backoff
        self.reported = reported  # on_error was already told


def _default_transport() -> httpx.AsyncBaseTransport:
    """The fastest transport httpx can use for long streams (aiohttp), measured in make bench."""
    try:
        from httpx_aiohttp import AiohttpTransport
        from httpx_aiohttp.transport import AiohttpResponseStream, map_aiohttp_exceptions
    except ImportError:  # pragma: no cover - a declared dependency; keep the SDK usable anyway
        return httpx.AsyncHTTPTransport()

    class _WholeChunks(AiohttpResponseStream):
        # Yield whatever aiohttp has buffered (iter_any) instead of fixed 16 KiB reads: a batch
        # line is tens of KiB, and every read costs a trip through httpx and our framing.
        async def __aiter__(self) -> AsyncIterator[bytes]:
            with map_aiohttp_exceptions():
                async for chunk in self._aiohttp_response.content.iter_any():
                    yield chunk

    class _StreamTransport(AiohttpTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response: httpx.Response = await super().handle_async_request(request)
            if isinstance(response.stream, AiohttpResponseStream):
                response.stream = _WholeChunks(response.stream._aiohttp_response)
            return response

    transport: httpx.AsyncBaseTransport = _StreamTransport()
    return transport


async def _call(handler: Callable[..., Any], *args: Any) -> None:
    result = handler(*args)
    if result is not None and inspect.isawaitable(result):  # sync handlers return None
        await result


class StreamingClient:
    """Receives a subscription's events. Create it with
    :meth:`EventStreamer.create_streaming_client`; use decorators and
    :meth:`start_streaming`, or ``async for batch in streaming_client``."""

    def __init__(
        self,
        client: EventStreamer,
        subscription_id: int,
        *,
        resume_token: str | None = None,
        client_metadata: dict[str, Any] | None = None,
        auto_acknowledge: bool = True,
        batch_ack_interval: float = 3.0,
        heartbeat_interval: float = 30.0,
        server_heartbeat_interval: float = 30.0,
        liveness_timeout: float | None = None,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        reconnect: bool = True,
        max_reconnect_attempts: int | None = None,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
        max_handler_attempts: int = 5,
        stream_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        def positive(name: str, value: float | None, *, allow_none: bool = False) -> None:
            if value is None and allow_none:
                return
            if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
                raise EventStreamerValidationError(
                    f"invalid {name}: must be > 0, got {value!r}",
                    field_errors=[FieldError(name, "must be > 0")],
                )

        if (
            not isinstance(subscription_id, int)
            or isinstance(subscription_id, bool)
            or subscription_id < 1
        ):
            raise EventStreamerValidationError(
                f"invalid subscription_id: {subscription_id!r}",
                field_errors=[FieldError("subscription_id", "must be an integer >= 1")],
            )
        if resume_token is not None and (
            not isinstance(resume_token, str) or not resume_token.startswith("rt_")
        ):
            raise EventStreamerValidationError(
                f"invalid resume_token: {resume_token!r}",
                field_errors=[FieldError("resume_token", "must be a token (rt_...) from a batch")],
            )
        positive("batch_ack_interval", batch_ack_interval)
        positive("heartbeat_interval", heartbeat_interval)
        positive("server_heartbeat_interval", server_heartbeat_interval)
        positive("liveness_timeout", liveness_timeout, allow_none=True)
        positive("max_line_bytes", max_line_bytes)
        positive("backoff_initial", backoff_initial)
        positive("backoff_max", backoff_max)
        positive("max_handler_attempts", max_handler_attempts)
        positive("max_reconnect_attempts", max_reconnect_attempts, allow_none=True)

        self._client = client
        self.subscription_id = subscription_id
        self.client_metadata = dict(client_metadata or {})
        self.auto_acknowledge = auto_acknowledge
        self.batch_ack_interval = float(batch_ack_interval)
        self.heartbeat_interval = float(heartbeat_interval)
        self.liveness_timeout = float(liveness_timeout or 2 * server_heartbeat_interval + 1.0)
        self.max_line_bytes = int(max_line_bytes)
        self.reconnect = reconnect
        self.max_reconnect_attempts = max_reconnect_attempts
        self.backoff_initial = float(backoff_initial)
        self.backoff_max = float(backoff_max)
        self.max_handler_attempts = int(max_handler_attempts)
        self.stats = StreamStats()

        self._start_token = resume_token  # where the first connection resumes
        self._token: str | None = resume_token  # after the last fully handled batch
        self._event_handlers: dict[str, list[Callable[..., Any]]] = {}
        self._all_handlers: list[Callable[..., Any]] = []
        self._heartbeat_handlers: list[Callable[..., Any]] = []
        self._error_handlers: list[Callable[..., Any]] = []
        self._ack_queue: dict[str, int] = {}  # batch id -> failed attempts
        self._ack_wake = asyncio.Event()
        self._ack_lock = asyncio.Lock()  # one flush at a time: no id is sent twice
        self._attempts: dict[str, int] = {}
        self._connection_id: str | None = None
        self._connected = asyncio.Event()
        self._stopping = False
        self._restart = asyncio.Event()
        self._fatal: BaseException | None = None
        self._deadline: asyncio.Timeout | None = None  # the reader's, while it waits on I/O
        self._interrupt: tuple[str, str] | None = None  # (code, why) to reconnect now
        self._in_hand: EventBatch | None = None  # yielded to async-for, body not finished
        self._yield_batches = True  # False in background mode: nobody consumes the yields
        self._failures = 0  # consecutive failed connections (for backoff)
        self._dispatching = False  # a batch is between "received" and "handled"
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._ack_task: asyncio.Task[None] | None = None
        self._gen: AsyncGenerator[EventBatch, None] | None = None
        self._http = httpx.AsyncClient(
            base_url=client.service_url,
            headers=dict(client.http_client.headers),
            timeout=httpx.Timeout(client.timeout.connect or 30.0, read=None),
            transport=stream_transport or _default_transport(),
        )

    # -- handlers -------------------------------------------------------------------------------
    def on_event(self, event_name: str) -> Callable[[F], F]:
        """Decorator: ``handler(events)`` gets the list of ``event_name`` events of each batch."""
        if not isinstance(event_name, str) or not event_name:
            raise EventStreamerValidationError(
                "on_event needs an event name", field_errors=[FieldError("event_name", "required")]
            )

        def register(handler: F) -> F:
            self._event_handlers.setdefault(event_name, []).append(handler)
            return handler

        return register

    def on_all_events(self, handler: F) -> F:
        """Decorator: ``handler(events_by_name)`` gets every batch's ``{name: [events]}``."""
        self._all_handlers.append(handler)
        return handler

    def on_heartbeat(self, handler: F) -> F:
        """Decorator: ``handler(heartbeat)`` on each server heartbeat."""
        self._heartbeat_handlers.append(handler)
        return handler

    def on_error(self, handler: F) -> F:
        """Decorator: ``handler(error)`` gets a StreamingError (server-sent or client-side)."""
        self._error_handlers.append(handler)
        return handler

    # -- state ----------------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        if self._task is not None:
            return not self._task.done()
        return self._gen is not None and not self._stopping

    @property
    def connection_id(self) -> str | None:
        return self._connection_id

    @property
    def current_batch(self) -> EventBatch | None:
        """The batch whose handlers are running (inside a handler), else None."""
        return _CURRENT_BATCH.get()

    @property
    def error(self) -> BaseException | None:
        """The error that stopped the stream, if one did."""
        return self._fatal

    def get_current_resume_token(self) -> str | None:
        """Token after the last batch whose handlers all finished (never one merely received)."""
        return self._token

    # -- lifecycle ------------------------------------------------------------------------------
    async def connect(self) -> None:
        """Check the subscription is there and reachable (typed errors otherwise)."""
        await self._client.get_subscription(self.subscription_id)

    async def start_streaming(self) -> None:
        """Stream in the background; returns once connected (or raises what prevented it)."""
        if self._task is not None and not self._task.done():
            return
        if self._gen is not None:
            raise EventStreamerSDKError("this client is being iterated with async for")
        self._stopping = False
        self._fatal = None
        self._connected.clear()
        self._task = asyncio.create_task(self._drain(), name=f"stream-{self.subscription_id}")
        waiter = asyncio.ensure_future(self._connected.wait())
        await asyncio.wait({waiter, self._task}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if self._task.done() and self._task.exception() is not None:
            raise self._task.exception()  # type: ignore[misc]

    async def _drain(self) -> None:
        self._yield_batches = False
        gen = self._stream()
        try:
            async for _ in gen:
                pass
        finally:
            await gen.aclose()

    async def wait(self) -> None:
        """Wait until streaming stops; raise the error that stopped it, if any."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def stop_streaming(self) -> None:
        """Stop reading, flush pending acknowledgements, stop background tasks."""
        self._stopping = True
        self._restart.set()
        if self._task is not None and not self._task.done():
            if self._dispatching:  # let the batch in hand finish and be acknowledged
                await self._idle.wait()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._gen is not None:
            gen, self._gen = self._gen, None
            await gen.aclose()
        await self._stop_ack_loop()

    async def disconnect(self) -> None:
        """Stop streaming and release the HTTP resources. Idempotent."""
        await self.stop_streaming()
        await self._http.aclose()

    async def resume(self, resume_token: str) -> None:
        """Continue from ``resume_token``: now if streaming (reconnects), else at the next start."""
        if not isinstance(resume_token, str) or not resume_token.startswith("rt_"):
            raise EventStreamerValidationError(
                f"invalid resume_token: {resume_token!r}",
                field_errors=[FieldError("resume_token", "must be a token (rt_...) from a batch")],
            )
        self._start_token = self._token = resume_token
        self._restart.set()
        self._wake_reader("RESUMED", "reconnecting from a new resume token")

    def _wake_reader(self, code: str, why: str) -> None:
        """Make a reader that is waiting for bytes give up now and reconnect."""
        self._interrupt = (code, why)
        deadline = self._deadline
        if deadline is not None and deadline.when() is not None:
            deadline.reschedule(asyncio.get_running_loop().time())

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Leaving the block normally (a `break` included) finishes the batch in hand; leaving
        # with an exception does not, so that batch is redelivered.
        if exc_type is None and self._in_hand is not None:
            batch, self._in_hand = self._in_hand, None
            self._handled(batch)
        await self.disconnect()

    def __aiter__(self) -> AsyncGenerator[EventBatch, None]:
        if self._task is not None and not self._task.done():
            raise EventStreamerSDKError("this client is already streaming in the background")
        self._stopping = False
        self._yield_batches = True
        self._gen = self._stream()
        return self._gen

    # -- service calls --------------------------------------------------------------------------
    async def check_processing_status(self) -> ProcessingStatusResponse:
        """Whether the service is processing this subscription, and by how many streams."""
        return await self._client.get_processing_status(self.subscription_id)

    async def send_heartbeat(self) -> ClientHeartbeatResponse:
        """Tell the service this consumer is alive (done automatically while streaming)."""
        return await self._client._send_client_heartbeat(self._require_connection(), 0)

    async def acknowledge_batch(self, batch_id: str) -> BatchAckResponse:
        """Acknowledge one batch now (manual acknowledgement)."""
        result = await self._client._acknowledge_batch(
            self.subscription_id, self._require_connection(), batch_id
        )
        self.stats.acks_sent += 1
        return result

    async def acknowledge_batch_bulk(self, batch_ids: list[str]) -> BulkBatchAckResponse:
        """Acknowledge many batches now; unknown ids come back in ``failed_batch_ids``."""
        result = await self._client._acknowledge_batch_bulk(
            self.subscription_id, self._require_connection(), list(batch_ids)
        )
        self.stats.acks_sent += result.acknowledged_batches
        self.stats.acks_failed += result.failed_batches
        return result

    def _require_connection(self) -> str:
        if self._connection_id is None:
            raise EventStreamerConnectionError("not connected: start streaming first")
        return self._connection_id

    # -- the one generator ----------------------------------------------------------------------
    async def _stream(self) -> AsyncGenerator[EventBatch, None]:
        self._failures = 0
        self._ensure_ack_loop()
        try:
            while not self._stopping:
                try:
                    # aclosing: a break or stop closes the inner generators at once, so
                    # their finally blocks (ack flush, response close) run before we return.
                    async with contextlib.aclosing(self._one_connection()) as batches:
                        async for batch in batches:  # only in async-for mode
                            yield batch
                    raise _Reconnect("CONNECTION_LOST", "the service closed the stream")
                except _Reconnect as why:
                    self._set_idle()
                    if self._stopping:
                        break
                    self._failures += 1 if why.backoff else 0
                    if not why.reported:
                        await self._report(StreamingError(why.code, str(why), recoverable=True))
                except (
                    EventStreamerAuthError,
                    EventStreamerNotFoundError,
                    EventStreamerValidationError,  # e.g. a rejected resume token
                    PoisonBatchError,
                ) as err:
                    await self._fail(err)
                    raise
                except (EventStreamerConnectionError, EventStreamerTimeoutError) as err:
                    self._failures += 1
                    await self._report(StreamingError("CONNECTION_LOST", str(err), exception=err))
                    if isinstance(err, EventStreamerRateLimitError) and err.retry_after:
                        await self._pause(err.retry_after)
                        continue
                except EventStreamerProtocolError as err:
                    self._failures += 1
                    self.stats.protocol_errors += 1
                    await self._report(StreamingError("PROTOCOL_ERROR", str(err), exception=err))
                if not self.reconnect:
                    await self._fail(EventStreamerConnectionError("stream ended; reconnect is off"))
                    return
                if (
                    self.max_reconnect_attempts is not None
                    and self._failures > self.max_reconnect_attempts
                ):
                    gave_up = EventStreamerConnectionError(
                        f"gave up after {self.max_reconnect_attempts} reconnect attempts"
                    )
                    await self._fail(gave_up)
                    raise gave_up
                self.stats.reconnects += 1
                if self._failures:
                    ceiling = min(
                        self.backoff_max, self.backoff_initial * 2 ** (self._failures - 1)
                    )
                    await self._pause(random.uniform(0, ceiling))
        finally:
            self._set_idle()
            self._connection_id = None

    def _set_idle(self) -> None:
        self._dispatching = False
        self._idle.set()

    async def _one_connection(self) -> AsyncGenerator[EventBatch, None]:
        """Open one stream and yield its batches after their handlers ran."""
        # Auto-ack resumes after the last handled batch. Manual ack resumes from the caller's
        # token only, so batches handled but not yet acknowledged come back.
        token = self._token if self.auto_acknowledge else self._start_token
        params = {"resume_token": token} if token else {}
        url = f"/subscriptions/{self.subscription_id}/stream"
        self._restart.clear()
        try:
            async with self._http.stream(
                "GET", url, params=params, headers={"Accept": "application/x-ndjson"}
            ) as response:
                if response.status_code != 200:
                    await response.aread()
                    raise_for_status(
                        response.status_code,
                        response.content,
                        response.headers,
                        method="GET",
                        url=str(response.request.url),
                        resource="subscription",
                    )
                self._connection_id = response.headers.get("x-connection-id")
                self._connected.set()
                if self._ack_queue:
                    self._ack_wake.set()  # acks held for a dead connection can go out now
                heartbeats = asyncio.create_task(self._heartbeats(self._connection_id))
                try:
                    async with contextlib.aclosing(self._read(response)) as batches:
                        async for batch in batches:
                            yield batch
                finally:
                    heartbeats.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await heartbeats
                    if self._stopping:
                        # The service forgets a connection when its stream ends: ack first.
                        await self._flush_acks()
        except httpx.TransportError as err:
            raise transport_error(err, "GET", f"{self._client.service_url}{url}") from err

    async def _read(self, response: httpx.Response) -> AsyncGenerator[EventBatch, None]:
        decoder = LineDecoder(self.max_line_bytes)
        loop = asyncio.get_running_loop()
        restart = self._restart
        # Liveness: nothing at all (batch or heartbeat) within liveness_timeout -> dead.
        # The deadline is suspended while handlers or the consumer run, so slow handlers
        # never look like a dead connection.
        self._interrupt = None
        try:
            async with asyncio.timeout(None) as deadline:
                self._deadline = deadline
                try:
                    deadline.reschedule(loop.time() + self.liveness_timeout)
                    async for chunk in response.aiter_bytes():
                        # The deadline runs only while we wait for bytes: handlers and the
                        # async-for body never count against liveness.
                        deadline.reschedule(None)
                        if restart.is_set():
                            code, why = self._interrupt or ("RESUMED", "reconnecting as asked")
                            raise _Reconnect(code, why, backoff=False)
                        for line in decoder.feed(chunk):
                            message = parse_line(line)
                            if type(message) is EventBatch:
                                self._dispatching = True
                                self._idle.clear()
                                await self._dispatch(message)
                                if self._yield_batches:  # the async-for body is a handler too
                                    self._in_hand = message
                                    yield message
                                    self._in_hand = None
                                self._handled(message)
                                self._set_idle()
                                if restart.is_set() or self._stopping:
                                    return
                            else:
                                await self._other(message)
                        decoder.raise_pending()
                        deadline.reschedule(loop.time() + self.liveness_timeout)
                    decoder.close()
                finally:
                    self._deadline = None
        except TimeoutError:  # raised by the deadline's __aexit__
            if self._interrupt is not None:
                code, why = self._interrupt
                raise _Reconnect(code, why, backoff=False) from None
            raise _Reconnect(
                "CONNECTION_LOST",
                f"no data for {self.liveness_timeout:g}s (heartbeats missing): reconnecting",
            ) from None

    async def _dispatch(self, batch: EventBatch) -> None:
        """Run the handlers for ``batch``; on failure, arrange its redelivery."""
        self.stats.batches += 1
        self.stats.events += batch.batch_size
        reset = _CURRENT_BATCH.set(batch)
        try:
            for name, events in batch.events.items():
                for handler in self._event_handlers.get(name, ()):
                    await _call(handler, events)
            for handler in self._all_handlers:
                await _call(handler, batch.events)
        except Exception as err:
            self.stats.handler_errors += 1
            attempts = self._attempts.get(batch.batch_id, 0) + 1
            self._attempts[batch.batch_id] = attempts
            message = f"handler failed on batch {batch.batch_id} (attempt {attempts}): {err!r}"
            logger.warning("%s", message)
            poisoned = attempts >= self.max_handler_attempts
            await self._report(
                StreamingError("HANDLER_ERROR", message, recoverable=not poisoned, exception=err)
            )
            if poisoned:
                raise PoisonBatchError(
                    f"batch {batch.batch_id} failed its handlers {attempts} times; stopping "
                    "(it was not acknowledged and will be redelivered)",
                    batch_id=batch.batch_id,
                    attempts=attempts,
                ) from err
            raise _Reconnect(
                "HANDLER_ERROR", "redelivering the failed batch", reported=True
            ) from err
        finally:
            _CURRENT_BATCH.reset(reset)

    def _handled(self, batch: EventBatch) -> None:
        """Every handler (and the async-for body) finished: advance the token, queue the ack."""
        self._failures = 0
        if self._attempts:
            self._attempts.pop(batch.batch_id, None)
        self._token = batch.resume_token
        last = batch.last_block
        if last is not None:
            self.stats.last_block = max(last, self.stats.last_block or 0)
        if self.auto_acknowledge:
            self._ack_queue.setdefault(batch.batch_id, 0)

    async def _other(
        self, message: Heartbeat | StreamingError | UnknownMessage | EventBatch
    ) -> None:
        if isinstance(message, Heartbeat):
            self.stats.heartbeats += 1
            for handler in self._heartbeat_handlers:
                await self._safely(handler, message)
        elif isinstance(message, StreamingError):
            self.stats.errors_received += 1
            await self._report(message)
        elif isinstance(message, UnknownMessage):
            self.stats.unknown_messages += 1
            logger.info("ignoring unknown stream message type %r", message.type)

    async def _report(self, error: StreamingError) -> None:
        if error.connection_id is None:
            error.connection_id = self._connection_id
        if error.subscription_id is None:
            error.subscription_id = self.subscription_id
        if error.timestamp is None:
            error.timestamp = datetime.now(UTC).isoformat()
        logger.info(
            "stream %d: %s: %s", self.subscription_id, error.error_code, error.error_message
        )
        for handler in self._error_handlers:
            await self._safely(handler, error)

    async def _safely(self, handler: Callable[..., Any], arg: Any) -> None:
        """Heartbeat and error handlers must not break the stream."""
        try:
            await _call(handler, arg)
        except Exception:
            logger.exception("on_error/on_heartbeat handler raised")

    async def _fail(self, err: BaseException) -> None:
        self._fatal = err
        code = {
            EventStreamerAuthError: "AUTH_ERROR",
            PoisonBatchError: "POISON_BATCH",
        }.get(type(err), "SUBSCRIPTION_ERROR")
        if isinstance(err, EventStreamerNotFoundError):
            code = "SUBSCRIPTION_NOT_FOUND"
        await self._report(StreamingError(code, str(err), recoverable=False, exception=err))

    async def _pause(self, seconds: float) -> None:
        """Back off, waking early on stop or resume."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._restart.wait()

    # -- background helpers ---------------------------------------------------------------------
    async def _heartbeats(self, connection_id: str | None) -> None:
        if connection_id is None:
            return
        sequence = 0
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            sequence += 1
            try:
                await self._client._send_client_heartbeat(connection_id, sequence)
                self.stats.client_heartbeats += 1
            except EventStreamerNotFoundError:
                logger.info("service dropped connection %s: reconnecting", connection_id)
                self._restart.set()
                self._wake_reader(
                    "CONNECTION_LOST", f"the service no longer knows connection {connection_id}"
                )
                return
            except EventStreamerSDKError as err:
                logger.debug("client heartbeat failed: %s", err)

    def _ensure_ack_loop(self) -> None:
        if self._ack_task is None or self._ack_task.done():
            self._ack_task = asyncio.create_task(self._ack_loop(), name="stream-acks")

    async def _ack_loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.batch_ack_interval):
                    await self._ack_wake.wait()
            self._ack_wake.clear()
            await self._flush_acks()

    async def _flush_acks(self) -> None:
        """Send queued acks in bulk; keep them on failure (retry), drop after repeated rejects."""
        async with self._ack_lock:
            await self._flush_acks_locked()

    async def _flush_acks_locked(self) -> None:
        while self._ack_queue and self._connection_id is not None:
            ids = list(self._ack_queue)[:1000]
            try:
                result = await self._client._acknowledge_batch_bulk(
                    self.subscription_id, self._connection_id, ids
                )
            except EventStreamerNotFoundError:
                return  # connection gone: the next connection sends them
            except EventStreamerSDKError as err:
                self.stats.acks_failed += len(ids)
                logger.warning("bulk ack of %d batches failed (will retry): %s", len(ids), err)
                return
            failed = set(result.failed_batch_ids)
            for batch_id in ids:
                if batch_id not in failed:
                    self._ack_queue.pop(batch_id, None)
                    continue
                self._ack_queue[batch_id] += 1
                if self._ack_queue[batch_id] >= _MAX_ACK_RETRIES:
                    self._ack_queue.pop(batch_id)
                    logger.warning("service keeps rejecting the ack of %s; dropping it", batch_id)
            self.stats.acks_sent += result.acknowledged_batches
            self.stats.acks_failed += result.failed_batches
            if failed:
                return

    async def _stop_ack_loop(self) -> None:
        if self._ack_task is not None:
            self._ack_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ack_task
            self._ack_task = None
        await self._flush_acks()
