"""PostgreSQL storage (asyncpg): the queries; the schema is in ``_postgres_schema``.

A bounded connection pool; every call is one ``READ COMMITTED`` transaction that has committed
when the call returns. Where SQLite relied on its single writer, rows are locked explicitly:
the subscription row (``FOR UPDATE``) serialises seq assignment in ``store_range`` and
``rewind`` (whose reorg notice takes the next seq) and the counters of acknowledgements; a
fenced write reads the lease row ``FOR SHARE`` so a concurrent takeover waits for it.
Migrations run at ``open()`` under ``pg_advisory_lock``, so instances starting together migrate
once. Retention deletes in short transactions and leaves the space to autovacuum (no VACUUM
call). Pool exhaustion past ``acquire_timeout`` raises
:class:`StorageBusy`; a lost connection raises :class:`StorageUnavailable` (a ``StorageBusy``,
so the API answers 503) and the pool reconnects on the next call once the server is back.
Stored batches and reorg notices are announced with ``NOTIFY`` on commit, so other instances'
streams wake at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import asyncpg
import orjson

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

from ._hexnum import number_or_none
from ._postgres_schema import MIGRATIONS
from ._principals import StoredKey
from ._redact import redact_url
from ._storage import (
    CHAIN_FIELDS,
    SUBSCRIPTION_FIELDS,
    AckResult,
    AlreadyExists,
    ChainRow,
    IngestLease,
    LeaseLost,
    NewBatch,
    NewChain,
    NewSubscription,
    ReorgNotice,
    StorageBusy,
    StoredBatch,
    SubscriptionRow,
)
from ._time import now_iso

__all__ = [
    "COMMIT_CHANNEL",
    "DEFAULT_POOL_SIZE",
    "MIGRATIONS",
    "PostgresStorage",
    "StorageUnavailable",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R", ChainRow, SubscriptionRow)
# One pooled connection, inside a transaction where a call needs one.
Conn: TypeAlias = "PoolConnectionProxy[asyncpg.Record]"

DEFAULT_POOL_SIZE = 10  # connections per service instance
COMMIT_CHANNEL = "event_streamer_commits"  # NOTIFY channel; payload: the subscription id
HASH_WINDOW = 256  # block hashes kept per subscription for reorg detection (as SQLite)
# pg_advisory_lock key for migrations (any constant; scoped to the database).
_MIGRATION_LOCK = 0x6576_5F73_7472_6D31
_RETRIES = 3  # attempts for a transaction that hit a deadlock or serialization failure
_OWN_PIDS = 1024  # server PIDs of our own pool connections remembered (NOTIFY echo filter)

# The one place that says how a column is stored: JSON columns are encoded here, BYTEA and
# scalar columns pass through. Adding a field: one migration plus (if JSON) one name here.
_JSON_COLUMNS = frozenset({"rpc_urls", "event_signature", "addresses", "extra_events", "topics"})
# Columns whose dataclass field has another name (SELECT column AS field).
_BATCH_COLUMNS = (
    "id AS batch_id, subscription_id, seq, events AS events_json, event_count, first_block, "
    "last_block, kind"
)

_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,  # class 08
    asyncpg.exceptions.OperatorInterventionError,  # class 57: shutdown, starting up
    asyncpg.ConnectionDoesNotExistError,  # the connection died mid-call
    asyncpg.exceptions.ConnectionFailureError,
)
_CONNECT_ERRORS: tuple[type[BaseException], ...] = (*_CONNECTION_ERRORS, TimeoutError)
_LISTEN_ERRORS: tuple[type[BaseException], ...] = (*_CONNECT_ERRORS, asyncpg.InterfaceError)
_RETRY_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.SerializationError,
)


class StorageUnavailable(StorageBusy):
    """The database cannot be reached (down, restarting, connection lost): retry later (503)."""


def _encode(column: str, value: Any) -> Any:
    if column in _JSON_COLUMNS:
        # None stays SQL NULL (``topics``: no filter), not the JSON value null.
        return None if value is None else json.dumps(value, separators=(",", ":"))
    if column == "average_block_time" and isinstance(value, int):
        return float(value)
    return value


def _decode(record: asyncpg.Record) -> dict[str, Any]:
    return {
        k: json.loads(v) if k in _JSON_COLUMNS and v is not None else v for k, v in record.items()
    }


def _columns(row: type[Any]) -> str:
    return ", ".join(f.name for f in dataclasses.fields(row))


def _count(status: str) -> int:
    """Rows touched, from a command status such as ``DELETE 3``."""
    return int(status.rsplit(" ", 1)[-1]) if status and status[-1].isdigit() else 0


class PostgresStorage:
    """:class:`~event_streamer_server._storage.Storage` on PostgreSQL (a ``postgresql://`` URL).

    ``pool_size`` bounds the connections this instance opens (plus one for LISTEN when commit
    listeners are registered); a call waits ``acquire_timeout`` seconds for a free one, then
    raises :class:`StorageBusy`. ``command_timeout`` bounds each statement.
    """

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        acquire_timeout: float = 5.0,
        command_timeout: float = 30.0,
    ) -> None:
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        self.url = url
        self.pool_size = pool_size
        self.acquire_timeout = acquire_timeout
        self.command_timeout = command_timeout
        self._pool: asyncpg.Pool | None = None
        self._listeners: list[Callable[[int], None]] = []
        self._listen_task: asyncio.Task[None] | None = None
        self._own_pids: dict[int, None] = {}  # insertion-ordered, bounded by _OWN_PIDS

    def __repr__(self) -> str:
        return f"PostgresStorage({redact_url(self.url)!r})"

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("storage is not open")
        return self._pool

    # -- plumbing --------------------------------------------------------------------------------
    async def _init_connection(self, conn: asyncpg.Connection[asyncpg.Record]) -> None:
        self._own_pids[conn.get_server_pid()] = None
        while len(self._own_pids) > _OWN_PIDS:
            del self._own_pids[next(iter(self._own_pids))]

    async def _run(self, body: Callable[[Conn], Awaitable[T]], *, write: bool = True) -> T:
        """Run ``body`` on a pooled connection, in one transaction when ``write``.

        Deadlocks and serialization failures are retried; pool exhaustion and connection
        loss become the typed errors the API maps to 503.
        """
        pool = self.pool
        for attempt in range(1, _RETRIES + 1):
            try:
                async with pool.acquire(timeout=self.acquire_timeout) as conn:
                    if not write:
                        return await body(conn)
                    async with conn.transaction():
                        return await body(conn)
            except _RETRY_ERRORS as err:
                if attempt == _RETRIES:
                    raise StorageBusy(f"database contention: {err}") from err
                logger.info("retrying a transaction after %s", type(err).__name__)
            except TimeoutError as err:
                raise StorageBusy(
                    f"no database connection free within {self.acquire_timeout}s "
                    f"(pool of {self.pool_size}) or a statement timed out"
                ) from err
            except _CONNECTION_ERRORS as err:
                # Idle pooled connections died with this one (a restart): replace them all.
                await pool.expire_connections()
                raise StorageUnavailable(f"database unavailable: {err}") from err
        raise AssertionError("unreachable")

    # -- lifecycle -------------------------------------------------------------------------------
    async def open(self) -> None:
        logger.info("opening PostgreSQL storage %s", redact_url(self.url))
        try:
            self._pool = await asyncpg.create_pool(
                self.url,
                min_size=0,  # no floor to restore (and log) while the server is down
                max_size=self.pool_size,
                command_timeout=self.command_timeout,
                init=self._init_connection,
                timeout=self.acquire_timeout * 2,
            )
        except _CONNECT_ERRORS as err:
            raise StorageUnavailable(
                f"cannot connect to PostgreSQL at {redact_url(self.url)}: {err}"
            ) from err
        await self._run(self._migrate, write=False)
        if self._listeners:
            self._start_listening()

    async def _migrate(self, conn: Conn) -> None:
        """Apply pending migrations, one transaction each, holding the migration lock."""
        await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            version = await conn.fetchval("SELECT max(version) FROM schema_version") or 0
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                logger.info("migrating PostgreSQL schema to version %d", number)
                async with conn.transaction():
                    await conn.execute(script)
                    await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)

    async def schema_version(self) -> int:
        async def read(conn: Conn) -> int:
            return int(await conn.fetchval("SELECT max(version) FROM schema_version") or 0)

        return await self._run(read, write=False)

    async def close(self) -> None:
        task, self._listen_task = self._listen_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), self.command_timeout)
            except _CONNECT_ERRORS:
                pool.terminate()

    # -- meta ------------------------------------------------------------------------------------
    async def secret(self) -> bytes:
        async def body(conn: Conn) -> bytes:
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES ('resume_secret', $1) "
                "ON CONFLICT (key) DO NOTHING",
                secrets.token_hex(32),
            )
            return bytes.fromhex(
                await conn.fetchval("SELECT value FROM meta WHERE key = 'resume_secret'")
            )

        return await self._run(body)

    async def keyring_records(self) -> list[dict[str, Any]]:
        async def body(conn: Conn) -> list[dict[str, Any]]:
            value = await conn.fetchval("SELECT value FROM meta WHERE key = 'resume_keyring'")
            return list(json.loads(value)) if value else []

        return await self._run(body, write=False)

    async def save_keyring_records(self, records: list[dict[str, Any]]) -> None:
        async def body(conn: Conn) -> None:
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES ('resume_keyring', $1) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                json.dumps(records),
            )

        await self._run(body)

    async def api_keys(self) -> list[StoredKey]:
        async def body(conn: Conn) -> list[StoredKey]:
            rows = await conn.fetch("SELECT key_id, digest, kind, subscriber_id FROM api_keys")
            return [StoredKey(**dict(r)) for r in rows]

        return await self._run(body, write=False)

    async def insert_api_key(self, key: StoredKey) -> None:
        async def body(conn: Conn) -> None:
            await conn.execute(
                "INSERT INTO api_keys (key_id, digest, kind, subscriber_id, created_at) "
                "VALUES ($1, $2, $3, $4, $5)",
                key.key_id,
                key.digest,
                key.kind,
                key.subscriber_id,
                now_iso(),
            )

        await self._run(body)

    # -- generic rows ----------------------------------------------------------------------------
    @staticmethod
    async def _select(conn: Conn, row: type[R], table: str, clauses: str, *args: Any) -> list[R]:
        """Rows of ``table`` as ``row`` values (the dataclass's fields are the columns)."""
        records = await conn.fetch(f"SELECT {_columns(row)} FROM {table} {clauses}", *args)
        return [row(**_decode(r)) for r in records]

    @staticmethod
    async def _insert(conn: Conn, row: type[R], table: str, values: Mapping[str, Any]) -> R:
        encoded = {k: _encode(k, v) for k, v in values.items()}
        marks = ", ".join(f"${i}" for i in range(1, len(encoded) + 1))
        record = await conn.fetchrow(
            f"INSERT INTO {table} ({', '.join(encoded)}) VALUES ({marks}) "
            f"RETURNING {_columns(row)}",
            *encoded.values(),
        )
        assert record is not None
        return row(**_decode(record))

    @staticmethod
    async def _update(
        conn: Conn, row: type[R], table: str, key: str, key_value: int, sets: Mapping[str, Any]
    ) -> R | None:
        encoded = {k: _encode(k, v) for k, v in sets.items()}
        assignments = ", ".join(f"{k} = ${i}" for i, k in enumerate(encoded, start=2))
        record = await conn.fetchrow(
            f"UPDATE {table} SET {assignments} WHERE {key} = $1 RETURNING {_columns(row)}",
            key_value,
            *encoded.values(),
        )
        return None if record is None else row(**_decode(record))

    # -- chains ----------------------------------------------------------------------------------
    async def list_chains(self) -> list[ChainRow]:
        async def body(conn: Conn) -> list[ChainRow]:
            return await self._select(conn, ChainRow, "chains", "ORDER BY chain_id")

        return await self._run(body, write=False)

    async def get_chain(self, chain_id: int) -> ChainRow | None:
        async def body(conn: Conn) -> list[ChainRow]:
            return await self._select(conn, ChainRow, "chains", "WHERE chain_id = $1", chain_id)

        found = await self._run(body, write=False)
        return found[0] if found else None

    async def insert_chain(self, chain: NewChain) -> ChainRow:
        now = now_iso()
        values = {**dataclasses.asdict(chain), "created_at": now, "updated_at": now}

        async def body(conn: Conn) -> ChainRow:
            return await self._insert(conn, ChainRow, "chains", values)

        try:
            return await self._run(body)
        except asyncpg.UniqueViolationError as err:
            raise AlreadyExists(f"chain {chain.chain_id} exists") from err

    async def update_chain(self, chain_id: int, changes: Mapping[str, Any]) -> ChainRow | None:
        sets = {k: v for k, v in changes.items() if k in CHAIN_FIELDS}
        sets["updated_at"] = now_iso()

        async def body(conn: Conn) -> ChainRow | None:
            return await self._update(conn, ChainRow, "chains", "chain_id", chain_id, sets)

        return await self._run(body)

    # -- subscriptions ---------------------------------------------------------------------------
    async def insert_subscription(self, sub: NewSubscription) -> SubscriptionRow:
        now = now_iso()
        values = {**dataclasses.asdict(sub), "created_at": now, "updated_at": now}

        async def body(conn: Conn) -> SubscriptionRow:
            return await self._insert(conn, SubscriptionRow, "subscriptions", values)

        return await self._run(body)

    async def get_subscription(self, subscription_id: int) -> SubscriptionRow | None:
        async def body(conn: Conn) -> list[SubscriptionRow]:
            return await self._select(
                conn, SubscriptionRow, "subscriptions", "WHERE id = $1", subscription_id
            )

        found = await self._run(body, write=False)
        return found[0] if found else None

    async def list_subscriptions(
        self, subscriber_id: str | None, offset: int, limit: int
    ) -> tuple[list[SubscriptionRow], int]:
        where, args = ("WHERE subscriber_id = $3", [subscriber_id]) if subscriber_id else ("", [])

        async def body(conn: Conn) -> tuple[list[SubscriptionRow], int]:
            # One snapshot for page and total (REPEATABLE READ is not needed for a count shown
            # beside a page; both statements run in the same transaction anyway).
            rows = await self._select(
                conn,
                SubscriptionRow,
                "subscriptions",
                f"{where} ORDER BY id DESC LIMIT $1 OFFSET $2",
                limit,
                offset,
                *args,
            )
            total = await conn.fetchval(
                f"SELECT count(*) FROM subscriptions {where.replace('$3', '$1')}", *args
            )
            return rows, int(total)

        return await self._run(body)

    async def update_subscription(
        self, subscription_id: int, changes: Mapping[str, Any]
    ) -> SubscriptionRow | None:
        sets = {k: v for k, v in changes.items() if k in SUBSCRIPTION_FIELDS}
        sets["updated_at"] = now_iso()

        async def body(conn: Conn) -> SubscriptionRow | None:
            return await self._update(
                conn, SubscriptionRow, "subscriptions", "id", subscription_id, sets
            )

        return await self._run(body)

    async def delete_subscription(self, subscription_id: int) -> bool:
        async def body(conn: Conn) -> bool:
            status = await conn.execute("DELETE FROM subscriptions WHERE id = $1", subscription_id)
            return _count(status) > 0

        return await self._run(body)

    # -- delivery --------------------------------------------------------------------------------
    @staticmethod
    async def _check_fence(conn: Conn, fence: IngestLease | None) -> None:
        """Inside a write transaction: raise LeaseLost unless ``fence`` still holds the lease.

        ``FOR SHARE`` keeps the row as read until commit: a takeover's UPDATE waits for us.
        """
        if fence is None:
            return
        row = await conn.fetchrow(
            "SELECT owner, token FROM ingest_leases WHERE chain_id = $1 FOR SHARE", fence.chain_id
        )
        if row is None or row["owner"] != fence.owner or int(row["token"]) != fence.token:
            raise LeaseLost(
                f"chain {fence.chain_id}: lease token {fence.token} of {fence.owner} "
                f"is no longer current"
            )

    async def store_range(
        self,
        subscription_id: int,
        batches: Sequence[NewBatch],
        last_block: int,
        block_hashes: Sequence[tuple[int, str]],
        *,
        fence: IngestLease | None = None,
    ) -> None:
        now = now_iso()

        async def body(conn: Conn) -> bool:
            await self._check_fence(conn, fence)
            # The row lock serialises seq assignment among concurrent writers.
            seq = await self._lock_subscription(conn, subscription_id)
            if seq is None:
                return False  # deleted meanwhile: nothing to store
            if batches:
                await conn.executemany(
                    "INSERT INTO batches (id, subscription_id, seq, event_count, events, "
                    "first_block, last_block, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    [
                        (
                            b.batch_id,
                            subscription_id,
                            seq + i,
                            b.event_count,
                            b.events_json,
                            b.first_block,
                            b.last_block,
                            now,
                        )
                        for i, b in enumerate(batches)
                    ],
                )
            if block_hashes:
                await conn.executemany(
                    "INSERT INTO processed_blocks (subscription_id, block_number, block_hash) "
                    "VALUES ($1, $2, $3) ON CONFLICT (subscription_id, block_number) "
                    "DO UPDATE SET block_hash = EXCLUDED.block_hash",
                    [(subscription_id, n, h) for n, h in block_hashes],
                )
            await conn.execute(
                "DELETE FROM processed_blocks WHERE subscription_id = $1 AND block_number <= $2",
                subscription_id,
                last_block - HASH_WINDOW,
            )
            await conn.execute(
                "UPDATE subscriptions SET next_seq = $1, last_processed_block = $2, "
                "last_block_hash = COALESCE($3, last_block_hash), updated_at = $4 WHERE id = $5",
                seq + len(batches),
                last_block,
                dict(block_hashes).get(last_block),
                now,
                subscription_id,
            )
            if batches:
                # Delivered with the commit (and only if it commits) to every listening instance.
                await conn.execute("SELECT pg_notify($1, $2)", COMMIT_CHANNEL, str(subscription_id))
            return bool(batches)

        if await self._run(body):
            self._committed(subscription_id)

    async def unacked_batches(
        self, subscription_id: int, after_seq: int, limit: int
    ) -> list[StoredBatch]:
        async def body(conn: Conn) -> list[StoredBatch]:
            rows = await conn.fetch(
                f"SELECT {_BATCH_COLUMNS} FROM batches WHERE subscription_id = $1 AND seq > $2 "
                "AND acked_at IS NULL ORDER BY seq LIMIT $3",
                subscription_id,
                after_seq,
                limit,
            )
            return [StoredBatch(**dict(r)) for r in rows]

        return await self._run(body, write=False)

    async def unacked_count(self, subscription_id: int) -> int:
        async def body(conn: Conn) -> int:
            n = await conn.fetchval(
                "SELECT count(*) FROM batches WHERE subscription_id = $1 AND acked_at IS NULL "
                "AND kind = 'events'",
                subscription_id,
            )
            return int(n)

        return await self._run(body, write=False)

    async def unacked_counts(self, subscription_ids: Sequence[int]) -> dict[int, int]:
        async def body(conn: Conn) -> dict[int, int]:
            rows = await conn.fetch(
                "SELECT subscription_id, count(*) AS n FROM batches "
                "WHERE subscription_id = ANY($1::bigint[]) AND acked_at IS NULL "
                "AND kind = 'events' GROUP BY subscription_id",
                list(dict.fromkeys(subscription_ids)),
            )
            return {int(r["subscription_id"]): int(r["n"]) for r in rows}

        return await self._run(body, write=False)

    async def ack_batches(
        self, subscription_id: int, batch_ids: Sequence[str], token_for: Callable[[int], str]
    ) -> AckResult:
        ids = list(dict.fromkeys(batch_ids))

        async def body(conn: Conn) -> AckResult:
            now = now_iso()
            # Concurrent acks of one subscription queue on its row: each batch counts once.
            if await self._lock_subscription(conn, subscription_id) is None:
                return AckResult(unknown=ids)
            found = {
                r["id"]: int(r["event_count"])
                for r in await conn.fetch(
                    "SELECT id, event_count FROM batches "
                    "WHERE subscription_id = $1 AND id = ANY($2::text[])",
                    subscription_id,
                    ids,
                )
            }
            fresh = await conn.fetch(
                "UPDATE batches SET acked_at = $3 WHERE subscription_id = $1 "
                "AND id = ANY($2::text[]) AND acked_at IS NULL RETURNING id, seq, event_count",
                subscription_id,
                ids,
                now,
            )
            if fresh:  # notices below an acknowledged batch: handled (or ignored) by the client
                await conn.execute(
                    "UPDATE batches SET acked_at = $3 WHERE subscription_id = $1 AND seq < $2 "
                    "AND acked_at IS NULL AND kind = 'reorg'",
                    subscription_id,
                    max(int(r["seq"]) for r in fresh),
                    now,
                )
            result = AckResult()
            for batch_id in ids:
                if batch_id in found:
                    result.acknowledged.append(batch_id)
                    result.events[batch_id] = found[batch_id]
                else:
                    result.unknown.append(batch_id)
            result.resume_token = await self._after_ack(
                conn, subscription_id, fresh, token_for, now
            )
            return result

        return await self._run(body)

    @staticmethod
    async def _lock_subscription(conn: Conn, subscription_id: int) -> int | None:
        """Lock the subscription's row for this transaction; its next seq (None: no such row)."""
        seq = await conn.fetchval(
            "SELECT next_seq FROM subscriptions WHERE id = $1 FOR UPDATE", subscription_id
        )
        return None if seq is None else int(seq)

    @staticmethod
    async def _after_ack(
        conn: Conn,
        subscription_id: int,
        fresh: Sequence[asyncpg.Record],
        token_for: Callable[[int], str],
        now: str,
    ) -> str | None:
        """Update the delivered count and resume token (``acked_seq`` as SQLite); return it."""
        if fresh:
            last = max(fresh, key=lambda r: int(r["seq"]))
            top = await conn.fetchval(
                "UPDATE subscriptions SET acked_seq = GREATEST(acked_seq, $1), "
                "events_delivered = events_delivered + $2, last_event_id = $3, updated_at = $4 "
                "WHERE id = $5 RETURNING acked_seq",
                int(last["seq"]),
                sum(int(r["event_count"]) for r in fresh),
                last["id"],
                now,
                subscription_id,
            )
        else:
            top = await conn.fetchval(
                "SELECT acked_seq FROM subscriptions WHERE id = $1", subscription_id
            )
        top = int(top or 0)
        token = token_for(top) if top > 0 else None
        if fresh:
            await conn.execute(
                "UPDATE subscriptions SET resume_token = $1 WHERE id = $2", token, subscription_id
            )
        return token

    async def ack_through(
        self, subscription_id: int, seq: int, token_for: Callable[[int], str]
    ) -> None:
        async def body(conn: Conn) -> None:
            now = now_iso()
            if await self._lock_subscription(conn, subscription_id) is None:
                return
            fresh = await conn.fetch(
                "UPDATE batches SET acked_at = $3 WHERE subscription_id = $1 AND seq <= $2 "
                "AND acked_at IS NULL RETURNING id, seq, event_count",
                subscription_id,
                seq,
                now,
            )
            await self._after_ack(conn, subscription_id, fresh, token_for, now)

        await self._run(body)

    async def prune_acknowledged(self, acked_before: str, limit: int) -> int:
        """Delete up to ``limit`` batches acknowledged before ``acked_before``; return how many.

        One short transaction per call; rows another instance is deleting are skipped, not
        waited for. Autovacuum reuses the space: no VACUUM needed.
        """

        async def body(conn: Conn) -> int:
            status = await conn.execute(
                "DELETE FROM batches WHERE id IN (SELECT id FROM batches WHERE acked_at IS NOT "
                "NULL AND acked_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
                acked_before,
                limit,
            )
            return _count(status)

        return await self._run(body)

    async def processed_hashes(self, subscription_id: int) -> list[tuple[int, str]]:
        async def body(conn: Conn) -> list[tuple[int, str]]:
            rows = await conn.fetch(
                "SELECT block_number, block_hash FROM processed_blocks WHERE subscription_id = $1 "
                "ORDER BY block_number DESC",
                subscription_id,
            )
            return [(int(r["block_number"]), str(r["block_hash"])) for r in rows]

        return await self._run(body, write=False)

    async def rewind(
        self, subscription_id: int, block_number: int, *, fence: IngestLease | None = None
    ) -> ReorgNotice | None:
        now = now_iso()

        async def body(conn: Conn) -> ReorgNotice | None:
            await self._check_fence(conn, fence)
            # The row lock keeps concurrent store_range/acks out until the notice's seq is set.
            next_seq = await self._lock_subscription(conn, subscription_id)
            if next_seq is None:
                return None
            fork = block_number  # a local: a retried transaction starts from the argument
            # A batch is void as a whole: rewind to before the first one reaching past the fork.
            low = await conn.fetchval(
                "SELECT min(first_block) FROM batches WHERE subscription_id = $1 "
                "AND kind = 'events' AND last_block > $2",
                subscription_id,
                block_number,
            )
            if low is not None:
                fork = min(fork, int(low) - 1)
            await conn.execute(
                "DELETE FROM processed_blocks WHERE subscription_id = $1 AND block_number > $2",
                subscription_id,
                fork,
            )
            kept = await conn.fetchval(
                "SELECT block_hash FROM processed_blocks WHERE subscription_id = $1 "
                "AND block_number = $2",
                subscription_id,
                fork,
            )
            await conn.execute(
                "UPDATE subscriptions SET last_processed_block = $1, last_block_hash = $2, "
                "updated_at = $3 WHERE id = $4",
                fork,
                kept,
                now,
                subscription_id,
            )
            void = await conn.fetch(
                "SELECT id FROM batches WHERE subscription_id = $1 AND kind = 'events' "
                "AND last_block > $2 ORDER BY seq",
                subscription_id,
                fork,
            )
            if not void:
                return None
            await conn.execute(  # never sent again; acknowledged without counting as delivered
                "UPDATE batches SET acked_at = $3 WHERE subscription_id = $1 AND kind = 'events' "
                "AND last_block > $2 AND acked_at IS NULL",
                subscription_id,
                fork,
                now,
            )
            ids = [str(r["id"]) for r in void]
            notice = ReorgNotice.new(int(next_seq), fork, ids)
            await conn.execute(
                "INSERT INTO batches (id, subscription_id, seq, event_count, events, first_block, "
                "last_block, created_at, kind) VALUES ($1, $2, $3, 0, $4, $5, $5, $6, 'reorg')",
                notice.notice_id,
                subscription_id,
                notice.seq,
                orjson.dumps(notice.as_json()),
                fork + 1,
                now,
            )
            await conn.execute(
                "UPDATE subscriptions SET next_seq = $1 WHERE id = $2",
                notice.seq + 1,
                subscription_id,
            )
            # The notice is in the delivery sequence: wake other instances' streams on commit
            # (this instance's caller wakes its own, as with SQLite).
            await conn.execute("SELECT pg_notify($1, $2)", COMMIT_CHANNEL, str(subscription_id))
            return notice

        return await self._run(body)

    async def record_decode_error(
        self, subscription_id: int, log: Mapping[str, Any], error: str
    ) -> None:
        async def body(conn: Conn) -> None:
            await conn.execute(
                "INSERT INTO decode_errors (subscription_id, block_number, transaction_hash, "
                "log_index, error, log, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                subscription_id,
                number_or_none(log.get("blockNumber")),
                log.get("transactionHash"),
                number_or_none(log.get("logIndex")),
                error,
                json.dumps(dict(log)),
                now_iso(),
            )

        await self._run(body)

    async def decode_error_count(self, subscription_id: int) -> int:
        async def body(conn: Conn) -> int:
            n = await conn.fetchval(
                "SELECT count(*) FROM decode_errors WHERE subscription_id = $1", subscription_id
            )
            return int(n)

        return await self._run(body, write=False)

    # -- several instances -----------------------------------------------------------------------
    @staticmethod
    def _lease(row: asyncpg.Record | None) -> IngestLease | None:
        if row is None:
            return None
        return IngestLease(
            int(row["chain_id"]), str(row["owner"]), int(row["token"]), float(row["expires_at"])
        )

    async def acquire_lease(self, chain_id: int, owner: str, ttl: float) -> IngestLease | None:
        async def body(conn: Conn) -> IngestLease | None:
            # One statement: the conflicting row is locked and the WHERE re-checked on its
            # latest version, so two instances racing for an expired lease cannot both win.
            row = await conn.fetchrow(
                "INSERT INTO ingest_leases AS l (chain_id, owner, token, expires_at) "
                "VALUES ($1, $2, 1, extract(epoch FROM clock_timestamp()) + $3) "
                "ON CONFLICT (chain_id) DO UPDATE SET owner = EXCLUDED.owner, "
                "token = CASE WHEN l.owner = EXCLUDED.owner THEN l.token ELSE l.token + 1 END, "
                "expires_at = EXCLUDED.expires_at "
                "WHERE l.owner = EXCLUDED.owner "
                "OR l.expires_at <= extract(epoch FROM clock_timestamp()) "
                "RETURNING chain_id, owner, token, expires_at",
                chain_id,
                owner,
                float(ttl),
            )
            return self._lease(row)

        return await self._run(body)

    async def release_lease(self, chain_id: int, owner: str) -> None:
        async def body(conn: Conn) -> None:
            await conn.execute(
                "UPDATE ingest_leases SET expires_at = "
                "LEAST(expires_at, extract(epoch FROM clock_timestamp())) "
                "WHERE chain_id = $1 AND owner = $2",
                chain_id,
                owner,
            )

        await self._run(body)

    async def get_lease(self, chain_id: int) -> IngestLease | None:
        async def body(conn: Conn) -> IngestLease | None:
            return self._lease(
                await conn.fetchrow(
                    "SELECT chain_id, owner, token, expires_at FROM ingest_leases "
                    "WHERE chain_id = $1",
                    chain_id,
                )
            )

        return await self._run(body, write=False)

    def add_commit_listener(self, callback: Callable[[int], None]) -> None:
        self._listeners.append(callback)
        if self._pool is not None:
            self._start_listening()

    def _committed(self, subscription_id: int) -> None:
        for callback in list(self._listeners):
            try:
                callback(subscription_id)
            except Exception:
                logger.exception("commit listener %r failed", callback)

    def _start_listening(self) -> None:
        if self._listen_task is None or self._listen_task.done():
            self._listen_task = asyncio.get_running_loop().create_task(
                self._listen(), name="postgres-listen"
            )

    def _notified(self, conn: object, pid: int, channel: str, payload: object) -> None:
        if pid in self._own_pids:
            return  # our own commit: its listeners already ran
        try:
            subscription_id = int(str(payload))
        except ValueError:
            logger.warning("ignoring a %s notification with payload %r", channel, payload)
            return
        self._committed(subscription_id)

    async def _listen(self) -> None:
        """Hold a dedicated LISTEN connection; reconnect (with backoff) after it is lost.

        Commits missed while disconnected are found by the service's polling fallback.
        """
        delay = 0.1
        while True:
            lost = asyncio.Event()
            conn: asyncpg.Connection[asyncpg.Record] | None = None
            try:
                conn = await asyncpg.connect(self.url, timeout=self.acquire_timeout * 2)
                conn.add_termination_listener(lambda _c, lost=lost: lost.set())
                await conn.add_listener(COMMIT_CHANNEL, self._notified)
                logger.info("listening for commits on %s", COMMIT_CHANNEL)
                delay = 0.1
                while not lost.is_set():
                    # A half-open socket never terminates by itself: probe now and then.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), 10.0)
                    if not lost.is_set():
                        await conn.fetchval("SELECT 1", timeout=self.acquire_timeout)
            except asyncio.CancelledError:
                raise
            except _LISTEN_ERRORS as err:
                logger.warning("commit listener connection lost (%s); reconnecting", err)
            except Exception:
                # The wake-up path must outlive any driver surprise (polling covers the gap).
                logger.exception("commit listener connection failed; reconnecting")
            finally:
                if conn is not None and not conn.is_closed():
                    conn.terminate()
            await asyncio.sleep(delay)  # backoff between reconnection attempts
            delay = min(delay * 2, 2.0)
