"""SQLite storage: the module that holds the queries (the schema is in ``_sqlite_schema``).

One connection, owned by one worker thread (sqlite3 objects are thread-bound); every call runs
there, so writes are serialised. WAL journal, ``synchronous=FULL`` so a commit that returned is
on disk. The schema is versioned with ``PRAGMA user_version``; migrations run at start-up.

Several processes may share one file (several service instances on one machine): every
read-modify-write runs in one ``BEGIN IMMEDIATE`` transaction (the file's write lock, waited for
up to the busy timeout), counters such as a subscription's next batch seq live in the file, not in
the process, and each migration re-reads the schema version under that lock, so instances that
start together apply it once. Ingestion leases (``ingest_leases``) are taken and checked the
same way; commit listeners hear this process's commits only (other processes' commits are found
by the service's polling fallback).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import logging
import secrets
import sqlite3
import time
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

import orjson

from ._hexnum import number_or_none
from ._principals import StoredKey
from ._sqlite_schema import MIGRATIONS
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

__all__ = ["MIGRATIONS", "SQLiteStorage"]

# Migrations that need a newer SQLite than the rest (the library Python was built with).
_SQLITE_NEEDED = {9: (3, 35, 0)}

logger = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R", ChainRow, SubscriptionRow)
P = ParamSpec("P")

# Block hashes kept per subscription for reorg detection.
HASH_WINDOW = 256
# Bytes a checkpointed WAL file keeps.
_WAL_LIMIT = 8 * 1024 * 1024
# Ids per IN (...) list: well under SQLite's bound-parameter limit.
_ID_CHUNK = 500

_JSON_COLUMNS = {"rpc_urls", "event_signature", "addresses", "extra_events", "topics"}

Record = dict[str, Any]

# Acks committed together in one transaction at most.
_ACK_GROUP = 256


@dataclasses.dataclass(slots=True)
class _PendingAck:
    subscription_id: int
    batch_ids: list[str]
    token_for: Callable[[int], str]
    future: asyncio.Future[AckResult]


def _record(cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> Record:
    """Row factory: column name -> value, JSON columns decoded."""
    out = {}
    for (name, *_), value in zip(cursor.description, values, strict=True):
        out[name] = json.loads(value) if name in _JSON_COLUMNS and value is not None else value
    return out


def _encode(column: str, value: Any) -> Any:
    return json.dumps(value, separators=(",", ":")) if column in _JSON_COLUMNS else value


def on_db_thread(
    method: Callable[Concatenate[SQLiteStorage, P], T],
) -> Callable[Concatenate[SQLiteStorage, P], Coroutine[Any, Any, T]]:
    """Make a synchronous method awaitable: it runs on the storage's one database thread."""

    async def run_on_db_thread(self: SQLiteStorage, /, *args: P.args, **kwargs: P.kwargs) -> T:
        call = functools.partial(method, self, *args, **kwargs)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, call)
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise StorageBusy(str(err)) from err
            raise

    functools.update_wrapper(run_on_db_thread, method)  # name and docstring of the method
    return run_on_db_thread


def _switch_to_wal(db: sqlite3.Connection, timeout: float) -> None:
    """``PRAGMA journal_mode=WAL``, retried while another process holds the lock.

    Two processes creating one file at once can get ``database is locked`` here at once:
    SQLite skips the busy handler where waiting could deadlock, so this waits itself.
    """
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)  # on the store's own thread, at start-up only
        delay = min(delay * 2, 0.2)


