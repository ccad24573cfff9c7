"""StreamingClient lifecycle against a scripted service on a real socket: the regression tests
of issue 15 (defects 1, 2, 3, 7, 8) and the streaming items of issue 14."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import socket
import subprocess
import sys
import weakref
from typing import Any

import pytest

from event_streamer import (
    EventStreamer,
    EventStreamerClosedError,
    EventStreamerConnectionError,
    EventStreamerProtocolError,
    Heartbeat,
    MalformedLineError,
    StreamingError,
    StreamingHeartbeat,
    StreamState,
    StreamStateError,
)
from tests._scripted import HEARTBEAT, ScriptedService, batch, lines
from tests._stack import until

FAST: dict[str, Any] = {"backoff_initial": 0.01, "backoff_max": 0.02, "batch_ack_interval": 0.05}


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def collect(sc: Any, into: list[str]) -> None:
    async with asyncio.timeout(10):
        async for item in sc:
            into.append(item.batch_id)


async def start_and_wait(sc: Any) -> None:
    await sc.start_streaming()
    await asyncio.wait_for(sc.wait(), 10)


def heartbeats(cid: str) -> Any:
    async def forever() -> Any:
        while True:
            yield HEARTBEAT
            await asyncio.sleep(0.05)

    return forever()


# -- defect 1: the service is not running ---------------------------------------------------------
async def test_each_failed_connection_is_reported_and_reconnect_attempts_bound_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    errors: list[StreamingError] = []
    caplog.set_level(logging.WARNING, logger="event_streamer")
    async with EventStreamer(closed_port_url(), "down", max_retries=0) as client:
        sc = client.create_streaming_client(1, reconnect_attempts=2, **FAST)
        sc.on_error(errors.append)
        with pytest.raises(EventStreamerConnectionError, match="gave up after 2 reconnect"):
            await asyncio.wait_for(sc.start_streaming(), 10)
        assert not sc.is_running
        assert sc.state is StreamState.FAILED
    assert [e.error_code for e in errors] == ["CONNECTION_LOST"] * 4
    assert [e.recoverable for e in errors] == [True, True, True, False]
    attempts = [r for r in caplog.records if "CONNECTION_LOST" in r.getMessage()]
    assert len(attempts) == 4  # one line per failed attempt, and the last word
    assert all(r.levelno == logging.WARNING for r in attempts)


async def test_async_for_raises_once_the_reconnect_deadline_passed() -> None:
    async with EventStreamer(closed_port_url(), "down", max_retries=0) as client:
        sc = client.create_streaming_client(1, reconnect_deadline=0.2, **FAST)
        got: list[str] = []
        with pytest.raises(EventStreamerConnectionError, match=r"0\.2s without a working"):
            await collect(sc, got)
        assert got == []


# -- defect 2: break without async with ------------------------------------------------------------
BREAK_SCRIPT = """
import asyncio, sys
from event_streamer import EventStreamer

async def main(url, close_parent):
    client = EventStreamer(url, "me", max_retries=0)
    sc = client.create_streaming_client(1, batch_ack_interval=3600)
    seen = []
    async for batch in sc:
        seen.append(batch.batch_id)
        if len(seen) == 2:
            break
    if close_parent:
        await client.close()
    print(",".join(seen))

