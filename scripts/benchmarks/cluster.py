"""Several instances on PostgreSQL: aggregate delivery from storage, 3 instances vs 1.

Per scenario a fresh store (an embedded PostgreSQL database, or a SQLite file) gets 30
subscriptions, each with a pre-stored backlog of 100-event Transfer batches written in the
service's schema as ingestion writes them (``_seed.py``, and its PostgreSQL twin here), so the
figure measures serving, not anvil (the subscriptions start far above the chain's head). Then
``k`` service instances start on that store and 3 consumer processes (``python -m
benchmarks.cluster consume``, 10 streams each) read every backlog, consumer ``c`` from instance
``c % k``. The consumers are bare NDJSON readers (aiohttp + orjson, counting events,
acknowledging in bulk every 20 batches): the SDK's StreamingClient costs several times the
service's CPU per event, so SDK consumers on 2 cores would measure the SDK, not serving. The
consumers start together (ready/go over their pipes); aggregate events/s is every event over the
span from the first start to the last end. CPU seconds per role (instances, PostgreSQL
postmaster and backends, consumers) show where the cores go. Full run: median of 3 rounds,
scenarios interleaved.

Rows: 3 instances vs 1 on PostgreSQL (target >= 2x); per-core efficiency (aggregate events/s
per busy core, 3 vs 1); single-instance PostgreSQL vs SQLite (information, goal 0.7x).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import orjson
import psutil

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer_server.devchain import Emitter, start_anvil
from event_streamer_server.testing import (
    EmbeddedPostgres,
    ServiceProcess,
    register_chain,
    start_service,
)

from ._procs import HERE, ROOT
from ._seed import blobs, seed
from ._stream_server import BATCH
from ._table import Row

SUBSCRIPTIONS = 30
CONSUMERS = 3  # processes, SUBSCRIPTIONS / CONSUMERS streams each
CHAIN = 31337
FAR = 10**9  # subscriptions start here: above anvil's head, so nothing is ingested


@dataclass
class Result:
    rate: float  # aggregate events/s
    cpu: dict[str, float]  # CPU seconds per role during the delivery
    wall: float

    @property
    def cores(self) -> float:
        return sum(self.cpu.values()) / self.wall if self.wall else 0.0


def _cpu(procs: list[psutil.Process]) -> float:
    total = 0.0
    for proc in procs:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            continue
    return total


def _cpu_by_pid(procs: list[psutil.Process]) -> dict[int, float]:
    return {proc.pid: _cpu([proc]) for proc in procs}


def _postgres_procs(server: EmbeddedPostgres | None) -> list[psutil.Process]:
    """The postmaster and its children (one backend per pooled connection)."""
    if server is None or server.pid is None:
        return []
    main = psutil.Process(server.pid)
    return [main, *main.children(recursive=True)]


async def _prepare(db: str, rpc_url: str, url: str, per_sub: int) -> list[int]:
    """Chain and subscriptions through the API, backlogs through the storage API."""
    register_chain(url, rpc_url, CHAIN, average_block_time=5.0)
    async with EventStreamer(url, "bench-cluster") as client:
        sids = [
            (
                await client.create_subscription(
                    subscription_from_abi(
                        Emitter.abi(), "Transfer", chain_id=CHAIN, start_block=FAR
                    )
                )
            ).id
            for _ in range(SUBSCRIPTIONS)
        ]
    for sid in sids:
        if "://" in db:
            await _seed_postgres(db, sid, per_sub)
        else:
            seed(Path(db), sid, unacked=per_sub)
    return sids


async def _seed_postgres(url: str, subscription_id: int, batches: int, per_tx: int = 100) -> None:
    """``_seed.seed`` for PostgreSQL: unacknowledged batches in the service's own schema, one
    transaction per ``per_tx`` (an ingestion span), the cursor's seq moved with them."""
    import asyncpg

    kinds = blobs()
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    conn = await asyncpg.connect(url)
    try:
        for start in range(0, batches, per_tx):
            n = min(per_tx, batches - start)
            async with conn.transaction():
                seq = await conn.fetchval(
                    "SELECT next_seq FROM subscriptions WHERE id = $1 FOR UPDATE", subscription_id
                )
                await conn.executemany(
                    "INSERT INTO batches (id, subscription_id, seq, event_count, events, "
                    "first_block, last_block, created_at) VALUES ($1, $2, $3, $4, $5, 1, 1, $6)",
                    [
                        (
                            f"batch_{uuid.uuid4().hex}",
                            subscription_id,
                            seq + i,
                            BATCH,
                            kinds[(seq + i) % len(kinds)],
                            now,
                        )
                        for i in range(n)
                    ],
                )
                await conn.execute(
                    "UPDATE subscriptions SET next_seq = $1 WHERE id = $2", seq + n, subscription_id
                )
    finally:
        await conn.close()


