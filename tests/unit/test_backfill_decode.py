"""Decoding a commit's logs (``_decode_batches.decode_batches``): block order kept or restored, one
hash per block, failures kept aside, batches cut at the batch size."""

from __future__ import annotations

from typing import Any

import orjson

from event_streamer import EventDecoder
from event_streamer_server._decode_batches import decode_batches
from tests.unit.test_abi_parsing import TRANSFER
from tests.unit.test_decoder import log, topic_address, word

A, B = "0x" + "11" * 20, "0x" + "22" * 20


def _decode(*args: Any) -> tuple[Any, Any, Any]:
    decoded = decode_batches(*args)
    return decoded.batches, decoded.hashes, decoded.failed


DECODERS = {EventDecoder(TRANSFER).topic0: ("Transfer", EventDecoder(TRANSFER))}


def transfer(block: int, index: int, value: int) -> dict[str, Any]:
    return log(
        [EventDecoder(TRANSFER).topic0, topic_address(A), topic_address(B)],
        "0x" + word(value),
        blockNumber=hex(block),
        logIndex=hex(index),
        blockHash=f"0x{block:064x}",
    )


def values(batches: list[Any]) -> list[int]:
    return [int(e["value"]) for b in batches for e in orjson.loads(b.events_json)["Transfer"]]


def stamps(logs: list[dict[str, Any]]) -> dict[str, str]:
    return {x["blockNumber"]: f"t{int(x['blockNumber'], 16)}" for x in logs}


def test_logs_in_block_order_stay_in_it_and_batches_are_cut() -> None:
    logs = [transfer(10 + i // 3, i % 3, i) for i in range(7)]
    batches, hashes, failed = _decode(DECODERS, logs, stamps(logs), 3)
    assert values(batches) == list(range(7))
    assert [b.event_count for b in batches] == [3, 3, 1]
    assert hashes == {n: f"0x{n:064x}" for n in (10, 11, 12)}
    assert failed == []


def test_logs_out_of_order_are_sorted_by_block_and_index() -> None:
    logs = [transfer(11, 0, 3), transfer(10, 1, 2), transfer(10, 0, 1), transfer(12, 0, 4)]
    batches, hashes, _ = _decode(DECODERS, logs, stamps(logs), 100)
    assert values(batches) == [1, 2, 3, 4]
    assert sorted(hashes) == [10, 11, 12]
    first = orjson.loads(batches[0].events_json)["Transfer"][0]
    assert first["timestamp"] == "t10"


def test_a_log_that_does_not_decode_is_set_aside_and_the_rest_go_on() -> None:
    bad = transfer(10, 1, 0)
    bad["data"] = "0x1234"  # too short for a uint256
    logs = [transfer(10, 0, 1), bad, transfer(10, 2, 2)]
    batches, _, failed = _decode(DECODERS, logs, stamps(logs), 100)
    assert values(batches) == [1, 2]
    assert [f[0] for f in failed] == [bad]
