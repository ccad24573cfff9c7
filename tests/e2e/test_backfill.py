"""Backfill through a provider-like proxy (latency, range cap, rate limit) against real anvil:
concurrent spans commit in block order, the span size is learned, rate limits back off."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer.models import ChainConfigUpdate
from event_streamer_server.devchain import DevChain, Emitter
from event_streamer_server.provider_proxy import ProviderProxy
from event_streamer_server.testing import LocalStack
from tests._backfill import stream_through
from tests._cli import run_cli
from tests._stack import until


@pytest.fixture(scope="module")
async def history(own_stack: LocalStack) -> AsyncIterator[tuple[str, int, int, int]]:
    """A sparse history: 30 Transfers (values 0..29, one per 40 blocks); (address, first
    block, last block, events)."""
    async with DevChain(own_stack.rpc_url) as chain:
        emitter = await chain.deploy_emitter()
        start = await chain.block_number() + 1
        for i in range(30):
            await chain.mine(39)
            await emitter.emit_many(i, 1)
        yield emitter.address, start, await chain.block_number(), 30


async def backfill(
    stack: LocalStack, proxy: ProviderProxy, history: tuple[str, int, int, int], name: str
) -> list[int]:
    """Stream the whole history through ``proxy``; the values in the order they arrived."""
    address, start, head, n = history
    return await stream_through(
        stack, proxy, address=address, start=start, head=head, n=n, name=name
    )


async def test_spans_answered_out_of_order_still_commit_in_block_order(
    own_stack: LocalStack, history: tuple[str, int, int, int]
) -> None:
    proxy = ProviderProxy(own_stack.rpc_url, latency=0.02, jitter=0.1, max_span=50)
    try:
        seen = await backfill(own_stack, proxy, history, "order")
    finally:
        proxy.stop()
    assert seen == list(range(history[3]))  # every event, once, in block order
    assert proxy.most_in_flight > 1  # spans were fetched concurrently ...
    answered = proxy.answered
    assert any(b < a for a, b in itertools.pairwise(answered))  # ... out of order


async def test_the_span_size_is_learned_from_the_first_refusal(
    own_stack: LocalStack, history: tuple[str, int, int, int]
) -> None:
    proxy = ProviderProxy(own_stack.rpc_url, latency=0.01, max_span=50)
    try:
        seen = await backfill(own_stack, proxy, history, "learn")
    finally:
        proxy.stop()
    assert seen == list(range(history[3]))
    spans = -(-(history[2] - history[1] + 1) // 50)
    # One refusal teaches the cap (500 -> 50); growing back is tried rarely, not per span.
    assert proxy.refused <= 1 + spans // 32 * 8
    assert proxy.calls["eth_getLogs"] <= spans + proxy.refused + 8


async def test_a_rate_limited_provider_is_backed_off_from_and_recovered_from(
    own_stack: LocalStack, history: tuple[str, int, int, int]
) -> None:
    proxy = ProviderProxy(own_stack.rpc_url, latency=0.01, max_span=50, rate=10, burst=5)
    try:
        seen = await backfill(own_stack, proxy, history, "ratelimit")
    finally:
        proxy.stop()
    assert seen == list(range(history[3]))
    assert proxy.rejected >= 1  # the limit was hit ...
    assert proxy.max_rejects_in_a_row <= 1  # ... and no request was refused twice running


async def test_progress_is_visible_and_concurrency_follows_the_chain_setting(
    own_stack: LocalStack, history: tuple[str, int, int, int]
) -> None:
    address, start, head, n = history
    proxy = ProviderProxy(own_stack.rpc_url, latency=0.05, max_span=50)
    try:
        async with EventStreamer(own_stack.service_url, "progress") as client:
            await client.update_chain(
                own_stack.chain_id,
                ChainConfigUpdate(
                    rpc_urls=[proxy.url], max_blocks_per_request=50, max_concurrent_requests=2
                ),
            )
            chain = await client.get_chain(own_stack.chain_id)
            assert chain.max_concurrent_requests == 2
            try:
                sub = await client.create_subscription(
                    subscription_from_abi(
                        Emitter.abi(),
                        "Transfer",
                        chain_id=own_stack.chain_id,
                        addresses=[address],
                        start_block=start,
                        end_block=head,
                    )
                )
                seen: list[int] = []
                sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
                sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
                await sc.start_streaming()

                async def some_progress() -> bool:
                    status = await client.get_processing_status(sub.id)
                    return bool(status.backfill) and status.backfill.blocks_done > 0

                await until(some_progress, what="backfill progress in the processing status")
                proxy.open.clear()  # freeze the backfill while the CLI looks
                try:
                    status = await client.get_processing_status(sub.id)
                    progress = status.backfill
                    assert progress.to_block == head
                    assert progress.blocks_total == head - start + 1
                    assert 0 < progress.blocks_done < progress.blocks_total
                    assert progress.concurrency <= 2
                    shown = run_cli(own_stack.service_url, "status", str(sub.id))
                    assert shown.returncode == 0, shown.stderr
                    assert f"of {progress.blocks_total:,} blocks" in shown.stdout
                finally:
                    proxy.open.set()
                await until(lambda: len(seen) >= n, within=60, what=f"{n} events")
                await sc.disconnect()

                async def no_progress() -> bool:
                    return not (await client.get_processing_status(sub.id)).backfill

                await until(no_progress, what="progress gone once caught up")
                await client.delete_subscription(sub.id)
            finally:
                await client.update_chain(
                    own_stack.chain_id,
                    ChainConfigUpdate(
                        rpc_urls=[own_stack.rpc_url],
                        max_blocks_per_request=2000,
                        max_concurrent_requests=6,
                    ),
                )
    finally:
        proxy.stop()
    assert seen == list(range(n))
    assert proxy.most_in_flight <= 2  # the chain's setting bounds the spans in flight
