"""`abi events|topic0`: ABI inspection, offline."""

from __future__ import annotations

from typing import Any

import click

from ..abi import (
    event_signature,
    event_topic0,
    extract_abi_event,
    extract_abi_events,
    parse_signature,
)
from ._output import emit
from ._runner import Settings, exit_with_error, pass_settings
from ._subscriptions import read_abi


@click.group()
def abi() -> None:
    """Inspect ABIs offline."""


@abi.command("events")
@click.argument("abi_file", type=click.Path(exists=True, dir_okay=False))
@pass_settings
def abi_events(s: Settings, abi_file: str) -> None:
    """Events of an ABI file with their signatures and topic0."""
    rows = [
        {
            "name": e.name,
            "signature": event_signature(e),
            "topic0": event_topic0(e),
            "anonymous": e.anonymous,
        }
        for e in extract_abi_events(read_abi(abi_file)).values()
    ]
    emit(s.json, rows, ["name", "signature", "topic0", "anonymous"])


@abi.command("topic0")
@click.argument("signature", required=False)
@click.option("--abi", "abi_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--event", default=None)
@pass_settings
def abi_topic0(s: Settings, signature: str | None, abi_file: str | None, event: str | None) -> None:
    """topic0 of 'Transfer(address,address,uint256)', or of --abi FILE --event NAME."""
    target: Any  # a parsed signature (raw ABI element) or an ABIEvent: both have a topic0
    if signature is not None:
        target = parse_signature(signature)
    elif abi_file and event:
        target = extract_abi_event(read_abi(abi_file), event)
    else:
        exit_with_error("give a signature, or --abi FILE --event NAME")
    result = {"signature": event_signature(target), "topic0": event_topic0(target)}
    if s.json:
        emit(True, result)
    else:
        click.echo(result["topic0"])
