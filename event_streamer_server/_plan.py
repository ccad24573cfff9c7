"""Ingestion planning, free of I/O: which subscriptions move next, over which blocks, with
which ``eth_getLogs`` filter, and which logs belong to whom.

Subscriptions whose cursors stand at the same block form a group that shares one
``eth_getLogs`` call per span: topic0s are OR-ed (a subscription may stream several events),
addresses merged (no address filter if any member wants every address), and an indexed-argument
position is filtered at the node only when every member constrains it (alternatives OR-ed, up
to :data:`MAX_MERGED_ALTERNATIVES`). Each log is then routed back to exactly the members whose
topic0s, addresses and ``topics`` filter it matches.

Events of a subscription are keyed in batches by name; when two of its events share a name
(overloads), each of those is keyed by its canonical signature instead
(``"Transfer(address,address,uint256)"``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from event_streamer.abi import event_signature, event_topic0

from ._storage import NewBatch, SubscriptionRow

__all__ = [
    "MAX_MERGED_ALTERNATIVES",
    "Plan",
    "Span",
    "backfill_limit",
    "event_keys",
    "log_filter",
    "make_batches",
    "make_keyed_batches",
    "plan_step",
    "route_logs",
    "subscription_events",
    "target_block",
    "topics_match",
]

# Alternatives one merged topic position may list at the node; past it the position is left
# open there and filtered locally (nodes bound filter sizes).
MAX_MERGED_ALTERNATIVES = 64


@dataclass(frozen=True, slots=True)
class Span:
    """Blocks ``lo..hi`` (inclusive) to fetch once for every subscription in ``group``."""

    group: list[SubscriptionRow]
    lo: int
    hi: int


@dataclass(frozen=True, slots=True)
class Plan:
    """One step: the span to ingest (if any) and the subscriptions with nothing to do."""

    span: Span | None
    caught_up: list[SubscriptionRow]


def target_block(sub: SubscriptionRow, safe: int) -> int:
    """The last block ``sub`` may ingest now: the confirmed head, or its end block if lower."""
    return safe if sub.end_block is None else min(safe, sub.end_block)


def plan_step(subs: Sequence[SubscriptionRow], safe: int, max_blocks: int) -> Plan:
    """The lowest cursors go first, as one group, for at most ``max_blocks`` blocks.

    ``safe`` is the highest confirmed block. The span never passes any member's target, so a
    bounded subscription stops exactly at its end block.
    """
    busy = [s for s in subs if s.cursor < target_block(s, safe)]
    caught_up = [s for s in subs if s not in busy]
    if not busy:
        return Plan(None, caught_up)
    lowest = min(s.cursor for s in busy)
    group = [s for s in busy if s.cursor == lowest]
    lo = lowest + 1
    hi = min(lo + max_blocks - 1, min(target_block(s, safe) for s in group))
    return Plan(Span(group, lo, hi), caught_up)


def backfill_limit(
    subs: Sequence[SubscriptionRow], group: Sequence[SubscriptionRow], safe: int
) -> int:
    """The last block ``group`` may walk to before re-planning: every member's target, and
    just short of the next busy cursor above it (so that subscription joins the group)."""
    limit = min(target_block(s, safe) for s in group)
    cursor = group[0].cursor
    for s in subs:
        if cursor < s.cursor < target_block(s, safe):
            limit = min(limit, s.cursor)
    return limit


def subscription_events(sub: SubscriptionRow) -> list[dict[str, Any]]:
    """The subscription's event ABIs: ``event_signature`` first, then ``extra_events``."""
    return [sub.event_signature, *sub.extra_events]


def _topic0s(sub: SubscriptionRow) -> set[str]:
    return {sub.topic0.lower(), *(event_topic0(e) for e in sub.extra_events)}


