"""Subscriptions on one chain share eth_getLogs calls; each still gets exactly its own events."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer_server.devchain import DevChain, Emitter, start_anvil
from event_streamer_server.testing import register_chain, start_service
from tests._rpcproxy import RpcProxy
from tests._stack import until


async def test_merged_calls_route_each_log_to_its_subscriptions(tmp_path: Path) -> None:
    anvil = start_anvil()
    proxy = RpcProxy(anvil.url)
    service = start_service(workdir=tmp_path, env={"EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.5"})
    try:
        register_chain(service.url, proxy.url, 31337)
        async with DevChain(anvil.url) as chain, EventStreamer(service.url, "shared") as client:
            one, two = await chain.deploy_emitter(), await chain.deploy_emitter()
            start = await chain.block_number()
            await one.emit_many(0, 30)
            await two.emit_many(100, 20)
            owner, spender = (await chain.accounts())[:2]
            await one.call("emitApproval", owner, spender, 7)
            end = await chain.block_number()

            def sub(event: str, addresses: list[str]) -> Any:
                return subscription_from_abi(
                    Emitter.abi(),
                    event,
                    chain_id=31337,
                    addresses=addresses,
                    start_block=start,
                    end_block=end,
                )

            specs = {
                "transfers-one": sub("Transfer", [one.address]),
                "transfers-two": sub("Transfer", [two.address]),
                "approvals-one": sub("Approval", [one.address]),
                "transfers-any": sub("Transfer", []),
            }
            subs = {name: await client.create_subscription(s) for name, s in specs.items()}
            seen: dict[str, list[Any]] = {name: [] for name in subs}
            streams = []
            for name, created in subs.items():
                sc = client.create_streaming_client(created.id)
                sc.on_all_events(
                    lambda events, name=name: seen[name].extend(
                        (event_name, e.get("value"))
                        for event_name, evs in events.items()
                        for e in evs
                    )
                )
                streams.append(sc)
            await asyncio.gather(*(sc.start_streaming() for sc in streams))
            await until(
                lambda: sum(len(v) for v in seen.values()) >= 30 + 20 + 1 + 50,
                what="every subscription's events",
            )
            for sc in streams:
                await sc.disconnect()
    finally:
        service.cleanup()
        proxy.stop()
        anvil.cleanup()
    assert sorted(seen["transfers-one"]) == sorted(("Transfer", str(v)) for v in range(30))
    assert sorted(seen["transfers-two"]) == sorted(("Transfer", str(v)) for v in range(100, 120))
    assert seen["approvals-one"] == [("Approval", "7")]
    assert len(seen["transfers-any"]) == 50
    # At least one call served several subscriptions at once: both topic0s OR-ed together.
    assert any(isinstance(t[0], list) and len(t[0]) == 2 for t in proxy.topics_seen)
