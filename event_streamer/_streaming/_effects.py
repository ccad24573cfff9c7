"""Effects: the service-side I/O a StreamSession asks for, besides the stream itself.

Reports (log and ``on_error``), completion checks, bulk acks (a task flushing every
``batch_ack_interval``) and client heartbeats (a task per connection). Each answer goes back to
the session; ``wake`` tells the driver's reader when the session decided the connection is over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from .._messages import StreamingError
from ..exceptions import EventStreamerNotFoundError, EventStreamerSDKError
from ._actions import Action, CheckCompletion, Report, State
from ._control import StreamControl
from ._handlers import Handlers
from ._options import StreamOptions
from ._session import StreamSession

__all__ = ["Effects"]

logger = logging.getLogger("event_streamer._streaming")

_QUIET_CODES = frozenset({"RESUMED"})  # asked for: not worth a warning


class Effects:
    """Carries out actions and owns the ack task."""

    def __init__(
        self,
        control: StreamControl,
        session: StreamSession,
        handlers: Handlers,
        options: StreamOptions,
        *,
        wake: Callable[[], None],
    ) -> None:
        self.control = control
        self.session = session
        self.handlers = handlers
        self.options = options
        self._wake = wake
        self._ack_wake = asyncio.Event()
        self._ack_task: asyncio.Task[None] | None = None
        self._later: asyncio.Task[None] | None = None  # a delayed completion check
        self.posted: list[Action] = []  # from background tasks, for the driver to carry out

    async def apply(self, actions: list[Action]) -> None:
        """Carry out the immediate actions of a transition; wake the reader if it must go."""
        for action in actions:
            if isinstance(action, Report):
                await self.report(action.error)
            elif isinstance(action, CheckCompletion):
                await self.check_completion(action)
        if self.session.state is not State.STREAMING:
            self._wake()

    async def apply_posted(self) -> None:
        """Carry out, in the driver's task, what background tasks decided."""
        posted, self.posted = self.posted, []
        await self.apply(posted)

    async def report(self, error: StreamingError) -> None:
        if error.timestamp is None:
            error.timestamp = datetime.now(UTC).isoformat()
        quiet = error.recoverable and error.error_code in _QUIET_CODES
        logger.log(
            logging.INFO if quiet else logging.WARNING,
            "stream %d: %s: %s",
            self.session.subscription_id,
            error.error_code,
            error.error_message,
        )
        await self.handlers.error(error)

    async def check_completion(self, check: CheckCompletion) -> None:
        if check.delay > 0:  # later, in a task of its own (the reader must not wait for it)
            self._later = asyncio.create_task(self._check_later(check), name="stream-complete")
            return
        session = self.session
        try:
            if check.need_bounds:
                subscription = await self.control.get_subscription(session.subscription_id)
                end_block = subscription.end_block
                session.subscription_bounds(end_block if isinstance(end_block, int) else None)
                if not isinstance(end_block, int):
                    return
            status = await self.control.get_processing_status(session.subscription_id)
            value = status.streaming_status
        except EventStreamerSDKError as err:
            logger.debug("processing status check failed: %s", err)
            value = None
        await self.apply(self.session.completion_status(value if isinstance(value, str) else None))

    async def _check_later(self, check: CheckCompletion) -> None:
        await asyncio.sleep(check.delay)
        await self.check_completion(CheckCompletion(need_bounds=check.need_bounds))

    async def cancel_later(self) -> None:
        task, self._later = self._later, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- background tasks -----------------------------------------------------------------------
    async def heartbeats(self) -> None:
        session, interval = self.session, self.options.heartbeat_interval
        while True:
            await asyncio.sleep(interval)
            beat = session.heartbeat_due()
            if beat is None:
                return
            try:
                await self.control.send_stream_heartbeat(beat.connection_id, beat.sequence)
                session.heartbeat_sent()
            except EventStreamerNotFoundError:
                now = asyncio.get_running_loop().time()
                # Reported by the driver's task, not this one: an on_error callback that stops
                # the stream would otherwise cancel itself halfway (this task is cancelled).
                self.posted.extend(session.connection_gone(beat.connection_id, now=now))
                self._wake()
                return
            except EventStreamerSDKError as err:
                logger.debug("client heartbeat failed: %s", err)

    def start_acks(self) -> None:
        self._ack_task = asyncio.create_task(self._ack_loop(), name="stream-acks")

    def wake_acks(self) -> None:
        self._ack_wake.set()

    async def _ack_loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.options.batch_ack_interval):
                    await self._ack_wake.wait()
            self._ack_wake.clear()
            await self.flush()

    async def flush(self, *, within: float | None = None) -> None:
        """Send queued acks in bulk; keep them on failure (sent again later). ``within``: in a
        task of its own for that long at most (the caller is being cancelled or closed)."""
        if within is not None:
            task = asyncio.ensure_future(self.flush())
            try:
                await asyncio.wait({task}, timeout=within)
            finally:
                if not task.done():
                    logger.warning("acks not flushed within %gs of leaving", within)
                    task.cancel()
            return
        session = self.session
        while (flush := session.acks_due()) is not None:
            ids = flush.batch_ids
            try:
                result = await self.control.acknowledge_stream_batches(
                    session.subscription_id, flush.connection_id, ids
                )
            except EventStreamerNotFoundError:
                session.acks_failed(ids, gone=True)  # the next connection sends them
                return
            except EventStreamerSDKError as err:
                session.acks_failed(ids)
                logger.warning("bulk ack of %d batches failed (will retry): %s", len(ids), err)
                return
            except BaseException:
                session.acks_failed(ids, gone=True)  # cancelled: still queued
                raise
            failed = list(result.failed_batch_ids)
            await self.apply(
                session.acks_sent(ids, failed_ids=failed, acknowledged=result.acknowledged_batches)
            )
            if failed:
                return

    async def stop_acks(self) -> None:
        task, self._ack_task = self._ack_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
