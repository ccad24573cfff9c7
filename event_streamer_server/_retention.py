"""Retention: acknowledged batches are deleted once they are older than the retention period.

Runs as one background task. Each pass deletes in short chunks (one transaction each, with the
event loop free between them) so delivery and ingestion, which share the storage, are not held
up. Unacknowledged batches are never touched: the storage query only selects acknowledged ones.
With a retention of 0, a pass also runs as soon as something is acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from ._storage import Storage
from ._time import to_iso

__all__ = ["Retention"]

logger = logging.getLogger(__name__)

_CHUNK = 200  # batches deleted per transaction (about 6 MB of 100-Transfer batches)
_MAX_CHUNKS = 1000  # per pass: a pass ends even when acknowledgements outpace it


class Retention:
    """Deletes acknowledged batches older than ``retention`` seconds, every ``interval``."""

    def __init__(self, storage: Storage, *, retention: float, interval: float) -> None:
        if retention < 0 or interval <= 0:
            raise ValueError("ack_retention must be >= 0 and retention_interval > 0")
        self.storage = storage
        self.retention = retention
        self.interval = interval
        self.removed = 0  # batches deleted since start
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="retention")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def acknowledged(self) -> None:
        """Something was acknowledged: with no retention period, delete it soon."""
        if self.retention == 0:
            self._wake.set()

    async def run_once(self) -> int:
        """One pass: delete what is past retention, in chunks; return how many batches went."""
        cutoff = to_iso(datetime.now(UTC) - timedelta(seconds=self.retention))
        removed = 0
        for _ in range(_MAX_CHUNKS):
            n = await self.storage.prune_acknowledged(cutoff, _CHUNK)
            removed += n
            if n < _CHUNK:
                break
            await asyncio.sleep(0)  # let waiting storage calls in between chunks
        self.removed += removed
        if removed:
            logger.debug("retention: deleted %d acknowledged batches", removed)
        return removed

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.run_once()
            except Exception:
                logger.exception("retention pass failed (retried at the next interval)")
