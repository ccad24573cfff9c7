"""StreamSession: the stream's protocol state as a pure machine (no I/O, no clock, no sleep).

Inputs are method calls (bytes received, handler outcome, ack answer, timers firing, stop,
resume, connection opened or lost, with ``now`` passed in where time matters); outputs are the
actions of :mod:`._actions`. The driver does the I/O and reports back. What follows a
connection (Connect, Reconnect after a delay, Fail, Finish) is decided by the input that ended
it and read with :meth:`StreamSession.next_step`. An input that makes no sense in the current
state raises :class:`StreamStateError`.
"""

from __future__ import annotations

import collections

from .._messages import Delivered, EventBatch, Heartbeat, Reorg, StreamingError, StreamStats
from .._ndjson import DEFAULT_MAX_LINE_BYTES
from .._retry import RetryPolicy
from ..exceptions import EventStreamerConnectionError
from ._actions import (
    RUNNING,
    Action,
    CheckCompletion,
    Connect,
    Dispatch,
    Fail,
    Finish,
    HeartbeatReceived,
    Reconnect,
    Report,
    State,
    StreamStateError,
)
from ._chores import Chores
from ._delivery import Delivery
from ._options import StreamOptions
from ._policy import ReconnectBudget, classify, poison_error

__all__ = ["StreamSession"]

_STARTABLE = frozenset({State.IDLE, State.STOPPED, State.FAILED, State.COMPLETED})
_LIVE = frozenset({State.CONNECTING, State.STREAMING, State.BACKOFF})


