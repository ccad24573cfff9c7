"""This instance's part in a group of instances sharing one store.

Instances coordinate only through the store. Every ``RECONCILE_INTERVAL`` (and at once when a
stream opens here) an instance:

- reloads node access when the chains changed (a chain added through another instance);
- tells its :class:`~._lease.LeaseKeeper` to hold every active chain's ingestion lease (one
  instance gets each; the others keep trying, which is how a dead holder is replaced);
- marks ``idle`` subscriptions it streams as ``active`` (how a stream here asks whichever
  instance holds the chain's lease to ingest for it), and gives its :class:`~._ingest.IngestManager`
  every subscription that is ``active`` or streamed here (only chains whose lease it holds run),
  except one streamed only elsewhere with ``REMOTE_BACKLOG_LIMIT`` unacknowledged batches or
  more: its consumer is far behind, or gone with the instance that streamed it (a subscription
  left ``active`` by a killed instance), and either way more batches would only pile up;
- closes its streams of subscriptions deleted through another instance.

Wake-ups: batches committed here wake local streams through the storage's commit listener, as
do other instances' commits where the backend reports them (PostgreSQL NOTIFY). Streams of
subscriptions whose chain is ingested elsewhere are also woken every ``POLL_INTERVAL`` (the
fallback, and the only path on SQLite shared by several processes): a woken stream reads its
unacknowledged batches, so delivery from another instance's commit takes at most that long.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from ._ingest import IngestManager
from ._lease import LeaseKeeper
from ._storage import Storage
from ._streams import Hub

__all__ = ["POLL_INTERVAL", "RECONCILE_INTERVAL", "REMOTE_BACKLOG_LIMIT", "Cluster"]

logger = logging.getLogger(__name__)

RECONCILE_INTERVAL = 1.0  # seconds: chains and subscriptions created elsewhere are seen this fast
POLL_INTERVAL = 0.5  # seconds: streams fed by another instance's commits look at least this often
REMOTE_BACKLOG_LIMIT = 10_000  # batches: ingestion for remote streams pauses at this backlog
_PAGE = 500  # subscriptions read per query during a reconcile
_MAX_SUBSCRIPTIONS = 200_000  # a reconcile reads at most this many (bounded work per pass)


class Cluster:
    """Reconciles what this instance ingests and wakes with what the shared store says."""

    def __init__(
        self,
        storage: Storage,
        hub: Hub,
        ingest: IngestManager,
        keeper: LeaseKeeper,
        load_chains: Callable[[], Awaitable[int]],
    ) -> None:
        self.storage = storage
        self.hub = hub
        self.ingest = ingest
        self.keeper = keeper
        self._load_chains = load_chains
        self._chains_seen: object = None
        self._poke = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self.keeper.start()
        self._tasks = [
            asyncio.create_task(self._reconcile_loop(), name="cluster-reconcile"),
            asyncio.create_task(self._poll_loop(), name="cluster-poll"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def stream_opened(self) -> None:
        """A stream opened here: reconcile now (it may need another instance to ingest)."""
        self._poke.set()

    async def reconcile(self) -> None:
        """One pass (see the module docstring)."""
        chains = await self.storage.list_chains()
        seen = [(c.chain_id, c.status, tuple(c.rpc_urls), c.ws_url) for c in chains]
        if seen != self._chains_seen:
            await self._load_chains()
            self._chains_seen = seen
        self.keeper.want(c.chain_id for c in chains if c.status == "active")
        wanted: dict[int, int] = {}
        listed: set[int] = set()
        offset, total = 0, 0
        while offset < _MAX_SUBSCRIPTIONS:
            rows, total = await self.storage.list_subscriptions(None, offset, _PAGE)
            # One query for the page's backlogs: those streamed elsewhere need it.
            backlogs = await self.storage.unacked_counts(
                [r.id for r in rows if r.streaming_status == "active" and not self.hub.count(r.id)]
            )
            for row in rows:
                listed.add(row.id)
                status = row.streaming_status
                streamed_here = self.hub.count(row.id) > 0
                if streamed_here and status == "idle":
                    await self.storage.update_subscription(row.id, {"streaming_status": "active"})
                    status = "active"
                if streamed_here or (
                    status == "active" and backlogs.get(row.id, 0) < REMOTE_BACKLOG_LIMIT
                ):
                    wanted[row.id] = row.chain_id
            offset += len(rows)
            if not rows or offset >= total:
                break
        for sid, chain_id in wanted.items():
            if self.ingest.chain_of.get(sid) != chain_id:
                self.ingest.start_for(sid, chain_id)
        for sid in [s for s in self.ingest.chain_of if s not in wanted]:
            if self.hub.count(sid) == 0:
                await self.ingest.stop_for(sid)
        if offset >= total:  # the whole list was read: a streamed id missing from it is gone
            for sid in [s for s in self.hub.by_subscription if s not in listed]:
                if await self.storage.get_subscription(sid) is None:  # not just created
                    logger.info("subscription %d was deleted elsewhere: closing its streams", sid)
                    self.hub.close_subscription(sid)
                    await self.ingest.stop_for(sid)

    async def _reconcile_loop(self) -> None:
        while True:
            self._poke.clear()
            try:
                await self.reconcile()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("reconcile with the shared store failed")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(RECONCILE_INTERVAL):
                    await self._poke.wait()

    async def _poll_loop(self) -> None:
        while True:
            await asyncio.sleep(POLL_INTERVAL)
            for sid in list(self.hub.by_subscription):
                chain_id = self.ingest.chain_of.get(sid)
                if chain_id is None or self.keeper.lease(chain_id) is None:
                    self.hub.notify(sid)
