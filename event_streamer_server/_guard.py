"""The service's security wiring: who is calling, how often, how many streams, where RPC may go.

One ``Guard`` per service, built from settings (and the keys kept in storage) at start-up:

- ``authenticate(request)``: the caller's ``Principal`` (``OPEN_PRINCIPAL`` in open mode, when
  no key is configured), or a 401 ``ApiError``;
- ``check_rate(principal, request)``: a 429 ``ApiError`` with ``Retry-After`` past the
  principal's request rate (by client IP in open mode);
- ``stream_permit(principal, subscription_id)``: a ``Permit`` for one stream, or 429 past the
  per-subscription or per-principal stream caps;
- ``policy``: the outbound (SSRF) policy RPC calls and URL checks follow.

Limits live in memory: with several instances, each enforces them on its own share.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Hashable, Iterable

from starlette.requests import Request

from ._http import ApiError
from ._netpolicy import OutboundPolicy
from ._principals import (
    OPEN_PRINCIPAL,
    AccessDenied,
    Authenticator,
    Principal,
    StoredKey,
    bearer_token,
    legacy_admin_key,
    parse_api_key_table,
    parse_api_keys,
)
from ._ratelimit import (
    ConcurrencyGate,
    ConcurrencyLimitExceeded,
    Permit,
    RateLimiter,
    acquire_all,
    retry_after_header,
)
from ._settings import Settings

__all__ = ["Guard", "access_error", "configured_keys", "outbound_policy"]

logger = logging.getLogger(__name__)


def outbound_policy(settings: Settings) -> OutboundPolicy:
    """The SSRF policy of ``settings`` (``ValueError`` names a bad entry)."""
    return OutboundPolicy.from_settings(
        settings.allowed_rpc_hosts,
        rpc_credential_hosts=settings.rpc_credential_hosts,
        allow_public=settings.allow_public_rpc,
    )


def configured_keys(settings: Settings) -> list[StoredKey]:
    """Keys from settings: ``api_key`` (as an admin key), ``api_keys`` and ``[[api_keys]]``."""
    keys = parse_api_keys(settings.api_keys)
    keys += parse_api_key_table(settings.api_key_table)
    if settings.api_key:
        keys.append(legacy_admin_key(settings.api_key))
    return keys


def access_error(err: AccessDenied) -> ApiError:
    """A principal naming a subscriber it may not act for: 403 (400 for an admin naming none)."""
    return ApiError(
        err.status,
        "Forbidden" if err.status == 403 else "Bad request",
        str(err),
        error_code="FORBIDDEN" if err.status == 403 else "SUBSCRIBER_REQUIRED",
    )


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Guard:
    """Authentication, request rate and stream caps for one service instance."""

    def __init__(self, settings: Settings, stored: Iterable[StoredKey] = ()) -> None:
        self.settings = settings
        self.policy = outbound_policy(settings)
        self.auth = Authenticator([*configured_keys(settings), *stored])
        self.rate = RateLimiter(
            rate=settings.rate_limit_per_second, burst=settings.rate_limit_burst
        )
        self.per_subscription = ConcurrencyGate(limit=settings.max_streams_per_subscription)
        self.per_principal = ConcurrencyGate(limit=settings.max_streams_per_principal)

    @property
    def open(self) -> bool:
        return self.auth.open

    def add_key(self, key: StoredKey) -> None:
        self.auth.add(key)

    def authenticate(self, request: Request) -> Principal:
        if self.auth.open:
            return OPEN_PRINCIPAL
        principal = self.auth.authenticate(bearer_token(request.headers.get("authorization")))
        if principal is None:
            raise ApiError(
                401,
                "Unauthorized",
                "send Authorization: Bearer <api key>",
                error_code="UNAUTHORIZED",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return principal

    def _bucket(self, principal: Principal, request: Request) -> str | None:
        """Whose budget a request spends: its key's, or in open mode its client address's
        (None for a loopback client in open mode: one local developer, benchmarks, tests)."""
        if not self.auth.open:
            return "key:" + principal.key_id
        host = request.client.host if request.client else "?"
        return None if _is_loopback(host) else "ip:" + host

    def check_rate(self, principal: Principal, request: Request, *, cost: float = 1.0) -> None:
        key = self._bucket(principal, request)
        if key is None:
            return
        decision = self.rate.check(key, cost=min(cost, float(self.settings.rate_limit_burst)))
        if not decision.allowed:
            raise ApiError(
                429,
                "Too many requests",
                f"at most {self.settings.rate_limit_per_second:g} requests per second "
                f"(bursts of {self.settings.rate_limit_burst})",
                error_code="RATE_LIMITED",
                headers={"Retry-After": retry_after_header(decision.retry_after)},
            )

    def stream_permit(self, principal: Principal, subscription_id: int, request: Request) -> Permit:
        slots: list[tuple[ConcurrencyGate, Hashable]] = [(self.per_subscription, subscription_id)]
        key = self._bucket(principal, request)
        if key is not None:
            slots.append((self.per_principal, key))
        try:
            return acquire_all(*slots)
        except ConcurrencyLimitExceeded as err:
            which = (
                "subscription"
                if err.key == subscription_id and err.limit == self.per_subscription.limit
                else "API key"
            )
            raise ApiError(
                429,
                "Too many streams",
                f"at most {err.limit} concurrent streams per {which}",
                error_code="TOO_MANY_STREAMS",
                headers={"Retry-After": "5"},
            ) from None
