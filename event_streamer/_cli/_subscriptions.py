"""`subscriptions list|get|create|update|delete` and `status`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from .. import EventStreamer, SubscriptionUpdate, subscription_from_abi
from .._subscriptions import START_BLOCK_TAGS
from ..abi import AbiSource, event_signature, load_abi
from ..models import BackfillProgress
from ._output import emit, out
from ._runner import Settings, exit_with_error, pass_settings, run

SUB_COLUMNS = [
    "id",
    "subscriber_id",
    "chain_id",
    "event",
    "addresses",
    "start_block",
    "end_block",
    "last_processed_block",
    "streaming_status",
    "events_delivered",
]


class StartBlock(click.ParamType):  # type: ignore[type-arg]
    """A block number, or ``latest`` / ``finalized``."""

    name = "BLOCK|latest|finalized"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip().lower()
        if text in START_BLOCK_TAGS:
            return text
        try:
            return int(text)
        except ValueError:
            self.fail(f"{value!r} is not a block number, latest or finalized", param, ctx)


def read_abi(path: str) -> AbiSource:
    """An ABI file, parsed (an unreadable or malformed file ends the command with one line)."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        exit_with_error(f"cannot read ABI file {path}: {exc.strerror}")
    except UnicodeDecodeError:
        exit_with_error(f"cannot read ABI file {path}: not UTF-8 text")
    return load_abi(text)


def _sub_row(sub: Any) -> dict[str, Any]:
    data: dict[str, Any] = sub.to_dict()
    events = [data["event_signature"], *(data.get("extra_events") or [])]
    data["event"] = ", ".join(event_signature(e) for e in events)
    return data


def _where_value(text: str) -> Any:
    """A --where value: true/false, a decimal integer, or the text (addresses, hex bytes)."""
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?[0-9]{1,80}", text):
        return int(text)
    return text


def _where(options: tuple[str, ...]) -> dict[str, Any]:
    """--where ARG=VALUE[,VALUE...] options as subscription_from_abi's ``where``."""
    where: dict[str, Any] = {}
    for option in options:
        name, sep, values = option.partition("=")
        if not sep or not name or not values:
            exit_with_error(f"--where {option!r}: expected ARG=VALUE[,VALUE...]")
        alternatives = [_where_value(v.strip()) for v in values.split(",")]
        where[name.strip()] = alternatives[0] if len(alternatives) == 1 else alternatives
    return where


@click.group()
def subscriptions() -> None:
    """List, inspect, create, change and delete subscriptions."""


@subscriptions.command("list")
@click.option("--page", default=1, show_default=True)
@click.option("--page-size", default=20, show_default=True)
@click.option("--all", "all_subscribers", is_flag=True, help="every subscriber's, not just yours")
@pass_settings
def subscriptions_list(s: Settings, page: int, page_size: int, all_subscribers: bool) -> None:
    """Your subscriptions (newest first)."""
    result = run(
        s, lambda c: c.list_subscriptions(page, page_size, all_subscribers=all_subscribers)
    )
    if s.json:
        emit(True, result)
    else:
        emit(False, [_sub_row(x) for x in result.subscriptions], SUB_COLUMNS)
        out.print(f"page {result.page}, {len(result.subscriptions)} of {result.total}")


@subscriptions.command("get")
@click.argument("subscription_id", type=int)
@pass_settings
def subscriptions_get(s: Settings, subscription_id: int) -> None:
    """One subscription."""
    emit(s.json, run(s, lambda c: c.get_subscription(subscription_id)))


@subscriptions.command("delete")
@click.argument("subscription_id", type=int)
@pass_settings
def subscriptions_delete(s: Settings, subscription_id: int) -> None:
    """Delete a subscription (its streams are closed)."""
    run(s, lambda c: c.delete_subscription(subscription_id))
    emit(s.json, {"deleted": subscription_id})


