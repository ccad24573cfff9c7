"""StreamSession, the stream's pure state machine: every transition without sockets or sleeps."""

from __future__ import annotations

import json
from typing import Any

import pytest

from event_streamer import (
    EventStreamerAuthError,
    EventStreamerConnectionError,
    EventStreamerProtocolError,
    EventStreamerRateLimitError,
    InvalidResumeTokenError,
    MalformedLineError,
    PoisonBatchError,
    RetryPolicy,
    StreamSession,
    StreamState,
    StreamStateError,
    SubscriptionNotFoundError,
    TruncatedLineError,
)
from event_streamer._streaming import (
    CheckCompletion,
    Connect,
    Dispatch,
    Fail,
    Finish,
    FlushAcks,
    HeartbeatReceived,
    Reconnect,
    Report,
    SendHeartbeat,
)

S = StreamState


def batch_line(batch_id: str, seq: int, *, block: int = 1) -> bytes:
    message = {
        "type": "event_batch",
        "batch_id": batch_id,
        "resume_token": f"rt_{seq}",
        "batch_size": 1,
        "events": {"Transfer": [{"value": "1", "block_number": block}]},
    }
    return json.dumps(message).encode() + b"\n"


HEARTBEAT = b'{"type":"heartbeat","timestamp":"t"}\n'


def session(**kw: Any) -> StreamSession:
    kw.setdefault("retry", RetryPolicy(backoff_base=1.0, backoff_cap=8.0))
    return StreamSession(1, **kw)


def streaming(**kw: Any) -> StreamSession:
    s = session(**kw)
    s.start()
    assert s.connection_opened("c1") == []
    return s


def handle_all(s: StreamSession, data: bytes) -> list[Any]:
    """Feed ``data``; handle every batch; return the events seen (batches as their ids)."""
    s.receive_data(data)
    seen: list[Any] = []
    while (event := s.next_event()) is not None:
        if isinstance(event, Dispatch):
            s.batch_handled(event.batch)
            seen.append(event.batch.batch_id)
        else:
            seen.append(event)
    return seen


def codes(actions: list[Any]) -> list[str]:
    return [a.error.error_code for a in actions if isinstance(a, Report)]


# -- lifecycle ------------------------------------------------------------------------------------
def test_start_connects_from_the_given_token() -> None:
    s = session(resume_token="rt_5")
    assert s.state is S.IDLE
    assert not s.is_running
    assert s.start() == Connect("rt_5")
    assert s.state is S.CONNECTING
    assert s.is_running
    s.connection_opened("c1")
    assert s.state is S.STREAMING
    assert s.connection_id == "c1"


def test_start_while_running_is_illegal() -> None:
    s = streaming()
    with pytest.raises(StreamStateError, match="cannot start: the stream is streaming"):
        s.start()


@pytest.mark.parametrize("first", ["connecting", "streaming", "backoff"])
def test_stop_from_each_running_state_then_start_again(first: str) -> None:
    s = session()
    s.start()
    if first != "connecting":
        s.connection_opened("c1")
    if first == "backoff":
        s.connection_failed(EventStreamerConnectionError("refused"), now=0.0)
        assert s.state is S.BACKOFF
    assert s.stop() is True
    assert s.state is S.STOPPING
    assert s.next_step() == Finish(completed=False)
    assert s.stop() is True  # idempotent while stopping
    assert s.stopped() is S.STOPPED
    assert not s.is_running
    assert s.connection_id is None
    assert s.stop() is False  # nothing to stop
    assert isinstance(s.start(), Connect)  # a stopped stream starts again


def test_stopped_outside_stopping_is_illegal() -> None:
    with pytest.raises(StreamStateError, match="illegal in state idle"):
        session().stopped()


def test_connection_opened_after_stop_is_ignored_and_leaves_stopping() -> None:
    s = session()
    s.start()
    s.stop()
    assert s.connection_opened("c1") == []
    assert s.state is S.STOPPING


def test_connection_opened_when_idle_is_illegal() -> None:
    with pytest.raises(StreamStateError):
        session().connection_opened("c1")


def test_receive_data_when_not_streaming_is_illegal() -> None:
    s = session()
    with pytest.raises(StreamStateError):
        s.receive_data(HEARTBEAT)


def test_backoff_elapsed_only_in_backoff() -> None:
    s = streaming()
    with pytest.raises(StreamStateError):
        s.backoff_elapsed()


