"""A scripted JSON-RPC node on a real loopback socket, for breaker and failover tests."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


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
        node = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                request = json.loads(self.rfile.read(length))
                node.calls[request["method"]] += 1
                if node.mode == "http500":
                    self._send(500, {"error": "boom"})
                    return
                self._send(200, node.answer(request))

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

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
        self._server.shutdown()
        self._server.server_close()
