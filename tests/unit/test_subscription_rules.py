"""The service applies the SDK's subscription rules (one implementation) to request bodies."""

from __future__ import annotations

from typing import Any

from event_streamer.abi import event_topic0, extract_abi_event
from event_streamer_server._api_subscriptions import shared_rule_problems
from event_streamer_server.devchain import Emitter

EVENT = extract_abi_event(Emitter.abi(), "Transfer").to_dict()


def body(**changes: Any) -> dict[str, Any]:
    return {
        "topic0": event_topic0(EVENT),
        "event_signature": EVENT,
        "addresses": [],
        "start_block": 0,
        "end_block": None,
        "chain_id": 1,
        "subscriber_id": "app",
        **changes,
    }


def test_a_valid_body_has_no_problems() -> None:
    assert shared_rule_problems(body()) == []
    assert shared_rule_problems(body(streaming_status="idle", end_block=5)) == []


def test_topic0_must_match_the_event() -> None:
    [problem] = shared_rule_problems(body(topic0="0x" + "ab" * 32))
    assert (problem.field, problem.type) == ("body.topic0", "mismatch")
    assert event_topic0(EVENT) in problem.message


def test_end_block_before_start_block() -> None:
    [problem] = shared_rule_problems(body(start_block=10, end_block=5))
    assert (problem.field, problem.type) == ("body.end_block", "minimum")


def test_a_bad_abi_is_one_problem_on_event_signature() -> None:
    bad = {**EVENT, "inputs": [{"name": "x", "type": "uint7", "indexed": False}]}
    [problem] = shared_rule_problems(body(event_signature=bad))
    assert (problem.field, problem.type) == ("body.event_signature", "abi")
    assert "uint7" in problem.message
