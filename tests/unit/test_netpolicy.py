"""Outbound address policy: classification of addresses, allow-lists, registration checks."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from event_streamer_server._netpolicy import (
    OutboundPolicy,
    Resolver,
    UrlRejected,
    address_category,
    is_public,
)


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("100.64.0.1", "shared"),
        ("240.0.0.1", "private"),
        ("255.255.255.255", "private"),
        ("192.0.2.1", "private"),  # documentation
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:a00:1::", "private"),  # 6to4 of 10.0.0.1
        ("::7f00:1", "reserved"),  # IPv4-compatible, deprecated
        ("2001:db8::1", "private"),
    ],
)
def test_address_category(address: str, category: str | None) -> None:
    assert address_category(ipaddress.ip_address(address)) == category


@given(st.ip_addresses(v=4))
def test_ipv4_mapped_is_judged_as_its_ipv4(ip: ipaddress.IPv4Address) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{ip}")
    assert is_public(mapped) == is_public(ip)


@given(st.ip_addresses(v=4))
def test_nat64_and_6to4_never_unwrap_to_a_non_public_address(ip: ipaddress.IPv4Address) -> None:
    for wrapped in (
        ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(ip)),
        ipaddress.IPv6Address((0x2002 << 112) | (int(ip) << 80)),
    ):
        if not is_public(ip):
            assert not is_public(wrapped)


@given(st.ip_addresses())
def test_public_means_global_and_not_special(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    if is_public(ip):
        assert ip.is_global or (isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped)
        for special in ("is_loopback", "is_multicast", "is_link_local", "is_unspecified"):
            assert not getattr(ip, special)


def test_settings_parsing() -> None:
    policy = OutboundPolicy.from_settings(
        " 127.0.0.1, ::1, 10.0.0.0/8, Anvil, *.Internal., [fd00::1]",
        rpc_credential_hosts="node.example, 127.0.0.1",
    )
    assert policy.allowed_names == frozenset({"anvil", ".internal"})
    assert len(policy.allowed_networks) == 4
    assert policy.credentials_allowed("NODE.example")
    assert policy.credentials_allowed("127.0.0.1")
    assert not policy.credentials_allowed("other.example")
    with pytest.raises(ValueError, match="allowed_rpc_hosts: 'http://x' is not"):
        OutboundPolicy.from_settings("http://x")
    with pytest.raises(ValueError, match="rpc_credential_hosts"):
        OutboundPolicy.from_settings("", rpc_credential_hosts="a b")


def test_address_allowed() -> None:
    policy = OutboundPolicy.from_settings("127.0.0.1, anvil, *.internal")
    loopback, private = ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("10.0.0.1")
    assert policy.address_allowed("localhost", loopback)  # by address
    assert policy.address_allowed("x", ipaddress.ip_address("::ffff:127.0.0.1"))
    assert not policy.address_allowed("localhost", ipaddress.ip_address("::1"))
    assert policy.address_allowed("anvil", private)  # by name, any address
    assert policy.address_allowed("rpc.internal", private)
    assert not policy.address_allowed("internal.evil", private)
    assert not policy.address_allowed("evil", private)
    assert policy.address_allowed("evil", ipaddress.ip_address("8.8.8.8"))
    strict = OutboundPolicy.from_settings("anvil", allow_public=False)
    assert not strict.address_allowed("evil", ipaddress.ip_address("8.8.8.8"))
    assert not OutboundPolicy().address_allowed("x", loopback)  # closed by default


def resolver_for(answers: dict[str, Sequence[str]]) -> Resolver:
    async def resolve(host: str, port: int) -> Sequence[str]:
        if host not in answers:
            raise OSError("no such host")
        return answers[host]

    return resolve


DNS = resolver_for(
    {
        "public.example": ["93.184.216.34"],
        "mixed.example": ["10.0.0.1", "93.184.216.34"],
        "internal.example": ["10.0.0.1", "fe80::1%eth0"],
        "localhost": ["127.0.0.1", "::1"],
    }
)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://public.example/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("http://", "format"),
        ("http://[::1", "format"),
        ("https://" + "a" * 3000, "format"),
        ("https://u:p@public.example/", "credentials"),
        ("https://nowhere.example/", "resolve"),
        ("https://internal.example/", "address"),
        ("http://localhost:8545", "address"),
        ("http://127.0.0.1:8545", "address"),
        ("http://[::ffff:127.0.0.1]:8545", "address"),
        ("http://169.254.169.254/latest/meta-data", "address"),
        ("http://0.0.0.0:8545", "address"),
    ],
)
async def test_closed_by_default(url: str, code: str) -> None:
    with pytest.raises(UrlRejected) as info:
        await OutboundPolicy().check_url(url, field="body.rpc_urls.0", resolver=DNS)
    assert info.value.code == code
    assert info.value.field == "body.rpc_urls.0"
    assert "p@" not in info.value.reason


async def test_allowed_urls() -> None:
    policy = OutboundPolicy.from_settings("127.0.0.1", rpc_credential_hosts="public.example")
    for url in (
        "https://public.example/v3/key",
        "https://u:p@public.example/",
        "https://mixed.example/",  # the private answer is dropped, the public one kept
        "http://127.0.0.1:8545",
        "http://localhost:8545",  # ::1 is dropped, 127.0.0.1 kept
    ):
        await policy.check_url(url, resolver=DNS)
    addresses = await policy.permitted_addresses("mixed.example", 443, resolver=DNS)
    assert addresses == [ipaddress.ip_address("93.184.216.34")]


async def test_slow_resolution_is_bounded() -> None:
    async def hang(host: str, port: int) -> Sequence[str]:
        await asyncio.Event().wait()
        return []

    with pytest.raises(UrlRejected, match="does not resolve"):
        await OutboundPolicy().check_url(
            "https://slow.example/", resolver=hang, resolve_timeout=0.05
        )
