"""Which outbound addresses RPC calls may reach (SSRF), and registration-time URL checks.

Closed by default: a URL may point at a public address only. ``allowed_rpc_hosts`` adds
exceptions, comma-separated:

- a host name (``localhost``, ``anvil``) or a suffix (``*.internal``, ``.internal``): the URL
  host matches it, whatever addresses it resolves to;
- an IP address or CIDR (``127.0.0.1``, ``10.0.0.0/8``, ``::1``): resolved addresses inside it
  are allowed, whatever host name led there.

``rpc_credential_hosts`` (same host-name syntax) lists the hosts whose URLs may carry userinfo
(``https://user:pw@host``, sent as Basic auth); elsewhere such URLs are rejected, so a caller
cannot make the service forward credentials to a host of its choice.

An address is *public* when it is globally routable and not loopback, private, link-local,
multicast, reserved, unspecified or shared (100.64/10). IPv6 addresses that embed an IPv4 one
(IPv4-mapped ``::ffff:a.b.c.d``, 6to4, Teredo, NAT64 ``64:ff9b::/96``) are judged by the
embedded address too, so ``::ffff:127.0.0.1`` is loopback.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx

__all__ = [
    "DEFAULT_RESOLVE_TIMEOUT",
    "IPAddress",
    "OutboundPolicy",
    "Resolver",
    "UrlRejected",
    "address_category",
    "is_public",
    "system_resolver",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# host, port -> addresses (as text). Injectable so tests can play DNS rebinding.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

DEFAULT_RESOLVE_TIMEOUT = 5.0  # seconds for one DNS resolution
MAX_URL_LENGTH = 2048
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")
_HOST_PATTERN = re.compile(
    r"(\*?\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*"
)


class UrlRejected(ValueError):
    """A URL the policy refuses; ``code`` is machine-readable, ``reason`` safe to show."""

    def __init__(self, field: str, code: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.code = code  # format | scheme | credentials | resolve | address
        self.reason = reason


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_category(ip: IPAddress) -> str | None:
    """None for a public address, else why not (``loopback``, ``private``, ``link-local``...)."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None and (category := address_category(inner)) is not None:
            return category
        if ip.ipv4_mapped is not None:  # judged by the IPv4 address alone
            return None
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("shared", isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-global", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def is_public(ip: IPAddress) -> bool:
    return address_category(ip) is None


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """The system resolver (``getaddrinfo`` in a thread, off the event loop)."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return [str(info[4][0]) for info in infos]


def _parse_host_entries(text: str, setting: str) -> tuple[frozenset[str], tuple[IPNetwork, ...]]:
    names: set[str] = set()
    networks: list[IPNetwork] = []
    for entry in (e.strip().lower().rstrip(".") for e in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            continue
        except ValueError:
            pass
        if len(entry) > 253 or not _HOST_PATTERN.fullmatch(entry):
            raise ValueError(f"{setting}: {entry!r} is not a host name, IP address or CIDR")
        names.add(entry[1:] if entry.startswith("*.") else entry)
    return frozenset(names), tuple(networks)


def _name_matches(host: str, names: frozenset[str]) -> bool:
    host = host.lower().rstrip(".")
    return host in names or any(n.startswith(".") and host.endswith(n) for n in names)


@dataclass(frozen=True, slots=True)
class OutboundPolicy:
    """Where outbound RPC calls may go. ``OutboundPolicy()`` allows public addresses only."""

    allowed_names: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()
    credential_names: frozenset[str] = frozenset()
    allow_public: bool = True  # False: only the allow-list (strict deployments)

    @classmethod
    def from_settings(
        cls,
        allowed_rpc_hosts: str = "",
        *,
        rpc_credential_hosts: str = "",
        allow_public: bool = True,
    ) -> OutboundPolicy:
        """Parse the comma-separated settings; ``ValueError`` names a bad entry."""
        names, networks = _parse_host_entries(allowed_rpc_hosts, "allowed_rpc_hosts")
        cred_names, cred_networks = _parse_host_entries(
            rpc_credential_hosts, "rpc_credential_hosts"
        )
        # Credential hosts are matched by the URL's host text, so IP entries count as names.
        cred = cred_names | {str(n.network_address) for n in cred_networks if n.num_addresses == 1}
        return cls(names, networks, frozenset(cred), allow_public)

    def host_allowed(self, host: str) -> bool:
        return _name_matches(host, self.allowed_names)

    def credentials_allowed(self, host: str) -> bool:
        return _name_matches(host.strip("[]"), self.credential_names)

    def address_allowed(self, host: str, ip: IPAddress) -> bool:
        """May a connection for ``host`` go to ``ip``?"""
        if self.host_allowed(host):
            return True
        candidates = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and (inner := _embedded_ipv4(ip)) is not None:
            candidates.append(inner)
        if any(c in net for c in candidates for net in self.allowed_networks):
            return True
        return self.allow_public and is_public(ip)

    async def permitted_addresses(
        self,
        host: str,
        port: int,
        *,
        resolver: Resolver = system_resolver,
        resolve_timeout: float = DEFAULT_RESOLVE_TIMEOUT,
    ) -> list[IPAddress]:
        """Resolve ``host`` and keep the addresses the policy allows (maybe none).

        Raises ``OSError`` when resolution fails and ``TimeoutError`` when it takes too long.
        """
        literal = host.strip("[]")
        try:
            answers: Sequence[str] = [str(ipaddress.ip_address(literal))]
        except ValueError:
            async with asyncio.timeout(resolve_timeout):
                answers = await resolver(literal, port)
        addresses = []
        for text in answers:
            ip = ipaddress.ip_address(text.split("%")[0])  # drop an IPv6 zone index
            if self.address_allowed(literal, ip) and ip not in addresses:
                addresses.append(ip)
        return addresses

    async def check_url(
        self,
        url: str,
        *,
        field: str = "rpc_url",
        resolver: Resolver = system_resolver,
        resolve_timeout: float = DEFAULT_RESOLVE_TIMEOUT,
    ) -> None:
        """Registration-time check of an RPC URL; ``UrlRejected`` says which rule failed."""
        if len(url) > MAX_URL_LENGTH:
            raise UrlRejected(field, "format", f"URL longer than {MAX_URL_LENGTH} characters")
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, ValueError, TypeError) as err:
            raise UrlRejected(field, "format", "not a valid URL") from err
        if parsed.scheme not in ("http", "https"):
            raise UrlRejected(field, "scheme", "the URL scheme must be http or https")
        host = parsed.host
        if not host:
            raise UrlRejected(field, "format", "not a valid URL: no host")
        if parsed.userinfo and not self.credentials_allowed(host):
            raise UrlRejected(
                field,
                "credentials",
                "credentials in the URL are allowed only for hosts in rpc_credential_hosts",
            )
        try:
            addresses = await self.permitted_addresses(
                host,
                parsed.port or (443 if parsed.scheme == "https" else 80),
                resolver=resolver,
                resolve_timeout=resolve_timeout,
            )
        except (OSError, TimeoutError, UnicodeError) as err:
            raise UrlRejected(field, "resolve", f"host {host} does not resolve") from err
        if not addresses:
            raise UrlRejected(
                field,
                "address",
                f"host {host} does not resolve to a public address; "
                "add it to allowed_rpc_hosts to allow it",
            )
