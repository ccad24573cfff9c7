"""Crashes at exact moments (test-only fault points) and misbehaving RPC nodes."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from event_streamer import EventStreamer, EventStreamerConnectionError
from event_streamer_server.devchain import Anvil, DevChain, start_anvil
from event_streamer_server.testing import LocalStack, register_chain, start_service
from tests._rpcproxy import RpcProxy
from tests._stack import subscribe, until

ENV = {"EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.3"}


@pytest.fixture
def anvil() -> Iterator[Anvil]:
    node = start_anvil()
    try:
        yield node
    finally:
        node.cleanup()


async def test_crash_after_ack_commit_before_reply(anvil: Anvil, tmp_path: Path) -> None:
    db = tmp_path / "svc.db"
    faulty = start_service(
        db=db,
        workdir=tmp_path / "a",
        env={**ENV, "EVENT_STREAMER_TEST_FAULTS": "exit_after_ack_commit"},
    )
    try:
        register_chain(faulty.url, anvil.url, 31337)
        async with (
            DevChain(anvil.url) as chain,
            EventStreamer(faulty.url, "ack-crash", max_retries=0) as client,
        ):
            emitter = await chain.deploy_emitter()
            sub = await subscribe(client, LocalStack(faulty.url, anvil.url, 31337), chain, emitter)
            await emitter.emit_many(0, 250)
            sc = client.create_streaming_client(sub.id, auto_acknowledge=False, reconnect=False)
            first = await anext(aiter(sc))
            with pytest.raises(EventStreamerConnectionError):
                await sc.acknowledge_batch(first.batch_id)  # committed, then the service died
            await sc.disconnect()
        assert faulty.process.wait(10) == 137
    finally:
        faulty.cleanup()
    healthy = start_service(db=db, workdir=tmp_path / "b", env=ENV)
    try:
        async with EventStreamer(healthy.url, "ack-crash") as client:
            sc = client.create_streaming_client(sub.id, auto_acknowledge=False)
            again = await anext(aiter(sc))
            assert again.batch_id != first.batch_id  # the durable ack held: no redelivery
            retried = await sc.acknowledge_batch(first.batch_id)  # the client's retry
            assert retried.acknowledged  # idempotent
            await sc.disconnect()
            assert (await client.get_subscription(sub.id)).events_delivered == 100
    finally:
        healthy.cleanup()


async def test_crash_between_get_logs_and_commit_leaves_no_gap(
    anvil: Anvil, tmp_path: Path
) -> None:
    db = tmp_path / "svc.db"
    faulty = start_service(
        db=db,
        workdir=tmp_path / "a",
        env={**ENV, "EVENT_STREAMER_TEST_FAULTS": "exit_before_range_commit"},
    )
    try:
        register_chain(faulty.url, anvil.url, 31337)
        async with (
            DevChain(anvil.url) as chain,
            EventStreamer(faulty.url, "ingest-crash") as client,
        ):
            emitter = await chain.deploy_emitter()
            sub = await subscribe(client, LocalStack(faulty.url, anvil.url, 31337), chain, emitter)
            for i in range(3):
                await emitter.emit_many(i * 100, 100)

        async def read_stream() -> None:
            async with (
                httpx.AsyncClient(base_url=faulty.url, timeout=30) as http,
                http.stream("GET", f"/subscriptions/{sub.id}/stream") as response,
            ):
                async for _ in response.aiter_lines():
                    pass

        with pytest.raises(httpx.HTTPError):  # the service dies under the open stream
            await read_stream()
        assert faulty.process.wait(10) == 137
    finally:
        faulty.cleanup()
    # Read before a healthy instance starts: it resumes ingesting the active subscription.
    with contextlib.closing(sqlite3.connect(db)) as con:
        row = con.execute(
            "SELECT last_processed_block FROM subscriptions WHERE id = ?", (sub.id,)
        ).fetchone()
    assert row == (None,)  # the crash came before the commit: nothing was committed
    healthy = start_service(db=db, workdir=tmp_path / "b", env=ENV)
    try:
        async with EventStreamer(healthy.url, "ingest-crash") as client:
            sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
            seen: list[int] = []
            sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
            await sc.start_streaming()
            await until(lambda: len(seen) >= 300, what="every event after the crash")
            await sc.disconnect()
        assert seen == list(range(300))  # no gap, no overlap in the cursor
    finally:
        healthy.cleanup()


def _config(tmp_path: Path, **breaker: Any) -> Path:
    path = tmp_path / "service.toml"
    lines = ["heartbeat_interval = 0.3", "[circuit_breaker]"]
    lines += [f"{key} = {value}" for key, value in breaker.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


async def test_slow_primary_times_out_opens_and_fails_over(anvil: Anvil, tmp_path: Path) -> None:
    slow = RpcProxy(anvil.url)
    config = _config(tmp_path, timeout=0.3, failure_threshold=2, recovery_timeout=60)
    service = start_service(config=config, workdir=tmp_path / "svc")
    try:
        register_chain(service.url, anvil.url, 31337)  # the node check passes before it slows
        async with DevChain(anvil.url) as chain, EventStreamer(service.url, "slow") as client:
            from event_streamer.models import ChainConfigUpdate

            await client.update_chain(31337, ChainConfigUpdate(rpc_urls=[slow.url, anvil.url]))
            slow.delay = 1.0  # past the 0.3 s call timeout
            emitter = await chain.deploy_emitter()
            sub = await subscribe(client, LocalStack(service.url, anvil.url, 31337), chain, emitter)
            await emitter.emit_many(0, 100)
            sc = client.create_streaming_client(sub.id)
            seen: list[int] = []
            sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
            await sc.start_streaming()
            await until(lambda: len(seen) >= 100, what="events via the backup node")
            await sc.disconnect()
            metrics = await client.get_circuit_breaker_metrics("rpc:31337:0")
            assert metrics.state == "open"
            assert metrics.failure_count >= 2
    finally:
        service.cleanup()
        slow.stop()


async def test_rate_limits_back_off_instead_of_splitting(anvil: Anvil, tmp_path: Path) -> None:
    proxy = RpcProxy(anvil.url, max_span=10_000)
    service = start_service(workdir=tmp_path / "svc", env=ENV)
    try:
        register_chain(service.url, proxy.url, 31337)
        async with DevChain(anvil.url) as chain, EventStreamer(service.url, "ratelimit") as client:
            emitter = await chain.deploy_emitter()
            sub = await subscribe(client, LocalStack(service.url, anvil.url, 31337), chain, emitter)
            for i in range(4):
                await emitter.emit_many(i * 25, 25)
            proxy.rate_limited = 3  # the next three eth_getLogs calls answer HTTP 429
            sc = client.create_streaming_client(sub.id)
            seen: list[int] = []
            sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
            await sc.start_streaming()
            await until(lambda: len(seen) >= 100, what="events after the rate limit lifted")
            await sc.disconnect()
        assert proxy.rate_limited == 0
        assert sorted(seen) == list(range(100))
        widths = {hi - lo for lo, hi in proxy.spans}
        assert len(proxy.spans) <= 3  # no halving into many small ranges on a 429
        assert max(widths) >= 3
    finally:
        service.cleanup()
        proxy.stop()


async def test_flapping_primary_fails_over_then_returns_after_recovery(
    anvil: Anvil, tmp_path: Path
) -> None:
    primary = RpcProxy(anvil.url)
    config = _config(tmp_path, failure_threshold=2, recovery_timeout=1.0, success_threshold=1)
    service = start_service(config=config, workdir=tmp_path / "svc")
    try:
        register_chain(service.url, anvil.url, 31337)
        async with DevChain(anvil.url) as chain, EventStreamer(service.url, "flap") as client:
            from event_streamer.models import ChainConfigUpdate

            await client.update_chain(31337, ChainConfigUpdate(rpc_urls=[primary.url, anvil.url]))
            emitter = await chain.deploy_emitter()
            sub = await subscribe(client, LocalStack(service.url, anvil.url, 31337), chain, emitter)
            sc = client.create_streaming_client(sub.id)
            seen: list[int] = []
            sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
            await sc.start_streaming()

            async def state() -> str:
                return str((await client.get_circuit_breaker_metrics("rpc:31337:0")).state)

            for flap in range(2):  # down, then up again, twice
                primary.fail = True
                await emitter.emit_many(flap * 200, 100)
                down_target = flap * 200 + 100
                await until(lambda n=down_target: len(seen) >= n, what="events while down")
                assert await state() == "open"
                primary.fail = False
                calls_before = primary.calls["eth_blockNumber"]
                await emitter.emit_many(flap * 200 + 100, 100)
                up_target = flap * 200 + 200
                await until(lambda n=up_target: len(seen) >= n, what="events after recovery")

                async def back_on_primary(before: int = calls_before) -> bool:
                    return primary.calls["eth_blockNumber"] > before + 2 and (
                        await state() == "closed"
                    )

                await until(back_on_primary, what="traffic back on the primary")
            await sc.disconnect()
        assert sorted(seen) == list(range(400))  # no gap across the flaps
        transitions = (await _metrics(service.url)).state_transitions.additional_properties
        assert transitions["closed->open"] == 2
        assert transitions["half_open->closed"] == 2
    finally:
        service.cleanup()
        primary.stop()


async def _metrics(url: str) -> Any:
    async with EventStreamer(url, "flap") as client:
        return await client.get_circuit_breaker_metrics("rpc:31337:0")
