"""The guarded RPC transport against loopback servers started here: rebinding, redirects,
body caps, total deadline, credentials, compression. (Loopback sockets only, no processes.)
"""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field

import httpcore
import httpx
import pytest

from event_streamer_server._netpolicy import OutboundPolicy, Resolver
from event_streamer_server._outbound import (
    AddressBlocked,
    DeadlineExceeded,
    GuardedTransport,
    RequestRefused,
    ResponseRefused,
    ResponseTooLarge,
    make_client,
)

LOOPBACK = OutboundPolicy.from_settings("127.0.0.1")
MiB = 1024 * 1024


@dataclass
class Server:
    """A loopback HTTP/1.1 server; each path is a behaviour. Counts requests and bytes sent."""

    port: int = 0
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sent: int = 0

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {
                k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)
            }
            length = int(headers.get("content-length", "0"))
            if length:
                await reader.readexactly(length)
            self.requests.append((path, headers))
            await self.respond(path, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def send(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        writer.write(data)
        await writer.drain()
        self.sent += len(data)

    async def respond(self, path: str, writer: asyncio.StreamWriter) -> None:
        if path == "/ok":
            body = b'{"jsonrpc":"2.0","id":1,"result":"0x1"}'
            await self.send(
                writer, b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
            )
        elif path == "/drip":  # headers at once, then one byte every 50 ms: no read ever idles long
            await self.send(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(100_000):
                await self.send(writer, b" ")
                await asyncio.sleep(0.05)
        elif path == "/drip-headers":
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
                await self.send(writer, bytes([byte]))
                await asyncio.sleep(0.05)
        elif path == "/huge":  # close-delimited, no length: the cap must cut it
            await self.send(writer, b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
            chunk = b"x" * 65536
            for _ in range(400 * 16):  # 400 MiB if nobody stops us
                await self.send(writer, chunk)
        elif path == "/declared-huge":
            await self.send(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 419430400\r\n\r\n")
        elif path == "/redirect":
            await self.send(
                writer, b"HTTP/1.1 302 Found\r\nLocation: /ok\r\nContent-Length: 0\r\n\r\n"
            )
        elif path == "/gzip":
            body = gzip.compress(b"0" * MiB)
            await self.send(
                writer,
                b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s"
                % (len(body), body),
            )
        else:
            await self.send(writer, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    tcp = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    state.port = tcp.sockets[0].getsockname()[1]
    async with tcp:
        yield state
        tcp.close()


def fixed(*answers: str) -> Resolver:
    async def resolve(host: str, port: int) -> Sequence[str]:
        return list(answers)

    return resolve


async def test_plain_call_works_and_asks_for_identity(server: Server) -> None:
    async with make_client(LOOPBACK) as client:
        response = await client.post(server.url("/ok"), content=b"{}")
    assert response.json()["result"] == "0x1"
    assert server.requests[0][1]["accept-encoding"] == "identity"


async def test_closed_by_default_even_for_literal_loopback(server: Server) -> None:
    async with make_client(OutboundPolicy()) as client:
        with pytest.raises(AddressBlocked):
            await client.post(server.url("/ok"))
    assert server.requests == []


async def test_dns_rebinding_is_checked_at_connect_time(server: Server) -> None:
    # Registration saw a public answer; at connect time the name points at loopback.
    async with make_client(OutboundPolicy(), resolver=fixed("127.0.0.1")) as client:
        with pytest.raises(AddressBlocked):
            await client.post(server.url("/ok", host="rpc.example"))
    assert server.requests == []


async def test_connects_to_the_checked_ip_and_keeps_the_host_name(server: Server) -> None:
    async with make_client(LOOPBACK, resolver=fixed("10.0.0.1", "127.0.0.1")) as client:
        response = await client.post(server.url("/ok", host="rpc.example"))
    assert response.status_code == 200
    assert server.requests[0][1]["host"] == f"rpc.example:{server.port}"


class Recorded(Exception):
    pass


class RecordingStream(httpcore.AsyncNetworkStream):
    def __init__(self, log: list[str]) -> None:
        self.log = log

    async def start_tls(
        self,
        ssl_context: object,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
    ) -> httpcore.AsyncNetworkStream:
        self.log.append(f"sni {server_hostname}")
        raise Recorded


class RecordingBackend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self.log: list[str] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.log.append(f"connect {host}:{port}")
        return RecordingStream(self.log)


async def test_tls_uses_the_host_name_while_tcp_goes_to_the_ip() -> None:
    backend = RecordingBackend()
    transport = GuardedTransport(
        OutboundPolicy(), resolver=fixed("93.184.216.34"), network_backend=backend
    )
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(Recorded):
            await client.post("https://rpc.example/v3/key")
    assert backend.log == ["connect 93.184.216.34:443", "sni rpc.example"]


async def test_total_deadline_beats_a_dripping_body(server: Server) -> None:
    started = time.monotonic()
    async with make_client(LOOPBACK, deadline=0.5) as client:
        with pytest.raises(DeadlineExceeded):
            await client.post(server.url("/drip"))
    assert time.monotonic() - started < 3.0  # per-read timeouts would wait ~100000 * 50 ms


async def test_total_deadline_beats_dripping_headers_and_can_be_set_per_call(
    server: Server,
) -> None:
    started = time.monotonic()
    async with make_client(LOOPBACK, deadline=60) as client:
        with pytest.raises(httpx.TimeoutException):  # DeadlineExceeded is one
            await client.post(server.url("/drip-headers"), extensions={"deadline": 0.3})
    assert time.monotonic() - started < 3.0


async def test_body_cap_stops_reading(server: Server) -> None:
    async with make_client(LOOPBACK, max_response_bytes=MiB) as client:
        with pytest.raises(ResponseTooLarge):
            await client.post(server.url("/huge"))
        with pytest.raises(ResponseTooLarge):
            await client.post(server.url("/declared-huge"))
    # The server could write at most the cap plus what socket buffers absorb, not 400 MiB.
    assert server.sent < 64 * MiB


async def test_streamed_reads_are_capped_too(server: Server) -> None:
    received: list[int] = []

    async def read(response: httpx.Response) -> None:
        async for chunk in response.aiter_raw():
            received.append(len(chunk))

    async with (
        make_client(LOOPBACK, max_response_bytes=MiB) as client,
        client.stream("POST", server.url("/huge")) as response,
    ):
        with pytest.raises(ResponseTooLarge):
            await read(response)
    assert 0 < sum(received) <= MiB


async def test_redirects_are_never_followed(server: Server) -> None:
    async with make_client(LOOPBACK) as client:
        with pytest.raises(ResponseRefused, match="302"):
            await client.post(server.url("/redirect"), follow_redirects=True)
    assert [path for path, _ in server.requests] == ["/redirect"]


async def test_compressed_answers_are_refused(server: Server) -> None:
    async with make_client(LOOPBACK) as client:
        with pytest.raises(ResponseRefused, match="compressed"):
            await client.post(server.url("/gzip"))


async def test_credentials_only_to_allowed_hosts(server: Server) -> None:
    url = f"http://user:pw@127.0.0.1:{server.port}/ok"
    async with make_client(LOOPBACK) as client:
        with pytest.raises(RequestRefused):
            await client.post(url)
        with pytest.raises(RequestRefused):
            await client.post(server.url("/ok"), headers={"Authorization": "Bearer x"})
    assert server.requests == []
    allowed = OutboundPolicy.from_settings("127.0.0.1", rpc_credential_hosts="127.0.0.1")
    async with make_client(allowed) as client:
        assert (await client.post(url)).status_code == 200
    assert server.requests[0][1]["authorization"].startswith("Basic ")


async def test_errors_are_httpx_errors_for_existing_call_sites(server: Server) -> None:
    async with make_client(LOOPBACK) as client:
        with pytest.raises(httpx.ConnectError):
            await client.post("http://127.0.0.1:1/")  # nothing listens on port 1
        with pytest.raises(httpx.HTTPError):
            await client.post(server.url("/redirect"))


def test_invalid_bounds() -> None:
    with pytest.raises(ValueError, match="positive"):
        GuardedTransport(LOOPBACK, deadline=0)
