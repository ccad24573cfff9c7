"""Streaming delivery, acknowledgements and client heartbeats."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.responses import StreamingResponse

from ._http import ApiError, Call, Handler
from ._principals import Principal, can_access
from ._ratelimit import Permit
from ._service import Service
from ._storage import StoredBatch
from ._streams import Connection
from ._time import now_iso
from ._tokens import InvalidToken

__all__ = ["handlers"]

_PAGE = 50  # batches read from storage at a time (one query)
_CHUNK_BYTES = 256 * 1024  # lines coalesced into one write, at most about this much
_MAX_METADATA = 4096  # bytes of X-Client-Metadata kept (the SDK sends at most this much)

logger = logging.getLogger(__name__)


def handlers(service: Service) -> dict[str, Handler]:
    settings = service.settings
    hub = service.hub

    def connection_prefix(conn: Connection) -> bytes:
        """The fields of a batch line that are the same for every batch of a connection."""
        return b'"subscription_id":%d,"connection_id":%s,' % (
            conn.subscription_id,
            orjson.dumps(conn.id),
        )

    def batch_line(conn: Connection, prefix: bytes, batch: StoredBatch, stamp: bytes) -> bytes:
        """One ``event_batch`` line: stored events as they are, only the envelope stamped."""
        batch_id = orjson.dumps(batch.batch_id)
        token = service.token_for(conn.subscription_id, batch.seq).encode("ascii")
        return b"".join(
            (
                b'{"type":"event_batch","batch_id":',
                batch_id,
                b',"response_id":',
                batch_id,
                b",",
                prefix,
                b'"resume_token":"',
                token,
                b'","batch_size":%d,"timestamp":"' % batch.event_count,
                stamp,
                b'","events":',
                batch.events_json,
                b"}\n",
            )
        )

    def reorg_line(conn: Connection, batch: StoredBatch, stamp: bytes) -> bytes:
        """One ``reorg`` line: the stored notice, with its id, resume token and envelope."""
        notice = orjson.loads(batch.events_json)
        return (
            orjson.dumps(
                {
                    "type": "reorg",
                    "reorg_id": batch.batch_id,
                    "subscription_id": conn.subscription_id,
                    "connection_id": conn.id,
                    "fork_block": notice["fork_block"],
                    "void_batch_ids": notice["void_batch_ids"],
                    "void_batch_count": notice["void_batch_count"],
                    "resume_token": service.token_for(conn.subscription_id, batch.seq),
                    "timestamp": stamp.decode("ascii"),
                }
            )
            + b"\n"
        )

    def heartbeat_line(conn: Connection) -> bytes:
        return (
            orjson.dumps(
                {
                    "type": "heartbeat",
                    "connection_id": conn.id,
                    "subscription_id": conn.subscription_id,
                    "timestamp": now_iso(),
                }
            )
            + b"\n"
        )

    async def deliver(conn: Connection, permit: Permit) -> AsyncIterator[bytes]:
        """Unacknowledged batches in order, then new ones; heartbeats; error lines.

        Lines are coalesced into writes of up to ``_CHUNK_BYTES``; whatever is held is written
        before the stream waits (for new batches, acks or the next heartbeat).
        """
        sid = conn.subscription_id
        prefix = connection_prefix(conn)
        deadline = settings.ack_deadline
        in_flight = conn.in_flight  # in send order: the oldest first
        next_heartbeat = time.monotonic()
        out: list[bytes] = []
        size = 0
        try:
            while not conn.closed and not hub.closing:
                now = time.monotonic()
                if now >= next_heartbeat:
                    out.append(heartbeat_line(conn))
                    next_heartbeat = now + settings.heartbeat_interval
                while conn.pending:
                    out.append(conn.pending.popleft())
                expired: dict[str, int] = {}
                for batch_id, (seq, sent) in in_flight.items():
                    if now - sent <= deadline:
                        break  # the rest were sent later
                    expired[batch_id] = seq
                if expired:  # redeliver what is still unacknowledged, on this connection too
                    stamp = now_iso().encode("ascii")
                    lowest = min(expired.values()) - 1
                    # (slack: reorg notices in the seq range take rows too)
                    again = await service.storage.unacked_batches(sid, lowest, len(expired) + 16)
                    for batch in again:
                        if batch.batch_id in in_flight:
                            del in_flight[batch.batch_id]  # re-inserted last: sent now
                            in_flight[batch.batch_id] = (batch.seq, now)
                            expired.pop(batch.batch_id, None)
                            line = batch_line(conn, prefix, batch, stamp)
                            out.append(line)
                            size += len(line)
                    for batch_id in expired:
                        in_flight.pop(batch_id, None)  # acknowledged elsewhere meanwhile
                        conn.last_seen = now  # (through a peer instance): the client is alive
                room = settings.max_inflight_batches - len(in_flight)
                if room > 0:
                    batches = await service.storage.unacked_batches(
                        sid, conn.sent_upto, min(room, _PAGE)
                    )
                    if batches:
                        stamp = now_iso().encode("ascii")
                        for batch in batches:
                            if batch.kind == "reorg":
                                # Sent once per connection, not redelivered on the ack
                                # deadline: a client that ignores it acknowledges it with the
                                # next batch; a reconnect sends it again until then.
                                line = reorg_line(conn, batch, stamp)
                                out.append(line)
                                size += len(line)
                                continue
                            in_flight[batch.batch_id] = (batch.seq, now)
                            line = batch_line(conn, prefix, batch, stamp)
                            out.append(line)
                            size += len(line)
                        conn.sent_upto = batches[-1].seq
                        if size >= _CHUNK_BYTES:
                            yield b"".join(out)
                            out, size = [], 0
                        continue
                if out:  # about to wait: write what is held first
                    yield b"".join(out)
                    out, size = [], 0
                    continue
                conn.wake.clear()
                if conn.pending or conn.closed:
                    continue
                wait = max(0.0, next_heartbeat - time.monotonic())
                if in_flight:
                    oldest = next(iter(in_flight.values()))[1]
                    wait = min(wait, max(0.0, oldest + deadline - time.monotonic()))
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await conn.wake.wait()
        finally:
            permit.release()
            await service.release(conn)

    async def owned_subscription(principal: Principal, sid: int) -> Any:
        """The subscription if ``principal`` may use it; others' ids are 404 like missing ones."""
        sub = await service.storage.get_subscription(sid)
        if sub is None or not can_access(principal, sub.subscriber_id):
            raise ApiError.not_found("Subscription", f"No subscription with id {sid}")
        return sub

    async def stream_subscription(call: Call) -> Any:
        sid = call.params["subscription_id"]
        sub = await owned_subscription(call.principal, sid)
        service.owners[sid] = sub.subscriber_id
        token = call.params.get("resume_token")
        resume_from = 0
        if token is not None:
            try:
                resume_from = service.resume_position(token, sid, sub.subscriber_id)
            except InvalidToken as err:
                raise ApiError(
                    400, "Invalid resume token", str(err), error_code="INVALID_RESUME_TOKEN"
                ) from None
            # The SDK advances its token only after handlers finished: everything up to it is
            # handled, so it counts as acknowledged.
            await service.storage.ack_through(sid, resume_from, lambda q: service.token_for(sid, q))
        permit = service.guard.stream_permit(call.principal, sid, call.request)
        conn = service.open_stream(sid, sub.chain_id, subscriber_id=sub.subscriber_id)
        conn.sent_upto = resume_from
        # The SDK's client_metadata (compact JSON): logged with the connection it describes.
        metadata = call.request.headers.get("x-client-metadata", "")[:_MAX_METADATA]
        logger.info(
            "stream %s opened on subscription %d, client metadata %s", conn.id, sid, metadata or "-"
        )
        return StreamingResponse(
            deliver(conn, permit),
            media_type="application/x-ndjson",
            headers={"X-Connection-Id": conn.id, "Cache-Control": "no-cache"},
        )

    async def live_connection(
        call: Call, connection_id: str, subscription_id: int | None = None
    ) -> Connection:
        """The caller's open stream (else 404), marked as heard from now."""
        conn = hub.get(connection_id, subscription_id)
        owner = service.owners.get(conn.subscription_id) if conn is not None else None
        if conn is None or owner is None or not can_access(call.principal, owner):
            raise ApiError(
                404,
                "Connection not found",
                f"no open stream {connection_id}"
                + (f" on subscription {subscription_id}" if subscription_id else ""),
                error_code="CONNECTION_NOT_FOUND",
            )
        conn.last_seen = time.monotonic()
        return conn

    async def acknowledge(sid: int, batch_ids: list[str], conn: Connection | None) -> Any:
        """Store the acks; ``conn``: the stream is open here (None: on another instance)."""
        result = await service.storage.ack_batches(
            sid, batch_ids, lambda q: service.token_for(sid, q)
        )
        if conn is not None:
            service.faults.hit("exit_after_ack_commit")
            for batch_id in result.acknowledged:
                conn.in_flight.pop(batch_id, None)
            hub.notify(sid)
        service.ingest.wake_for(sid)
        if result.acknowledged:
            service.retention.acknowledged()
        return result

    async def peer_stream(call: Call, connection_id: str, sid: int) -> bool:
        """Is ``connection_id`` a stream another instance opened on ``sid``, for this caller?

        A load balancer without affinity may send a stream's acks here: they are applied to
        the shared store all the same (the instance serving the stream sees them before it
        resends), instead of a 404 that would hold them back.
        """
        if hub.get(connection_id, sid) is not None or not hub.is_foreign(connection_id):
            return False
        await owned_subscription(call.principal, sid)
        return True

    async def acknowledge_batch(call: Call) -> tuple[int, Any]:
        sid = call.params["subscription_id"]
        batch_id = call.body["batch_id"]
        cid = call.params["connection_id"]
        conn = None if await peer_stream(call, cid, sid) else await live_connection(call, cid, sid)
        result = await acknowledge(sid, [batch_id], conn)
        if result.unknown:
            raise ApiError(
                404,
                "Batch not found",
                f"no batch {batch_id} on subscription {sid}",
                error_code="BATCH_NOT_FOUND",
            )
        return 200, {
            "acknowledged": True,
            "batch_id": batch_id,
            "events_acknowledged": result.events[batch_id],
            "connection_id": cid,
            "timestamp": now_iso(),
            "resume_token": result.resume_token,
        }

    async def acknowledge_batch_bulk(call: Call) -> tuple[int, Any]:
        sid = call.params["subscription_id"]
        cid = call.params["connection_id"]
        elsewhere = await peer_stream(call, cid, sid)
        conn = None if elsewhere else await live_connection(call, cid, sid)
        if call.body["connection_id"] != cid:
            raise ApiError.field(
                "body.connection_id", f"must equal the path's connection id {cid}", "mismatch"
            )
        ids = list(dict.fromkeys(call.body["batch_ids"]))
        result = await acknowledge(sid, ids, conn)
        return 200, {
            "total_batches": len(ids),
            "acknowledged_batches": len(result.acknowledged),
            "failed_batches": len(result.unknown),
            "failed_batch_ids": result.unknown,
            "total_events_acknowledged": sum(result.events.values()),
            "connection_id": cid,
            "timestamp": now_iso(),
            "resume_token": result.resume_token,
        }

    async def send_client_heartbeat(call: Call) -> tuple[int, Any]:
        cid = call.params["connection_id"]
        # A peer's stream (load balancer without affinity): nothing to record here; the
        # serving instance counts the stream's acks and reads as signs of life too.
        if not (hub.get(cid) is None and hub.is_foreign(cid)):
            await live_connection(call, cid)
        return 200, {
            "acknowledged": True,
            "server_timestamp": now_iso(),
            "connection_id": cid,
            "timestamp": call.body["timestamp"],
        }

    return {
        "stream_subscription": stream_subscription,
        "acknowledge_batch": acknowledge_batch,
        "acknowledge_batch_bulk": acknowledge_batch_bulk,
        "send_client_heartbeat": send_client_heartbeat,
    }
