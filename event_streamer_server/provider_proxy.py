"""A provider-like JSON-RPC proxy in front of anvil: test your backfill against real limits.

Used by this project's backfill benchmarks and tests, and public for users' own tests.

Adds a fixed latency to every HTTP request and enforces provider limits with provider-style
errors: a block-range cap on ``eth_getLogs`` (-32005 with a suggested ``data: {from, to}``,
Infura-style), a cap on logs per response (-32005 "query returned more than 10000 results. Try
with this block range [0x.., 0x..]." as Infura words it; ``suggest=False`` leaves the range out),
and a request rate (token bucket; HTTP 429 with ``Retry-After`` beyond it). JSON-RPC batches are
accepted (one HTTP request, one latency, one token) and each element is checked like a call.
Threaded, so concurrent requests wait out their latency in parallel, as at a real provider.

Like a provider's index, the log cap is checked without producing a whole over-large answer:
a range wider than ``scan_blocks`` is read from the node in pieces of that many blocks, and the
scan stops at the first piece that passes the cap (anvil takes seconds, and superlinear time,
to produce a 100 MB answer that a provider would refuse after counting).
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import orjson

__all__ = ["ProviderProxy"]

_LOG_MARK = b'"logIndex"'


def _is_result(answer: bytes) -> bool:
    """Whether a node's answer carries a result (not an error), without parsing all of it."""
    head = answer[:256]
    return b'"result"' in head and b'"error"' not in head


