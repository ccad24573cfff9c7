"""Multi-instance soak: several service instances on one store, random kill -9 and restarts.

N instances (default 3) share one ``--db`` (a SQLite file in a temp dir by default; a
``postgresql://`` URL is passed through as is), anvil emits Transfers continuously, and 2+
consumers (one subscription each, every instance URL known, moving to the next URL on a
connection failure and resuming from their last handled batch's token) handle and acknowledge
every batch. At random moments an instance is killed with SIGKILL (the chain's lease holder
about half the time) and restarted on its port. Instances get ids that are not of the
``hostname-pid-random`` form, so a killed holder is replaced only once its lease expires (the
path taken across machines). With ``--embedded-postgres --pg-restarts N`` the PostgreSQL server
itself is also restarted N times (fast shutdown, then start on the same port and data) at random
moments between the kills, with every instance running. Figures:

- events lost (must be 0) and batches redelivered after a durable ack (must be 0), per consumer;
- duplicates, which must all come from batches unacknowledged when they came back;
- ingestion takeover time p95, end to end: from killing the holder to the first event emitted
  after the kill reaching a consumer (target <= ttl + 2 s);
- client failover time p95: from killing a consumer's instance to its first line from another
  instance (target < 2 s);
- PostgreSQL restart recovery p95 (information): from the start of a restart to the first event
  emitted after the server is back reaching a consumer.

Usage: python scripts/cluster_soak.py [--instances 3] [--kills 30] [--consumers 2] [--ttl 2]
       [--db PATH_OR_URL] [--embedded-postgres [--pg-restarts N]] [--seed S]
Exit code 0 only when every invariant holds and both p95 targets are met.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from faults import check  # noqa: E402

from event_streamer import EventStreamer  # noqa: E402
from event_streamer_server.devchain import DevChain, start_anvil  # noqa: E402
from event_streamer_server.testing import register_chain  # noqa: E402
from tests._cluster import Consumer, Instances, read_log  # noqa: E402
from tests._pg import start as start_pg  # noqa: E402

CHAIN = 31337


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20)[-1]


def embedded_postgres(work: Path) -> tuple[str, Any]:
    """A PostgreSQL server for the run (the tests' embedded one)."""
    server = start_pg(work / "pg")
    return str(server.url), server


async def soak(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="es-cluster-"))
    pg: Any = None
    db = args.db
    if args.embedded_postgres:
        db, pg = embedded_postgres(work)
    db = db or str(work / "shared.db")
    anvil = start_anvil()
    instances = Instances(db, work, n=args.instances, ttl=args.ttl)
    consumers: list[Consumer] = []
    emitted = 0
    emit_times: list[tuple[float, int]] = []  # (time the emit returned, first value of it)
    takeovers: list[float] = []
    failovers: list[float] = []
    holder_kills = 0
    pg_recoveries: list[float] = []
    # Which steps restart PostgreSQL instead of killing an instance: spread at random.
    steps = ["kill"] * args.kills + ["pg"] * args.pg_restarts
    rng.shuffle(steps)
    try:
        await asyncio.to_thread(instances.start_all)
        register_chain(instances.urls[0], anvil.url, CHAIN, average_block_time=0.05)
        async with DevChain(anvil.url) as chain, EventStreamer(instances.urls[0], "soak") as client:
            emitter = await chain.deploy_emitter()
            for c in range(args.consumers):
                sub = await emitter.subscribe(client, chain_id=CHAIN)
                consumer = Consumer(
                    instances.urls, sub.id, work / f"consumer-{c}.jsonl", start_at=c
                )
                consumer.start()
                consumers.append(consumer)
            stop_emitting = asyncio.Event()

            async def emit() -> None:
                nonlocal emitted
                while not stop_emitting.is_set():
                    sent_at = time.time()
                    await emitter.emit_many(emitted, 10)
                    emit_times.append((sent_at, emitted))
                    emitted += 10
                    await asyncio.sleep(0.1)

            emitting = asyncio.create_task(emit())
            k = 0
            for step in steps:
                await asyncio.sleep(rng.uniform(0.3, 1.5))
                if step == "pg":
                    restarted_at = time.time()
                    await asyncio.to_thread(pg.restart)
                    took = await first_new_event(
                        consumers, emit_times, time.time(), 60.0, since=restarted_at
                    )
                    if took >= 0:
                        pg_recoveries.append(took)
                    print(f"\nPostgreSQL restarted ({len(pg_recoveries)} back)", flush=True)
                    continue
                k += 1
                ids = await asyncio.to_thread(instances.instance_ids)
                lease = await asyncio.to_thread(instances.lease_owner, CHAIN)
                holder = ids.get(lease[0]) if lease is not None and lease[2] else None
                running = [i for i, p in enumerate(instances.procs) if p is not None]
                victim = (
                    holder if holder is not None and rng.random() < 0.5 else rng.choice(running)
                )
                on_victim = [c for c in consumers if c.url == instances.urls[victim]]
                killed_at = time.time()
                instances.kill(victim)
                if victim == holder:
                    holder_kills += 1
                    await asyncio.sleep(rng.uniform(0.0, 0.5))
                    restart = asyncio.ensure_future(asyncio.to_thread(instances.start, victim))
                    took = await first_new_event(consumers, emit_times, killed_at, args.ttl + 15)
                    if took >= 0:
                        takeovers.append(took)
                    await restart
                else:
                    await asyncio.sleep(rng.uniform(0.0, 0.5))
                    await asyncio.to_thread(instances.start, victim)
                for consumer in on_victim:
                    took = await first_line_elsewhere(
                        consumer, instances.urls[victim], killed_at, 10.0
                    )
                    if took >= 0:
                        failovers.append(took)
                print(
                    f"\r{k}/{args.kills} kills ({holder_kills} of the lease holder), "
                    f"{emitted} events emitted",
                    end="",
                    flush=True,
                )
            stop_emitting.set()
            await emitting
            print()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if all(set(range(emitted)) <= set(c.values) for c in consumers):
                    break
                await asyncio.sleep(0.2)
        for consumer in consumers:
            await consumer.stop()
        figures: dict[str, Any] = {
            "instances": args.instances,
            "lease ttl (s)": args.ttl,
            "store": "postgresql" if db.startswith(("postgresql:", "postgres:")) else "sqlite",
            "instance kills (kill -9)": args.kills,
            "of which the lease holder": holder_kills,
            "PostgreSQL restarts (fast shutdown)": args.pg_restarts,
            "events emitted": emitted,
        }
        ok = True
        for c, consumer in enumerate(consumers):
            result = check(read_log(consumer.log), emitted)
            for key in (
                "events lost",
                "batches redelivered after a durable ack",
                "duplicate events (all from unacknowledged batches)",
                "duplicates not explained by an unacked batch",
            ):
                figures[f"consumer {c}: {key}"] = result[key]
            ok = ok and result["events lost"] == 0
            ok = ok and result["batches redelivered after a durable ack"] == 0
            ok = ok and result["duplicates not explained by an unacked batch"] == 0
        figures["takeover p50 (s)"] = round(statistics.median(takeovers), 3) if takeovers else "-"
        figures["takeover p95 (s)"] = round(p95(takeovers), 3) if takeovers else "-"
        figures["takeovers measured"] = len(takeovers)
        figures["client failover p50 (s)"] = (
            round(statistics.median(failovers), 3) if failovers else "-"
        )
        figures["client failover p95 (s)"] = round(p95(failovers), 3) if failovers else "-"
        figures["failovers measured"] = len(failovers)
        if args.pg_restarts:
            figures["PostgreSQL restart recovery p50 (s)"] = (
                round(statistics.median(pg_recoveries), 3) if pg_recoveries else "-"
            )
            figures["PostgreSQL restart recovery p95 (s)"] = (
                round(p95(pg_recoveries), 3) if pg_recoveries else "-"
            )
        ok = ok and len(pg_recoveries) == args.pg_restarts
        ok = ok and (not takeovers or p95(takeovers) <= args.ttl + 2.0)
        ok = ok and (not failovers or p95(failovers) < 2.0)
        ok = ok and (holder_kills == 0 or len(takeovers) == holder_kills)
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
        print("OK: every invariant holds" if ok else "FAILED: an invariant does not hold")
        return 0 if ok else 1
    finally:
        for consumer in consumers:
            await consumer.stop()
        instances.stop_all()
        anvil.cleanup()
        if pg is not None:
            pg.stop()


