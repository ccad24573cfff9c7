"""asyncpg vs psycopg 3 on the storage's hot queries, against an embedded PostgreSQL.

Not part of ``make bench`` (it chose the driver once; docs/service.md has the figures). Run:

    .tools/bin/uv run --frozen --with 'psycopg[binary]' --with psycopg-pool \\
        python scripts/benchmarks/pg_driver.py

Each driver gets a pool of 4 connections and the same tables; the three operations are timed
``ROUNDS`` times and the median reported:
- store: insert 100 batch rows and update the subscription cursor in one transaction;
- page: read 500 stored batch lines (id, seq, events bytes) in seq order;
- ack: mark 50 batches acknowledged by id and bump the subscription's counters (one transaction).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from event_streamer_server.testing import EmbeddedPostgres

ROUNDS = 200
EVENTS = b'{"Transfer":[' + b",".join([b'{"from":"0x' + b"ab" * 20 + b'","value":"1"}'] * 5) + b"]}"

SCHEMA = """
CREATE TABLE subs (id BIGINT PRIMARY KEY, next_seq BIGINT NOT NULL, cursor_block BIGINT,
                   delivered BIGINT NOT NULL DEFAULT 0);
CREATE TABLE batches (id TEXT PRIMARY KEY, sub BIGINT NOT NULL, seq BIGINT NOT NULL,
                      events BYTEA NOT NULL, acked_at TIMESTAMPTZ, UNIQUE (sub, seq));
INSERT INTO subs VALUES (1, 1, 0);
"""


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def timed(op: Callable[[int], Awaitable[Any]]) -> float:
    samples = []
    for i in range(ROUNDS):
        start = time.perf_counter()
        await op(i)
        samples.append(time.perf_counter() - start)
    return median_ms(samples)


async def bench_asyncpg(url: str) -> dict[str, float]:
    import asyncpg

    pool = await asyncpg.create_pool(url, min_size=4, max_size=4)
    async with pool.acquire() as c:
        await c.execute(SCHEMA)

    async def store(i: int) -> None:
        async with pool.acquire() as c, c.transaction():
            seq = await c.fetchval("SELECT next_seq FROM subs WHERE id = 1 FOR UPDATE")
            await c.executemany(
                "INSERT INTO batches (id, sub, seq, events) VALUES ($1, 1, $2, $3)",
                [(f"a{i}-{k}", seq + k, EVENTS) for k in range(100)],
            )
            await c.execute(
                "UPDATE subs SET next_seq = $1, cursor_block = $2 WHERE id = 1", seq + 100, i
            )

    async def page(i: int) -> None:
        async with pool.acquire() as c:
            rows = await c.fetch(
                "SELECT id, seq, events FROM batches WHERE sub = 1 AND seq > $1 AND acked_at "
                "IS NULL ORDER BY seq LIMIT 500",
                i * 50,
            )
            assert len(rows) == 500

    async def ack(i: int) -> None:
        ids = [f"a{i}-{k}" for k in range(50)]
        async with pool.acquire() as c, c.transaction():
            n = await c.fetch(
                "UPDATE batches SET acked_at = now() WHERE id = ANY($1::text[]) AND sub = 1 "
                "AND acked_at IS NULL RETURNING seq",
                ids,
            )
            await c.execute("UPDATE subs SET delivered = delivered + $1 WHERE id = 1", len(n))

    out = {"store": await timed(store), "page": await timed(page), "ack": await timed(ack)}
    await pool.close()
    return out


async def bench_psycopg(url: str) -> dict[str, float]:
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(url, min_size=4, max_size=4, open=False)
    await pool.open()
    async with pool.connection() as c:
        await c.execute(SCHEMA)

    async def store(i: int) -> None:
        async with pool.connection() as c, c.transaction(), c.cursor() as cur:
            await cur.execute("SELECT next_seq FROM subs WHERE id = 1 FOR UPDATE")
            row = await cur.fetchone()
            assert row is not None
            seq = row[0]
            await cur.executemany(
                "INSERT INTO batches (id, sub, seq, events) VALUES (%s, 1, %s, %s)",
                [(f"p{i}-{k}", seq + k, EVENTS) for k in range(100)],
            )
            await cur.execute(
                "UPDATE subs SET next_seq = %s, cursor_block = %s WHERE id = 1", (seq + 100, i)
            )

    async def page(i: int) -> None:
        async with pool.connection() as c, c.cursor(binary=True) as cur:
            await cur.execute(
                "SELECT id, seq, events FROM batches WHERE sub = 1 AND seq > %s AND acked_at "
                "IS NULL ORDER BY seq LIMIT 500",
                (i * 50,),
            )
            assert len(await cur.fetchall()) == 500

    async def ack(i: int) -> None:
        ids = [f"p{i}-{k}" for k in range(50)]
        async with pool.connection() as c, c.transaction(), c.cursor() as cur:
            await cur.execute(
                "UPDATE batches SET acked_at = now() WHERE id = ANY(%s) AND sub = 1 "
                "AND acked_at IS NULL RETURNING seq",
                (ids,),
            )
            n = len(await cur.fetchall())
            await cur.execute("UPDATE subs SET delivered = delivered + %s WHERE id = 1", (n,))

    out = {"store": await timed(store), "page": await timed(page), "ack": await timed(ack)}
    await pool.close()
    return out


def main() -> None:
    server = EmbeddedPostgres(Path(tempfile.mkdtemp(prefix="pgbench-")))
    server.start()
    try:
        results = {
            "asyncpg": asyncio.run(bench_asyncpg(server.create_database("bench_asyncpg"))),
            "psycopg": asyncio.run(bench_psycopg(server.create_database("bench_psycopg"))),
        }
    finally:
        server.stop()
    print(f"{'median ms':<10} {'store 100':>10} {'page 500':>10} {'ack 50':>10}")
    for name, row in results.items():
        print(f"{name:<10} {row['store']:>10.2f} {row['page']:>10.2f} {row['ack']:>10.2f}")


if __name__ == "__main__":
    main()
