"""Several events and indexed-argument filters in ingestion planning: merged filters, routing."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from event_streamer.abi import event_topic0
from event_streamer_server._plan import (
    MAX_MERGED_ALTERNATIVES,
    event_keys,
    log_filter,
    make_keyed_batches,
    route_logs,
    topics_match,
)
from event_streamer_server._storage import SubscriptionRow
from tests.unit.test_plan import A, B, sub

ADDR = {"type": "address", "indexed": True}
TRANSFER_ABI = {
    "type": "event",
    "name": "Transfer",
    "inputs": [
        {"name": "from", **ADDR},
        {"name": "to", **ADDR},
        {"name": "value", "type": "uint256"},
    ],
}
APPROVAL_ABI = {
    "type": "event",
    "name": "Approval",
    "inputs": [
        {"name": "owner", **ADDR},
        {"name": "spender", **ADDR},
        {"name": "value", "type": "uint256"},
    ],
}
TRANSFER = event_topic0(TRANSFER_ABI)
APPROVAL = event_topic0(APPROVAL_ABI)
ALICE = "0x" + "00" * 12 + "11" * 20
BOB = "0x" + "00" * 12 + "22" * 20


def multi(
    sid: int,
    *,
    extra: list[dict[str, Any]] | None = None,
    topics: list[Any] | None = None,
    addresses: tuple[str, ...] = (),
) -> SubscriptionRow:
    row = sub(sid, addresses=addresses)
    return dataclasses.replace(
        row, event_signature=TRANSFER_ABI, extra_events=extra or [], topics=topics
    )


def log(topic0: str, *rest: str, address: str = A) -> dict[str, Any]:
    return {"topics": [topic0, *rest], "address": address, "removed": False}


def test_several_events_fetch_with_a_topic0_list() -> None:
    params = log_filter([multi(1, extra=[APPROVAL_ABI])])
    assert params["topics"] == [sorted([TRANSFER, APPROVAL])]


def test_identical_filters_go_to_the_node() -> None:
    group = [multi(1, topics=[ALICE]), multi(2, topics=[[BOB, ALICE]])]
    assert log_filter(group)["topics"] == [TRANSFER, sorted([ALICE, BOB])]


def test_a_position_some_member_leaves_open_is_open_at_the_node() -> None:
    group = [multi(1, topics=[ALICE, BOB]), multi(2, topics=[None, BOB]), multi(3)]
    assert log_filter(group)["topics"] == [TRANSFER]
    group = [multi(1, topics=[ALICE, BOB]), multi(2, topics=[None, ALICE])]
    assert log_filter(group)["topics"] == [TRANSFER, None, sorted([ALICE, BOB])]


def test_too_many_merged_alternatives_are_filtered_locally() -> None:
    many = [f"0x{i:064x}" for i in range(MAX_MERGED_ALTERNATIVES + 1)]
    group = [multi(i, topics=[[t]]) for i, t in enumerate(many)]
    assert log_filter(group)["topics"] == [TRANSFER]


def test_each_log_goes_only_to_the_members_it_matches() -> None:
    everything = multi(1, extra=[APPROVAL_ABI])
    from_alice = multi(2, topics=[ALICE])
    to_bob = multi(3, topics=[None, BOB], addresses=(B,))
    approvals_by_alice = dataclasses.replace(
        multi(4, topics=[ALICE.upper().replace("0X", "0x")]),
        topic0=APPROVAL,
        event_signature=APPROVAL_ABI,
    )
    logs = [
        log(TRANSFER, ALICE, BOB),  # 0
        log(TRANSFER, BOB, BOB, address=B),  # 1
        log(APPROVAL, ALICE, BOB),  # 2
        log(TRANSFER, ALICE),  # 3: too few topics for a topic2 filter
        log(TRANSFER, ALICE, BOB, address=B),  # 4
    ]
    routed = {
        s.id: [logs.index(x) for x in route_logs(s, logs)]
        for s in (everything, from_alice, to_bob, approvals_by_alice)
    }
    assert routed == {1: [0, 1, 2, 3, 4], 2: [0, 3, 4], 3: [1, 4], 4: [2]}


def test_topics_match_is_case_insensitive_and_positional() -> None:
    assert topics_match(None, [TRANSFER])
    assert topics_match(
        [None, None, ALICE.upper().replace("0X", "0x")], [TRANSFER, BOB, BOB, ALICE]
    )
    assert not topics_match([ALICE], [TRANSFER, BOB])
    assert not topics_match([None, None, ALICE], [TRANSFER, ALICE, ALICE])


def test_events_are_keyed_by_name_or_by_signature_when_names_clash() -> None:
    overload = {**TRANSFER_ABI, "inputs": [{"name": "from", **ADDR}]}
    keys = event_keys([TRANSFER_ABI, APPROVAL_ABI, overload])
    assert keys == {
        TRANSFER: "Transfer(address,address,uint256)",
        APPROVAL: "Approval",
        event_topic0(overload): "Transfer(address)",
    }


def test_batches_group_events_by_key_in_chain_order() -> None:
    events = [("Transfer", {"block_number": 1}), ("Approval", {"block_number": 2})]
    events += [("Transfer", {"block_number": 3})]
    first, second = make_keyed_batches(events, 2)
    assert orjson.loads(first.events_json) == {
        "Transfer": [{"block_number": 1}],
        "Approval": [{"block_number": 2}],
    }
    assert (first.event_count, first.first_block, first.last_block) == (2, 1, 2)
    assert orjson.loads(second.events_json) == {"Transfer": [{"block_number": 3}]}


# -- property: the merged node filter never drops a log some member matches ---------------------
_VALUES = [ALICE, BOB, "0x" + "00" * 32]
_position = st.one_of(
    st.none(), st.sampled_from(_VALUES), st.lists(st.sampled_from(_VALUES), min_size=1, max_size=3)
)


def _node_keeps(params: dict[str, Any], log: dict[str, Any]) -> bool:
    """What eth_getLogs does with ``params`` (topics only; addresses are not varied here)."""
    topics = log["topics"]
    for i, wanted in enumerate(params["topics"]):
        if wanted is None:
            continue
        alternatives = [wanted] if isinstance(wanted, str) else wanted
        if i >= len(topics) or topics[i] not in alternatives:
            return False
    return True


def _wants(member: SubscriptionRow, entry: dict[str, Any]) -> bool:
    """A member's match, spelled out: one of its topic0s, then each constrained position."""
    topics = entry["topics"]
    if topics[0] not in ({TRANSFER, APPROVAL} if member.extra_events else {TRANSFER}):
        return False
    for i, wanted in enumerate(member.topics or []):
        if wanted is not None:
            alternatives = [wanted] if isinstance(wanted, str) else wanted
            if len(topics) <= i + 1 or topics[i + 1] not in alternatives:
                return False
    return True


@given(
    filters=st.lists(st.one_of(st.none(), st.lists(_position, max_size=3)), min_size=1, max_size=4),
    extra=st.lists(st.booleans(), min_size=4, max_size=4),
    logs=st.lists(
        st.tuples(
            st.sampled_from([TRANSFER, APPROVAL]),
            st.lists(st.sampled_from(_VALUES), max_size=3),
        ),
        max_size=12,
    ),
)
def test_merged_filters_keep_every_log_a_member_matches(
    filters: list[list[Any] | None], extra: list[bool], logs: list[tuple[str, list[str]]]
) -> None:
    group = [
        multi(i, topics=f, extra=[APPROVAL_ABI] if extra[i] else None)
        for i, f in enumerate(filters)
    ]
    params = log_filter(group)
    raw = [log(t0, *rest) for t0, rest in logs]
    for member in group:
        assert list(route_logs(member, raw)) == [x for x in raw if _wants(member, x)]
        for routed in route_logs(member, raw):
            assert _node_keeps(params, routed)
            assert topics_match(member.topics, routed["topics"])
            assert routed["topics"][0] in (
                {TRANSFER, APPROVAL} if member.extra_events else {TRANSFER}
            )