async def first_new_event(
    consumers: list[Consumer],
    emit_times: list[tuple[float, int]],
    killed_at: float,
    within: float,
    *,
    since: float | None = None,
) -> float:
    """Seconds from ``since`` (default ``killed_at``) to the first event emitted after
    ``killed_at`` reaching any consumer."""
    since = killed_at if since is None else since
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        after = [first for sent, first in emit_times if sent > killed_at]
        if after:
            lowest = after[0]
            times = [
                t
                for c in consumers
                for t, top in reversed(c.handled_at)
                if t >= killed_at and top >= lowest
            ]
            if times:
                return float(min(times) - since)
        await asyncio.sleep(0.05)
    return -1.0


async def first_line_elsewhere(
    consumer: Consumer, dead_url: str, killed_at: float, within: float
) -> float:
    """Seconds from ``killed_at`` to the consumer's first line from another instance."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for t, url in reversed(consumer.connected_at):
            if t < killed_at:
                break
            if url != dead_url:
                return float(t - killed_at)
        await asyncio.sleep(0.05)
    return -1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--consumers", type=int, default=2)
    parser.add_argument("--ttl", type=float, default=2.0, help="ingest lease ttl, seconds")
    parser.add_argument("--db", default=None, help="SQLite path or postgresql:// URL")
    parser.add_argument("--embedded-postgres", action="store_true")
    parser.add_argument(
        "--pg-restarts", type=int, default=0, help="restarts of the embedded PostgreSQL server"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.instances < 2 or args.kills < 0 or args.consumers < 1 or args.pg_restarts < 0:
        parser.error("needs --instances >= 2, --kills >= 0, --consumers >= 1, --pg-restarts >= 0")
    if args.pg_restarts and not args.embedded_postgres:
        parser.error("--pg-restarts needs --embedded-postgres (the soak restarts its own server)")
    return asyncio.run(soak(args))


if __name__ == "__main__":
    sys.exit(main())
