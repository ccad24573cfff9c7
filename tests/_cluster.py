"""Several service instances on one store, and a consumer that knows all their URLs.

Shared by ``tests/e2e/test_cluster.py`` and ``scripts/cluster_soak.py``. The consumer speaks the
wire protocol directly (httpx, NDJSON) so that every fact is observable: each batch it handled,
each acknowledgement the service answered 2xx, each line received and from which instance. On a
connection failure it moves to the next URL at once and resumes from the token of the last batch
it handled (client-side failover until the SDK's own URL list lands).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from event_streamer_server.testing import ServiceProcess, start_service

__all__ = ["Consumer", "Instances", "free_port"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Instances:
    """``n`` service processes on one ``db`` (a SQLite path, or a ``postgresql://`` URL), each on
    a fixed port so that a restarted instance answers at the same URL."""

    db: str
    work: Path
    n: int = 3
    ttl: float = 2.0
    env: dict[str, str] = field(default_factory=dict)
    ports: list[int] = field(default_factory=list)
    procs: list[ServiceProcess | None] = field(default_factory=list)
    starts: int = 0

    def __post_init__(self) -> None:
        self.ports = [free_port() for _ in range(self.n)]
        self.procs = [None] * self.n

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def start(self, i: int) -> ServiceProcess:
        """Start (or restart) instance ``i``; its id is ``soak-<i>-<start number>``: not of the
        ``hostname-pid-random`` form, so a killed holder is replaced only after its ttl, as it
        would be across machines."""
        self.starts += 1
        env = {
            "EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.2",
            "EVENT_STREAMER_ACK_DEADLINE": "5",
            "EVENT_STREAMER_INGEST_LEASE_TTL": str(self.ttl),
            "EVENT_STREAMER_INSTANCE_ID": f"soak-{i}-{self.starts}",
            **self.env,
        }
        proc = start_service(
            db=self.db, port=self.ports[i], env=env, workdir=self.work / f"instance-{i}"
        )
        self.procs[i] = proc
        return proc

    def start_all(self) -> None:
        for i in range(self.n):
            self.start(i)

    def kill(self, i: int) -> None:
        proc = self.procs[i]
        if proc is not None:
            proc.kill()
            self.procs[i] = None

    def instance_ids(self) -> dict[str, int]:
        """instance id -> index, for the running instances."""
        found = {}
        for i, url in enumerate(self.urls):
            if self.procs[i] is None:
                continue
            with contextlib.suppress(httpx.HTTPError):
                found[httpx.get(f"{url}/health", timeout=5).json()["instance_id"]] = i
        return found

    def lease_owner(self, chain_id: int) -> tuple[str, int, bool] | None:
        """(owner, token, active) of the chain's lease, asked of any running instance."""
        for i, url in enumerate(self.urls):
            if self.procs[i] is None:
                continue
            try:
                stats = httpx.get(f"{url}/api/chains/stats", timeout=5).json()
            except httpx.HTTPError:
                continue
            for lease in stats.get("ingest_leases", []):
                if lease["chain_id"] == chain_id:
                    return lease["owner"], lease["token"], lease["active"]
            return None
        return None

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc is not None:
                proc.cleanup()
        self.procs = [None] * self.n


class Consumer:
    """Streams one subscription from the first answering URL, acknowledges each batch after
    handling it, and appends one JSON line per fact to ``log`` (a single write each):
    ``handled`` (batch, values, token, url), ``acked`` (batch), ``rx`` (url, on every line)."""

    def __init__(
        self,
        urls: Sequence[str],
        subscription_id: int,
        log: Path,
        *,
        start_at: int = 0,
        ack_fails_every: int = 0,
    ) -> None:
        self.urls = list(urls)
        self.subscription_id = subscription_id
        self.log = log
        self.index = start_at % len(self.urls)
        self.token: str | None = None
        self.url: str | None = None  # the instance currently streaming to us
        self.values: list[int] = []
        self.acked: set[str] = set()
        self.handled_at: list[tuple[float, int]] = []  # (time, highest value) per batch
        self.connected_at: list[tuple[float, str]] = []  # (time of the first line, url)
        self._ack_fails_every = ack_fails_every  # tests: leave every n-th batch unacknowledged
        self._handled = 0
        self._fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._task: asyncio.Task[None] | None = None

    def write(self, record: dict[str, Any]) -> None:
        os.write(self._fd, (json.dumps({**record, "t": time.time()}) + "\n").encode())

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            os.close(self._fd)

    async def _run(self) -> None:
        async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=2.0)) as http:
            while True:
                url = self.urls[self.index]
                with contextlib.suppress(httpx.HTTPError, OSError, ValueError):
                    await self._stream(http, url)
                self.url = None
                self.index = (self.index + 1) % len(self.urls)
                await asyncio.sleep(0.02)  # a full turn over dead URLs is not a busy loop

    async def _stream(self, http: httpx.AsyncClient, url: str) -> None:
        sid = self.subscription_id
        params = {"resume_token": self.token} if self.token else {}
        async with http.stream(
            "GET", f"{url}/subscriptions/{sid}/stream", params=params
        ) as response:
            if response.status_code != 200:
                return
            cid = response.headers["x-connection-id"]
            self.url = url
            buffer = b""
            first = True
            async for chunk in response.aiter_bytes():
                if first:
                    self.connected_at.append((time.time(), url))
                    first = False
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    if line.strip():
                        await self._line(http, url, sid, cid, json.loads(line))

    async def _line(
        self, http: httpx.AsyncClient, url: str, sid: int, cid: str, message: dict[str, Any]
    ) -> None:
        self.write({"kind": "rx", "url": url})
        if message.get("type") != "event_batch":
            return
        values = [int(e["value"]) for evs in message["events"].values() for e in evs]
        batch = message["batch_id"]
        self.write(
            {
                "kind": "handled",
                "batch": batch,
                "values": values,
                "token": message["resume_token"],
                "url": url,
            }
        )
        self.values.extend(values)
        if values:
            self.handled_at.append((time.time(), max(values)))
        self.token = message["resume_token"]
        self._handled += 1
        if self._ack_fails_every and self._handled % self._ack_fails_every == 0:
            return
        answer = await http.post(
            f"{url}/subscriptions/{sid}/stream/{cid}/ack/batch/bulk",
            json={"connection_id": cid, "batch_ids": [batch]},
        )
        if answer.status_code == 200:
            self.acked.add(batch)
            self.write({"kind": "acked", "batch": batch})


def read_log(log: Path) -> list[dict[str, Any]]:
    records = []
    if log.exists():
        for line in log.read_text().splitlines():
            with contextlib.suppress(ValueError):
                records.append(json.loads(line))
    return records
