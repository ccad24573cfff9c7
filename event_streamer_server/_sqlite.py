"""SQLite storage: the one module that holds SQL.

One connection, owned by one worker thread (sqlite3 objects are thread-bound); every call runs
there, so writes are serialised. WAL journal, ``synchronous=FULL`` so a commit that returned is
on disk. The schema is versioned with ``PRAGMA user_version``; migrations run at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ._storage import AckResult, NewBatch, Row, StoredBatch
from ._time import now_iso

__all__ = ["MIGRATIONS", "SQLiteStorage"]

logger = logging.getLogger(__name__)
T = TypeVar("T")

MIGRATIONS: list[str] = [
    # 1: chains, subscriptions, server secrets
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE chains (
        chain_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        rpc_urls TEXT NOT NULL,
        average_block_time REAL NOT NULL,
        max_blocks_per_request INTEGER NOT NULL,
        confirmation_blocks INTEGER NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        topic0 TEXT NOT NULL,
        event_signature TEXT NOT NULL,
        addresses TEXT NOT NULL,
        start_block INTEGER NOT NULL,
        end_block INTEGER,
        chain_id INTEGER NOT NULL,
        subscriber_id TEXT NOT NULL,
        streaming_status TEXT NOT NULL DEFAULT 'idle',
        last_processed_block INTEGER,
        last_block_hash TEXT,
        resume_token TEXT,
        last_event_id TEXT,
        events_delivered INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX subscriptions_by_subscriber ON subscriptions (subscriber_id, id);
    """,
    # 2: delivery: batches (persisted before they are sent), block hashes, decode failures
    """
    ALTER TABLE subscriptions ADD COLUMN next_seq INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        event_count INTEGER NOT NULL,
        events BLOB NOT NULL,
        first_block INTEGER NOT NULL,
        last_block INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        acked_at TEXT,
        UNIQUE (subscription_id, seq)
    );
    CREATE INDEX batches_unacked ON batches (subscription_id, seq) WHERE acked_at IS NULL;
    CREATE TABLE processed_blocks (
        subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        block_number INTEGER NOT NULL,
        block_hash TEXT NOT NULL,
        PRIMARY KEY (subscription_id, block_number)
    );
    CREATE TABLE decode_errors (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        block_number INTEGER,
        transaction_hash TEXT,
        log_index INTEGER,
        error TEXT NOT NULL,
        log TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
]
# Block hashes kept per subscription for reorg detection.
HASH_WINDOW = 256

_JSON_COLUMNS = {"rpc_urls", "event_signature", "addresses"}
_CHAIN_COLUMNS = (
    "name",
    "rpc_urls",
    "average_block_time",
    "max_blocks_per_request",
    "confirmation_blocks",
    "status",
)
_SUB_COLUMNS = (
    "topic0",
    "event_signature",
    "addresses",
    "start_block",
    "end_block",
    "chain_id",
    "subscriber_id",
    "streaming_status",
    "last_processed_block",
    "last_block_hash",
    "resume_token",
    "last_event_id",
    "events_delivered",
)


def _row(cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> Row:
    out = {}
    for (name, *_), value in zip(cursor.description, values, strict=True):
        out[name] = json.loads(value) if name in _JSON_COLUMNS and value is not None else value
    return out


def _encode(column: str, value: Any) -> Any:
    return json.dumps(value, separators=(",", ":")) if column in _JSON_COLUMNS else value


class SQLiteStorage:
    """:class:`~event_streamer_server._storage.Storage` on a SQLite file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._db: sqlite3.Connection | None = None

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("storage is not open")
        return self._db

    # -- lifecycle -------------------------------------------------------------------------------
    async def open(self) -> None:
        await self._run(self._open)

    def _open(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=True)
        db.row_factory = _row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=5000")
        self._db = db
        version = db.execute("PRAGMA user_version").fetchone()["user_version"]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            logger.info("migrating %s to schema version %d", self.path, number)
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={number}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    async def close(self) -> None:
        if self._db is not None:
            await self._run(self._close)
        self._executor.shutdown(wait=True)

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()["user_version"])

    # -- meta ------------------------------------------------------------------------------------
    async def secret(self) -> bytes:
        return await self._run(self._secret)

    def _secret(self) -> bytes:
        self.db.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('resume_secret', ?)",
            (secrets.token_hex(32),),
        )
        row = self.db.execute("SELECT value FROM meta WHERE key = 'resume_secret'").fetchone()
        return bytes.fromhex(row["value"])

    # -- chains ----------------------------------------------------------------------------------
    async def list_chains(self) -> list[Row]:
        return await self._run(
            lambda: self.db.execute("SELECT * FROM chains ORDER BY chain_id").fetchall()
        )

    async def get_chain(self, chain_id: int) -> Row | None:
        return await self._run(self._get_chain, chain_id)

    def _get_chain(self, chain_id: int) -> Row | None:
        row: Row | None = self.db.execute(
            "SELECT * FROM chains WHERE chain_id = ?", (chain_id,)
        ).fetchone()
        return row

    async def insert_chain(self, chain: Mapping[str, Any]) -> Row:
        return await self._run(self._insert_chain, dict(chain))

    def _insert_chain(self, chain: Row) -> Row:
        now = now_iso()
        columns = ("chain_id", *_CHAIN_COLUMNS, "created_at", "updated_at")
        values = [chain["chain_id"], *(_encode(c, chain[c]) for c in _CHAIN_COLUMNS), now, now]
        self.db.execute(
            f"INSERT INTO chains ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            values,
        )
        row = self._get_chain(chain["chain_id"])
        assert row is not None
        return row

    async def update_chain(self, chain_id: int, changes: Mapping[str, Any]) -> Row | None:
        return await self._run(self._update_chain, chain_id, dict(changes))

    def _update_chain(self, chain_id: int, changes: Row) -> Row | None:
        sets = {k: _encode(k, v) for k, v in changes.items() if k in _CHAIN_COLUMNS}
        sets["updated_at"] = now_iso()
        assignments = ", ".join(f"{k} = ?" for k in sets)
        self.db.execute(
            f"UPDATE chains SET {assignments} WHERE chain_id = ?", [*sets.values(), chain_id]
        )
        return self._get_chain(chain_id)

    # -- subscriptions ---------------------------------------------------------------------------
    async def insert_subscription(self, sub: Mapping[str, Any]) -> Row:
        return await self._run(self._insert_subscription, dict(sub))

    def _insert_subscription(self, sub: Row) -> Row:
        now = now_iso()
        columns = [c for c in _SUB_COLUMNS if c in sub]
        values = [_encode(c, sub[c]) for c in columns]
        placeholders = ", ".join("?" * (len(columns) + 2))
        cursor = self.db.execute(
            f"INSERT INTO subscriptions ({', '.join(columns)}, created_at, updated_at) "
            f"VALUES ({placeholders})",
            [*values, now, now],
        )
        row = self._get_subscription(int(cursor.lastrowid or 0))
        assert row is not None
        return row

    async def get_subscription(self, subscription_id: int) -> Row | None:
        return await self._run(self._get_subscription, subscription_id)

    def _get_subscription(self, subscription_id: int) -> Row | None:
        row: Row | None = self.db.execute(
            "SELECT * FROM subscriptions WHERE id = ?", (subscription_id,)
        ).fetchone()
        return row

    async def list_subscriptions(
        self, subscriber_id: str | None, offset: int, limit: int
    ) -> tuple[list[Row], int]:
        return await self._run(self._list_subscriptions, subscriber_id, offset, limit)

    def _list_subscriptions(
        self, subscriber_id: str | None, offset: int, limit: int
    ) -> tuple[list[Row], int]:
        where, args = ("WHERE subscriber_id = ?", [subscriber_id]) if subscriber_id else ("", [])
        total = self.db.execute(f"SELECT COUNT(*) AS n FROM subscriptions {where}", args)
        rows = self.db.execute(
            f"SELECT * FROM subscriptions {where} ORDER BY id DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
        return rows, int(total.fetchone()["n"])

    async def update_subscription(
        self, subscription_id: int, changes: Mapping[str, Any]
    ) -> Row | None:
        return await self._run(self._update_subscription, subscription_id, dict(changes))

    def _update_subscription(self, subscription_id: int, changes: Row) -> Row | None:
        sets = {k: _encode(k, v) for k, v in changes.items() if k in _SUB_COLUMNS}
        sets["updated_at"] = now_iso()
        assignments = ", ".join(f"{k} = ?" for k in sets)
        self.db.execute(
            f"UPDATE subscriptions SET {assignments} WHERE id = ?",
            [*sets.values(), subscription_id],
        )
        return self._get_subscription(subscription_id)

    async def delete_subscription(self, subscription_id: int) -> bool:
        return await self._run(self._delete_subscription, subscription_id)

    def _delete_subscription(self, subscription_id: int) -> bool:
        cursor = self.db.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))
        return cursor.rowcount > 0

    # -- delivery --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    async def store_range(
        self,
        subscription_id: int,
        batches: Sequence[NewBatch],
        last_block: int,
        block_hashes: Sequence[tuple[int, str]],
    ) -> None:
        await self._run(
            self._store_range, subscription_id, list(batches), last_block, list(block_hashes)
        )

    def _store_range(
        self,
        subscription_id: int,
        batches: list[NewBatch],
        last_block: int,
        block_hashes: list[tuple[int, str]],
    ) -> None:
        now = now_iso()
        with self._transaction() as db:
            row = db.execute(
                "SELECT next_seq FROM subscriptions WHERE id = ?", (subscription_id,)
            ).fetchone()
            if row is None:
                return  # deleted meanwhile: nothing to store
            seq = int(row["next_seq"])
            db.executemany(
                "INSERT INTO batches (id, subscription_id, seq, event_count, events, first_block, "
                "last_block, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
            db.executemany(
                "INSERT OR REPLACE INTO processed_blocks "
                "(subscription_id, block_number, block_hash) VALUES (?, ?, ?)",
                [(subscription_id, n, h) for n, h in block_hashes],
            )
            db.execute(
                "DELETE FROM processed_blocks WHERE subscription_id = ? AND block_number <= ?",
                (subscription_id, last_block - HASH_WINDOW),
            )
            last_hash = dict(block_hashes).get(last_block)
            db.execute(
                "UPDATE subscriptions SET next_seq = ?, last_processed_block = ?, "
                "last_block_hash = COALESCE(?, last_block_hash), updated_at = ? WHERE id = ?",
                (seq + len(batches), last_block, last_hash, now, subscription_id),
            )

    async def unacked_batches(
        self, subscription_id: int, after_seq: int, limit: int
    ) -> list[StoredBatch]:
        return await self._run(self._unacked_batches, subscription_id, after_seq, limit)

    def _unacked_batches(
        self, subscription_id: int, after_seq: int, limit: int
    ) -> list[StoredBatch]:
        rows = self.db.execute(
            "SELECT id, subscription_id, seq, events, event_count, first_block, last_block "
            "FROM batches WHERE subscription_id = ? AND seq > ? AND acked_at IS NULL "
            "ORDER BY seq LIMIT ?",
            (subscription_id, after_seq, limit),
        ).fetchall()
        return [
            StoredBatch(
                r["id"],
                r["subscription_id"],
                r["seq"],
                bytes(r["events"]),
                r["event_count"],
                r["first_block"],
                r["last_block"],
            )
            for r in rows
        ]

    async def unacked_count(self, subscription_id: int) -> int:
        return await self._run(self._unacked_count, subscription_id)

    def _unacked_count(self, subscription_id: int) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) AS n FROM batches WHERE subscription_id = ? AND acked_at IS NULL",
            (subscription_id,),
        ).fetchone()
        return int(row["n"])

    async def ack_batches(
        self, subscription_id: int, batch_ids: Sequence[str], token_for: Callable[[int], str]
    ) -> AckResult:
        return await self._run(self._ack_batches, subscription_id, list(batch_ids), token_for)

    def _ack_batches(
        self, subscription_id: int, batch_ids: list[str], token_for: Callable[[int], str]
    ) -> AckResult:
        result = AckResult()
        now = now_iso()
        with self._transaction() as db:
            found: dict[str, Row] = {}
            for start in range(0, len(batch_ids), 500):
                chunk = batch_ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                for r in db.execute(
                    f"SELECT id, seq, event_count, acked_at FROM batches "
                    f"WHERE subscription_id = ? AND id IN ({marks})",
                    [subscription_id, *chunk],
                ):
                    found[r["id"]] = r
            fresh = [r for r in found.values() if r["acked_at"] is None]
            db.executemany(
                "UPDATE batches SET acked_at = ? WHERE id = ? AND acked_at IS NULL",
                [(now, r["id"]) for r in fresh],
            )
            for batch_id in dict.fromkeys(batch_ids):
                if batch_id in found:
                    result.acknowledged.append(batch_id)
                    result.events[batch_id] = int(found[batch_id]["event_count"])
                else:
                    result.unknown.append(batch_id)
            result.resume_token = self._after_ack(db, subscription_id, fresh, token_for, now)
        return result

    def _after_ack(
        self,
        db: sqlite3.Connection,
        subscription_id: int,
        fresh: list[Row],
        token_for: Callable[[int], str],
        now: str,
    ) -> str | None:
        """Update the subscription's delivered count and resume token; return the token."""
        top = db.execute(
            "SELECT MAX(seq) AS seq FROM batches "
            "WHERE subscription_id = ? AND acked_at IS NOT NULL",
            (subscription_id,),
        ).fetchone()["seq"]
        token = token_for(int(top)) if top is not None else None
        if fresh:
            last = max(fresh, key=lambda r: int(r["seq"]))
            db.execute(
                "UPDATE subscriptions SET events_delivered = events_delivered + ?, "
                "resume_token = ?, last_event_id = ?, updated_at = ? WHERE id = ?",
                (
                    sum(int(r["event_count"]) for r in fresh),
                    token,
                    last["id"],
                    now,
                    subscription_id,
                ),
            )
        return token

    async def ack_through(
        self, subscription_id: int, seq: int, token_for: Callable[[int], str]
    ) -> None:
        await self._run(self._ack_through, subscription_id, seq, token_for)

    def _ack_through(self, subscription_id: int, seq: int, token_for: Callable[[int], str]) -> None:
        now = now_iso()
        with self._transaction() as db:
            fresh = db.execute(
                "SELECT id, seq, event_count FROM batches "
                "WHERE subscription_id = ? AND seq <= ? AND acked_at IS NULL",
                (subscription_id, seq),
            ).fetchall()
            db.execute(
                "UPDATE batches SET acked_at = ? "
                "WHERE subscription_id = ? AND seq <= ? AND acked_at IS NULL",
                (now, subscription_id, seq),
            )
            self._after_ack(db, subscription_id, fresh, token_for, now)

    async def processed_hashes(self, subscription_id: int) -> list[tuple[int, str]]:
        return await self._run(self._processed_hashes, subscription_id)

    def _processed_hashes(self, subscription_id: int) -> list[tuple[int, str]]:
        rows = self.db.execute(
            "SELECT block_number, block_hash FROM processed_blocks WHERE subscription_id = ? "
            "ORDER BY block_number DESC",
            (subscription_id,),
        ).fetchall()
        return [(int(r["block_number"]), str(r["block_hash"])) for r in rows]

    async def rewind(self, subscription_id: int, block_number: int) -> None:
        await self._run(self._rewind, subscription_id, block_number)

    def _rewind(self, subscription_id: int, block_number: int) -> None:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM processed_blocks WHERE subscription_id = ? AND block_number > ?",
                (subscription_id, block_number),
            )
            kept = db.execute(
                "SELECT block_hash FROM processed_blocks WHERE subscription_id = ? "
                "AND block_number = ?",
                (subscription_id, block_number),
            ).fetchone()
            db.execute(
                "UPDATE subscriptions SET last_processed_block = ?, last_block_hash = ?, "
                "updated_at = ? WHERE id = ?",
                (block_number, kept["block_hash"] if kept else None, now_iso(), subscription_id),
            )

    async def record_decode_error(
        self, subscription_id: int, log: Mapping[str, Any], error: str
    ) -> None:
        await self._run(self._record_decode_error, subscription_id, dict(log), error)

    def _record_decode_error(self, subscription_id: int, log: Row, error: str) -> None:
        def as_int(value: Any) -> int | None:
            try:
                return int(value, 16)
            except (TypeError, ValueError):
                return None

        self.db.execute(
            "INSERT INTO decode_errors (subscription_id, block_number, transaction_hash, "
            "log_index, error, log, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                subscription_id,
                as_int(log.get("blockNumber")),
                log.get("transactionHash"),
                as_int(log.get("logIndex")),
                error,
                json.dumps(log),
                now_iso(),
            ),
        )

    async def decode_error_count(self, subscription_id: int) -> int:
        return await self._run(self._decode_error_count, subscription_id)

    def _decode_error_count(self, subscription_id: int) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) AS n FROM decode_errors WHERE subscription_id = ?", (subscription_id,)
        ).fetchone()
        return int(row["n"])