def event_keys(events: Sequence[dict[str, Any]]) -> dict[str, str]:
    """topic0 -> the key its events carry in a batch: the name, or the canonical signature
    for events whose name another event of the same subscription also has."""
    names = [str(e["name"]) for e in events]
    keys: dict[str, str] = {}
    for event, name in zip(events, names, strict=True):
        keys[event_topic0(event)] = name if names.count(name) == 1 else event_signature(event)
    return keys


def _alternatives(position: str | list[str] | None) -> set[str] | None:
    if position is None:
        return None
    return {position.lower()} if isinstance(position, str) else {t.lower() for t in position}


def log_filter(group: Sequence[SubscriptionRow]) -> dict[str, Any]:
    """The ``eth_getLogs`` filter (without the block range) that serves every member."""
    topic0s = sorted(set().union(*(_topic0s(s) for s in group)))
    topics: list[Any] = [topic0s[0] if len(topic0s) == 1 else topic0s]
    for i in range(3):  # topic1..topic3: at the node only when every member constrains it
        merged: set[str] = set()
        for sub in group:
            wanted = _alternatives(sub.topics[i]) if sub.topics and i < len(sub.topics) else None
            if wanted is None:
                break
            merged |= wanted
        else:
            if len(merged) <= MAX_MERGED_ALTERNATIVES:
                ordered = sorted(merged)
                topics.append(ordered[0] if len(ordered) == 1 else ordered)
                continue
        topics.append(None)
    while topics[-1] is None:
        topics.pop()
    params: dict[str, Any] = {"topics": topics}
    if all(s.addresses for s in group):
        params["address"] = sorted({a for s in group for a in s.addresses})
    return params


def topics_match(wanted: Sequence[str | list[str] | None] | None, topics: Sequence[Any]) -> bool:
    """Whether a log's ``topics`` pass a subscription's topic1..topic3 filter."""
    for i, position in enumerate(wanted or ()):
        alternatives = _alternatives(position)
        if alternatives is None:
            continue
        if i + 1 >= len(topics) or str(topics[i + 1]).lower() not in alternatives:
            return False
    return True


def route_logs(sub: SubscriptionRow, logs: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The logs of a merged fetch that ``sub`` asked for: one of its topic0s, its addresses,
    its ``topics`` filter, not removed."""
    topic0s = _topic0s(sub)
    wanted = {a.lower() for a in sub.addresses}
    exact = wanted | set(sub.addresses)  # as the node spells them: no lower() per log
    filtered = any(p is not None for p in sub.topics or ())  # else no call per log
    for log in logs:
        topics = log.get("topics") or []
        if log.get("removed") or not topics:
            continue
        first = topics[0]  # as the node spells it: lower() only when it differs
        if first not in topic0s and str(first).lower() not in topic0s:
            continue
        address = log.get("address", "")
        if wanted and address not in exact and str(address).lower() not in wanted:
            continue
        if filtered and not topics_match(sub.topics, topics):
            continue
        yield log


def make_batches(name: str, events: Sequence[dict[str, Any]], size: int) -> list[NewBatch]:
    """Decoded events of one name in order, cut into batches of at most ``size``."""
    return make_keyed_batches([(name, e) for e in events], size)


def make_keyed_batches(events: Sequence[tuple[str, dict[str, Any]]], size: int) -> list[NewBatch]:
    """Decoded ``(key, event)`` pairs in chain order, cut into batches of at most ``size``,
    encoded as streamed: ``{"Transfer": [...], "Approval": [...]}``, each list in chain order."""
    return [_batch(events[i : i + size]) for i in range(0, len(events), size)]


def _batch(events: Sequence[tuple[str, dict[str, Any]]]) -> NewBatch:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for key, event in events:
        grouped.setdefault(key, []).append(event)
    return NewBatch(
        batch_id=f"batch_{uuid.uuid4().hex}",
        events_json=orjson.dumps(grouped),
        event_count=len(events),
        first_block=events[0][1]["block_number"],
        last_block=events[-1][1]["block_number"],
    )
