"""The ``EventStreamer`` facade: typed async calls over the generated low-level client."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
import httpx
from event_streamer_api.models import (
    BatchAckRequest,
    BulkBatchAckRequest,
    ClientHeartbeatRequest,
)
from event_streamer_api.types import UNSET, Unset

from . import _abi
from . import models as m
from ._base import BaseClient
from ._ndjson import DEFAULT_MAX_LINE_BYTES
from ._streaming import StreamingClient
from ._subscriptions import validate_subscription_create, validate_subscription_update
from ._validation import chain_request, chain_update
from ._validation import invalid as _invalid
from ._validation import non_empty as _non_empty
from ._validation import positive_int as _positive_int
from .exceptions import (
    EventStreamerConnectionError,
    EventStreamerTimeoutError,
)

__all__ = ["EventStreamer"]

logger = logging.getLogger(__name__)


class EventStreamer(BaseClient):
    """Async client of an Event Streamer service.

    Use it as ``async with EventStreamer(url, subscriber_id) as client:``; it owns one
    ``httpx.AsyncClient`` (unless you pass ``http_client``, which stays yours to close).
    Every call is bounded: ``timeout`` per network operation, ``call_deadline`` in total
    (default: the ``timeout`` seconds), ``max_response_bytes`` per body (the cap needs the
    client's own transport: not applied to a ``http_client`` you pass). Idempotent calls are
    retried (``max_retries``); failures raise the :mod:`event_streamer.exceptions` tree.
    """

    # -- health ---------------------------------------------------------------------------------
    async def get_health(self) -> m.HealthResponse:
        """The service's health document."""
        return await self._call("get_health", m.HealthResponse)

    async def get_metrics(self) -> str:
        """The service's Prometheus metrics, as text (an admin key when keys are set)."""
        return await self._call("get_metrics", str)

    async def health_check(self) -> bool:
        """True when the service answers healthy; False when it is down or unreachable."""
        try:
            health = await self.get_health()
        except (EventStreamerConnectionError, EventStreamerTimeoutError):
            return False
        return health.status == "healthy"

    # -- subscriptions --------------------------------------------------------------------------
    async def create_subscription(
        self, subscription: m.SubscriptionCreate
    ) -> m.SubscriptionResponse:
        """Create a subscription; ``subscriber_id`` defaults to this client's."""
        if not isinstance(subscription, m.SubscriptionCreate):
            raise _invalid("subscription", "must be a SubscriptionCreate")
        if isinstance(subscription.subscriber_id, Unset):  # a copy: the caller's object is theirs
            subscription = attrs.evolve(subscription, subscriber_id=self.subscriber_id)
        validate_subscription_create(subscription)
        return await self._call(
            "create_subscription",
            m.SubscriptionResponse,
            resource="subscription",
            body=subscription,
        )

    async def list_subscriptions(
        self,
        page: int = 1,
        page_size: int = 20,
        *,
        subscriber_id: str | None = None,
        all_subscribers: bool = False,
    ) -> m.SubscriptionListResponse:
        """One page of subscriptions: this client's (or ``subscriber_id``'s, or everyone's)."""
        _positive_int("page", page)
        if _positive_int("page_size", page_size) > 100:
            raise _invalid("page_size", f"must be <= 100, got {page_size}")
        owner: str | Unset = UNSET
        if not all_subscribers:
            owner = self.subscriber_id if subscriber_id is None else subscriber_id
        return await self._call(
            "list_subscriptions",
            m.SubscriptionListResponse,
            page=page,
            page_size=page_size,
            subscriber_id=owner,
        )

    async def get_subscription(self, subscription_id: int) -> m.SubscriptionResponse:
        """One subscription; raises SubscriptionNotFoundError when it does not exist."""
        return await self._call(
            "get_subscription",
            m.SubscriptionResponse,
            resource="subscription",
            subscription_id=_positive_int("subscription_id", subscription_id),
        )

    async def update_subscription(
        self, subscription_id: int, update: m.SubscriptionUpdate
    ) -> m.SubscriptionResponse:
        """Change the given fields; a new ``event_signature`` gets its ``topic0`` computed."""
        if not isinstance(update, m.SubscriptionUpdate):
            raise _invalid("update", "must be a SubscriptionUpdate")
        if not isinstance(update.event_signature, Unset) and isinstance(update.topic0, Unset):
            update = attrs.evolve(update, topic0=_abi.event_topic0(update.event_signature))
        validate_subscription_update(update)
        return await self._call(
            "update_subscription",
            m.SubscriptionResponse,
            resource="subscription",
            subscription_id=_positive_int("subscription_id", subscription_id),
            body=update,
        )

    async def delete_subscription(self, subscription_id: int) -> bool:
        """Delete a subscription (its open streams are closed). Returns True."""
        await self._call(
            "delete_subscription",
            m.DeleteResponse,
            resource="subscription",
            subscription_id=_positive_int("subscription_id", subscription_id),
        )
        return True

    async def get_subscription_last_processed_block(
        self, subscription_id: int, chain_id: int | None = None
    ) -> m.LastProcessedBlockResponse:
        """The last block whose events are stored for this subscription."""
        return await self._call(
            "get_last_processed_block",
            m.LastProcessedBlockResponse,
            resource="subscription",
            subscription_id=_positive_int("subscription_id", subscription_id),
            chain_id=UNSET if chain_id is None else _positive_int("chain_id", chain_id),
        )

    async def get_processing_status(self, subscription_id: int) -> m.ProcessingStatusResponse:
        """Whether the subscription is being processed and by how many streams."""
        return await self._call(
            "get_processing_status",
            m.ProcessingStatusResponse,
            resource="subscription",
            subscription_id=_positive_int("subscription_id", subscription_id),
        )

    # -- circuit breakers -----------------------------------------------------------------------
    async def get_circuit_breaker_status(self) -> m.CircuitBreakerStatusResponse:
        """State of every breaker."""
        return await self._call("get_circuit_breaker_status", m.CircuitBreakerStatusResponse)

    async def get_circuit_breaker_health(self) -> m.CircuitBreakerHealthResponse:
        """Health summary of the RPC endpoints behind the breakers."""
        return await self._call("get_circuit_breaker_health", m.CircuitBreakerHealthResponse)

    async def get_circuit_breaker_metrics(self, name: str) -> m.CircuitBreakerMetrics:
        """Metrics of one breaker, by the name the status endpoint lists."""
        return await self._call(
            "get_circuit_breaker_metrics", m.CircuitBreakerMetrics, name=_non_empty("name", name)
        )

    async def reset_all_circuit_breakers(self) -> m.CircuitBreakerResetResponse:
        """Close every breaker and clear its counters."""
        return await self._call("reset_all_circuit_breakers", m.CircuitBreakerResetResponse)

    async def reset_circuit_breaker(self, name: str) -> m.CircuitBreakerResetResponse:
        """Close one breaker and clear its counters."""
        return await self._call(
            "reset_circuit_breaker", m.CircuitBreakerResetResponse, name=_non_empty("name", name)
        )

    async def get_circuit_breaker_config(self) -> m.CircuitBreakerConfigResponse:
        """Breaker settings in force."""
        return await self._call("get_circuit_breaker_config", m.CircuitBreakerConfigResponse)

    # -- chains ---------------------------------------------------------------------------------
    async def get_all_chains(self) -> m.ChainListResponse:
        """Every configured chain."""
        return await self._call("list_chains", m.ChainListResponse)

    async def get_chain_stats(self) -> m.ChainStatsResponse:
        """Counts over chains and their RPC endpoints."""
        return await self._call("get_chain_stats", m.ChainStatsResponse)

    async def get_chain(self, chain_id: int) -> m.ChainConfig:
        """One chain's configuration."""
        return await self._call(
            "get_chain", m.ChainConfig, chain_id=_positive_int("chain_id", chain_id)
        )

    async def create_chain(
        self,
        config: m.ChainConfigRequest | None = None,
        *,
        preset: str | int | None = None,
        rpc_urls: Sequence[str] | None = None,
        ws_url: str | None = None,
        finality: m.FinalityMode | None = None,
        chain_id: int | None = None,
        name: str | None = None,
        average_block_time: float | None = None,
        max_blocks_per_request: int | None = None,
        confirmation_blocks: int | None = None,
        max_concurrent_requests: int | None = None,
    ) -> m.ChainConfigResponse:
        """Add a chain; the service checks each RPC URL answers with this chain id.

        Either a ``ChainConfigRequest``, or keywords: ``preset`` (a key such as ``"base"`` or a
        chain id, see :meth:`list_chain_presets`) with ``rpc_urls``; every other keyword given
        overrides the preset's value (``finality``: ``confirmations``, ``safe``, ``finalized``).
        """
        given = {
            "chain_id": chain_id,
            "name": name,
            "average_block_time": average_block_time,
            "max_blocks_per_request": max_blocks_per_request,
            "confirmation_blocks": confirmation_blocks,
            "max_concurrent_requests": max_concurrent_requests,
            "finality": finality,
        }
        if config is None:
            if rpc_urls is None or isinstance(rpc_urls, str):
                raise _invalid("rpc_urls", "must be a list of RPC URLs")
            # Fields not given stay unset, so the service takes the preset's (or its default).
            fields: dict[str, Any] = {k: UNSET if v is None else v for k, v in given.items()}
            config = m.ChainConfigRequest(
                rpc_urls=list(rpc_urls),
                preset=UNSET if preset is None else str(preset),
                ws_url=ws_url,
                **fields,
            )
        elif (
            preset is not None
            or rpc_urls is not None
            or ws_url is not None
            or any(v is not None for v in given.values())
        ):
            raise _invalid("config", "give a ChainConfigRequest or keywords, not both")
        return await self._call("create_chain", m.ChainConfigResponse, body=chain_request(config))

    async def list_chain_presets(self) -> m.ChainPresetListResponse:
        """The chain presets the service ships (``preset`` keys for :meth:`create_chain`)."""
        return await self._call("list_chain_presets", m.ChainPresetListResponse)

    async def update_chain(
        self, chain_id: int, config: m.ChainConfigUpdate | m.ChainConfigRequest
    ) -> m.ChainConfigResponse:
        """Change the given fields (a ``ChainConfigUpdate``), or set all of them (a
        ``ChainConfigRequest``, as the v0.4 SDK took; its ``chain_id`` must match)."""
        body = chain_update(_positive_int("chain_id", chain_id), config)
        return await self._call("update_chain", m.ChainConfigResponse, chain_id=chain_id, body=body)

    async def delete_chain(self, chain_id: int) -> m.ChainConfigResponse:
        """Deactivate a chain (its configuration is kept)."""
        return await self._call(
            "delete_chain", m.ChainConfigResponse, chain_id=_positive_int("chain_id", chain_id)
        )

    async def refresh_chains(self) -> m.ChainRefreshResponse:
        """Reload chain configuration from the service's storage."""
        return await self._call("refresh_chains", m.ChainRefreshResponse)

    # -- streaming ------------------------------------------------------------------------------
    def create_streaming_client(
        self,
        subscription_id: int,
        *,
        resume_token: str | None = None,
        client_metadata: Mapping[str, Any] | None = None,
        auto_acknowledge: bool = True,
        batch_ack_interval: float = 3.0,
        heartbeat_interval: float = 30.0,
        server_heartbeat_interval: float = 30.0,
        liveness_timeout: float | None = None,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        reconnect: bool = True,
        reconnect_attempts: int | None = None,
        reconnect_deadline: float | None = None,
        max_reconnect_attempts: int | None = None,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
        max_handler_attempts: int = 5,
        stream_transport: httpx.AsyncBaseTransport | None = None,
    ) -> StreamingClient:
        """A :class:`StreamingClient` for one subscription.

        - ``resume_token``: continue after the batch that carried it (``rt_...``).
        - ``client_metadata``: a small JSON object sent with each stream connection (header
          ``X-Client-Metadata``, <= 4 KiB); the service logs it.
        - ``auto_acknowledge``: ack each batch once its handlers finished, in bulk every
          ``batch_ack_interval`` seconds. Off: call ``acknowledge_batch(_bulk)`` yourself.
        - ``heartbeat_interval``: seconds between client heartbeats to the service.
        - ``server_heartbeat_interval`` / ``liveness_timeout``: a connection silent for
          ``liveness_timeout`` (default two server heartbeats + 1 s) is replaced.
        - ``max_line_bytes``: longest stream line accepted (a longer one is a protocol error).
        - ``reconnect``: reconnect after drops (off: the first error is raised).
        - ``reconnect_attempts`` (alias ``max_reconnect_attempts``) / ``reconnect_deadline``:
          give up after that many consecutive failed attempts / seconds without a working
          connection, raising EventStreamerConnectionError. Unbounded by default.
        - ``backoff_initial`` / ``backoff_max``: reconnect backoff (exponential, full jitter).
        - ``max_handler_attempts``: a batch whose handlers fail this often stops the stream
          with PoisonBatchError.
        - ``stream_transport``: the httpx transport of the stream connection (default aiohttp).
        """
        self._ensure_open()
        stream = StreamingClient(
            self,
            _positive_int("subscription_id", subscription_id),
            resume_token=resume_token,
            client_metadata=client_metadata,
            auto_acknowledge=auto_acknowledge,
            batch_ack_interval=batch_ack_interval,
            heartbeat_interval=heartbeat_interval,
            server_heartbeat_interval=server_heartbeat_interval,
            liveness_timeout=liveness_timeout,
            max_line_bytes=max_line_bytes,
            reconnect=reconnect,
            reconnect_attempts=reconnect_attempts,
            reconnect_deadline=reconnect_deadline,
            max_reconnect_attempts=max_reconnect_attempts,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            max_handler_attempts=max_handler_attempts,
            stream_transport=stream_transport,
        )
        self._streams.add(stream)
        return stream

    # The StreamControl calls a StreamingClient makes (through its public methods).
    async def acknowledge_stream_batch(
        self, subscription_id: int, connection_id: str, batch_id: str
    ) -> m.BatchAckResponse:
        """Acknowledge one batch of an open stream connection."""
        return await self._call(
            "acknowledge_batch",
            m.BatchAckResponse,
            resource="connection",
            subscription_id=_positive_int("subscription_id", subscription_id),
            connection_id=_non_empty("connection_id", connection_id),
            body=BatchAckRequest(batch_id=_non_empty("batch_id", batch_id)),
        )

    async def acknowledge_stream_batches(
        self, subscription_id: int, connection_id: str, batch_ids: list[str]
    ) -> m.BulkBatchAckResponse:
        """Acknowledge many batches of an open stream connection at once."""
        if not batch_ids or not all(isinstance(b, str) and b for b in batch_ids):
            raise _invalid("batch_ids", "must be a non-empty list of batch ids")
        return await self._call(
            "acknowledge_batch_bulk",
            m.BulkBatchAckResponse,
            resource="connection",
            subscription_id=_positive_int("subscription_id", subscription_id),
            connection_id=_non_empty("connection_id", connection_id),
            body=BulkBatchAckRequest(batch_ids=batch_ids, connection_id=connection_id),
        )

    async def send_stream_heartbeat(
        self, connection_id: str, sequence_number: int
    ) -> m.ClientHeartbeatResponse:
        """Tell the service the consumer of an open stream connection is alive."""
        return await self._call(
            "send_client_heartbeat",
            m.ClientHeartbeatResponse,
            resource="connection",
            connection_id=_non_empty("connection_id", connection_id),
            body=ClientHeartbeatRequest(
                timestamp=datetime.now(UTC), sequence_number=sequence_number
            ),
        )

    _acknowledge_batch = acknowledge_stream_batch  # the older private names
    _acknowledge_batch_bulk = acknowledge_stream_batches
    _send_client_heartbeat = send_stream_heartbeat

    # -- ABI helpers (pure; also importable from event_streamer) --------------------------------
    extract_abi_event = staticmethod(_abi.extract_abi_event)
    extract_abi_events = staticmethod(_abi.extract_abi_events)
    parse_contract_abi = staticmethod(_abi.parse_contract_abi)
