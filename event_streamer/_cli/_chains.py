"""`chains list|get|create|update|delete|stats|refresh`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..models import ChainConfigRequest, ChainConfigUpdate
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


@chains.command("create")
@click.argument("chain_id", type=int)
@_chain_options
@pass_settings
def chains_create(s: Settings, /, chain_id: int, **options: Any) -> None:
    """Add a chain (the service checks each RPC URL's eth_chainId)."""
    fields = _given(**options)
    if "name" not in fields or "rpc_urls" not in fields:
        exit_with_error("chains create needs --name and at least one --rpc-url")
    request = ChainConfigRequest(chain_id=chain_id, **fields)
    emit(s.json, run(s, lambda c: c.create_chain(request)).chain)


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
