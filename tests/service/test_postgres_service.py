"""The service on PostgreSQL: a real service process (``--db postgresql://...``) on the embedded
server of ``tests/_pg.py``, and what happens while PostgreSQL itself restarts."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from event_streamer import EventStreamer
from event_streamer_server._postgres import PostgresStorage, StorageUnavailable
from event_streamer_server._postgres_embedded import EmbeddedPostgres
from event_streamer_server._storage import NewBatch, StorageBusy
from event_streamer_server.devchain import DevChain, start_anvil
from event_streamer_server.testing import LocalStack, register_chain, start_service
from tests._pg import PgServer, pg_server
from tests._stack import subscribe, until
from tests.unit._rows import new_subscription

__all__ = ["pg_server"]

ENV = {"EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.5"}


def values(events: list[dict[str, Any]]) -> list[int]:
    return [int(e["value"]) for e in events]


@pytest.fixture
def own_server() -> Iterator[EmbeddedPostgres]:
    """A PostgreSQL server of this test's own, free to be stopped and started again."""
    root = Path(tempfile.mkdtemp(prefix="es-pg-restart-"))
    server = EmbeddedPostgres(root, durable=False)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


async def test_round_trip_and_resume_after_kill_9(pg_server: PgServer, tmp_path: Path) -> None:
    """Create a chain, subscribe, stream, ack; kill -9 the service; a new process on the same
    database resumes from the token: the acknowledged batch does not come back, the rest does."""
    url = pg_server.database()
    anvil = start_anvil()
    first = start_service(db=url, workdir=tmp_path / "a", env=ENV)
    try:
        register_chain(first.url, anvil.url, 31337)
        chain = DevChain(anvil.url)
        emitter = await chain.deploy_emitter()
        async with EventStreamer(first.url, "pg") as client:
            stack = LocalStack(first.url, anvil.url, 31337)
            sub = await subscribe(client, stack, chain, emitter)
            await emitter.emit_many(0, 300)
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
            assert (await client.get_subscription(sub.id)).events_delivered == 100
        first.kill()
        # The unix-socket form of the URL works as well as TCP.
        second = start_service(db=pg_server.socket_url(url), workdir=tmp_path / "b", env=ENV)
        try:
            async with EventStreamer(second.url, "pg") as client:
                assert (await client.get_chain(31337)).chain_id == 31337
                sc = client.create_streaming_client(
                    sub.id, resume_token=token, batch_ack_interval=0.1
                )
                seen: list[int] = []
                sc.on_event("Transfer")(lambda events: seen.extend(values(events)))
                await sc.start_streaming()
                await until(lambda: len(seen) >= 200, what="200 redelivered events")
                await sc.disconnect()
                assert seen == list(range(100, 300))

                async def all_delivered() -> bool:
                    return (await client.get_subscription(sub.id)).events_delivered == 300

                await until(all_delivered, what="300 events counted as delivered")
        finally:
            second.cleanup()
        await chain.aclose()
    finally:
        first.cleanup()
        anvil.cleanup()
    assert "postgresql://" not in first.log.read_text().replace("postgresql://***", "")


async def test_service_answers_503_while_postgres_restarts(
    own_server: EmbeddedPostgres, tmp_path: Path
) -> None:
    url = own_server.create_database("svc")
    service = start_service(db=url, workdir=tmp_path, env=ENV)
    try:
        async with httpx.AsyncClient(base_url=service.url, timeout=5) as http:
            assert (await http.get("/api/chains")).status_code == 200
            own_server.stop()
            down = await http.get("/api/chains")
            assert down.status_code == 503
            assert down.headers.get("retry-after") == "1"
            own_server.start()

            async def recovered() -> bool:
                return (await http.get("/api/chains")).status_code == 200

            await until(recovered, within=20, what="the service to reach PostgreSQL again")
            assert service.alive
    finally:
        service.cleanup()


async def test_store_fails_typed_during_an_outage_and_recovers(
    own_server: EmbeddedPostgres,
) -> None:
    url = own_server.create_database("store")
    store = PostgresStorage(url, pool_size=3, acquire_timeout=2)
    await store.open()
    heard: list[int] = []
    store.add_commit_listener(heard.append)
    try:
        sub = await new_subscription(store)
        own_server.stop()  # fast shutdown, as an operator's restart
        for _ in range(4):  # every pooled connection is gone; each call fails the same way
            with pytest.raises(StorageUnavailable):
                await store.list_chains()
        own_server.start()

        async def works() -> bool:
            try:
                return [c.chain_id for c in await store.list_chains()] == [1]
            except StorageUnavailable:
                return False

        await until(works, within=20, what="the pool to reconnect")
        # The LISTEN connection reconnected too: another instance's commit wakes this one.
        other = PostgresStorage(url, pool_size=1)
        await other.open()
        try:
            sent = itertools.count()

            async def heard_other() -> bool:
                batch = NewBatch(f"b{next(sent)}", b"{}", 1, 1, 1)
                await other.store_range(sub.id, [batch], 1, [])
                return sub.id in heard

            await until(heard_other, within=20, what="a NOTIFY from the other store")
        finally:
            await other.close()
    finally:
        await store.close()


async def test_pool_exhaustion_is_busy_with_a_clear_message(pg_server: PgServer) -> None:
    store = PostgresStorage(pg_server.database(), pool_size=1, acquire_timeout=0.2)
    await store.open()
    try:
        async with store.pool.acquire():  # the only connection, held elsewhere
            with pytest.raises(StorageBusy, match="pool of 1") as err:
                await store.list_chains()
            assert not isinstance(err.value, StorageUnavailable)
        assert await store.list_chains() == []  # free again: served
    finally:
        await store.close()