class StreamSession(Chores):
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
        self.reconnect = reconnect
        self.max_handler_attempts = max_handler_attempts
        self.liveness_timeout = liveness_timeout
        self.budget = ReconnectBudget(
            retry or RetryPolicy(backoff_base=1.0, backoff_cap=30.0),
            attempts=reconnect_attempts,
            deadline=reconnect_deadline,
        )
        self.delivery = Delivery(
            resume_token=resume_token,
            auto_acknowledge=auto_acknowledge,
            max_line_bytes=max_line_bytes,
            max_ack_retries=max_ack_retries,
        )
        self.stats: StreamStats = self.delivery.stats
        self.state = State.IDLE
        self.connection_id: str | None = None
        self.error: BaseException | None = None  # what stopped the last run, if anything
        self._next: Action | None = None  # what follows the connection that is ending
        self._outcome = State.STOPPED  # the state STOPPING settles into
        self._out: collections.deque[CheckCompletion] = collections.deque()
        self._heartbeat_seq = 0

    @classmethod
    def from_options(cls, subscription_id: int, options: StreamOptions) -> StreamSession:
        return cls(subscription_id, **options.session_arguments())

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING

    @property
    def resume_token(self) -> str | None:
        """Token after the last batch whose handlers all finished."""
        return self.delivery.token

    @property
    def pending_acks(self) -> tuple[str, ...]:
        return self.delivery.acks.ids

    @property
    def in_dispatch(self) -> Delivered | None:
        return self.delivery.in_dispatch

    def next_step(self) -> Action | None:
        """After a connection: Connect, Reconnect(delay), Fail or Finish (None while streaming)."""
        return self._next

    def _require(self, *states: State) -> None:
        if self.state not in states:
            wanted = ", ".join(s.value for s in states)
            raise StreamStateError(f"illegal in state {self.state.value} (needs {wanted})")

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> Connect:
        """IDLE/STOPPED/FAILED/COMPLETED -> CONNECTING."""
        if self.state not in _STARTABLE:
            raise StreamStateError(f"cannot start: the stream is {self.state.value}")
        self.error = None
        self.budget.reset()
        self.delivery.reset()
        return self._connect()

    def _connect(self) -> Connect:
        self.state, self._next = State.CONNECTING, None
        self.delivery.pinned = False
        return Connect(self.delivery.connect_token())

    def connection_opened(self, connection_id: str | None) -> list[Action]:
        """CONNECTING -> STREAMING. Acks held for a dead connection can go out on this one
        (``acks_due`` returns them)."""
        self._require(State.CONNECTING, State.BACKOFF, State.STOPPING)
        if self.state is not State.CONNECTING:
            return []  # stopped or resumed meanwhile: the driver closes this connection
        self.state, self.connection_id = State.STREAMING, connection_id
        self.delivery.new_connection()
        self._out.clear()
        self._heartbeat_seq = 0
        return []

    def connection_closed(self) -> None:
        """The driver closed the connection (whatever the reason)."""
        self.connection_id = None
        self.delivery.drop_lines()

    def backoff_elapsed(self) -> Connect:
        """BACKOFF -> CONNECTING."""
        self._require(State.BACKOFF)
        return self._connect()

    def stop(self) -> bool:
        """Running -> STOPPING (True); not running: nothing to do (False)."""
        if self.state in _LIVE:
            self._settle(State.STOPPED, Finish(completed=False))
        return self.state is State.STOPPING

    def stopped(self) -> State:
        """STOPPING -> STOPPED, FAILED or COMPLETED, once the driver has cleaned up."""
        self._require(State.STOPPING)
        self.state, self.connection_id = self._outcome, None
        self.delivery.in_dispatch = None
        return self.state

    def resume(self, resume_token: str) -> list[Action]:
        """Continue from ``resume_token``: reconnect now if running, else at the next start."""
        delivery = self.delivery
        delivery.start_token = delivery.token = resume_token
        # Asked while a batch is handled (a handler, the async-for body): the requested token
        # wins over that batch's own.
        delivery.pinned = delivery.in_dispatch is not None
        if self.state in _LIVE:
            why = "reconnecting from a new resume token"
            return self._lose("RESUMED", why, now=0.0, penalty=False, asked=True)
        return []

    def _settle(self, outcome: State, step: Action) -> None:
        self.state, self._outcome, self._next = State.STOPPING, outcome, step

    # -- received data --------------------------------------------------------------------------
    def receive_data(self, chunk: bytes) -> None:
        """Bytes from the stream; read what they ask for with :meth:`next_event`."""
        self._require(State.STREAMING)
        self.delivery.feed(chunk)

    def next_event(self) -> Dispatch | HeartbeatReceived | Report | CheckCompletion | None:
        """The next thing the received bytes ask for; None when more bytes are needed.

        Raises EventStreamerProtocolError on a bad line (pass it to ``connection_failed``).
        """
        delivery = self.delivery
        if delivery.in_dispatch is not None:
            raise StreamStateError(f"batch {delivery.in_dispatch.batch_id} is being handled")
        if self._out:
            return self._out.popleft()
        if self.state is not State.STREAMING:
            delivery.drop_lines()  # the connection is over: the rest is moot
            return None
        message = delivery.next_message()
        if type(message) is EventBatch or type(message) is Reorg:
            return Dispatch(message)
        if type(message) is Heartbeat:
            self.budget.reset()
            check = self._completion_check()
            if check is not None:
                self._out.append(check)
            return HeartbeatReceived(message)
        if type(message) is StreamingError:
            return Report(self._stamp(message))
        return None

    def batch_handled(self, batch: Delivered) -> None:
        """Every handler (and the async-for body) finished: advance the token, queue the ack."""
        self.delivery.handled(batch)
        self.budget.reset()

    def batch_abandoned(self, batch: Delivered) -> None:
        """The consumer left while holding ``batch``: not handled (it will be redelivered)."""
        self.delivery.end_dispatch(batch)

    def batch_failed(self, batch: Delivered, error: BaseException, *, now: float) -> list[Action]:
        """A handler raised: redeliver from the last handled batch, or fail once poisoned."""
        attempts = self.delivery.failed(batch)
        message = f"handler failed on batch {batch.batch_id} (attempt {attempts}): {error!r}"
        poisoned = attempts >= self.max_handler_attempts
        report = Report(self._error_message("HANDLER_ERROR", message, not poisoned, error))
        if self.state is not State.STREAMING:
            return [report]  # already stopping or reconnecting
        if poisoned:
            return [
                report,
                *self._fail(poison_error(batch.batch_id, attempts, error), "POISON_BATCH"),
            ]
        return [report, *self._lose("HANDLER_ERROR", message, now=now, reported=True)]

    # -- connection ends ------------------------------------------------------------------------
    def connection_failed(self, error: BaseException, *, now: float) -> list[Action]:
        """The connection could not open, or broke (transport, HTTP status or protocol error)."""
        if self.state not in (State.CONNECTING, State.STREAMING):
            return []  # the connection was already given up (stop, resume, liveness)
        code, fatal, retry_after = classify(error)
        if fatal:
            return self._fail(error, code)
        if code == "PROTOCOL_ERROR":
            self.stats.protocol_errors += 1
        return self._lose(code, str(error), now=now, error=error, retry_after=retry_after)

    def stream_ended(self, *, now: float) -> list[Action]:
        """Clean end of the response body. A partial last line raises TruncatedLineError."""
        if self.state is not State.STREAMING:
            return []
        self.delivery.end_of_stream()
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
        """The service no longer knows ``connection_id`` (a heartbeat got 404)."""
        if self.state is not State.STREAMING or connection_id != self.connection_id:
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
        """This connection is over: reconnect after a backoff, or give up."""
        if not self.reconnect and not asked:
            return self._fail(error or EventStreamerConnectionError(message), code)
        if penalty:
            self.budget.fail(now)
        actions: list[Action] = []
        if not reported:
            actions.append(Report(self._error_message(code, message, True, error)))
        gave_up = self.budget.exhausted(now)
        if gave_up is not None:
            final = EventStreamerConnectionError(f"{gave_up}: {message}")
            final.__cause__ = error
            return actions + self._fail(final, "CONNECTION_LOST")
        self.stats.reconnects += 1
        self.state = State.BACKOFF
        self._next = Reconnect(self.budget.delay(retry_after), self.budget.failures)
        return actions

    def _fail(self, error: BaseException, code: str) -> list[Action]:
        self.error = error
        self._settle(State.FAILED, Fail(error))
        return [Report(self._error_message(code, str(error), False, error))]

    # -- helpers --------------------------------------------------------------------------------
    def _error_message(
        self, code: str, message: str, recoverable: bool, error: BaseException | None
    ) -> StreamingError:
        return self._stamp(StreamingError(code, message, recoverable=recoverable, exception=error))

    def _stamp(self, error: StreamingError) -> StreamingError:
        if error.connection_id is None:
            error.connection_id = self.connection_id
        if error.subscription_id is None:
            error.subscription_id = self.subscription_id
        return error
