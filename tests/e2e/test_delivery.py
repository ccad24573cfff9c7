"""Delivery end to end: anvil -> service -> StreamingClient, with acks, resume and faults."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from typing import Any

import httpx
import pytest

from event_streamer import (
    EventBatch,
    EventStreamer,
    InvalidResumeTokenError,
    StreamingError,
)
from event_streamer_server.testing import LocalStack, register_chain, start_service
from tests._stack import deploy, subscribe, until


def values(events: list[dict[str, Any]]) -> list[int]:
    return [int(e["value"]) for e in events]


async def test_every_event_is_delivered_once_with_acks(event_streamer_stack: LocalStack) -> None:
    chain, emitter = await deploy(event_streamer_stack)
    async with EventStreamer(event_streamer_stack.service_url, "once") as client:
        sub = await subscribe(client, event_streamer_stack, chain, emitter)
        sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
        seen: list[int] = []
        sc.on_event("Transfer")(lambda events: seen.extend(values(events)))
        await sc.start_streaming()
        status = await sc.check_processing_status()
        assert status.is_processing
        assert status.connection_count == 1
        for i in range(5):
            await emitter.emit_many(i * 100, 100)
        await until(lambda: len(seen) >= 500, what="500 events")
        await sc.stop_streaming()
        assert sorted(seen) == list(range(500))
        assert len(seen) == 500
        await until(lambda: _delivered(client, sub.id, 500), what="service counts 500 delivered")
        assert sc.stats.acks_failed == 0
        token = sc.get_current_resume_token()
        assert token is not None
        assert token.startswith("rt_")
        await sc.disconnect()
    await chain.aclose()


async def _delivered(client: EventStreamer, sub_id: int, n: int) -> bool:
    return (await client.get_subscription(sub_id)).events_delivered == n


async def test_events_carry_decoded_fields_and_metadata(event_streamer_stack: LocalStack) -> None:
    chain, emitter = await deploy(event_streamer_stack)
    async with EventStreamer(event_streamer_stack.service_url, "fields") as client:
        sub = await subscribe(client, event_streamer_stack, chain, emitter)
        receipt = await emitter.emit_many(1000, 1)
        async with client.create_streaming_client(sub.id) as sc:
            async for batch in sc:
                event = batch.events["Transfer"][0]
                break
    await chain.aclose()
    assert event["value"] == "1000"
    assert event["from"] == "0x0000000000000000000000000000000000001000"
    assert event["to"] == (await _accounts(event_streamer_stack))[0]
    assert event["address"].lower() == emitter.address.lower()
    assert event["transaction_hash"] == receipt["transactionHash"]
    assert event["block_number"] == int(receipt["blockNumber"], 16)
    assert event["timestamp"].endswith("Z")
    assert isinstance(batch, EventBatch)
    assert batch.batch_size == 1


async def _accounts(stack: LocalStack) -> list[str]:
    from event_streamer import to_checksum_address
    from event_streamer_server.devchain import DevChain

    async with DevChain(stack.rpc_url) as chain:
        return [to_checksum_address(a) for a in await chain.accounts()]


async def test_handler_failure_means_no_ack_and_redelivery(
    event_streamer_stack: LocalStack,
) -> None:
    chain, emitter = await deploy(event_streamer_stack)
    async with EventStreamer(event_streamer_stack.service_url, "redeliver") as client:
        sub = await subscribe(client, event_streamer_stack, chain, emitter)
        await emitter.emit_many(0, 250)  # 3 batches: 100, 100, 50
        sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1, backoff_initial=0.05)
        calls: Counter[str] = Counter()
        seen: list[int] = []
        errors: list[StreamingError] = []

        @sc.on_event("Transfer")
        def handle(events: list[dict[str, Any]]) -> None:
            batch = sc.current_batch
            assert batch is not None
            calls[batch.batch_id] += 1
            if values(events)[0] == 100 and calls[batch.batch_id] == 1:
                raise RuntimeError("database down")
            seen.extend(values(events))

        sc.on_error(errors.append)
        await sc.start_streaming()
        await until(lambda: len(seen) >= 250, what="all events after redelivery")
        await sc.disconnect()
    await chain.aclose()
    assert sorted(seen) == list(range(250))  # nothing lost, nothing after the failure skipped
    assert sorted(calls.values()) == [1, 1, 2]  # the failed batch came back exactly once more
    assert [e.error_code for e in errors if e.error_code == "HANDLER_ERROR"] == ["HANDLER_ERROR"]
    assert sc.stats.handler_errors == 1


async def test_manual_and_bulk_acknowledgement(event_streamer_stack: LocalStack) -> None:
    chain, emitter = await deploy(event_streamer_stack)
    async with EventStreamer(event_streamer_stack.service_url, "manual") as client:
        sub = await subscribe(client, event_streamer_stack, chain, emitter)
        await emitter.emit_many(0, 300)
        sc = client.create_streaming_client(sub.id, auto_acknowledge=False)
        batch_ids: list[str] = []
        async for batch in sc:
            batch_ids.append(batch.batch_id)
            if len(batch_ids) == 3:
                first = await sc.acknowledge_batch(batch_ids[0])
                again = await sc.acknowledge_batch(batch_ids[0])  # idempotent
                bulk = await sc.acknowledge_batch_bulk([*batch_ids[1:], "batch_unknown"])
                break
        await sc.disconnect()
        assert first.acknowledged
        assert again.acknowledged
        assert first.events_acknowledged == again.events_acknowledged == 100
        assert bulk.acknowledged_batches == 2
        assert bulk.failed_batch_ids == ["batch_unknown"]
        assert bulk.total_events_acknowledged == 200
        assert (await client.get_subscription(sub.id)).events_delivered == 300
    await chain.aclose()


async def test_unacked_batches_come_back_in_order_after_a_service_restart(tmp_path: Any) -> None:
    from event_streamer_server.devchain import DevChain, start_anvil

    anvil = start_anvil()
    db = tmp_path / "svc.db"
    env = {"EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.5"}
    first = start_service(db=db, workdir=tmp_path / "a", env=env)
    try:
        register_chain(first.url, anvil.url, 31337)
        chain = DevChain(anvil.url)
        emitter = await chain.deploy_emitter()
        async with EventStreamer(first.url, "restart") as client:
            stack = LocalStack(first.url, anvil.url, 31337)
            sub = await subscribe(client, stack, chain, emitter)
            await emitter.emit_many(0, 500)
            sc = client.create_streaming_client(sub.id, auto_acknowledge=False)
            got = 0
            async for batch in sc:  # take 2 batches, ack only the first
                got += 1
                if got == 1:
                    await sc.acknowledge_batch(batch.batch_id)
                    token = batch.resume_token
                if got == 2:
                    break
            await sc.disconnect()
        first.kill()  # kill -9: no graceful shutdown
        second = start_service(db=db, workdir=tmp_path / "b", env=env)
        try:
            async with EventStreamer(second.url, "restart") as client:
                sc = client.create_streaming_client(
                    sub.id, resume_token=token, batch_ack_interval=0.1
                )
                seen: list[int] = []
                sc.on_event("Transfer")(lambda events: seen.extend(values(events)))
                await sc.start_streaming()
                await until(lambda: len(seen) >= 400, what="400 redelivered events")
                await sc.disconnect()
            assert seen == list(range(100, 500))  # in order; the acked batch did not come back
        finally:
            second.cleanup()
        await chain.aclose()
    finally:
        first.cleanup()
        anvil.cleanup()


async def test_kill_9_mid_stream_loses_nothing(tmp_path: Any) -> None:
    from event_streamer_server.devchain import DevChain, start_anvil

    anvil = start_anvil()
    db = tmp_path / "svc.db"
    env = {"EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.3"}
    handle = start_service(db=db, workdir=tmp_path / "a", env=env)
    chain = DevChain(anvil.url)
    try:
        register_chain(handle.url, anvil.url, 31337)
        emitter = await chain.deploy_emitter()
        stack = LocalStack(handle.url, anvil.url, 31337)
        async with EventStreamer(handle.url, "crash") as client:
            sub = await subscribe(client, stack, chain, emitter)
        seen: list[int] = []
        async with EventStreamer(handle.url, "crash") as client:
            sc = client.create_streaming_client(
                sub.id,
                batch_ack_interval=0.05,
                backoff_initial=0.05,
                backoff_max=0.2,
                server_heartbeat_interval=0.3,
            )
            sc.on_event("Transfer")(lambda events: seen.extend(values(events)))
            await sc.start_streaming()
            await emitter.emit_many(0, 300)
            await until(lambda: len(seen) >= 100, what="first events")
            handle.kill()  # kill -9 while the client is streaming and acking
            await emitter.emit_many(300, 300)
            handle = start_service(db=db, workdir=tmp_path / "b", env=env)  # same database
        # The restarted service listens on a new port: a new client resumes from the token.
        token = sc.get_current_resume_token()
        await sc.disconnect()
        async with EventStreamer(handle.url, "crash") as client:
            sc2 = client.create_streaming_client(
                sub.id, resume_token=token, batch_ack_interval=0.05
            )
            sc2.on_event("Transfer")(lambda events: seen.extend(values(events)))
            await sc2.start_streaming()
            await until(lambda: set(seen) >= set(range(600)), what="every event after the crash")
            await sc2.disconnect()
        counts = Counter(seen)
        assert set(counts) == set(range(600))  # nothing lost
        assert max(counts.values()) <= 2  # duplicates only from unacked batches
    finally:
        handle.cleanup()
        await chain.aclose()
        anvil.cleanup()


async def test_tampered_or_foreign_token_is_rejected(event_streamer_stack: LocalStack) -> None:
    chain, emitter = await deploy(event_streamer_stack)
    async with EventStreamer(event_streamer_stack.service_url, "tamper") as client:
        sub = await subscribe(client, event_streamer_stack, chain, emitter)
        other = await subscribe(client, event_streamer_stack, chain, emitter)
        await emitter.emit_many(0, 10)
        async with client.create_streaming_client(other.id) as sc:
            async for batch in sc:
                foreign = batch.resume_token
                break
        payload, sig = foreign[3:].split(".")
        tampered = f"rt_{payload}.{'A' * len(sig)}"
        for token in (foreign, tampered, "rt_garbage"):
            sc = client.create_streaming_client(sub.id, resume_token=token)
            errors: list[StreamingError] = []
            sc.on_error(errors.append)
            with pytest.raises(InvalidResumeTokenError):
                await sc.start_streaming()
            assert errors[-1].recoverable is False
            await sc.disconnect()
        async with httpx.AsyncClient(base_url=event_streamer_stack.service_url) as http:
            response = await http.get(
                f"/subscriptions/{sub.id}/stream", params={"resume_token": tampered}
            )
            assert response.status_code == 400
            assert response.json()["error_code"] == "INVALID_RESUME_TOKEN"
    await chain.aclose()


async def test_server_heartbeats_arrive_on_time(event_streamer_stack: LocalStack) -> None:
    chain, emitter = await deploy(event_streamer_stack)
    loop = asyncio.get_running_loop()
    async with EventStreamer(event_streamer_stack.service_url, "beats") as client:
        sub = await subscribe(client, event_streamer_stack, chain, emitter)
        sc = client.create_streaming_client(sub.id, heartbeat_interval=0.2)
        arrivals: list[float] = []
        sc.on_heartbeat(lambda hb: arrivals.append(loop.time()))
        await sc.start_streaming()
        await until(lambda: len(arrivals) >= 4, what="4 heartbeats")
        await until(lambda: sc.stats.client_heartbeats >= 2, what="2 client heartbeats")
        await sc.disconnect()
    await chain.aclose()
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert max(gaps) < 0.5 * 2  # service heartbeat_interval is 0.5 s in the test stack


async def test_bounded_subscription_completes(event_streamer_stack: LocalStack) -> None:
    chain, emitter = await deploy(event_streamer_stack)
    async with EventStreamer(event_streamer_stack.service_url, "bounded") as client:
        start = await chain.block_number()
        receipt = await emitter.emit_many(0, 50)
        end = int(receipt["blockNumber"], 16)
        await emitter.emit_many(50, 50)  # after end_block: never delivered
        sub = await subscribe(
            client, event_streamer_stack, chain, emitter, start_block=start, end_block=end
        )
        sc = client.create_streaming_client(sub.id, batch_ack_interval=0.05)
        seen: list[int] = []
        sc.on_event("Transfer")(lambda events: seen.extend(values(events)))
        await sc.start_streaming()

        async def completed() -> bool:
            return (await sc.check_processing_status()).streaming_status == "completed"

        await until(completed, what="completed status")
        await sc.disconnect()
        assert sorted(seen) == list(range(50))
        assert (await client.get_subscription(sub.id)).streaming_status == "completed"
    await chain.aclose()


async def test_a_batch_that_always_fails_becomes_a_poison_batch_error(
    event_streamer_stack: LocalStack,
) -> None:
    from event_streamer import PoisonBatchError

    chain, emitter = await deploy(event_streamer_stack)
    async with EventStreamer(event_streamer_stack.service_url, "poison") as client:
        sub = await subscribe(client, event_streamer_stack, chain, emitter)
        await emitter.emit_many(0, 10)
        sc = client.create_streaming_client(
            sub.id, max_handler_attempts=3, backoff_initial=0.01, backoff_max=0.05
        )
        attempts: list[str] = []
        errors: list[StreamingError] = []

        @sc.on_event("Transfer")
        def always_fails(events: list[dict[str, Any]]) -> None:
            attempts.append(sc.current_batch.batch_id if sc.current_batch else "?")
            raise ValueError("cannot store this")

        sc.on_error(errors.append)
        await sc.start_streaming()
        with pytest.raises(PoisonBatchError) as info:
            await asyncio.wait_for(sc.wait(), 30)
        await sc.disconnect()
        assert info.value.attempts == 3
        assert len(set(attempts)) == 1  # the same batch, delivered three times
        assert len(attempts) == 3
        assert errors[-1].error_code == "POISON_BATCH"
        assert errors[-1].recoverable is False
        sub_after = await client.get_subscription(sub.id)
        assert sub_after.events_delivered == 0  # never acknowledged, never skipped
    await chain.aclose()
