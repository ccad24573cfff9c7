"""Reorg notices in the pure stream session and the handler registry: dispatched like batches,
acknowledged by id, the token advanced only once handled, a failing handler redelivers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from event_streamer import MalformedLineError, Reorg
from event_streamer._messages import parse_line
from event_streamer._streaming import Dispatch
from event_streamer._streaming._handlers import Handlers
from tests.unit.test_stream_session import batch_line, handle_all, streaming


def reorg_line(reorg_id: str = "reorg_1", seq: int = 3, **over: Any) -> bytes:
    message = {
        "type": "reorg",
        "reorg_id": reorg_id,
        "fork_block": 7,
        "void_batch_ids": ["b1", "b2"],
        "void_batch_count": 2,
        "resume_token": f"rt_{seq}",
        "timestamp": "t",
        **over,
    }
    return json.dumps(message).encode() + b"\n"


def test_a_reorg_line_parses_to_a_notice_without_events() -> None:
    notice = parse_line(reorg_line())
    assert isinstance(notice, Reorg)
    assert (notice.batch_id, notice.fork_block, notice.void_batch_ids) == (
        "reorg_1",
        7,
        ["b1", "b2"],
    )
    assert (notice.events, notice.batch_size, notice.last_block, list(notice)) == ({}, 0, None, [])
    assert notice.events["Transfer"] == []  # a loop body written for batches passes over it


@pytest.mark.parametrize(
    "over",
    [{"fork_block": "7"}, {"void_batch_ids": [1]}, {"reorg_id": ""}, {"void_batch_count": -1}],
)
def test_a_malformed_reorg_line_is_a_protocol_error(over: dict[str, Any]) -> None:
    with pytest.raises(MalformedLineError):
        parse_line(reorg_line(**over))


def test_the_notice_is_dispatched_in_order_and_acknowledged_once_handled() -> None:
    s = streaming()
    seen = handle_all(s, batch_line("b1", 1) + reorg_line("reorg_1", 2) + batch_line("b1x", 3))
    assert seen == ["b1", "reorg_1", "b1x"]
    assert s.pending_acks == ("b1", "reorg_1", "b1x")
    assert s.resume_token == "rt_3"
    assert s.stats.reorgs == 1
    assert s.stats.batches == 2


def test_a_notice_whose_handler_failed_comes_again() -> None:
    s = streaming()
    s.receive_data(reorg_line("reorg_1", 2))
    event = s.next_event()
    assert isinstance(event, Dispatch)
    s.batch_failed(event.batch, RuntimeError("db down"), now=0.0)
    assert s.resume_token is None  # not advanced past the notice
    assert "reorg_1" not in s.pending_acks


async def test_reorg_handlers_run_for_notices_and_event_handlers_do_not() -> None:
    handlers = Handlers()
    got: list[Any] = []
    handlers.reorgs.append(lambda r: got.append(("reorg", r.fork_block)))
    handlers.all_events.append(lambda events: got.append(("events", list(events))))
    notice = parse_line(reorg_line())
    batch = parse_line(batch_line("b1", 1))
    assert isinstance(notice, Reorg)
    await handlers.dispatch(notice)
    await handlers.dispatch(batch)  # type: ignore[arg-type]
    assert got == [("reorg", 7), ("events", ["Transfer"])]
