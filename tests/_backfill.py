"""Stream a stretch of history through a provider-like proxy (backfill tests)."""

from __future__ import annotations

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer.models import ChainConfigUpdate
from event_streamer_server.devchain import Emitter
from event_streamer_server.provider_proxy import ProviderProxy
from event_streamer_server.testing import LocalStack
from tests._stack import stream_values


async def stream_through(
    stack: LocalStack,
    proxy: ProviderProxy,
    *,
    address: str,
    start: int,
    head: int,
    n: int,
    name: str,
) -> list[int]:
    """Point the chain at ``proxy``, stream the Emitter's Transfers of blocks ``start..head``
    until ``n`` arrived, then restore the chain: the values in the order they arrived."""
    async with EventStreamer(stack.service_url, name) as client:
        await client.update_chain(
            stack.chain_id, ChainConfigUpdate(rpc_urls=[proxy.url], max_blocks_per_request=500)
        )
        await client.reset_all_circuit_breakers()
        try:
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
            seen = await stream_values(client, sub.id, n)
            await client.delete_subscription(sub.id)
        finally:
            await client.update_chain(
                stack.chain_id,
                ChainConfigUpdate(rpc_urls=[stack.rpc_url], max_blocks_per_request=2000),
            )
    return seen
