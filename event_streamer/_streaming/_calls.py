"""The service calls a StreamingClient offers (manual acks, heartbeat, processing status).

A part of :class:`StreamingClient` (a mixin, to keep each module short): each goes through the
:class:`StreamControl` on the connection the session has open.
"""

from __future__ import annotations

from .._messages import StreamStats
from ..exceptions import EventStreamerConnectionError
from ..models import (
    BatchAckResponse,
    BulkBatchAckResponse,
    ClientHeartbeatResponse,
    ProcessingStatusResponse,
)
from ._control import StreamControl
from ._session import StreamSession

__all__ = ["ServiceCalls"]


class ServiceCalls:
    """Manual acknowledgement, heartbeat and status calls of a StreamingClient."""

    subscription_id: int
    _control: StreamControl
    _session: StreamSession

    @property
    def stats(self) -> StreamStats:
        return self._session.stats

    async def check_processing_status(self) -> ProcessingStatusResponse:
        """Whether the service is processing this subscription, and by how many streams."""
        return await self._control.get_processing_status(self.subscription_id)

    async def send_heartbeat(self) -> ClientHeartbeatResponse:
        """Tell the service this consumer is alive (done automatically while streaming)."""
        return await self._control.send_stream_heartbeat(self._require_connection(), 0)

    async def acknowledge_batch(self, batch_id: str) -> BatchAckResponse:
        """Acknowledge one batch now (manual acknowledgement)."""
        result = await self._control.acknowledge_stream_batch(
            self.subscription_id, self._require_connection(), batch_id
        )
        self.stats.acks_sent += 1
        return result

    async def acknowledge_batch_bulk(self, batch_ids: list[str]) -> BulkBatchAckResponse:
        """Acknowledge many batches now; unknown ids come back in ``failed_batch_ids``."""
        result = await self._control.acknowledge_stream_batches(
            self.subscription_id, self._require_connection(), list(batch_ids)
        )
        self.stats.acks_sent += result.acknowledged_batches
        self.stats.acks_failed += result.failed_batches
        return result

    def _require_connection(self) -> str:
        connection_id = self._session.connection_id
        if connection_id is None:
            raise EventStreamerConnectionError("not connected: start streaming first")
        return connection_id
