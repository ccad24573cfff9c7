"""The service's state: settings, storage, node access. Shared by every handler."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import logging
import time
import weakref
from dataclasses import dataclass, field

from event_streamer.abi import DecodeLimits

from ._cluster import Cluster
from ._decode_pool import DecodePool
from ._faults import FaultPoints
from ._guard import Guard
from ._ingest import ChainWorker, IngestManager
from ._lease import LeaseKeeper, default_instance_id
from ._newheads import HeadPush
from ._retention import Retention
from ._rpc import RpcPool
from ._secrets import DEFAULT_GRACE_SECONDS, Keyring, ResumeClaims, Secret, TokenCodec
from ._settings import ChainSeed, Settings
from ._storage import AlreadyExists, ChainRow, IngestLease, NewChain, Storage, SubscriptionRow
from ._streams import Connection, Hub, instance_tag
from ._time import now_iso

__all__ = ["Service"]

logger = logging.getLogger(__name__)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Service:
    settings: Settings
    storage: Storage
    rpc: RpcPool
    last_refresh: str | None = None
    hub: Hub = field(default_factory=Hub)
    tokens: TokenCodec = field(init=False)
    ingest: IngestManager = field(init=False)
    _sweeper: asyncio.Task[None] | None = None
    retention: Retention = field(init=False)
    heads: HeadPush = field(init=False)
    faults: FaultPoints = field(init=False)
    guard: Guard = field(init=False)
    instance_id: str = field(init=False)  # this instance's name in ingestion leases
    leases: LeaseKeeper = field(init=False)
    cluster: Cluster = field(init=False)
    # subscription id -> its subscriber, for tokens signed without a storage read
    owners: dict[int, str] = field(default_factory=dict)
    _locks: weakref.WeakValueDictionary[object, asyncio.Lock] = field(
        default_factory=weakref.WeakValueDictionary
    )

    def __post_init__(self) -> None:
        self.faults = FaultPoints(self.settings.test_faults)
        self.guard = Guard(self.settings)
        self.instance_id = self.settings.instance_id or default_instance_id()
        # Connection ids carry the instance's tag: an ack or heartbeat that a load balancer
        # sends to another instance is recognised there as a peer's stream (not an unknown one).
        self.hub.tag = instance_tag(self.instance_id)

    def lock(self, key: object) -> asyncio.Lock:
        """The lock that makes a check-and-write on ``key`` one step (held while in use)."""
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def start(self) -> None:
        await self.storage.open()
        for key in await self.storage.api_keys():
            self.guard.add_key(key)
        if (
            self.guard.open
            and not _loopback(self.settings.host)
            and not self.settings.insecure_open
        ):
            raise RuntimeError(
                f"open mode (no API keys) on {self.settings.host}, which is not a loopback "
                "address: configure api_keys (or api_key), or pass --insecure-open"
            )
        if self.guard.open:
            logger.warning(
                "open mode: no API keys are configured, every caller is an admin "
                "(local development only; see the README's Security section)"
            )
        self.tokens = TokenCodec(await self.load_keyring(self.storage))
        # Commits wake streams (this instance's, and other instances' where the backend tells).
        self.storage.add_commit_listener(self.hub.notify)
        self.leases = LeaseKeeper(
            self.storage,
            self.instance_id,
            self.settings.ingest_lease_ttl,
            on_gain=self._lease_gained,
            on_loss=self._lease_lost,
        )
        self.ingest = IngestManager(
            functools.partial(
                ChainWorker,
                storage=self.storage,
                rpc=self.rpc,
                hub=self.hub,
                batch_size=self.settings.batch_size,
                faults=self.faults,
                decode_limits=DecodeLimits(max_depth=self.settings.decode_max_depth),
            ),
            lease_for=self.leases.lease,
            unheld=lambda _: self.leases.poke(),
            lease_lost=self.leases.lost,
            wanted=self._ingest_wanted,
            decode_pool=DecodePool.from_setting(self.settings.decode_workers),
        )
        self.heads = HeadPush(self._wake_chain, policy=self.guard.policy)
        await self.seed_chains()
        await self.load_chains()
        self.cluster = Cluster(self.storage, self.hub, self.ingest, self.leases, self.load_chains)
        # Leases and the shared store's subscriptions first, so ingestion starts with serving.
        await self.cluster.reconcile()
        await self.leases.tick()
        self.cluster.start()
        logger.info("instance %s, ingestion lease ttl %ss", self.instance_id, self.leases.ttl)
        self._sweeper = asyncio.create_task(self._sweep(), name="connection-sweeper")
        self.retention = Retention(
            self.storage,
            retention=self.settings.ack_retention,
            interval=self.settings.retention_interval,
        )
        self.retention.start()

    def begin_shutdown(self) -> None:
        """Close every stream so the server can drain (called before connections are awaited)."""
        self.hub.shutdown()

    async def stop(self) -> None:
        self.hub.shutdown()
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await self.cluster.stop()
        await self.ingest.stop_all()
        await self.leases.stop()  # released: a peer takes over at once
        await self.retention.stop()
        await self.heads.stop()
        await self.rpc.aclose()
        await self.storage.close()

    @staticmethod
    async def load_keyring(storage: Storage, *, rotate: bool = False) -> Keyring:
        """The stored keyring; the first one signs with the old single secret and accepts
        old-format tokens a week more. ``rotate``: a new current secret, saved."""
        records = await storage.keyring_records()
        now = time.time()
        if records:
            keyring = Keyring.from_records(records, accept_legacy_until=now + DEFAULT_GRACE_SECONDS)
        else:
            keyring = Keyring(Secret(await storage.secret()), (), now + DEFAULT_GRACE_SECONDS)
        if rotate or not records:
            keyring = keyring.rotate(now=now) if rotate else keyring
            await storage.save_keyring_records(keyring.to_records())
        return keyring

    def token_for(self, subscription_id: int, seq: int) -> str:
        subscriber = self.owners.get(subscription_id, "default")
        return self.tokens.sign(ResumeClaims(subscription_id, seq), subscriber_id=subscriber)

    def resume_position(self, token: str, subscription_id: int, subscriber_id: str) -> int:
        """The batch seq ``token`` resumes after (``InvalidToken`` when it is not valid here)."""
        claims = self.tokens.verify(
            token, subscription_id=subscription_id, subscriber_id=subscriber_id
        )
        return claims.seq

    def open_stream(
        self, subscription_id: int, chain_id: int, *, subscriber_id: str = "default"
    ) -> Connection:
        self.owners[subscription_id] = subscriber_id
        conn = self.hub.open(subscription_id)
        self.ingest.start_for(subscription_id, chain_id)
        self.cluster.stream_opened()
        return conn

    async def release(self, conn: Connection) -> None:
        """A stream ended; stop ingesting when it was the subscription's last."""
        if self.hub.release(conn):
            await self.ingest.stop_for(conn.subscription_id)
            sub = await self.storage.get_subscription(conn.subscription_id)
            if sub is not None and sub.streaming_status == "active":
                await self.storage.update_subscription(sub.id, {"streaming_status": "idle"})

    async def close_subscription(self, subscription_id: int) -> None:
        self.owners.pop(subscription_id, None)
        self.hub.close_subscription(subscription_id)
        await self.ingest.stop_for(subscription_id)

    async def _sweep(self) -> None:
        interval = max(0.05, min(5.0, self.settings.connection_timeout / 4))
        while True:
            await asyncio.sleep(interval)
            for conn in self.hub.close_idle(self.settings.connection_timeout):
                logger.info("closing stream %s: silent past connection_timeout", conn.id)

    async def seed_chains(self) -> None:
        """Create chains declared in the config file that storage does not have yet."""
        for seed in self.settings.chains:
            stored = await self.storage.get_chain(seed.chain_id)
            if stored is not None:
                _warn_if_changed(seed, stored)
            else:
                logger.info("adding chain %d (%s) from the config file", seed.chain_id, seed.name)
                new = NewChain(
                    chain_id=seed.chain_id,
                    name=seed.name,
                    rpc_urls=list(seed.rpc_urls),
                    average_block_time=seed.average_block_time,
                    max_blocks_per_request=seed.max_blocks_per_request,
                    confirmation_blocks=seed.confirmation_blocks,
                    max_concurrent_requests=seed.max_concurrent_requests,
                    status="active",
                    finality=seed.finality,
                )
                with contextlib.suppress(AlreadyExists):  # a peer instance seeded it first
                    await self.storage.insert_chain(new)

    async def load_chains(self) -> int:
        """(Re)build node access from storage; returns the number of chains."""
        chains = await self.storage.list_chains()
        active = {c.chain_id: c for c in chains if c.status == "active"}
        for chain_id in self.rpc.chain_ids():
            if chain_id not in active:
                self.rpc.remove(chain_id)
        for chain_id, chain in active.items():
            self.rpc.configure(chain_id, chain.rpc_urls)
        await self.heads.configure({c: chain.ws_url for c, chain in active.items()})
        self.last_refresh = now_iso()
        return len(chains)

    async def _lease_gained(self, lease: IngestLease) -> None:
        await self.ingest.lease_gained(lease)

    async def _lease_lost(self, chain_id: int) -> None:
        await self.ingest.lease_lost(chain_id)

    def _ingest_wanted(self, sub: SubscriptionRow) -> bool:
        """A step ingests subscriptions streamed here, or streamed anywhere (not ``idle``)."""
        return sub.streaming_status != "idle" or self.hub.count(sub.id) > 0

    def _wake_chain(self, chain_id: int) -> None:
        """A new head (newHeads push): the chain's ingestion steps now, not at its next poll."""
        worker = self.ingest.workers.get(chain_id)
        if worker is not None:
            worker.wake.set()

    def connection_count(self, subscription_id: int) -> int:
        return self.hub.count(subscription_id)


def _warn_if_changed(seed: ChainSeed, stored: ChainRow) -> None:
    """Config chains only seed a new database: say so when the file no longer matches."""
    wanted = {
        "rpc_urls": list(seed.rpc_urls),
        "name": seed.name,
        "average_block_time": seed.average_block_time,
        "max_blocks_per_request": seed.max_blocks_per_request,
        "confirmation_blocks": seed.confirmation_blocks,
        "max_concurrent_requests": seed.max_concurrent_requests,
        "finality": seed.finality,
    }
    changed = sorted(k for k, v in wanted.items() if getattr(stored, k) != v)
    if changed:
        logger.warning(
            "chain %d in the config file differs from the stored chain (%s): the stored chain "
            "is used; change it with PUT /api/chains/%d or `event-streamer chains update`",
            seed.chain_id,
            ", ".join(changed),
            seed.chain_id,
        )
