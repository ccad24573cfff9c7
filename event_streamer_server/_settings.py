"""Service settings: defaults, then the TOML config file, then environment, then CLI flags."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ._presets import FINALITY_MODES, UnknownPreset, apply_preset

__all__ = ["BreakerSettings", "ChainSeed", "Settings", "load_settings"]

ENV_PREFIX = "EVENT_STREAMER_"


@dataclass(frozen=True, slots=True)
class BreakerSettings:
    """Circuit breaker settings, one breaker per RPC URL."""

    failure_threshold: int = 5  # consecutive failures that open a breaker
    recovery_timeout: float = 30.0  # seconds open before a half-open probe
    success_threshold: int = 2  # half-open successes that close it
    half_open_max_calls: int = 1  # concurrent probes while half-open
    timeout: float = 10.0  # per-call timeout, seconds


@dataclass(frozen=True, slots=True)
class ChainSeed:
    """A chain declared in the config file (created at start-up if absent)."""

    chain_id: int
    name: str
    rpc_urls: tuple[str, ...]
    average_block_time: float = 12.0
    max_blocks_per_request: int = 2000
    confirmation_blocks: int = 12
    max_concurrent_requests: int = 6
    finality: str = "confirmations"  # or "safe" / "finalized" (the node's block tags)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service can be told. Documented in the README's service section."""

    host: str = "127.0.0.1"
    port: int = 8000
    db: str = "./event-streamer.db"
    log_level: str = "info"
    api_key: str | None = None
    ready_file: str | None = None  # written with {"port", "pid"} once listening (tests)
    max_body_bytes: int = 1024 * 1024
    max_addresses: int = 1000
    max_event_inputs: int = 32
    heartbeat_interval: float = 30.0
    connection_timeout: float = 300.0  # close streams silent (no heartbeat, no ack) this long
    ack_deadline: float = 120.0  # resend a batch on the same stream when unacked this long
    # Unacknowledged batches one stream may be ahead (about 150 bytes of bookkeeping each): the
    # SDK acknowledges every few seconds, so a smaller window stalls fast consumers.
    max_inflight_batches: int = 10_000
    batch_size: int = 100
    # Security (README "Security", docs/service.md). API keys: "admin:KEY,subscriber:ID:KEY";
    # none (and no api_key) is open mode, for local development only.
    api_keys: str = ""
    insecure_open: bool = False  # allow open mode on a non-loopback host (never in production)
    api_key_table: tuple[dict[str, Any], ...] = ()  # the config file's [[api_keys]] tables
    # RPC URLs must resolve to public addresses, except hosts/IPs/CIDRs listed here (comma-
    # separated; the local devstack and test fixtures list the loopback host).
    allowed_rpc_hosts: str = ""
    rpc_credential_hosts: str = ""  # hosts whose URLs may carry user:password@
    allow_public_rpc: bool = True  # false: only allowed_rpc_hosts
    rpc_max_response_bytes: int = 16 * 1024 * 1024
    # Limits, per service instance (in memory).
    rate_limit_per_second: float = 100.0  # requests per principal (per client IP in open mode)
    rate_limit_burst: int = 500
    max_streams_per_subscription: int = 8
    max_streams_per_principal: int = 64
    max_subscriptions_per_subscriber: int = 1000
    write_timeout: float = 30.0  # a stream whose client reads nothing this long is closed
    header_timeout: float = 10.0  # a request's headers must arrive within this
    keep_alive_timeout: float = 5.0
    max_connections: int = 1000  # concurrent connections; beyond, 503
    db_busy_timeout: float = 2.0  # seconds a write waits for a locked database before 503
    db_pool_size: int = 10  # PostgreSQL connections per instance (a call waits db_busy_timeout)
    decode_max_depth: int = 16  # ABI nesting depth accepted (subscriptions and decoding)
    # Worker processes that parse and decode eth_getLogs answers off the event loop's process
    # (0: a thread of the service's process; at most 64). "auto": one worker where the machine
    # has two cores or more, started at the first large answer and used for large answers only
    # (small ones are cheaper in a thread than copied to another process; docs/performance.md).
    decode_workers: int | str = "auto"
    # Test-only crash points (comma-separated), for the reliability suite: exit_after_ack_commit,
    # exit_before_range_commit. The process exits at once, as if killed with SIGKILL.
    test_faults: str = ""
    # -- delivery and retention (issue 17) --
    # Acknowledged batches are deleted this many seconds after their acknowledgement (0: at
    # once); unacknowledged batches are never deleted.
    ack_retention: float = 3600.0
    retention_interval: float = 10.0  # seconds between retention passes
    # -- several instances on one database (issue 18) --
    instance_id: str = ""  # this instance's name in ingestion leases; "" = hostname-pid-random
    ingest_lease_ttl: float = 10.0  # seconds a chain's ingestion lease lasts unless renewed
    breaker: BreakerSettings = field(default_factory=BreakerSettings)
    chains: tuple[ChainSeed, ...] = ()