asyncio.run(main(sys.argv[1], sys.argv[2] == "close"))
"""


@pytest.mark.parametrize("parent", ["close", "leave-open"])
async def test_break_out_of_async_for_closes_cleanly_and_acks_what_was_handled(
    scripted: Any, parent: str
) -> None:
    service: ScriptedService = scripted(
        lambda cid: lines(batch("b1", [1], 1), batch("b2", [2], 2), batch("b3", [3], 3))
    )
    proc = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", BREAK_SCRIPT, service.url, parent],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stderr == ""  # no "athrow()", no "Unclosed client session"
    assert proc.returncode == 0
    assert proc.stdout.strip() == "b1,b2"
    # b1 was handled (the loop came back for more); b2 was in hand at the break: redelivered.
    assert service.acked() == ["b1"]


# -- defect 3 and issue 14: start, stop, disconnect, start again; closed for good ----------------
async def test_stop_disconnect_and_start_again_until_the_parent_closes(scripted: Any) -> None:
    service: ScriptedService = scripted(
        lambda cid: lines(batch("b1", [1], 1)),
        lambda cid: lines(batch("b2", [2], 2)),
        lambda cid: lines(batch("b3", [3], 3)),
    )
    seen: list[int] = []
    client = EventStreamer(service.url, "me", max_retries=0)
    sc = client.create_streaming_client(1, **FAST)
    sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
    assert sc.state is StreamState.IDLE
    await sc.start_streaming()
    await sc.start_streaming()  # already running: nothing to do
    await until(lambda: seen == [1], what="b1")
    with pytest.raises(StreamStateError):
        aiter(sc)  # iterating while streaming in the background is not a legal transition
    await sc.stop_streaming()
    assert sc.state is StreamState.STOPPED
    await sc.stop_streaming()  # idempotent
    await sc.start_streaming()  # stopped -> running again
    await until(lambda: seen == [1, 2], what="b2 after a restart")
    await sc.disconnect()
    await sc.disconnect()  # idempotent
    await sc.start_streaming()  # disconnected -> running again (the spec's reconnect_with_backoff)
    await until(lambda: seen == [1, 2, 3], what="b3 after disconnect and start")
    assert service.stream_params[1:] == [{"resume_token": "rt_1"}, {"resume_token": "rt_2"}]
    await client.close()  # ends its streaming clients for good
    assert not sc.is_running
    assert "b3" in service.acked()  # flushed on the way out
    with pytest.raises(EventStreamerClosedError):
        await sc.start_streaming()
    with pytest.raises(EventStreamerClosedError):
        aiter(sc)
    with pytest.raises(EventStreamerClosedError):
        await sc.check_processing_status()


# -- defect 7: reconnect=False and a protocol error ---------------------------------------------
async def test_without_reconnect_a_protocol_error_raises_from_async_for(scripted: Any) -> None:
    service: ScriptedService = scripted(lambda cid: lines(batch("b1", [1], 1), b"{not json}\n"))
    got: list[str] = []
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, reconnect=False, **FAST)
        with pytest.raises(MalformedLineError):
            await collect(sc, got)
        assert sc.state is StreamState.FAILED
    assert got == ["b1"]
    assert service.connections == 1


async def test_without_reconnect_a_clean_end_ends_async_for(scripted: Any) -> None:
    service: ScriptedService = scripted(lambda cid: lines(batch("b1", [1], 1), then="end"))
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, reconnect=False, **FAST)
        got = [item.batch_id async for item in sc]
        assert sc.state is StreamState.STOPPED
    assert got == ["b1"]


# -- defect 8: well-formed lines with wrong types -----------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        b'{"type":"event_batch","batch_id":"b1","resume_token":"rt_1","batch_size":2,'
        b'"events":{"T":[1,2]}}\n',
        b'{"type":"event_batch","batch_id":{},"resume_token":"rt_1","batch_size":0,"events":{}}\n',
        b'{"type":"event_batch","batch_id":"b1","resume_token":12345,"batch_size":0,"events":{}}\n',
    ],
)
async def test_wrong_types_are_a_protocol_error_before_any_handler(
    scripted: Any, line: bytes
) -> None:
    service: ScriptedService = scripted(lambda cid: lines(line))
    called: list[Any] = []
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, reconnect=False, **FAST)
        sc.on_event("T")(called.append)
        sc.on_all_events(called.append)
        with pytest.raises(EventStreamerProtocolError):
            await start_and_wait(sc)
    assert called == []


# -- issue 14: wire tolerance, client metadata, completion, names ----------------------------
async def test_a_batch_with_only_response_id_is_acknowledged_by_it(scripted: Any) -> None:
    line = json.dumps(
        {
            "type": "event_batch",
            "response_id": "r1",
            "resume_token": "rt_1",
            "batch_size": 1,
            "events": {"Transfer": [{"value": "1"}]},
        }
    ).encode()
    service: ScriptedService = scripted(lambda cid: lines(line + b"\n"))
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, **FAST)
        async for item in sc:
            assert item.batch_id == "r1"
            break
        await sc.stop_streaming()
    assert service.acked() == []  # left with break (no async with): not handled
    async with (
        EventStreamer(service.url, "me", max_retries=0) as client,
        client.create_streaming_client(1, **FAST) as sc,
    ):
        async for _ in sc:
            break
    assert service.acked() == ["r1"]  # left async with normally: handled and acknowledged


async def test_client_metadata_is_sent_with_each_connection(scripted: Any) -> None:
    service: ScriptedService = scripted(heartbeats)
    metadata = {"version": "1.0.0", "host": "worker-7"}
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, client_metadata=metadata, **FAST)
        await sc.start_streaming()
        await sc.disconnect()
    assert [json.loads(m or "null") for m in service.metadata] == [metadata]


@pytest.mark.parametrize("mode", ["handlers", "async-for"])
async def test_a_bounded_subscription_finishes_on_its_own(scripted: Any, mode: str) -> None:
    service: ScriptedService = scripted(lambda cid: lines(batch("b1", [1], 1)), heartbeats)
    service.end_block = 1
    service.streaming_status = "completed"  # what the service says once b1 is acknowledged
    completed: list[bool] = []
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, **FAST)
        sc.on_complete(lambda: completed.append(True))
        if mode == "handlers":
            await sc.start_streaming()
            await asyncio.wait_for(sc.wait(), 10)
        else:
            async with asyncio.timeout(10):
                got = [item.batch_id async for item in sc]
            assert got == ["b1"]
        assert sc.state is StreamState.COMPLETED
        assert not sc.is_running
    assert completed == [True]
    assert service.acked() == ["b1"]


def test_streaming_heartbeat_is_the_heartbeat_type() -> None:
    assert StreamingHeartbeat is Heartbeat


async def test_an_on_error_handler_can_disconnect_and_start_again(scripted: Any) -> None:
    """The 0.4 README's reconnect_with_backoff, run from inside the stream's own handler."""
    service: ScriptedService = scripted(
        lambda cid: lines(batch("b1", [1], 1), then="crash"),
        lambda cid: lines(batch("b2", [2], 2)),
    )
    seen: list[int] = []
    restarts: list[str] = []
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, **FAST)
        sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))

        @sc.on_error
        async def handle_error(error: StreamingError) -> None:
            if error.error_code == "CONNECTION_LOST" and not restarts:
                await sc.disconnect()
                await asyncio.sleep(0.01)
                await sc.connect()
                await sc.start_streaming()
                restarts.append("restarted")

        await sc.start_streaming()
        await until(lambda: seen == [1, 2], what="b2 after the handler restarted the stream")
        assert sc.is_running
        assert restarts == ["restarted"]
        await sc.disconnect()
    assert service.stream_params[1] == {"resume_token": "rt_1"}


async def test_ended_or_unstarted_iterations_do_not_keep_the_client_alive(scripted: Any) -> None:
    service: ScriptedService = scripted(lambda cid: lines(batch("b1", [1], 1), then="end"))
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, reconnect=False, **FAST)
        assert [item.batch_id async for item in sc] == ["b1"]
        ended = weakref.ref(sc)
        unstarted = client.create_streaming_client(1, **FAST)
        iterator = aiter(unstarted)
        never = weakref.ref(unstarted)
        del sc, unstarted, iterator
        gc.collect()
        assert ended() is None
        assert never() is None


async def test_a_task_scheduled_before_start_sees_a_running_client(scripted: Any) -> None:
    """The 0.4 README's bulk-ack loop: created before start_streaming, it checks is_running at
    its first step, which runs while start_streaming is still connecting."""
    service: ScriptedService = scripted(lambda cid: heartbeats(cid))
    async with EventStreamer(service.url, "app") as client:
        sc = client.create_streaming_client(1, **FAST)
        seen: list[bool] = []

        async def first_step() -> None:
            seen.append(sc.is_running)

        task = asyncio.create_task(first_step())
        await sc.start_streaming()
        await task
        await sc.disconnect()
    assert seen == [True]


# -- review findings: stopping, cancelling and leaving an async-for loop ---------------------------
def two_batches(cid: str) -> Any:
    return lines(batch("b1", [1], 1), batch("b2", [2], 2))


async def test_closing_the_parent_from_another_task_flushes_the_acks_of_async_for(
    scripted: Any,
) -> None:
    service: ScriptedService = scripted(two_batches)
    client = EventStreamer(service.url, "me", max_retries=0)
    sc = client.create_streaming_client(1, batch_ack_interval=3600)
    seen: list[str] = []
    consumer = asyncio.create_task(collect(sc, seen))
    await until(lambda: sc.get_current_resume_token() == "rt_2", within=10, what="b2 handled")
    await client.close()
    await asyncio.wait_for(consumer, 10)
    assert seen == ["b1", "b2"]
    assert service.acked() == ["b1", "b2"]


@pytest.mark.parametrize("with_block", [True, False])
async def test_cancelling_the_consumer_task_flushes_the_acks(
    scripted: Any, with_block: bool
) -> None:
    service: ScriptedService = scripted(two_batches)
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, batch_ack_interval=3600)
        seen: list[str] = []

        async def consume() -> None:
            if with_block:
                async with sc:
                    await collect(sc, seen)
            else:
                await collect(sc, seen)

        consumer = asyncio.create_task(consume())
        await until(lambda: sc.get_current_resume_token() == "rt_2", within=10, what="b2")
        consumer.cancel()
        await asyncio.gather(consumer, return_exceptions=True)
        assert service.acked() == ["b1", "b2"]
        assert sc.state is StreamState.STOPPED


@pytest.mark.parametrize("with_block", [True, False])
async def test_stop_in_the_loop_body_lets_the_batch_in_hand_finish(
    scripted: Any, with_block: bool
) -> None:
    service: ScriptedService = scripted(two_batches)
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, batch_ack_interval=3600)
        seen: list[str] = []
        if with_block:
            async with sc:
                async for item in sc:
                    seen.append(item.batch_id)
                    if item.batch_id == "b2":
                        await sc.stop_streaming()  # the loop ends at its next step
        else:
            async for item in sc:
                seen.append(item.batch_id)
                if item.batch_id == "b2":
                    await sc.stop_streaming()
                    break  # after a stop, break keeps the batch in hand handled
            await sc.disconnect()
        assert seen == ["b1", "b2"]
        assert sc.get_current_resume_token() == "rt_2"
        assert service.acked() == ["b1", "b2"]


async def test_break_without_async_with_closes_the_connection_promptly(scripted: Any) -> None:
    service: ScriptedService = scripted(two_batches)
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, batch_ack_interval=3600, heartbeat_interval=0.05)
        async for item in sc:
            if item.batch_id == "b2":
                break
        await until(lambda: not sc.is_running, within=5, what="the loop's run to end")
        # Wound down (connection closed, heartbeat task awaited) while the loop still runs.
        assert sc.state is StreamState.STOPPED
        assert service.acked() == ["b1"]  # b2 was in hand at the break: redelivered


async def test_stop_while_connecting_lets_wait_return(scripted: Any) -> None:
    opened = asyncio.Event()

    async def never_answers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        opened.set()
        await reader.read()  # until the client goes
        writer.close()

    server = await asyncio.start_server(never_answers, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        async with EventStreamer(url, "me", max_retries=0) as client:
            sc = client.create_streaming_client(1)
            starter = asyncio.create_task(sc.start_streaming())
            await asyncio.wait_for(opened.wait(), 10)
            waiter = asyncio.create_task(sc.wait())
            await sc.stop_streaming()
            results = await asyncio.wait_for(asyncio.gather(starter, waiter), 10)
            assert results == [None, None]
            assert sc.state is StreamState.STOPPED
    finally:
        server.close()


async def test_start_while_another_task_stops_starts_again_after_the_stop(
    scripted: Any,
) -> None:
    service: ScriptedService = scripted(lambda cid: lines(batch("b1", [1], 1)))
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1)
        gate, handling = asyncio.Event(), asyncio.Event()

        @sc.on_all_events
        async def handler(events: Any) -> None:
            handling.set()
            await gate.wait()

        await sc.start_streaming()
        await asyncio.wait_for(handling.wait(), 10)
        stopper = asyncio.create_task(sc.stop_streaming())
        await until(lambda: sc.state is StreamState.STOPPING, within=5, what="stopping")
        await sc.start_streaming()  # asked while stopping: runs once the stop is over
        gate.set()
        await asyncio.wait_for(stopper, 10)
        await until(lambda: service.connections == 2, within=10, what="the new connection")
        assert sc.is_running
        await sc.disconnect()


def test_a_timed_out_start_leaves_no_orphan_run(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        client = EventStreamer(closed_port_url(), "me", max_retries=0)
        sc = client.create_streaming_client(
            1, reconnect_attempts=2, backoff_initial=0.02, backoff_max=0.05
        )
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(sc.start_streaming(), 0.02)
        await until(lambda: not sc.is_running, within=5, what="the run to stop")
        await client.close()

    asyncio.run(main())
    gc.collect()
    assert "never retrieved" not in caplog.text


async def test_a_second_concurrent_async_for_is_a_stream_state_error(scripted: Any) -> None:
    service: ScriptedService = scripted(lambda cid: lines(batch("b1", [1], 1)))
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1)
        seen: list[str] = []
        first = asyncio.create_task(collect(sc, seen))
        await until(lambda: seen == ["b1"], within=10, what="b1")
        with pytest.raises(StreamStateError):
            async for _ in sc:
                pass
        await sc.disconnect()
        await asyncio.wait_for(first, 10)


@pytest.mark.parametrize("where", ["handler", "loop body"])
async def test_resume_in_a_handler_or_the_loop_body_is_honoured(scripted: Any, where: str) -> None:
    service: ScriptedService = scripted(two_batches)
    async with EventStreamer(service.url, "me", max_retries=0) as client:
        sc = client.create_streaming_client(1, **FAST)
        if where == "handler":

            @sc.on_all_events
            async def handler(events: Any) -> None:
                if service.connections == 1 and sc.current_batch.batch_id == "b1":
                    await sc.resume("rt_100")

            await sc.start_streaming()
            await until(lambda: service.connections >= 2, within=10, what="the reconnect")
        else:
            async for item in sc:
                if service.connections == 1 and item.batch_id == "b1":
                    await sc.resume("rt_100")
                if service.connections >= 2:
                    break
        await sc.disconnect()
    assert service.stream_params[1] == {"resume_token": "rt_100"}
