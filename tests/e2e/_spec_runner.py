"""Run one example of the v0.4.0 README in this fresh interpreter, as a user would.

Usage: ``python _spec_runner.py CONFIG_JSON``. The config names the example file (kept byte for
byte), the renames and local-stack values to substitute, and the code that binds what the spec
leaves undefined (``prelude``) or checks what it implies (``epilogue``). Both run in the
example's own namespace, with ``harness`` (a :class:`Harness`) in it.

``program`` examples are whole scripts (``asyncio.run`` of their own): the prelude runs first
in its own event loop, then the script runs as ``__main__``. Other examples are fragments with
top-level ``await``: prelude, example and epilogue run in one event loop, as in a notebook.
"""

from __future__ import annotations

import ast
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout, for tests._stack

from event_streamer import EventStreamer, StreamingClient
from event_streamer.models import SubscriptionResponse
from event_streamer_server.devchain import DevChain, Emitter
from event_streamer_server.testing import LocalStack
from tests._stack import subscribe, until

FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


class Harness:
    """The local stack as the examples' placeholders need it."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.stack = LocalStack(config["service_url"], config["rpc_url"], config["chain_id"])
        self.url, self.rpc_url, self.chain_id = (
            self.stack.service_url,
            self.stack.rpc_url,
            self.stack.chain_id,
        )
        self.extra: dict[str, Any] = config.get("extra", {})
        self._clients: list[EventStreamer] = []
        self._streams: list[StreamingClient] = []
        self.chain = DevChain(self.rpc_url)
        self.emitter: Emitter | None = None

    async def client(self, subscriber_id: str = "my-app") -> EventStreamer:
        client = EventStreamer(self.url, subscriber_id)
        self._clients.append(client)
        return client

    async def deploy(self) -> Emitter:
        self.emitter = await self.chain.deploy_emitter()
        return self.emitter

    async def transfers(self, n: int, first: int = 0) -> tuple[int, int]:
        """Emit ``n`` Transfers (values ``first ..``); return (block before, block of them)."""
        emitter = self.emitter or await self.deploy()
        before = await self.chain.block_number()
        await emitter.emit_many(first, n)
        return before, await self.chain.block_number()

    async def subscription(
        self, n: int, *, subscriber_id: str = "my-app", end: bool = False
    ) -> SubscriptionResponse:
        """A Transfer subscription with ``n`` events waiting (bounded at them if ``end``)."""
        start, last = await self.transfers(n)
        assert self.emitter is not None
        client = await self.client(subscriber_id)
        return await subscribe(
            client,
            self.stack,
            self.chain,
            self.emitter,
            start_block=start,
            end_block=last if end else None,
            subscriber_id=subscriber_id,
        )

    def track(self, stream: StreamingClient) -> StreamingClient:
        self._streams.append(stream)
        return stream

    until = staticmethod(until)

    async def close(self) -> None:
        for stream in self._streams:
            await stream.disconnect()
        for client in self._clients:
            await client.close()
        await self.chain.aclose()


async def _run(code: str, where: str, ns: dict[str, Any]) -> None:
    result = eval(compile(code, where, "exec", flags=FLAGS), ns)
    if asyncio.iscoroutine(result):
        await result


def _substitute(source: str, subs: list[list[str]], ns: dict[str, Any]) -> str:
    for old, expression in subs:
        if old not in source:
            raise SystemExit(f"substitution target not in the example: {old!r}")
        source = source.replace(old, str(eval(expression, ns)))
    return source


def main() -> None:
    config = json.loads(sys.argv[1])
    with open(config["example"], encoding="utf-8") as fh:
        source = fh.read()
    harness = Harness(config)
    ns: dict[str, Any] = {"__name__": "__main__", "harness": harness, "asyncio": asyncio}
    if config["program"]:

        async def prepare() -> None:
            await _run(config["prelude"], "<prelude>", ns)
            ns["_code"] = _substitute(source, config["subs"], ns)
            await harness.close()

        asyncio.run(prepare())
        harness._clients.clear()
        exec(compile(ns.pop("_code"), config["example"], "exec"), ns)
        exec(compile(config["epilogue"], "<epilogue>", "exec"), ns)
        return

    async def fragment() -> None:
        try:
            await _run(config["prelude"], "<prelude>", ns)
            code = _substitute(source, config["subs"], ns)
            await _run(code, config["example"], ns)
            await _run(config["epilogue"], "<epilogue>", ns)
        finally:
            await harness.close()

    asyncio.run(fragment())


if __name__ == "__main__":
    main()
