"""Several service instances on one store and one anvil (issue 18).

The store is the ``shared_db`` fixture, parametrised: a SQLite file shared by the processes, and a
fresh database on the session's embedded PostgreSQL server (``tests/_pg.py``), so every test here
runs on both backends.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from event_streamer import EventStreamer
from event_streamer_server.devchain import DevChain, start_anvil
from event_streamer_server.testing import register_chain
from tests._cluster import Consumer, Instances, read_log
from tests._pg import PgServer, pg_server
from tests._stack import until

__all__ = ["pg_server"]  # the session's PostgreSQL server, a fixture

CHAIN = 31337
TTL = 2.0


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store every instance of a test opens: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "postgresql":
        server: PgServer = request.getfixturevalue("pg_server")
        return server.database()
    return str(tmp_path / "shared.db")


@pytest.fixture
async def cluster(tmp_path: Path, shared_db: str) -> AsyncIterator[tuple[Instances, str]]:
    """Three instances (lease ttl 2 s) on one store, and anvil; the chain registered on one."""
    anvil = start_anvil()
    instances = Instances(shared_db, tmp_path, n=3, ttl=TTL)
    try:
        await asyncio.to_thread(instances.start_all)
        register_chain(instances.urls[0], anvil.url, CHAIN, average_block_time=0.05)
        yield instances, anvil.url
    finally:
        await asyncio.to_thread(instances.stop_all)
        anvil.cleanup()


async def bounded(lines: AsyncIterator[str], within: float = 30.0) -> AsyncIterator[str]:
    """``lines`` until ``within`` seconds have passed (then ``TimeoutError``)."""
    async with asyncio.timeout(within):
        async for line in lines:
            yield line


def assert_exactly_once_per_acked_batch(log: Path, emitted: int) -> None:
    """Every value handled; a batch handled twice was not acknowledged before it came back."""
    acked_at: dict[str, float] = {}
    handled: Counter[str] = Counter()
    seen: set[int] = set()
    for record in read_log(log):
        if record["kind"] == "acked":
            acked_at.setdefault(record["batch"], record["t"])
        elif record["kind"] == "handled":
            handled[record["batch"]] += 1
            if handled[record["batch"]] > 1:
                assert record["batch"] not in acked_at or acked_at[record["batch"]] > record["t"]
            seen.update(record["values"])
    assert seen == set(range(emitted))


async def test_one_instance_ingests_and_a_peer_takes_over_after_kill(
    cluster: tuple[Instances, str], tmp_path: Path
) -> None:
    instances, rpc_url = cluster
    async with DevChain(rpc_url) as chain, EventStreamer(instances.urls[0], "cluster") as client:
        emitter = await chain.deploy_emitter()
        sub = await emitter.subscribe(client, chain_id=CHAIN)  # made through instance 0
        await until(
            lambda: instances.lease_owner(CHAIN) is not None, within=10, what="a lease holder"
        )
        ids = await asyncio.to_thread(instances.instance_ids)
        lease = instances.lease_owner(CHAIN)
        assert lease is not None
        owner, token, active = lease
        assert active
        assert owner in ids
        holder = ids[owner]
        # The consumer streams from an instance that does not ingest.
        log = tmp_path / "consumer.jsonl"
        consumer = Consumer(instances.urls, sub.id, log, start_at=holder + 1)
        consumer.start()
        try:
            await emitter.emit_many(0, 20)
            await until(lambda: set(range(20)) <= set(consumer.values), what="the first 20")
            assert consumer.url is not None
            assert consumer.url != instances.urls[holder]
            # Exactly one instance ingested: the holder (its log says so, no other's does).
            ingesting = [
                i
                for i, proc in enumerate(instances.procs)
                if proc is not None and f"chain {CHAIN}: ingesting here" in proc.output()
            ]
            assert ingesting == [holder]

            killed_at = time.monotonic()
            instances.kill(holder)
            await emitter.emit_many(20, 20)
            await until(
                lambda: set(range(40)) <= set(consumer.values),
                within=TTL + TTL / 3 + 10,
                what="events emitted after the holder was killed",
            )
            took = time.monotonic() - killed_at
            after = instances.lease_owner(CHAIN)
            assert after is not None
            assert after[0] != owner
            assert after[1] == token + 1
            assert took <= TTL + TTL / 3 + 3.0, f"takeover took {took:.2f}s"
        finally:
            await consumer.stop()
    assert_exactly_once_per_acked_batch(log, 40)


async def test_subscription_made_on_one_instance_streams_from_another_and_acks_count(
    cluster: tuple[Instances, str], tmp_path: Path
) -> None:
    instances, rpc_url = cluster
    a, b = instances.urls[0], instances.urls[1]
    async with DevChain(rpc_url) as chain, EventStreamer(a, "cluster") as client:
        emitter = await chain.deploy_emitter()
        sub = await emitter.subscribe(client, chain_id=CHAIN)  # made on A
        on_b = Consumer([b], sub.id, tmp_path / "b.jsonl")
        on_b.start()
        try:
            await emitter.emit_many(0, 10)
            await until(lambda: set(range(10)) <= set(on_b.values), what="events streamed by B")
            await until(lambda: len(on_b.acked) > 0, what="acks on B")
            await until(
                lambda: read_log(tmp_path / "b.jsonl")[-1]["kind"] != "handled",
                what="B's last ack answered",
            )
        finally:
            await on_b.stop()
        acked_on_b = set(on_b.acked)
        # A fresh stream on A (no resume token): what B acknowledged does not come back.
        on_a = Consumer([a], sub.id, tmp_path / "a.jsonl")
        on_a.start()
        try:
            await emitter.emit_many(10, 10)
            await until(lambda: set(range(10, 20)) <= set(on_a.values), what="events on A")
        finally:
            await on_a.stop()
    again = {r["batch"] for r in read_log(tmp_path / "a.jsonl") if r["kind"] == "handled"}
    assert not again & acked_on_b
    unacked_on_b = {
        r["batch"] for r in read_log(tmp_path / "b.jsonl") if r["kind"] == "handled"
    } - acked_on_b
    assert again - unacked_on_b, "A streamed new batches"


async def test_a_subscription_deleted_through_one_instance_closes_streams_on_another(
    cluster: tuple[Instances, str],
) -> None:
    instances, rpc_url = cluster
    a, b = instances.urls[0], instances.urls[1]
    async with DevChain(rpc_url) as chain, EventStreamer(a, "cluster") as client:
        emitter = await chain.deploy_emitter()
        sub = await emitter.subscribe(client, chain_id=CHAIN)
        async with (
            httpx.AsyncClient(base_url=b, timeout=10) as http,
            http.stream("GET", f"/subscriptions/{sub.id}/stream") as response,
        ):
            assert response.status_code == 200
            lines = response.aiter_lines()
            await anext(lines)  # the stream is open on B
            await client.delete_subscription(sub.id)
            ended_at = time.monotonic()

            async def drain() -> None:
                async for _ in lines:
                    pass

            await asyncio.wait_for(drain(), timeout=5.0)  # B closed it: the stream ended
        assert time.monotonic() - ended_at < 5.0


async def test_acks_and_heartbeats_sent_to_a_peer_instance_count(
    cluster: tuple[Instances, str],
) -> None:
    """Behind a load balancer without affinity a stream's acks may reach another instance."""
    instances, rpc_url = cluster
    a, b, c = instances.urls
    async with DevChain(rpc_url) as chain, EventStreamer(a, "cluster") as client:
        emitter = await chain.deploy_emitter()
        sub = await emitter.subscribe(client, chain_id=CHAIN)
        await emitter.emit_many(0, 3)
        async with (
            httpx.AsyncClient(timeout=10) as http,
            http.stream("GET", f"{b}/subscriptions/{sub.id}/stream") as response,
        ):
            cid = response.headers["x-connection-id"]
            batch_id = None
            async for line in bounded(response.aiter_lines()):
                message = json.loads(line)
                if message["type"] == "event_batch":
                    batch_id = message["batch_id"]
                    break
            assert batch_id is not None
            # The stream is on B; its ack goes to A and its heartbeat to C.
            ack = await http.post(
                f"{a}/subscriptions/{sub.id}/stream/{cid}/ack/batch", json={"batch_id": batch_id}
            )
            assert ack.status_code == 200, ack.text
            assert ack.json()["connection_id"] == cid
            beat = await http.post(
                f"{c}/stream/{cid}/heartbeat", json={"timestamp": "2026-01-01T00:00:00Z"}
            )
            assert beat.status_code == 200, beat.text
            # An id no instance handed out is still unknown.
            bogus = await http.post(
                f"{a}/subscriptions/{sub.id}/stream/not-a-stream/ack/batch",
                json={"batch_id": batch_id},
            )
            assert bogus.status_code == 404
        await emitter.emit_many(3, 3)
        # A fresh stream elsewhere starts after the batch acknowledged through A.
        async with (
            httpx.AsyncClient(timeout=10) as http,
            http.stream("GET", f"{c}/subscriptions/{sub.id}/stream") as response,
        ):
            values: list[int] = []
            async for line in bounded(response.aiter_lines()):
                message = json.loads(line)
                if message["type"] == "event_batch":
                    assert message["batch_id"] != batch_id
                    values += [int(e["value"]) for e in message["events"]["Transfer"]]
                    if len(values) >= 3:
                        break
            assert values == [3, 4, 5]
