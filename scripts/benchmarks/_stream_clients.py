"""Benchmark stream clients; each run in its own process: python _stream_clients.py KIND URL N.

Prints steady-state events/s: the clock starts when the first batch arrives (so imports,
connection and TLS-context setup, which every client pays once, are left out equally) and stops
at the N-th event after it. KIND: ours | aiohttp | httpx;
`ours URL N SUBSCRIPTION_ID` reads that subscription (default 1).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncIterator


async def ours(url: str, n: int, subscription_id: int = 1) -> float:
    from event_streamer import EventStreamer

    async with EventStreamer(url, "bench") as client:
        sc = client.create_streaming_client(subscription_id, batch_ack_interval=1.0)
        done = asyncio.Event()
        count = -1
        start = 0.0

        @sc.on_event("Transfer")
        def handle(events: list[dict[str, object]]) -> None:
            nonlocal count, start
            if count < 0:
                count, start = 0, time.perf_counter()
                return
            count += len(events)
            if count >= n:
                done.set()

        await sc.start_streaming()
        await done.wait()
        elapsed = time.perf_counter() - start
        await sc.disconnect()
    return n / elapsed


async def count_events(lines: AsyncIterator[bytes | str], n: int) -> float:
    """Parse lines until ``n`` events after the first batch; return events/s."""
    import orjson

    count, start = -1, 0.0
    async for line in lines:
        message = orjson.loads(line)
        if message["type"] == "event_batch":
            if count < 0:
                count, start = 0, time.perf_counter()
                continue
            for events in message["events"].values():
                count += len(events)
        if count >= n:
            break
    return n / (time.perf_counter() - start)


async def bare_aiohttp(url: str, n: int) -> float:
    import aiohttp

    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{url}/subscriptions/1/stream") as response,
    ):
        return await count_events(response.content, n)


async def bare_httpx(url: str, n: int) -> float:
    import httpx

    async with (
        httpx.AsyncClient(timeout=None) as client,
        client.stream("GET", f"{url}/subscriptions/1/stream") as response,
    ):
        return await count_events(response.aiter_lines(), n)


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


async def ours_memory(url: str, n: int) -> str:
    """Consume ``n`` events; report peak RSS (MB) of the first and second half as JSON."""
    from event_streamer import EventStreamer

    peaks = [0.0, 0.0]
    async with EventStreamer(url, "bench") as client:
        sc = client.create_streaming_client(1, batch_ack_interval=1.0)
        done = asyncio.Event()
        count = 0

        @sc.on_event("Transfer")
        def handle(events: list[dict[str, object]]) -> None:
            nonlocal count
            count += len(events)
            if count % 10_000 == 0:
                half = 0 if count <= n // 2 else 1
                peaks[half] = max(peaks[half], rss_mb())
            if count >= n:
                done.set()

        await sc.start_streaming()
        await done.wait()
        await sc.disconnect()
    return json.dumps({"first_half_mb": peaks[0], "second_half_mb": peaks[1], "events": count})


def main() -> None:
    kind, url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if kind == "memory":
        print(asyncio.run(ours_memory(url, n)))
        return
    if kind == "ours" and len(sys.argv) > 4:  # a subscription of the service under test
        print(f"{asyncio.run(ours(url, n, int(sys.argv[4]))):.1f}")
        return
    runner = {"ours": ours, "aiohttp": bare_aiohttp, "httpx": bare_httpx}[kind]
    print(f"{asyncio.run(runner(url, n)):.1f}")


if __name__ == "__main__":
    main()
