"""Reconcile with the shared store: which subscriptions this instance ingests and keeps open."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from event_streamer_server import _cluster
from event_streamer_server._cluster import Cluster
from event_streamer_server._ingest import IngestManager
from event_streamer_server._lease import LeaseKeeper
from event_streamer_server._storage import IngestLease, NewBatch, Storage
from event_streamer_server._streams import Hub
from tests.unit._rows import new_subscription


class FakeWorker:
    """What IngestManager needs of a ChainWorker; runs until cancelled."""

    def __init__(self, chain_id: int) -> None:
        self.chain_id = chain_id
        self.members: set[int] = set()
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.lease: IngestLease | None = None
        self.reorgs = type("Reorgs", (), {"fence": None})()
        self.on_lease_lost: Any = None
        self.wanted: Any = None

    async def run(self) -> None:
        await asyncio.Event().wait()


async def nothing(*_: Any) -> None:
    return None


async def test_reconcile_ingests_active_and_local_and_closes_deleted(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_cluster, "REMOTE_BACKLOG_LIMIT", 1)
    remote = await new_subscription(storage)
    await storage.update_subscription(remote.id, {"streaming_status": "active"})
    await new_subscription(storage)  # idle, streamed nowhere: not ingested
    local = await new_subscription(storage)
    backlog = await new_subscription(storage)
    await storage.update_subscription(backlog.id, {"streaming_status": "active"})
    await storage.store_range(backlog.id, [NewBatch("b1", b"{}", 1, 1, 1)], 1, [])
    gone = await new_subscription(storage)
    await storage.delete_subscription(gone.id)

    hub = Hub()
    local_conn = hub.open(local.id)
    gone_conn = hub.open(gone.id)
    ingest = IngestManager(FakeWorker)  # type: ignore[arg-type]
    keeper = LeaseKeeper(storage, "me", 30.0, on_gain=nothing, on_loss=nothing)
    loads: list[int] = []

    async def load_chains() -> int:
        loads.append(1)
        return 1

    cluster = Cluster(storage, hub, ingest, keeper, load_chains)
    try:
        await cluster.reconcile()
        assert ingest.chain_of == {remote.id: 1, local.id: 1}  # not idle, not the backlog
        assert keeper.wanted == {1}
        row = await storage.get_subscription(local.id)
        assert row is not None
        assert row.streaming_status == "active"  # asks the lease holder to ingest it
        assert gone_conn.closed
        assert not local_conn.closed
        await cluster.reconcile()
        assert loads == [1]  # node access reloaded only when the chains changed
        # The remote stream went away (idle): ingestion for it stops at the next pass.
        await storage.update_subscription(remote.id, {"streaming_status": "idle"})
        await cluster.reconcile()
        assert ingest.chain_of == {local.id: 1}
    finally:
        await ingest.stop_all()
