"""Validation of the facade's scalar inputs: each failure is a typed error naming the field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
from event_streamer_api.types import Unset

from .exceptions import EventStreamerValidationError, FieldError
from .models import ChainConfigRequest, ChainConfigUpdate

#: The most service URLs one client takes (each call tries each of them at most once a sweep).
MAX_SERVICE_URLS = 16

__all__ = [
    "MAX_SERVICE_URLS",
    "chain_request",
    "chain_update",
    "invalid",
    "non_empty",
    "positive_int",
    "positive_seconds",
    "service_url",
    "service_urls",
    "timeout",
]


def invalid(field: str, message: str) -> EventStreamerValidationError:
    """The error for one bad field (raise it)."""
    return EventStreamerValidationError(
        f"invalid {field}: {message}", field_errors=[FieldError(field, message)]
    )


def positive_int(name: str, value: Any, minimum: int = 1) -> int:
    """``value`` if it is an int (not a bool) >= ``minimum``."""
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise invalid(name, f"must be an integer >= {minimum}, got {value!r}")
    return value


def positive_seconds(name: str, value: Any) -> float:
    """``value`` as float if it is a number of seconds > 0."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
        raise invalid(name, f"must be > 0 seconds, got {value!r}")
    return float(value)


def non_empty(name: str, value: Any) -> str:
    """``value`` if it is a string with a non-blank character."""
    if not isinstance(value, str) or not value.strip():
        raise invalid(name, f"must be a non-empty string, got {value!r}")
    return value


def service_url(value: Any) -> str:
    """An http(s) URL with a host, without its trailing slash."""
    url = httpx.URL(non_empty("service_url", value))
    if url.scheme not in ("http", "https") or not url.host:
        raise invalid("service_url", f"must be an http(s) URL, got {value!r}")
    return str(url).rstrip("/")


def service_urls(value: Any) -> tuple[str, ...]:
    """One URL or a non-empty sequence of at most :data:`MAX_SERVICE_URLS` distinct http(s)
    URLs, each normalised as :func:`service_url` does."""
    if isinstance(value, str):
        return (service_url(value),)
    if not isinstance(value, Sequence) or isinstance(value, bytes | bytearray):
        raise invalid("service_url", f"must be a URL or a list of URLs, got {value!r}")
    if not value:
        raise invalid("service_url", "must list at least one URL")
    if len(value) > MAX_SERVICE_URLS:
        raise invalid("service_url", f"lists {len(value)} URLs; at most {MAX_SERVICE_URLS}")
    urls = tuple(service_url(item) for item in value)
    seen: set[str] = set()
    for url in urls:
        if url in seen:
            raise invalid("service_url", f"lists {url} twice")
        seen.add(url)
    return urls


def timeout(value: Any) -> httpx.Timeout:
    """Seconds (> 0) or an ``httpx.Timeout``, as an ``httpx.Timeout``."""
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return httpx.Timeout(positive_seconds("timeout", value))
    raise invalid("timeout", f"must be seconds or an httpx.Timeout, got {value!r}")


def chain_request(config: Any) -> ChainConfigRequest:
    """``config`` if it is a ChainConfigRequest with an id and a name (or a preset) and at least
    one RPC URL."""
    if not isinstance(config, ChainConfigRequest):
        raise invalid("config", "must be a ChainConfigRequest")
    # A preset fills in the chain id and name (explicit values still win and are checked).
    preset = not isinstance(config.preset, Unset)
    if not (preset and isinstance(config.chain_id, Unset)):
        positive_int("chain_id", config.chain_id)
    if not (preset and isinstance(config.name, Unset)):
        non_empty("name", config.name)
    if not config.rpc_urls:
        raise invalid("rpc_urls", "must list at least one RPC URL")
    return config


def chain_update(chain_id: int, config: Any) -> ChainConfigUpdate:
    """The update for ``config``: a ChainConfigUpdate as is, or one setting every field of a
    ChainConfigRequest for the same chain."""
    if isinstance(config, ChainConfigRequest):
        if chain_request(config).chain_id != chain_id:
            raise invalid("config.chain_id", f"is {config.chain_id}, not {chain_id}")
        # An unset WebSocket endpoint keeps the stored one (None in an update turns the push off).
        ws: dict[str, Any] = {} if config.ws_url is None else {"ws_url": config.ws_url}
        return ChainConfigUpdate(
            name=config.name,
            rpc_urls=list(config.rpc_urls),
            average_block_time=config.average_block_time,
            max_blocks_per_request=config.max_blocks_per_request,
            confirmation_blocks=config.confirmation_blocks,
            max_concurrent_requests=config.max_concurrent_requests,
            status=config.status,
            finality=config.finality,
            **ws,
        )
    if not isinstance(config, ChainConfigUpdate):
        raise invalid("config", "must be a ChainConfigUpdate or a ChainConfigRequest")
    return config
