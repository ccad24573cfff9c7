"""Shared pieces of the security suite: keys, a hostile HTTP endpoint, small request helpers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

ADMIN = "admin-key-0123456789abcdef"
ALICE = "alice-key-0123456789abcdef"
BOB = "bob-key-0123456789abcdefgh"
KEYS_ENV = {
    "EVENT_STREAMER_API_KEYS": f"admin:{ADMIN},subscriber:alice:{ALICE},subscriber:bob:{BOB}"
}

TRANSFER = {
    "type": "event",
    "name": "Transfer",
    "anonymous": False,
    "inputs": [
        {"name": "from", "type": "address", "indexed": True},
        {"name": "to", "type": "address", "indexed": True},
        {"name": "value", "type": "uint256", "indexed": False},
    ],
}
TOPIC0 = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"


def auth(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}


def subscription_body(chain_id: int = 31337, **extra: Any) -> dict[str, Any]:
    return {
        "topic0": TOPIC0,
        "event_signature": TRANSFER,
        "addresses": [],
        "start_block": 0,
        "chain_id": chain_id,
        **extra,
    }


def register_chain(
    base: str, rpc_url: str, *, key: str | None = ADMIN, chain_id: int = 31337
) -> httpx.Response:
    return httpx.post(
        f"{base}/api/chains",
        json={
            "chain_id": chain_id,
            "name": "local",
            "rpc_urls": [rpc_url],
            "confirmation_blocks": 0,
        },
        headers=auth(key),
        timeout=30,
    )


class Hostile:
    """An HTTP endpoint on loopback that misbehaves as told by ``mode`` (one thread per call).

    Modes: ``redirect`` (302 to ``target``), ``leak`` (HTTP 500 with an internal message in the
    body), ``huge`` (a JSON body of ``size`` bytes), ``drip`` (headers, then one byte every
    0.2 s), ``chain`` (a valid eth_chainId answer; records the Authorization header seen).
    """

    SECRET_TEXT = "internal-db-password=hunter2 at 10.1.2.3"

    def __init__(self, mode: str, *, size: int = 0, target: str = "") -> None:
        self.mode, self.size, self.target = mode, size, target
        self.authorizations: list[str | None] = []
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                owner.requests += 1
                owner.authorizations.append(self.headers.get("authorization"))
                owner.respond(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def respond(self, h: BaseHTTPRequestHandler) -> None:
        write: Callable[[bytes], Any] = h.wfile.write
        try:
            if self.mode == "redirect":
                h.send_response(302)
                h.send_header("Location", self.target)
                h.send_header("Content-Length", "0")
                h.end_headers()
            elif self.mode == "leak":
                body = f'{{"error": "{self.SECRET_TEXT}"}}'.encode()
                h.send_response(500)
                h.send_header("Content-Length", str(len(body)))
                h.end_headers()
                write(body)
            elif self.mode == "huge":
                h.send_response(200)
                h.send_header("Content-Type", "application/json")
                h.send_header("Content-Length", str(self.size))
                h.end_headers()
                chunk = b" " * 65536
                sent = 0
                while sent < self.size:
                    n = min(len(chunk), self.size - sent)
                    write(chunk[:n])
                    sent += n
            elif self.mode == "drip":
                h.send_response(200)
                h.send_header("Content-Length", "1000")
                h.end_headers()
                for _ in range(1000):
                    write(b" ")
                    h.wfile.flush()
                    time.sleep(0.2)  # the endpoint under test drips; the test itself waits on it
            else:
                body = b'{"jsonrpc": "2.0", "id": 1, "result": "0x7a69"}'
                h.send_response(200)
                h.send_header("Content-Length", str(len(body)))
                h.end_headers()
                write(body)
        except OSError:
            pass  # the service hung up on us: what the tests want

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


BOMB_EVENT = {
    "type": "event",
    "name": "Bomb",
    "anonymous": False,
    "inputs": [{"name": "values", "type": "uint256[][][][][][][]", "indexed": False}],
}
BOMB_TOPIC0 = "0x32a3ab3ca9b03b6ea0f2391489897ad81cc183d0cef059024676726af57d0c83"


def bomb_data(width: int = 8, depth: int = 7) -> str:
    """ABI data for ``uint256`` nested ``depth`` arrays deep whose element offsets all alias
    one child: about 2 KB that naive decoding expands to ``width ** depth`` values."""
    words = [32]  # the head: the outer array starts at byte 32
    for level in range(depth):
        words.append(width)  # length
        if level == depth - 1:
            words += [7] * width  # the innermost uint256 values
        else:
            # offsets are relative to the start of this array's element area; the child array
            # starts right after this array's `width` offset words
            words += [32 * width] * width
    return "0x" + "".join(f"{w:064x}" for w in words)


class LogNode:
    """A scripted node with blocks 0..head: ``per_block`` Transfer logs in each, plus a
    decode bomb at block ``bomb_at`` when given."""

    def __init__(self, *, head: int = 50, per_block: int = 0, bomb_at: int | None = None) -> None:
        from tests._jsonserver import JsonServer

        self.head, self.per_block, self.bomb_at = head, per_block, bomb_at
        self._server = JsonServer(self._handle)
        self.url = self._server.url

    def _handle(self, request: dict[str, Any] | list[dict[str, Any]]) -> tuple[int, Any]:
        if isinstance(request, list):  # a JSON-RPC batch, as real nodes take them
            return 200, [self._handle(one)[1] for one in request]
        base = {"jsonrpc": "2.0", "id": request["id"]}
        method, params = request["method"], request.get("params") or []
        if method == "eth_chainId":
            return 200, {**base, "result": hex(31337)}
        if method == "eth_blockNumber":
            return 200, {**base, "result": hex(self.head)}
        if method == "eth_getBlockByNumber":
            n = int(params[0], 16)
            block = {"number": hex(n), "hash": f"0x{n:064x}", "timestamp": hex(1_700_000_000 + n)}
            return 200, {**base, "result": block if n <= self.head else None}
        if method == "eth_getLogs":
            spec = params[0]
            lo, hi = int(spec["fromBlock"], 16), min(int(spec["toBlock"], 16), self.head)
            return 200, {
                **base,
                "result": [log for n in range(lo, hi + 1) for log in self._logs(n)],
            }
        return 200, {**base, "error": {"code": -32601, "message": "no such method"}}

    def _logs(self, n: int) -> list[dict[str, Any]]:
        common = {
            "blockNumber": hex(n),
            "blockHash": f"0x{n:064x}",
            "removed": False,
            "transactionIndex": "0x0",
            "address": "0x" + "11" * 20,
        }
        out = [
            {
                **common,
                "logIndex": hex(i),
                "transactionHash": f"0x{n:032x}{i:032x}",
                "topics": [TOPIC0, "0x" + "00" * 12 + "22" * 20, "0x" + "00" * 12 + "33" * 20],
                "data": f"0x{i:064x}",
            }
            for i in range(self.per_block)
        ]
        if self.bomb_at == n:
            out.append(
                {
                    **common,
                    "logIndex": hex(self.per_block),
                    "transactionHash": "0x" + "ee" * 32,
                    "topics": [BOMB_TOPIC0],
                    "data": bomb_data(),
                }
            )
        return out

    def stop(self) -> None:
        self._server.stop()
