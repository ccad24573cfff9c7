"""A scripted NDJSON service on a real socket (uvicorn in a thread), for stream fault tests.

Each stream connection plays the next script (the last one repeats). A script is a function of
the connection id returning a Starlette Response (e.g. a 401) or an async iterator of bytes;
raising inside the iterator aborts the connection mid-stream, as a crash would.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

Script = Callable[[str], Response | AsyncIterator[bytes]]


def batch(batch_id: str, values: list[int], seq: int) -> bytes:
    events = [{"value": str(v), "block_number": v} for v in values]
    message = {
        "type": "event_batch",
        "batch_id": batch_id,
        "resume_token": f"rt_{seq}",
        "batch_size": len(events),
        "events": {"Transfer": events},
    }
    return json.dumps(message).encode() + b"\n"


HEARTBEAT = b'{"type":"heartbeat","timestamp":"2026-11-27T10:30:00Z"}\n'


async def lines(*chunks: bytes, then: str = "hang") -> AsyncIterator[bytes]:
    """Send ``chunks``; then hang (silent, open), end (clean EOF) or crash (abort)."""
    for chunk in chunks:
        yield chunk
    if then == "hang":
        await asyncio.sleep(3600)
    elif then == "crash":
        raise ConnectionResetError("scripted crash")


class ScriptedService:
    def __init__(self, *scripts: Script) -> None:
        self.scripts = list(scripts)
        self.stream_params: list[dict[str, str]] = []
        self.acks: list[tuple[str, list[str]]] = []
        self.heartbeats: list[str] = []
        self.dead: set[str] = set()  # connection ids the ack/heartbeat endpoints 404
        self.end_block: int | None = None  # the subscription's (bounded when set)
        self.streaming_status = "active"  # what processing-status answers
        self.metadata: list[str | None] = []  # X-Client-Metadata of each stream request
        app = Starlette(
            routes=[
                Route("/subscriptions/{sid}/stream", self._stream),
                Route(
                    "/subscriptions/{sid}/stream/{cid}/ack/batch/bulk", self._ack, methods=["POST"]
                ),
                Route("/stream/{cid}/heartbeat", self._heartbeat, methods=["POST"]),
                Route("/subscriptions/{sid}", self._subscription),
                Route("/subscriptions/{sid}/processing-status", self._status),
            ]
        )
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._server.serve(),), daemon=True
        )
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("scripted service did not start")
            threading.Event().wait(0.01)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    @property
    def connections(self) -> int:
        return len(self.stream_params)

    async def _stream(self, request: Request) -> Response:
        index = len(self.stream_params)
        self.stream_params.append(dict(request.query_params))
        self.metadata.append(request.headers.get("x-client-metadata"))
        cid = f"c{index}"
        result = self.scripts[min(index, len(self.scripts) - 1)](cid)
        if isinstance(result, Response):
            return result
        return StreamingResponse(
            result, media_type="application/x-ndjson", headers={"X-Connection-Id": cid}
        )

    async def _ack(self, request: Request) -> Response:
        cid = request.path_params["cid"]
        if cid in self.dead:
            return JSONResponse({"error": "Connection not found"}, status_code=404)
        ids = (await request.json())["batch_ids"]
        self.acks.append((cid, ids))
        return JSONResponse(
            {
                "total_batches": len(ids),
                "acknowledged_batches": len(ids),
                "failed_batches": 0,
                "failed_batch_ids": [],
                "total_events_acknowledged": len(ids),
                "connection_id": cid,
                "timestamp": "2026-11-27T10:30:00Z",
            }
        )

    async def _heartbeat(self, request: Request) -> Response:
        cid = request.path_params["cid"]
        if cid in self.dead:
            return JSONResponse({"error": "Connection not found"}, status_code=404)
        body: dict[str, Any] = await request.json()
        self.heartbeats.append(cid)
        return JSONResponse(
            {
                "acknowledged": True,
                "server_timestamp": "2026-11-27T10:30:00Z",
                "connection_id": cid,
                "timestamp": body["timestamp"],
            }
        )

    async def _subscription(self, request: Request) -> Response:
        return JSONResponse(
            {
                "id": int(request.path_params["sid"]),
                "topic0": "0x" + "dd" * 32,
                "event_signature": {"type": "event", "name": "Transfer", "inputs": []},
                "addresses": [],
                "start_block": 0,
                "end_block": self.end_block,
                "chain_id": 31337,
                "subscriber_id": "faults",
                "is_streaming": True,
                "streaming_status": self.streaming_status,
                "events_delivered": 0,
                "created_at": "2026-11-27T10:30:00Z",
                "updated_at": "2026-11-27T10:30:00Z",
            }
        )

    async def _status(self, request: Request) -> Response:
        return JSONResponse(
            {
                "subscription_id": int(request.path_params["sid"]),
                "is_processing": self.streaming_status == "active",
                "connection_count": 1,
                "streaming_status": self.streaming_status,
                "timestamp": "2026-11-27T10:30:00Z",
            }
        )

    def acked(self) -> list[str]:
        return [batch_id for _, ids in self.acks for batch_id in ids]

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedService]]:
    """Make scripted services; all are stopped after the test."""
    services: list[ScriptedService] = []

    def make(*scripts: Script) -> ScriptedService:
        service = ScriptedService(*scripts)
        services.append(service)
        return service

    yield make
    for service in services:
        service.stop()
