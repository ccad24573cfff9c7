"""Issue 19 against anvil and the service: presets, finality modes, start positions, /metrics.

anvil runs with ``--slots-in-an-epoch 4``: it reports the ``safe`` block 4 blocks and the
``finalized`` block 8 blocks below the head, and moves both as blocks are mined.
"""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from event_streamer import EventStreamer, EventStreamerValidationError, subscription_from_abi
from event_streamer.models import ChainConfigRequest, ChainConfigUpdate
from event_streamer_server.devchain import Anvil, DevChain, Emitter, start_anvil
from event_streamer_server.testing import ServiceProcess, start_service
from tests._cli import run_cli
from tests._fakenode import FakeNode
from tests._stack import until

SLOTS = 4  # anvil: safe = head - SLOTS, finalized = head - 2 * SLOTS
CHAIN_ID = 31337


@dataclass
class Stack:
    anvil: Anvil
    service: ServiceProcess
    chain: dict[str, Any]  # the chain as created through the API with a preset

    @property
    def url(self) -> str:
        return self.service.url


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    anvil = start_anvil(chain_id=CHAIN_ID, extra_args=["--slots-in-an-epoch", str(SLOTS)])
    try:
        service = start_service()
    except BaseException:
        anvil.cleanup()
        raise
    try:
        # The raw API with a preset: chain_id overridden (anvil is not mainnet), and the
        # block time, so the test polls quickly; the rest comes from the preset.
        response = httpx.post(
            f"{service.url}/api/chains",
            json={
                "preset": "ethereum",
                "chain_id": CHAIN_ID,
                "rpc_urls": [anvil.url],
                "average_block_time": 0.1,
            },
            timeout=30,
        )
        assert response.status_code == 201, response.text
        yield Stack(anvil, service, response.json()["chain"])
    finally:
        service.cleanup()
        anvil.cleanup()


async def _tag(chain: DevChain, tag: str) -> int:
    block = await chain.rpc("eth_getBlockByNumber", tag, False)
    return int(block["number"], 16)


