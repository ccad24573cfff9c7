"""Push-fast live path: ``eth_subscribe("newHeads")`` over WebSocket, one watcher per chain.

Each new head wakes the chain's ingestion worker at once instead of at its next poll; the
worker then stores the new block's batches and wakes the streams (as after any commit). Polling
stays as it was, so a dropped or refused subscription only costs latency: the watcher
reconnects with capped, jittered backoff and the push resumes. The WebSocket URL is checked
like RPC URLs when a chain is registered, and again at every connect: the host name is resolved
through the outbound policy, so a name that later resolves to a private address (DNS rebinding)
is refused like an RPC call would be.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
from collections.abc import Callable

import aiohttp
import orjson
from aiohttp.abc import AbstractResolver, ResolveResult

from event_streamer import RetryPolicy

from ._netpolicy import OutboundPolicy, Resolver, system_resolver
from ._redact import redact_url

__all__ = ["HeadPush", "HeadWatcher"]

logger = logging.getLogger(__name__)

_BACKOFF = RetryPolicy(backoff_base=0.25, backoff_cap=10.0)
_CONNECT_TIMEOUT = 10.0
_MAX_MESSAGE = 1024 * 1024  # a newHeads notification is about 1 KiB


class PolicyResolver(AbstractResolver):
    """Resolves host names to the addresses the outbound policy allows, or refuses.

    aiohttp connects IP literals without a resolver; those were checked at registration and
    cannot change, so names are what can rebind.
    """

    def __init__(self, policy: OutboundPolicy, *, resolver: Resolver = system_resolver) -> None:
        self.policy = policy
        self._resolver = resolver

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = await self.policy.permitted_addresses(host, port, resolver=self._resolver)
        if not addresses:
            raise OSError(f"{host} resolves to no address allowed for RPC calls")
        return [
            ResolveResult(
                hostname=host,
                host=str(ip),
                port=port,
                family=socket.AF_INET6 if ip.version == 6 else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for ip in addresses
        ]

    async def close(self) -> None:
        return None


class HeadWatcher:
    """Subscribes to newHeads at ``ws_url``; calls ``on_head(block_number)`` for each head."""

    def __init__(
        self,
        chain_id: int,
        ws_url: str,
        on_head: Callable[[int], None],
        *,
        policy: OutboundPolicy | None = None,
    ) -> None:
        self.chain_id = chain_id
        self.ws_url = ws_url
        self.on_head = on_head
        self.policy = policy  # None: no connect-time check (tests of the watcher alone)
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
        connector = (
            None
            if self.policy is None
            else aiohttp.TCPConnector(resolver=PolicyResolver(self.policy), use_dns_cache=False)
        )
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
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
                        redact_url(self.ws_url),
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

    def __init__(
        self, wake: Callable[[int], None], *, policy: OutboundPolicy | None = None
    ) -> None:
        self.wake = wake  # chain id -> wake its ingestion
        self.policy = policy
        self.watchers: dict[int, HeadWatcher] = {}

    async def configure(self, urls: dict[int, str | None]) -> None:
        """Run a watcher for each chain with a URL; stop those whose URL is gone or changed."""
        for chain_id, watcher in list(self.watchers.items()):
            if urls.get(chain_id) != watcher.ws_url:
                del self.watchers[chain_id]
                await watcher.stop()
        for chain_id, url in urls.items():
            if url and chain_id not in self.watchers:
                watcher = HeadWatcher(
                    chain_id, url, functools.partial(self._on_head, chain_id), policy=self.policy
                )
                self.watchers[chain_id] = watcher
                watcher.start()

    def _on_head(self, chain_id: int, _number: int) -> None:
        self.wake(chain_id)

    async def stop(self) -> None:
        await self.configure({})
