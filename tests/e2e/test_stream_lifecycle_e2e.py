"""Stream lifecycle end to end (anvil -> service -> StreamingClient): bounded subscriptions
finish on their own; client_metadata reaches the service."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from event_streamer import EventStreamer, StreamState
from event_streamer_server.testing import LocalStack, register_chain, start_service
from tests._stack import deploy, subscribe, until


async def test_a_bounded_subscription_stream_ends_once_everything_is_acknowledged(
    event_streamer_stack: LocalStack,
) -> None:
    chain, emitter = await deploy(event_streamer_stack)
    await emitter.emit_many(0, 30)
    end = await chain.block_number()
    async with EventStreamer(event_streamer_stack.service_url, "bounded") as client:
        sub = await subscribe(
            client, event_streamer_stack, chain, emitter, start_block=0, end_block=end
        )
        sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
        seen: list[int] = []
        completed: list[bool] = []
        sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
        sc.on_complete(lambda: completed.append(True))
        await sc.start_streaming()
        await asyncio.wait_for(sc.wait(), 60)  # returns by itself: the subscription completed
        assert sc.state is StreamState.COMPLETED
        assert not sc.is_running
        assert completed == [True]
        assert sorted(seen) == list(range(30))
        # async for stops by itself too.
        again = client.create_streaming_client(sub.id)
        async with asyncio.timeout(60):
            rest = [batch async for batch in again]
        assert rest == []
        assert again.state is StreamState.COMPLETED
    await chain.aclose()


async def test_client_metadata_reaches_the_service_log(event_streamer_stack: LocalStack) -> None:
    service = event_streamer_stack.service
    if service is None:
        pytest.skip("the stack runs elsewhere: its log is not at hand")
    chain, emitter = await deploy(event_streamer_stack)
    async with EventStreamer(event_streamer_stack.service_url, "meta") as client:
        sub = await subscribe(client, event_streamer_stack, chain, emitter)
        sc = client.create_streaming_client(sub.id, client_metadata={"version": "1.0.0"})
        await sc.start_streaming()
        line = (
            f"stream {sc.connection_id} opened on subscription {sub.id}, "
            'client metadata {"version":"1.0.0"}'
        )
        await sc.disconnect()
    await until(lambda: line in service.output(), what="the metadata in the service log")
    await chain.aclose()


async def test_completion_does_not_wait_for_a_slow_server_heartbeat(
    event_streamer_stack: LocalStack, tmp_path: Path
) -> None:
    """With the default 30 s server heartbeat, a finished subscription still ends in seconds."""
    service = start_service(workdir=tmp_path, env={"EVENT_STREAMER_HEARTBEAT_INTERVAL": "30"})
    try:
        register_chain(service.url, event_streamer_stack.rpc_url, event_streamer_stack.chain_id)
        stack = LocalStack(service.url, event_streamer_stack.rpc_url, event_streamer_stack.chain_id)
        chain, emitter = await deploy(stack)
        start = await chain.block_number()
        await emitter.emit_many(0, 20)
        end = await chain.block_number()
        async with EventStreamer(service.url, "slow-beats") as client:
            sub = await subscribe(client, stack, chain, emitter, start_block=start, end_block=end)
            sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
            await sc.start_streaming()
            await asyncio.wait_for(sc.wait(), 20)  # well before the second server heartbeat
            assert sc.state is StreamState.COMPLETED
            assert sc.stats.events == 20
        await chain.aclose()
    finally:
        service.cleanup()
