"""Reorg healing against a scripted chain (no node): rewind to the newest canonical block."""

from __future__ import annotations

from typing import Any, cast

import orjson

from event_streamer_server._reorg import ReorgHealer
from event_streamer_server._rpc import RpcPool
from event_streamer_server._storage import Storage
from event_streamer_server._streams import Hub
from tests.unit._rows import new_subscription


class Chain:
    """Answers eth_getBlockByNumber from a dict of block hashes."""

    def __init__(self, hashes: dict[int, str]) -> None:
        self.hashes = hashes
        self.calls = 0

    async def call(self, chain_id: int, method: str, params: list[Any]) -> Any:
        assert method == "eth_getBlockByNumber"
        self.calls += 1
        found = self.hashes.get(int(params[0], 16))
        return None if found is None else {"hash": found}

    async def batch(self, chain_id: int, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        """One round trip for several calls (counted once)."""
        self.calls += 1
        answers = [await self.call(chain_id, method, params) for method, params in calls]
        self.calls -= len(calls)
        return answers


async def test_a_canonical_cursor_is_left_alone(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, [], 3, [(1, "0x1"), (2, "0x2"), (3, "0x3")])
    chain = Chain({1: "0x1", 2: "0x2", 3: "0x3"})
    healer = ReorgHealer(1, storage, cast(RpcPool, chain), Hub())
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert await healer.heal([row]) is False
    assert chain.calls == 1


async def test_a_reorg_rewinds_to_the_fork_and_tells_the_streams(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, [], 4, [(1, "0x1"), (2, "0x2"), (3, "0x3"), (4, "0x4")])
    hub = Hub()
    conn = hub.open(sub.id)
    healer = ReorgHealer(1, storage, cast(RpcPool, Chain({1: "0x1", 2: "0x2", 3: "0xc"})), hub)
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert await healer.heal([row]) is True
    healed = await storage.get_subscription(sub.id)
    assert healed is not None
    assert (healed.last_processed_block, healed.last_block_hash) == (2, "0x2")
    line = orjson.loads(conn.pending.popleft())
    assert line["error_code"] == "REORG_DETECTED"
    assert "re-scanning from block 3" in line["error_message"]


async def test_no_canonical_block_left_rewinds_before_the_start(storage: Storage) -> None:
    sub = await new_subscription(storage, start=10)
    await storage.store_range(sub.id, [], 11, [(10, "0xa"), (11, "0xb")])
    healer = ReorgHealer(1, storage, cast(RpcPool, Chain({})), Hub())
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert await healer.heal([row]) is True
    healed = await storage.get_subscription(sub.id)
    assert healed is not None
    assert healed.cursor == 9
