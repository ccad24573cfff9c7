"""Ingestion planning, free of I/O: which subscriptions move next, over which blocks, with
which ``eth_getLogs`` filter, and which logs belong to whom.

Subscriptions whose cursors stand at the same block form a group that shares one
``eth_getLogs`` call per span: topic0s are OR-ed and addresses merged (no address filter if any
member wants every address), and each log is routed back to the members it matches.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from ._storage import NewBatch, SubscriptionRow

__all__ = [
    "Plan",
    "Span",
    "backfill_limit",
    "log_filter",
    "make_batches",
    "plan_step",
    "route_logs",
    "target_block",
]


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


def log_filter(group: Sequence[SubscriptionRow]) -> dict[str, Any]:
    """The ``eth_getLogs`` filter (without the block range) that serves every member."""
    topics = sorted({s.topic0 for s in group})
    params: dict[str, Any] = {"topics": [topics[0] if len(topics) == 1 else topics]}
    if all(s.addresses for s in group):
        params["address"] = sorted({a for s in group for a in s.addresses})
    return params


def route_logs(sub: SubscriptionRow, logs: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The logs of a merged fetch that ``sub`` asked for: its topic0 and addresses, not removed."""
    topic0 = sub.topic0.lower()
    wanted = {a.lower() for a in sub.addresses}
    exact = wanted | set(sub.addresses)  # as the node spells them: no lower() per log
    for log in logs:
        topics = log.get("topics") or []
        if log.get("removed") or not topics:
            continue
        first = topics[0]
        if first != topic0 and str(first).lower() != topic0:
            continue
        address = log.get("address", "")
        if wanted and address not in exact and str(address).lower() not in wanted:
            continue
        yield log


def make_batches(name: str, events: Sequence[dict[str, Any]], size: int) -> list[NewBatch]:
    """Decoded events in order, cut into batches of at most ``size``, encoded as streamed."""
    return [_batch(name, events[i : i + size]) for i in range(0, len(events), size)]


def _batch(name: str, events: Sequence[dict[str, Any]]) -> NewBatch:
    return NewBatch(
        batch_id=f"batch_{uuid.uuid4().hex}",
        events_json=orjson.dumps({name: list(events)}),
        event_count=len(events),
        first_block=events[0]["block_number"],
        last_block=events[-1]["block_number"],
    )
