"""``GET /metrics``: Prometheus exposition of the service's live state (``prometheus-client``).

Nothing is counted on the hot path for this endpoint: a scrape reads what the service keeps
anyway (workers' last head, the RPC pool's per-URL counts and breakers, the stream hub) plus a
bounded storage read of subscriptions, and a custom collector turns that snapshot into metric
families. Only the :data:`MAX_SUBSCRIPTIONS` most recent subscriptions get per-subscription
series (``event_streamer_subscriptions`` counts them all). Admin keys only, as the admin API.

Metrics (labels in braces):

- ``event_streamer_chain_head_block{chain_id}``: last head read from the node.
- ``event_streamer_chain_ingest_limit_block{chain_id,finality}``: last block ingestion may reach
  (head minus confirmations, or the node's ``safe``/``finalized`` block).
- ``event_streamer_chain_ingested_block{chain_id}``: highest block stored for a subscription.
- ``event_streamer_chain_lag_blocks{chain_id}`` / ``..._lag_seconds``: head minus ingested (the
  seconds are estimated from the chain's average block time).
- ``event_streamer_rpc_requests_total`` / ``..._errors_total{chain_id,endpoint,host}``:
  requests sent to each RPC endpoint and those that failed; ``host`` is scheme, host and port
  only (never a path, query or credentials).
- ``event_streamer_rpc_breaker_state{chain_id,endpoint,host}``: 0 closed, 1 half-open, 2 open.
- ``event_streamer_subscription_backlog_batches{subscription_id,chain_id}``: unacknowledged batches.
- ``event_streamer_subscription_events_delivered_total{...}``: events in acknowledged batches.
- ``event_streamer_subscription_open_streams{...}``, ``..._last_processed_block{...}``,
  ``..._lag_blocks{...}``.
- ``event_streamer_backfill_blocks_done{subscription_id}`` / ``..._blocks_total`` while backfilling.
- ``event_streamer_open_streams``, ``event_streamer_subscriptions``.
- ``process_*``: the process collector's CPU, memory, file descriptors, start time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from starlette.responses import Response

from ._api_chains import require_admin
from ._http import Call, Handler
from ._service import Service
from ._storage import ChainRow, SubscriptionRow

__all__ = ["MAX_SUBSCRIPTIONS", "Snapshot", "handlers", "render", "take_snapshot"]

logger = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 500  # per-subscription series in one scrape (most recent first)
_BREAKER_STATE = {"closed": 0, "half_open": 1, "open": 2}


@dataclass(frozen=True, slots=True)
class RpcEndpoint:
    chain_id: int
    endpoint: str  # the breaker's name, rpc:<chain>:<index>
    host: str
    requests: int
    errors: int
    breaker_state: int


@dataclass(frozen=True, slots=True)
class SubscriptionState:
    row: SubscriptionRow
    backlog: int
    open_streams: int
    backfill: dict[str, Any] | None


@dataclass(slots=True)
class Snapshot:
    """What one scrape reports, read before the metrics are built."""

    chains: list[ChainRow] = field(default_factory=list)
    heads: dict[int, int] = field(default_factory=dict)
    limits: dict[int, int] = field(default_factory=dict)
    endpoints: list[RpcEndpoint] = field(default_factory=list)
    subscriptions: list[SubscriptionState] = field(default_factory=list)
    subscription_total: int = 0
    open_streams: int = 0


def _host(url: str) -> str:
    """Scheme, host and port of ``url``: no path, query or userinfo (they may hold keys)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "<invalid>"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


async def take_snapshot(
    service: Service, *, max_subscriptions: int = MAX_SUBSCRIPTIONS
) -> Snapshot:
    """Read the service's state for one scrape (bounded: at most ``max_subscriptions``)."""
    snap = Snapshot(chains=await service.storage.list_chains())
    for chain_id, worker in list(service.ingest.workers.items()):
        if worker.head is not None:
            snap.heads[chain_id] = worker.head
        if worker.limit is not None:
            snap.limits[chain_id] = worker.limit
    counts = service.rpc.request_counts
    for breaker in list(service.rpc.breakers.values()):
        url = breaker.rpc_url or ""
        requests, errors = counts.get(url, (0, 0))
        snap.endpoints.append(
            RpcEndpoint(
                chain_id=breaker.chain_id or 0,
                endpoint=breaker.name,
                host=_host(url),
                requests=requests,
                errors=errors,
                breaker_state=_BREAKER_STATE.get(str(breaker.state), 2),
            )
        )
    rows, snap.subscription_total = await service.storage.list_subscriptions(
        None, 0, max_subscriptions
    )
    backlogs = await service.storage.unacked_counts([row.id for row in rows])
    for row in rows:
        snap.subscriptions.append(
            SubscriptionState(
                row=row,
                backlog=backlogs.get(row.id, 0),
                open_streams=service.hub.count(row.id),
                backfill=service.ingest.progress(row.id),
            )
        )
    snap.open_streams = len(service.hub.connections)
    return snap


