"""Storage trouble fails closed: no 2xx acknowledgement without a durable commit."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import httpx

from event_streamer import EventStreamer
from event_streamer_server.devchain import DevChain, start_anvil
from event_streamer_server.testing import LocalStack, register_chain, start_service
from tests._stack import subscribe


async def test_locked_database_means_no_ack_until_it_is_committed(tmp_path: Path) -> None:
    anvil = start_anvil()
    db = tmp_path / "svc.db"
    service = start_service(
        db=db, workdir=tmp_path / "svc", env={"EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.5"}
    )
    try:
        register_chain(service.url, anvil.url, 31337)
        async with (
            DevChain(anvil.url) as chain,
            EventStreamer(service.url, "locked", max_retries=0) as client,
        ):
            emitter = await chain.deploy_emitter()
            stack = LocalStack(service.url, anvil.url, 31337)
            sub = await subscribe(client, stack, chain, emitter)
            await emitter.emit_many(0, 5)
            sc = client.create_streaming_client(sub.id, auto_acknowledge=False)
            stream = aiter(sc)  # held: an iteration nobody references is closed at once
            batch = await anext(stream)
            locker = sqlite3.connect(db, timeout=1)
            locker.execute("BEGIN EXCLUSIVE")  # another writer holds the database
            try:
                async with httpx.AsyncClient(base_url=service.url, timeout=30) as http:
                    url = f"/subscriptions/{sub.id}/stream/{sc.connection_id}/ack/batch"
                    answer = await http.post(url, json={"batch_id": batch.batch_id})
                assert answer.status_code >= 500  # not acknowledged: it could not be committed
            finally:
                locker.rollback()
                locker.close()
            ok: Any = await sc.acknowledge_batch(batch.batch_id)  # committed now
            assert ok.acknowledged
            await sc.disconnect()
            assert (await client.get_subscription(sub.id)).events_delivered == 5
    finally:
        service.cleanup()
        anvil.cleanup()
        await asyncio.sleep(0)
