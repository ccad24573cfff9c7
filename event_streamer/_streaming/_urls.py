"""Which service URL a stream is on, and the control calls that must follow it.

A run starts on the facade's preferred URL; each reconnect moves to the next URL (the instance
that dropped the stream is the one most likely to be gone), resuming from the token as usual.
Acknowledgements and heartbeats name a connection that lives on one instance, so they start
their failover sweep there (:func:`event_streamer._failover.pinned`).
"""

from __future__ import annotations

import httpx

from .._failover import pinned
from ..models import (
    BatchAckResponse,
    BulkBatchAckResponse,
    ClientHeartbeatResponse,
    ProcessingStatusResponse,
    SubscriptionResponse,
)
from ._control import StreamControl

__all__ = ["PinnedControl", "StreamUrls"]


class StreamUrls:
    """The URL a stream connects to: the preferred one first, then the next on each reconnect."""

    __slots__ = ("_control", "url")

    def __init__(self, control: StreamControl) -> None:
        self._control = control
        self.url: str | None = None

    @property
    def all(self) -> tuple[str, ...]:
        # ``urls`` is optional in StreamControl: a control with one URL need not define it.
        urls = getattr(self._control, "urls", None)
        return tuple(urls) if urls else (self._control.service_url,)

    def first(self) -> str:
        self.url = self._control.service_url
        return self.url

    def next(self) -> str:
        urls = self.all
        current = self.url
        self.url = urls[(urls.index(current) + 1) % len(urls)] if current in urls else urls[0]
        return self.url


class PinnedControl:
    """A :class:`StreamControl` whose connection-bound calls go to the stream's instance."""

    def __init__(self, control: StreamControl, urls: StreamUrls) -> None:
        self.inner = control
        self._urls = urls

    @property
    def service_url(self) -> str:
        return self._urls.url or self.inner.service_url

    @property
    def urls(self) -> tuple[str, ...]:
        return self._urls.all

    @property
    def timeout(self) -> httpx.Timeout:
        return self.inner.timeout

    @property
    def is_closed(self) -> bool:
        return self.inner.is_closed

    @property
    def http_client(self) -> httpx.AsyncClient:
        return self.inner.http_client

    async def acknowledge_stream_batch(
        self, subscription_id: int, connection_id: str, batch_id: str
    ) -> BatchAckResponse:
        with pinned(self._urls.url):
            return await self.inner.acknowledge_stream_batch(
                subscription_id, connection_id, batch_id
            )

    async def acknowledge_stream_batches(
        self, subscription_id: int, connection_id: str, batch_ids: list[str]
    ) -> BulkBatchAckResponse:
        with pinned(self._urls.url):
            return await self.inner.acknowledge_stream_batches(
                subscription_id, connection_id, batch_ids
            )

    async def send_stream_heartbeat(
        self, connection_id: str, sequence_number: int
    ) -> ClientHeartbeatResponse:
        with pinned(self._urls.url):
            return await self.inner.send_stream_heartbeat(connection_id, sequence_number)

    async def get_subscription(self, subscription_id: int) -> SubscriptionResponse:
        return await self.inner.get_subscription(subscription_id)

    async def get_processing_status(self, subscription_id: int) -> ProcessingStatusResponse:
        return await self.inner.get_processing_status(subscription_id)
