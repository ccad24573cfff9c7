"""StreamSession: the stream's protocol state as a pure machine (no I/O, no clock, no sleep).

Inputs are method calls (bytes received, handler outcome, ack answer, timers firing, stop,
resume, connection opened or lost); outputs are the actions of :mod:`._actions`. The driver
does the I/O and reports back. What happens after a connection (reconnect after a delay, fail,
finish) is decided by the input that ended it and read with :meth:`StreamSession.next_step`.
Any input that makes no sense in the current state raises :class:`StreamStateError`.
"""

from __future__ import annotations

import collections
import logging
from itertools import islice

from .._messages import EventBatch, Heartbeat, StreamingError, StreamStats, parse_line
from .._ndjson import DEFAULT_MAX_LINE_BYTES, LineDecoder
from .._retry import RetryPolicy
from ..exceptions import (
    EventStreamerAuthError,
    EventStreamerConnectionError,
    EventStreamerNotFoundError,
    EventStreamerProtocolError,
    EventStreamerRateLimitError,
    EventStreamerValidationError,
    PoisonBatchError,
)
from ._actions import (
    RUNNING,
    Action,
    CheckCompletion,
    Connect,
    Dispatch,
    Fail,
    Finish,
    FlushAcks,
    HeartbeatReceived,
    Reconnect,
    Report,
    SendHeartbeat,
    State,
    StreamStateError,
)

__all__ = ["StreamSession"]

logger = logging.getLogger(__name__)

_STARTABLE = frozenset({State.IDLE, State.STOPPED, State.FAILED, State.COMPLETED})
_FATAL = (EventStreamerAuthError, EventStreamerNotFoundError, EventStreamerValidationError)
_MAX_ACK_IDS = 1000  # the bulk endpoint's limit


