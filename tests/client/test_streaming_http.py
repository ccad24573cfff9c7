"""StreamingClient HTTP handling against pytest-httpx: request shapes, framing, typed errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock, IteratorStream

from event_streamer import (
    EventStreamer,
    EventStreamerAuthError,
    InvalidResumeTokenError,
    StreamingError,
    SubscriptionNotFoundError,
)

URL = "http://es.test"
STREAM = f"{URL}/subscriptions/7/stream"


def batch_line(batch_id: str, values: list[int], token: str) -> bytes:
    events = [{"value": str(v), "block_number": v} for v in values]
    return (
        json.dumps(
            {
                "type": "event_batch",
                "batch_id": batch_id,
                "resume_token": token,
                "batch_size": len(events),
                "events": {"Transfer": events},
            }
        ).encode()
        + b"\n"
    )


def subscription(end_block: int | None = None) -> dict[str, Any]:
    return {
        "id": 7,
        "topic0": "0x" + "dd" * 32,
        "event_signature": {"type": "event", "name": "Transfer", "inputs": []},
        "addresses": [],
        "start_block": 0,
        "end_block": end_block,
        "chain_id": 31337,
        "subscriber_id": "me",
        "is_streaming": True,
        "streaming_status": "active",
        "events_delivered": 0,
        "created_at": "2026-11-27T10:30:00Z",
        "updated_at": "2026-11-27T10:30:00Z",
    }


def allow_completion_check(httpx_mock: HTTPXMock) -> None:
    """An idle stream asks once whether its subscription is bounded (this one is not)."""
    httpx_mock.add_response(
        url=f"{URL}/subscriptions/7", json=subscription(), is_optional=True, is_reusable=True
    )


def client_for_unit_tests(client: EventStreamer, **kw: Any) -> Any:
    # The default stream transport is aiohttp; pytest-httpx intercepts httpx's own transport.
    return client.create_streaming_client(
        7, stream_transport=httpx.AsyncHTTPTransport(), reconnect=False, **kw
    )


async def test_stream_request_shape_and_chunked_lines(httpx_mock: HTTPXMock) -> None:
    data = batch_line("b1", [1, 2], "rt_1") + b'{"type":"heartbeat","timestamp":"t"}\n'
    data += batch_line("b2", [3], "rt_2")
    chunks = [data[i : i + 7] for i in range(0, len(data), 7)]  # 7-byte chunks split everything
    httpx_mock.add_response(
        url=f"{STREAM}?resume_token=rt_0",
        stream=IteratorStream(chunks),
        headers={"X-Connection-Id": "conn-1", "Content-Type": "application/x-ndjson"},
    )
    allow_completion_check(httpx_mock)
    async with EventStreamer(URL, "me", api_key="k") as client:
        sc = client_for_unit_tests(client, resume_token="rt_0", auto_acknowledge=False)
        got = [b async for b in sc]
        await sc.disconnect()
    assert [b.batch_id for b in got] == ["b1", "b2"]
    assert sc.get_current_resume_token() == "rt_2"
    assert sc.stats.heartbeats == 1
    request = httpx_mock.get_requests()[0]
    assert request.headers["Accept"] == "application/x-ndjson"
    assert request.headers["Authorization"] == "Bearer k"


async def test_auto_ack_sends_one_bulk_ack_with_the_connection_id(httpx_mock: HTTPXMock) -> None:
    stream = batch_line("b1", [1], "rt_1") + batch_line("b2", [2], "rt_2")
    httpx_mock.add_response(
        url=STREAM, stream=IteratorStream([stream]), headers={"X-Connection-Id": "conn-1"}
    )
    httpx_mock.add_response(
        url=f"{URL}/subscriptions/7/stream/conn-1/ack/batch/bulk",
        json={
            "total_batches": 2,
            "acknowledged_batches": 2,
            "failed_batches": 0,
            "failed_batch_ids": [],
            "total_events_acknowledged": 2,
            "connection_id": "conn-1",
            "timestamp": "2026-11-27T10:30:00Z",
        },
    )
    async with EventStreamer(URL, "me") as client:
        sc = client_for_unit_tests(client, batch_ack_interval=60)
        async for batch in sc:
            if batch.batch_id == "b2":
                await sc.stop_streaming()  # b2 in hand finishes; acks flushed while connected
                break
    ack = httpx_mock.get_requests(url=f"{URL}/subscriptions/7/stream/conn-1/ack/batch/bulk")
    assert len(ack) == 1
    body = json.loads(ack[0].content)
    assert body == {"batch_ids": ["b1", "b2"], "connection_id": "conn-1"}


@pytest.mark.parametrize(
    ("status", "body", "exc", "code"),
    [
        (401, {"error": "Unauthorized"}, EventStreamerAuthError, "AUTH_ERROR"),
        (
            404,
            {"error": "Subscription not found"},
            SubscriptionNotFoundError,
            "SUBSCRIPTION_NOT_FOUND",
        ),
        (
            400,
            {"error": "Invalid resume token", "error_code": "INVALID_RESUME_TOKEN"},
            InvalidResumeTokenError,
            "SUBSCRIPTION_ERROR",
        ),
    ],
)
async def test_fatal_answers_stop_with_typed_errors(
    httpx_mock: HTTPXMock, status: int, body: dict[str, Any], exc: type[Exception], code: str
) -> None:
    httpx_mock.add_response(url=STREAM, status_code=status, json=body)
    errors: list[StreamingError] = []
    async with EventStreamer(URL, "me") as client:
        sc = client.create_streaming_client(7, stream_transport=httpx.AsyncHTTPTransport())
        sc.on_error(errors.append)
        with pytest.raises(exc):
            await sc.start_streaming()
        assert not sc.is_running
        assert isinstance(sc.error, exc)
        await sc.disconnect()
    assert [e.error_code for e in errors] == [code]
    assert errors[0].recoverable is False
    assert len(httpx_mock.get_requests()) == 1  # never retried


async def test_invalid_options_are_rejected() -> None:
    from event_streamer import EventStreamerValidationError

    async with EventStreamer(URL, "me") as client:
        for kwargs in ({"batch_ack_interval": 0}, {"resume_token": "nope"}, {"max_line_bytes": -1}):
            with pytest.raises(EventStreamerValidationError):
                client.create_streaming_client(7, **kwargs)
        with pytest.raises(EventStreamerValidationError):
            client.create_streaming_client(0)
