"""Several events per subscription and indexed-argument filters, with shared ingestion, on anvil."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer_server.devchain import DevChain, Emitter, start_anvil
from event_streamer_server.testing import register_chain, start_service
from tests._rpcproxy import RpcProxy
from tests._stack import until


async def test_mixed_filters_share_calls_and_each_get_their_own_events(tmp_path: Path) -> None:
    anvil = start_anvil()
    proxy = RpcProxy(anvil.url)
    service = start_service(workdir=tmp_path, env={"EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.5"})
    try:
        register_chain(service.url, proxy.url, 31337)
        async with DevChain(anvil.url) as chain, EventStreamer(service.url, "filters") as client:
            token = await chain.deploy_emitter()
            alice, bob, carol = (await chain.accounts())[:3]
            start = await chain.block_number() + 1
            await token.call("emitTransfer", alice, bob, 1)
            await token.call("emitApproval", alice, bob, 2)
            await token.call("emitTransfer", bob, carol, 3)
            await token.call("emitApproval", bob, alice, 4)
            await token.call("emitTransfer", carol, alice, 5)
            await token.call("emitTransfer", alice, carol, 6)
            end = await chain.block_number()

            def sub(events: Any, **kw: Any) -> Any:
                return subscription_from_abi(
                    Emitter.abi(),
                    events,
                    chain_id=31337,
                    addresses=[token.address],
                    start_block=start,
                    end_block=end,
                    **kw,
                )

            specs = {
                "both": sub(["Transfer", "Approval"]),
                "from-alice": sub("Transfer", where={"from": alice}),
                "to-bob-or-carol": sub("Transfer", where={"to": [bob, carol]}),
                "approvals-by-bob": sub("Approval", where={"owner": bob}),
                "both-reversed": sub(["Approval", "Transfer"]),
            }
            subs = {name: await client.create_subscription(s) for name, s in specs.items()}
            assert subs["from-alice"].topics is not None
            assert [e.name for e in subs["both"].extra_events] == ["Approval"]
            seen: dict[str, list[tuple[str, int, int]]] = {name: [] for name in subs}
            streams = []
            for name, created in subs.items():
                sc = client.create_streaming_client(created.id)
                sc.on_all_events(
                    lambda events, name=name: seen[name].extend(
                        (key, e["block_number"], int(e["value"]))
                        for key, evs in events.items()
                        for e in evs
                    )
                )
                streams.append(sc)
            await asyncio.gather(*(sc.start_streaming() for sc in streams))
            expected = {"both": 6, "from-alice": 2, "to-bob-or-carol": 3, "approvals-by-bob": 1}
            expected["both-reversed"] = 6
            await until(
                lambda: all(len(seen[n]) >= k for n, k in expected.items()),
                what="every subscription's events",
            )
            for sc in streams:
                await sc.disconnect()
    finally:
        service.cleanup()
        proxy.stop()
        anvil.cleanup()

    def values(name: str) -> list[tuple[str, int]]:
        return [(key, value) for key, _block, value in sorted(seen[name], key=lambda s: s[1])]

    assert values("both") == [
        ("Transfer", 1),
        ("Approval", 2),
        ("Transfer", 3),
        ("Approval", 4),
        ("Transfer", 5),
        ("Transfer", 6),
    ]
    assert values("both-reversed") == values("both")
    assert values("from-alice") == [("Transfer", 1), ("Transfer", 6)]
    assert values("to-bob-or-carol") == [("Transfer", 1), ("Transfer", 3), ("Transfer", 6)]
    assert values("approvals-by-bob") == [("Approval", 4)]
    # The subscriptions shared calls: both topic0s OR-ed in one eth_getLogs.
    assert any(isinstance(t[0], list) and len(t[0]) == 2 for t in proxy.topics_seen)
