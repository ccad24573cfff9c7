"""Benchmark NDJSON server: streams pre-built Transfer batches as fast as the socket takes them.

Run as a process: python _stream_server.py EVENTS READY_FILE. Serves the stream, bulk acks,
client heartbeats and GET /subscriptions/{id} (enough for every client under test).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
from pathlib import Path

import orjson
from aiohttp import web

BATCH = 100


def transfer_batch(rng: random.Random, addresses: list[str], block: int) -> list[dict[str, object]]:
    """``BATCH`` decoded Transfer events of one block, shaped as the service delivers them."""
    return [
        {
            "from": rng.choice(addresses),
            "to": rng.choice(addresses),
            "value": str(rng.getrandbits(80)),
            "block_number": block,
            "transaction_hash": "0x" + rng.randbytes(32).hex(),
            "transaction_index": i,
            "log_index": i,
            "address": addresses[0],
            "block_hash": "0x" + rng.randbytes(32).hex(),
            "removed": False,
            "timestamp": "2026-11-27T10:30:00.000Z",
        }
        for i in range(BATCH)
    ]


def build(total: int) -> bytes:
    rng = random.Random(7)
    addresses = ["0x" + rng.randbytes(20).hex() for _ in range(1000)]
    lines = []
    for b in range(total // BATCH):
        events = transfer_batch(rng, addresses, 1000 + b)
        lines.append(
            orjson.dumps(
                {
                    "type": "event_batch",
                    "batch_id": f"batch_{b}",
                    "response_id": f"batch_{b}",
                    "subscription_id": 1,
                    "connection_id": "bench",
                    "resume_token": f"rt_{b}",
                    "batch_size": BATCH,
                    "timestamp": "2026-11-27T10:30:00.000Z",
                    "events": {"Transfer": events},
                }
            )
            + b"\n"
        )
    return b"".join(lines)


def main() -> None:
    # python _stream_server.py EVENTS [REPEAT] READY: REPEAT sends the EVENTS block that many
    # times (a million events without a million lines in memory).
    total, ready = int(sys.argv[1]), sys.argv[-1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 3 else 1
    payload = build(total)
    chunk = 256 * 1024

    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "application/x-ndjson", "X-Connection-Id": "bench"}
        )
        await response.prepare(request)
        view = memoryview(payload)
        for _ in range(repeat):
            for start in range(0, len(payload), chunk):
                await response.write(view[start : start + chunk])
        await response.write_eof()
        return response

    async def ack(request: web.Request) -> web.Response:
        ids = (await request.json())["batch_ids"]
        return web.json_response(
            {
                "total_batches": len(ids),
                "acknowledged_batches": len(ids),
                "failed_batches": 0,
                "failed_batch_ids": [],
                "total_events_acknowledged": len(ids) * BATCH,
                "connection_id": "bench",
                "timestamp": "2026-11-27T10:30:00Z",
            }
        )

    async def heartbeat(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "acknowledged": True,
                "server_timestamp": "2026-11-27T10:30:00Z",
                "connection_id": "bench",
                "timestamp": "2026-11-27T10:30:00Z",
            }
        )

    app = web.Application()
    app.router.add_get("/subscriptions/{sid}/stream", stream)
    app.router.add_post("/subscriptions/{sid}/stream/{cid}/ack/batch", ack)
    app.router.add_post("/subscriptions/{sid}/stream/{cid}/ack/batch/bulk", ack)
    app.router.add_post("/stream/{cid}/heartbeat", heartbeat)

    async def serve() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        info = json.dumps({"url": f"http://127.0.0.1:{port}", "bytes": len(payload)})
        Path(ready + ".tmp").write_text(info)  # noqa: ASYNC240 - once, before serving
        os.replace(ready + ".tmp", ready)
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
