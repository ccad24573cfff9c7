"""Retention against real processes: only acknowledged batches go, and a crash loses nothing.

Backlogs are written into the service's SQLite file the way ingestion stores them (the seeding
of ``scripts/benchmarks/_seed.py``), so a test can hold thousands of batches without anvil
producing them.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer_server.devchain import Emitter
from event_streamer_server.testing import LocalStack, start_local_stack, start_service
from tests._stack import until

EVENTS = orjson.dumps({"Transfer": [{"from": "0x" + "22" * 20, "value": "1"}]})


def seed(db: Path, sid: int, *, acked: int = 0, unacked: int = 0) -> list[str]:
    """Append batches (acknowledged first) as ingestion would; return the unacknowledged ids."""
    con = sqlite3.connect(db, isolation_level=None, timeout=30)
    try:
        con.execute("BEGIN IMMEDIATE")
        (seq,) = con.execute("SELECT next_seq FROM subscriptions WHERE id = ?", (sid,)).fetchone()
        rows = []
        for i in range(acked + unacked):
            acked_at = "2020-01-01T00:00:00.000Z" if i < acked else None
            rows.append((f"batch_{uuid.uuid4().hex}", sid, seq + i, EVENTS, acked_at))
        con.executemany(
            "INSERT INTO batches (id, subscription_id, seq, event_count, first_block, "
            "last_block, created_at, acked_at) "
            "VALUES (?, ?, ?, 1, 1, 1, '2020-01-01T00:00:00.000Z', ?)",
            [(r[0], r[1], r[2], r[4]) for r in rows],
        )
        con.executemany(
            "INSERT INTO batch_events (batch_id, events) VALUES (?, ?)",
            [(r[0], r[3]) for r in rows],
        )
        con.execute(
            "UPDATE subscriptions SET next_seq = ?, acked_seq = ? WHERE id = ?",
            (seq + len(rows), seq + acked - 1 if acked else 0, sid),
        )
        con.execute("COMMIT")
    finally:
        con.close()
    return [r[0] for r in rows[acked:]]


def stored(db: Path) -> dict[str, bool]:
    """Batch id -> acknowledged, for every batch in the file."""
    con = sqlite3.connect(db, timeout=30)
    try:
        return {str(i): a is not None for i, a in con.execute("SELECT id, acked_at FROM batches")}
    finally:
        con.close()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    s = start_local_stack(
        db=tmp_path / "es.db",
        service_env={
            "EVENT_STREAMER_ACK_RETENTION": "0",
            "EVENT_STREAMER_RETENTION_INTERVAL": "0.05",
        },
    )
    try:
        yield s
    finally:
        s.stop()


async def subscription(url: str, chain_id: int) -> int:
    async with EventStreamer(url, "retention-test") as client:
        sub = await client.create_subscription(
            subscription_from_abi(
                Emitter.abi(),
                "Transfer",
                chain_id=chain_id,
                addresses=["0x" + "11" * 20],
                start_block=0,
            )
        )
        return sub.id


async def read_batches(url: str, sid: int, n: int) -> tuple[str, list[str]]:
    """Open a stream, read ``n`` batch ids, close; return (connection id, ids)."""
    ids: list[str] = []
    async with (
        httpx.AsyncClient(base_url=url, timeout=30) as http,
        http.stream("GET", f"/subscriptions/{sid}/stream") as response,
    ):
        connection_id = response.headers["x-connection-id"]
        lines = response.aiter_lines()  # held: see test_retention_removes_only_acknowledged_batches
        async for line in lines:
            message = orjson.loads(line)
            if message["type"] == "event_batch":
                ids.append(message["batch_id"])
                if len(ids) == n:
                    break
    return connection_id, ids


async def test_retention_removes_only_acknowledged_batches(stack: LocalStack) -> None:
    assert stack.service is not None
    db = stack.service.db
    sid = await subscription(stack.service_url, stack.chain_id)
    unacked = seed(db, sid, acked=50, unacked=10)
    await until(lambda: len(stored(db)) == 10, what="the 50 acknowledged batches to go")
    assert set(stored(db)) == set(unacked)
    # Acknowledge half of them on a live stream: exactly those go.
    async with httpx.AsyncClient(base_url=stack.service_url, timeout=30) as http:
        async with http.stream("GET", f"/subscriptions/{sid}/stream") as response:
            cid = response.headers["x-connection-id"]
            seen: list[str] = []
            # Held until the stream closes: a line iterator dropped after ``break`` is finalised
            # by the garbage collector, and httpcore then closes the connection under the ack.
            lines = response.aiter_lines()
            async for line in lines:
                message = orjson.loads(line)
                if message["type"] == "event_batch":
                    seen.append(message["batch_id"])
                    if len(seen) == 10:
                        break
            assert seen == unacked
            ack = await http.post(
                f"/subscriptions/{sid}/stream/{cid}/ack/batch/bulk",
                json={"connection_id": cid, "batch_ids": seen[:5]},
            )
            assert ack.status_code == 200, ack.text
        await until(lambda: set(stored(db)) == set(unacked[5:]), what="the 5 acked to go")
    assert not any(stored(db).values())
    # The rest is still delivered, in order, to the next connection.
    _, again = await read_batches(stack.service_url, sid, 5)
    assert again == unacked[5:]


async def test_kill_during_retention_loses_no_unacknowledged_batch(stack: LocalStack) -> None:
    assert stack.service is not None
    db = stack.service.db
    sid = await subscription(stack.service_url, stack.chain_id)
    unacked = seed(db, sid, acked=20_000, unacked=30)
    await until(lambda: len(stored(db)) < 20_030, what="retention to start")
    stack.service.kill()  # kill -9 in the middle of the pass
    remaining = stored(db)
    assert set(unacked) <= set(remaining)
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    # Restarted on the same file: retention finishes, every unacknowledged batch is delivered.
    stack.service = start_service(
        db=db,
        env={"EVENT_STREAMER_ACK_RETENTION": "0", "EVENT_STREAMER_RETENTION_INTERVAL": "0.05"},
    )
    await until(lambda: set(stored(db)) == set(unacked), what="retention to finish")
    _, ids = await read_batches(stack.service.url, sid, 30)
    assert ids == unacked
