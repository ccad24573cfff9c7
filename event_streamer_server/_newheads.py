"""Push-fast live path: ``eth_subscribe("newHeads")`` over WebSocket, one watcher per chain.

Each new head wakes the chain's ingestion worker at once instead of at its next poll; the
worker then stores the new block's batches and wakes the streams (as after any commit). Polling
stays as it was, so a dropped or refused subscription only costs latency: the watcher
reconnects with capped, jittered backoff and the push resumes. The WebSocket URL is checked
like RPC URLs when a chain is registered.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable

import aiohttp
import orjson

from event_streamer import RetryPolicy

__all__ = ["HeadPush", "HeadWatcher"]

logger = logging.getLogger(__name__)

_BACKOFF = RetryPolicy(backoff_base=0.25, backoff_cap=10.0)
_CONNECT_TIMEOUT = 10.0
_MAX_MESSAGE = 1024 * 1024  # a newHeads notification is about 1 KiB


class HeadWatcher:
    """Subscribes to newHeads at ``ws_url``; calls ``on_head(block_number)`` for each head."""

    def __init__(self, chain_id: int, ws_url: str, on_head: Callable[[int], None]) -> None:
        self.chain_id = chain_id
        self.ws_url = ws_url
        self.on_head = on_head
        self.connected = False  # True while a subscription is live
        self.subscriptions = 0  # successful eth_subscribe calls (reconnects included)
        self.heads = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"newheads-{self.chain_id}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        failures = 0
        timeout = aiohttp.ClientTimeout(total=None, connect=_CONNECT_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                try:
                    await self._subscribe(session)
                    failures = 0  # it was up until the node closed it
                except asyncio.CancelledError:
                    raise
                except Exception as err:
                    failures += 1
                    logger.info(
                        "chain %d: newHeads at %s unavailable (%s); polling meanwhile",
                        self.chain_id,
                        self.ws_url,
                        err,
                    )
                finally:
                    self.connected = False
                await asyncio.sleep(_BACKOFF.backoff(max(1, failures)))

    async def _subscribe(self, session: aiohttp.ClientSession) -> None:
        async with session.ws_connect(self.ws_url, max_msg_size=_MAX_MESSAGE, heartbeat=30.0) as ws:
            request = {"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"]}
            await ws.send_str(orjson.dumps(request).decode())  # a text frame, as JSON-RPC expects
            async for message in ws:
                if message.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    break
                data = orjson.loads(message.data)
                if data.get("id") == 1:
                    if "result" not in data:
                        raise RuntimeError(f"eth_subscribe refused: {data.get('error')}")
                    self.connected = True
                    self.subscriptions += 1
                    logger.info("chain %d: newHeads push on", self.chain_id)
                    continue
                head = (data.get("params") or {}).get("result") or {}
                number = head.get("number")
                if isinstance(number, str):
                    self.heads += 1
                    self.on_head(int(number, 16))
        raise ConnectionError("the node closed the subscription")


class HeadPush:
    """The watchers of every chain that has a ``ws_url``, kept in line with the chain table."""

    def __init__(self, wake: Callable[[int], None]) -> None:
        self.wake = wake  # chain id -> wake its ingestion
        self.watchers: dict[int, HeadWatcher] = {}

    async def configure(self, urls: dict[int, str | None]) -> None:
        """Run a watcher for each chain with a URL; stop those whose URL is gone or changed."""
        for chain_id, watcher in list(self.watchers.items()):
            if urls.get(chain_id) != watcher.ws_url:
                del self.watchers[chain_id]
                await watcher.stop()
        for chain_id, url in urls.items():
            if url and chain_id not in self.watchers:
                watcher = HeadWatcher(chain_id, url, functools.partial(self._on_head, chain_id))
                self.watchers[chain_id] = watcher
                watcher.start()

    def _on_head(self, chain_id: int, _number: int) -> None:
        self.wake(chain_id)

    async def stop(self) -> None:
        await self.configure({})
