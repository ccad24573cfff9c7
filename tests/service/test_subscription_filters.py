"""The service takes several events and a topics filter, validates them naming each field, and
returns and updates them."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer.models import SubscriptionUpdate
from tests._conform import assert_conforms
from tests._fakenode import FakeNode
from tests.service.test_service_api import add_chain
from tests.unit.test_abi_parsing import ERC20_ABI

_chain_ids = itertools.count(910_000)
ALICE = "0x" + "00" * 12 + "11" * 20


@pytest.fixture
def chain_node(node_factory: type[FakeNode]) -> FakeNode:
    return node_factory(next(_chain_ids))


def body(chain_id: int) -> dict[str, Any]:
    sub = subscription_from_abi(ERC20_ABI, ["Transfer", "Approval"], chain_id=chain_id)
    sub.subscriber_id = "filters"
    return sub.to_dict()


async def test_several_events_and_topics_round_trip(
    event_streamer_url: str, chain_node: FakeNode
) -> None:
    async with EventStreamer(event_streamer_url, "filters") as client:
        await add_chain(client, chain_node)
        sub = subscription_from_abi(
            ERC20_ABI,
            ["Transfer", "Approval"],
            chain_id=chain_node.chain_id,
        )
        sub.topics = [ALICE.upper().replace("0X", "0x"), [ALICE, "0x" + "00" * 32]]
        created = await client.create_subscription(sub)
        assert [e.name for e in created.extra_events or []] == ["Approval"]
        assert created.topics == [ALICE, [ALICE, "0x" + "00" * 32]]  # stored lower-case
        updated = await client.update_subscription(created.id, SubscriptionUpdate(topics=None))
        assert updated.topics is None
        assert [e.name for e in updated.extra_events or []] == ["Approval"]
        again = await client.get_subscription(created.id)
        assert again.topics is None
    async with httpx.AsyncClient(base_url=event_streamer_url) as http:
        response = await http.put(f"/subscriptions/{created.id}", json={"extra_events": None})
    assert response.status_code == 200, response.text
    assert response.json()["extra_events"] == []


@pytest.mark.parametrize(
    ("mutate", "fields"),
    [
        (lambda b: b.update(topics=["0x12"]), ["body.topics.0"]),
        (lambda b: b.update(topics=[None, None, None, None]), ["body.topics"]),
        (lambda b: b.update(topics=[["0x" + "00" * 32] * 17]), ["body.topics.0"]),
        (lambda b: b.update(extra_events=[b["event_signature"]]), ["body.extra_events[0]"]),
        (lambda b: b["extra_events"][0].update(anonymous=True), ["body.extra_events[0]"]),
        (lambda b: b.update(extra_events=b["extra_events"] * 16), ["body.extra_events"]),
        (
            lambda b: b["extra_events"][0]["inputs"][0].update(type="uint7"),
            ["body.extra_events[0]"],
        ),
    ],
)
async def test_invalid_events_and_topics_name_the_field(
    event_streamer_url: str, chain_node: FakeNode, mutate: Any, fields: list[str]
) -> None:
    async with EventStreamer(event_streamer_url, "filters") as client:
        await add_chain(client, chain_node)
    payload = body(chain_node.chain_id)
    mutate(payload)
    async with httpx.AsyncClient(base_url=event_streamer_url) as http:
        response = await http.post("/subscriptions", json=payload)
    assert response.status_code == 422, response.text
    answer = response.json()
    assert_conforms("create_subscription", 422, answer)
    assert sorted(e["field"] for e in answer["errors"]) == fields, answer["errors"]