# -- dispatch and ack -----------------------------------------------------------------------------
def test_batches_dispatch_in_order_and_are_queued_for_ack_once_handled() -> None:
    s = streaming()
    data = batch_line("b1", 1, block=7) + batch_line("b2", 2, block=9)
    s.receive_data(data[:30])
    assert s.next_event() is None  # half a line: more bytes needed
    s.receive_data(data[30:])
    first = s.next_event()
    assert isinstance(first, Dispatch)
    assert first.batch.batch_id == "b1"
    with pytest.raises(StreamStateError, match="being handled"):
        s.next_event()  # b1 must be answered first
    with pytest.raises(StreamStateError, match="previous chunk"):
        s.receive_data(HEARTBEAT)
    assert s.pending_acks == ()  # received is not handled
    s.batch_handled(first.batch)
    assert s.resume_token == "rt_1"
    assert s.pending_acks == ("b1",)
    second = s.next_event()
    assert isinstance(second, Dispatch)
    s.batch_handled(second.batch)
    assert s.next_event() is None
    assert s.stats.batches == 2
    assert s.stats.last_block == 9
    assert s.acks_due() == FlushAcks("c1", ["b1", "b2"])
    assert s.acks_due() is None  # one flush at a time
    s.acks_sent(["b1", "b2"], failed_ids=[], acknowledged=2)
    assert s.pending_acks == ()
    assert s.stats.acks_sent == 2


def test_answering_for_another_batch_is_illegal() -> None:
    s = streaming()
    s.receive_data(batch_line("b1", 1))
    assert isinstance(s.next_event(), Dispatch)
    other = streaming()
    other.receive_data(batch_line("b9", 9))
    foreign = other.next_event()
    assert isinstance(foreign, Dispatch)
    with pytest.raises(StreamStateError, match="not the one being handled"):
        s.batch_handled(foreign.batch)


def test_manual_ack_queues_nothing_and_reconnects_from_the_callers_token() -> None:
    s = session(auto_acknowledge=False, resume_token="rt_0")
    s.start()
    s.connection_opened("c1")
    assert handle_all(s, batch_line("b1", 1)) == ["b1"]
    assert s.pending_acks == ()
    assert s.resume_token == "rt_1"
    s.connection_failed(EventStreamerConnectionError("reset"), now=0.0)
    assert s.backoff_elapsed() == Connect("rt_0")


def test_auto_ack_reconnects_after_the_last_handled_batch() -> None:
    s = streaming()
    handle_all(s, batch_line("b1", 1))
    s.connection_failed(EventStreamerConnectionError("reset"), now=0.0)
    assert s.backoff_elapsed() == Connect("rt_1")


def test_acks_wait_for_a_connection_and_survive_a_lost_one() -> None:
    s = streaming()
    handle_all(s, batch_line("b1", 1))
    flush = s.acks_due()
    assert flush is not None
    s.acks_failed(flush.batch_ids, gone=True)  # the service forgot c1
    s.connection_failed(EventStreamerConnectionError("reset"), now=0.0)
    s.connection_closed()
    assert s.acks_due() is None  # no connection to ack on
    s.backoff_elapsed()
    s.connection_opened("c2")
    assert s.acks_due() == FlushAcks("c2", ["b1"])
    assert s.stats.acks_failed == 0  # a forgotten connection is not a failed ack


def test_a_rejected_ack_is_retried_then_dropped() -> None:
    s = streaming()
    handle_all(s, batch_line("b1", 1))
    for _ in range(3):
        flush = s.acks_due()
        assert flush == FlushAcks("c1", ["b1"])
        s.acks_sent(["b1"], failed_ids=["b1"], acknowledged=0)
    assert s.pending_acks == ()
    assert s.stats.acks_failed == 3


def test_acks_go_out_at_most_1000_at_a_time() -> None:
    s = streaming()
    handle_all(s, b"".join(batch_line(f"b{i}", i) for i in range(1500)))
    first = s.acks_due()
    assert first is not None
    assert len(first.batch_ids) == 1000
    s.acks_sent(first.batch_ids, failed_ids=[], acknowledged=1000)
    second = s.acks_due()
    assert second is not None
    assert len(second.batch_ids) == 500


