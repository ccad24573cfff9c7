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
from ._streams import Connection
from ._time import now_iso
from ._tokens import InvalidToken

__all__ = ["handlers"]

_PAGE = 100  # batches read from storage at a time
_MAX_METADATA = 4096  # bytes of X-Client-Metadata kept (the SDK sends at most this much)

logger = logging.getLogger(__name__)


def handlers(service: Service) -> dict[str, Handler]:
    settings = service.settings
    hub = service.hub

    def batch_line(conn: Connection, batch_id: str, seq: int, count: int, events: bytes) -> bytes:
        head = orjson.dumps(
            {
                "type": "event_batch",
                "batch_id": batch_id,
                "response_id": batch_id,
                "subscription_id": conn.subscription_id,
                "connection_id": conn.id,
                "resume_token": service.token_for(conn.subscription_id, seq),
                "batch_size": count,
                "timestamp": now_iso(),
            }
        )
        return head[:-1] + b',"events":' + events + b"}\n"

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
        """Unacknowledged batches in order, then new ones; heartbeats; error lines."""
        sid = conn.subscription_id
        next_heartbeat = time.monotonic()
        try:
            while not conn.closed and not hub.closing:
                now = time.monotonic()
                if now >= next_heartbeat:
                    yield heartbeat_line(conn)
                    next_heartbeat = now + settings.heartbeat_interval
                while conn.pending:
                    yield conn.pending.popleft()
                expired = [
                    seq
                    for seq, sent in conn.in_flight.values()
                    if now - sent > settings.ack_deadline
                ]
                if expired:  # redeliver what is still unacknowledged, on this connection too
                    lowest = min(expired) - 1
                    for batch in await service.storage.unacked_batches(sid, lowest, len(expired)):
                        if batch.batch_id in conn.in_flight:
                            conn.in_flight[batch.batch_id] = (batch.seq, time.monotonic())
                            yield batch_line(
                                conn,
                                batch.batch_id,
                                batch.seq,
                                batch.event_count,
                                batch.events_json,
                            )
                    for batch_id, (_seq, sent) in list(conn.in_flight.items()):
                        if now - sent > settings.ack_deadline:
                            del conn.in_flight[batch_id]  # acknowledged elsewhere meanwhile
                room = settings.max_inflight_batches - len(conn.in_flight)
                if room > 0:
                    batches = await service.storage.unacked_batches(
                        sid, conn.sent_upto, min(room, _PAGE)
                    )
                    for batch in batches:
                        conn.in_flight[batch.batch_id] = (batch.seq, time.monotonic())
                        conn.sent_upto = batch.seq
                        yield batch_line(
                            conn, batch.batch_id, batch.seq, batch.event_count, batch.events_json
                        )
                    if batches:
                        continue
                conn.wake.clear()
                if conn.pending or conn.closed:
                    continue
                wait = max(0.0, next_heartbeat - time.monotonic())
                if conn.in_flight:
                    oldest = min(sent for _, sent in conn.in_flight.values())
                    wait = min(wait, max(0.0, oldest + settings.ack_deadline - time.monotonic()))
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

    async def acknowledge(conn: Connection, batch_ids: list[str]) -> Any:
        sid = conn.subscription_id
        result = await service.storage.ack_batches(
            sid, batch_ids, lambda q: service.token_for(sid, q)
        )
        service.faults.hit("exit_after_ack_commit")
        for batch_id in result.acknowledged:
            conn.in_flight.pop(batch_id, None)
        hub.notify(sid)
        service.ingest.wake_for(sid)
        return result

    async def acknowledge_batch(call: Call) -> tuple[int, Any]:
        sid = call.params["subscription_id"]
        conn = await live_connection(call, call.params["connection_id"], sid)
        batch_id = call.body["batch_id"]
        result = await acknowledge(conn, [batch_id])
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
            "connection_id": conn.id,
            "timestamp": now_iso(),
            "resume_token": result.resume_token,
        }

    async def acknowledge_batch_bulk(call: Call) -> tuple[int, Any]:
        sid = call.params["subscription_id"]
        conn = await live_connection(call, call.params["connection_id"], sid)
        if call.body["connection_id"] != conn.id:
            raise ApiError.field(
                "body.connection_id", f"must equal the path's connection id {conn.id}", "mismatch"
            )
        ids = list(dict.fromkeys(call.body["batch_ids"]))
        result = await acknowledge(conn, ids)
        return 200, {
            "total_batches": len(ids),
            "acknowledged_batches": len(result.acknowledged),
            "failed_batches": len(result.unknown),
            "failed_batch_ids": result.unknown,
            "total_events_acknowledged": sum(result.events.values()),
            "connection_id": conn.id,
            "timestamp": now_iso(),
            "resume_token": result.resume_token,
        }

    async def send_client_heartbeat(call: Call) -> tuple[int, Any]:
        conn = await live_connection(call, call.params["connection_id"])
        return 200, {
            "acknowledged": True,
            "server_timestamp": now_iso(),
            "connection_id": conn.id,
            "timestamp": call.body["timestamp"],
        }

    return {
        "stream_subscription": stream_subscription,
        "acknowledge_batch": acknowledge_batch,
        "acknowledge_batch_bulk": acknowledge_batch_bulk,
        "send_client_heartbeat": send_client_heartbeat,
    }
