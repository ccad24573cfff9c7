"""The newHeads WebSocket connects only to addresses the outbound policy allows (DNS rebinding)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from event_streamer_server._netpolicy import OutboundPolicy, Resolver
from event_streamer_server._newheads import PolicyResolver


def resolving_to(*answers: str) -> Resolver:
    async def resolve(host: str, port: int) -> Sequence[str]:
        return list(answers)

    return resolve


async def test_a_name_that_rebinds_to_a_private_address_is_refused() -> None:
    resolver = PolicyResolver(OutboundPolicy(), resolver=resolving_to("10.0.0.7"))
    with pytest.raises(OSError, match="no address allowed"):
        await resolver.resolve("node.example.com", 8546)


async def test_only_allowed_addresses_are_returned() -> None:
    resolver = PolicyResolver(OutboundPolicy(), resolver=resolving_to("127.0.0.1", "93.184.215.14"))
    results = await resolver.resolve("node.example.com", 8546)
    assert [(r["host"], r["port"], r["hostname"]) for r in results] == [
        ("93.184.215.14", 8546, "node.example.com")
    ]


async def test_an_allow_listed_host_may_resolve_to_loopback() -> None:
    policy = OutboundPolicy.from_settings("localhost")
    resolver = PolicyResolver(policy, resolver=resolving_to("127.0.0.1"))
    assert [r["host"] for r in await resolver.resolve("localhost", 8546)] == ["127.0.0.1"]
