"""Randomised crash-restart soak: `make test-faults` (figures) and the slow test suite.

anvil emits Transfers continuously while the service and a consumer process are each killed
with SIGKILL at random moments and restarted (the service on its database and port, the
consumer from the token it stored with its data). Every emitted value, every handled batch and
every 2xx acknowledgement is recorded; afterwards the history is checked:

- events lost = 0 (every emitted value was handled at least once);
- batches redelivered after a durable ack = 0;
- duplicates only from batches that were unacknowledged when they came back;
- reconnect time after the service returns (first server message after it is ready): p95.

Usage: python scripts/faults.py [--service-kills N] [--consumer-kills N] [--seed S]
Exit code 0 only when every invariant holds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from event_streamer import EventStreamer  # noqa: E402
from event_streamer_server.devchain import DevChain, start_anvil  # noqa: E402
from event_streamer_server.testing import ServiceProcess, register_chain, start_service  # noqa: E402

ENV = {"EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.2", "EVENT_STREAMER_ACK_DEADLINE": "5"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_consumer(url: str, sub_id: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "faults_consumer.py"), url, str(sub_id), str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def read_log(log: Path) -> list[dict[str, Any]]:
    records = []
    for line in log.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def check(records: list[dict[str, Any]], emitted: int) -> dict[str, Any]:
    """The invariants over the recorded history."""
    handled = [r for r in records if r["kind"] == "handled"]
    acked_at: dict[str, float] = {}
    redelivered_after_ack = 0
    duplicates_from_unacked = 0
    seen: Counter[int] = Counter()
    deliveries: Counter[str] = Counter()
    for record in records:
        if record["kind"] == "acked":
            acked_at.setdefault(record["batch"], record["t"])
        elif record["kind"] == "handled":
            batch = record["batch"]
            deliveries[batch] += 1
            if deliveries[batch] > 1:
                if batch in acked_at and acked_at[batch] < record["t"]:
                    redelivered_after_ack += 1
                else:
                    duplicates_from_unacked += len(record["values"])
            seen.update(record["values"])
    lost = sorted(set(range(emitted)) - set(seen))
    return {
        "events emitted": emitted,
        "events handled": sum(seen.values()),
        "events lost": len(lost),
        "batches handled": len(handled),
        "batches redelivered after a durable ack": redelivered_after_ack,
        "duplicate events (all from unacknowledged batches)": duplicates_from_unacked,
        "duplicates not explained by an unacked batch": sum(seen.values())
        - len(seen)
        - duplicates_from_unacked,
        "lost values (first 10)": lost[:10],
    }


async def soak(service_kills: int, consumer_kills: int, seed: int) -> int:
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="es-faults-"))
    anvil = start_anvil()
    port = free_port()
    db = work / "service.db"
    service: ServiceProcess = start_service(db=db, port=port, env=ENV, workdir=work / "svc")
    log = work / "consumer.jsonl"
    consumer: subprocess.Popen[bytes] | None = None
    emitted = 0
    reconnects: list[float] = []
    try:
        register_chain(service.url, anvil.url, 31337, average_block_time=0.05)
        async with DevChain(anvil.url) as chain, EventStreamer(service.url, "soak") as client:
            emitter = await chain.deploy_emitter()
            sub = await emitter.subscribe(client, chain_id=31337)
            consumer = start_consumer(service.url, sub.id, log)
            stop_emitting = asyncio.Event()

            async def emit() -> None:
                nonlocal emitted
                while not stop_emitting.is_set():
                    await emitter.emit_many(emitted, 20)
                    emitted += 20
                    await asyncio.sleep(0.05)

            emitting = asyncio.create_task(emit())
            plan = ["service"] * service_kills + ["consumer"] * consumer_kills
            rng.shuffle(plan)
            for i, victim in enumerate(plan, 1):
                await asyncio.sleep(rng.uniform(0.1, 0.8))
                if victim == "service":
                    service.kill()
                    await asyncio.sleep(rng.uniform(0.0, 0.3))
                    service = await asyncio.to_thread(
                        start_service, db=db, port=port, env=ENV, workdir=work / "svc"
                    )
                    ready = time.time()
                    reconnects.append(await first_message_after(log, ready))
                else:
                    assert consumer is not None
                    consumer.kill()
                    consumer.wait()
                    consumer = start_consumer(service.url, sub.id, log)
                print(f"\r{i}/{len(plan)} kills, {emitted} events emitted", end="", flush=True)
            stop_emitting.set()
            await emitting
            print()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                values = {v for r in read_log(log) if r["kind"] == "handled" for v in r["values"]}
                if len(values) >= emitted and set(range(emitted)) <= values:
                    break
                await asyncio.sleep(0.2)
        assert consumer is not None
        consumer.terminate()
        consumer.wait(30)
        figures = check(read_log(log), emitted)
        reconnects = [r for r in reconnects if r >= 0]
        figures["service kills (kill -9)"] = service_kills
        figures["consumer kills (kill -9)"] = consumer_kills
        if reconnects:
            figures["reconnect after service restart p50 (s)"] = round(
                statistics.median(reconnects), 3
            )
            figures["reconnect after service restart p95 (s)"] = round(
                statistics.quantiles(reconnects, n=20)[-1]
                if len(reconnects) > 1
                else reconnects[0],
                3,
            )
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
        ok = (
            figures["events lost"] == 0
            and figures["batches redelivered after a durable ack"] == 0
            and figures["duplicates not explained by an unacked batch"] == 0
            and figures.get("reconnect after service restart p95 (s)", 0) < 2.0
        )
        print("OK: every invariant holds" if ok else "FAILED: an invariant does not hold")
        return 0 if ok else 1
    finally:
        if consumer is not None and consumer.poll() is None:
            consumer.kill()
        service.cleanup()
        anvil.cleanup()


async def first_message_after(log: Path, ready: float, within: float = 10.0) -> float:
    """Seconds from the service being ready to the consumer's first message from it."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for record in reversed(read_log(log)):
            if record["kind"] in ("rx", "handled") and record["t"] >= ready:
                return float(record["t"] - ready)
        await asyncio.sleep(0.02)
    return -1.0  # the consumer was being restarted too: not a service reconnect figure


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service-kills", type=int, default=50)
    parser.add_argument("--consumer-kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    return asyncio.run(soak(args.service_kills, args.consumer_kills, args.seed))


if __name__ == "__main__":
    sys.exit(main())