class _SnapshotCollector(Collector):
    """Metric families built from one :class:`Snapshot` (set just before each render)."""

    def __init__(self) -> None:
        self.snapshot = Snapshot()

    def collect(self) -> Iterator[Metric]:
        snap = self.snapshot
        chain_labels = ["chain_id"]
        head = GaugeMetricFamily(
            "event_streamer_chain_head_block", "Last head read from the node.", labels=chain_labels
        )
        limit = GaugeMetricFamily(
            "event_streamer_chain_ingest_limit_block",
            "Last block ingestion may reach (head minus confirmations, or the tagged block).",
            labels=["chain_id", "finality"],
        )
        ingested = GaugeMetricFamily(
            "event_streamer_chain_ingested_block",
            "Highest block stored for a subscription of the chain.",
            labels=chain_labels,
        )
        lag = GaugeMetricFamily(
            "event_streamer_chain_lag_blocks", "Head minus ingested block.", labels=chain_labels
        )
        lag_s = GaugeMetricFamily(
            "event_streamer_chain_lag_seconds",
            "Lag in blocks times the chain's average block time.",
            labels=chain_labels,
        )
        highest: dict[int, int] = {}
        for state in snap.subscriptions:
            last = state.row.last_processed_block
            if last is not None:
                highest[state.row.chain_id] = max(highest.get(state.row.chain_id, last), last)
        for chain in snap.chains:
            cid = str(chain.chain_id)
            chain_head = snap.heads.get(chain.chain_id)
            if chain_head is not None:
                head.add_metric([cid], chain_head)
            if chain.chain_id in snap.limits:
                limit.add_metric([cid, chain.finality], snap.limits[chain.chain_id])
            done = highest.get(chain.chain_id)
            if done is not None:
                ingested.add_metric([cid], done)
                if chain_head is not None:
                    blocks = max(0, chain_head - done)
                    lag.add_metric([cid], blocks)
                    lag_s.add_metric([cid], blocks * chain.average_block_time)
        yield from (head, limit, ingested, lag, lag_s)
        yield from self._rpc(snap)
        yield from self._subscriptions(snap)

    @staticmethod
    def _rpc(snap: Snapshot) -> Iterator[Metric]:
        labels = ["chain_id", "endpoint", "host"]
        requests = CounterMetricFamily(
            "event_streamer_rpc_requests", "Requests sent to an RPC endpoint.", labels=labels
        )
        errors = CounterMetricFamily(
            "event_streamer_rpc_errors",
            "Requests to an RPC endpoint that failed (transport, 5xx, rate limit, node error).",
            labels=labels,
        )
        state = GaugeMetricFamily(
            "event_streamer_rpc_breaker_state",
            "Circuit breaker of an RPC endpoint: 0 closed, 1 half-open, 2 open.",
            labels=labels,
        )
        for e in snap.endpoints:
            values = [str(e.chain_id), e.endpoint, e.host]
            requests.add_metric(values, e.requests)
            errors.add_metric(values, e.errors)
            state.add_metric(values, e.breaker_state)
        yield from (requests, errors, state)

    @staticmethod
    def _subscriptions(snap: Snapshot) -> Iterator[Metric]:
        labels = ["subscription_id", "chain_id"]
        backlog = GaugeMetricFamily(
            "event_streamer_subscription_backlog_batches",
            "Unacknowledged batches of the subscription.",
            labels=labels,
        )
        delivered = CounterMetricFamily(
            "event_streamer_subscription_events_delivered",
            "Events in acknowledged batches.",
            labels=labels,
        )
        streams = GaugeMetricFamily(
            "event_streamer_subscription_open_streams", "Open streams.", labels=labels
        )
        last = GaugeMetricFamily(
            "event_streamer_subscription_last_processed_block",
            "Last block whose events are stored for delivery.",
            labels=labels,
        )
        lag = GaugeMetricFamily(
            "event_streamer_subscription_lag_blocks",
            "Chain head minus the subscription's last processed block.",
            labels=labels,
        )
        done = GaugeMetricFamily(
            "event_streamer_backfill_blocks_done",
            "Blocks of the backfill committed.",
            labels=labels,
        )
        total = GaugeMetricFamily(
            "event_streamer_backfill_blocks_total", "Blocks the backfill covers.", labels=labels
        )
        for s in snap.subscriptions:
            values = [str(s.row.id), str(s.row.chain_id)]
            backlog.add_metric(values, s.backlog)
            delivered.add_metric(values, s.row.events_delivered)
            streams.add_metric(values, s.open_streams)
            cursor = s.row.last_processed_block
            if cursor is not None:
                last.add_metric(values, cursor)
                chain_head = snap.heads.get(s.row.chain_id)
                if chain_head is not None:
                    lag.add_metric(values, max(0, chain_head - cursor))
            if s.backfill is not None:
                done.add_metric(values, s.backfill["blocks_done"])
                total.add_metric(values, s.backfill["blocks_total"])
        yield from (backlog, delivered, streams, last, lag, done, total)
        yield GaugeMetricFamily(
            "event_streamer_open_streams",
            "Open streams, all subscriptions.",
            value=snap.open_streams,
        )
        yield GaugeMetricFamily(
            "event_streamer_subscriptions", "Subscriptions stored.", value=snap.subscription_total
        )


class Exposition:
    """One registry per service: the snapshot collector and the process collector."""

    def __init__(self, *, process: bool = True) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.collector = _SnapshotCollector()
        self.registry.register(self.collector)
        if process:
            ProcessCollector(registry=self.registry)

    def render(self, snapshot: Snapshot) -> bytes:
        # No await between setting the snapshot and rendering it: scrapes cannot interleave.
        self.collector.snapshot = snapshot
        return generate_latest(self.registry)


def render(snapshot: Snapshot) -> bytes:
    """``snapshot`` in the Prometheus text format (without process metrics; for tests)."""
    return Exposition(process=False).render(snapshot)


def handlers(service: Service) -> dict[str, Handler]:
    exposition = Exposition()

    async def get_metrics(call: Call) -> Response:
        require_admin(call)
        body = exposition.render(await take_snapshot(service))
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return {"get_metrics": get_metrics}
