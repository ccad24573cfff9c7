"""The storage interface the service depends on (SQLite today; PostgreSQL can follow)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["AckResult", "NewBatch", "Row", "Storage", "StoredBatch"]

Row = dict[str, Any]


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
    batch_id: str
    subscription_id: int
    seq: int
    events_json: bytes
    event_count: int
    first_block: int
    last_block: int


@dataclass(slots=True)
class AckResult:
    """Outcome of acknowledging batch ids (all committed before it is returned)."""

    acknowledged: list[str] = field(default_factory=list)  # newly or already acknowledged
    unknown: list[str] = field(default_factory=list)
    events: dict[str, int] = field(default_factory=dict)  # batch id -> event count
    resume_token: str | None = None


class Storage(Protocol):
    """Durable state. Every write is committed before the call returns."""

    async def open(self) -> None: ...
    async def close(self) -> None: ...

    async def secret(self) -> bytes:
        """The server secret (created on first use) that signs resume tokens."""
        ...

    # chains
    async def list_chains(self) -> list[Row]: ...
    async def get_chain(self, chain_id: int) -> Row | None: ...
    async def insert_chain(self, chain: Mapping[str, Any]) -> Row: ...
    async def update_chain(self, chain_id: int, changes: Mapping[str, Any]) -> Row | None: ...

    # subscriptions
    async def insert_subscription(self, sub: Mapping[str, Any]) -> Row: ...
    async def get_subscription(self, subscription_id: int) -> Row | None: ...
    async def list_subscriptions(
        self, subscriber_id: str | None, offset: int, limit: int
    ) -> tuple[list[Row], int]: ...
    async def update_subscription(
        self, subscription_id: int, changes: Mapping[str, Any]
    ) -> Row | None: ...
    async def delete_subscription(self, subscription_id: int) -> bool: ...

    # delivery
    async def store_range(
        self,
        subscription_id: int,
        batches: Sequence[NewBatch],
        last_block: int,
        block_hashes: Sequence[tuple[int, str]],
    ) -> None:
        """Persist batches and advance the cursor to ``last_block``, in one transaction."""
        ...

    async def unacked_batches(
        self, subscription_id: int, after_seq: int, limit: int
    ) -> list[StoredBatch]: ...
    async def unacked_count(self, subscription_id: int) -> int: ...
    async def ack_batches(
        self, subscription_id: int, batch_ids: Sequence[str], token_for: Callable[[int], str]
    ) -> AckResult: ...
    async def ack_through(
        self, subscription_id: int, seq: int, token_for: Callable[[int], str]
    ) -> None: ...
    async def processed_hashes(self, subscription_id: int) -> list[tuple[int, str]]:
        """Recently processed (block, hash) pairs, newest first (for reorg detection)."""
        ...

    async def rewind(self, subscription_id: int, block_number: int) -> None:
        """Move the cursor back to ``block_number`` (a reorg's fork point)."""
        ...

    async def record_decode_error(
        self, subscription_id: int, log: Mapping[str, Any], error: str
    ) -> None: ...
    async def decode_error_count(self, subscription_id: int) -> int: ...
