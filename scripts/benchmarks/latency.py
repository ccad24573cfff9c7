"""End-to-end latency: transaction receipt on anvil -> the StreamingClient handler call.

anvil automines, the chain has confirmation_blocks=0 and a 0.1 s poll interval
(average_block_time). Target: p95 < 2 x poll interval + 100 ms. Measured twice in one run:
polling only, and with the chain's ws_url set (newHeads push wakes ingestion on each block);
target for the push: p95 under half the polling p95.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time

from event_streamer import EventStreamer
from event_streamer_server.devchain import DevChain
from event_streamer_server.testing import start_local_stack

from ._table import Row

POLL = 0.1


async def measure(n: int, *, push: bool) -> list[float]:
    stack = start_local_stack(heartbeat_interval=5.0, average_block_time=POLL, ws_push=push)
    try:
        async with (
            DevChain(stack.rpc_url) as chain,
            EventStreamer(stack.service_url, "latency") as client,
        ):
            emitter = await chain.deploy_emitter()
            sub = await emitter.subscribe(client, chain_id=stack.chain_id)
            arrived: dict[int, float] = {}
            all_in = asyncio.Event()
            sc = client.create_streaming_client(sub.id)

            @sc.on_event("Transfer")
            def record(events: list[dict[str, object]]) -> None:
                now = time.monotonic()
                for event in events:
                    arrived.setdefault(int(str(event["value"])), now)
                if len(arrived) >= n:
                    all_in.set()

            await sc.start_streaming()
            sent: dict[int, float] = {}
            for i in range(n):
                await emitter.emit_many(i, 1)  # returns with the receipt (automine)
                sent[i] = time.monotonic()
                await asyncio.sleep(0.02)
            with contextlib.suppress(TimeoutError):  # late or lost ones are counted as missing
                async with asyncio.timeout(30):
                    await all_in.wait()
            await sc.disconnect()
        return [arrived[i] - sent[i] for i in range(n) if i in arrived]
    finally:
        stack.stop()


def _percentiles(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, statistics.quantiles(ordered, n=20)[-1] * 1000


def run(quick: bool) -> list[Row]:
    n = 100 if quick else 500
    polled = asyncio.run(measure(n, push=False))
    pushed = asyncio.run(measure(n, push=True))
    p50, p95 = _percentiles(polled)
    push50, push95 = _percentiles(pushed)
    target = (2 * POLL + 0.1) * 1000
    return [
        Row(
            f"latency: receipt -> handler p95 over {len(polled)} transfers (ms)",
            p95,
            target,
            "ms",
            1.0,
            f"p50 {p50:.0f} ms, poll {POLL * 1000:.0f} ms",
            lower_is_better=True,
        ),
        Row(
            f"latency: p95 with newHeads push vs polling, {len(pushed)} transfers (ms)",
            push95,
            p95,
            "ms",
            0.5,
            f"push p50 {push50:.0f} ms (goal p95 <= 30 ms absolute), poll {POLL * 1000:.0f} ms",
            lower_is_better=True,
        ),
    ]
