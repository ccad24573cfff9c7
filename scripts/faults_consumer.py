"""Consumer for the crash-restart soak (scripts/faults.py): python faults_consumer.py URL SUB LOG.

Appends one JSON line per fact to LOG (one write per line, so a kill -9 never leaves half a
record): ``handled`` (batch id, values, token) after the handler ran, ``acked`` after the
acknowledgement's 2xx, ``rx`` on each server heartbeat. On start it resumes from the token of
the last handled batch in LOG, like an application that stores its token with its data.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from event_streamer import EventStreamer, EventStreamerSDKError


def last_token(log: Path) -> str | None:
    token = None
    if log.exists():
        for line in log.read_text().splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a torn last line cannot happen with single writes, but be safe
            if record["kind"] == "handled":
                token = record["token"]
    return token


async def main(url: str, subscription_id: int, log_path: str) -> None:
    log = Path(log_path)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(record: dict[str, Any]) -> None:
        os.write(fd, (json.dumps(record) + "\n").encode())

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with EventStreamer(url, "soak", max_retries=2) as client:
        sc = client.create_streaming_client(
            subscription_id,
            resume_token=last_token(log),
            auto_acknowledge=False,
            server_heartbeat_interval=0.2,
            heartbeat_interval=0.5,
            backoff_initial=0.05,
            backoff_max=0.5,
        )

        @sc.on_event("Transfer")
        async def handle(events: list[dict[str, Any]]) -> None:
            batch = sc.current_batch
            assert batch is not None
            write(
                {
                    "kind": "handled",
                    "batch": batch.batch_id,
                    "token": batch.resume_token,
                    "values": [int(e["value"]) for e in events],
                    "t": time.time(),
                }
            )
            try:
                await sc.acknowledge_batch(batch.batch_id)
            except EventStreamerSDKError:
                return  # the service is down: the batch stays unacknowledged
            write({"kind": "acked", "batch": batch.batch_id, "t": time.time()})

        @sc.on_heartbeat
        def beat(_: Any) -> None:
            write({"kind": "rx", "t": time.time()})

        await sc.start_streaming()
        await stop.wait()
        await sc.disconnect()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
