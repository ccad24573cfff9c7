"""Backfill through a provider-like RPC (100 ms per request, provider limits) vs a bare loop.

A proxy (``_provider.py``) in front of anvil adds 100 ms to every HTTP request and refuses what a
provider plan would refuse. The bare baseline is a sequential ``eth_getLogs`` + decode loop through
the same proxy with the largest span it accepts. The service figure is the time from starting a
stream on a new subscription (whose chain keeps the default ``max_blocks_per_request``, so the
service must learn the provider's limit) until every event reached the consumer.

Rows:
- sparse history, range-capped: 10,000 blocks, 40 Transfers, spans over 100 blocks refused.
- dense history, log-capped: 500 Transfers per block, 200,000 logs as in issue 21 (40,000 in
  ``--quick``), responses over 10,000 logs refused with Infura's "query returned more than 10000
  results. Try with this block range [..]"; a second service run goes through a proxy that
  leaves the range out, so the span is learned from the density alone (information).
- rate-limited: the sparse history again through a proxy allowing 20 requests/s (token
  bucket, burst 20, HTTP 429 + integer Retry-After beyond); the baseline is the limit's
  ceiling, 100-block spans at 20 requests/s, and no request may be rejected more than once in
  a row.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from typing import Any

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer.models import ChainConfigUpdate
from event_streamer_server.devchain import DevChain, Emitter
from event_streamer_server.provider_proxy import ProviderProxy
from event_streamer_server.testing import LocalStack, start_local_stack

from ._table import Row
from .ingest import bare_loop

LATENCY = 0.1
RANGE_CAP = 100
LOG_CAP = 10_000
RATE = 20.0


def _say(message: str) -> None:
    print(f"  backfill: {message}", file=sys.stderr, flush=True)


async def service(
    stack: LocalStack, proxy: ProviderProxy, address: str, start: int, head: int, n: int
) -> tuple[float, float]:
    """Seconds from starting a stream until all ``n`` events reached the consumer, and until
    the subscription's cursor reached ``head`` (ingestion done)."""
    async with EventStreamer(stack.service_url, "bench") as client:
        await client.update_chain(stack.chain_id, ChainConfigUpdate(rpc_urls=[proxy.url]))
        sub = await client.create_subscription(
            subscription_from_abi(
                Emitter.abi(),
                "Transfer",
                chain_id=stack.chain_id,
                addresses=[address],
                start_block=start,
                end_block=head,
            )
        )
        seen = 0
        done = asyncio.Event()

        def on_events(events: list[dict[str, Any]]) -> None:
            nonlocal seen
            seen += len(events)
            if seen >= n:
                done.set()

        sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
        sc.on_event("Transfer")(on_events)
        proxy.reset()
        began = time.perf_counter()
        await sc.start_streaming()
        ingested = 0.0
        async with asyncio.timeout(600):
            while not done.is_set():
                if not ingested:
                    progress = await client.get_subscription_last_processed_block(sub.id)
                    if progress.last_processed_block == head:
                        ingested = time.perf_counter() - began
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(0.05):
                        await done.wait()
        elapsed = time.perf_counter() - began
        await sc.disconnect()
        await client.delete_subscription(sub.id)
        await client.update_chain(stack.chain_id, ChainConfigUpdate(rpc_urls=[stack.rpc_url]))
    return elapsed, ingested or elapsed


