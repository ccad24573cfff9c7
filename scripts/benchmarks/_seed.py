"""Seed a stopped (or running) service's SQLite file with stored batches, as ingestion would.

Benchmarks of delivery from storage need large backlogs and histories; producing them through
anvil would take most of the time budget, so batches of synthetic (but realistically shaped)
100-event Transfer batches are written in the service's own schema, one transaction per
``per_tx`` batches (the size of an ingestion span).
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import orjson

from ._stream_server import BATCH, transfer_batch


def blobs(kinds: int = 8) -> list[bytes]:
    """A few distinct pre-encoded 100-event Transfer batches (as the service stores them)."""
    rng = random.Random(7)
    addresses = ["0x" + rng.randbytes(20).hex() for _ in range(1000)]
    out = []
    for b in range(kinds):
        events = transfer_batch(rng, addresses, 1000 + b)
        out.append(orjson.dumps({"Transfer": events}))
    return out


def seed(
    db: Path, subscription_id: int, *, acked: int = 0, unacked: int = 0, per_tx: int = 100
) -> None:
    """Append ``acked`` acknowledged then ``unacked`` unacknowledged batches to a subscription."""
    kinds = blobs()
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    con = sqlite3.connect(db, isolation_level=None, timeout=30)
    try:
        plan = [now] * acked + [None] * unacked
        for start in range(0, len(plan), per_tx):
            chunk = plan[start : start + per_tx]
            con.execute("BEGIN IMMEDIATE")
            (seq,) = con.execute(
                "SELECT next_seq FROM subscriptions WHERE id = ?", (subscription_id,)
            ).fetchone()
            rows = [
                (f"batch_{uuid.uuid4().hex}", seq + i, kinds[(seq + i) % len(kinds)], acked_at)
                for i, acked_at in enumerate(chunk)
            ]
            con.executemany(
                "INSERT INTO batches (id, subscription_id, seq, event_count, first_block, "
                "last_block, created_at, acked_at) VALUES (?, ?, ?, ?, 1, 1, ?, ?)",
                [(i, subscription_id, s, BATCH, now, a) for i, s, _, a in rows],
            )
            con.executemany(
                "INSERT INTO batch_events (batch_id, events) VALUES (?, ?)",
                [(i, body) for i, _, body, _ in rows],
            )
            top_acked = seq + len(chunk) - 1 if chunk[-1] is not None else None
            con.execute(
                "UPDATE subscriptions SET next_seq = ?, acked_seq = COALESCE(?, acked_seq) "
                "WHERE id = ?",
                (seq + len(chunk), top_acked, subscription_id),
            )
            con.execute("COMMIT")
    finally:
        con.close()


def count_batches(db: Path) -> int:
    con = sqlite3.connect(db, timeout=30)
    try:
        return int(con.execute("SELECT COUNT(*) FROM batches").fetchone()[0])
    finally:
        con.close()


def db_bytes(db: Path) -> int:
    """The database file and its WAL."""
    wal = Path(f"{db}-wal")
    return db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
