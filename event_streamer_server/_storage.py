"""The storage contract the service depends on, and the typed rows it trades in.

SQLite implements it today (``_sqlite.py``); a PostgreSQL backend implements the same protocol.
Nothing here names a database: rows are plain values (JSON columns already decoded, timestamps
as ISO 8601 strings), and a backend's own bookkeeping (sequence counters, block-hash windows)
stays inside the backend.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ._principals import StoredKey

__all__ = [
    "CHAIN_FIELDS",
    "MAX_NOTICE_IDS",
    "SUBSCRIPTION_FIELDS",
    "AckResult",
    "AlreadyExists",
    "ChainRow",
    "IngestLease",
    "LeaseLost",
    "NewBatch",
    "NewChain",
    "NewSubscription",
    "ReorgNotice",
    "Storage",
    "StorageBusy",
    "StoredBatch",
    "SubscriptionRow",
]

# The fields ``update_chain`` / ``update_subscription`` may change; other keys are ignored.
CHAIN_FIELDS = (
    "name",
    "rpc_urls",
    "average_block_time",
    "max_blocks_per_request",
    "confirmation_blocks",
    "status",
    "max_concurrent_requests",
    "ws_url",
    "finality",
)
SUBSCRIPTION_FIELDS = (
    "topic0",
    "event_signature",
    "addresses",
    "start_block",
    "end_block",
    "chain_id",
    "subscriber_id",
    "streaming_status",
    "extra_events",
    "topics",
)


@dataclass(frozen=True, slots=True)
class NewChain:
    """A chain to create (status ``active`` or ``inactive``)."""

    chain_id: int
    name: str
    rpc_urls: list[str]
    average_block_time: float
    max_blocks_per_request: int
    confirmation_blocks: int
    status: str
    max_concurrent_requests: int = field(default=6, kw_only=True)  # spans in flight (backfill)
    # WebSocket endpoint for the newHeads push (None: polling only).
    ws_url: str | None = field(default=None, kw_only=True)
    # How far ingestion goes: "confirmations" (head - confirmation_blocks), or the block the
    # node reports under the "safe" / "finalized" tag.
    finality: str = field(default="confirmations", kw_only=True)


@dataclass(frozen=True, slots=True)
class ChainRow(NewChain):
    """A stored chain: what was created, and when."""

    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class NewSubscription:
    """A subscription to create; the backend assigns its id and starts it ``idle``."""

    topic0: str
    event_signature: dict[str, Any]
    addresses: list[str]
    start_block: int
    end_block: int | None
    chain_id: int
    subscriber_id: str
    # Further event ABIs streamed with ``event_signature`` (several events, one stream).
    extra_events: list[dict[str, Any]] = field(default_factory=list, kw_only=True)
    # topic1..topic3 filter as eth_getLogs takes it: per position None, a hash or a list of them.
    topics: list[str | list[str] | None] | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class SubscriptionRow(NewSubscription):
    """A stored subscription: what was created, its id, and its delivery progress."""

    id: int
    streaming_status: str
    last_processed_block: int | None  # the cursor: logs up to here are stored as batches
    last_block_hash: str | None  # hash of last_processed_block when it was processed
    resume_token: str | None
    last_event_id: str | None
    events_delivered: int
    created_at: str
    updated_at: str

    @property
    def cursor(self) -> int:
        """The last block whose logs are stored (``start_block - 1`` before the first)."""
        last = self.last_processed_block
        return self.start_block - 1 if last is None else last


@dataclass(frozen=True, slots=True)
class NewBatch:
    """A batch ready to persist: events already encoded as the stream sends them."""

    batch_id: str
    events_json: bytes  # {"EventName": [event, ...]} as JSON
    event_count: int
    first_block: int
    last_block: int


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """A persisted batch; ``seq`` orders a subscription's batches (1, 2, ... without gaps)."""

    batch_id: str
    subscription_id: int
    seq: int
    events_json: bytes
    event_count: int
    first_block: int
    last_block: int
    # "events", or "reorg": a reorg notice in the delivery sequence; ``events_json`` then holds
    # the notice (``ReorgNotice.as_json``), acknowledged by its id like a batch.
    kind: str = field(default="events", kw_only=True)


# Void batch ids a notice lists at most (it also gives their count).
MAX_NOTICE_IDS = 1000


