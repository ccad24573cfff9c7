"""StreamingClient under faults, against a scripted service on a real socket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.responses import JSONResponse

from event_streamer import (
    EventStreamer,
    EventStreamerAuthError,
    EventStreamerConnectionError,
    EventStreamerTimeoutError,
    StreamingError,
)
from tests._scripted import HEARTBEAT, ScriptedService, batch, lines
from tests._stack import until

FAST = {
    "backoff_initial": 0.01,
    "backoff_max": 0.05,
    "batch_ack_interval": 0.05,
}


async def run(
    service: ScriptedService, **options: Any
) -> tuple[Any, list[int], list[StreamingError]]:
    client = EventStreamer(service.url, "faults", max_retries=0)
    sc = client.create_streaming_client(1, **{**FAST, **options})
    seen: list[int] = []
    errors: list[StreamingError] = []
    sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
    sc.on_error(errors.append)
    await sc.start_streaming()
    sc._test_client = client  # closed by stop()
    return sc, seen, errors


async def stop(sc: Any) -> None:
    await sc.disconnect()
    await sc._test_client.close()


async def test_drop_mid_line_reconnects_and_never_parses_the_fragment(scripted: Any) -> None:
    b2 = batch("b2", [2], 2)
    service = scripted(
        lambda cid: lines(batch("b1", [1], 1), b2[: len(b2) // 2], then="crash"),
        lambda cid: lines(b2),
    )
    sc, seen, errors = await run(service)
    await until(lambda: seen == [1, 2], what="both batches")
    await stop(sc)
    assert service.stream_params[1] == {"resume_token": "rt_1"}  # resumed after the handled one
    assert "CONNECTION_LOST" in {e.error_code for e in errors} | {"PROTOCOL_ERROR"}
    assert sc.stats.reconnects >= 1


async def test_clean_eof_inside_a_line_is_a_protocol_error(scripted: Any) -> None:
    b2 = batch("b2", [2], 2)
    service = scripted(
        lambda cid: lines(batch("b1", [1], 1), b2[:10], then="end"), lambda cid: lines(b2)
    )
    sc, seen, errors = await run(service)
    await until(lambda: seen == [1, 2], what="both batches")
    await stop(sc)
    assert "PROTOCOL_ERROR" in [e.error_code for e in errors]


async def test_silent_connection_is_replaced_within_the_liveness_timeout(scripted: Any) -> None:
    service = scripted(lambda cid: lines(HEARTBEAT), lambda cid: lines(batch("b1", [1], 1)))
    loop = asyncio.get_running_loop()
    started = loop.time()
    sc, seen, errors = await run(service, liveness_timeout=0.4)
    await until(lambda: seen == [1], within=5, what="the batch on the new connection")
    elapsed = loop.time() - started
    await stop(sc)
    assert elapsed < 0.4 + 1.0
    assert any("no data for 0.4s" in e.error_message for e in errors)


async def test_slow_drip_is_reassembled_without_false_timeouts(scripted: Any) -> None:
    async def drip(cid: str) -> AsyncIterator[bytes]:
        data = batch("b1", [1, 2, 3], 1) + batch("b2", [4], 2)
        for i in range(len(data)):
            yield data[i : i + 1]
            await asyncio.sleep(0.002)
        await asyncio.sleep(3600)

    service = scripted(drip)
    sc, seen, _errors = await run(service, liveness_timeout=0.5)
    await until(lambda: seen == [1, 2, 3, 4], within=10, what="dripped batches")
    await stop(sc)
    assert service.connections == 1
    assert sc.stats.reconnects == 0


async def test_malformed_line_reconnects_and_acks_nothing_after_it(scripted: Any) -> None:
    service = scripted(
        lambda cid: lines(batch("b1", [1], 1), b"{not json}\n", batch("b2", [2], 2)),
        lambda cid: lines(batch("b2", [2], 2)),
    )
    sc, seen, errors = await run(service)
    await until(lambda: seen == [1, 2], what="b1 then b2 on the new connection")
    await until(lambda: "b2" in service.acked(), what="b2 acked")
    await stop(sc)
    assert "PROTOCOL_ERROR" in [e.error_code for e in errors]
    assert ("c0", ["b2"]) not in service.acks  # b2 on the bad connection was never handled
    assert service.stream_params[1] == {"resume_token": "rt_1"}
    assert sc.stats.protocol_errors == 1


async def test_oversized_line_is_a_protocol_error(scripted: Any) -> None:
    service = scripted(
        lambda cid: lines(
            batch("b1", [1], 1), b'{"type":"heartbeat","x":"' + b"y" * 5000 + b'"}\n'
        ),
        lambda cid: lines(batch("b2", [2], 2)),
    )
    sc, seen, errors = await run(service, max_line_bytes=1000)
    await until(lambda: seen == [1, 2], what="both batches")
    await stop(sc)
    assert any("exceeds 1000 bytes" in e.error_message for e in errors)


async def test_unknown_message_types_are_counted_and_skipped(scripted: Any) -> None:
    service = scripted(lambda cid: lines(b'{"type":"gossip"}\n', batch("b1", [1], 1)))
    sc, seen, _errors = await run(service)
    await until(lambda: seen == [1], what="the batch")
    await stop(sc)
    assert sc.stats.unknown_messages == 1
    assert sc.stats.reconnects == 0


async def test_ack_404_holds_acks_for_the_next_connection(scripted: Any) -> None:
    service = scripted(lambda cid: lines(batch("b1", [1], 1)), lambda cid: lines(HEARTBEAT))
    service.dead.add("c0")  # the service forgot connection c0: acks and heartbeats get 404
    sc, _seen, errors = await run(service, heartbeat_interval=0.1)
    await until(lambda: ("c1", ["b1"]) in service.acks, what="b1 acked on the new connection")
    await stop(sc)
    assert service.stream_params[1] == {"resume_token": "rt_1"}
    assert any("no longer knows connection c0" in e.error_message for e in errors)


async def test_401_on_reconnect_stops_with_a_typed_error(scripted: Any) -> None:
    service = scripted(
        lambda cid: lines(batch("b1", [1], 1), then="crash"),
        lambda cid: JSONResponse({"error": "Unauthorized"}, status_code=401),
    )
    sc, _seen, errors = await run(service)
    with pytest.raises(EventStreamerAuthError):
        await asyncio.wait_for(sc.wait(), 10)
    assert not sc.is_running
    assert service.connections == 2  # no retry after the 401
    assert errors[-1].error_code == "AUTH_ERROR"
    assert errors[-1].recoverable is False
    await stop(sc)


async def test_stop_flushes_queued_acks_while_still_connected(scripted: Any) -> None:
    service = scripted(lambda cid: lines(batch("b1", [1], 1), batch("b2", [2], 2)))
    sc, seen, _errors = await run(service, batch_ack_interval=3600)
    await until(lambda: seen == [1, 2], what="both batches")
    assert service.acks == []  # the interval has not come round
    await stop(sc)
    assert service.acks == [("c0", ["b1", "b2"])]


async def test_resume_while_streaming_reconnects_from_the_new_token(scripted: Any) -> None:
    service = scripted(lambda cid: lines(batch("b1", [1], 1)), lambda cid: lines(HEARTBEAT))
    sc, seen, _errors = await run(service)
    await until(lambda: seen == [1], what="b1")
    await sc.resume("rt_99")
    await until(lambda: service.connections == 2, within=5, what="a new connection")
    await stop(sc)
    assert service.stream_params[1] == {"resume_token": "rt_99"}
    assert sc.get_current_resume_token() == "rt_99"


async def test_manual_ack_reconnects_never_acknowledge_handled_batches(scripted: Any) -> None:
    service = scripted(
        lambda cid: lines(batch("b1", [1], 1), then="crash"),
        lambda cid: lines(batch("b1", [1], 1), then="crash"),
        lambda cid: lines(HEARTBEAT),
    )
    sc, seen, _ = await run(service, auto_acknowledge=False, resume_token="rt_0")
    await until(lambda: service.connections >= 3, what="three connections")
    await stop(sc)
    # Every reconnect resumes from the caller's token, never from the handled (unacked) b1.
    assert service.stream_params[:3] == [{"resume_token": "rt_0"}] * 3
    assert seen == [1, 1]  # b1 redelivered because nobody acknowledged it
    assert service.acks == []


async def test_a_service_that_never_answers_is_a_failed_attempt_not_a_hang() -> None:
    async def never_answers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client goes
        writer.close()

    server = await asyncio.start_server(never_answers, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        async with EventStreamer(url, "me", max_retries=0, timeout=0.5) as client:
            sc = client.create_streaming_client(1, reconnect_attempts=1, backoff_initial=0.01)
            errors: list[StreamingError] = []
            sc.on_error(errors.append)
            with pytest.raises(EventStreamerConnectionError, match="no response") as info:
                await asyncio.wait_for(sc.start_streaming(), 10)
            assert isinstance(info.value.__cause__, EventStreamerTimeoutError)
            assert len(errors) >= 2  # each timed-out attempt reported, then the giving up
            await sc.disconnect()
    finally:
        server.close()


async def test_on_error_may_disconnect_and_restart_after_a_heartbeat_found_the_loss(
    scripted: Any,
) -> None:
    service: ScriptedService = scripted(lambda cid: lines(batch("b1", [1], 1)))
    service.dead.add("c0")  # the first connection's heartbeat gets 404
    restarted = asyncio.Event()
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(
            1, heartbeat_interval=0.05, backoff_initial=0.01, backoff_max=0.02
        )

        @sc.on_error
        async def handle_error(error: StreamingError) -> None:
            if error.error_code == "CONNECTION_LOST" and not restarted.is_set():
                await sc.disconnect()
                await asyncio.sleep(0)  # a callback that awaits is not cancelled halfway
                await sc.start_streaming()
                restarted.set()

        await sc.start_streaming()
        await asyncio.wait_for(restarted.wait(), 10)
        await until(lambda: service.connections >= 2 and sc.is_running, within=10, what="restart")
        await sc.disconnect()
