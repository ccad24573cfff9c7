"""Reorg healing: notice that a subscription's last processed block left the canonical chain,
rewind it to the newest stored block that is still canonical, and tell its streams.

A reorg deeper than the confirmation depth is rare but real. The rewind voids the batches
above the fork and puts a reorg notice in the subscription's delivery sequence (see
``Storage.rewind``): every consumer gets it in order, before the replacement batches, and one
that was away gets it when it resumes. The ``REORG_DETECTED`` error line is still sent to open
streams, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ._rpc import RpcError, RpcPool
from ._storage import IngestLease, Storage, SubscriptionRow
from ._streams import Hub

__all__ = ["ReorgHealer"]

logger = logging.getLogger(__name__)

_BATCH = 64  # block hashes per JSON-RPC batch


class ReorgHealer:
    """Checks one chain's subscriptions against the chain's current blocks."""

    def __init__(self, chain_id: int, storage: Storage, rpc: RpcPool, hub: Hub) -> None:
        self.chain_id = chain_id
        self.storage = storage
        self.rpc = rpc
        self.hub = hub
        self.fence: IngestLease | None = None  # the chain's lease when several instances share

    async def _block_hashes(self, numbers: Sequence[int]) -> dict[int, str | None]:
        """Canonical hashes of these blocks, in one JSON-RPC batch where the node takes one."""
        answers = await self.rpc.batch(
            self.chain_id, [("eth_getBlockByNumber", [hex(n), False]) for n in numbers]
        )
        hashes: dict[int, str | None] = {}
        for number, block in zip(numbers, answers, strict=True):
            if isinstance(block, RpcError):
                raise block
            hashes[number] = None if block is None else block.get("hash")
        return hashes

    async def heal(self, subs: Sequence[SubscriptionRow]) -> bool:
        """Rewind every member whose last processed block is no longer canonical.

        Returns whether any was rewound (the caller then drops what it cached per block).
        """
        healed = False
        checked = [s for s in subs if s.last_block_hash and s.cursor >= 0]
        canonical = await self._block_hashes(sorted({s.cursor for s in checked})[:_BATCH])
        for sub in checked:
            cursor = sub.cursor
            if cursor not in canonical:
                continue  # beyond this step's batch: checked at a later step
            if canonical[cursor] != sub.last_block_hash:
                await self._rewind(sub, cursor)
                healed = True
        return healed

    async def _rewind(self, sub: SubscriptionRow, cursor: int) -> None:
        """Find the newest stored block still canonical; rewind there and re-scan."""
        fork = sub.start_block - 1
        stored = await self.storage.processed_hashes(sub.id)
        for at in range(0, len(stored), _BATCH):  # newest first, a batch at a time
            chunk = stored[at : at + _BATCH]
            canonical = await self._block_hashes([number for number, _ in chunk])
            match = next((n for n, h in chunk if canonical.get(n) == h), None)
            if match is not None:
                fork = match
                break
        notice = await self.storage.rewind(sub.id, fork, fence=self.fence)
        if notice is not None:
            fork = notice.fork_block  # lowered to a batch boundary
            self.hub.notify(sub.id)
        message = f"chain reorganised below block {cursor}; re-scanning from block {fork + 1}"
        logger.warning("subscription %d: %s", sub.id, message)
        self.hub.broadcast_error(sub.id, "REORG_DETECTED", message, recoverable=True)
