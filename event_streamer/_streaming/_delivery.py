"""Delivery: the per-batch bookkeeping of a StreamSession (pure).

Framing and parsing of received bytes, the batch being handled, handler attempts per batch,
the resume token, the ack queue and the completion check. The session decides; this counts.
"""

from __future__ import annotations

import logging

from .._messages import (
    Delivered,
    EventBatch,
    Heartbeat,
    Reorg,
    StreamingError,
    StreamStats,
    UnknownMessage,
    parse_line,
)
from .._ndjson import LineDecoder
from ._acks import AckQueue
from ._actions import StreamStateError

__all__ = ["Delivery"]

logger = logging.getLogger("event_streamer._streaming")


class Delivery:
    """What was received, what is being handled, what is handled and not yet acknowledged."""

    def __init__(
        self,
        *,
        resume_token: str | None,
        auto_acknowledge: bool,
        max_line_bytes: int,
        max_ack_retries: int,
    ) -> None:
        self.auto_acknowledge = auto_acknowledge
        self.max_line_bytes = max_line_bytes
        self.stats = StreamStats()
        self.start_token = resume_token  # where a manual-ack stream resumes
        self.token = resume_token  # after the last fully handled batch
        self.pinned = False  # resume() asked for a token while a batch was handled: keep it
        self.acks = AckQueue(max_retries=max_ack_retries)
        self.in_dispatch: Delivered | None = None
        self.attempts: dict[str, int] = {}  # batch id -> failed handler runs
        self.checking = False  # a completion check is out
        self.bounded: bool | None = None  # the subscription has an end_block (None: unknown)
        self.end_block: int | None = None
        self.rechecks = 0  # completion asked again since the end block was handled
        self._decoder = LineDecoder(max_line_bytes)
        self._lines: list[memoryview] = []
        self._index = 0

    def connect_token(self) -> str | None:
        # Auto-ack resumes after the last handled batch. Manual ack resumes from the caller's
        # token only, so batches handled but not yet acknowledged come back.
        return self.token if self.auto_acknowledge else self.start_token

    def reset(self) -> None:
        """A new run: forget per-run counts (not the token, acks or stats)."""
        self.in_dispatch = None
        self.attempts.clear()
        self.bounded, self.checking = None, False
        self.end_block, self.rechecks = None, 0

    def new_connection(self) -> None:
        self._decoder = LineDecoder(self.max_line_bytes)
        self.drop_lines()
        self.checking = False  # a check cut short with the last connection is not out

    def drop_lines(self) -> None:
        self._lines, self._index = [], 0

    def feed(self, chunk: bytes) -> None:
        if self._index < len(self._lines) or self.in_dispatch is not None:
            raise StreamStateError("receive_data before the previous chunk was consumed")
        self._lines, self._index = self._decoder.feed(chunk), 0

    def next_message(self) -> Delivered | Heartbeat | StreamingError | None:
        """The next parsed message (unknown types are counted and skipped); None when the
        received bytes are used up. Raises EventStreamerProtocolError on a bad line."""
        lines = self._lines
        stats = self.stats
        while self._index < len(lines):
            message = parse_line(lines[self._index])
            self._index += 1
            if type(message) is EventBatch:
                self.in_dispatch = message
                stats.batches += 1
                stats.events += message.batch_size
                return message
            if type(message) is Reorg:  # in the delivery sequence: handled like a batch
                self.in_dispatch = message
                stats.reorgs += 1
                return message
            if type(message) is UnknownMessage:
                stats.unknown_messages += 1
                logger.info("ignoring unknown stream message type %r", message.type)
                continue
            if type(message) is Heartbeat:
                stats.heartbeats += 1
            else:
                stats.errors_received += 1
            return message  # type: ignore[return-value]
        self.drop_lines()
        self._decoder.raise_pending()
        return None

    def end_of_stream(self) -> None:
        """Raises TruncatedLineError when the stream ended inside a line."""
        self._decoder.close()

    def end_dispatch(self, batch: Delivered) -> None:
        if self.in_dispatch is not batch:
            raise StreamStateError(f"batch {batch.batch_id} is not the one being handled")
        self.in_dispatch = None

    def handled(self, batch: Delivered) -> None:
        self.end_dispatch(batch)
        if self.attempts:
            self.attempts.pop(batch.batch_id, None)
        if not self.pinned:
            self.token = batch.resume_token
        last = batch.last_block
        if last is not None:
            self.stats.last_block = max(last, self.stats.last_block or 0)
        if self.auto_acknowledge:
            self.acks.add(batch.batch_id)

    def failed(self, batch: Delivered) -> int:
        """Count a failed handler run; the number of runs that failed so far."""
        self.end_dispatch(batch)
        self.stats.handler_errors += 1
        attempts = self.attempts.get(batch.batch_id, 0) + 1
        self.attempts[batch.batch_id] = attempts
        return attempts

    def completion_check_due(self) -> bool:
        """Only when idle: nothing queued to ack, nothing being handled, no check out, and the
        subscription not known to be unbounded."""
        if self.checking or self.bounded is False or self.acks or self.in_dispatch is not None:
            return False
        self.checking = True
        return True
