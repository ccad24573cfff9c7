"""EIP-55 address checksumming with a bounded cache (real streams repeat addresses)."""

from __future__ import annotations

import functools

from eth_hash.auto import keccak

from .exceptions import EventStreamerValidationError, FieldError

CACHE_SIZE = 65_536


@functools.lru_cache(maxsize=CACHE_SIZE)
def checksum_hex40(hex40: str) -> str:
    """EIP-55 form of 40 hex digits (no 0x). Raises ValueError on non-hex input."""
    lower = hex40.lower()
    if len(lower) != 40:
        raise ValueError(f"address must be 40 hex digits, got {len(lower)}")
    int(lower, 16)  # rejects non-hex characters
    digest = keccak(lower.encode("ascii")).hex()
    # A letter is upper-cased when the matching nibble of the hash is >= 8.
    return "0x" + "".join(
        c.upper() if d >= "8" else c for c, d in zip(lower, digest[:40], strict=True)
    )


def to_checksum_address(address: str) -> str:
    """Return ``address`` (0x + 40 hex digits, any case) in EIP-55 checksum form."""
    if not isinstance(address, str) or len(address) != 42 or address[:2] not in ("0x", "0X"):
        raise EventStreamerValidationError(
            f"invalid address {address!r}: expected 0x followed by 40 hex digits",
            field_errors=[FieldError("address", "expected 0x followed by 40 hex digits")],
        )
    try:
        return checksum_hex40(address[2:])
    except ValueError:
        raise EventStreamerValidationError(
            f"invalid address {address!r}: expected 0x followed by 40 hex digits",
            field_errors=[FieldError("address", "expected 0x followed by 40 hex digits")],
        ) from None