# -- handler failures ------------------------------------------------------------------------------
def test_handler_failure_reconnects_from_the_last_handled_batch() -> None:
    s = streaming()
    handle_all(s, batch_line("b1", 1))
    s.receive_data(batch_line("b2", 2) + batch_line("b3", 3))
    event = s.next_event()
    assert isinstance(event, Dispatch)
    actions = s.batch_failed(event.batch, ValueError("boom"), now=0.0)
    assert codes(actions) == ["HANDLER_ERROR"]
    assert s.state is S.BACKOFF
    assert isinstance(s.next_step(), Reconnect)
    assert s.next_event() is None  # b3 was on the dropped connection
    assert s.backoff_elapsed() == Connect("rt_1")
    assert s.pending_acks == ("b1",)


def test_a_batch_failing_max_handler_attempts_times_is_poison() -> None:
    s = session(max_handler_attempts=2)
    s.start()
    actions: list[Any] = []
    for attempt in (1, 2):
        if attempt > 1:
            s.backoff_elapsed()
        s.connection_opened(f"c{attempt}")
        s.receive_data(batch_line("b1", 1))
        event = s.next_event()
        assert isinstance(event, Dispatch)
        actions = s.batch_failed(event.batch, ValueError("boom"), now=0.0)
    assert codes(actions) == ["HANDLER_ERROR", "POISON_BATCH"]
    step = s.next_step()
    assert isinstance(step, Fail)
    assert isinstance(step.error, PoisonBatchError)
    assert s.stopped() is S.FAILED
    assert s.error is step.error
    assert isinstance(s.start(), Connect)  # a failed stream may start again


def test_a_consumer_leaving_mid_batch_does_not_handle_it() -> None:
    s = streaming()
    s.receive_data(batch_line("b1", 1))
    event = s.next_event()
    assert isinstance(event, Dispatch)
    s.batch_abandoned(event.batch)
    assert s.pending_acks == ()
    assert s.resume_token is None


# -- connection failures and reconnects ----------------------------------------------------------
def test_each_failed_attempt_is_reported_and_backs_off_with_the_retry_policy() -> None:
    s = session(retry=RetryPolicy(backoff_base=1.0, backoff_cap=4.0))
    s.start()
    for attempt, ceiling in enumerate([1.0, 2.0, 4.0, 4.0], start=1):
        actions = s.connection_failed(EventStreamerConnectionError("refused"), now=float(attempt))
        assert codes(actions) == ["CONNECTION_LOST"]
        assert actions[0].error.recoverable
        step = s.next_step()
        assert isinstance(step, Reconnect)
        assert step.attempt == attempt
        assert 0.0 <= step.delay <= ceiling
        s.backoff_elapsed()
    assert s.stats.reconnects == 4


def test_reconnect_attempts_bound_the_retries() -> None:
    s = session(reconnect_attempts=2)
    s.start()
    for _ in range(2):
        s.connection_failed(EventStreamerConnectionError("refused"), now=0.0)
        s.backoff_elapsed()
    actions = s.connection_failed(EventStreamerConnectionError("refused"), now=0.0)
    assert codes(actions) == ["CONNECTION_LOST", "CONNECTION_LOST"]
    assert [a.error.recoverable for a in actions] == [True, False]
    step = s.next_step()
    assert isinstance(step, Fail)
    assert isinstance(step.error, EventStreamerConnectionError)
    assert "gave up after 2 reconnect attempts" in str(step.error)


def test_reconnect_deadline_bounds_the_time_without_a_connection() -> None:
    s = session(reconnect_deadline=10.0)
    s.start()
    s.connection_failed(EventStreamerConnectionError("refused"), now=100.0)
    s.backoff_elapsed()
    s.connection_failed(EventStreamerConnectionError("refused"), now=105.0)
    assert s.state is S.BACKOFF
    s.backoff_elapsed()
    s.connection_failed(EventStreamerConnectionError("refused"), now=110.0)
    step = s.next_step()
    assert isinstance(step, Fail)
    assert "10s without a working connection" in str(step.error)


def test_a_handled_batch_or_heartbeat_resets_the_failure_count() -> None:
    s = session(reconnect_attempts=1)
    s.start()
    for i in range(6):  # each connection makes progress before it drops: never gives up
        s.connection_opened(f"c{i}")
        handle_all(s, HEARTBEAT if i % 2 else batch_line(f"b{i}", i))
        s.connection_failed(EventStreamerConnectionError("reset"), now=0.0)
        assert s.state is S.BACKOFF
        s.backoff_elapsed()
    # The last drop counted once; a second failure without progress exceeds the bound.
    s.connection_failed(EventStreamerConnectionError("refused"), now=0.0)
    assert isinstance(s.next_step(), Fail)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (EventStreamerAuthError("no"), "AUTH_ERROR"),
        (SubscriptionNotFoundError("gone"), "SUBSCRIPTION_NOT_FOUND"),
        (InvalidResumeTokenError("bad token"), "SUBSCRIPTION_ERROR"),
    ],
)
def test_fatal_answers_fail_without_retry(error: Exception, code: str) -> None:
    s = session()
    s.start()
    actions = s.connection_failed(error, now=0.0)
    assert codes(actions) == [code]
    assert not actions[0].error.recoverable
    assert s.next_step() == Fail(error)
    assert s.stopped() is S.FAILED
    assert s.error is error