@subscriptions.command("create")
@click.option(
    "--abi",
    "abi_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="JSON ABI or compiler artifact",
)
@click.option(
    "--event",
    "events",
    required=True,
    multiple=True,
    help="event name, or full signature for overloads (repeatable: one stream for all)",
)
@click.option("--chain", "chain_id", required=True, type=int)
@click.option("--address", "addresses", multiple=True, help="contract address (repeatable)")
@click.option(
    "--from-block",
    "start_block",
    required=True,
    type=StartBlock(),
    help="a block number, or latest / finalized (resolved by the service once)",
)
@click.option("--to-block", "end_block", type=int, default=None)
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="ARG=VALUE[,VALUE...]",
    help="filter on an indexed argument (repeatable; commas list alternatives)",
)
@pass_settings
def subscriptions_create(
    s: Settings,
    abi_file: str,
    events: tuple[str, ...],
    chain_id: int,
    addresses: tuple[str, ...],
    start_block: Any,
    end_block: int | None,
    where: tuple[str, ...],
) -> None:
    """Subscribe to events of an ABI (topic0 is computed)."""
    # Built before connecting: a bad ABI, event, filter or address fails offline, in one line.
    request = subscription_from_abi(
        read_abi(abi_file),
        list(events),
        chain_id=chain_id,
        addresses=addresses,
        start_block=start_block,
        end_block=end_block,
        where=_where(where) if where else None,
    )
    emit(s.json, run(s, lambda c: c.create_subscription(request)))


@subscriptions.command("update")
@click.argument("subscription_id", type=int)
@click.option("--from-block", "start_block", type=int, default=None)
@click.option("--to-block", "end_block", type=int, default=None)
@click.option("--no-end", is_flag=True, help="follow the chain head (clear --to-block)")
@click.option("--address", "addresses", multiple=True, help="replace the addresses (repeatable)")
@pass_settings
def subscriptions_update(
    s: Settings,
    subscription_id: int,
    start_block: int | None,
    end_block: int | None,
    no_end: bool,
    addresses: tuple[str, ...],
) -> None:
    """Change a subscription's block range or addresses."""
    fields: dict[str, Any] = {}
    if start_block is not None:
        fields["start_block"] = start_block
    if end_block is not None or no_end:
        fields["end_block"] = None if no_end else end_block
    if addresses:
        fields["addresses"] = list(addresses)
    if not fields:
        exit_with_error("nothing to change: give --from-block, --to-block, --no-end or --address")
    update = SubscriptionUpdate(**fields)
    emit(s.json, run(s, lambda c: c.update_subscription(subscription_id, update)))


@click.command()
@click.argument("subscription_id", type=int)
@pass_settings
def status(s: Settings, subscription_id: int) -> None:
    """Processing status, last processed block and events delivered."""

    async def gather(c: EventStreamer) -> dict[str, Any]:
        processing = await c.get_processing_status(subscription_id)
        sub = await c.get_subscription(subscription_id)
        return {
            "subscription_id": subscription_id,
            "streaming_status": sub.streaming_status,
            "is_processing": processing.is_processing,
            "connection_count": processing.connection_count,
            "last_processed_block": sub.last_processed_block,
            "events_delivered": sub.events_delivered,
            "resume_token": sub.resume_token,
            "backfill": _backfill(processing.backfill),
        }

    emit(s.json, run(s, gather))


def _backfill(progress: Any) -> str | None:
    """Backfill progress in one line, or None when the subscription follows the head."""
    if not isinstance(progress, BackfillProgress):
        return None
    share = progress.blocks_done / progress.blocks_total if progress.blocks_total else 1.0
    return (
        f"{progress.blocks_done:,} of {progress.blocks_total:,} blocks ({share:.0%}), "
        f"up to block {progress.to_block:,}; {progress.logs:,} logs at "
        f"{progress.logs_per_second:,.0f} logs/s; {progress.concurrency} spans in flight"
    )
