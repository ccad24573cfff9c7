"""Helpers for tests that run against anvil + the service."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from event_streamer import EventStreamer
from event_streamer.models import SubscriptionResponse
from event_streamer_server.devchain import DevChain, Emitter
from event_streamer_server.testing import LocalStack


async def deploy(stack: LocalStack) -> tuple[DevChain, Emitter]:
    chain = DevChain(stack.rpc_url)
    return chain, await chain.deploy_emitter()


async def subscribe(
    client: EventStreamer,
    stack: LocalStack,
    chain: DevChain,
    emitter: Emitter,
    event: str = "Transfer",
    **kw: Any,
) -> SubscriptionResponse:
    """``emitter.subscribe`` on the stack's chain (``chain`` is kept for the callers' shape)."""
    return await emitter.subscribe(client, event, chain_id=stack.chain_id, **kw)


async def until(
    condition: Callable[[], bool | Awaitable[bool]], within: float = 20.0, what: str = ""
) -> None:
    """Wait for ``condition`` with a deadline (checks on every loop turn, no fixed sleeps)."""

    async def poll() -> None:
        while True:
            result = condition()
            if not isinstance(result, bool):
                result = await result
            if result:
                return
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(poll(), within)
    except TimeoutError:
        raise AssertionError(f"timed out after {within}s waiting for {what or condition}") from None


async def stream_values(
    client: EventStreamer, subscription_id: int, n: int, *, within: float = 60.0
) -> list[int]:
    """Stream the subscription's Transfers until ``n`` arrived (acknowledging them); their
    values in the order they arrived."""
    seen: list[int] = []
    sc = client.create_streaming_client(subscription_id, batch_ack_interval=0.1)
    sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
    await sc.start_streaming()
    await until(lambda: len(seen) >= n, within=within, what=f"{n} events")
    await sc.disconnect()
    return seen


async def emit_history(chain: DevChain, blocks: int, per_block: int) -> tuple[Emitter, int, int]:
    """A new Emitter and ``blocks`` blocks of ``per_block`` Transfers each (values 0.. in
    block order); (emitter, first block, last block)."""
    emitter = await chain.deploy_emitter()
    start = await chain.block_number() + 1
    for i in range(blocks):
        await emitter.emit_many(i * per_block, per_block)
    return emitter, start, await chain.block_number()
