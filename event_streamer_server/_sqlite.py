"""SQLite storage: the one module that holds SQL.

One connection, owned by one worker thread (sqlite3 objects are thread-bound); every call runs
there, so writes are serialised. WAL journal, ``synchronous=FULL`` so a commit that returned is
on disk. The schema is versioned with ``PRAGMA user_version``; migrations run at start-up.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import sqlite3
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ._storage import Row
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
]

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
