"""Delivery from storage over time: flat over acknowledged history, memory, disk.

Backlogs and histories are written into the service's SQLite file (``_seed.py``) rather than
produced through anvil, which would take most of the time budget; the service then delivers
them to SDK consumers (auto-ack on) exactly as it delivers ingested batches.

- flat over history: one service whose subscription has H events of acknowledged history, one
  with none; the same SDK consumer reads N fresh events from each (alternating, medians).
- memory: 50 subscriptions with a backlog each, 50 concurrent SDK streams (one client process);
  the service's RSS sampled every 20 ms, peak of the run's first half vs its second half.
- disk: retention 0; 10k events delivered and acknowledged, then chunks up to the total; the
  file (with its WAL) once retention has run, after the first 10k vs after all.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer_server.devchain import Emitter, start_anvil
from event_streamer_server.testing import ServiceProcess, register_chain, start_service

from ._procs import HERE, run_client
from ._seed import BATCH, count_batches, db_bytes, seed
from ._table import Row

CHAIN = 31337


def _service(work: Path, rpc_url: str, **env: str) -> ServiceProcess:
    svc = start_service(
        db=work / "es.db",
        env={"EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.5", **env},
    )
    register_chain(svc.url, rpc_url, CHAIN)
    return svc


async def _subscriptions(url: str, k: int) -> list[int]:
    """``k`` open-ended subscriptions on an address without logs (batches come from the seed)."""
    address = "0x" + "11" * 20
    async with EventStreamer(url, "bench") as client:
        ids = []
        for _ in range(k):
            sub = await client.create_subscription(
                subscription_from_abi(
                    Emitter.abi(),
                    "Transfer",
                    chain_id=CHAIN,
                    addresses=[address],
                    start_block=0,
                )
            )
            ids.append(sub.id)
        return ids


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _consume(url: str, sid: int, n: int) -> float:
    # The consumer's clock starts at its first batch: n - BATCH events are timed.
    return run_client(
        sys.executable, HERE / "_stream_clients.py", "ours", url, str(n - BATCH), str(sid)
    )


def flat(rpc_url: str, root: Path, quick: bool) -> Row:
    n_batches = 500 if quick else 2000
    history = 1000 if quick else 10_000
    rounds = 1 if quick else 3
    keep = {"EVENT_STREAMER_ACK_RETENTION": "1000000000"}
    services = {}
    for name, acked in (("none", 0), ("history", history)):
        work = root / f"flat-{name}"
        work.mkdir()
        svc = _service(work, rpc_url, **keep)
        (sid,) = asyncio.run(_subscriptions(svc.url, 1))
        seed(svc.db, sid, acked=acked)
        services[name] = (svc, sid)
    rates: dict[str, list[float]] = {"none": [], "history": []}
    try:
        for _ in range(rounds):
            for name, (svc, sid) in services.items():
                seed(svc.db, sid, unacked=n_batches)
                rates[name].append(_consume(svc.url, sid, n_batches * BATCH))
    finally:
        for svc, _ in services.values():
            svc.cleanup()
    return Row(
        f"delivery: flat over history ({history * BATCH:,} acked events vs none)",
        statistics.median(rates["history"]),
        statistics.median(rates["none"]),
        "events/s",
        0.9,
        f"{n_batches * BATCH:,} events per round, SDK auto-ack, median of {rounds} "
        f"(history {min(rates['history']):,.0f}-{max(rates['history']):,.0f}, "
        f"none {min(rates['none']):,.0f}-{max(rates['none']):,.0f})",
    )


def _rss_mb(pid: int) -> float:
    """Resident MB of ``pid`` and its children (a decode worker process counts too)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            children = [int(c) for c in fh.read().split()]
    except OSError:
        children = []
    total = 0.0
    for proc in (pid, *children):
        try:
            with open(f"/proc/{proc}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
        except OSError:
            continue  # a child that just ended: this sample counts the others
    return total


def memory(rpc_url: str, root: Path, quick: bool) -> list[Row]:
    streams = 10 if quick else 50
    backlog = 20 if quick else 200  # batches of 100 events per subscription
    work = root / "memory"
    work.mkdir()
    svc = _service(work, rpc_url)
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    try:
        sids = asyncio.run(_subscriptions(svc.url, streams))
        for sid in sids:
            seed(svc.db, sid, unacked=backlog)

        def sample() -> None:
            while not stop.is_set():
                samples.append((time.monotonic(), _rss_mb(svc.pid)))
                stop.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        began = time.monotonic()
        rate = run_client(
            sys.executable,
            HERE / "_many_streams.py",
            svc.url,
            str(backlog * BATCH),
            *map(str, sids),
        )
        ended = time.monotonic()
        stop.set()
        sampler.join()
    finally:
        svc.cleanup()
    middle = (began + ended) / 2
    first = max((m for t, m in samples if began <= t < middle), default=0.0)
    second = max((m for t, m in samples if middle <= t <= ended), default=0.0)
    note = f"{streams} streams x {backlog * BATCH:,}-event backlogs, {rate:,.0f} events/s in all"
    return [
        Row(
            f"memory: service peak RSS, {streams} concurrent streams",
            max(first, second),
            400.0,
            "MB",
            1.0,
            note + "; baseline = the 400 MB budget",
            lower_is_better=True,
        ),
        Row(
            "memory: service peak RSS, second half vs first half",
            second,
            first,
            "MB",
            1.1,
            note,
            lower_is_better=True,
        ),
    ]


def disk(rpc_url: str, root: Path, quick: bool) -> Row:
    total = 100 if quick else 10_000  # batches of 100 events
    chunk = 100 if quick else 1000
    work = root / "disk"
    work.mkdir()
    svc = _service(
        work,
        rpc_url,
        EVENT_STREAMER_ACK_RETENTION="0",
        EVENT_STREAMER_RETENTION_INTERVAL="0.2",
    )
    try:
        (sid,) = asyncio.run(_subscriptions(svc.url, 1))

        def round_of(batches: int) -> None:
            seed(svc.db, sid, unacked=batches)
            _consume(svc.url, sid, batches * BATCH)
            _wait(lambda: count_batches(svc.db) == 0, 60, "retention to empty the table")

        round_of(100)
        after_first = db_bytes(svc.db)
        done = 100
        while done < total:
            step = min(chunk, total - done)
            round_of(step)
            done += step
        after_all = db_bytes(svc.db)
    finally:
        svc.cleanup()
    return Row(
        f"disk: DB size after {done * BATCH:,} events delivered+acked+retained vs after 10k",
        after_all / 2**20,
        after_first / 2**20,
        "MiB",
        1.5,
        "retention 0, file + WAL",
        lower_is_better=True,
    )


def run(quick: bool) -> list[Row]:
    anvil = start_anvil()
    root = Path(tempfile.mkdtemp(prefix="es-bench-history-"))
    try:
        return [
            flat(anvil.url, root, quick),
            *memory(anvil.url, root, quick),
            disk(anvil.url, root, quick),
        ]
    finally:
        anvil.cleanup()
        shutil.rmtree(root, ignore_errors=True)
