"""Stream consumption: StreamingClient vs the published 0.5.0 client and bare loops.

One server process streams pre-built 100-event Transfer batches as fast as the socket takes
them; each client runs in its own process (auto-ack, counting handler) and reports events/s
from its first request to its N-th event. Medians of several rounds.
"""

from __future__ import annotations

import statistics
import sys

from ._procs import HERE, run_client, sdk05_python, start_server, stop
from ._table import Row


def run(quick: bool) -> list[Row]:
    n = 100_000 if quick else 300_000
    rounds = 1 if quick else 5  # the bare aiohttp loop is bimodal here: medians of 5
    server, info = start_server("_stream_server.py", str(n + 100))  # +1 batch: the clock starter
    url = str(info["url"])
    try:
        rates: dict[str, list[float]] = {"ours": [], "aiohttp": [], "httpx": [], "sdk05": []}
        python05 = sdk05_python()
        for _ in range(rounds):
            for kind in ("ours", "aiohttp", "httpx"):
                rates[kind].append(
                    run_client(sys.executable, HERE / "_stream_clients.py", kind, url, str(n))
                )
            rates["sdk05"].append(run_client(python05, HERE / "_sdk05_client.py", url, str(n)))
    finally:
        stop(server)
    med = {k: statistics.median(v) for k, v in rates.items()}
    note = f"{n:,} events in 100-event batches, median of {rounds}"
    return [
        Row(
            "stream: StreamingClient vs event-streamer-sdk 0.5.0",
            med["ours"],
            med["sdk05"],
            "events/s",
            1.8,
            note,
        ),
        Row(
            "stream: StreamingClient vs bare aiohttp + orjson loop",
            med["ours"],
            med["aiohttp"],
            "events/s",
            0.85,
            note,
        ),
        Row(
            "stream: StreamingClient vs bare httpx aiter_lines + orjson",
            med["ours"],
            med["httpx"],
            "events/s",
            None,
            "informational",
        ),
    ]
