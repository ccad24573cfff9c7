"""StreamControl: all a StreamingClient needs from the service, besides the stream itself.

:class:`event_streamer.EventStreamer` implements it; tests and other facades can too. Keeping
it this narrow means the streaming package never imports the facade (no import cycle) and never
calls its private methods.
"""

from __future__ import annotations

from typing import Protocol

import httpx

from ..models import (
    BatchAckResponse,
    BulkBatchAckResponse,
    ClientHeartbeatResponse,
    ProcessingStatusResponse,
    SubscriptionResponse,
)

__all__ = ["StreamControl"]


class StreamControl(Protocol):
    """The service calls of a stream (acks, heartbeats, status) and where the service is."""

    @property
    def timeout(self) -> httpx.Timeout:
        """The facade's timeouts (the stream's connect timeout comes from them)."""
        ...

    @property
    def service_url(self) -> str:
        """The service URL in use (a stream starts there)."""
        ...

    # Optional: ``urls``, every service URL (a dropped stream reconnects to the next one).

    @property
    def is_closed(self) -> bool:
        """True once closed for good: streams refuse to start (EventStreamerClosedError)."""
        ...

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The client whose headers (auth, user agent) the stream connection reuses."""
        ...

    async def acknowledge_stream_batch(
        self, subscription_id: int, connection_id: str, batch_id: str
    ) -> BatchAckResponse: ...

    async def acknowledge_stream_batches(
        self, subscription_id: int, connection_id: str, batch_ids: list[str]
    ) -> BulkBatchAckResponse: ...

    async def send_stream_heartbeat(
        self, connection_id: str, sequence_number: int
    ) -> ClientHeartbeatResponse: ...

    async def get_subscription(self, subscription_id: int) -> SubscriptionResponse: ...

    async def get_processing_status(self, subscription_id: int) -> ProcessingStatusResponse: ...
