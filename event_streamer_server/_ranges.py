"""eth_getLogs over a block range, split when a node says the range is too large.

Common shapes of "too large": -32005 with a suggested range (Infura: ``data: {from, to}``;
Alchemy: "this block range should work: [0x.., 0x..]"), -32602 "block range ...", "query
returned more than N results", HTTP 413. With a suggestion inside the range, fetch the suggested
part first; otherwise split in halves. The pieces always partition the request exactly.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from ._rpc import RpcCallerError

__all__ = ["RangeTooLargeError", "fetch_range", "suggested_end"]

_HEX_PAIR = re.compile(r"\[\s*(0x[0-9a-fA-F]+)\s*,\s*(0x[0-9a-fA-F]+)\s*\]")

Fetch = Callable[[int, int], Awaitable[list[dict[str, Any]]]]


class RangeTooLargeError(RpcCallerError):
    """A single block holds more logs than the node will return."""


def _as_int(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value, 16) if value.startswith("0x") else int(value)
        except ValueError:
            return None
    return None


def suggested_end(err: RpcCallerError, start: int, end: int) -> int | None:
    """The last block of the node's suggested range, when it is a usable, smaller range."""
    candidate: int | None = None
    if isinstance(err.data, dict):
        candidate = _as_int(err.data.get("to"))
    if candidate is None:
        found = _HEX_PAIR.search(str(err))
        if found:
            candidate = int(found.group(2), 16)
    if candidate is None or not start <= candidate < end:
        return None
    return candidate


async def fetch_range(fetch: Fetch, start: int, end: int) -> list[dict[str, Any]]:
    """All logs in [start, end], splitting on caller-fault range errors."""
    pending = [(start, end)]
    logs: list[dict[str, Any]] = []
    while pending:
        lo, hi = pending.pop()
        try:
            logs.extend(await fetch(lo, hi))
        except RpcCallerError as err:
            if lo == hi:
                raise RangeTooLargeError(
                    f"block {lo} alone exceeds the node's limit: {err}",
                    code=err.code,
                    data=err.data,
                ) from err
            cut = suggested_end(err, lo, hi)
            if cut is None:
                cut = (lo + hi) // 2
            # Depth-first, lower half first: logs come out in block order.
            pending.append((cut + 1, hi))
            pending.append((lo, cut))
    return logs