def _scrape(url: str, headers: dict[str, str] | None = None) -> dict[str, list[Any]]:
    response = httpx.get(f"{url}/metrics", headers=headers or {}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    out: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append(sample)
    return out


def _limit(url: str, finality: str) -> int | None:
    for sample in _scrape(url).get("event_streamer_chain_ingest_limit_block", []):
        if sample.labels == {"chain_id": str(CHAIN_ID), "finality": finality}:
            return int(sample.value)
    return None


# -- presets ------------------------------------------------------------------------------------
def test_preset_fills_the_chain_and_explicit_fields_win(stack: Stack) -> None:
    chain = stack.chain
    assert chain["chain_id"] == CHAIN_ID  # overridden
    assert chain["average_block_time"] == 0.1  # overridden
    assert chain["name"] == "Ethereum Mainnet"  # from the preset
    assert chain["confirmation_blocks"] == 12
    assert chain["max_blocks_per_request"] == 1000
    assert chain["finality"] == "confirmations"


async def test_presets_are_listed_and_a_mismatched_chain_id_is_refused(stack: Stack) -> None:
    async with EventStreamer(stack.url, "presets") as client:
        listed = await client.list_chain_presets()
        keys = {p.key: p for p in listed.presets}
        assert keys["base"].chain_id == 8453
        assert keys["arbitrum"].supports_finalized is True
        with pytest.raises(EventStreamerValidationError, match="not both"):
            await client.create_chain(
                ChainConfigRequest(chain_id=1, name="x", rpc_urls=["http://n"]), preset="base"
            )
        with pytest.raises(EventStreamerValidationError, match="rpc_urls"):
            await client.create_chain(preset="base")
        with pytest.raises(EventStreamerValidationError) as caught:
            await client.create_chain(preset="base", rpc_urls=[stack.anvil.url])
    fields = {e.field: e.message for e in caught.value.field_errors}
    assert "serves chain 31337, not 8453" in fields["body.rpc_urls.0"]


def test_preset_errors_name_their_field(stack: Stack) -> None:
    with httpx.Client(base_url=stack.url, timeout=30) as http:
        unknown = http.post("/api/chains", json={"preset": "nope", "rpc_urls": [stack.anvil.url]})
        bare = http.post("/api/chains", json={"rpc_urls": [stack.anvil.url]})
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["body.preset"]
    assert bare.status_code == 422
    assert [e["field"] for e in bare.json()["errors"]] == ["body.chain_id", "body.name"]


async def test_a_tag_mode_on_a_node_without_the_tag_is_refused(
    stack: Stack, node_factory: type[FakeNode]
) -> None:
    node = node_factory(chain_id=4242)  # answers eth_chainId, not eth_getBlockByNumber
    async with EventStreamer(stack.url, "tags") as client:
        with pytest.raises(EventStreamerValidationError) as caught:
            await client.create_chain(
                chain_id=4242, name="tagless", rpc_urls=[node.url], finality="finalized"
            )
    (error,) = caught.value.field_errors
    assert error.field == "body.finality"
    assert "'finalized'" in error.message


def test_cli_lists_presets_and_creates_with_one(stack: Stack) -> None:
    listed = run_cli(stack.url, "--json", "chains", "presets")
    assert listed.returncode == 0, listed.stderr
    assert '"key": "optimism"' in listed.stdout
    refused = run_cli(
        stack.url, "chains", "create", "--preset", "base", "--rpc-url", stack.anvil.url
    )
    assert refused.returncode != 0
    assert "serves chain 31337, not 8453" in refused.stdout + refused.stderr


def test_cli_creates_a_chain_from_a_preset_with_overrides(stack: Stack) -> None:
    base = start_anvil(chain_id=8453)  # a node that is "Base" as far as eth_chainId goes
    try:
        created = run_cli(
            stack.url,
            "--json",
            *("chains", "create", "--preset", "base", "--rpc-url", base.url),
            *("--finality", "safe", "--confirmations", "3"),
        )
        deactivated = run_cli(stack.url, "chains", "delete", "8453")
    finally:
        base.cleanup()
    assert created.returncode == 0, created.stderr
    assert deactivated.returncode == 0, deactivated.stderr
    chain = json.loads(created.stdout)
    assert (chain["chain_id"], chain["name"], chain["finality"]) == (8453, "Base", "safe")
    assert (chain["confirmation_blocks"], chain["max_blocks_per_request"]) == (3, 1000)


def test_cli_subscribes_from_latest(stack: Stack) -> None:
    abi = importlib.resources.files("event_streamer_server._assets") / "Emitter.json"
    with importlib.resources.as_file(abi) as path:
        created = run_cli(
            stack.url,
            "--json",
            "subscriptions",
            "create",
            *("--abi", str(path), "--event", "Transfer", "--chain", str(CHAIN_ID)),
            *("--from-block", "latest"),
        )
        bad = run_cli(
            stack.url,
            "subscriptions",
            "create",
            *("--abi", str(path), "--event", "Transfer", "--chain", str(CHAIN_ID)),
            *("--from-block", "soon"),
        )
    assert created.returncode == 0, created.stderr
    assert isinstance(json.loads(created.stdout)["start_block"], int)
    assert bad.returncode != 0
    assert "not a block number, latest or finalized" in bad.stderr


# -- finality modes -----------------------------------------------------------------------------
async def test_finalized_and_safe_modes_deliver_nothing_past_the_tag(stack: Stack) -> None:
    async with DevChain(stack.anvil.url) as chain, EventStreamer(stack.url, "final") as client:
        updated = await client.update_chain(CHAIN_ID, ChainConfigUpdate(finality="finalized"))
        assert updated.chain.finality == "finalized"
        emitter = await chain.deploy_emitter()
        start = await chain.block_number() + 1
        sub = await emitter.subscribe(client, start_block=start)
        for i in range(5):  # one event in each of blocks start .. start+4
            await emitter.emit_many(i, 1)
        seen: list[int] = []
        sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
        sc.on_event("Transfer")(lambda events: seen.extend(e["block_number"] for e in events))
        await sc.start_streaming()
        try:
            finalized = await _tag(chain, "finalized")
            assert finalized < start
            await until(lambda: _limit(stack.url, "finalized") == finalized, what="tag read")
            assert seen == []
            await chain.mine(2 * SLOTS - 2)  # finalized is now start + 2
            finalized = await _tag(chain, "finalized")
            assert finalized == start + 2
            await until(lambda: len(seen) >= 3, what="three finalized events")
            await until(lambda: _limit(stack.url, "finalized") == finalized, what="tag read")
            assert sorted(seen) == [start, start + 1, start + 2]
            current = await client.get_subscription(sub.id)
            assert current.last_processed_block == finalized  # not one block past the tag
            await chain.mine(2)
            await until(lambda: len(seen) >= 5, what="all five events")
            assert sorted(seen) == list(range(start, start + 5))

            await client.update_chain(CHAIN_ID, ChainConfigUpdate(finality="safe"))
            await emitter.emit_many(99, 1)
            emitted = await chain.block_number()
            await chain.mine(SLOTS - 2)  # safe is emitted - 2
            safe = await _tag(chain, "safe")
            assert safe == emitted - 2
            await until(lambda: _limit(stack.url, "safe") == safe, what="safe tag read")
            assert len(seen) == 5
            await chain.mine(2)
            await until(lambda: len(seen) == 6, what="the safe event")
            assert seen[-1] == emitted
        finally:
            await sc.stop_streaming()
            await sc.disconnect()
            await client.update_chain(CHAIN_ID, ChainConfigUpdate(finality="confirmations"))


# -- start positions ----------------------------------------------------------------------------
async def test_start_block_latest_and_finalized_resolve_to_numbers(stack: Stack) -> None:
    async with DevChain(stack.anvil.url) as chain, EventStreamer(stack.url, "start") as client:
        emitter: Emitter = await chain.deploy_emitter()
        await chain.mine(3)
        before = await chain.block_number()
        latest = await client.create_subscription(
            subscription_from_abi(
                emitter.abi(), "Transfer", chain_id=CHAIN_ID, start_block="latest"
            )
        )
        after = await chain.block_number()
        assert isinstance(latest.start_block, int)
        assert before <= latest.start_block <= after
        finalized = await client.create_subscription(
            subscription_from_abi(
                emitter.abi(), "Transfer", chain_id=CHAIN_ID, start_block="finalized"
            )
        )
        assert finalized.start_block == await _tag(chain, "finalized")
        stored = await client.get_subscription(latest.id)
        assert stored.start_block == latest.start_block
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        body = {
            "topic0": "0x" + "00" * 32,
            "event_signature": {"type": "event", "name": "X", "inputs": []},
            "chain_id": CHAIN_ID,
            "start_block": "soon",
        }
        bad = await http.post("/subscriptions", json=body)
    assert bad.status_code == 422
    assert "body.start_block" in {e["field"] for e in bad.json()["errors"]}


def test_subscription_from_abi_refuses_other_words() -> None:
    abi = [
        {
            "type": "event",
            "name": "T",
            "inputs": [{"name": "v", "type": "uint256", "indexed": False}],
        }
    ]
    with pytest.raises(EventStreamerValidationError):
        subscription_from_abi(abi, "T", chain_id=1, start_block=-1)
    assert subscription_from_abi(abi, "T", chain_id=1, start_block="latest").start_block == "latest"


# -- metrics ------------------------------------------------------------------------------------
async def test_metrics_report_chains_rpc_and_subscriptions(stack: Stack) -> None:
    async with DevChain(stack.anvil.url) as chain, EventStreamer(stack.url, "metrics") as client:
        emitter = await chain.deploy_emitter()
        sub = await emitter.subscribe(client, start_block=await chain.block_number() + 1)
        await emitter.emit_many(0, 3)
        await chain.mine(13)  # past the preset's 12 confirmations
        got: list[int] = []
        sc = client.create_streaming_client(sub.id, auto_acknowledge=False)
        sc.on_event("Transfer")(lambda events: got.extend(int(e["value"]) for e in events))
        await sc.start_streaming()
        try:
            await until(lambda: len(got) == 3, what="three events")

            def backlog() -> float | None:
                for s in _scrape(stack.url).get("event_streamer_subscription_backlog_batches", []):
                    if s.labels["subscription_id"] == str(sub.id):
                        return float(s.value)
                return None

            await until(lambda: backlog() == 1.0, what="one unacknowledged batch")
            samples = _scrape(stack.url)
        finally:
            await sc.stop_streaming()
            await sc.disconnect()

    def ours(name: str) -> list[Any]:
        return [s for s in samples[name] if s.labels["chain_id"] == str(CHAIN_ID)]

    (head,) = ours("event_streamer_chain_head_block")
    assert head.labels == {"chain_id": str(CHAIN_ID)}
    assert head.value > 0
    assert ours("event_streamer_chain_lag_blocks")[0].value >= 0
    (requests,) = ours("event_streamer_rpc_requests_total")
    assert requests.labels["host"] == stack.anvil.url  # scheme://host:port, no path
    assert requests.value > 0
    assert ours("event_streamer_rpc_breaker_state")[0].value == 0
    streams = {
        s.labels["subscription_id"]: s.value
        for s in samples["event_streamer_subscription_open_streams"]
    }
    assert streams[str(sub.id)] == 1
    assert samples["event_streamer_subscriptions"][0].value >= 1
    assert "process_cpu_seconds_total" in samples or "process_start_time_seconds" in samples


def test_metrics_need_an_admin_key_when_keys_are_set() -> None:
    keys = "admin:adm-key-1234567890ab,subscriber:app:sub-key-1234567890ab"
    env = {"EVENT_STREAMER_API_KEYS": keys}
    service = start_service(env=env)
    try:
        anonymous = httpx.get(f"{service.url}/metrics", timeout=30)
        subscriber = httpx.get(
            f"{service.url}/metrics",
            headers={"Authorization": "Bearer sub-key-1234567890ab"},
            timeout=30,
        )
        samples = _scrape(service.url, {"Authorization": "Bearer adm-key-1234567890ab"})
    finally:
        service.cleanup()
    assert anonymous.status_code == 401
    assert subscriber.status_code == 403
    assert samples["event_streamer_subscriptions"][0].value == 0
