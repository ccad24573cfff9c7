"""Bounds on log decoding, and the error a log past them raises.

A log's data is untrusted: offsets inside nested dynamic values may all point at the same bytes,
so a 2 KB log of ``uint256[][][][][][][]`` can ask for millions of values (about x8 per nesting
level). :class:`DecodeLimits` caps what one log may cost; :class:`DecodeLimitError` is raised,
before the work is done, by a log that would exceed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .exceptions import DecodeLimitError, EventStreamerValidationError, FieldError

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_SIZE_RATIO",
    "DecodeLimitError",
    "DecodeLimits",
]

DEFAULT_MAX_SIZE_RATIO = 4
DEFAULT_MAX_DEPTH = 16
# Upper bounds on the settings themselves: past these a "limit" no longer bounds anything useful
# (and a deeper type would run into Python's recursion limit while being compiled).
_MAX_SIZE_RATIO_CEILING = 1024
_MAX_DEPTH_CEILING = 64


@dataclass(frozen=True, slots=True)
class DecodeLimits:
    """What decoding one log may cost.

    ``max_size_ratio``: the decoded size may be at most this multiple of the log's data size.
    The decoded size counts the 32-byte words behind every dynamic value each time it is read
    (an array's length word and element heads, a dynamic tuple's head, a string's or bytes'
    length word and padded contents). A well-formed log reads each word at most once, so its
    ratio is at most 1; only logs whose offsets alias the same bytes go past it. Default 4.

    ``max_depth``: the deepest nesting of arrays and tuples in any event input (each array
    dimension and each tuple counts one: ``uint256[][]`` is 2, ``(uint256[])[]`` is 3). Checked
    when the decoder is built. Default 16.
    """

    max_size_ratio: int = DEFAULT_MAX_SIZE_RATIO
    max_depth: int = DEFAULT_MAX_DEPTH

    def __post_init__(self) -> None:
        _check_setting("max_size_ratio", self.max_size_ratio, _MAX_SIZE_RATIO_CEILING)
        _check_setting("max_depth", self.max_depth, _MAX_DEPTH_CEILING)


def _check_setting(name: str, value: Any, ceiling: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ceiling:
        message = f"must be an integer from 1 to {ceiling}, got {value!r}"
        raise EventStreamerValidationError(
            f"DecodeLimits.{name} {message}", field_errors=[FieldError(name, message)]
        )
