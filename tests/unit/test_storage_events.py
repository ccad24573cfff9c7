"""Storage contract: a subscription's further events and topics filter are kept and updated."""

from __future__ import annotations

import dataclasses

from event_streamer_server._storage import NewChain, NewSubscription, Storage
from tests.unit._rows import TRANSFER

APPROVAL = {"type": "event", "name": "Approval", "inputs": []}
ALICE = "0x" + "00" * 12 + "11" * 20


def transfers(**kw: object) -> NewSubscription:
    base = NewSubscription(
        topic0=TRANSFER,
        event_signature={"type": "event", "name": "Transfer", "inputs": []},
        addresses=[],
        start_block=0,
        end_block=None,
        chain_id=1,
        subscriber_id="alice",
    )
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


async def test_the_seed_shape_has_no_further_events_and_no_filter(storage: Storage) -> None:
    await storage.insert_chain(NewChain(1, "test", ["http://node"], 1.0, 100, 0, "active"))
    row = await storage.insert_subscription(transfers())
    assert (row.extra_events, row.topics) == ([], None)


async def test_further_events_and_topics_round_trip_and_update(storage: Storage) -> None:
    await storage.insert_chain(NewChain(1, "test", ["http://node"], 1.0, 100, 0, "active"))
    topics = [None, [ALICE, "0x" + "00" * 32]]
    row = await storage.insert_subscription(transfers(extra_events=[APPROVAL], topics=topics))
    again = await storage.get_subscription(row.id)
    assert again is not None
    assert (again.extra_events, again.topics) == ([APPROVAL], topics)
    updated = await storage.update_subscription(row.id, {"topics": None, "extra_events": []})
    assert updated is not None
    assert (updated.extra_events, updated.topics) == ([], None)
    rows, _ = await storage.list_subscriptions("alice", 0, 10)
    assert (rows[0].extra_events, rows[0].topics) == ([], None)
