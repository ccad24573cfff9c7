"""A commit processed from raw ``eth_getLogs`` answers (``_decode_pool.process_commit``): the
same batches as the in-process path, the chain moving during the fetch detected, blocks
without timestamps asked for, decode failures kept aside."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from event_streamer.abi import DecodeLimits
from event_streamer_server._decode_pool import (
    AUTO_MIN_BYTES,
    CommitJob,
    DecodePool,
    RawLogs,
    process_commit,
)
from event_streamer_server._settings import load_settings
from event_streamer_server._storage import SubscriptionRow
from tests.unit.test_abi_parsing import TRANSFER
from tests.unit.test_backfill_decode import transfer, values


def sub(sid: int = 1) -> SubscriptionRow:
    return SubscriptionRow(
        id=sid,
        topic0="0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
        event_signature=TRANSFER,
        addresses=[],
        start_block=0,
        end_block=None,
        chain_id=1,
        subscriber_id="t",
        streaming_status="active",
        last_processed_block=None,
        last_block_hash=None,
        resume_token=None,
        last_event_id=None,
        events_delivered=0,
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
    )


def stamped(logs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**x, "blockTimestamp": hex(1_700_000_000 + int(x["blockNumber"], 16))} for x in logs]


def batch_body(logs: list[dict[str, Any]], hi_hash: str | None) -> RawLogs:
    block = None if hi_hash is None else {"hash": hi_hash, "number": "0x0"}
    body = orjson.dumps(
        [{"jsonrpc": "2.0", "id": 8, "result": block}, {"jsonrpc": "2.0", "id": 7, "result": logs}]
    )
    return RawLogs(body, 7, 8)


def job(answers: list[RawLogs], hi: int, **extra: Any) -> CommitJob:
    return CommitJob(answers, hi, [sub(1), sub(2)], 3, DecodeLimits(), **extra)


def test_raw_answers_become_each_members_batches_in_block_order() -> None:
    first = stamped([transfer(10, i, i) for i in range(4)])
    second = stamped([transfer(11, i, 10 + i) for i in range(3)])
    single = RawLogs(orjson.dumps({"jsonrpc": "2.0", "id": 1, "result": first}))
    result = process_commit(job([single, batch_body(second, f"0x{11:064x}")], 11))
    assert not result.reorg
    assert result.missing == []
    assert result.logs == 7
    assert result.counts == [4, 3]  # per answer, for span sizing
    assert result.hi_hash == f"0x{11:064x}"
    assert len(result.subs) == 2
    for done in result.subs:
        assert values(done.batches) == [0, 1, 2, 3, 10, 11, 12]
        assert [b.event_count for b in done.batches] == [3, 3, 1]
        assert done.hashes == {10: f"0x{10:064x}", 11: f"0x{11:064x}"}
        assert done.failed == []
        assert done.routed == 7
    event = orjson.loads(result.subs[0].batches[0].events_json)["Transfer"][0]
    assert event["timestamp"].startswith("2023-11-14T22:13:")


def test_a_moved_chain_is_reported_not_stored() -> None:
    logs = stamped([transfer(10, 0, 1)])
    assert process_commit(job([batch_body(logs, None)], 10)).reorg  # block hi is gone
    assert process_commit(job([batch_body(logs, "0x" + "ab" * 32)], 10)).reorg  # other hash
    split = [*logs, {**stamped([transfer(10, 1, 2)])[0], "blockHash": "0x" + "cd" * 32}]
    assert process_commit(job([batch_body(split, f"0x{10:064x}")], 10)).reorg


def test_blocks_without_timestamps_are_asked_for_then_used() -> None:
    logs = [transfer(10, 0, 1), transfer(12, 0, 2)]
    answer = batch_body(logs, f"0x{12:064x}")
    asked = process_commit(job([answer], 12))
    assert asked.missing == [10, 12]
    assert asked.subs == []
    done = process_commit(job([answer], 12, stamps={10: "t10", 12: "t12"}))
    assert done.missing == []
    events = orjson.loads(done.subs[0].batches[0].events_json)["Transfer"]
    assert [e["timestamp"] for e in events] == ["t10", "t12"]


def test_a_log_that_does_not_decode_is_returned_with_its_reason() -> None:
    bad = stamped([transfer(10, 1, 0)])[0]
    bad["data"] = "0x1234"
    logs = [*stamped([transfer(10, 0, 1)]), bad]
    done = process_commit(job([batch_body(logs, f"0x{10:064x}")], 10)).subs[0]
    assert values(done.batches) == [1]
    assert [log["logIndex"] for log, _ in done.failed] == ["0x1"]
    assert all(isinstance(reason, str) and reason for _, reason in done.failed)


def test_decode_workers_setting_is_bounded() -> None:
    assert load_settings(env={}).decode_workers == "auto"
    assert load_settings(env={"EVENT_STREAMER_DECODE_WORKERS": "2"}).decode_workers == 2
    assert load_settings(env={"EVENT_STREAMER_DECODE_WORKERS": "0"}).decode_workers == 0
    assert load_settings(env={"EVENT_STREAMER_DECODE_WORKERS": "Auto"}).decode_workers == "auto"
    for bad in ("-1", "65", "many"):
        with pytest.raises(ValueError, match="decode_workers"):
            load_settings(env={"EVENT_STREAMER_DECODE_WORKERS": bad})
    with pytest.raises(ValueError, match="decode workers"):
        DecodePool(-1)


def test_auto_uses_a_worker_only_where_there_is_a_second_core() -> None:
    assert not DecodePool.auto(cores=1).enabled
    pool = DecodePool.auto(cores=2)
    assert pool.enabled
    assert pool.lazy
    assert pool.workers == 1
    assert pool.min_bytes == AUTO_MIN_BYTES
    assert DecodePool.from_setting("auto").lazy
    assert DecodePool.from_setting(3).workers == 3
    assert not DecodePool.from_setting(3).lazy
    assert not DecodePool.from_setting(0).enabled


async def test_auto_keeps_small_commits_in_a_thread_and_starts_the_worker_in_the_background() -> (
    None
):
    logs = stamped([transfer(10, i, i) for i in range(4)])
    small = job([batch_body(logs, f"0x{10:064x}")], 10)
    pool = DecodePool(1, min_bytes=len(small.answers[0].body) + 1, lazy=True)
    try:
        pool.start()  # lazy: nothing starts yet
        assert (await pool.run(small)).logs == 4
        assert pool.offloaded == 0  # small: a thread
        assert pool._executor is None  # and no process started
        DecodePool(0, lazy=True).prepare()  # no workers: nothing to start
        pool.min_bytes -= 1  # the same answer now counts as large
        large = small
        first = await pool.run(large)  # starts the worker, runs in a thread meanwhile
        assert first.logs == 4
        assert pool.offloaded == 0
        assert pool._warming is not None
        await asyncio.wrap_future(pool._warming)  # the worker is up
        again = await pool.run(large)
        assert pool.offloaded == 1
        assert [values(d.batches) for d in again.subs] == [values(d.batches) for d in first.subs]
    finally:
        await pool.aclose()
