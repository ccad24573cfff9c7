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


def register_chain(base: str, rpc_url: str, *, key: str | None = ADMIN, chain_id: int = 31337) -> httpx.Response:
    return httpx.post(
        f"{base}/api/chains",
        json={"chain_id": chain_id, "name": "local", "rpc_urls": [rpc_url], "confirmation_blocks": 0},
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
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

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