async def measure(quick: bool) -> list[Row]:
    rows: list[Row] = []
    stack = start_local_stack(heartbeat_interval=1.0)
    try:
        async with DevChain(stack.rpc_url) as chain:
            emitter = await chain.deploy_emitter()
            # -- sparse history ---------------------------------------------------------------
            n_blocks, n_events = (2_000, 10) if quick else (10_000, 40)
            start = await chain.block_number() + 1
            gap = n_blocks // n_events
            for i in range(n_events):
                await chain.mine(gap - 1)
                await emitter.emit_many(i, 1)
            head = await chain.block_number()
            _say(f"sparse: blocks {start}..{head} ({head - start + 1:,}), {n_events} events")
            proxy = ProviderProxy(stack.rpc_url, latency=LATENCY, max_span=RANGE_CAP)
            try:
                base_s, count, _ = await bare_loop(
                    proxy.url, emitter.address, start, head, RANGE_CAP
                )
                assert count == n_events, count
                base_requests = proxy.requests
                ours_s, _ = await service(stack, proxy, emitter.address, start, head, n_events)
                _say(
                    f"sparse: bare {base_s:.2f}s in {base_requests} requests; service "
                    f"{ours_s:.2f}s in {proxy.requests} requests {dict(proxy.calls)}"
                )
            finally:
                proxy.stop()
            rows.append(
                Row(
                    f"backfill sparse: {head - start + 1:,} blocks, {n_events} events, "
                    f"{RANGE_CAP}-block cap",
                    1 / ours_s,
                    1 / base_s,
                    "runs/s",
                    4.0,
                    f"100 ms/request; bare {base_s:.1f}s, service {ours_s:.1f}s",
                )
            )
            # -- rate-limited provider --------------------------------------------------------
            proxy = ProviderProxy(stack.rpc_url, latency=LATENCY, max_span=RANGE_CAP, rate=RATE)
            try:
                spans = -(-(head - start + 1) // RANGE_CAP)
                ceiling_s = spans / RATE
                ours_s, _ = await service(stack, proxy, emitter.address, start, head, n_events)
                _say(
                    f"rate-limited: ceiling {ceiling_s:.2f}s for {spans} spans; service "
                    f"{ours_s:.2f}s in {proxy.requests} requests, {proxy.rejected} rejected, "
                    f"at most {proxy.max_rejects_in_a_row} in a row"
                )
                in_a_row = proxy.max_rejects_in_a_row
            finally:
                proxy.stop()
            row = Row(
                f"backfill rate-limited: {RATE:g} req/s, {spans} spans "
                f"(max {in_a_row} rejects in a row)",
                1 / ours_s,
                1 / ceiling_s,
                "runs/s",
                0.8,
                f"baseline: the ceiling; service {ours_s:.1f}s, ceiling {ceiling_s:.1f}s",
            )
            if in_a_row > 1:
                row.target = float("inf")  # a request rejected twice in a row fails the row
            rows.append(row)
            # -- dense history ----------------------------------------------------------------
            per_block = 500
            dense_blocks = 80 if quick else 400
            start = await chain.block_number() + 1
            for i in range(dense_blocks):
                await emitter.emit_many(i * per_block, per_block)
            head = await chain.block_number()
            n = dense_blocks * per_block
            span = LOG_CAP // per_block
            _say(f"dense: blocks {start}..{head}, {n:,} events")
            proxy = ProviderProxy(stack.rpc_url, latency=LATENCY, max_logs=LOG_CAP)
            try:
                base_s, count, decoding = await bare_loop(
                    proxy.url, emitter.address, start, head, span
                )
                assert count == n, count
                base_requests, base_upstream = proxy.requests, proxy.upstream_seconds
                ours_s, ingest_s = await service(stack, proxy, emitter.address, start, head, n)
                _say(
                    f"dense: bare {base_s:.2f}s in {base_requests} requests "
                    f"({decoding:.2f}s decoding, {base_upstream:.2f}s anvil answering and the "
                    f"proxy reading it, the rest latency and transfer); service "
                    f"{ours_s:.2f}s in {proxy.requests} requests {dict(proxy.calls)}, "
                    f"{proxy.refused} refused, at most {proxy.most_in_flight} in flight, "
                    f"{proxy.upstream_seconds:.2f}s of anvil summed over them; cursor at the "
                    f"head after {ingest_s:.2f}s (fetch, decode, store), the rest "
                    f"({ours_s - ingest_s:.2f}s) delivery"
                )
            finally:
                proxy.stop()
            proxy = ProviderProxy(stack.rpc_url, latency=LATENCY, max_logs=LOG_CAP, suggest=False)
            try:
                plain_s, _ = await service(stack, proxy, emitter.address, start, head, n)
                _say(
                    f"dense without a suggested range: service {plain_s:.2f}s in "
                    f"{proxy.requests} requests, {proxy.refused} refused"
                )
            finally:
                proxy.stop()
            rows.append(
                Row(
                    f"backfill dense: {n:,} logs, {LOG_CAP:,}-log cap",
                    n / ours_s,
                    n / base_s,
                    "logs/s",
                    1.5,
                    f"100 ms/request; bare {base_s:.1f}s, service {ours_s:.1f}s",
                )
            )
            rows.append(
                Row(
                    f"backfill dense, refusals without a suggested range: {n:,} logs",
                    n / plain_s,
                    n / base_s,
                    "logs/s",
                    None,
                    f"span learned from logs per block; service {plain_s:.1f}s",
                )
            )
    finally:
        stack.stop()
    return rows


def run(quick: bool) -> list[Row]:
    return asyncio.run(measure(quick))