@dataclass(frozen=True, slots=True)
class ReorgNotice:
    """A rewind that voided delivered batches, kept in the subscription's delivery sequence."""

    notice_id: str
    seq: int
    fork_block: int  # events above this block are void and come again
    void_batch_ids: list[str]  # at most MAX_NOTICE_IDS, in seq order
    void_batch_count: int

    @classmethod
    def new(cls, seq: int, fork_block: int, void_ids: list[str]) -> ReorgNotice:
        """A notice taking sequence position ``seq`` for the void batches ``void_ids``."""
        return cls(
            notice_id=f"reorg_{uuid.uuid4().hex}",
            seq=seq,
            fork_block=fork_block,
            void_batch_ids=void_ids[:MAX_NOTICE_IDS],
            void_batch_count=len(void_ids),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "fork_block": self.fork_block,
            "void_batch_ids": self.void_batch_ids,
            "void_batch_count": self.void_batch_count,
        }


@dataclass(slots=True)
class AckResult:
    """Outcome of acknowledging batch ids (all committed before it is returned)."""

    acknowledged: list[str] = field(default_factory=list)  # newly or already acknowledged
    unknown: list[str] = field(default_factory=list)
    events: dict[str, int] = field(default_factory=dict)  # batch id -> event count
    resume_token: str | None = None


class AlreadyExists(Exception):
    """The key is taken: e.g. another instance created the same chain a moment ago (409)."""


class StorageBusy(Exception):
    """The store is locked by another writer past its busy timeout (the API answers 503)."""


@dataclass(frozen=True, slots=True)
class IngestLease:
    """Who ingests a chain: one instance at a time, fenced by a token that grows on every
    hand-over."""

    chain_id: int
    owner: str  # instance id
    token: int  # fencing token: +1 each time the lease changes owner (unchanged on renewal)
    expires_at: float  # unix seconds (the backend's clock: SQLite time.time(), PostgreSQL now())


class LeaseLost(Exception):
    """A fenced write found the chain's lease held by another owner or token: nothing was
    written."""


