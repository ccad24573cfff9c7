"""Ordinary calls are bounded: a body cap (typed error past it) and a total deadline per call.

Against a real loopback socket server that drips bytes or sends a huge body (issue 15, defect 9).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from event_streamer import (
    EventStreamer,
    EventStreamerTimeoutError,
    ResponseTooLargeError,
)

HEALTH = b'{"status":"healthy","timestamp":"2026-11-27T10:30:00Z","version":"x"}'
Script = Callable[[asyncio.StreamWriter], Awaitable[None]]
Serve = Callable[[Script], Awaitable[str]]


async def _head(writer: asyncio.StreamWriter, headers: str) -> None:
    writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{headers}\r\n".encode())
    await writer.drain()


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Start a server that answers every request with ``script``; returns its URL."""
    servers: list[asyncio.Server] = []

    async def start(script: Script) -> str:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while (await reader.readline()) not in (b"\r\n", b""):
                    pass  # request line and headers; GETs carry no body
                await script(writer)
            except (ConnectionError, OSError):
                pass  # the client gave up, as it should
            finally:
                writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        servers.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def test_a_dripping_server_cannot_hold_a_call_past_its_timeout(serve: Serve) -> None:
    async def drip(writer: asyncio.StreamWriter) -> None:
        await _head(writer, "Content-Length: 1000\r\n")
        for _ in range(200):  # one byte every 0.1 s: each read is quick, the whole is not
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.1)

    url = await serve(drip)
    loop = asyncio.get_running_loop()
    async with EventStreamer(url, "t", timeout=1.0, max_retries=0) as client:
        started = loop.time()
        with pytest.raises(EventStreamerTimeoutError, match="call_deadline"):
            await client.get_health()
        assert loop.time() - started < 3.0  # 1 s deadline, not 20 s of dripping


async def test_a_declared_huge_body_is_refused_before_reading_it(serve: Serve) -> None:
    async def huge(writer: asyncio.StreamWriter) -> None:
        await _head(writer, f"Content-Length: {64 * 1024 * 1024}\r\n")
        writer.write(b"[" * 65536)
        await writer.drain()

    url = await serve(huge)
    async with EventStreamer(url, "t", max_response_bytes=4096, max_retries=0) as client:
        with pytest.raises(ResponseTooLargeError, match="Content-Length") as info:
            await client.get_health()
    assert str(info.value.url).endswith("/health")


async def test_an_undeclared_huge_body_is_cut_at_the_cap(serve: Serve) -> None:
    sent = 0

    async def chunked(writer: asyncio.StreamWriter) -> None:
        nonlocal sent
        await _head(writer, "Transfer-Encoding: chunked\r\n")
        chunk = b"a" * 16384
        for _ in range(4096):  # 64 MiB if nobody stops reading
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()
            sent += len(chunk)

    url = await serve(chunked)
    async with EventStreamer(url, "t", max_response_bytes=100_000, max_retries=0) as client:
        with pytest.raises(ResponseTooLargeError, match="max_response_bytes"):
            await client.get_health()
    assert sent < 64 * 1024 * 1024  # the client stopped reading; the server was cut off


async def test_a_body_under_the_cap_is_read(serve: Serve) -> None:
    async def ok(writer: asyncio.StreamWriter) -> None:
        await _head(writer, f"Content-Length: {len(HEALTH)}\r\n")
        writer.write(HEALTH)
        await writer.drain()

    url = await serve(ok)
    async with EventStreamer(url, "t", max_response_bytes=len(HEALTH)) as client:
        assert (await client.get_health()).status == "healthy"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"max_response_bytes": 0}, "max_response_bytes"), ({"call_deadline": -1}, "call_deadline")],
)
def test_limits_are_validated(kwargs: dict[str, float], field: str) -> None:
    from event_streamer import EventStreamerValidationError

    with pytest.raises(EventStreamerValidationError) as info:
        EventStreamer("http://es.test", "t", **kwargs)  # type: ignore[arg-type]
    assert info.value.fields == [field]
