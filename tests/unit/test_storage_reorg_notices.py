"""Storage contract: a rewind voids the batches above the fork and queues a reorg notice."""

from __future__ import annotations

from typing import cast

import orjson

from event_streamer_server._reorg import ReorgHealer
from event_streamer_server._rpc import RpcPool
from event_streamer_server._storage import NewBatch, Storage
from event_streamer_server._streams import Hub
from tests.unit._rows import new_subscription
from tests.unit.test_reorg import Chain


def batch(batch_id: str, first: int, last: int, events: int = 1) -> NewBatch:
    return NewBatch(batch_id, b'{"Transfer":[]}', events, first, last)


def token(seq: int) -> str:
    return f"t{seq}"


async def test_rewind_voids_batches_above_the_fork_and_queues_a_notice(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, [batch("b1", 1, 2), batch("b2", 3, 5)], 5, [])
    await storage.store_range(sub.id, [batch("b3", 6, 6)], 7, [])
    await storage.ack_batches(sub.id, ["b1", "b2"], token)
    notice = await storage.rewind(sub.id, 4)
    assert notice is not None
    # b2 straddles the fork (blocks 3..5): void as a whole, so the rewind goes below it.
    assert (notice.fork_block, notice.void_batch_ids, notice.void_batch_count) == (
        2,
        ["b2", "b3"],
        2,
    )
    assert notice.notice_id.startswith("reorg_")
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert row.cursor == 2
    assert row.events_delivered == 2  # b3 was voided, not delivered
    pending = await storage.unacked_batches(sub.id, 0, 10)
    assert [(b.batch_id, b.kind, b.seq) for b in pending] == [(notice.notice_id, "reorg", 4)]
    assert orjson.loads(pending[0].events_json) == notice.as_json()
    assert await storage.unacked_count(sub.id) == 0  # notices are not backlog


async def test_the_replacements_follow_the_notice_and_their_ack_takes_it(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, [batch("b1", 3, 3)], 3, [])
    notice = await storage.rewind(sub.id, 2)
    assert notice is not None
    await storage.store_range(sub.id, [batch("b1'", 3, 3)], 3, [])
    pending = await storage.unacked_batches(sub.id, 0, 10)
    assert [b.batch_id for b in pending] == [notice.notice_id, "b1'"]
    result = await storage.ack_batches(sub.id, ["b1'"], token)
    assert result.acknowledged == ["b1'"]
    assert await storage.unacked_batches(sub.id, 0, 10) == []
    # Acknowledging a notice by id (as the SDK does) works like a batch, and is idempotent.
    again = await storage.ack_batches(sub.id, [notice.notice_id], token)
    assert again.acknowledged == [notice.notice_id]
    assert again.events == {notice.notice_id: 0}


async def test_a_void_batch_acknowledged_late_is_a_no_op(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, [batch("b1", 3, 3, events=5)], 3, [])
    await storage.rewind(sub.id, 2)
    result = await storage.ack_batches(sub.id, ["b1"], token)
    assert result.acknowledged == ["b1"]
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert row.events_delivered == 0


async def test_no_batch_above_the_fork_no_notice(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, [batch("b1", 1, 1)], 5, [])
    assert await storage.rewind(sub.id, 3) is None
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert row.cursor == 3


async def test_the_healer_wakes_streams_for_the_notice(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, [batch("b1", 3, 4)], 4, [(2, "0x2"), (4, "0x4")])
    hub = Hub()
    conn = hub.open(sub.id)
    healer = ReorgHealer(1, storage, cast(RpcPool, Chain({2: "0x2", 4: "0xc"})), hub)
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert await healer.heal([row]) is True
    assert conn.wake.is_set()
    line = orjson.loads(conn.pending.popleft())
    assert "re-scanning from block 3" in line["error_message"]
    pending = await storage.unacked_batches(sub.id, 0, 10)
    assert [b.kind for b in pending] == ["reorg"]
