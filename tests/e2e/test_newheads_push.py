"""newHeads push against anvil: heads wake ingestion; a dropped subscription falls back to
polling and the push comes back.

The service reaches anvil's WebSocket through a small proxy the test controls, so the
subscription can be cut and refused at will; the proxy counts what crosses it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from event_streamer import EventStreamer
from event_streamer.models import ChainConfigUpdate
from event_streamer_server.testing import LocalStack, local_stack
from tests._stack import deploy, subscribe, until


class WsProxy:
    """Forwards WebSocket sessions to ``upstream``; can drop them and refuse new ones."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.accepting = True
        self.subscribes = 0  # eth_subscribe requests seen
        self.notifications = 0  # eth_subscription messages forwarded
        self.clients: set[web.WebSocketResponse] = set()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/", self.handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"ws://127.0.0.1:{port}/"

    async def stop(self) -> None:
        await self.drop()
        if self._runner is not None:
            await self._runner.cleanup()

    async def drop(self) -> None:
        """Close every session and refuse new ones until ``accept()``."""
        self.accepting = False
        for ws in list(self.clients):
            await ws.close()

    def accept(self) -> None:
        self.accepting = True

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if not self.accepting:
            return web.Response(status=503)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.clients.add(ws)
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.ws_connect(self.upstream) as up,
            ):

                async def to_node() -> None:
                    async for message in ws:
                        if message.type == aiohttp.WSMsgType.TEXT:
                            if "eth_subscribe" in message.data:
                                self.subscribes += 1
                            await up.send_str(message.data)

                async def to_service() -> None:
                    async for message in up:
                        if message.type == aiohttp.WSMsgType.TEXT:
                            if "eth_subscription" in message.data:
                                self.notifications += 1
                            await ws.send_str(message.data)

                tasks = [asyncio.create_task(to_node()), asyncio.create_task(to_service())]
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        finally:
            self.clients.discard(ws)
            await ws.close()
        return ws


@pytest.fixture
async def stack() -> AsyncIterator[LocalStack]:
    async with local_stack(heartbeat_interval=0.5, average_block_time=1.0, ws_push=False) as s:
        yield s


async def test_dropped_newheads_falls_back_to_polling_and_recovers(stack: LocalStack) -> None:
    proxy = WsProxy(stack.rpc_url.replace("http://", "ws://", 1))
    await proxy.start()
    try:
        async with EventStreamer(stack.service_url, "push-test") as client:
            await client.update_chain(stack.chain_id, ChainConfigUpdate(ws_url=proxy.url))
            chain, emitter = await deploy(stack)
            sub = await subscribe(client, stack, chain, emitter)
            values: list[int] = []
            sc = client.create_streaming_client(sub.id, batch_ack_interval=0.2)

            @sc.on_event("Transfer")
            def handle(events: list[dict[str, object]]) -> None:
                values.extend(int(str(e["value"])) for e in events)

            await sc.start_streaming()
            try:
                await until(lambda: proxy.subscribes == 1, what="the service to subscribe")
                await emitter.emit_many(0, 1)
                await until(lambda: values == [0], what="an event with the push on")
                await until(lambda: proxy.notifications >= 1, what="a head pushed")

                await proxy.drop()  # the subscription dies; reconnects are refused
                await emitter.emit_many(1, 1)
                await until(lambda: values == [0, 1], what="an event by polling")
                assert proxy.subscribes == 1

                proxy.accept()
                await until(lambda: proxy.subscribes == 2, what="the push to come back")
                seen = proxy.notifications
                await emitter.emit_many(2, 1)
                await until(lambda: values == [0, 1, 2], what="an event after recovery")
                await until(lambda: proxy.notifications > seen, what="heads pushed again")
            finally:
                await sc.disconnect()
                await chain.aclose()
    finally:
        await proxy.stop()


async def test_chain_reports_its_ws_url(stack: LocalStack) -> None:
    async with EventStreamer(stack.service_url, "push-test") as client:
        url = stack.rpc_url.replace("http://", "ws://", 1)
        await client.update_chain(stack.chain_id, ChainConfigUpdate(ws_url=url))
        chain = await client.get_chain(stack.chain_id)
        assert chain.ws_url == url
