"""A crash during a concurrent backfill: after a later span was fetched, before an earlier
span's commit. Nothing may be committed out of order and nothing lost."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer_server.devchain import Anvil, DevChain, Emitter, start_anvil
from event_streamer_server.provider_proxy import ProviderProxy
from event_streamer_server.testing import register_chain, start_service
from tests._stack import until

pytestmark = pytest.mark.faults

ENV = {"EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.3"}
N = 30


@pytest.fixture
def anvil() -> Iterator[Anvil]:
    node = start_anvil()
    try:
        yield node
    finally:
        node.cleanup()


async def test_crash_between_a_later_fetch_and_an_earlier_commit_loses_nothing(
    anvil: Anvil, tmp_path: Path
) -> None:
    # Jitter makes spans answer out of order, so a later one is in before an earlier commits.
    proxy = ProviderProxy(anvil.url, latency=0.02, jitter=0.1, max_span=40)
    db = tmp_path / "svc.db"
    faulty = start_service(
        db=db,
        workdir=tmp_path / "a",
        env={**ENV, "EVENT_STREAMER_TEST_FAULTS": "exit_after_later_span_fetched"},
    )
    first_run: list[int] = []
    try:
        register_chain(faulty.url, proxy.url, 31337)
        async with DevChain(anvil.url) as chain, EventStreamer(faulty.url, "bf-crash") as client:
            emitter = await chain.deploy_emitter()
            start = await chain.block_number() + 1
            for i in range(N):
                await chain.mine(39)
                await emitter.emit_many(i, 1)
            sub = await client.create_subscription(
                subscription_from_abi(
                    Emitter.abi(),
                    "Transfer",
                    chain_id=31337,
                    addresses=[emitter.address],
                    start_block=start,
                )
            )
            sc = client.create_streaming_client(sub.id, reconnect=False, batch_ack_interval=0.05)
            sc.on_event("Transfer")(
                lambda events: first_run.extend(int(e["value"]) for e in events)
            )
            await sc.start_streaming()
            await until(lambda: faulty.process.poll() is not None, what="the crash point")
            await sc.disconnect()
        try:
            assert faulty.process.wait(10) == 137
        except subprocess.TimeoutExpired:
            pytest.fail("the service did not die at the crash point")
        assert len(set(first_run)) < N  # the crash came before the end
    finally:
        faulty.cleanup()
    healthy = start_service(db=db, workdir=tmp_path / "b", env=ENV)
    second_run: list[int] = []
    try:
        async with EventStreamer(healthy.url, "bf-crash") as client:
            sc = client.create_streaming_client(sub.id, batch_ack_interval=0.05)
            sc.on_event("Transfer")(
                lambda events: second_run.extend(int(e["value"]) for e in events)
            )
            await sc.start_streaming()
            await until(lambda: N - 1 in second_run, within=60, what="the last event")
            await sc.disconnect()
    finally:
        healthy.cleanup()
        proxy.stop()
    # Each run saw its events in block order; together they cover everything, with nothing
    # beyond what at-least-once redelivery of unacknowledged batches explains.
    assert first_run == sorted(first_run)
    assert second_run == sorted(second_run)
    assert set(first_run) | set(second_run) == set(range(N))
    assert not second_run or second_run[0] <= (max(first_run) + 1 if first_run else 0)