def test_rate_limit_waits_retry_after() -> None:
    s = session()
    s.start()
    s.connection_failed(EventStreamerRateLimitError("slow down", retry_after=7.5), now=0.0)
    assert s.next_step() == Reconnect(7.5, 1)


def test_a_malformed_line_is_a_protocol_error_that_reconnects() -> None:
    s = streaming()
    s.receive_data(batch_line("b1", 1) + b"{not json}\n" + batch_line("b2", 2))
    event = s.next_event()
    assert isinstance(event, Dispatch)
    s.batch_handled(event.batch)
    with pytest.raises(MalformedLineError) as caught:
        s.next_event()
    actions = s.connection_failed(caught.value, now=0.0)
    assert codes(actions) == ["PROTOCOL_ERROR"]
    assert s.stats.protocol_errors == 1
    assert s.next_event() is None  # b2 (after the bad line) is never delivered
    assert s.backoff_elapsed() == Connect("rt_1")


def test_a_stream_ending_inside_a_line_is_a_protocol_error() -> None:
    s = streaming()
    handle_all(s, batch_line("b1", 1)[:10])
    with pytest.raises(TruncatedLineError):
        s.stream_ended(now=0.0)


def test_a_clean_end_reconnects() -> None:
    s = streaming()
    actions = s.stream_ended(now=0.0)
    assert codes(actions) == ["CONNECTION_LOST"]
    assert isinstance(s.next_step(), Reconnect)


def test_without_reconnect_a_clean_end_finishes_and_an_error_fails() -> None:
    s = streaming(reconnect=False)
    assert s.stream_ended(now=0.0) == []
    assert s.next_step() == Finish(completed=False)
    assert s.stopped() is S.STOPPED
    s.start()
    s.connection_opened("c2")
    error = EventStreamerProtocolError("bad line")
    actions = s.connection_failed(error, now=0.0)
    assert codes(actions) == ["PROTOCOL_ERROR"]
    assert not actions[0].error.recoverable
    assert s.next_step() == Fail(error)


def test_a_failure_after_the_connection_was_given_up_is_ignored() -> None:
    s = streaming()
    s.stop()
    assert s.connection_failed(EventStreamerConnectionError("reset"), now=0.0) == []
    assert s.next_step() == Finish(completed=False)


# -- liveness and heartbeats ---------------------------------------------------------------------
def test_liveness_expiry_reconnects_and_is_illegal_when_not_streaming() -> None:
    s = streaming(liveness_timeout=0.4)
    actions = s.liveness_expired(now=0.0)
    assert "no data for 0.4s" in actions[0].error.error_message
    with pytest.raises(StreamStateError):
        s.liveness_expired(now=0.0)


def test_client_heartbeats_are_numbered_per_connection() -> None:
    s = session()
    assert s.heartbeat_due() is None
    s.start()
    s.connection_opened("c1")
    assert s.heartbeat_due() == SendHeartbeat("c1", 1)
    assert s.heartbeat_due() == SendHeartbeat("c1", 2)
    s.heartbeat_sent()
    assert s.stats.client_heartbeats == 1


def test_a_forgotten_connection_reconnects_at_once() -> None:
    s = streaming()
    assert s.connection_gone("other", now=0.0) == []  # not ours
    actions = s.connection_gone("c1", now=0.0)
    assert "no longer knows connection c1" in actions[0].error.error_message
    assert s.next_step() == Reconnect(0.0, 0)