class StreamSession:
    """Everything a stream knows: state, resume token, ack queue, failure counts, stats."""

    def __init__(
        self,
        subscription_id: int,
        *,
        resume_token: str | None = None,
        auto_acknowledge: bool = True,
        reconnect: bool = True,
        retry: RetryPolicy | None = None,
        reconnect_attempts: int | None = None,
        reconnect_deadline: float | None = None,
        max_handler_attempts: int = 5,
        max_ack_retries: int = 3,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        liveness_timeout: float = 61.0,
    ) -> None:
        self.subscription_id = subscription_id
        self.auto_acknowledge = auto_acknowledge
        self.reconnect = reconnect
        self.retry = retry or RetryPolicy(backoff_base=1.0, backoff_cap=30.0)
        self.reconnect_attempts = reconnect_attempts
        self.reconnect_deadline = reconnect_deadline
        self.max_handler_attempts = max_handler_attempts
        self.max_ack_retries = max_ack_retries
        self.max_line_bytes = max_line_bytes
        self.liveness_timeout = liveness_timeout
        self.stats = StreamStats()
        self._state = State.IDLE
        self._start_token = resume_token  # where a manual-ack stream resumes
        self._token = resume_token  # after the last fully handled batch
        self._connection_id: str | None = None
        self._error: BaseException | None = None
        self._next: Action | None = None  # what follows the connection that is ending
        self._outcome = State.STOPPED  # the state STOPPING settles into
        self._decoder = LineDecoder(max_line_bytes)
        self._lines: list[memoryview] = []
        self._index = 0
        self._out: collections.deque[Action] = collections.deque()
        self._in_dispatch: EventBatch | None = None
        self._attempts: dict[str, int] = {}  # batch id -> failed handler runs
        self._acks: dict[str, int] = {}  # batch id -> rejected sends (insertion = order)
        self._acks_in_flight = False
        self._checking = False  # a CheckCompletion is out
        self._bounded: bool | None = None  # has an end_block (None: not known yet)
        self._failures = 0  # consecutive failed connections (backoff, attempt bound)
        self._first_failure: float | None = None  # when the current run of failures began
        self._heartbeat_seq = 0

    # -- read-only view -------------------------------------------------------------------------
    @property
    def state(self) -> State:
        return self._state

    @property
    def is_running(self) -> bool:
        return self._state in RUNNING

    @property
    def connection_id(self) -> str | None:
        return self._connection_id

    @property
    def resume_token(self) -> str | None:
        """Token after the last batch whose handlers all finished."""
        return self._token

    @property
    def error(self) -> BaseException | None:
        return self._error

    @property
    def pending_acks(self) -> tuple[str, ...]:
        return tuple(self._acks)

    @property
    def in_dispatch(self) -> EventBatch | None:
        return self._in_dispatch

    def next_step(self) -> Action | None:
        """After a connection: Connect, Reconnect(delay), Fail or Finish (None while streaming)."""
        return self._next

    def _require(self, *states: State) -> None:
        if self._state not in states:
            wanted = ", ".join(s.value for s in states)
            raise StreamStateError(f"illegal in state {self._state.value} (needs {wanted})")

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> Connect:
        """IDLE/STOPPED/FAILED/COMPLETED -> CONNECTING."""
        if self._state not in _STARTABLE:
            raise StreamStateError(f"cannot start: the stream is {self._state.value}")
        self._error = None
        self._failures, self._first_failure = 0, None
        self._in_dispatch = None
        self._attempts.clear()
        self._bounded, self._checking = None, False
        return self._connect()

    def _connect(self) -> Connect:
        self._state = State.CONNECTING
        # Auto-ack resumes after the last handled batch. Manual ack resumes from the caller's
        # token only, so batches handled but not yet acknowledged come back.
        action = Connect(self._token if self.auto_acknowledge else self._start_token)
        self._next = None
        return action

    def connection_opened(self, connection_id: str | None) -> list[Action]:
        """CONNECTING -> STREAMING. Acks held for a dead connection can go out on this one
        (``acks_due`` returns them)."""
        self._require(State.CONNECTING, State.BACKOFF, State.STOPPING)
        if self._state is not State.CONNECTING:
            return []  # stopped or resumed meanwhile: the driver closes this connection
        self._state = State.STREAMING
        self._connection_id = connection_id
        self._decoder = LineDecoder(self.max_line_bytes)
        self._lines, self._index = [], 0
        self._out.clear()
        self._heartbeat_seq = 0
        return []

    def connection_closed(self) -> None:
        """The driver closed the connection (whatever the reason)."""
        self._connection_id = None
        self._lines, self._index = [], 0

    def backoff_elapsed(self) -> Connect:
        """BACKOFF -> CONNECTING."""
        self._require(State.BACKOFF)
        return self._connect()

    def stop(self) -> bool:
        """Running -> STOPPING; False (nothing to do) when not running."""
        if self._state in (State.CONNECTING, State.STREAMING, State.BACKOFF):
            self._settle(State.STOPPED, Finish(completed=False))
        return self._state is State.STOPPING

    def stopped(self) -> State:
        """STOPPING -> STOPPED, FAILED or COMPLETED, once the driver has cleaned up."""
        self._require(State.STOPPING)
        self._state = self._outcome
        self._connection_id = None
        self._in_dispatch = None
        return self._state

    def resume(self, resume_token: str) -> list[Action]:
        """Continue from ``resume_token``: reconnect now if running, else at the next start."""
        self._start_token = self._token = resume_token
        if self._state in (State.CONNECTING, State.STREAMING, State.BACKOFF):
            why = "reconnecting from a new resume token"
            return self._lose("RESUMED", why, now=0.0, penalty=False, asked=True)
        return []

    def _settle(self, outcome: State, step: Action) -> None:
        self._state, self._outcome, self._next = State.STOPPING, outcome, step

    # -- received data --------------------------------------------------------------------------
    def receive_data(self, chunk: bytes) -> None:
        """Bytes from the stream; read the messages with :meth:`next_event`."""
        self._require(State.STREAMING)
        if self._index < len(self._lines) or self._in_dispatch is not None:
            raise StreamStateError("receive_data before the previous chunk was consumed")
        self._lines, self._index = self._decoder.feed(chunk), 0

    def next_event(self) -> Dispatch | HeartbeatReceived | Report | CheckCompletion | None:
        """The next thing the received bytes ask for; None when more bytes are needed.

        Raises EventStreamerProtocolError on a bad line (pass it to ``connection_failed``).
        """
        if self._in_dispatch is not None:
            raise StreamStateError(f"batch {self._in_dispatch.batch_id} is still being handled")
        if self._out:
            return self._out.popleft()  # type: ignore[return-value]
        if self._state is not State.STREAMING:
            self._lines, self._index = [], 0  # the connection is over: the rest is moot
            return None
        lines = self._lines
        while self._index < len(lines):
            message = parse_line(lines[self._index])
            self._index += 1
            kind = type(message)
            if kind is EventBatch:
                self._in_dispatch = message  # type: ignore[assignment]
                self.stats.batches += 1
                self.stats.events += message.batch_size  # type: ignore[union-attr]
                return Dispatch(message)  # type: ignore[arg-type]
            if kind is Heartbeat:
                self.stats.heartbeats += 1
                self._failures, self._first_failure = 0, None
                check = self._completion_check()
                if check is not None:
                    self._out.append(check)
                return HeartbeatReceived(message)  # type: ignore[arg-type]
            if kind is StreamingError:
                self.stats.errors_received += 1
                return Report(self._stamp(message))  # type: ignore[arg-type]
            self.stats.unknown_messages += 1
            logger.info("ignoring unknown stream message type %r", message.type)  # type: ignore[union-attr]
        self._lines, self._index = [], 0
        self._decoder.raise_pending()
        return None

    def batch_handled(self, batch: EventBatch) -> None:
        """Every handler (and the async-for body) finished: advance the token, queue the ack."""
        self._end_dispatch(batch)
        self._failures, self._first_failure = 0, None
        if self._attempts:
            self._attempts.pop(batch.batch_id, None)
        self._token = batch.resume_token
        last = batch.last_block
        if last is not None:
            self.stats.last_block = max(last, self.stats.last_block or 0)
        if self.auto_acknowledge:
            self._acks.setdefault(batch.batch_id, 0)

    def batch_abandoned(self, batch: EventBatch) -> None:
        """The consumer left while holding ``batch``: it is not handled (it will be redelivered)."""
        self._end_dispatch(batch)

    def batch_failed(self, batch: EventBatch, error: BaseException, *, now: float) -> list[Action]:
        """A handler raised: redeliver from the last handled batch, or fail once poisoned."""
        self._end_dispatch(batch)
        self.stats.handler_errors += 1
        attempts = self._attempts.get(batch.batch_id, 0) + 1
        self._attempts[batch.batch_id] = attempts
        message = f"handler failed on batch {batch.batch_id} (attempt {attempts}): {error!r}"
        poisoned = attempts >= self.max_handler_attempts
        report = Report(self._error_message("HANDLER_ERROR", message, not poisoned, error))
        if self._state is not State.STREAMING:
            return [report]  # already stopping or reconnecting
        if poisoned:
            poison = PoisonBatchError(
                f"batch {batch.batch_id} failed its handlers {attempts} times; stopping "
                "(it was not acknowledged and will be redelivered)",
                batch_id=batch.batch_id,
                attempts=attempts,
            )
            poison.__cause__ = error
            return [report, *self._fail(poison, "POISON_BATCH")]
        return [report, *self._lose("HANDLER_ERROR", message, now=now, reported=True)]

    def _end_dispatch(self, batch: EventBatch) -> None:
        if self._in_dispatch is not batch:
            raise StreamStateError(f"batch {batch.batch_id} is not the one being handled")
        self._in_dispatch = None

    # -- connection ends ------------------------------------------------------------------------
    def connection_failed(self, error: BaseException, *, now: float) -> list[Action]:
        """The connection could not open, or broke (transport, HTTP status or protocol error)."""
        if self._state not in (State.CONNECTING, State.STREAMING):
            return []  # the connection was already given up (stop, resume, liveness)
        if isinstance(error, _FATAL):
            code = "SUBSCRIPTION_ERROR"
            if isinstance(error, EventStreamerAuthError):
                code = "AUTH_ERROR"
            elif isinstance(error, EventStreamerNotFoundError):
                code = "SUBSCRIPTION_NOT_FOUND"
            return self._fail(error, code)
        code, retry_after = "CONNECTION_LOST", None
        if isinstance(error, EventStreamerProtocolError):
            code = "PROTOCOL_ERROR"
            self.stats.protocol_errors += 1
        elif isinstance(error, EventStreamerRateLimitError):
            retry_after = error.retry_after
        return self._lose(code, str(error), now=now, error=error, retry_after=retry_after)

    def stream_ended(self, *, now: float) -> list[Action]:
        """Clean end of the response body. A partial last line raises TruncatedLineError."""
        if self._state is not State.STREAMING:
            return []
        self._decoder.close()
        if not self.reconnect:
            self._settle(State.STOPPED, Finish(completed=False))
            return []
        return self._lose("CONNECTION_LOST", "the service closed the stream", now=now)

    def liveness_expired(self, *, now: float) -> list[Action]:
        """Nothing at all (batch or heartbeat) arrived within the liveness timeout."""
        self._require(State.STREAMING)
        message = f"no data for {self.liveness_timeout:g}s (heartbeats missing): reconnecting"
        return self._lose("CONNECTION_LOST", message, now=now)

    def connection_gone(self, connection_id: str, *, now: float) -> list[Action]:
        """The service no longer knows ``connection_id`` (a heartbeat or ack got 404)."""
        if self._state is not State.STREAMING or connection_id != self._connection_id:
            return []
        message = f"the service no longer knows connection {connection_id}"
        return self._lose("CONNECTION_LOST", message, now=now, penalty=False)

    def _lose(
        self,
        code: str,
        message: str,
        *,
        now: float,
        error: BaseException | None = None,
        retry_after: float | None = None,
        penalty: bool = True,
        reported: bool = False,
        asked: bool = False,
    ) -> list[Action]:
        """This connection is over; reconnect (after a backoff) or give up."""
        if not self.reconnect and not asked:
            fatal = error or EventStreamerConnectionError(f"{message} (reconnect is off)")
            return self._fail(fatal, code)
        if penalty:
            self._failures += 1
            if self._first_failure is None:
                self._first_failure = now
        actions: list[Action] = []
        if not reported:
            actions.append(Report(self._error_message(code, message, True, error)))
        limit = self.reconnect_attempts
        if limit is not None and self._failures > limit:
            gave_up = EventStreamerConnectionError(
                f"gave up after {limit} reconnect attempts: {message}"
            )
            gave_up.__cause__ = error
            return actions + self._fail(gave_up, "CONNECTION_LOST")
        deadline = self.reconnect_deadline
        first = self._first_failure
        if deadline is not None and first is not None and now - first >= deadline:
            gave_up = EventStreamerConnectionError(
                f"gave up after {deadline:g}s without a working connection: {message}"
            )
            gave_up.__cause__ = error
            return actions + self._fail(gave_up, "CONNECTION_LOST")
        if retry_after is not None:
            delay = retry_after
        else:
            delay = self.retry.backoff(self._failures - 1) if self._failures else 0.0
        self.stats.reconnects += 1
        self._state = State.BACKOFF
        self._next = Reconnect(delay, self._failures)
        return actions

    def _fail(self, error: BaseException, code: str) -> list[Action]:
        self._error = error
        self._settle(State.FAILED, Fail(error))
        return [Report(self._error_message(code, str(error), False, error))]

    # -- acknowledgements -----------------------------------------------------------------------
    def acks_due(self) -> FlushAcks | None:
        """The next bulk ack to send, if any can go now (one at a time, on a live connection)."""
        if self._acks_in_flight or not self._acks or self._connection_id is None:
            return None
        self._acks_in_flight = True
        return FlushAcks(self._connection_id, list(islice(self._acks, _MAX_ACK_IDS)))

    def acks_sent(
        self, batch_ids: list[str], *, failed_ids: list[str], acknowledged: int
    ) -> list[Action]:
        """The service answered: drop the acknowledged ids, retry rejected ones a few times."""
        self._acks_in_flight = False
        failed = set(failed_ids)
        for batch_id in batch_ids:
            if batch_id not in failed:
                self._acks.pop(batch_id, None)
            elif batch_id in self._acks:
                self._acks[batch_id] += 1
                if self._acks[batch_id] >= self.max_ack_retries:
                    del self._acks[batch_id]
                    logger.warning("service keeps rejecting the ack of %s; dropping it", batch_id)
        self.stats.acks_sent += acknowledged
        self.stats.acks_failed += len(failed)
        check = self._completion_check()
        return [check] if check is not None else []

    def acks_failed(self, batch_ids: list[str], *, gone: bool = False) -> None:
        """The bulk ack did not get through; the ids stay queued (for the next connection if
        ``gone``, the service having forgotten this one)."""
        self._acks_in_flight = False
        if not gone:
            self.stats.acks_failed += len(batch_ids)

    # -- timers ---------------------------------------------------------------------------------
    def heartbeat_due(self) -> SendHeartbeat | None:
        """The client-heartbeat timer fired."""
        if self._state is not State.STREAMING or self._connection_id is None:
            return None
        self._heartbeat_seq += 1
        return SendHeartbeat(self._connection_id, self._heartbeat_seq)

    def heartbeat_sent(self) -> None:
        self.stats.client_heartbeats += 1

    # -- completion of bounded subscriptions ----------------------------------------------------
    def _completion_check(self) -> CheckCompletion | None:
        # Only when idle: nothing queued to ack, nothing being handled, no check already out.
        if self._checking or self._bounded is False or self._acks:
            return None
        if self._in_dispatch is not None or self._state is not State.STREAMING:
            return None
        self._checking = True
        return CheckCompletion(need_bounds=self._bounded is None)

    def subscription_bounds(self, end_block: int | None) -> None:
        """The subscription's ``end_block``: without one it never completes (no more checks)."""
        self._bounded = end_block is not None
        if not self._bounded:
            self._checking = False

    def completion_status(self, streaming_status: str | None) -> list[Action]:
        """The service's ``streaming_status`` (None when the check failed)."""
        self._checking = False
        if streaming_status == "completed" and self._state is State.STREAMING and not self._acks:
            self._settle(State.COMPLETED, Finish(completed=True))
        return []

    # -- helpers --------------------------------------------------------------------------------
    def _error_message(
        self, code: str, message: str, recoverable: bool, error: BaseException | None
    ) -> StreamingError:
        return self._stamp(StreamingError(code, message, recoverable=recoverable, exception=error))

    def _stamp(self, error: StreamingError) -> StreamingError:
        if error.connection_id is None:
            error.connection_id = self._connection_id
        if error.subscription_id is None:
            error.subscription_id = self.subscription_id
        return error
