"""Timestamps as the contract writes them (RFC 3339, UTC, millisecond precision)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["now_iso", "to_iso"]


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return to_iso(datetime.now(UTC))
