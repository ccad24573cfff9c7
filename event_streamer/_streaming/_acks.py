"""AckQueue: batch ids handled but not yet acknowledged (pure; part of the session)."""

from __future__ import annotations

import logging
from itertools import islice

__all__ = ["AckQueue"]

logger = logging.getLogger("event_streamer._streaming")

MAX_ACK_IDS = 1000  # the bulk endpoint's limit


class AckQueue:
    """In handling order; one bulk send out at a time, so no id is sent twice at once."""

    __slots__ = ("_ids", "in_flight", "max_retries")

    def __init__(self, *, max_retries: int = 3) -> None:
        self._ids: dict[str, int] = {}  # batch id -> rejected sends (insertion = order)
        self.in_flight = False
        self.max_retries = max_retries

    def __len__(self) -> int:
        return len(self._ids)

    def __bool__(self) -> bool:
        return bool(self._ids)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._ids)

    def add(self, batch_id: str) -> None:
        self._ids.setdefault(batch_id, 0)

    def take(self) -> list[str] | None:
        """The next ids to send, or None (nothing queued, or a send is out)."""
        if self.in_flight or not self._ids:
            return None
        self.in_flight = True
        return list(islice(self._ids, MAX_ACK_IDS))

    def sent(self, batch_ids: list[str], failed_ids: list[str]) -> None:
        """Drop what the service acknowledged; retry rejected ids a few times, then drop them."""
        self.in_flight = False
        failed = set(failed_ids)
        for batch_id in batch_ids:
            if batch_id not in failed:
                self._ids.pop(batch_id, None)
            elif batch_id in self._ids:
                self._ids[batch_id] += 1
                if self._ids[batch_id] >= self.max_retries:
                    del self._ids[batch_id]
                    logger.warning("service keeps rejecting the ack of %s; dropping it", batch_id)

    def failed(self) -> None:
        """The send did not get through: everything stays queued."""
        self.in_flight = False