_SCALARS = {
    f.name: f.type for f in fields(Settings) if f.name not in ("breaker", "chains", "api_key_table")
}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _coerce(name: str, value: Any, kind: Any) -> Any:
    kind = str(kind)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ValueError(f"setting {name}: expected true or false, got {value!r}")
    if kind == "int | str":  # a number or a word such as "auto" (checked by the caller)
        try:
            return int(value)
        except (TypeError, ValueError):
            return str(value).strip().lower()
    try:
        if "int" in kind and "str" not in kind:
            return int(value)
        if "float" in kind:
            return float(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"setting {name}: expected a number, got {value!r}") from err
    return None if value in ("", None) and "None" in kind else str(value)


def _from_mapping(base: Settings, data: Mapping[str, Any], source: str) -> Settings:
    updates: dict[str, Any] = {}
    for key, value in data.items():
        if key == "api_keys" and isinstance(value, list):
            updates["api_key_table"] = tuple(
                dict(v) if isinstance(v, Mapping) else v for v in value
            )
        elif key in _SCALARS:
            updates[key] = _coerce(key, value, _SCALARS[key])
        elif key not in ("breaker", "circuit_breaker", "chains"):
            raise ValueError(f"{source}: unknown setting {key!r}")
    breaker_data = data.get("circuit_breaker", data.get("breaker"))
    if breaker_data is not None:
        known = {f.name: f.type for f in fields(BreakerSettings)}
        unknown = set(breaker_data) - set(known)
        if unknown:
            raise ValueError(f"{source}: unknown circuit_breaker settings {sorted(unknown)}")
        updates["breaker"] = replace(
            base.breaker, **{k: _coerce(k, v, known[k]) for k, v in breaker_data.items()}
        )
    if "chains" in data:
        updates["chains"] = tuple(
            _chain(c, f"{source}: chains[{i}]") for i, c in enumerate(data["chains"])
        )
    return replace(base, **updates)


_CHAIN_KEYS = {f.name for f in fields(ChainSeed)} | {"preset"}


def _chain(data: Mapping[str, Any], where: str) -> ChainSeed:
    """One ``[[chains]]`` table; ``preset = "base"`` fills in every field not given."""
    unknown = set(data) - _CHAIN_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown chain settings {sorted(unknown)}")
    try:
        data = apply_preset(data.get("preset"), {k: v for k, v in data.items() if k != "preset"})
    except UnknownPreset as err:
        raise ValueError(f"{where}: {err}") from err
    try:
        seed = ChainSeed(
            chain_id=int(data["chain_id"]),
            name=str(data["name"]),
            rpc_urls=tuple(str(u) for u in data["rpc_urls"]),
            average_block_time=float(data.get("average_block_time", 12.0)),
            max_blocks_per_request=int(data.get("max_blocks_per_request", 2000)),
            confirmation_blocks=int(data.get("confirmation_blocks", 12)),
            max_concurrent_requests=int(data.get("max_concurrent_requests", 6)),
            finality=str(data.get("finality", "confirmations")),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(
            f"{where}: needs rpc_urls and a preset, or chain_id and name ({err})"
        ) from err
    if not 1 <= seed.max_concurrent_requests <= 64:
        raise ValueError(f"{where}: max_concurrent_requests must be 1..64")
    if seed.finality not in FINALITY_MODES:
        raise ValueError(f"{where}: finality must be one of {', '.join(FINALITY_MODES)}")
    if isinstance(data["rpc_urls"], str) or not seed.rpc_urls:
        raise ValueError(f"{where}: rpc_urls must be a list of at least one URL")
    return seed


def load_settings(
    config: str | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Defaults < config file < ``EVENT_STREAMER_*`` environment < explicit overrides."""
    env = os.environ if env is None else env
    settings = Settings()
    config = config or env.get(f"{ENV_PREFIX}CONFIG")
    if config:
        with Path(config).open("rb") as fh:
            settings = _from_mapping(settings, tomllib.load(fh), config)
    from_env = {
        name: env[f"{ENV_PREFIX}{name.upper()}"]
        for name in _SCALARS
        if f"{ENV_PREFIX}{name.upper()}" in env
    }
    settings = _from_mapping(settings, from_env, "environment")
    settings = _from_mapping(
        settings, {k: v for k, v in (overrides or {}).items() if v is not None}, "arguments"
    )
    if not 0.5 <= settings.ingest_lease_ttl <= 600:
        raise ValueError("setting ingest_lease_ttl: must be 0.5..600 seconds")
    if len(settings.instance_id) > 200 or not settings.instance_id.isprintable():
        raise ValueError("setting instance_id: at most 200 printable characters")
    workers = settings.decode_workers
    if workers != "auto" and not (isinstance(workers, int) and 0 <= workers <= 64):
        raise ValueError(f'setting decode_workers: must be 0..64 or "auto", got {workers!r}')
    return settings
