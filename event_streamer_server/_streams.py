"""Open stream connections: who is connected to what, what each was sent, how to wake it."""

from __future__ import annotations

import asyncio
import collections
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass, field

import orjson

from ._time import now_iso

__all__ = ["Connection", "Hub", "instance_tag"]

_TAG_HEX = 8  # the last 8 hex digits of a connection id name the instance that opened it


def instance_tag(instance_id: str) -> str:
    """The 8 hex digits that mark the connection ids an instance hands out."""
    return hashlib.sha256(instance_id.encode()).hexdigest()[:_TAG_HEX]


def _tagged_id(tag: str) -> str:
    """A random UUID (version 4 shape kept) whose last 8 hex digits are ``tag``: 90 random bits
    stay, and any instance can tell whether a connection id is its own."""
    raw = bytearray(secrets.token_bytes(16))
    raw[-4:] = bytes.fromhex(tag)
    return str(uuid.UUID(bytes=bytes(raw), version=4))


@dataclass(eq=False)
class Connection:
    """One open NDJSON stream."""

    id: str
    subscription_id: int
    last_seen: float = field(default_factory=time.monotonic)
    sent_upto: int = 0  # highest batch seq sent on this connection
    in_flight: dict[str, tuple[int, float]] = field(default_factory=dict)  # id -> (seq, sent at)
    pending: collections.deque[bytes] = field(default_factory=collections.deque)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False

    def close(self) -> None:
        self.closed = True
        self.wake.set()


class Hub:
    """The registry of open connections, by id and by subscription."""

    def __init__(self, tag: str = "") -> None:
        self.connections: dict[str, Connection] = {}
        self.by_subscription: dict[int, set[Connection]] = {}
        self.closing = False
        self.tag = tag  # this instance's connection-id tag ("" = untagged, single instance)

    def open(self, subscription_id: int) -> Connection:
        conn = Connection(_tagged_id(self.tag) if self.tag else str(uuid.uuid4()), subscription_id)
        self.connections[conn.id] = conn
        self.by_subscription.setdefault(subscription_id, set()).add(conn)
        return conn

    def release(self, conn: Connection) -> bool:
        """Forget ``conn``; True when it was the subscription's last connection."""
        conn.close()
        self.connections.pop(conn.id, None)
        peers = self.by_subscription.get(conn.subscription_id, set())
        peers.discard(conn)
        if not peers:
            self.by_subscription.pop(conn.subscription_id, None)
            return True
        return False

    def get(self, connection_id: str, subscription_id: int | None = None) -> Connection | None:
        """The open connection with this id (and subscription, when given)."""
        conn = self.connections.get(connection_id)
        if conn is None or conn.closed:
            return None
        if subscription_id is not None and conn.subscription_id != subscription_id:
            return None
        return conn

    def is_foreign(self, connection_id: str) -> bool:
        """Was ``connection_id`` handed out by another instance (sharing this one's store)?"""
        if not self.tag:
            return False
        try:
            hex_id = uuid.UUID(connection_id).hex
        except ValueError:
            return False
        return hex_id[-_TAG_HEX:] != self.tag

    def count(self, subscription_id: int) -> int:
        return len(self.by_subscription.get(subscription_id, ()))

    def notify(self, subscription_id: int) -> None:
        """New batches (or acks): wake the subscription's streams."""
        for conn in self.by_subscription.get(subscription_id, ()):
            conn.wake.set()

    def broadcast_error(
        self, subscription_id: int, code: str, message: str, *, recoverable: bool = True
    ) -> None:
        """Queue an ``error`` line on every stream of the subscription."""
        for conn in self.by_subscription.get(subscription_id, ()):
            conn.pending.append(
                orjson.dumps(
                    {
                        "type": "error",
                        "connection_id": conn.id,
                        "subscription_id": subscription_id,
                        "error_code": code,
                        "error_message": message,
                        "timestamp": now_iso(),
                        "recoverable": recoverable,
                    }
                )
                + b"\n"
            )
            conn.wake.set()

    def close_subscription(self, subscription_id: int) -> None:
        for conn in list(self.by_subscription.get(subscription_id, ())):
            conn.close()

    def close_idle(self, timeout: float) -> list[Connection]:
        """Close connections silent (no heartbeat, no ack) for longer than ``timeout``."""
        now = time.monotonic()
        stale = [c for c in self.connections.values() if now - c.last_seen > timeout]
        for conn in stale:
            conn.close()
        return stale

    def shutdown(self) -> None:
        self.closing = True
        for conn in list(self.connections.values()):
            conn.close()
