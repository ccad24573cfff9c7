"""Service delivery: the SDK reading from the service vs from a bare NDJSON server.

Per round, a fresh subscription over the same anvil Transfers:
- first pass: a bare aiohttp reader opens the stream (which starts ingestion) and counts events
  until all N arrived, without acknowledging; vs the bare ``eth_getLogs`` + decode loop of
  ``ingest.py`` on the same anvil (ingest + delivery vs fetch + decode);
- redelivery: the SDK consumer (its own process, auto-ack on) reads the same N events back from
  storage; vs the same consumer reading N pre-built events from ``_stream_server.py``.
Medians of several rounds.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

import aiohttp
import orjson

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer_server.devchain import DevChain, Emitter
from event_streamer_server.testing import start_local_stack

from ._procs import HERE, run_client, start_server, stop
from ._table import Row
from .ingest import SPAN, bare, emit_blocks

PER_BLOCK = 500


async def first_pass(url: str, sid: int, n: int) -> float:
    """Open the stream, count events until ``n``; events/s from the request (no acks)."""
    count = 0
    began = time.perf_counter()
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{url}/subscriptions/{sid}/stream") as response,
    ):
        async for line in response.content:
            message = orjson.loads(line)
            if message["type"] == "event_batch":
                for events in message["events"].values():
                    count += len(events)
                if count >= n:
                    break
    return n / (time.perf_counter() - began)


async def measure(quick: bool) -> dict[str, list[float]]:
    n_blocks = 40 if quick else 600
    rounds = 1 if quick else 3
    n = n_blocks * PER_BLOCK
    rates: dict[str, list[float]] = {"first": [], "getlogs": [], "redeliver": [], "bare": []}
    server, info = start_server("_stream_server.py", str(n))
    stack = start_local_stack(heartbeat_interval=5.0)
    try:
        async with (
            DevChain(stack.rpc_url) as chain,
            EventStreamer(stack.service_url, "bench") as client,
        ):
            emitter, start, head = await emit_blocks(
                client, chain, stack.chain_id, n_blocks, PER_BLOCK
            )
            for _ in range(rounds):
                rates["getlogs"].append(await bare(stack.rpc_url, emitter.address, start, head))
                sub = await client.create_subscription(
                    subscription_from_abi(
                        Emitter.abi(),
                        "Transfer",
                        chain_id=stack.chain_id,
                        addresses=[emitter.address],
                        start_block=start,
                        end_block=head,
                    )
                )
                rates["first"].append(await first_pass(stack.service_url, sub.id, n))
                # The SDK consumer's clock starts at its first batch: N - 100 timed events.
                args = (stack.service_url, str(n - 100), str(sub.id))
                rates["redeliver"].append(
                    run_client(sys.executable, HERE / "_stream_clients.py", "ours", *args)
                )
                rates["bare"].append(
                    run_client(
                        sys.executable,
                        HERE / "_stream_clients.py",
                        "ours",
                        str(info["url"]),
                        str(n - 100),
                    )
                )
    finally:
        stack.stop()
        stop(server)
    return rates


def _spread(values: list[float]) -> str:
    return f"{min(values):,.0f}-{max(values):,.0f}"


def run(quick: bool) -> list[Row]:
    rates = asyncio.run(measure(quick))
    med = {k: statistics.median(v) for k, v in rates.items()}
    n = (40 if quick else 600) * PER_BLOCK
    rounds = len(rates["first"])
    return [
        Row(
            "delivery: service redelivery (auto-ack) vs bare NDJSON server",
            med["redeliver"],
            med["bare"],
            "events/s",
            0.6,
            f"{n:,} stored events, SDK consumer, median of {rounds} "
            f"(service {_spread(rates['redeliver'])}, bare {_spread(rates['bare'])})",
        ),
        Row(
            "delivery: first-pass ingest + delivery vs bare eth_getLogs + decode",
            med["first"],
            med["getlogs"],
            "events/s",
            0.8,
            f"{n:,} anvil logs, {SPAN}-block spans, median of {rounds} "
            f"(service {_spread(rates['first'])}, bare {_spread(rates['getlogs'])})",
        ),
    ]
