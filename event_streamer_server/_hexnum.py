"""Block numbers as nodes send them (JSON-RPC quantities), checked before use."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["MAX_BLOCK", "block_number", "number_or_none"]

MAX_BLOCK = 2**63 - 1  # what both databases store; no chain is anywhere near it
_QUANTITY = re.compile(r"0x[0-9a-fA-F]{1,16}")


def block_number(value: Any) -> int:
    """``value`` (``"0x..."``) as an int; ``ValueError`` for anything a node should not send
    (signs, spaces, underscores, more than 16 digits, past :data:`MAX_BLOCK`)."""
    if not isinstance(value, str) or _QUANTITY.fullmatch(value) is None:
        raise ValueError(f"not a block number: {str(value)[:40]!r}")
    number = int(value, 16)
    if number > MAX_BLOCK:
        raise ValueError(f"block number out of range: {value!r}")
    return number


def number_or_none(value: Any) -> int | None:
    """:func:`block_number`, or ``None`` for anything else (logs kept for inspection)."""
    try:
        return block_number(value)
    except ValueError:
        return None
