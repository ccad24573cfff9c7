"""A JSON-RPC proxy in front of anvil that imitates provider limits and failures."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx

from tests._jsonserver import JsonServer


class RpcProxy:
    """Forwards to ``upstream``; ``max_span`` rejects wider eth_getLogs ranges in ``shape``.

    Shapes: ``infura`` (-32005 with data {from, to}), ``alchemy`` (-32602 with a suggested
    range in the message), ``results`` ("query returned more than 10000 results"), ``http413``.
    ``fail`` makes every call answer HTTP 503.
    """

    def __init__(
        self, upstream: str, *, max_span: int | None = None, shape: str = "results"
    ) -> None:
        self.upstream = upstream
        self.max_span = max_span
        self.shape = shape
        self.fail = False
        self.delay = 0.0  # seconds before answering (a slow node)
        self.rate_limited = 0  # answer this many eth_getLogs calls with HTTP 429
        self.calls: Counter[str] = Counter()
        self.spans: list[tuple[int, int]] = []
        self.topics_seen: list[list[Any]] = []  # the topics filter of every eth_getLogs
        self._http = httpx.Client(timeout=30)
        self._server = JsonServer(self.handle)
        self.url = self._server.url

    def handle(self, request: dict[str, Any]) -> tuple[int, Any]:
        method = request["method"]
        self.calls[method] += 1
        if self.delay:
            time.sleep(self.delay)
        if self.fail:
            return 503, {"error": "unavailable"}
        if method == "eth_getLogs" and self.rate_limited > 0:
            self.rate_limited -= 1
            return 429, {"error": "rate limit exceeded"}
        if method == "eth_getLogs":
            self.topics_seen.append(request["params"][0].get("topics", []))
        if method == "eth_getLogs" and self.max_span is not None:
            flt = request["params"][0]
            lo, hi = int(flt["fromBlock"], 16), int(flt["toBlock"], 16)
            if hi - lo + 1 > self.max_span:
                return self._too_large(request["id"], lo)
            self.spans.append((lo, hi))
        return 200, self._http.post(self.upstream, json=request).json()

    def _too_large(self, rid: int, lo: int) -> tuple[int, Any]:
        ok_to = lo + self.max_span - 1 if self.max_span else lo
        base = {"jsonrpc": "2.0", "id": rid}
        if self.shape == "http413":
            return 413, {"error": "payload too large"}
        if self.shape == "infura":
            error = {
                "code": -32005,
                "message": "query returned more than 10000 results",
                "data": {"from": hex(lo), "to": hex(ok_to)},
            }
        elif self.shape == "alchemy":
            error = {
                "code": -32602,
                "message": f"Log response size exceeded. this block range "
                f"should work: [{hex(lo)}, {hex(ok_to)}]",
            }
        else:
            error = {"code": -32005, "message": "query returned more than 10000 results"}
        return 200, {**base, "error": error}

    def stop(self) -> None:
        self._server.stop()
        self._http.close()