class SQLiteStorage:
    """:class:`~event_streamer_server._storage.Storage` on a SQLite file."""

    def __init__(self, path: str, *, busy_timeout: float = 5.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._db: sqlite3.Connection | None = None
        self._acks: list[_PendingAck] = []  # waiting for the next ack transaction
        self._ack_task: asyncio.Task[None] | None = None
        self._listeners: list[Callable[[int], None]] = []

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("storage is not open")
        return self._db

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when the body raises."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- lifecycle -------------------------------------------------------------------------------
    @on_db_thread
    def open(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=True)
        db.row_factory = _record
        # Start-up waits for other processes on the file too (switching to WAL, migrating).
        start_timeout = max(5.0, self.busy_timeout)
        db.execute(f"PRAGMA busy_timeout={int(start_timeout * 1000)}")
        _switch_to_wal(db, start_timeout)
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        # A checkpointed WAL is cut back to this size (else it keeps its largest size forever).
        db.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT}")
        self._db = db
        self._incremental_vacuum(db)
        for number, script in enumerate(MIGRATIONS, start=1):
            if self.schema_version >= number:
                continue
            needed = _SQLITE_NEEDED.get(number)
            if needed is not None and sqlite3.sqlite_version_info < needed:
                raise RuntimeError(
                    f"schema version {number} needs SQLite {'.'.join(map(str, needed))} or "
                    f"newer (ALTER TABLE DROP COLUMN); this Python has {sqlite3.sqlite_version}"
                )
            with self._transaction():
                # Re-read under the write lock: another instance may have just applied it.
                if self.schema_version >= number:
                    continue
                logger.info("migrating %s to schema version %d", self.path, number)
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={number}")
        db.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")

    def _incremental_vacuum(self, db: sqlite3.Connection) -> None:
        """Let deleted pages go back to the file system (retention keeps the file bounded).

        A new file takes the mode before its first table; an existing file needs one VACUUM
        (a rewrite of the file, once, at the first start of this version).
        """
        if int(db.execute("PRAGMA auto_vacuum").fetchone()["auto_vacuum"]) == 2:
            return
        db.execute("PRAGMA auto_vacuum=INCREMENTAL")
        if int(db.execute("PRAGMA page_count").fetchone()["page_count"]) > 0:
            logger.info("rewriting %s once for incremental vacuum", self.path)
            db.execute("VACUUM")

    async def close(self) -> None:
        if self._db is not None:
            await self._disconnect()
        self._executor.shutdown(wait=True)

    @on_db_thread
    def _disconnect(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()["user_version"])

    # -- meta ------------------------------------------------------------------------------------
    @on_db_thread
    def secret(self) -> bytes:
        self.db.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('resume_secret', ?)",
            (secrets.token_hex(32),),
        )
        row = self.db.execute("SELECT value FROM meta WHERE key = 'resume_secret'").fetchone()
        return bytes.fromhex(row["value"])

    @on_db_thread
    def keyring_records(self) -> list[dict[str, Any]]:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'resume_keyring'").fetchone()
        return list(json.loads(row["value"])) if row else []

    @on_db_thread
    def save_keyring_records(self, records: list[dict[str, Any]]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('resume_keyring', ?)",
            (json.dumps(records),),
        )

    @on_db_thread
    def api_keys(self) -> list[StoredKey]:
        rows = self.db.execute("SELECT key_id, digest, kind, subscriber_id FROM api_keys")
        return [StoredKey(**r) for r in rows.fetchall()]

    @on_db_thread
    def insert_api_key(self, key: StoredKey) -> None:
        self.db.execute(
            "INSERT INTO api_keys (key_id, digest, kind, subscriber_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (key.key_id, key.digest, key.kind, key.subscriber_id, now_iso()),
        )

    # -- chains ----------------------------------------------------------------------------------
    def _select(self, row: type[R], table: str, clauses: str, args: Sequence[Any]) -> list[R]:
        """Rows of ``table`` as ``row`` values (the dataclass's fields are the columns)."""
        columns = ", ".join(f.name for f in dataclasses.fields(row))
        cursor = self.db.execute(f"SELECT {columns} FROM {table} {clauses}", args)
        return [row(**r) for r in cursor.fetchall()]

    def _chain(self, chain_id: int) -> ChainRow | None:
        found = self._select(ChainRow, "chains", "WHERE chain_id = ?", (chain_id,))
        return found[0] if found else None

    @on_db_thread
    def list_chains(self) -> list[ChainRow]:
        return self._select(ChainRow, "chains", "ORDER BY chain_id", ())

    @on_db_thread
    def get_chain(self, chain_id: int) -> ChainRow | None:
        return self._chain(chain_id)

    @on_db_thread
    def insert_chain(self, chain: NewChain) -> ChainRow:
        now = now_iso()
        values = {k: _encode(k, v) for k, v in dataclasses.asdict(chain).items()}
        values.update(created_at=now, updated_at=now)
        try:
            self.db.execute(
                f"INSERT INTO chains ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                list(values.values()),
            )
        except sqlite3.IntegrityError as err:
            raise AlreadyExists(f"chain {chain.chain_id} exists") from err
        row = self._chain(chain.chain_id)
        assert row is not None
        return row

    @on_db_thread
    def update_chain(self, chain_id: int, changes: Mapping[str, Any]) -> ChainRow | None:
        sets = {k: _encode(k, v) for k, v in changes.items() if k in CHAIN_FIELDS}
        sets["updated_at"] = now_iso()
        assignments = ", ".join(f"{k} = ?" for k in sets)
        self.db.execute(
            f"UPDATE chains SET {assignments} WHERE chain_id = ?", [*sets.values(), chain_id]
        )
        return self._chain(chain_id)

    # -- subscriptions ---------------------------------------------------------------------------
    def _subscription(self, subscription_id: int) -> SubscriptionRow | None:
        found = self._select(SubscriptionRow, "subscriptions", "WHERE id = ?", (subscription_id,))
        return found[0] if found else None

    @on_db_thread
    def insert_subscription(self, sub: NewSubscription) -> SubscriptionRow:
        now = now_iso()
        values = {k: _encode(k, v) for k, v in dataclasses.asdict(sub).items()}
        values.update(created_at=now, updated_at=now)
        cursor = self.db.execute(
            f"INSERT INTO subscriptions ({', '.join(values)}) "
            f"VALUES ({', '.join('?' * len(values))})",
            list(values.values()),
        )
        row = self._subscription(int(cursor.lastrowid or 0))
        assert row is not None
        return row

    @on_db_thread
    def get_subscription(self, subscription_id: int) -> SubscriptionRow | None:
        return self._subscription(subscription_id)

    @on_db_thread
    def list_subscriptions(
        self, subscriber_id: str | None, offset: int, limit: int
    ) -> tuple[list[SubscriptionRow], int]:
        where, args = ("WHERE subscriber_id = ?", [subscriber_id]) if subscriber_id else ("", [])
        total = self.db.execute(f"SELECT COUNT(*) AS n FROM subscriptions {where}", args)
        rows = self._select(
            SubscriptionRow,
            "subscriptions",
            f"{where} ORDER BY id DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        )
        return rows, int(total.fetchone()["n"])

    @on_db_thread
    def update_subscription(
        self, subscription_id: int, changes: Mapping[str, Any]
    ) -> SubscriptionRow | None:
        sets = {k: _encode(k, v) for k, v in changes.items() if k in SUBSCRIPTION_FIELDS}
        sets["updated_at"] = now_iso()
        assignments = ", ".join(f"{k} = ?" for k in sets)
        self.db.execute(
            f"UPDATE subscriptions SET {assignments} WHERE id = ?",
            [*sets.values(), subscription_id],
        )
        return self._subscription(subscription_id)

    @on_db_thread
    def delete_subscription(self, subscription_id: int) -> bool:
        cursor = self.db.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))
        return cursor.rowcount > 0

    # -- delivery --------------------------------------------------------------------------------
    async def store_range(
        self,
        subscription_id: int,
        batches: Sequence[NewBatch],
        last_block: int,
        block_hashes: Sequence[tuple[int, str]],
        *,
        fence: IngestLease | None = None,
    ) -> None:
        stored = await self._store_range(
            subscription_id, batches, last_block, block_hashes, fence=fence
        )
        if stored:
            self._committed(subscription_id)

    @on_db_thread
    def _store_range(
        self,
        subscription_id: int,
        batches: Sequence[NewBatch],
        last_block: int,
        block_hashes: Sequence[tuple[int, str]],
        *,
        fence: IngestLease | None,
    ) -> bool:
        """The transaction of :meth:`store_range`; True when batches were stored."""
        now = now_iso()
        with self._transaction() as db:
            self._check_fence(db, fence)
            row = db.execute(
                "SELECT next_seq FROM subscriptions WHERE id = ?", (subscription_id,)
            ).fetchone()
            if row is None:
                return False  # deleted meanwhile: nothing to store
            seq = int(row["next_seq"])
            _insert_batches(db, subscription_id, seq, batches, now)
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
        return bool(batches)

    @on_db_thread
    def unacked_batches(
        self, subscription_id: int, after_seq: int, limit: int
    ) -> list[StoredBatch]:
        rows = self.db.execute(
            "SELECT b.id AS batch_id, b.subscription_id, b.seq, e.events AS events_json, "
            "b.event_count, b.first_block, b.last_block, b.kind "
            "FROM batches AS b JOIN batch_events AS e ON e.batch_id = b.id "
            "WHERE b.subscription_id = ? AND b.seq > ? AND b.acked_at IS NULL "
            "ORDER BY b.seq LIMIT ?",
            (subscription_id, after_seq, limit),
        ).fetchall()
        return [StoredBatch(**r) for r in rows]  # BLOB columns come back as bytes

    @on_db_thread
    def unacked_count(self, subscription_id: int) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) AS n FROM batches WHERE subscription_id = ? AND acked_at IS NULL "
            "AND kind = 'events'",
            (subscription_id,),
        ).fetchone()
        return int(row["n"])

    @on_db_thread
    def unacked_counts(self, subscription_ids: Sequence[int]) -> dict[int, int]:
        ids = list(dict.fromkeys(subscription_ids))
        counts: dict[int, int] = {}
        for start in range(0, len(ids), _ID_CHUNK):
            chunk = ids[start : start + _ID_CHUNK]
            marks = ", ".join("?" * len(chunk))
            for r in self.db.execute(
                f"SELECT subscription_id, COUNT(*) AS n FROM batches "
                f"WHERE subscription_id IN ({marks}) AND acked_at IS NULL AND kind = 'events' "
                "GROUP BY subscription_id",
                chunk,
            ):
                counts[int(r["subscription_id"])] = int(r["n"])
        return counts

    async def ack_batches(
        self, subscription_id: int, batch_ids: Sequence[str], token_for: Callable[[int], str]
    ) -> AckResult:
        """Acknowledge (see the protocol); acks arriving together share one transaction.

        Group commit: while one transaction (and its fsync) runs, later acks queue up and the
        next transaction takes them all, so many streams acknowledging at once cost a few
        commits instead of one each. A failed transaction fails every ack it held (none of
        them is committed; each caller answers 5xx and the client sends again).
        """
        loop = asyncio.get_running_loop()
        pending = _PendingAck(subscription_id, list(batch_ids), token_for, loop.create_future())
        self._acks.append(pending)
        if self._ack_task is None or self._ack_task.done():
            self._ack_task = loop.create_task(self._commit_acks(), name="sqlite-acks")
        return await pending.future

    async def _commit_acks(self) -> None:
        loop = asyncio.get_running_loop()
        while self._acks:
            group, self._acks = self._acks[:_ACK_GROUP], self._acks[_ACK_GROUP:]
            try:
                results = await loop.run_in_executor(
                    self._executor, functools.partial(self._ack_group, group)
                )
            except BaseException as err:
                for p in group:
                    if not p.future.done():
                        p.future.set_exception(
                            err if isinstance(err, Exception) else RuntimeError(repr(err))
                        )
                if not isinstance(err, Exception):
                    raise
                continue
            for p, result in zip(group, results, strict=True):
                if not p.future.done():
                    p.future.set_result(result)

    def _ack_group(self, group: Sequence[_PendingAck]) -> list[AckResult]:
        now = now_iso()
        with self._transaction() as db:
            return [
                self._ack_in(db, p.subscription_id, p.batch_ids, p.token_for, now) for p in group
            ]

    def _ack_in(
        self,
        db: sqlite3.Connection,
        subscription_id: int,
        batch_ids: Sequence[str],
        token_for: Callable[[int], str],
        now: str,
    ) -> AckResult:
        result = AckResult()
        found: dict[str, Record] = {}
        for start in range(0, len(batch_ids), _ID_CHUNK):
            chunk = batch_ids[start : start + _ID_CHUNK]
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
        if fresh:  # notices below an acknowledged batch: handled (or ignored) by the client
            db.execute(
                "UPDATE batches SET acked_at = ? WHERE subscription_id = ? AND seq < ? "
                "AND acked_at IS NULL AND kind = 'reorg'",
                (now, subscription_id, max(int(r["seq"]) for r in fresh)),
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
        fresh: list[Record],
        token_for: Callable[[int], str],
        now: str,
    ) -> str | None:
        """Update the subscription's delivered count and resume token; return the token.

        The highest acknowledged seq lives on the subscription row (``acked_seq``): O(1) per
        ack however long the acknowledged history, and kept when retention removes batches.
        """
        if fresh:
            last = max(fresh, key=lambda r: int(r["seq"]))
            db.execute(
                "UPDATE subscriptions SET acked_seq = MAX(acked_seq, ?), "
                "events_delivered = events_delivered + ?, last_event_id = ?, updated_at = ? "
                "WHERE id = ?",
                (
                    int(last["seq"]),
                    sum(int(r["event_count"]) for r in fresh),
                    last["id"],
                    now,
                    subscription_id,
                ),
            )
        row = db.execute(
            "SELECT acked_seq FROM subscriptions WHERE id = ?", (subscription_id,)
        ).fetchone()
        top = int(row["acked_seq"]) if row is not None else 0
        token = token_for(top) if top > 0 else None
        if fresh:
            db.execute(
                "UPDATE subscriptions SET resume_token = ? WHERE id = ?", (token, subscription_id)
            )
        return token

    @on_db_thread
    def ack_through(self, subscription_id: int, seq: int, token_for: Callable[[int], str]) -> None:
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

    @on_db_thread
    def prune_acknowledged(self, acked_before: str, limit: int) -> int:
        """Delete up to ``limit`` batches acknowledged before ``acked_before``; return how many.

        One short transaction per call (the caller loops), then free pages go back to the file
        system (``auto_vacuum=INCREMENTAL``).
        """
        with self._transaction() as db:
            deleted = db.execute(
                "DELETE FROM batches WHERE rowid IN (SELECT rowid FROM batches "
                "WHERE acked_at IS NOT NULL AND acked_at < ? LIMIT ?)",
                (acked_before, limit),
            ).rowcount
        if deleted:
            # executescript steps the pragma to the end (execute() frees one page per step)
            self.db.executescript("PRAGMA incremental_vacuum;")
        return int(deleted)

    @on_db_thread
    def processed_hashes(self, subscription_id: int) -> list[tuple[int, str]]:
        rows = self.db.execute(
            "SELECT block_number, block_hash FROM processed_blocks WHERE subscription_id = ? "
            "ORDER BY block_number DESC",
            (subscription_id,),
        ).fetchall()
        return [(int(r["block_number"]), str(r["block_hash"])) for r in rows]

    @on_db_thread
    def rewind(
        self, subscription_id: int, block_number: int, *, fence: IngestLease | None = None
    ) -> ReorgNotice | None:
        now = now_iso()
        with self._transaction() as db:
            self._check_fence(db, fence)
            # A batch is void as a whole: rewind to before the first one reaching past the fork.
            low = db.execute(
                "SELECT MIN(first_block) AS b FROM batches WHERE subscription_id = ? "
                "AND kind = 'events' AND last_block > ?",
                (subscription_id, block_number),
            ).fetchone()
            if low is not None and low["b"] is not None:
                block_number = min(block_number, int(low["b"]) - 1)
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
                (block_number, kept["block_hash"] if kept else None, now, subscription_id),
            )
            void = db.execute(
                "SELECT id FROM batches WHERE subscription_id = ? AND kind = 'events' "
                "AND last_block > ? ORDER BY seq",
                (subscription_id, block_number),
            ).fetchall()
            if not void:
                return None
            db.execute(  # never sent again; acknowledged without counting as delivered
                "UPDATE batches SET acked_at = ? WHERE subscription_id = ? AND kind = 'events' "
                "AND last_block > ? AND acked_at IS NULL",
                (now, subscription_id, block_number),
            )
            row = db.execute(
                "SELECT next_seq FROM subscriptions WHERE id = ?", (subscription_id,)
            ).fetchone()
            ids = [str(r["id"]) for r in void]
            notice = ReorgNotice.new(int(row["next_seq"]), block_number, ids)
            body = NewBatch(
                notice.notice_id,
                orjson.dumps(notice.as_json()),
                0,
                block_number + 1,
                block_number + 1,
            )
            _insert_batches(db, subscription_id, notice.seq, [body], now, kind="reorg")
            db.execute(
                "UPDATE subscriptions SET next_seq = ? WHERE id = ?",
                (notice.seq + 1, subscription_id),
            )
            return notice

    @on_db_thread
    def record_decode_error(self, subscription_id: int, log: Mapping[str, Any], error: str) -> None:
        self.db.execute(
            "INSERT INTO decode_errors (subscription_id, block_number, transaction_hash, "
            "log_index, error, log, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                subscription_id,
                number_or_none(log.get("blockNumber")),
                log.get("transactionHash"),
                number_or_none(log.get("logIndex")),
                error,
                json.dumps(dict(log)),
                now_iso(),
            ),
        )

    @on_db_thread
    def decode_error_count(self, subscription_id: int) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) AS n FROM decode_errors WHERE subscription_id = ?", (subscription_id,)
        ).fetchone()
        return int(row["n"])

    # -- several instances -----------------------------------------------------------------------
    @staticmethod
    def _lease(row: Record | None) -> IngestLease | None:
        if row is None:
            return None
        return IngestLease(
            int(row["chain_id"]), str(row["owner"]), int(row["token"]), float(row["expires_at"])
        )

    def _check_fence(self, db: sqlite3.Connection, fence: IngestLease | None) -> None:
        """Inside a write transaction: raise LeaseLost unless ``fence`` still holds the lease."""
        if fence is None:
            return
        row = db.execute(
            "SELECT owner, token FROM ingest_leases WHERE chain_id = ?", (fence.chain_id,)
        ).fetchone()
        if row is None or row["owner"] != fence.owner or int(row["token"]) != fence.token:
            raise LeaseLost(
                f"chain {fence.chain_id}: lease token {fence.token} of {fence.owner} "
                f"is no longer current"
            )

    @on_db_thread
    def acquire_lease(self, chain_id: int, owner: str, ttl: float) -> IngestLease | None:
        with self._transaction() as db:
            now = time.time()
            current = self._lease(
                db.execute(
                    "SELECT chain_id, owner, token, expires_at FROM ingest_leases "
                    "WHERE chain_id = ?",
                    (chain_id,),
                ).fetchone()
            )
            if current is None:
                token = 1
            elif current.owner == owner:
                token = current.token  # a renewal keeps the token
            elif current.expires_at <= now:
                token = current.token + 1  # a hand-over: writes fenced by the old token fail
            else:
                return None
            db.execute(
                "INSERT INTO ingest_leases (chain_id, owner, token, expires_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (chain_id) DO UPDATE SET "
                "owner = excluded.owner, token = excluded.token, expires_at = excluded.expires_at",
                (chain_id, owner, token, now + ttl),
            )
            return IngestLease(chain_id, owner, token, now + ttl)

    @on_db_thread
    def release_lease(self, chain_id: int, owner: str) -> None:
        self.db.execute(
            "UPDATE ingest_leases SET expires_at = MIN(expires_at, ?) "
            "WHERE chain_id = ? AND owner = ?",
            (time.time(), chain_id, owner),
        )

    @on_db_thread
    def get_lease(self, chain_id: int) -> IngestLease | None:
        return self._lease(
            self.db.execute(
                "SELECT chain_id, owner, token, expires_at FROM ingest_leases WHERE chain_id = ?",
                (chain_id,),
            ).fetchone()
        )

    def add_commit_listener(self, callback: Callable[[int], None]) -> None:
        self._listeners.append(callback)

    def _committed(self, subscription_id: int) -> None:
        for callback in list(self._listeners):
            try:
                callback(subscription_id)
            except Exception:
                logger.exception("commit listener %r failed", callback)


def _insert_batches(
    db: sqlite3.Connection,
    subscription_id: int,
    seq: int,
    batches: Sequence[NewBatch],
    now: str,
    *,
    kind: str = "events",
) -> None:
    """Append ``batches`` from ``seq`` on: each row and its body (two tables since migration 9)."""
    db.executemany(
        "INSERT INTO batches (id, subscription_id, seq, event_count, first_block, last_block, "
        "created_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                b.batch_id,
                subscription_id,
                seq + i,
                b.event_count,
                b.first_block,
                b.last_block,
                now,
                kind,
            )
            for i, b in enumerate(batches)
        ],
    )
    db.executemany(
        "INSERT INTO batch_events (batch_id, events) VALUES (?, ?)",
        [(b.batch_id, b.events_json) for b in batches],
    )
