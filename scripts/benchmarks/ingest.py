"""Service ingestion: anvil eth_getLogs -> decoded, persisted batches, vs a bare loop.

The same Transfers on the same anvil, the same span per eth_getLogs call. The bare loop calls
eth_getLogs and decodes every log (EventDecoder, timestamps from blockTimestamp). The service
figure runs from opening a stream (which starts ingestion) until the subscription's
last_processed_block reaches the head, so it includes decoding, batching and the SQLite
transaction per span. Medians of several rounds.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import UTC, datetime

import httpx

from event_streamer import EventDecoder, EventStreamer, extract_abi_event, subscription_from_abi
from event_streamer.models import ChainConfigUpdate
from event_streamer_server.devchain import DevChain, Emitter
from event_streamer_server.testing import start_local_stack

from ._table import Row

SPAN = 20  # blocks per eth_getLogs call (10,000 logs at 500 per block)


async def bare_loop(
    url: str, address: str, start: int, head: int, span: int = SPAN
) -> tuple[float, int, float]:
    """Sequential eth_getLogs + decode; (seconds, events, seconds spent decoding)."""
    decoder = EventDecoder(extract_abi_event(Emitter.abi(), "Transfer"))
    began = time.perf_counter()
    count = 0
    decoding = 0.0
    async with httpx.AsyncClient(timeout=120) as http:
        for lo in range(start, head + 1, span):
            hi = min(lo + span - 1, head)
            body = {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "eth_getLogs",
                "params": [
                    {
                        "address": [address],
                        "topics": [decoder.topic0],
                        "fromBlock": hex(lo),
                        "toBlock": hex(hi),
                    }
                ],
            }
            logs = (await http.post(url, json=body)).json()["result"]
            decode_began = time.perf_counter()
            for log in logs:
                event = decoder.decode(log)
                event["timestamp"] = datetime.fromtimestamp(int(log["blockTimestamp"], 16), UTC)
                count += 1
            decoding += time.perf_counter() - decode_began
    return time.perf_counter() - began, count, decoding


async def bare(rpc_url: str, address: str, start: int, head: int) -> float:
    """The bare loop's rate in logs/s."""
    seconds, count, _ = await bare_loop(rpc_url, address, start, head)
    return count / seconds


async def emit_blocks(
    client: EventStreamer, chain: DevChain, chain_id: int, n_blocks: int, per_block: int
) -> tuple[Emitter, int, int]:
    """Spans of ``SPAN`` blocks for the service; ``n_blocks`` blocks of ``per_block``
    Transfers; (emitter, first block, head)."""
    await client.update_chain(chain_id, ChainConfigUpdate(max_blocks_per_request=SPAN))
    emitter = await chain.deploy_emitter()
    start = await chain.block_number() + 1
    for i in range(n_blocks):
        await emitter.emit_many(i * per_block, per_block)
    return emitter, start, await chain.block_number()


async def service(url: str, chain_id: int, address: str, start: int, head: int, n: int) -> float:
    async with (
        EventStreamer(url, "bench") as client,
        httpx.AsyncClient(base_url=url, timeout=None) as http,
    ):
        sub = await client.create_subscription(
            subscription_from_abi(
                Emitter.abi(),
                "Transfer",
                chain_id=chain_id,
                addresses=[address],
                start_block=start,
                end_block=head,
            )
        )
        began = time.perf_counter()
        async with http.stream("GET", f"/subscriptions/{sub.id}/stream"):
            while True:
                progress = await client.get_subscription_last_processed_block(sub.id)
                if progress.last_processed_block == head:
                    break
                await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - began
        delivered = await client.get_subscription(sub.id)
        assert delivered.last_processed_block == head
    return n / elapsed


async def measure(quick: bool) -> tuple[float, float, int]:
    n_blocks = 20 if quick else 100
    rounds = 1 if quick else 3
    stack = start_local_stack(heartbeat_interval=5.0)
    try:
        async with (
            DevChain(stack.rpc_url) as chain,
            EventStreamer(stack.service_url, "bench") as client,
        ):
            emitter, start, head = await emit_blocks(client, chain, stack.chain_id, n_blocks, 500)
            n = n_blocks * 500
            ours, base = [], []
            for _ in range(rounds):
                base.append(await bare(stack.rpc_url, emitter.address, start, head))
                ours.append(
                    await service(
                        stack.service_url, stack.chain_id, emitter.address, start, head, n
                    )
                )
            return statistics.median(ours), statistics.median(base), n
    finally:
        stack.stop()


def run(quick: bool) -> list[Row]:
    ours, base, n = asyncio.run(measure(quick))
    return [
        Row(
            f"ingest: service vs bare eth_getLogs + decode ({n:,} logs)",
            ours,
            base,
            "logs/s",
            0.6,
            f"anvil, {SPAN}-block spans, persisted to SQLite",
        )
    ]
