"""Ingestion: range splitting, provider limits, failover, reorgs, undecodable logs."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from event_streamer import EventStreamer, StreamingError
from event_streamer.models import ChainConfigUpdate
from event_streamer_server._ranges import fetch_range, suggested_end
from event_streamer_server._rpc import RpcCallerError
from event_streamer_server.devchain import DevChain
from event_streamer_server.testing import LocalStack
from tests._rpcproxy import RpcProxy
from tests._stack import until


# -- range splitting: a property test over random provider limits -----------------------------
@settings(max_examples=300, deadline=None)
@given(
    start=st.integers(0, 10_000),
    width=st.integers(1, 5_000),
    limit=st.integers(1, 700),
    suggest=st.sampled_from(["none", "data", "message", "bogus"]),
)
async def test_ranges_exactly_partition_the_request(
    start: int, width: int, limit: int, suggest: str
) -> None:
    end = start + width - 1
    fetched: list[tuple[int, int]] = []

    async def fetch(lo: int, hi: int) -> list[dict[str, Any]]:
        if hi - lo + 1 > limit:
            ok = lo + limit - 1
            if suggest == "data":
                raise RpcCallerError("too many", code=-32005, data={"from": hex(lo), "to": hex(ok)})
            if suggest == "message":
                raise RpcCallerError(f"block range should work: [{hex(lo)}, {hex(ok)}]")
            if suggest == "bogus":  # outside the range: must be ignored
                raise RpcCallerError("x", data={"to": hex(hi + 10)})
            raise RpcCallerError("query returned more than 10000 results")
        fetched.append((lo, hi))
        return [{"blockNumber": hex(b)} for b in range(lo, hi + 1)]

    logs = await fetch_range(fetch, start, end)
    assert [int(log["blockNumber"], 16) for log in logs] == list(range(start, end + 1))
    assert fetched[0][0] == start
    assert fetched[-1][1] == end
    for (_, a_hi), (b_lo, _) in itertools.pairwise(fetched):
        assert b_lo == a_hi + 1  # no gap, no overlap
    assert all(hi - lo + 1 <= limit for lo, hi in fetched)


async def test_a_single_block_over_the_limit_is_an_error_not_a_loop() -> None:
    async def fetch(lo: int, hi: int) -> list[dict[str, Any]]:
        raise RpcCallerError("query returned more than 10000 results")

    with pytest.raises(RpcCallerError, match="block 7 alone"):
        await fetch_range(fetch, 7, 7)


def test_suggestions_outside_the_range_are_ignored() -> None:
    err = RpcCallerError("m", data={"to": "0x64"})
    assert suggested_end(err, 10, 200) == 100
    assert suggested_end(err, 10, 50) is None  # beyond the range
    assert suggested_end(RpcCallerError("m", data={"to": "0x63"}), 100, 200) is None  # below it
    assert suggested_end(RpcCallerError("m", data={"to": "0xc8"}), 100, 200) is None  # no split


# -- live: the service against anvil through a proxy --------------------------------------------
async def stream_values(
    client: EventStreamer, sub_id: int, n: int, errors: list[StreamingError] | None = None
) -> list[int]:
    sc = client.create_streaming_client(sub_id, batch_ack_interval=0.1, backoff_initial=0.05)
    seen: list[int] = []
    sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
    if errors is not None:
        sc.on_error(errors.append)
    await sc.start_streaming()
    await until(lambda: len(seen) >= n, what=f"{n} events")
    await sc.disconnect()
    return seen


@pytest.mark.parametrize("shape", ["infura", "alchemy", "results", "http413"])
async def test_provider_range_limits_are_split_until_covered(
    own_stack: LocalStack, shape: str
) -> None:
    proxy = RpcProxy(own_stack.rpc_url, max_span=3, shape=shape)
    try:
        async with (
            DevChain(own_stack.rpc_url) as chain,
            EventStreamer(own_stack.service_url, "ranges") as client,
        ):
            await client.update_chain(
                own_stack.chain_id,
                ChainConfigUpdate(rpc_urls=[proxy.url], max_blocks_per_request=50),
            )
            emitter = await chain.deploy_emitter()
            start = await chain.block_number()
            for i in range(8):  # 8 blocks with events, wider than the proxy allows
                await emitter.emit_many(i * 10, 10)
            sub = await emitter.subscribe(client, chain_id=own_stack.chain_id, start_block=start)
            seen = await stream_values(client, sub.id, 80)
            assert sorted(seen) == list(range(80))
            assert proxy.spans
            assert all(hi - lo + 1 <= 3 for lo, hi in proxy.spans)
            metrics = await client.get_circuit_breaker_metrics(f"rpc:{own_stack.chain_id}:0")
            assert metrics.state == "closed"  # the caller's fault, not the node's
            await client.update_chain(
                own_stack.chain_id, ChainConfigUpdate(rpc_urls=[own_stack.rpc_url])
            )
    finally:
        proxy.stop()


async def test_failover_to_the_second_rpc_url_with_no_gap(own_stack: LocalStack) -> None:
    primary = RpcProxy(own_stack.rpc_url)
    try:
        async with (
            DevChain(own_stack.rpc_url) as chain,
            EventStreamer(own_stack.service_url, "failover") as client,
        ):
            await client.update_chain(
                own_stack.chain_id, ChainConfigUpdate(rpc_urls=[primary.url, own_stack.rpc_url])
            )
            await client.reset_all_circuit_breakers()
            emitter = await chain.deploy_emitter()
            start = await chain.block_number()
            sub = await emitter.subscribe(client, chain_id=own_stack.chain_id, start_block=start)
            primary.fail = True  # the primary answers 503 from now on
            for i in range(5):
                await emitter.emit_many(i * 20, 20)
            seen = await stream_values(client, sub.id, 100)
            assert sorted(seen) == list(range(100))
            # Ingestion needs few calls per step now (fewer than the five failures that open a
            # breaker for this span): keep a stream open, so the worker keeps polling, until the
            # failing primary's breaker opens.
            name = f"rpc:{own_stack.chain_id}:0"

            async def primary_open() -> bool:
                status = await client.get_circuit_breaker_status()
                return status.circuit_breakers[name].state == "open"

            sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
            await sc.start_streaming()
            try:
                await until(primary_open, what="the failing primary's breaker to open")
            finally:
                await sc.disconnect()
            health = await client.get_circuit_breaker_health()
            assert own_stack.chain_id not in health.unhealthy_chains  # the backup is healthy
            await client.update_chain(
                own_stack.chain_id, ChainConfigUpdate(rpc_urls=[own_stack.rpc_url])
            )
    finally:
        primary.stop()


async def test_reorg_deeper_than_confirmations_is_detected_and_healed(
    own_stack: LocalStack,
) -> None:
    async with (
        DevChain(own_stack.rpc_url) as chain,
        EventStreamer(own_stack.service_url, "reorg") as client,
    ):
        emitter = await chain.deploy_emitter()
        await chain.mine(5)  # keep the deployment out of the reorged blocks
        start = await chain.block_number()
        sub = await emitter.subscribe(client, chain_id=own_stack.chain_id, start_block=start)
        sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
        seen: list[int] = []
        errors: list[StreamingError] = []
        sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
        sc.on_error(errors.append)
        await sc.start_streaming()
        await emitter.emit_many(0, 10)
        await until(lambda: sorted(seen) == list(range(10)), what="events before the reorg")
        # The block holding 0..9 is replaced; confirmation_blocks is 0, so this reorg is deeper.
        await chain.rpc("anvil_reorg", 2, [])
        await emitter.emit_many(100, 10)  # canonical history now has these instead
        await until(lambda: set(range(100, 110)) <= set(seen), what="canonical events")
        await until(
            lambda: any(e.error_code == "REORG_DETECTED" for e in errors), what="reorg notice"
        )
        await sc.disconnect()


async def test_undecodable_logs_are_reported_not_dropped(own_stack: LocalStack) -> None:
    # Same canonical signature (same topic0), but no indexed inputs: real logs carry 3 topics.
    wrong = [
        {
            "type": "event",
            "name": "Transfer",
            "anonymous": False,
            "inputs": [
                {"name": "from", "type": "address", "indexed": False},
                {"name": "to", "type": "address", "indexed": False},
                {"name": "value", "type": "uint256", "indexed": False},
            ],
        }
    ]
    async with (
        DevChain(own_stack.rpc_url) as chain,
        EventStreamer(own_stack.service_url, "decode") as client,
    ):
        emitter = await chain.deploy_emitter()
        start = await chain.block_number()
        sub = await emitter.subscribe(
            client, abi=wrong, chain_id=own_stack.chain_id, start_block=start
        )
        await emitter.emit_many(0, 3)
        sc = client.create_streaming_client(sub.id)
        errors: list[StreamingError] = []
        sc.on_error(errors.append)
        await sc.start_streaming()
        await until(
            lambda: sum(e.error_code == "DECODE_ERROR" for e in errors) >= 3, what="3 decode errors"
        )
        await sc.disconnect()
    messages = [e.error_message for e in errors if e.error_code == "DECODE_ERROR"]
    assert all("expected 1 topics, got 3" in m for m in messages)
    assert all("tx 0x" in m for m in messages)  # names the log