class ProviderProxy:
    """Forwards to ``upstream``; ``stop()`` closes it. Counters are safe to read after runs."""

    def __init__(
        self,
        upstream: str,
        *,
        latency: float = 0.1,
        max_span: int | None = None,
        max_logs: int | None = None,
        rate: float | None = None,
        burst: int | None = None,
        jitter: float = 0.0,
        suggest: bool = True,
        scan_blocks: int = 64,
    ) -> None:
        self.upstream = upstream
        self.latency = latency
        self.jitter = jitter  # up to this much more per request, at random (answers reorder)
        self.answered: list[int] = []  # fromBlock of each accepted eth_getLogs, as answered
        self.in_flight = 0
        self.open = threading.Event()  # cleared: requests wait (tests freeze a backfill)
        self.open.set()
        self.most_in_flight = 0
        self.max_span = max_span
        self.max_logs = max_logs
        self.suggest = suggest  # log-cap refusals carry a block range that fits
        self.scan_blocks = max(1, scan_blocks)
        self.rate = rate
        self.burst = burst if burst is not None else (int(rate) if rate else 0)
        self._tokens = float(self.burst)
        self._refilled = time.monotonic()
        self._lock = threading.Lock()
        self.requests = 0  # HTTP requests
        self.calls: Counter[str] = Counter()  # JSON-RPC calls by method (batch elements too)
        self.rejected = 0  # HTTP 429s
        self.refused = 0  # range / size refusals
        self.upstream_seconds = 0.0  # summed over requests: the node answering, read, parsed
        self.max_rejects_in_a_row = 0  # for the same request body
        self._rejects: dict[str, int] = {}
        self._local = threading.local()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                status, payload, headers = proxy._handle(raw)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client closing its keep-alive connection is not news

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.calls.clear()
            self.rejected = self.refused = self.max_rejects_in_a_row = 0
            self.upstream_seconds = 0.0
            self.answered.clear()
            self.most_in_flight = 0
            self._rejects.clear()
            self._tokens = float(self.burst)
            self._refilled = time.monotonic()

    def _client(self) -> httpx.Client:
        client: httpx.Client | None = getattr(self._local, "http", None)
        if client is None:
            client = httpx.Client(timeout=120)
            self._local.http = client
        return client

    def _take_token(self) -> float | None:
        """None when allowed; else seconds until the next token."""
        if not self.rate:
            return None
        now = time.monotonic()
        self._tokens = min(float(self.burst), self._tokens + (now - self._refilled) * self.rate)
        self._refilled = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        return (1.0 - self._tokens) / self.rate

    def _handle(self, raw: bytes) -> tuple[int, bytes, dict[str, str]]:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            self.open.wait(60)
            time.sleep(self.latency + (random.uniform(0, self.jitter) if self.jitter else 0.0))
            return self._answer(raw)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, raw: bytes) -> tuple[int, bytes, dict[str, str]]:
        key = hashlib.blake2b(raw, digest_size=8).hexdigest()
        with self._lock:
            self.requests += 1
            wait = self._take_token()
            if wait is not None:
                self.rejected += 1
                n = self._rejects.get(key, 0) + 1
                self._rejects[key] = n
                self.max_rejects_in_a_row = max(self.max_rejects_in_a_row, n)
                body = orjson.dumps({"error": "rate limit exceeded: too many requests"})
                return 429, body, {"Retry-After": str(max(1, math.ceil(wait)))}
            self._rejects.pop(key, None)
        request = orjson.loads(raw)
        if isinstance(request, list):
            return 200, b"[" + b",".join(self._one(r) for r in request) + b"]", {}
        return 200, self._one(request), {}

    def _one(self, request: dict[str, Any]) -> bytes:
        """One JSON-RPC call's answer, as JSON text (the node's own bytes when accepted)."""
        method = request.get("method", "")
        with self._lock:
            self.calls[method] += 1
        base = {"jsonrpc": "2.0", "id": request.get("id")}
        if method == "eth_getLogs" and self.max_span is not None:
            flt = request["params"][0]
            lo, hi = int(flt["fromBlock"], 16), int(flt["toBlock"], 16)
            if hi - lo + 1 > self.max_span:
                with self._lock:
                    self.refused += 1
                return orjson.dumps(
                    {
                        **base,
                        "error": {
                            "code": -32005,
                            "message": f"block range too large: at most {self.max_span} blocks",
                            "data": {"from": hex(lo), "to": hex(lo + self.max_span - 1)},
                        },
                    }
                )
        if method == "eth_getLogs" and self.max_logs is not None:
            refusal, answer = self._capped_logs(request)
            if refusal is not None:
                with self._lock:
                    self.refused += 1
                return orjson.dumps({**base, "error": refusal})
        else:
            answer = self._forward(request)
        if method == "eth_getLogs" and _is_result(answer):
            with self._lock:
                self.answered.append(int(request["params"][0]["fromBlock"], 16))
        return answer

    def _forward(self, request: dict[str, Any]) -> bytes:
        """The node's answer to one call, unparsed (a provider's CPU is not the client's: the
        proxy passes answers through instead of decoding and re-encoding them)."""
        began = time.perf_counter()
        response = self._client().post(
            self.upstream,
            content=orjson.dumps(request),
            headers={"content-type": "application/json"},
        )
        with self._lock:
            self.upstream_seconds += time.perf_counter() - began
        return response.content

    def _capped_logs(self, request: dict[str, Any]) -> tuple[dict[str, Any] | None, bytes]:
        """(the log-cap error, b"") or (None, the node's answer) for an ``eth_getLogs``: the
        range is read piece by piece and reading stops at the first piece past the cap."""
        assert self.max_logs is not None
        flt = request["params"][0]
        try:
            lo, hi = int(flt["fromBlock"], 16), int(flt["toBlock"], 16)
        except (KeyError, TypeError, ValueError):
            lo = hi = 0  # tags such as "latest": one piece, checked as it comes
        pieces: list[bytes] = []
        counted = 0
        a = lo
        while True:
            b = min(hi, a + self.scan_blocks - 1)
            piece = request
            if (a, b) != (lo, hi):
                piece = {**request, "params": [{**flt, "fromBlock": hex(a), "toBlock": hex(b)}]}
            answer = self._forward(piece)
            if not _is_result(answer):
                return None, answer  # the node's own error, forwarded as it is
            pieces.append(answer)
            counted += answer.count(_LOG_MARK)  # every log has one logIndex: count, not parse
            if counted > self.max_logs or b >= hi:
                break
            a = b + 1
        if counted <= self.max_logs:
            if len(pieces) == 1:
                return None, pieces[0]
            logs = [log for p in pieces for log in orjson.loads(p)["result"]]
            return None, orjson.dumps({"jsonrpc": "2.0", "id": request.get("id"), "result": logs})
        message = f"query returned more than {self.max_logs} results"
        # The widest range from lo whose logs fit: up to the block before the first log past
        # the cap (none when block lo alone is over it).
        before = counted - pieces[-1].count(_LOG_MARK)
        over = orjson.loads(pieces[-1])["result"][self.max_logs - before]
        last = int(over["blockNumber"], 16) - 1
        if self.suggest and last >= lo:
            message += f". Try with this block range [{hex(lo)}, {hex(last)}]."
        return {"code": -32005, "message": message}, b""

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
