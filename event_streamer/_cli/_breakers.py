"""`breakers status|health|metrics|reset|config`."""

from __future__ import annotations

import click

from ._output import emit
from ._runner import Settings, pass_settings, run


@click.group()
def breakers() -> None:
    """Circuit breakers of the RPC endpoints."""


@breakers.command("status")
@pass_settings
def breakers_status(s: Settings) -> None:
    """State of every breaker."""
    result = run(s, lambda c: c.get_circuit_breaker_status())
    if s.json:
        emit(True, result)
        return
    rows = [
        {"name": n, **b.to_dict()} for n, b in result.circuit_breakers.additional_properties.items()
    ]
    emit(
        False,
        rows,
        ["name", "state", "rpc_url", "failure_count", "success_count", "consecutive_failures"],
    )


@breakers.command("health")
@pass_settings
def breakers_health(s: Settings) -> None:
    """Health summary."""
    emit(s.json, run(s, lambda c: c.get_circuit_breaker_health()))


@breakers.command("metrics")
@click.argument("name")
@pass_settings
def breakers_metrics(s: Settings, name: str) -> None:
    """One breaker's metrics."""
    emit(s.json, run(s, lambda c: c.get_circuit_breaker_metrics(name)))


@breakers.command("reset")
@click.argument("name", required=False)
@pass_settings
def breakers_reset(s: Settings, name: str | None) -> None:
    """Reset one breaker, or all of them."""
    emit(
        s.json,
        run(s, lambda c: c.reset_circuit_breaker(name) if name else c.reset_all_circuit_breakers()),
    )


@breakers.command("config")
@pass_settings
def breakers_config(s: Settings) -> None:
    """Breaker settings in force."""
    emit(s.json, run(s, lambda c: c.get_circuit_breaker_config()))
