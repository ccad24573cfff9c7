"""Storage for delivery at speed: grouped ack transactions, O(1) resume positions, retention."""

from __future__ import annotations

import asyncio

from event_streamer_server._storage import NewBatch, Storage
from tests.unit._rows import new_subscription


def batches(n: int, start: int = 0) -> list[NewBatch]:
    return [NewBatch(f"b{start + i}", b'{"Transfer":[]}', 1, 1, 1) for i in range(n)]


async def test_concurrent_acks_each_get_their_own_result(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, batches(40), 1, [])
    results = await asyncio.gather(
        *(
            storage.ack_batches(sub.id, [f"b{i}", f"b{i + 20}", f"nope{i}"], lambda q: f"t{q}")
            for i in range(20)
        )
    )
    for i, result in enumerate(results):
        assert result.acknowledged == [f"b{i}", f"b{i + 20}"]
        assert result.unknown == [f"nope{i}"]
        assert result.resume_token is not None
    assert await storage.unacked_count(sub.id) == 0
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert row.events_delivered == 40
    assert row.resume_token == "t40"


async def test_resume_token_names_the_highest_acknowledged_batch(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, batches(5), 1, [])
    high = await storage.ack_batches(sub.id, ["b3"], lambda q: f"t{q}")
    low = await storage.ack_batches(sub.id, ["b0"], lambda q: f"t{q}")
    again = await storage.ack_batches(sub.id, ["b3"], lambda q: f"t{q}")
    assert (high.resume_token, low.resume_token, again.resume_token) == ("t4", "t4", "t4")


async def test_retention_deletes_only_acknowledged_batches(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, batches(10), 1, [])
    await storage.ack_batches(sub.id, [f"b{i}" for i in range(0, 10, 2)], lambda q: f"t{q}")
    assert await storage.prune_acknowledged("0000", 100) == 0  # none acknowledged that early
    assert await storage.prune_acknowledged("9999", 2) == 2  # bounded per call
    assert await storage.prune_acknowledged("9999", 100) == 3
    left = await storage.unacked_batches(sub.id, 0, 100)
    assert [b.batch_id for b in left] == [f"b{i}" for i in range(1, 10, 2)]
    # The resume position survives its batch's deletion.
    result = await storage.ack_batches(sub.id, ["b9"], lambda q: f"t{q}")
    assert result.resume_token == "t10"


async def test_backlogs_of_several_subscriptions_in_one_call(storage: Storage) -> None:
    one, two, idle = [await new_subscription(storage) for _ in range(3)]
    await storage.store_range(one.id, batches(3), 1, [])
    await storage.store_range(two.id, batches(2, start=10), 1, [])
    await storage.ack_batches(one.id, ["b0"], lambda q: f"t{q}")
    counts = await storage.unacked_counts([one.id, two.id, idle.id, one.id])
    assert counts == {one.id: 2, two.id: 2}  # no backlog: absent, like an unknown id
    assert await storage.unacked_counts([]) == {}
    for sub in (one, two, idle):
        assert counts.get(sub.id, 0) == await storage.unacked_count(sub.id)