class Storage(Protocol):
    """Durable state. Every write is committed before its call returns.

    Calls may come concurrently from many tasks; a backend makes each call atomic (one
    transaction) and need not offer more. Missing rows are ``None``/``False``, not errors.
    """

    async def open(self) -> None:
        """Connect and bring the schema up to date (idempotent; safe on an existing store)."""
        ...

    async def close(self) -> None:
        """Release connections; the store is not used afterwards."""
        ...

    async def secret(self) -> bytes:
        """The server secret that signs resume tokens: created on first use, then stable."""
        ...

    async def keyring_records(self) -> list[dict[str, Any]]:
        """The resume-token keyring (``_secrets.Keyring.to_records``); empty before the first."""
        ...

    async def save_keyring_records(self, records: list[dict[str, Any]]) -> None:
        """Replace the resume-token keyring."""
        ...

    async def api_keys(self) -> list[StoredKey]:
        """Every stored API key (digests only)."""
        ...

    async def insert_api_key(self, key: StoredKey) -> None:
        """Store a new API key's digest."""
        ...

    # -- chains ---------------------------------------------------------------------------------
    async def list_chains(self) -> list[ChainRow]:
        """Every chain, active or not, ordered by chain id."""
        ...

    async def get_chain(self, chain_id: int) -> ChainRow | None:
        """The chain, or ``None`` when it is not configured."""
        ...

    async def insert_chain(self, chain: NewChain) -> ChainRow:
        """Create a chain; :class:`AlreadyExists` when ``chain_id`` is taken (the caller checks
        first; another instance may still have created it in between)."""
        ...

    async def update_chain(self, chain_id: int, changes: Mapping[str, Any]) -> ChainRow | None:
        """Apply ``changes`` (keys of :data:`CHAIN_FIELDS`); ``None`` when there is no chain."""
        ...

    # -- subscriptions --------------------------------------------------------------------------
    async def insert_subscription(self, sub: NewSubscription) -> SubscriptionRow:
        """Create a subscription (status ``idle``, nothing processed) and return it with its id."""
        ...

    async def get_subscription(self, subscription_id: int) -> SubscriptionRow | None:
        """The subscription, or ``None`` when there is none with that id."""
        ...

    async def list_subscriptions(
        self, subscriber_id: str | None, offset: int, limit: int
    ) -> tuple[list[SubscriptionRow], int]:
        """One page, newest first, and the total; all subscribers when ``subscriber_id`` is None."""
        ...

    async def update_subscription(
        self, subscription_id: int, changes: Mapping[str, Any]
    ) -> SubscriptionRow | None:
        """Apply ``changes`` (keys of :data:`SUBSCRIPTION_FIELDS`); ``None`` when it is gone."""
        ...

    async def delete_subscription(self, subscription_id: int) -> bool:
        """Delete it with its batches, hashes and decode errors; ``False`` when there was none."""
        ...

    # -- delivery -------------------------------------------------------------------------------
    async def store_range(
        self,
        subscription_id: int,
        batches: Sequence[NewBatch],
        last_block: int,
        block_hashes: Sequence[tuple[int, str]],
        *,
        fence: IngestLease | None = None,
    ) -> None:
        """Persist ``batches`` (next seqs, in order) and move the cursor to ``last_block``.

        One transaction: batches and cursor commit together or not at all. ``block_hashes`` are
        the (block, hash) pairs seen, kept for reorg detection over a bounded window; the hash
        of ``last_block``, when given, becomes the subscription's ``last_block_hash``. A deleted
        subscription makes this a no-op. ``fence``: the same transaction first checks that the
        subscription's chain lease still has that owner and token, else raises
        :class:`LeaseLost` and writes nothing.
        """
        ...

    async def unacked_batches(
        self, subscription_id: int, after_seq: int, limit: int
    ) -> list[StoredBatch]:
        """Up to ``limit`` unacknowledged batches with seq > ``after_seq``, in seq order."""
        ...

    async def unacked_count(self, subscription_id: int) -> int:
        """How many of the subscription's event batches are not acknowledged (notices aside)."""
        ...

    async def unacked_counts(self, subscription_ids: Sequence[int]) -> dict[int, int]:
        """:meth:`unacked_count` of several subscriptions in one query (absent ids: 0)."""
        ...

    async def ack_batches(
        self, subscription_id: int, batch_ids: Sequence[str], token_for: Callable[[int], str]
    ) -> AckResult:
        """Acknowledge the subscription's batches by id, idempotently, in one transaction.

        Ids of other subscriptions or unknown ids are reported in ``unknown``. The stored resume
        token becomes ``token_for(highest acknowledged seq)``; ``events_delivered`` grows by the
        newly acknowledged batches' events. Reorg notices below a newly acknowledged batch are
        acknowledged with it (a client that ignores notices never holds them back).
        """
        ...

    async def ack_through(
        self, subscription_id: int, seq: int, token_for: Callable[[int], str]
    ) -> None:
        """Acknowledge every batch with seq <= ``seq`` (a resume token presented), as above."""
        ...

    async def prune_acknowledged(self, acked_before: str, limit: int) -> int:
        """Delete up to ``limit`` batches acknowledged before ``acked_before`` (ISO 8601, UTC).

        Retention: the service calls it repeatedly (short transactions, so delivery is not
        blocked) and counts what went. Unacknowledged batches are never removed, and resume
        tokens and ``events_delivered`` stay as they were. A backend returns the freed space
        to the file system where it can (SQLite: incremental vacuum).
        """
        ...

    async def processed_hashes(self, subscription_id: int) -> list[tuple[int, str]]:
        """Recently processed (block, hash) pairs, newest first (for reorg detection)."""
        ...

    async def rewind(
        self, subscription_id: int, block_number: int, *, fence: IngestLease | None = None
    ) -> ReorgNotice | None:
        """Move the cursor back to a reorg's fork point, forgetting later hashes; one transaction.

        The point is ``block_number``, lowered to just before the first block of the earliest
        event batch holding events above it (a batch is void as a whole). Event batches above
        it become void: unacknowledged ones are marked acknowledged (never sent again, their
        events not counted as delivered). When any was void, a reorg notice is appended to the
        delivery sequence (next seq, kind ``reorg``, id ``reorg_<hex>``) and returned; the
        re-scanned range then comes as new batches after it. ``fence``: as for
        :meth:`store_range`.
        """
        ...

    async def record_decode_error(
        self, subscription_id: int, log: Mapping[str, Any], error: str
    ) -> None:
        """Keep a log that did not decode, with the error, for inspection."""
        ...

    async def decode_error_count(self, subscription_id: int) -> int:
        """How many decode errors are recorded for the subscription."""
        ...

    # -- several instances: ingestion leases and commit wake-ups --------------------------------
    async def acquire_lease(self, chain_id: int, owner: str, ttl: float) -> IngestLease | None:
        """Take the chain's ingestion lease for ``owner`` for ``ttl`` seconds, or renew it if
        ``owner`` holds it. None when another owner holds an unexpired lease. Atomic (one
        transaction)."""
        ...

    async def release_lease(self, chain_id: int, owner: str) -> None:
        """Let the lease expire now if ``owner`` holds it (clean shutdown: a peer takes over at
        once)."""
        ...

    async def get_lease(self, chain_id: int) -> IngestLease | None:
        """The chain's current lease (possibly expired), or None if never taken."""
        ...

    def add_commit_listener(self, callback: Callable[[int], None]) -> None:
        """Call ``callback(subscription_id)`` on the event loop after batches for that
        subscription commit: for this instance's commits always, and for other instances' commits
        where the backend can tell (PostgreSQL: LISTEN/NOTIFY on channel
        ``event_streamer_commits`` with the id as payload; SQLite: local commits only, other
        processes are found by the service's polling fallback). Callbacks must not block; an
        exception in one is logged and ignored."""
        ...
