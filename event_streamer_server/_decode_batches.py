"""A commit's routed logs to encoded batches: decoded, kept in block order, cut, encoded.

One function for both places that do it: a thread of the service (``_ingest``) and the decode
worker processes (``_decode_pool``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from event_streamer.abi import EventDecoder
from event_streamer.exceptions import EventDecodeError

from ._plan import make_keyed_batches
from ._storage import NewBatch

__all__ = ["Decoded", "Decoders", "decode_batches"]

Decoders = dict[str, tuple[str, EventDecoder]]  # topic0 -> (batch key, decoder)


@dataclass(slots=True)
class Decoded:
    """What :func:`decode_batches` made of a commit's logs."""

    batches: list[NewBatch]
    hashes: dict[int, str]  # block number -> hash, for the blocks that had events
    failed: list[tuple[dict[str, Any], EventDecodeError]] = field(default_factory=list)
    logs: int = 0  # logs seen (decoded or failed)


def _event_order(item: tuple[str, dict[str, Any]]) -> tuple[int, int]:
    return item[1]["block_number"], item[1]["log_index"]


def decode_batches(
    decoders: Decoders, logs: Iterable[dict[str, Any]], stamps: dict[str, str], batch_size: int
) -> Decoded:
    """Decode each log by its topic0's decoder, stamp it (``stamps`` by hex block number), put
    the events in block order and cut them into encoded batches of at most ``batch_size``."""
    events: list[tuple[str, dict[str, Any]]] = []
    hashes: dict[int, str] = {}
    failed: list[tuple[dict[str, Any], EventDecodeError]] = []
    last = (-1, -1)
    in_order = True
    seen = 0
    only = next(iter(decoders.values())) if len(decoders) == 1 else None
    for log in logs:
        seen += 1
        if only is not None:
            key, decoder = only
        else:
            topic0 = str((log.get("topics") or [""])[0]).lower()
            key, decoder = decoders.get(topic0) or next(iter(decoders.values()))
        try:
            event = decoder.decode(log)
        except EventDecodeError as err:  # DecodeLimitError included
            failed.append((log, err))
            continue
        event["timestamp"] = stamps[log["blockNumber"]]
        order = (event["block_number"], event["log_index"])
        if order[0] != last[0]:
            hashes[order[0]] = str(log.get("blockHash"))
        elif order[1] <= last[1]:
            in_order = False
        if order[0] < last[0]:
            in_order = False
        last = order
        events.append((key, event))
    if not in_order:  # nodes answer in block order; sort only when one did not
        events.sort(key=_event_order)
        hashes = {e["block_number"]: str(e.get("block_hash")) for _, e in events}
    return Decoded(make_keyed_batches(events, batch_size), hashes, failed, seen)
