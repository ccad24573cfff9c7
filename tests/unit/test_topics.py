"""subscription_from_abi with several events and where=: encoding, validation, typed errors."""

from __future__ import annotations

from typing import Any

import pytest

from event_streamer import subscription_from_abi
from event_streamer.exceptions import ABIParsingError, EventStreamerValidationError
from event_streamer.models import SubscriptionCreate
from event_streamer.validation import validate_subscription_create

ADDR = {"type": "address", "indexed": True}
ABI: list[dict[str, Any]] = [
    {
        "type": "event",
        "name": "Transfer",
        "inputs": [
            {"name": "from", **ADDR},
            {"name": "to", **ADDR},
            {"name": "value", "type": "uint256"},
        ],
    },
    {
        "type": "event",
        "name": "Approval",
        "inputs": [
            {"name": "owner", **ADDR},
            {"name": "spender", **ADDR},
            {"name": "value", "type": "uint256"},
        ],
    },
    {
        "type": "event",
        "name": "Tagged",
        "inputs": [
            {"name": "id", "type": "uint64", "indexed": True},
            {"name": "tag", "type": "bytes4", "indexed": True},
            {"name": "flag", "type": "bool", "indexed": True},
        ],
    },
    {
        "type": "event",
        "name": "Named",
        "inputs": [{"name": "label", "type": "string", "indexed": True}],
    },
    {
        "type": "event",
        "name": "Moved",
        "inputs": [{"name": "to", **ADDR}, {"name": "from", **ADDR}],
    },
    {
        "type": "event",
        "name": "Sent",
        "inputs": [{"name": "from", **ADDR}, {"name": "amount", "type": "uint256"}],
    },
]
ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
ALICE_TOPIC = "0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"


def build(events: Any, **kw: Any) -> SubscriptionCreate:
    return subscription_from_abi(ABI, events, chain_id=1, **kw)


def test_a_single_name_keeps_the_seed_shape() -> None:
    sub = build("Transfer")
    assert sub.extra_events is None
    assert sub.topics is None
    body = sub.to_dict()
    assert "topics" not in body
    assert "extra_events" not in body


def test_several_events_become_extra_events() -> None:
    sub = build(["Transfer", "Approval"])
    assert sub.event_signature.name == "Transfer"
    assert [e.name for e in sub.extra_events] == ["Approval"]
    assert [e["name"] for e in sub.to_dict()["extra_events"]] == ["Approval"]


def test_where_encodes_addresses_per_the_abi() -> None:
    sub = build("Transfer", where={"to": ALICE})
    assert sub.topics == [None, ALICE_TOPIC]
    sub = build("Transfer", where={"from": [ALICE, "0x" + "00" * 20]})
    assert sub.topics == [[ALICE_TOPIC, "0x" + "00" * 32]]


def test_where_encodes_uints_bytes_and_bools() -> None:
    sub = build("Tagged", where={"id": 5, "tag": "0xdeadbeef", "flag": True})
    assert sub.topics == [
        "0x" + "00" * 31 + "05",
        "0xdeadbeef" + "00" * 28,
        "0x" + "00" * 31 + "01",
    ]


def test_where_applies_to_every_event_at_the_same_position() -> None:
    sub = build(["Transfer", "Approval"], where={})
    assert sub.topics is None
    with pytest.raises(ABIParsingError) as caught:
        build(["Transfer", "Approval"], where={"from": ALICE})
    assert caught.value.field_errors[0].field == "where.from"
    assert "Approval" in caught.value.field_errors[0].message
    both = build(["Transfer", "Sent"], where={"from": ALICE})  # same position and type
    assert both.topics == [ALICE_TOPIC]
    with pytest.raises(ABIParsingError) as caught:  # same name, other position: ambiguous
        build(["Transfer", "Moved"], where={"from": ALICE})
    assert caught.value.field_errors[0].field == "where.from"


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ({"value": 1}, "where.value"),  # not indexed
        ({"nope": 1}, "where.nope"),  # unknown
        ({"from": "not an address"}, "where.from"),
        ({"from": []}, "where.from"),
        ({"from": [ALICE] * 17}, "where.from"),
    ],
)
def test_bad_where_names_the_field(where: dict[str, Any], field: str) -> None:
    with pytest.raises(EventStreamerValidationError) as caught:
        build("Transfer", where=where)
    assert [e.field for e in caught.value.field_errors] == [field]


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ({"id": True}, "where.id"),
        ({"id": -1}, "where.id"),
        ({"flag": 1}, "where.flag"),
        ({"tag": "0x12"}, "where.tag"),
    ],
)
def test_where_values_must_fit_their_type(where: dict[str, Any], field: str) -> None:
    with pytest.raises(EventStreamerValidationError) as caught:
        build("Tagged", where=where)
    assert [e.field for e in caught.value.field_errors] == [field]


def test_hashed_indexed_arguments_are_refused() -> None:
    with pytest.raises(ABIParsingError, match="hashed"):
        build("Named", where={"label": "x"})


def test_topic_filters_are_validated_and_bounded() -> None:
    base = build("Transfer")
    for topics, field in [
        ([None, None, None, None], "topics"),
        (["0x12"], "topics[0]"),
        ([[]], "topics[0]"),
        ([["0x" + "00" * 32] * 17], "topics[0]"),
        ("0x" + "00" * 32, "topics"),
    ]:
        base.topics = topics
        with pytest.raises(EventStreamerValidationError) as caught:
            validate_subscription_create(base)
        assert [e.field for e in caught.value.field_errors] == [field]


def test_extra_events_are_validated() -> None:
    sub = build(["Transfer", "Approval"])
    sub.extra_events = [sub.event_signature]  # the same event twice
    with pytest.raises(EventStreamerValidationError) as caught:
        validate_subscription_create(sub)
    assert [e.field for e in caught.value.field_errors] == ["extra_events[0]"]
    sub.extra_events = list(build(["Transfer", "Approval"]).extra_events or []) * 16
    with pytest.raises(EventStreamerValidationError, match="at most 15"):
        validate_subscription_create(sub)


def test_no_event_named_is_refused() -> None:
    with pytest.raises(EventStreamerValidationError):
        build([])
