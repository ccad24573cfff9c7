"""Strict integer parsing for paths, queries and headers.

Python's ``int()`` accepts far more than an HTTP API should: Unicode digits (``"\\u0661"``), ``_``
separators (``"1_0"``), signs, surrounding whitespace and unbounded lengths (a 1 MB digit string
costs quadratic time). ``parse_int`` accepts only ASCII digits, bounded in length and value, and
raises ``StrictIntError`` (a ``ValueError``) with a short reason the API turns into a 4xx.
"""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_DIGITS", "StrictIntError", "parse_int"]

DEFAULT_MAX_DIGITS = 20  # enough for any unsigned 64-bit value (18446744073709551615)

_ASCII_DIGITS = frozenset("0123456789")


class StrictIntError(ValueError):
    """The text is not a plain, bounded, non-negative ASCII decimal integer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_int(
    text: str,
    *,
    minimum: int = 0,
    maximum: int | None = None,
    max_digits: int = DEFAULT_MAX_DIGITS,
    allow_leading_zeros: bool = True,
) -> int:
    """Parse ``text`` as a non-negative decimal made of ASCII ``0``-``9`` only.

    Rejected (``StrictIntError``): empty text, more than ``max_digits`` characters, any other
    character (signs, ``_``, whitespace, Unicode digits), leading zeros when
    ``allow_leading_zeros`` is false, and values outside ``[minimum, maximum]``.
    """
    if not isinstance(text, str):
        raise StrictIntError("expected a string of digits")
    if not text:
        raise StrictIntError("expected digits, got an empty value")
    if len(text) > max_digits:
        raise StrictIntError(f"at most {max_digits} digits")
    # Check characters before int(): int() would accept "\u0661", "1_0", " 1", "+1".
    if not _ASCII_DIGITS.issuperset(text):
        raise StrictIntError("only ASCII digits 0-9 are allowed")
    if not allow_leading_zeros and len(text) > 1 and text[0] == "0":
        raise StrictIntError("leading zeros are not allowed")
    value = int(text)
    if value < minimum:
        raise StrictIntError(f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise StrictIntError(f"must be at most {maximum}")
    return value
