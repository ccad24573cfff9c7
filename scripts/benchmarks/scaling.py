"""Ingestion that scales with subscriptions, and throughput across concurrent streams.

RPC calls: the same 10,000 anvil blocks ingested for 1, 10 and 100 subscriptions (different
contracts and events, all from block 0), counted by the service's own breaker metrics for the
chain's RPC URL; target: 100 subscriptions cost at most 5x the calls of one. Throughput: events
per second delivered in total across 10 concurrent StreamingClients, against one stream.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer_server.devchain import DevChain, Emitter, start_anvil
from event_streamer_server.testing import register_chain, start_service

from ._table import Row

BLOCKS = 10_000


async def calls_for(rpc_url: str, n_subs: int, addresses: list[str], end: int) -> int:
    service = start_service(env={"EVENT_STREAMER_HEARTBEAT_INTERVAL": "5"})
    try:
        register_chain(service.url, rpc_url, 31337, average_block_time=0.5)
        async with EventStreamer(service.url, "scale") as client:
            await client.update_chain(31337, _update(max_blocks_per_request=2000))
            subs = []
            for i in range(n_subs):
                event = "Transfer" if i % 2 == 0 else "Approval"
                subs.append(
                    await client.create_subscription(
                        subscription_from_abi(
                            Emitter.abi(),
                            event,
                            chain_id=31337,
                            addresses=[addresses[i % len(addresses)]],
                            start_block=0,
                            end_block=end,
                        )
                    )
                )
            before = (await client.get_circuit_breaker_metrics("rpc:31337:0")).total_calls
            async with httpx.AsyncClient(base_url=service.url, timeout=None) as http:
                streams = [http.stream("GET", f"/subscriptions/{s.id}/stream") for s in subs]
                opened = [await stream.__aenter__() for stream in streams]
                try:
                    while True:
                        progress = [
                            (
                                await client.get_subscription_last_processed_block(s.id)
                            ).last_processed_block
                            for s in subs
                        ]
                        if all(p == end for p in progress):
                            break
                        await asyncio.sleep(0.05)
                    after = (await client.get_circuit_breaker_metrics("rpc:31337:0")).total_calls
                finally:
                    for stream, response in zip(streams, opened, strict=True):
                        await stream.__aexit__(None, None, None)
                        del response
        return after - before
    finally:
        service.cleanup()


def _update(**fields: int) -> object:
    from event_streamer.models import ChainConfigUpdate

    return ChainConfigUpdate(**fields)


async def concurrent_rate(rpc_url: str, emitters: list[Emitter], start: int, streams: int) -> float:
    """Total events/s through ``streams`` StreamingClients, each on its own subscription."""
    service = start_service(env={"EVENT_STREAMER_HEARTBEAT_INTERVAL": "5"})
    try:
        register_chain(service.url, rpc_url, 31337)
        async with EventStreamer(service.url, "scale") as client:
            subs = [
                await client.create_subscription(
                    subscription_from_abi(
                        Emitter.abi(),
                        "Transfer",
                        chain_id=31337,
                        addresses=[emitters[i].address],
                        start_block=start,
                    )
                )
                for i in range(streams)
            ]
            per_sub = 5_000
            done = asyncio.Event()
            total = 0
            clients = []
            for sub in subs:
                sc = client.create_streaming_client(sub.id)

                def count(events: list[object]) -> None:
                    nonlocal total
                    total += len(events)
                    if total >= per_sub * streams:
                        done.set()

                sc.on_event("Transfer")(count)
                clients.append(sc)
            began = time.perf_counter()
            await asyncio.gather(*(sc.start_streaming() for sc in clients))
            await done.wait()
            elapsed = time.perf_counter() - began
            for sc in clients:
                await sc.disconnect()
        return per_sub * streams / elapsed
    finally:
        service.cleanup()


async def measure(quick: bool) -> list[Row]:
    anvil = start_anvil()
    try:
        async with DevChain(anvil.url) as chain:
            emitters = [await chain.deploy_emitter() for _ in range(10)]
            start = await chain.block_number()
            for emitter in emitters:
                await emitter.emit_many(0, 5_000)
            await chain.mine(BLOCKS)
            end = await chain.block_number()
            addresses = [e.address for e in emitters]
            counts = {k: await calls_for(anvil.url, k, addresses, end) for k in (1, 10, 100)}
            one = await concurrent_rate(anvil.url, emitters, start, 1)
            ten = await concurrent_rate(anvil.url, emitters, start, 10)
    finally:
        anvil.cleanup()
    return [
        Row(
            f"scaling: RPC calls for {BLOCKS:,} blocks, 10 subscriptions vs 1",
            counts[10],
            counts[1],
            "calls",
            5.0,
            lower_is_better=True,
        ),
        Row(
            f"scaling: RPC calls for {BLOCKS:,} blocks, 100 subscriptions vs 1",
            counts[100],
            counts[1],
            "calls",
            5.0,
            lower_is_better=True,
        ),
        Row(
            "scaling: events/s across 10 concurrent streams vs 1 stream",
            ten,
            one,
            "events/s",
            None,
            "informational",
        ),
    ]


def run(quick: bool) -> list[Row]:
    return asyncio.run(measure(quick))
