"""Rows for storage-level unit tests."""

from __future__ import annotations

from event_streamer_server._storage import NewChain, NewSubscription, Storage, SubscriptionRow

TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"


async def new_subscription(storage: Storage, *, start: int = 0) -> SubscriptionRow:
    """A Transfer subscription on chain 1 (created on first use)."""
    if await storage.get_chain(1) is None:
        await storage.insert_chain(NewChain(1, "test", ["http://node"], 1.0, 100, 0, "active"))
    return await storage.insert_subscription(
        NewSubscription(
            topic0=TRANSFER,
            event_signature={"type": "event", "name": "Transfer", "inputs": []},
            addresses=[],
            start_block=start,
            end_block=None,
            chain_id=1,
            subscriber_id="alice",
        )
    )
