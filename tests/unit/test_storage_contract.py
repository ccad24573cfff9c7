"""The Storage protocol's promises, checked on every backend (the ``storage`` fixture in
``conftest.py``): SQLite and PostgreSQL pass the same tests."""

from __future__ import annotations

import asyncio

import pytest

from event_streamer_server._storage import AlreadyExists, NewBatch, NewChain, Storage
from tests.unit._rows import new_subscription
from tests.unit.conftest import StoreFactory


def batch(n: int, block: int) -> NewBatch:
    return NewBatch(f"batch_{n}", b'{"Transfer":[]}', 1, block, block)


def token(seq: int) -> str:
    return f"token-{seq}"


async def test_secret_is_created_once(storage: Storage) -> None:
    first = await storage.secret()
    assert len(first) == 32
    assert await storage.secret() == first


async def test_chains_round_trip_and_update(storage: Storage) -> None:
    row = await storage.insert_chain(
        NewChain(7, "seven", ["http://a", "http://b"], 2.0, 50, 3, "active")
    )
    assert (row.chain_id, row.rpc_urls, row.status) == (7, ["http://a", "http://b"], "active")
    changed = await storage.update_chain(7, {"status": "inactive", "bogus": 1})
    assert changed is not None
    assert changed.status == "inactive"
    assert changed.name == "seven"
    assert [c.chain_id for c in await storage.list_chains()] == [7]
    assert await storage.update_chain(8, {"name": "x"}) is None


async def test_subscription_lifecycle(storage: Storage) -> None:
    sub = await new_subscription(storage, start=5)
    assert sub.streaming_status == "idle"
    assert sub.cursor == 4
    assert sub.events_delivered == 0
    assert await storage.get_subscription(sub.id) == sub
    updated = await storage.update_subscription(sub.id, {"end_block": 9})
    assert updated is not None
    assert updated.end_block == 9
    other = await new_subscription(storage)
    page, total = await storage.list_subscriptions("alice", 0, 1)
    assert total == 2
    assert [s.id for s in page] == [other.id]
    assert (await storage.list_subscriptions("bob", 0, 10)) == ([], 0)
    assert await storage.delete_subscription(sub.id) is True
    assert await storage.delete_subscription(sub.id) is False
    assert await storage.get_subscription(sub.id) is None


async def test_batches_commit_with_the_cursor_and_ack_idempotently(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, [batch(1, 3), batch(2, 4)], 10, [(4, "0x4"), (10, "0xa")])
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert (row.last_processed_block, row.last_block_hash) == (10, "0xa")
    stored = await storage.unacked_batches(sub.id, 0, 10)
    assert [(b.batch_id, b.seq) for b in stored] == [("batch_1", 1), ("batch_2", 2)]
    assert [b.batch_id for b in await storage.unacked_batches(sub.id, 1, 10)] == ["batch_2"]

    result = await storage.ack_batches(sub.id, ["batch_2", "nope", "batch_2"], token)
    assert (result.acknowledged, result.unknown) == (["batch_2"], ["nope"])
    assert result.resume_token == "token-2"
    again = await storage.ack_batches(sub.id, ["batch_2"], token)
    assert again.acknowledged == ["batch_2"]
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert row.events_delivered == 1
    assert row.resume_token == "token-2"
    assert await storage.unacked_count(sub.id) == 1

    await storage.ack_through(sub.id, 1, token)
    assert await storage.unacked_count(sub.id) == 0
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert row.events_delivered == 2


async def test_rewind_moves_the_cursor_to_the_fork(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, [], 3, [(1, "0x1"), (2, "0x2"), (3, "0x3")])
    assert await storage.processed_hashes(sub.id) == [(3, "0x3"), (2, "0x2"), (1, "0x1")]
    await storage.rewind(sub.id, 1)
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert (row.last_processed_block, row.last_block_hash) == (1, "0x1")
    assert await storage.processed_hashes(sub.id) == [(1, "0x1")]


async def test_store_range_for_a_deleted_subscription_is_a_no_op(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.delete_subscription(sub.id)
    await storage.store_range(sub.id, [batch(1, 1)], 1, [])
    assert await storage.unacked_batches(sub.id, 0, 10) == []


async def test_decode_errors_are_kept(storage: Storage) -> None:
    sub = await new_subscription(storage)
    log = {"blockNumber": "0x5", "logIndex": "0x1", "transactionHash": "0xabc"}
    await storage.record_decode_error(sub.id, log, "bad data")
    assert await storage.decode_error_count(sub.id) == 1


# -- concurrency: what SQLite's single writer gave for free, every backend must keep -----------


async def test_concurrent_acks_of_the_same_ids_count_events_once(storage: Storage) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, [batch(n, n) for n in range(1, 21)], 20, [])
    ids = [f"batch_{n}" for n in range(1, 21)]
    results = await asyncio.gather(*(storage.ack_batches(sub.id, ids, token) for _ in range(8)))
    for result in results:
        assert result.acknowledged == ids
        assert result.resume_token == "token-20"
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert row.events_delivered == 20  # each batch counted once, not once per ack
    assert await storage.unacked_count(sub.id) == 0


async def test_concurrent_store_range_keeps_seqs_gapless(storage: Storage) -> None:
    sub = await new_subscription(storage)

    async def writer(w: int) -> None:
        for k in range(5):
            batches = [NewBatch(f"w{w}-{k}-{i}", b"{}", 1, k, k) for i in range(3)]
            await storage.store_range(sub.id, batches, k, [])

    await asyncio.gather(*(writer(w) for w in range(6)))
    stored = await storage.unacked_batches(sub.id, 0, 1000)
    assert [b.seq for b in stored] == list(range(1, 6 * 5 * 3 + 1))
    # each call's batches got consecutive seqs, in the order given
    by_call: dict[str, list[int]] = {}
    for b in stored:
        by_call.setdefault(b.batch_id.rsplit("-", 1)[0], []).append(b.seq)
    for seqs in by_call.values():
        assert seqs == list(range(seqs[0], seqs[0] + 3))


async def test_a_second_open_on_a_migrated_store_is_a_no_op(
    storage: Storage, store_factory: StoreFactory
) -> None:
    sub = await new_subscription(storage)
    await storage.store_range(sub.id, [batch(1, 1)], 1, [])
    secret = await storage.secret()
    again = store_factory()
    await again.open()
    try:
        assert await again.secret() == secret
        assert [b.batch_id for b in await again.unacked_batches(sub.id, 0, 10)] == ["batch_1"]
    finally:
        await again.close()


async def test_two_stores_opening_at_once_both_succeed(store_factory: StoreFactory) -> None:
    first, second = store_factory(), store_factory()
    await asyncio.gather(first.open(), second.open())
    try:
        sub = await new_subscription(first)
        assert await second.get_subscription(sub.id) == sub
        assert await first.secret() == await second.secret()
    finally:
        await asyncio.gather(first.close(), second.close())


async def test_a_taken_chain_id_is_already_exists(storage: Storage) -> None:
    """Two instances creating one chain at once: the second insert is a typed conflict (409)."""
    first = NewChain(7, "seven", ["http://a"], 2.0, 50, 3, "active")
    await storage.insert_chain(first)
    with pytest.raises(AlreadyExists):
        await storage.insert_chain(NewChain(7, "other", ["http://b"], 1.0, 10, 1, "active"))
    row = await storage.get_chain(7)
    assert row is not None
    assert row.name == "seven"
