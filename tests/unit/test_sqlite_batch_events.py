"""SQLite keeps batch bodies apart from their acknowledgement state (migration 9).

SQLite rewrites a record whose size changes, overflow pages included: with the events in the
``batches`` row, acknowledging a batch wrote its whole body again. These tests pin the layout
down by its effect (the WAL an acknowledgement writes) and check that a file written by the
previous schema keeps every body through the upgrade.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from event_streamer_server import _sqlite as sqlite_module
from event_streamer_server._sqlite import SQLiteStorage
from event_streamer_server._sqlite_schema import MIGRATIONS
from event_streamer_server._storage import NewBatch
from tests.unit._rows import new_subscription

BODY = 40_000  # bytes: a batch of 100 decoded Transfers


def _body(i: int) -> bytes:
    return b'{"Transfer":["' + f"{i:08d}".encode() * (BODY // 8) + b'"]}'


def _wal_bytes(path: Path) -> int:
    return Path(f"{path}-wal").stat().st_size


async def test_acknowledging_does_not_write_the_bodies_again(tmp_path: Path) -> None:
    path = tmp_path / "acks.db"
    storage = SQLiteStorage(str(path))
    await storage.open()
    try:
        sub = await new_subscription(storage)
        n = 100
        stored = [NewBatch(f"b{i}", _body(i), 100, 1, 1) for i in range(n)]
        await storage.store_range(sub.id, stored, 1, [])
        with sqlite3.connect(path) as con:  # start from an empty WAL
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert _wal_bytes(path) == 0
        for i in range(0, n, 10):
            await storage.ack_batches(sub.id, [f"b{j}" for j in range(i, i + 10)], str)
        wal = _wal_bytes(path)
        # 4 MB of bodies; the acks' own pages (batch rows, index, subscription) are far less.
        assert wal < n * BODY // 10, f"acknowledging wrote {wal:,} bytes of WAL"
        assert await storage.unacked_count(sub.id) == 0
    finally:
        await storage.close()


async def test_a_file_of_the_previous_schema_keeps_its_bodies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    with monkeypatch.context() as old:
        old.setattr(sqlite_module, "MIGRATIONS", MIGRATIONS[:8])  # the previous release
        storage = SQLiteStorage(str(path))
        await storage.open()
        sub = await new_subscription(storage)
        await storage.close()
    with sqlite3.connect(path) as con:  # batches as version 8 stored them: events inline
        assert con.execute("PRAGMA user_version").fetchone()[0] == 8
        con.executemany(
            "INSERT INTO batches (id, subscription_id, seq, event_count, events, first_block, "
            "last_block, created_at) VALUES (?, ?, ?, 100, ?, 1, 1, '2026-01-01T00:00:00Z')",
            [(f"b{i}", sub.id, i + 1, _body(i)) for i in range(3)],
        )
        con.execute("UPDATE subscriptions SET next_seq = 4 WHERE id = ?", (sub.id,))
    storage = SQLiteStorage(str(path))
    await storage.open()  # migrates to the current version
    try:
        kept = await storage.unacked_batches(sub.id, 0, 10)
        assert [(b.batch_id, bytes(b.events_json)) for b in kept] == [
            (f"b{i}", _body(i)) for i in range(3)
        ]
        await storage.ack_batches(sub.id, ["b0"], str)
        assert await storage.prune_acknowledged("9999", 10) == 1  # its body goes with it
        with sqlite3.connect(path) as con:
            assert con.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
            bodies = [r[0] for r in con.execute("SELECT batch_id FROM batch_events ORDER BY 1")]
        assert bodies == ["b1", "b2"]
    finally:
        await storage.close()


async def test_an_sqlite_too_old_for_the_migration_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_module.sqlite3, "sqlite_version_info", (3, 34, 1))
    monkeypatch.setattr(sqlite_module.sqlite3, "sqlite_version", "3.34.1")
    storage = SQLiteStorage(str(tmp_path / "new.db"))
    with pytest.raises(RuntimeError, match=r"needs SQLite 3\.35\.0 or newer .* has 3\.34\.1"):
        await storage.open()
    await storage.close()
