"""The session's chores: acknowledgements, client heartbeats, completion of bounded
subscriptions. A part of :class:`StreamSession` (a mixin, to keep each module short): the same
pure state, the same rule that inputs return actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._messages import StreamStats
from ._actions import Action, CheckCompletion, Finish, FlushAcks, SendHeartbeat, State
from ._delivery import Delivery

__all__ = ["Chores"]

_MAX_RECHECKS = 8  # 0.2 s doubling to 5 s: about 15 s, then server heartbeats take over


class Chores:
    """Ack, heartbeat and completion inputs of a StreamSession."""

    state: State
    connection_id: str | None
    delivery: Delivery
    stats: StreamStats
    _heartbeat_seq: int

    if TYPE_CHECKING:  # provided by StreamSession, the class this mixin is part of

        def _settle(self, outcome: State, step: Action) -> None: ...

    def acks_due(self) -> FlushAcks | None:
        """The next bulk ack to send, if any can go now (one at a time, on a live connection)."""
        if self.connection_id is None:
            return None
        ids = self.delivery.acks.take()
        return None if ids is None else FlushAcks(self.connection_id, ids)

    def acks_sent(
        self, batch_ids: list[str], *, failed_ids: list[str], acknowledged: int
    ) -> list[Action]:
        """The service answered: drop the acknowledged ids, retry rejected ones a few times."""
        self.delivery.acks.sent(batch_ids, failed_ids)
        self.stats.acks_sent += acknowledged
        self.stats.acks_failed += len(set(failed_ids))
        check = self._completion_check()
        return [check] if check is not None else []

    def acks_failed(self, batch_ids: list[str], *, gone: bool = False) -> None:
        """The bulk ack did not get through; the ids stay queued (for the next connection if
        ``gone``: the service forgot this one)."""
        self.delivery.acks.failed()
        if not gone:
            self.stats.acks_failed += len(batch_ids)

    def heartbeat_due(self) -> SendHeartbeat | None:
        """The client-heartbeat timer fired: what to send, if connected."""
        if self.state is not State.STREAMING or self.connection_id is None:
            return None
        self._heartbeat_seq += 1
        return SendHeartbeat(self.connection_id, self._heartbeat_seq)

    def heartbeat_sent(self) -> None:
        self.stats.client_heartbeats += 1

    # -- completion of bounded subscriptions ----------------------------------------------------
    def _completion_check(self) -> CheckCompletion | None:
        if self.state is not State.STREAMING or not self.delivery.completion_check_due():
            return None
        return CheckCompletion(need_bounds=self.delivery.bounded is None)

    def subscription_bounds(self, end_block: int | None) -> None:
        """The subscription's ``end_block``: without one it never completes (no more checks)."""
        self.delivery.bounded = end_block is not None
        self.delivery.end_block = end_block
        if end_block is None:
            self.delivery.checking = False

    def completion_status(self, streaming_status: str | None) -> list[Action]:
        """The service's ``streaming_status`` (None when the check failed): ``completed``
        while streaming with nothing left to ack finishes the stream."""
        delivery = self.delivery
        delivery.checking = False
        idle = not delivery.acks and delivery.in_dispatch is None
        if self.state is not State.STREAMING or not idle:
            return []
        if streaming_status == "completed":
            self._settle(State.COMPLETED, Finish(completed=True))
            return []
        # The end block is handled and acknowledged: the service marks the subscription
        # completed moments later. Ask again soon rather than at the next server heartbeat.
        end, last = delivery.end_block, self.stats.last_block
        if end is None or last is None or last < end or delivery.rechecks >= _MAX_RECHECKS:
            return []
        delivery.checking = True
        delivery.rechecks += 1
        return [CheckCompletion(delay=min(0.1 * 2**delivery.rechecks, 5.0))]
