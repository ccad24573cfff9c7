"""The reference service, as a real process: CRUD, validation, 404s, auth, persistence."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from event_streamer import (
    EventStreamer,
    EventStreamerAuthError,
    EventStreamerConflictError,
    EventStreamerNotFoundError,
    EventStreamerValidationError,
    SubscriptionNotFoundError,
    subscription_from_abi,
)
from event_streamer.models import ChainConfigRequest, ChainConfigUpdate, SubscriptionUpdate
from event_streamer_server.testing import start_service
from tests._conform import assert_conforms
from tests._fakenode import FakeNode
from tests.unit.test_abi_parsing import ERC20_ABI

_chain_ids = itertools.count(900_000)
ADDR = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


@pytest.fixture
def chain_node(node_factory: type[FakeNode]) -> FakeNode:
    return node_factory(next(_chain_ids))


async def add_chain(client: EventStreamer, node: FakeNode, **extra: Any) -> None:
    await client.create_chain(
        ChainConfigRequest(
            chain_id=node.chain_id,
            name=f"test-{node.chain_id}",
            rpc_urls=[node.url],
            average_block_time=1.0,
            confirmation_blocks=0,
            **extra,
        )
    )


def transfer_sub(chain_id: int, **kw: Any) -> Any:
    return subscription_from_abi(
        ERC20_ABI, "Transfer", chain_id=chain_id, addresses=[ADDR], start_block=1, **kw
    )


async def test_subscription_crud_round_trip(event_streamer_url: str, chain_node: FakeNode) -> None:
    async with EventStreamer(event_streamer_url, "crud-app") as client:
        await add_chain(client, chain_node)
        created = await client.create_subscription(transfer_sub(chain_node.chain_id))
        assert created.id >= 1
        assert created.subscriber_id == "crud-app"  # filled in by the SDK
        assert created.addresses == [ADDR.lower()]
        assert created.events_delivered == 0
        assert created.streaming_status == "idle"

        fetched = await client.get_subscription(created.id)
        assert fetched.to_dict() == created.to_dict()

        page = await client.list_subscriptions()
        assert created.id in [s.id for s in page.subscriptions]
        assert all(s.subscriber_id == "crud-app" for s in page.subscriptions)

        updated = await client.update_subscription(created.id, SubscriptionUpdate(end_block=500))
        assert updated.end_block == 500
        assert updated.updated_at >= created.updated_at

        progress = await client.get_subscription_last_processed_block(created.id)
        assert progress.subscription_id == created.id
        assert progress.last_processed_block is None

        status = await client.get_processing_status(created.id)
        assert status.is_processing is False
        assert status.connection_count == 0

        assert await client.delete_subscription(created.id) is True
        with pytest.raises(SubscriptionNotFoundError):
            await client.get_subscription(created.id)
        with pytest.raises(SubscriptionNotFoundError):
            await client.delete_subscription(created.id)


async def test_list_is_paginated_and_filtered(
    event_streamer_url: str, chain_node: FakeNode
) -> None:
    async with EventStreamer(event_streamer_url, "pager") as client:
        await add_chain(client, chain_node)
        ids = [
            (await client.create_subscription(transfer_sub(chain_node.chain_id))).id
            for _ in range(5)
        ]
        first = await client.list_subscriptions(page=1, page_size=2)
        second = await client.list_subscriptions(page=2, page_size=2)
        third = await client.list_subscriptions(page=3, page_size=2)
        assert first.total == 5
        seen = [s.id for p in (first, second, third) for s in p.subscriptions]
        assert seen == sorted(ids, reverse=True)  # newest first, no overlap, no gap
        other = await client.list_subscriptions(subscriber_id="nobody")
        assert other.total == 0


async def test_chain_crud_and_rpc_check(
    event_streamer_url: str, chain_node: FakeNode, node_factory: type[FakeNode]
) -> None:
    async with EventStreamer(event_streamer_url, "chains") as client:
        await add_chain(client, chain_node)
        chain = await client.get_chain(chain_node.chain_id)
        assert chain.rpc_urls == [chain_node.url]
        assert chain.status == "active"
        with pytest.raises(EventStreamerConflictError):
            await add_chain(client, chain_node)

        wrong = node_factory(chain_node.chain_id + 1)  # serves another chain id
        with pytest.raises(EventStreamerValidationError) as info:
            await client.update_chain(
                chain_node.chain_id, ChainConfigUpdate(rpc_urls=[chain_node.url, wrong.url])
            )
        assert info.value.fields == ["body.rpc_urls.1"]
        assert f"serves chain {wrong.chain_id}" in str(info.value)

        backup = node_factory(chain_node.chain_id)
        result = await client.update_chain(
            chain_node.chain_id, ChainConfigUpdate(rpc_urls=[chain_node.url, backup.url])
        )
        assert result.chain.rpc_urls == [chain_node.url, backup.url]

        listed = await client.get_all_chains()
        assert chain_node.chain_id in [c.chain_id for c in listed.chains]
        stats = await client.get_chain_stats()
        assert chain_node.chain_id in stats.supported_chain_ids
        assert stats.total_rpcs >= 2

        deleted = await client.delete_chain(chain_node.chain_id)
        assert deleted.chain.status == "inactive"
        refreshed = await client.refresh_chains()
        assert refreshed.total_chains == listed.total_chains
        with pytest.raises(EventStreamerNotFoundError):
            await client.get_chain(1)


async def test_unreachable_rpc_url_is_a_field_error(event_streamer_url: str) -> None:
    node = FakeNode(next(_chain_ids))
    node.stop()  # nothing listens there any more
    async with EventStreamer(event_streamer_url, "chains") as client:
        with pytest.raises(EventStreamerValidationError) as info:
            await add_chain(client, node)
    assert info.value.fields == ["body.rpc_urls.0"]
    assert "did not answer eth_chainId" in str(info.value)


def good_body(chain_id: int) -> dict[str, Any]:
    sub = transfer_sub(chain_id)
    sub.subscriber_id = "raw"
    return sub.to_dict()


@pytest.mark.parametrize(
    ("mutate", "fields"),
    [
        (lambda b: b.update(topic0="0x1234"), ["body.topic0"]),
        (lambda b: b.update(topic0="0x" + "ab" * 32), ["body.topic0"]),
        (lambda b: b.update(addresses=["0xnothex"]), ["body.addresses.0"]),
        (lambda b: b.update(start_block=-1), ["body.start_block"]),
        (lambda b: b.update(start_block=10, end_block=5), ["body.end_block"]),
        (lambda b: b.update(chain_id=0), ["body.chain_id"]),
        (lambda b: b.update(chain_id=424242), ["body.chain_id"]),
        (lambda b: b.pop("event_signature"), ["body.event_signature"]),
        (lambda b: b["event_signature"].update(name=""), ["body.event_signature.name"]),
        (
            lambda b: b["event_signature"]["inputs"][0].update(type="uint7"),
            ["body.event_signature"],
        ),
        (lambda b: b.update(start_block="ten"), ["body.start_block"]),
        (lambda b: b.pop("topic0") and b.pop("chain_id"), ["body.chain_id", "body.topic0"]),
    ],
)
async def test_invalid_subscriptions_name_each_field_and_store_nothing(
    event_streamer_url: str, chain_node: FakeNode, mutate: Any, fields: list[str]
) -> None:
    async with EventStreamer(event_streamer_url, "raw") as client:
        await add_chain(client, chain_node)
        before = (await client.list_subscriptions(all_subscribers=True)).total
    body = good_body(chain_node.chain_id)
    mutate(body)
    async with httpx.AsyncClient(base_url=event_streamer_url) as http:
        response = await http.post("/subscriptions", json=body)
    assert response.status_code == 422
    payload = response.json()
    assert_conforms("create_subscription", 422, payload)
    assert sorted(e["field"] for e in payload["errors"]) == fields
    async with EventStreamer(event_streamer_url, "raw") as client:
        assert (await client.list_subscriptions(all_subscribers=True)).total == before


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "field"),
    [
        ("GET", "/subscriptions?page=0", {}, 422, "query.page"),
        ("GET", "/subscriptions?page_size=101", {}, 422, "query.page_size"),
        ("GET", "/subscriptions?page=abc", {}, 422, "query.page"),
        ("GET", "/subscriptions/0", {}, 422, "path.subscription_id"),
        ("GET", "/subscriptions/abc", {}, 422, "path.subscription_id"),
        ("GET", "/subscriptions/999999", {}, 404, None),
        ("GET", "/api/chains/999999", {}, 404, None),
        ("GET", "/api/circuit-breakers/nope/metrics", {}, 404, None),
        ("POST", "/subscriptions", {"content": b"{not json"}, 400, None),
        ("POST", "/subscriptions", {"content": b""}, 422, "body"),
        ("POST", "/subscriptions", {"content": b"x" * (1024 * 1024 + 1)}, 413, None),
        (
            "POST",
            "/api/chains",
            {"json": {"chain_id": 5, "name": "x", "rpc_urls": ["ftp://x"]}},
            422,
            "body.rpc_urls.0",
        ),
    ],
)
async def test_error_answers(
    event_streamer_url: str,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    async with httpx.AsyncClient(base_url=event_streamer_url) as http:
        response = await http.request(method, path, **kwargs)
    assert response.status_code == status
    body = response.json()
    assert body["error"]
    assert body["timestamp"]
    assert response.headers["x-request-id"]
    if field is not None:
        assert field in [e["field"] for e in body["errors"]]


async def test_responses_conform_to_the_contract(
    event_streamer_url: str, chain_node: FakeNode
) -> None:
    async with EventStreamer(event_streamer_url, "conform") as client:
        await add_chain(client, chain_node)
        sub = await client.create_subscription(transfer_sub(chain_node.chain_id))
    checks = [
        ("get_health", "GET", "/health"),
        ("list_subscriptions", "GET", "/subscriptions"),
        ("get_subscription", "GET", f"/subscriptions/{sub.id}"),
        ("get_last_processed_block", "GET", f"/subscriptions/{sub.id}/last-processed-block"),
        ("get_processing_status", "GET", f"/subscriptions/{sub.id}/processing-status"),
        ("get_circuit_breaker_status", "GET", "/api/circuit-breakers/status"),
        ("get_circuit_breaker_health", "GET", "/api/circuit-breakers/health"),
        ("get_circuit_breaker_config", "GET", "/api/circuit-breakers/config"),
        (
            "get_circuit_breaker_metrics",
            "GET",
            f"/api/circuit-breakers/rpc:{chain_node.chain_id}:0/metrics",
        ),
        ("list_chains", "GET", "/api/chains"),
        ("get_chain_stats", "GET", "/api/chains/stats"),
        ("get_chain", "GET", f"/api/chains/{chain_node.chain_id}"),
        ("get_subscription", "GET", "/subscriptions/999999"),
    ]
    async with httpx.AsyncClient(base_url=event_streamer_url) as http:
        for op_id, method, path in checks:
            response = await http.request(method, path)
            assert_conforms(op_id, response.status_code, response.json())


async def test_breaker_reset_endpoints(event_streamer_url: str, chain_node: FakeNode) -> None:
    async with EventStreamer(event_streamer_url, "breakers") as client:
        await add_chain(client, chain_node)
        name = f"rpc:{chain_node.chain_id}:0"
        status = await client.get_circuit_breaker_status()
        assert status.circuit_breakers[name].state == "closed"
        assert status.circuit_breakers[name].rpc_url == chain_node.url
        metrics = await client.get_circuit_breaker_metrics(name)
        assert metrics.name == name
        assert (await client.reset_circuit_breaker(name)).reset_count == 1
        assert (await client.reset_all_circuit_breakers()).reset_count >= 1
        config = await client.get_circuit_breaker_config()
        assert config.failure_threshold >= 1
        health = await client.get_circuit_breaker_health()
        assert chain_node.chain_id not in health.unhealthy_chains
        with pytest.raises(EventStreamerNotFoundError):
            await client.reset_circuit_breaker("rpc:0:0")


async def test_state_survives_a_restart(tmp_path: Any, chain_node: FakeNode) -> None:
    db = tmp_path / "state.db"
    first = start_service(db=db, workdir=tmp_path / "a")
    try:
        async with EventStreamer(first.url, "durable") as client:
            await add_chain(client, chain_node)
            created = await client.create_subscription(transfer_sub(chain_node.chain_id))
    finally:
        assert first.stop() == 0  # graceful: SIGTERM, state committed
    second = start_service(db=db, workdir=tmp_path / "b")
    try:
        async with EventStreamer(second.url, "durable") as client:
            again = await client.get_subscription(created.id)
            assert again.to_dict() == created.to_dict()
            chain = await client.get_chain(chain_node.chain_id)
            assert chain.rpc_urls == [chain_node.url]
            status = await client.get_circuit_breaker_status()
            assert f"rpc:{chain_node.chain_id}:0" in status.circuit_breakers
    finally:
        second.cleanup()


async def test_api_key_protects_everything_but_health(tmp_path: Any) -> None:
    handle = start_service(api_key="s3cret", workdir=tmp_path)
    try:
        async with httpx.AsyncClient(base_url=handle.url) as http:
            assert (await http.get("/health")).status_code == 200
            denied = await http.get("/subscriptions")
            assert denied.status_code == 401
            assert denied.json()["error_code"] == "UNAUTHORIZED"
            wrong = await http.get("/api/chains", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401
            assert (await http.get("/openapi.json")).status_code == 401
        async with EventStreamer(handle.url, "authed", api_key="s3cret") as client:
            assert (await client.list_subscriptions()).total == 0
            assert await client.health_check()
        async with EventStreamer(handle.url, "anon") as client:
            assert await client.health_check()  # /health stays public
            with pytest.raises(EventStreamerAuthError) as info:
                await client.get_all_chains()
            assert info.value.status_code == 401
    finally:
        handle.cleanup()


async def test_spec_is_served(event_streamer_url: str) -> None:
    async with httpx.AsyncClient(base_url=event_streamer_url) as http:
        spec_json = (await http.get("/openapi.json")).json()
        assert spec_json["openapi"].startswith("3.1")
        assert (await http.get("/openapi.yaml")).text.startswith("openapi: 3.1")
