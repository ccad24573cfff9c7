"""Storage contract: ingestion leases, fencing and commit listeners (issue 18, several instances).

Runs on every backend the ``storage`` fixture offers. Expiry is made to happen with a tiny
``ttl`` and a wait on a condition (the lease read back as expired), never a fixed sleep.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from event_streamer_server._storage import IngestLease, LeaseLost, NewBatch, Storage
from tests.unit._rows import new_subscription

CHAIN = 1


async def expired(storage: Storage, within: float = 5.0) -> None:
    """Wait until the chain's lease has expired on the backend's clock (with a deadline)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        lease = await storage.get_lease(CHAIN)
        assert lease is not None
        if lease.expires_at <= time.time() - 0.01:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the lease did not expire")


def batch(n: int) -> NewBatch:
    return NewBatch(f"b{n}", b'{"Transfer":[]}', 1, n, n)


async def test_take_renew_and_refuse(storage: Storage) -> None:
    assert await storage.get_lease(CHAIN) is None
    first = await storage.acquire_lease(CHAIN, "a", 30.0)
    assert first is not None
    assert (first.chain_id, first.owner, first.token) == (CHAIN, "a", 1)
    assert first.expires_at > time.time() + 20
    renewed = await storage.acquire_lease(CHAIN, "a", 30.0)
    assert renewed is not None
    assert renewed.token == first.token  # a renewal keeps the token
    assert renewed.expires_at >= first.expires_at
    assert await storage.acquire_lease(CHAIN, "b", 30.0) is None  # held by a
    assert await storage.get_lease(CHAIN) == renewed
    # leases are per chain
    other = await storage.acquire_lease(CHAIN + 1, "b", 30.0)
    assert other is not None
    assert other.owner == "b"


async def test_takeover_after_expiry_bumps_token(storage: Storage) -> None:
    first = await storage.acquire_lease(CHAIN, "a", 0.05)
    assert first is not None
    await expired(storage)
    taken = await storage.acquire_lease(CHAIN, "b", 30.0)
    assert taken is not None
    assert (taken.owner, taken.token) == ("b", first.token + 1)
    assert await storage.acquire_lease(CHAIN, "a", 30.0) is None


async def test_release_hands_over_at_once(storage: Storage) -> None:
    first = await storage.acquire_lease(CHAIN, "a", 30.0)
    assert first is not None
    await storage.release_lease(CHAIN, "b")  # not b's: nothing happens
    assert await storage.acquire_lease(CHAIN, "b", 30.0) is None
    await storage.release_lease(CHAIN, "a")
    released = await storage.get_lease(CHAIN)
    assert released is not None
    assert released.expires_at <= time.time()
    taken = await storage.acquire_lease(CHAIN, "b", 30.0)
    assert taken is not None
    assert (taken.owner, taken.token) == ("b", 2)


async def test_fenced_writes_fail_after_takeover_and_write_nothing(storage: Storage) -> None:
    sub = await new_subscription(storage)
    old = await storage.acquire_lease(CHAIN, "a", 0.05)
    assert old is not None
    await storage.store_range(sub.id, [batch(1)], 1, [(1, "0x01")], fence=old)
    await expired(storage)
    new = await storage.acquire_lease(CHAIN, "b", 30.0)
    assert new is not None
    assert new.token == old.token + 1

    with pytest.raises(LeaseLost):
        await storage.store_range(sub.id, [batch(2)], 2, [(2, "0x02")], fence=old)
    with pytest.raises(LeaseLost):
        await storage.rewind(sub.id, 0, fence=old)
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert row.last_processed_block == 1
    assert [b.batch_id for b in await storage.unacked_batches(sub.id, 0, 10)] == ["b1"]
    assert await storage.processed_hashes(sub.id) == [(1, "0x01")]

    # the new holder writes; a lease naming another owner with the right token fails too
    await storage.store_range(sub.id, [batch(2)], 2, [(2, "0x02")], fence=new)
    forged = IngestLease(CHAIN, "a", new.token, new.expires_at)
    with pytest.raises(LeaseLost):
        await storage.rewind(sub.id, 0, fence=forged)
    await storage.rewind(sub.id, 1, fence=new)
    row = await storage.get_subscription(sub.id)
    assert row is not None
    assert row.last_processed_block == 1
    assert [b.seq for b in await storage.unacked_batches(sub.id, 0, 10)] == [1, 2]


async def test_fence_without_any_lease_fails(storage: Storage) -> None:
    sub = await new_subscription(storage)
    with pytest.raises(LeaseLost):
        await storage.store_range(
            sub.id, [batch(1)], 1, [], fence=IngestLease(CHAIN, "a", 1, time.time() + 30)
        )
    assert await storage.unacked_batches(sub.id, 0, 10) == []


async def test_commit_listeners_hear_stored_batches(storage: Storage) -> None:
    sub = await new_subscription(storage)
    heard: list[int] = []

    def broken(_: int) -> None:
        raise RuntimeError("a failing listener is logged and ignored")

    storage.add_commit_listener(broken)
    storage.add_commit_listener(heard.append)
    await storage.store_range(sub.id, [batch(1)], 1, [])
    assert heard == [sub.id]
