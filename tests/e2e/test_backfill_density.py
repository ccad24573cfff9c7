"""Span-size learning from a provider's log-cap refusal, through the provider proxy against
real anvil: with Infura's suggested range, and from the logs per block seen when the refusal
names no range. Either way one refusal, then every event once, in block order."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from event_streamer_server.devchain import DevChain
from event_streamer_server.provider_proxy import ProviderProxy
from event_streamer_server.testing import LocalStack
from tests._backfill import stream_through
from tests._stack import emit_history

BLOCKS = 20
PER_BLOCK = 40
CAP = 100  # logs per answer: 2 blocks fit, 3 do not


@pytest.fixture(scope="module")
async def dense(own_stack: LocalStack) -> AsyncIterator[tuple[str, int, int]]:
    """20 blocks of 40 Transfers each (values 0..799 in block order); (address, first, last)."""
    async with DevChain(own_stack.rpc_url) as chain:
        emitter, start, head = await emit_history(chain, BLOCKS, PER_BLOCK)
        yield emitter.address, start, head


async def stream_all(
    stack: LocalStack, proxy: ProviderProxy, dense: tuple[str, int, int], name: str
) -> list[int]:
    """Stream the dense history through ``proxy``; the values in the order they arrived."""
    address, start, head = dense
    return await stream_through(
        stack, proxy, address=address, start=start, head=head, n=BLOCKS * PER_BLOCK, name=name
    )


async def test_a_suggested_range_is_adopted_after_one_refusal(
    own_stack: LocalStack, dense: tuple[str, int, int]
) -> None:
    proxy = ProviderProxy(own_stack.rpc_url, latency=0.01, max_logs=CAP)
    try:
        seen = await stream_all(own_stack, proxy, dense, "suggested")
    finally:
        proxy.stop()
    assert seen == list(range(BLOCKS * PER_BLOCK))  # every event, once, in block order
    assert proxy.refused == 1  # the first, unknowing span; then the suggested 2-block span
    assert proxy.calls["eth_getLogs"] == 1 + BLOCKS // 2
    assert proxy.most_in_flight > 1  # and the spans after it went out concurrently


async def test_without_a_suggestion_the_span_is_sized_from_the_density(
    own_stack: LocalStack, dense: tuple[str, int, int]
) -> None:
    proxy = ProviderProxy(own_stack.rpc_url, latency=0.01, max_logs=CAP, suggest=False)
    try:
        seen = await stream_all(own_stack, proxy, dense, "density")
    finally:
        proxy.stop()
    assert seen == list(range(BLOCKS * PER_BLOCK))
    # Halving would be refused at 20, 10 and 5 blocks; a one-block try measures 40 logs per
    # block, and 90% of the 100-log cap makes 2-block spans, all accepted.
    assert proxy.refused == 1
    assert proxy.calls["eth_getLogs"] <= 2 + BLOCKS // 2
