"""Service-side deadlines: redelivery on the same stream, silent connections, anvil lookup."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest

from event_streamer import EventStreamer
from event_streamer_server import devchain
from event_streamer_server.devchain import AnvilNotFoundError, DevChain, find_anvil
from event_streamer_server.testing import LocalStack, start_local_stack


@pytest.fixture(scope="module")
def short_deadlines() -> Iterator[LocalStack]:
    stack = start_local_stack(
        heartbeat_interval=0.2,
        service_env={
            "EVENT_STREAMER_ACK_DEADLINE": "0.5",
            "EVENT_STREAMER_CONNECTION_TIMEOUT": "1.0",
        },
    )
    try:
        yield stack
    finally:
        stack.stop()


async def new_sub(stack: LocalStack) -> int:
    async with DevChain(stack.rpc_url) as chain, EventStreamer(stack.service_url, "t") as client:
        emitter = await chain.deploy_emitter()
        start = await chain.block_number()
        await emitter.emit_many(0, 5)
        sub = await emitter.subscribe(client, chain_id=stack.chain_id, start_block=start)
        return sub.id


async def test_unacked_batch_is_resent_on_the_same_stream_after_the_ack_deadline(
    short_deadlines: LocalStack,
) -> None:
    sub_id = await new_sub(short_deadlines)
    batches: list[tuple[str, float]] = []
    async with (
        httpx.AsyncClient(base_url=short_deadlines.service_url, timeout=10) as http,
        http.stream("GET", f"/subscriptions/{sub_id}/stream") as response,
    ):
        conn = response.headers["x-connection-id"]
        async for line in response.aiter_lines():
            message = json.loads(line)
            if message["type"] == "heartbeat":  # keep the connection alive meanwhile
                await http.post(
                    f"/stream/{conn}/heartbeat", json={"timestamp": message["timestamp"]}
                )
            if message["type"] == "event_batch":
                # The service's own send times: the client may read the first line late.
                sent = datetime.fromisoformat(message["timestamp"].replace("Z", "+00:00"))
                batches.append((message["batch_id"], sent.timestamp()))
                if len(batches) == 2:
                    break
    (first, t1), (again, t2) = batches
    assert again == first  # never acknowledged: sent again on the same connection
    assert t2 - t1 >= 0.5 - 0.001  # the ack deadline; the stamps have millisecond resolution


async def test_silent_connection_is_closed_after_connection_timeout(
    short_deadlines: LocalStack,
) -> None:
    sub_id = await new_sub(short_deadlines)
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=short_deadlines.service_url, timeout=10) as http:
        async with http.stream("GET", f"/subscriptions/{sub_id}/stream") as response:
            async for _ in response.aiter_lines():  # no heartbeats, no acks from us
                pass  # the service ends the stream
        closed_after = time.monotonic() - started
        status = (await http.get(f"/subscriptions/{sub_id}/processing-status")).json()
    assert 1.0 <= closed_after < 10
    assert status["connection_count"] == 0
    assert status["is_processing"] is False


def test_missing_anvil_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("ANVIL_BIN", "/nonexistent/anvil")
    with pytest.raises(AnvilNotFoundError, match="ANVIL_BIN=/nonexistent/anvil does not exist"):
        find_anvil()
    monkeypatch.delenv("ANVIL_BIN")
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(devchain, "__file__", str(tmp_path / "devchain.py"))  # not a checkout
    with pytest.raises(AnvilNotFoundError, match="run `make setup`"):
        find_anvil()
