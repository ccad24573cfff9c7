"""The service's state: settings, storage, node access. Shared by every handler."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ._rpc import RpcPool
from ._settings import Settings
from ._storage import Storage

__all__ = ["Service"]

logger = logging.getLogger(__name__)


@dataclass
class Service:
    settings: Settings
    storage: Storage
    rpc: RpcPool
    last_refresh: str | None = None
    # subscription id -> open stream connection ids (filled by the streaming layer)
    connections: dict[int, set[str]] = field(default_factory=dict)

    async def start(self) -> None:
        await self.storage.open()
        await self.seed_chains()
        await self.load_chains()

    async def stop(self) -> None:
        await self.rpc.aclose()
        await self.storage.close()

    async def seed_chains(self) -> None:
        """Create chains declared in the config file that storage does not have yet."""
        for seed in self.settings.chains:
            if await self.storage.get_chain(seed.chain_id) is None:
                logger.info("adding chain %d (%s) from the config file", seed.chain_id, seed.name)
                await self.storage.insert_chain(
                    {
                        "chain_id": seed.chain_id,
                        "name": seed.name,
                        "rpc_urls": list(seed.rpc_urls),
                        "average_block_time": seed.average_block_time,
                        "max_blocks_per_request": seed.max_blocks_per_request,
                        "confirmation_blocks": seed.confirmation_blocks,
                        "status": "active",
                    }
                )

    async def load_chains(self) -> int:
        """(Re)build node access from storage; returns the number of chains."""
        from ._time import now_iso

        chains = await self.storage.list_chains()
        active = {c["chain_id"]: c for c in chains if c["status"] == "active"}
        for chain_id in self.rpc.chain_ids():
            if chain_id not in active:
                self.rpc.remove(chain_id)
        for chain_id, chain in active.items():
            self.rpc.configure(chain_id, chain["rpc_urls"])
        self.last_refresh = now_iso()
        return len(chains)

    def connection_count(self, subscription_id: int) -> int:
        return len(self.connections.get(subscription_id, ()))