def _scenario(
    db: str, work: Path, rpc_url: str, instances: int, per_sub: int, pg: EmbeddedPostgres | None
) -> Result:
    env = {"EVENT_STREAMER_HEARTBEAT_INTERVAL": "5", "EVENT_STREAMER_LOG_LEVEL": "WARNING"}
    procs: list[ServiceProcess] = []
    try:
        for i in range(instances):
            procs.append(start_service(db=db, env=env, workdir=work / f"instance-{i}"))
            if i == 0:
                sids = asyncio.run(_prepare(db, rpc_url, procs[0].url, per_sub))
        servers = [psutil.Process(p.pid) for p in procs]
        groups = [sids[c::CONSUMERS] for c in range(CONSUMERS)]
        events = per_sub * BATCH
        before = {"instances": _cpu(servers)}
        database_before = _cpu_by_pid(_postgres_procs(pg))
        clients = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.cluster",
                    "consume",
                    procs[c % instances].url,
                    str(events),
                    *map(str, group),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE.parent}"},
            )
            for c, group in enumerate(groups)
        ]
        for client in clients:  # every consumer imported and ready, then all start at once
            assert client.stdout is not None
            if client.stdout.readline().strip() != "ready":
                raise RuntimeError(f"a consumer failed to start: {client.communicate()}")
        for client in clients:
            assert client.stdin is not None
            client.stdin.write("go\n")
            client.stdin.flush()
        spans = []
        client_cpu = 0.0
        for i, client in enumerate(clients):
            out, err = client.communicate(timeout=600)
            if client.returncode != 0:
                raise RuntimeError(f"consumer {i} failed:\n{out}\n{err}")
            began, ended, used = map(float, out.strip().splitlines()[-1].split())
            spans.append((began, ended))
            client_cpu += used
        wall = max(e for _, e in spans) - min(b for b, _ in spans)
        cpu = {
            "instances": _cpu(servers) - before["instances"],
            "postgresql": sum(
                used - database_before.get(pid, 0.0)
                for pid, used in _cpu_by_pid(_postgres_procs(pg)).items()
            ),
            "consumers": client_cpu,
        }
        return Result(events * len(sids) / wall, cpu, wall)
    finally:
        for proc in procs:
            proc.cleanup()


def measure(quick: bool) -> dict[str, Result]:
    """Per scenario the median-rate round; scenarios interleaved per round, so that load from
    elsewhere on the machine falls on each alike."""
    per_sub = 30 if quick else 300  # batches of 100 events per subscription
    rounds = 1 if quick else 3
    root = Path(tempfile.mkdtemp(prefix="es-bench-cluster-"))
    anvil = start_anvil()
    pg = EmbeddedPostgres(root / "pg", durable=True)
    pg.start()
    try:
        runs: dict[str, list[Result]] = {"pg1": [], "pg3": [], "sqlite1": []}
        for r in range(rounds):
            for name, instances in (("pg1", 1), ("pg3", 3)):
                db = pg.create_database(f"bench_{name}_{r}")
                work = root / f"{name}-{r}"
                runs[name].append(_scenario(db, work, anvil.url, instances, per_sub, pg))
            lite = str(root / f"sqlite-{r}.db")
            runs["sqlite1"].append(
                _scenario(lite, root / f"sqlite1-{r}", anvil.url, 1, per_sub, None)
            )
        return {
            name: sorted(results, key=lambda x: x.rate)[len(results) // 2]
            for name, results in runs.items()
        }
    finally:
        pg.stop()
        anvil.cleanup()


def _cpu_note(result: Result) -> str:
    parts = ", ".join(f"{k} {v:.1f}" for k, v in result.cpu.items())
    return f"CPU s: {parts}; {result.cores:.2f} cores busy over {result.wall:.1f}s"


def run(quick: bool) -> list[Row]:
    r = measure(quick)
    one, three, lite = r["pg1"], r["pg3"], r["sqlite1"]
    per_core_one = one.rate / one.cores if one.cores else 0.0
    per_core_three = three.rate / three.cores if three.cores else 0.0
    return [
        Row(
            f"cluster: aggregate delivery, 3 instances vs 1 (PostgreSQL, {SUBSCRIPTIONS} streams)",
            three.rate,
            one.rate,
            "events/s",
            2.0,
            note=f"3: {_cpu_note(three)} | 1: {_cpu_note(one)}",
        ),
        Row(
            "cluster: events/s per busy core, 3 instances vs 1 (PostgreSQL)",
            per_core_three,
            per_core_one,
            "events/s/core",
            None,
            note="busy cores: CPU seconds of instances, PostgreSQL and consumers / wall time",
        ),
        Row(
            f"cluster: single instance delivery, PostgreSQL vs SQLite ({SUBSCRIPTIONS} streams)",
            one.rate,
            lite.rate,
            "events/s",
            None,
            note=f"information, goal >= 0.7x; SQLite: {_cpu_note(lite)}",
        ),
    ]


async def _consume_one(session: aiohttp.ClientSession, url: str, sid: int, n: int) -> None:
    """Read subscription ``sid`` until ``n`` events arrived, acknowledging in bulk."""
    count = 0
    pending: list[str] = []
    async with session.get(f"{url}/subscriptions/{sid}/stream") as response:
        cid = response.headers["x-connection-id"]
        ack = f"{url}/subscriptions/{sid}/stream/{cid}/ack/batch/bulk"
        async for line in response.content:
            message = orjson.loads(line)
            if message["type"] != "event_batch":
                continue
            count += sum(len(events) for events in message["events"].values())
            pending.append(message["batch_id"])
            if len(pending) >= 20 or count >= n:
                async with session.post(
                    ack, json={"connection_id": cid, "batch_ids": pending}
                ) as answer:
                    answer.raise_for_status()
                pending = []
            if count >= n:
                return


async def consume(url: str, n: int, sids: list[int]) -> tuple[float, float, float]:
    """Say ``ready``, wait for ``go`` on stdin, then read every stream of ``sids`` (``n`` events
    each) concurrently; (began, ended, CPU seconds used meanwhile)."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as session:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        began, cpu = time.time(), time.process_time()
        await asyncio.gather(*(_consume_one(session, url, sid, n) for sid in sids))
        return began, time.time(), time.process_time() - cpu


if __name__ == "__main__" and sys.argv[1:2] == ["consume"]:
    args = sys.argv[2:]
    began, ended, used = asyncio.run(consume(args[0], int(args[1]), [int(s) for s in args[2:]]))
    print(f"{began:.6f} {ended:.6f} {used:.3f}")
elif __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(row.figure, f"{row.ours:,.0f}", f"{row.baseline or 0:,.0f}", row.ratio, row.note)
