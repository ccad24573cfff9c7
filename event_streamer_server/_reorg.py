"""Reorg healing: notice that a subscription's last processed block left the canonical chain,
rewind it to the newest stored block that is still canonical, and tell its streams.

A reorg deeper than the confirmation depth is rare but real; batches already delivered stay
delivered, and the re-scanned range comes again as new batches.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ._rpc import RpcPool
from ._storage import Storage, SubscriptionRow
from ._streams import Hub

__all__ = ["ReorgHealer"]

logger = logging.getLogger(__name__)


class ReorgHealer:
    """Checks one chain's subscriptions against the chain's current blocks."""

    def __init__(self, chain_id: int, storage: Storage, rpc: RpcPool, hub: Hub) -> None:
        self.chain_id = chain_id
        self.storage = storage
        self.rpc = rpc
        self.hub = hub

    async def _block_hash(self, number: int) -> str | None:
        block = await self.rpc.call(self.chain_id, "eth_getBlockByNumber", [hex(number), False])
        return None if block is None else block.get("hash")

    async def heal(self, subs: Sequence[SubscriptionRow]) -> bool:
        """Rewind every member whose last processed block is no longer canonical.

        Returns whether any was rewound (the caller then drops what it cached per block).
        """
        healed = False
        canonical: dict[int, str | None] = {}
        for sub in subs:
            cursor = sub.cursor
            if not sub.last_block_hash or cursor < 0:
                continue
            if cursor not in canonical:
                canonical[cursor] = await self._block_hash(cursor)
            if canonical[cursor] != sub.last_block_hash:
                await self._rewind(sub, cursor)
                healed = True
        return healed

    async def _rewind(self, sub: SubscriptionRow, cursor: int) -> None:
        """Find the newest stored block still canonical; rewind there and re-scan."""
        fork = sub.start_block - 1
        for number, stored in await self.storage.processed_hashes(sub.id):
            if await self._block_hash(number) == stored:
                fork = number
                break
        await self.storage.rewind(sub.id, fork)
        message = f"chain reorganised below block {cursor}; re-scanning from block {fork + 1}"
        logger.warning("subscription %d: %s", sub.id, message)
        self.hub.broadcast_error(sub.id, "REORG_DETECTED", message, recoverable=True)
