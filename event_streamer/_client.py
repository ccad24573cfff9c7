"""The ``EventStreamer`` facade: typed async calls over the generated low-level client."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Mapping
from datetime import UTC, datetime
from types import ModuleType, TracebackType
from typing import Any, Self, TypeVar

import attrs
import httpx
from event_streamer_api import Client
from event_streamer_api.api.chains import (
    create_chain,
    delete_chain,
    get_chain,
    get_chain_stats,
    list_chains,
    refresh_chains,
    update_chain,
)
from event_streamer_api.api.circuit_breakers import (
    get_circuit_breaker_config,
    get_circuit_breaker_health,
    get_circuit_breaker_metrics,
    get_circuit_breaker_status,
    reset_all_circuit_breakers,
    reset_circuit_breaker,
)
from event_streamer_api.api.health import get_health
from event_streamer_api.api.streaming import (
    acknowledge_batch,
    acknowledge_batch_bulk,
    send_client_heartbeat,
)
from event_streamer_api.api.subscriptions import (
    create_subscription,
    delete_subscription,
    get_last_processed_block,
    get_processing_status,
    get_subscription,
    list_subscriptions,
    update_subscription,
)
from event_streamer_api.models import (
    BatchAckRequest,
    BulkBatchAckRequest,
    ClientHeartbeatRequest,
)
from event_streamer_api.types import UNSET, Unset

from . import _abi
from ._errors import raise_for_status, transport_error
from ._ndjson import DEFAULT_MAX_LINE_BYTES
from ._retry import RetryPolicy, RetryTransport
from ._streaming import StreamingClient
from ._subscriptions import validate_subscription_create, validate_subscription_update
from .exceptions import (
    EventStreamerClosedError,
    EventStreamerConnectionError,
    EventStreamerProtocolError,
    EventStreamerValidationError,
    FieldError,
)
from .models import (
    BatchAckResponse,
    BulkBatchAckResponse,
    ChainConfig,
    ChainConfigRequest,
    ChainConfigResponse,
    ChainConfigUpdate,
    ChainListResponse,
    ChainRefreshResponse,
    ChainStatsResponse,
    CircuitBreakerConfigResponse,
    CircuitBreakerHealthResponse,
    CircuitBreakerMetrics,
    CircuitBreakerResetResponse,
    CircuitBreakerStatusResponse,
    ClientHeartbeatResponse,
    DeleteResponse,
    HealthResponse,
    LastProcessedBlockResponse,
    ProcessingStatusResponse,
    SubscriptionCreate,
    SubscriptionListResponse,
    SubscriptionResponse,
    SubscriptionUpdate,
)

__all__ = ["EventStreamer"]

logger = logging.getLogger(__name__)
T = TypeVar("T")

_VERSION = "0.1.0"
_UNOPENED, _OPEN, _CLOSED = "unopened", "open", "closed"


def _invalid(field: str, message: str) -> EventStreamerValidationError:
    return EventStreamerValidationError(
        f"invalid {field}: {message}", field_errors=[FieldError(field, message)]
    )


def _positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _invalid(name, f"must be an integer >= {minimum}, got {value!r}")
    return value


def _non_empty(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _invalid(name, f"must be a non-empty string, got {value!r}")
    return value


class EventStreamer:
    """Async client of an Event Streamer service.

    Use it as ``async with EventStreamer(url, subscriber_id) as client:``; it owns one
    ``httpx.AsyncClient`` (unless you pass ``http_client``, which stays yours to close).
    Every call has a timeout; idempotent calls are retried (see ``max_retries``); failures raise
    the :mod:`event_streamer.exceptions` tree.
    """

    def __init__(
        self,
        service_url: str,
        subscriber_id: str,
        *,
        timeout: float | httpx.Timeout = 30.0,
        headers: Mapping[str, str] | None = None,
        api_key: str | None = None,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        url = httpx.URL(_non_empty("service_url", service_url))
        if url.scheme not in ("http", "https") or not url.host:
            raise _invalid("service_url", f"must be an http(s) URL, got {service_url!r}")
        self.service_url = str(url).rstrip("/")
        self.subscriber_id = _non_empty("subscriber_id", subscriber_id)
        _positive_int("max_retries", max_retries, minimum=0)
        if isinstance(timeout, int | float) and not isinstance(timeout, bool):
            if timeout <= 0:
                raise _invalid("timeout", f"must be > 0 seconds, got {timeout!r}")
            timeout = httpx.Timeout(float(timeout))
        elif not isinstance(timeout, httpx.Timeout):
            raise _invalid("timeout", f"must be seconds or an httpx.Timeout, got {timeout!r}")
        self.timeout: httpx.Timeout = timeout
        all_headers = {"User-Agent": f"event-streamer-sdk/{_VERSION}", **(headers or {})}
        if api_key is not None:
            all_headers["Authorization"] = f"Bearer {_non_empty('api_key', api_key)}"
        self.retry_policy = RetryPolicy(max_retries=max_retries)
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.AsyncClient(
                base_url=self.service_url,
                headers=all_headers,
                timeout=self.timeout,
                transport=RetryTransport(
                    transport or httpx.AsyncHTTPTransport(), self.retry_policy
                ),
            )
        else:
            http_client.headers.update(all_headers)
        self._http = http_client
        self._api = Client(base_url=self.service_url).set_async_httpx_client(http_client)
        self._state = _UNOPENED
        self._streams: weakref.WeakSet[StreamingClient] = weakref.WeakSet()

    # -- lifecycle ------------------------------------------------------------------------------
    async def __aenter__(self) -> Self:
        if self._state == _CLOSED:
            raise EventStreamerClosedError("this EventStreamer was closed; create a new one")
        self._state = _OPEN
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP client (if this object created it). Idempotent."""
        if self._state == _CLOSED:
            return
        for stream in list(self._streams):  # their last acks go out while we are still open
            await stream.disconnect()
        self._state = _CLOSED
        if self._owns_http:
            await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._state == _CLOSED

    @property
    def api(self) -> Client:
        """The generated low-level client, for direct calls to any endpoint.

        Example: ``await get_health.asyncio_detailed(client=client.api)`` with
        ``from event_streamer_api.api.health import get_health``. Same connection pool, headers,
        timeouts and retries as the facade.
        """
        self._ensure_open()
        return self._api

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The underlying ``httpx.AsyncClient``."""
        return self._http

    def _ensure_open(self) -> None:
        if self._state == _CLOSED:
            raise EventStreamerClosedError("this EventStreamer was closed; create a new one")

    async def _call(
        self, endpoint: ModuleType, expected: type[T], *, resource: str = "resource", **kw: Any
    ) -> T:
        """Call ``endpoint.asyncio_detailed``; return its parsed 2xx body or raise."""
        self._ensure_open()
        request = endpoint._get_kwargs(**kw)
        method, url = request["method"].upper(), f"{self.service_url}{request['url']}"
        try:
            response = await endpoint.asyncio_detailed(client=self._api, **kw)
        except httpx.TransportError as err:
            raise transport_error(err, method, url) from err
        except (KeyError, TypeError, ValueError) as err:  # a 2xx body the model cannot read
            raise EventStreamerProtocolError(
                f"{method} {url}: response does not match the contract: {err!r}",
                method=method,
                url=url,
            ) from err
        status = int(response.status_code)
        if not 200 <= status < 300:
            raise_for_status(
                status,
                response.content,
                response.headers,
                method=method,
                url=url,
                resource=resource,
            )
        if not isinstance(response.parsed, expected):
            raise EventStreamerProtocolError(
                f"{method} {url}: expected {expected.__name__}, got HTTP {status} "
                f"{type(response.parsed).__name__}",
                status_code=status,
                method=method,
                url=url,
            )
        return response.parsed

    # -- health ---------------------------------------------------------------------------------
    async def get_health(self) -> HealthResponse:
        """The service's health document."""
        return await self._call(get_health, HealthResponse)

    async def health_check(self) -> bool:
        """True when the service answers healthy; False when it is down or unreachable."""
        try:
            health = await self.get_health()
        except EventStreamerConnectionError:
            return False
        return health.status == "healthy"

    # -- subscriptions --------------------------------------------------------------------------
    async def create_subscription(self, subscription: SubscriptionCreate) -> SubscriptionResponse:
        """Create a subscription; ``subscriber_id`` defaults to this client's."""
        if not isinstance(subscription, SubscriptionCreate):
            raise _invalid("subscription", "must be a SubscriptionCreate")
        if isinstance(subscription.subscriber_id, Unset):  # a copy: the caller's object is theirs
            subscription = attrs.evolve(subscription, subscriber_id=self.subscriber_id)
        validate_subscription_create(subscription)
        return await self._call(
            create_subscription, SubscriptionResponse, resource="subscription", body=subscription
        )

    async def list_subscriptions(
        self,
        page: int = 1,
        page_size: int = 20,
        *,
        subscriber_id: str | None = None,
        all_subscribers: bool = False,
    ) -> SubscriptionListResponse:
        """One page of subscriptions: this client's (or ``subscriber_id``'s, or everyone's)."""
        _positive_int("page", page)
        if _positive_int("page_size", page_size) > 100:
            raise _invalid("page_size", f"must be <= 100, got {page_size}")
        owner: str | Unset = UNSET
        if not all_subscribers:
            owner = self.subscriber_id if subscriber_id is None else subscriber_id
        return await self._call(
            list_subscriptions,
            SubscriptionListResponse,
            page=page,
            page_size=page_size,
            subscriber_id=owner,
        )

    async def get_subscription(self, subscription_id: int) -> SubscriptionResponse:
        """One subscription; raises SubscriptionNotFoundError when it does not exist."""
        return await self._call(
            get_subscription,
            SubscriptionResponse,
            resource="subscription",
            subscription_id=_positive_int("subscription_id", subscription_id),
        )

    async def update_subscription(
        self, subscription_id: int, update: SubscriptionUpdate
    ) -> SubscriptionResponse:
        """Change the given fields; a new ``event_signature`` gets its ``topic0`` computed."""
        if not isinstance(update, SubscriptionUpdate):
            raise _invalid("update", "must be a SubscriptionUpdate")
        if not isinstance(update.event_signature, Unset) and isinstance(update.topic0, Unset):
            update = attrs.evolve(update, topic0=_abi.event_topic0(update.event_signature))
        validate_subscription_update(update)
        return await self._call(
            update_subscription,
            SubscriptionResponse,
            resource="subscription",
            subscription_id=_positive_int("subscription_id", subscription_id),
            body=update,
        )

    async def delete_subscription(self, subscription_id: int) -> bool:
        """Delete a subscription (its open streams are closed). Returns True."""
        await self._call(
            delete_subscription,
            DeleteResponse,
            resource="subscription",
            subscription_id=_positive_int("subscription_id", subscription_id),
        )
        return True

    async def get_subscription_last_processed_block(
        self, subscription_id: int, chain_id: int | None = None
    ) -> LastProcessedBlockResponse:
        """The last block whose events are stored for this subscription."""
        return await self._call(
            get_last_processed_block,
            LastProcessedBlockResponse,
            resource="subscription",
            subscription_id=_positive_int("subscription_id", subscription_id),
            chain_id=UNSET if chain_id is None else _positive_int("chain_id", chain_id),
        )

    async def get_processing_status(self, subscription_id: int) -> ProcessingStatusResponse:
        """Whether the subscription is being processed and by how many streams."""
        return await self._call(
            get_processing_status,
            ProcessingStatusResponse,
            resource="subscription",
            subscription_id=_positive_int("subscription_id", subscription_id),
        )

    # -- circuit breakers -----------------------------------------------------------------------
    async def get_circuit_breaker_status(self) -> CircuitBreakerStatusResponse:
        """State of every breaker."""
        return await self._call(get_circuit_breaker_status, CircuitBreakerStatusResponse)

    async def get_circuit_breaker_health(self) -> CircuitBreakerHealthResponse:
        """Health summary of the RPC endpoints behind the breakers."""
        return await self._call(get_circuit_breaker_health, CircuitBreakerHealthResponse)

    async def get_circuit_breaker_metrics(self, name: str) -> CircuitBreakerMetrics:
        """Metrics of one breaker, by the name the status endpoint lists."""
        return await self._call(
            get_circuit_breaker_metrics, CircuitBreakerMetrics, name=_non_empty("name", name)
        )

    async def reset_all_circuit_breakers(self) -> CircuitBreakerResetResponse:
        """Close every breaker and clear its counters."""
        return await self._call(reset_all_circuit_breakers, CircuitBreakerResetResponse)

    async def reset_circuit_breaker(self, name: str) -> CircuitBreakerResetResponse:
        """Close one breaker and clear its counters."""
        return await self._call(
            reset_circuit_breaker, CircuitBreakerResetResponse, name=_non_empty("name", name)
        )

    async def get_circuit_breaker_config(self) -> CircuitBreakerConfigResponse:
        """Breaker settings in force."""
        return await self._call(get_circuit_breaker_config, CircuitBreakerConfigResponse)

    # -- chains ---------------------------------------------------------------------------------
    async def get_all_chains(self) -> ChainListResponse:
        """Every configured chain."""
        return await self._call(list_chains, ChainListResponse)

    async def get_chain_stats(self) -> ChainStatsResponse:
        """Counts over chains and their RPC endpoints."""
        return await self._call(get_chain_stats, ChainStatsResponse)

    async def get_chain(self, chain_id: int) -> ChainConfig:
        """One chain's configuration."""
        return await self._call(
            get_chain, ChainConfig, chain_id=_positive_int("chain_id", chain_id)
        )

    async def create_chain(self, chain: ChainConfigRequest) -> ChainConfigResponse:
        """Add a chain; the service checks each RPC URL answers with this chain id."""
        if not isinstance(chain, ChainConfigRequest):
            raise _invalid("chain", "must be a ChainConfigRequest")
        _positive_int("chain_id", chain.chain_id)
        _non_empty("name", chain.name)
        if not chain.rpc_urls:
            raise _invalid("rpc_urls", "must list at least one RPC URL")
        return await self._call(create_chain, ChainConfigResponse, body=chain)

    async def update_chain(self, chain_id: int, update: ChainConfigUpdate) -> ChainConfigResponse:
        """Change the given fields of a chain."""
        if not isinstance(update, ChainConfigUpdate):
            raise _invalid("update", "must be a ChainConfigUpdate")
        return await self._call(
            update_chain,
            ChainConfigResponse,
            chain_id=_positive_int("chain_id", chain_id),
            body=update,
        )

    async def delete_chain(self, chain_id: int) -> ChainConfigResponse:
        """Deactivate a chain (its configuration is kept)."""
        return await self._call(
            delete_chain, ChainConfigResponse, chain_id=_positive_int("chain_id", chain_id)
        )

    async def refresh_chains(self) -> ChainRefreshResponse:
        """Reload chain configuration from the service's storage."""
        return await self._call(refresh_chains, ChainRefreshResponse)

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
    ) -> BatchAckResponse:
        """Acknowledge one batch of an open stream connection."""
        return await self._call(
            acknowledge_batch,
            BatchAckResponse,
            resource="connection",
            subscription_id=_positive_int("subscription_id", subscription_id),
            connection_id=_non_empty("connection_id", connection_id),
            body=BatchAckRequest(batch_id=_non_empty("batch_id", batch_id)),
        )

    async def acknowledge_stream_batches(
        self, subscription_id: int, connection_id: str, batch_ids: list[str]
    ) -> BulkBatchAckResponse:
        """Acknowledge many batches of an open stream connection at once."""
        if not batch_ids or not all(isinstance(b, str) and b for b in batch_ids):
            raise _invalid("batch_ids", "must be a non-empty list of batch ids")
        return await self._call(
            acknowledge_batch_bulk,
            BulkBatchAckResponse,
            resource="connection",
            subscription_id=_positive_int("subscription_id", subscription_id),
            connection_id=_non_empty("connection_id", connection_id),
            body=BulkBatchAckRequest(batch_ids=batch_ids, connection_id=connection_id),
        )

    async def send_stream_heartbeat(
        self, connection_id: str, sequence_number: int
    ) -> ClientHeartbeatResponse:
        """Tell the service the consumer of an open stream connection is alive."""
        return await self._call(
            send_client_heartbeat,
            ClientHeartbeatResponse,
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