def test_server_heartbeats_and_errors_reach_the_driver() -> None:
    s = streaming()
    s.receive_data(HEARTBEAT + b'{"type":"error","error_code":"REORG_DETECTED",')
    assert isinstance(s.next_event(), HeartbeatReceived)
    assert isinstance(s.next_event(), CheckCompletion)  # idle: is it complete?
    assert s.next_event() is None
    s.receive_data(b'"error_message":"reorg","recoverable":true}\n{"type":"gossip"}\n')
    report = s.next_event()
    assert isinstance(report, Report)
    assert report.error.error_code == "REORG_DETECTED"
    assert report.error.connection_id == "c1"
    assert report.error.subscription_id == 1
    assert s.next_event() is None
    assert s.stats.unknown_messages == 1
    assert s.stats.heartbeats == 1


# -- resume ----------------------------------------------------------------------------------------
def test_resume_while_streaming_reconnects_now_from_the_token() -> None:
    s = streaming(reconnect=False)  # an explicit resume reconnects even so
    actions = s.resume("rt_99")
    assert codes(actions) == ["RESUMED"]
    assert s.next_step() == Reconnect(0.0, 0)
    assert s.backoff_elapsed() == Connect("rt_99")


def test_resume_when_idle_applies_at_the_next_start() -> None:
    s = session(auto_acknowledge=False)
    assert s.resume("rt_7") == []
    assert s.start() == Connect("rt_7")


def test_resume_while_a_batch_is_handled_wins_over_that_batchs_token() -> None:
    s = streaming()
    s.receive_data(batch_line("b1", 1))
    event = s.next_event()
    assert isinstance(event, Dispatch)
    assert codes(s.resume("rt_100")) == ["RESUMED"]  # from a handler or the loop body
    s.batch_handled(event.batch)  # still acknowledged, but the token stays the requested one
    assert s.resume_token == "rt_100"
    assert s.pending_acks == ("b1",)
    s.connection_closed()
    assert s.backoff_elapsed() == Connect("rt_100")
    s.connection_opened("c2")
    handle_all(s, batch_line("b2", 2))  # on the new connection batches move it again
    assert s.resume_token == "rt_2"


# -- completion ------------------------------------------------------------------------------------
def test_a_bounded_subscription_completes_once_acked_and_the_service_says_so() -> None:
    s = streaming()
    handle_all(s, batch_line("b1", 1))
    assert len(handle_all(s, HEARTBEAT)) == 1  # acks pending: no completion check
    flush = s.acks_due()
    assert flush is not None
    actions = s.acks_sent(flush.batch_ids, failed_ids=[], acknowledged=1)
    assert actions == [CheckCompletion(need_bounds=True)]
    s.subscription_bounds(100)
    assert s.completion_status("active") == []
    assert s.state is S.STREAMING
    assert handle_all(s, HEARTBEAT)[1] == CheckCompletion(need_bounds=False)
    s.completion_status("completed")
    assert s.next_step() == Finish(completed=True)
    assert s.stopped() is S.COMPLETED
    assert not s.is_running
    assert isinstance(s.start(), Connect)  # may start again (and end again at once)


def test_an_unbounded_subscription_is_asked_once() -> None:
    s = streaming()
    assert CheckCompletion(need_bounds=True) in handle_all(s, HEARTBEAT)
    s.subscription_bounds(None)
    seen = handle_all(s, HEARTBEAT * 3)
    assert not any(isinstance(e, CheckCompletion) for e in seen)


def test_completion_is_ignored_with_acks_pending() -> None:
    s = streaming()
    handle_all(s, batch_line("b1", 1))
    s.completion_status("completed")
    assert s.state is S.STREAMING


def test_once_the_end_block_is_acked_completion_is_asked_again_soon() -> None:
    s = streaming()
    handle_all(s, batch_line("b1", 1, block=50))
    flush = s.acks_due()
    assert flush is not None
    assert s.acks_sent(flush.batch_ids, failed_ids=[], acknowledged=1) == [
        CheckCompletion(need_bounds=True)
    ]
    s.subscription_bounds(50)
    delays = []
    for _ in range(10):
        actions = s.completion_status("active")  # the service has not marked it yet
        if not actions:
            break
        (check,) = actions
        assert isinstance(check, CheckCompletion)
        delays.append(check.delay)
    assert delays == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0]  # bounded, then heartbeats
    s.completion_status("completed")
    assert s.next_step() == Finish(completed=True)


def test_before_the_end_block_completion_is_not_asked_again() -> None:
    s = streaming()
    handle_all(s, batch_line("b1", 1, block=10))
    flush = s.acks_due()
    assert flush is not None
    s.acks_sent(flush.batch_ids, failed_ids=[], acknowledged=1)
    s.subscription_bounds(50)
    assert s.completion_status("active") == []
