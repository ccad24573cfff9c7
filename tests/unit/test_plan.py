"""Ingestion planning without a node: spans, groups, merged filters, routing, batching."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from event_streamer_server._plan import (
    log_filter,
    make_batches,
    plan_step,
    route_logs,
    target_block,
)
from event_streamer_server._storage import SubscriptionRow

TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
APPROVAL = "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925"
A = "0x" + "aa" * 20
B = "0x" + "bb" * 20


def sub(
    sid: int = 1,
    *,
    start: int = 0,
    last: int | None = None,
    end: int | None = None,
    topic0: str = TRANSFER,
    addresses: tuple[str, ...] = (),
) -> SubscriptionRow:
    return SubscriptionRow(
        id=sid,
        topic0=topic0,
        event_signature={"type": "event", "name": "Transfer", "inputs": []},
        addresses=list(addresses),
        start_block=start,
        end_block=end,
        chain_id=1,
        subscriber_id="t",
        streaming_status="idle",
        last_processed_block=last,
        last_block_hash=None,
        resume_token=None,
        last_event_id=None,
        events_delivered=0,
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
    )


def log(topic0: str, address: str, *, removed: bool = False) -> dict[str, Any]:
    return {"topics": [topic0], "address": address, "removed": removed}


def test_cursor_starts_before_start_block() -> None:
    assert sub(start=10).cursor == 9
    assert sub(start=10, last=15).cursor == 15


def test_target_is_the_safe_head_or_the_end_block() -> None:
    assert target_block(sub(), 100) == 100
    assert target_block(sub(end=50), 100) == 50
    assert target_block(sub(end=500), 100) == 100


def test_lowest_cursors_move_first_as_one_group() -> None:
    behind, level, ahead = sub(1, last=10), sub(2, last=10), sub(3, last=40)
    plan = plan_step([behind, level, ahead], safe=100, max_blocks=20)
    assert plan.span is not None
    assert [s.id for s in plan.span.group] == [1, 2]
    assert (plan.span.lo, plan.span.hi) == (11, 30)
    assert plan.caught_up == []


def test_span_stops_at_a_members_end_block() -> None:
    plan = plan_step([sub(1, last=10, end=15), sub(2, last=10)], safe=100, max_blocks=1000)
    assert plan.span is not None
    assert (plan.span.lo, plan.span.hi) == (11, 15)


def test_nothing_to_do_when_every_cursor_reached_its_target() -> None:
    done, head = sub(1, last=20, end=20), sub(2, last=100)
    plan = plan_step([done, head], safe=100, max_blocks=10)
    assert plan.span is None
    assert plan.caught_up == [done, head]


@given(
    cursors=st.lists(st.integers(-1, 200), min_size=1, max_size=8),
    ends=st.lists(st.one_of(st.none(), st.integers(0, 250)), min_size=8, max_size=8),
    safe=st.integers(0, 300),
    max_blocks=st.integers(1, 50),
)
def test_span_never_passes_a_target_nor_the_request_limit(
    cursors: list[int], ends: list[int | None], safe: int, max_blocks: int
) -> None:
    subs = [sub(i, start=0, last=None if c < 0 else c, end=ends[i]) for i, c in enumerate(cursors)]
    plan = plan_step(subs, safe, max_blocks)
    busy = [s for s in subs if s.cursor < target_block(s, safe)]
    assert len(plan.caught_up) + len(busy) == len(subs)
    if plan.span is None:
        assert not busy
        return
    lowest = min(s.cursor for s in busy)
    assert all(s.cursor == lowest for s in plan.span.group)
    assert plan.span.lo == lowest + 1
    assert plan.span.lo <= plan.span.hi < plan.span.lo + max_blocks
    assert all(plan.span.hi <= target_block(s, safe) for s in plan.span.group)


def test_filter_ors_topics_and_merges_addresses() -> None:
    params = log_filter([sub(1, addresses=(B,)), sub(2, topic0=APPROVAL, addresses=(A,))])
    assert params == {"topics": [[APPROVAL, TRANSFER]], "address": [A, B]}


def test_one_topic_is_not_a_list_and_any_address_drops_the_filter() -> None:
    params = log_filter([sub(1, addresses=(A,)), sub(2)])
    assert params == {"topics": [TRANSFER]}


def test_routing_keeps_only_the_members_topic_and_addresses() -> None:
    logs = [
        log(TRANSFER, A.upper().replace("0X", "0x")),
        log(TRANSFER, B),
        log(APPROVAL, A),
        log(TRANSFER, A, removed=True),
        {"topics": [], "address": A},
    ]
    assert list(route_logs(sub(addresses=(A,)), logs)) == [logs[0]]
    assert list(route_logs(sub(), logs)) == [logs[0], logs[1]]


def test_batches_cut_at_size_and_encode_as_streamed() -> None:
    events = [{"block_number": n, "n": n} for n in range(5)]
    batches = make_batches("Transfer", events, 2)
    assert [b.event_count for b in batches] == [2, 2, 1]
    assert [(b.first_block, b.last_block) for b in batches] == [(0, 1), (2, 3), (4, 4)]
    assert orjson.loads(batches[2].events_json) == {"Transfer": [events[4]]}
    assert len({b.batch_id for b in batches}) == 3
    assert make_batches("Transfer", [], 2) == []
