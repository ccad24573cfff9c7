"""`chains list|get|create|update|delete|stats|refresh`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from event_streamer_api.models.finality_mode import FINALITY_MODE_VALUES

from ..models import ChainConfigUpdate
from ._output import emit
from ._runner import Settings, exit_with_error, pass_settings, run

CHAIN_COLUMNS = [
    "chain_id",
    "name",
    "status",
    "rpc_urls",
    "average_block_time",
    "max_blocks_per_request",
    "confirmation_blocks",
    "finality",
]
PRESET_COLUMNS = [
    "key",
    "chain_id",
    "name",
    "average_block_time",
    "confirmation_blocks",
    "max_blocks_per_request",
    "supports_safe",
    "supports_finalized",
]


@click.group()
def chains() -> None:
    """Chain configuration."""


@chains.command("list")
@pass_settings
def chains_list(s: Settings) -> None:
    """Every configured chain."""
    result = run(s, lambda c: c.get_all_chains())
    emit(s.json, result if s.json else result.chains, None if s.json else CHAIN_COLUMNS)


@chains.command("get")
@click.argument("chain_id", type=int)
@pass_settings
def chains_get(s: Settings, chain_id: int) -> None:
    """One chain."""
    emit(s.json, run(s, lambda c: c.get_chain(chain_id)))


@chains.command("stats")
@pass_settings
def chains_stats(s: Settings) -> None:
    """Counts over chains and RPC endpoints."""
    emit(s.json, run(s, lambda c: c.get_chain_stats()))


@chains.command("refresh")
@pass_settings
def chains_refresh(s: Settings) -> None:
    """Reload chain configuration from the service's storage."""
    emit(s.json, run(s, lambda c: c.refresh_chains()))


@chains.command("delete")
@click.argument("chain_id", type=int)
@pass_settings
def chains_delete(s: Settings, chain_id: int) -> None:
    """Deactivate a chain."""
    emit(s.json, run(s, lambda c: c.delete_chain(chain_id)).chain)


def _chain_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed(
        [
            click.option("--name", default=None),
            click.option(
                "--rpc-url", "rpc_urls", multiple=True, help="in failover order (repeatable)"
            ),
            click.option("--block-time", "average_block_time", type=float, default=None),
            click.option("--max-blocks", "max_blocks_per_request", type=int, default=None),
            click.option("--confirmations", "confirmation_blocks", type=int, default=None),
            click.option("--ws-url", "ws_url", default=None, help="WebSocket URL for newHeads"),
            click.option(
                "--finality",
                type=click.Choice(sorted(FINALITY_MODE_VALUES)),
                default=None,
                help="ingest up to head - confirmations, or the node's safe/finalized block",
            ),
        ]
    ):
        f = decorator(f)
    return f


def _given(**values: Any) -> dict[str, Any]:
    return {
        k: (list(v) if isinstance(v, tuple) else v)
        for k, v in values.items()
        if v not in (None, ())
    }


@chains.command("presets")
@pass_settings
def chains_presets(s: Settings) -> None:
    """The chain presets the service ships (keys for `chains create --preset`)."""
    result = run(s, lambda c: c.list_chain_presets())
    emit(s.json, result if s.json else result.presets, None if s.json else PRESET_COLUMNS)


@chains.command("create")
@click.argument("chain_id", type=int, required=False)
@click.option("--preset", default=None, help="a preset key (base, ethereum, ...) or chain id")
@_chain_options
@pass_settings
def chains_create(s: Settings, /, chain_id: int | None, preset: str | None, **options: Any) -> None:
    """Add a chain (the service checks each RPC URL's eth_chainId).

    With --preset, CHAIN_ID and --name may be left out; any option given overrides the preset.
    """
    fields = _given(**options)
    if "rpc_urls" not in fields or (preset is None and (chain_id is None or "name" not in fields)):
        exit_with_error(
            "chains create needs --name and at least one --rpc-url "
            "(with --preset, CHAIN_ID and --name come from the preset)"
        )
    if chain_id is not None:
        fields["chain_id"] = chain_id
    emit(s.json, run(s, lambda c: c.create_chain(preset=preset, **fields)).chain)


@chains.command("update")
@click.argument("chain_id", type=int)
@_chain_options
@pass_settings
def chains_update(s: Settings, /, chain_id: int, **options: Any) -> None:
    """Change a chain."""
    fields = _given(**options)
    if not fields:
        exit_with_error("nothing to change")
    update = ChainConfigUpdate(**fields)
    emit(s.json, run(s, lambda c: c.update_chain(chain_id, update)).chain)
