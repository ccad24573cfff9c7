"""A scripted JSON-RPC node on a real loopback socket, for breaker and failover tests."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests._jsonserver import JsonServer


class FakeNode:
    """Answers eth_chainId / eth_blockNumber; ``mode`` switches on failures.

    Modes: ``ok``; ``http500`` (every call fails with HTTP 500); ``rpc_error`` (JSON-RPC
    internal error); ``range_error`` (eth_getLogs says the range is too large).
    ``stop()`` closes the socket, so further calls are refused.
    """

    def __init__(self, chain_id: int = 31337) -> None:
        self.chain_id = chain_id
        self.mode = "ok"
        self.head = 100
        self.calls: Counter[str] = Counter()
        self._server = JsonServer(self._handle)
        self.url = self._server.url

    def _handle(self, request: dict[str, Any]) -> tuple[int, Any]:
        self.calls[request["method"]] += 1
        if self.mode == "http500":
            return 500, {"error": "boom"}
        return 200, self.answer(request)

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        base = {"jsonrpc": "2.0", "id": request["id"]}
        method = request["method"]
        if self.mode == "rpc_error":
            return {**base, "error": {"code": -32603, "message": "internal error"}}
        if method == "eth_chainId":
            return {**base, "result": hex(self.chain_id)}
        if method == "eth_blockNumber":
            return {**base, "result": hex(self.head)}
        if method == "eth_getLogs" and self.mode == "range_error":
            return {
                **base,
                "error": {"code": -32005, "message": "query returned more than 10000 results"},
            }
        if method == "eth_getLogs":
            return {**base, "result": []}
        return {**base, "error": {"code": -32601, "message": f"method {method} not found"}}

    def stop(self) -> None:
        self._server.stop()
