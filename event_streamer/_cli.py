"""`event-streamer`: the SDK on the command line.

Exit codes: 0 ok, 1 usage or validation, 2 not found, 3 auth, 4 connection. Errors are one line
on stderr (what failed, why, what to do); ``--debug`` shows the traceback. ``--json`` prints
machine-readable output everywhere; ``tail`` prints one JSON event per line when piped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from ._abi import event_signature, event_topic0, extract_abi_events, load_abi
from ._client import EventStreamer
from ._subscriptions import subscription_from_abi
from .exceptions import (
    EventStreamerAuthError,
    EventStreamerConnectionError,
    EventStreamerNotFoundError,
    EventStreamerSDKError,
    EventStreamerTimeoutError,
    EventStreamerValidationError,
)
from .models import ChainConfigRequest, ChainConfigUpdate, SubscriptionUpdate

__all__ = ["main"]

EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_AUTH, EXIT_CONNECTION = 0, 1, 2, 3, 4
T = TypeVar("T")
# Piped tables are not cut to 80 columns (use --json for parsing).
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)


class Settings:
    def __init__(self, url: str, subscriber: str, api_key: str | None, as_json: bool, debug: bool):
        self.url = url
        self.subscriber = subscriber
        self.api_key = api_key
        self.json = as_json
        self.debug = debug

    def client(self) -> EventStreamer:
        return EventStreamer(self.url, self.subscriber, api_key=self.api_key, timeout=30.0)


def _fail(message: str, code: int) -> None:
    err.print(f"error: {message}", markup=False, highlight=False)
    raise SystemExit(code)


def run(settings: Settings, work: Callable[[EventStreamer], Coroutine[Any, Any, T]]) -> T:
    """Run ``work`` with a client; map SDK errors to one stderr line and an exit code."""

    async def go() -> T:
        async with settings.client() as client:
            return await work(client)

    try:
        return asyncio.run(go())
    except EventStreamerSDKError as exc:
        if settings.debug:
            raise
        code, hint = EXIT_USAGE, ""
        if isinstance(exc, EventStreamerNotFoundError):
            code = EXIT_NOT_FOUND
        elif isinstance(exc, EventStreamerAuthError):
            code, hint = EXIT_AUTH, " (pass --api-key or set EVENT_STREAMER_API_KEY)"
        elif isinstance(exc, EventStreamerConnectionError | EventStreamerTimeoutError):
            code, hint = EXIT_CONNECTION, f" (is the service running at {settings.url}?)"
        elif isinstance(exc, EventStreamerValidationError) and exc.field_errors:
            hint = " [" + "; ".join(f"{e.field}: {e.message}" for e in exc.field_errors) + "]"
        _fail(f"{exc}{hint}", code)
        raise AssertionError("unreachable") from None


def emit(settings: Settings, value: Any, columns: list[str] | None = None) -> None:
    """Print a model, a list of models, or a dict: JSON with --json, else a table."""
    data = _plain(value)
    if settings.json:
        click.echo(json.dumps(data, default=str))
        return
    rows = data if isinstance(data, list) else [data]
    if not rows:
        out.print("(none)")
        return
    if columns is None:  # one record: key / value
        if isinstance(data, dict):
            table = Table(show_header=False, box=None)
            for key, item in data.items():
                table.add_row(str(key), _cell(item))
            out.print(table)
            return
        columns = list(rows[0])
    table = Table(*columns)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    out.print(table)


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return "-" if value is None else str(value)


pass_settings = click.make_pass_decorator(Settings)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--url", envvar="EVENT_STREAMER_URL", default="http://localhost:8000", show_default=True
)
@click.option("--subscriber", envvar="EVENT_STREAMER_SUBSCRIBER", default="cli", show_default=True)
@click.option("--api-key", envvar="EVENT_STREAMER_API_KEY", default=None)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.option("--debug", is_flag=True, help="show tracebacks")
@click.pass_context
def cli(
    ctx: click.Context, url: str, subscriber: str, api_key: str | None, as_json: bool, debug: bool
) -> None:
    """Event Streamer: subscriptions, live event tails, chains, circuit breakers, ABIs."""
    ctx.obj = Settings(url, subscriber, api_key, as_json, debug)


# -- subscriptions ----------------------------------------------------------------------------
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


def _sub_row(sub: Any) -> dict[str, Any]:
    data: dict[str, Any] = sub.to_dict()
    data["event"] = event_signature(data["event_signature"])
    return data


@cli.group()
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
        emit(s, result)
    else:
        emit(s, [_sub_row(x) for x in result.subscriptions], SUB_COLUMNS)
        out.print(f"page {result.page}, {len(result.subscriptions)} of {result.total}")


@subscriptions.command("get")
@click.argument("subscription_id", type=int)
@pass_settings
def subscriptions_get(s: Settings, subscription_id: int) -> None:
    """One subscription."""
    emit(s, run(s, lambda c: c.get_subscription(subscription_id)))


@subscriptions.command("delete")
@click.argument("subscription_id", type=int)
@pass_settings
def subscriptions_delete(s: Settings, subscription_id: int) -> None:
    """Delete a subscription (its streams are closed)."""
    run(s, lambda c: c.delete_subscription(subscription_id))
    emit(s, {"deleted": subscription_id})


def _read_abi(path: str) -> Any:
    try:
        return load_abi(Path(path).read_text())
    except OSError as exc:
        _fail(f"cannot read ABI file {path}: {exc.strerror}", EXIT_USAGE)


@subscriptions.command("create")
@click.option(
    "--abi",
    "abi_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="JSON ABI or compiler artifact",
)
@click.option("--event", required=True, help="event name, or full signature for overloads")
@click.option("--chain", "chain_id", required=True, type=int)
@click.option("--address", "addresses", multiple=True, help="contract address (repeatable)")
@click.option("--from-block", "start_block", required=True, type=int)
@click.option("--to-block", "end_block", type=int, default=None)
@pass_settings
def subscriptions_create(
    s: Settings,
    abi_file: str,
    event: str,
    chain_id: int,
    addresses: tuple[str, ...],
    start_block: int,
    end_block: int | None,
) -> None:
    """Subscribe to an event of an ABI (topic0 is computed)."""
    abi = _read_abi(abi_file)

    async def create(c: EventStreamer) -> Any:
        request = subscription_from_abi(
            abi,
            event,
            chain_id=chain_id,
            addresses=addresses,
            start_block=start_block,
            end_block=end_block,
        )
        return await c.create_subscription(request)

    emit(s, run(s, create))


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
        _fail("nothing to change: give --from-block, --to-block, --no-end or --address", EXIT_USAGE)
    emit(s, run(s, lambda c: c.update_subscription(subscription_id, SubscriptionUpdate(**fields))))


@cli.command()
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
        }

    emit(s, run(s, gather))


# -- tail ---------------------------------------------------------------------------------------
@cli.command()
@click.argument("subscription_id", type=int)
@click.option("--resume-token", default=None, help="continue after this token")
@click.option("--no-ack", is_flag=True, help="do not acknowledge (events will be redelivered)")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="stop after N events")
@pass_settings
def tail(
    s: Settings, subscription_id: int, resume_token: str | None, no_ack: bool, limit: int | None
) -> None:
    """Stream decoded events: JSON lines when piped (or --json), readable lines on a terminal.

    On exit (--limit reached or Ctrl-C) acknowledgements are flushed and the resume token is
    printed on stderr. A batch cut short by --limit stays unacknowledged, so the next run
    (from the printed token) starts with it.
    """
    lines = s.json or not sys.stdout.isatty()
    printed = 0
    token = resume_token

    async def stream(c: EventStreamer) -> None:
        nonlocal printed, token
        stop = asyncio.Event()
        with contextlib.suppress(NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)
        sc = c.create_streaming_client(
            subscription_id, resume_token=resume_token, auto_acknowledge=False
        )
        finished: list[str] = []  # fully printed batches, acknowledged every second

        @sc.on_all_events
        def show(events_by_name: dict[str, list[dict[str, Any]]]) -> None:
            nonlocal printed, token
            if stop.is_set():
                return
            batch = sc.current_batch
            assert batch is not None
            for name, events in events_by_name.items():
                for event in events:
                    if limit is not None and printed >= limit:
                        stop.set()  # cut inside this batch: it stays unacknowledged
                        return
                    _print_event(name, event, lines)
                    printed += 1
            finished.append(batch.batch_id)
            token = batch.resume_token
            if limit is not None and printed >= limit:
                stop.set()

        async def acknowledge() -> None:
            if finished and not no_ack:
                ids = finished[:]
                await sc.acknowledge_batch_bulk(ids)
                del finished[: len(ids)]

        async def ack_every_second() -> None:
            while True:
                await asyncio.sleep(1.0)
                await acknowledge()

        async with sc:
            await sc.start_streaming()
            acker = asyncio.create_task(ack_every_second())
            stopped = asyncio.create_task(stop.wait())
            failed = asyncio.create_task(sc.wait())
            await asyncio.wait({stopped, failed}, return_when=asyncio.FIRST_COMPLETED)
            acker.cancel()
            stopped.cancel()
            if failed.done():
                failed.result()  # a fatal stream error: raise it
            failed.cancel()
            await acknowledge()  # while still connected

    run(s, stream)
    err.print(f"resume token: {token or '-'}  ({printed} events)", highlight=False)


def _print_event(name: str, event: dict[str, Any], lines: bool) -> None:
    if lines:
        click.echo(json.dumps({"event": name, **event}, default=str))
        return
    args = {k: v for k, v in event.items() if k not in _META}
    out.print(
        f"[bold]{name}[/bold] block {event.get('block_number')} log {event.get('log_index')} "
        + " ".join(f"{k}={v}" for k, v in args.items()),
        highlight=False,
    )


_META = {
    "block_number",
    "transaction_hash",
    "transaction_index",
    "log_index",
    "address",
    "block_hash",
    "removed",
    "timestamp",
}


# -- chains -----------------------------------------------------------------------------------
CHAIN_COLUMNS = [
    "chain_id",
    "name",
    "status",
    "rpc_urls",
    "average_block_time",
    "max_blocks_per_request",
    "confirmation_blocks",
]


@cli.group()
def chains() -> None:
    """Chain configuration."""


@chains.command("list")
@pass_settings
def chains_list(s: Settings) -> None:
    """Every configured chain."""
    result = run(s, lambda c: c.get_all_chains())
    emit(s, result if s.json else result.chains, None if s.json else CHAIN_COLUMNS)


@chains.command("get")
@click.argument("chain_id", type=int)
@pass_settings
def chains_get(s: Settings, chain_id: int) -> None:
    """One chain."""
    emit(s, run(s, lambda c: c.get_chain(chain_id)))


@chains.command("stats")
@pass_settings
def chains_stats(s: Settings) -> None:
    """Counts over chains and RPC endpoints."""
    emit(s, run(s, lambda c: c.get_chain_stats()))


@chains.command("refresh")
@pass_settings
def chains_refresh(s: Settings) -> None:
    """Reload chain configuration from the service's storage."""
    emit(s, run(s, lambda c: c.refresh_chains()))


@chains.command("delete")
@click.argument("chain_id", type=int)
@pass_settings
def chains_delete(s: Settings, chain_id: int) -> None:
    """Deactivate a chain."""
    emit(s, run(s, lambda c: c.delete_chain(chain_id)).chain)


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
        _fail("chains create needs --name and at least one --rpc-url", EXIT_USAGE)
    emit(s, run(s, lambda c: c.create_chain(ChainConfigRequest(chain_id=chain_id, **fields))).chain)


@chains.command("update")
@click.argument("chain_id", type=int)
@_chain_options
@pass_settings
def chains_update(s: Settings, /, chain_id: int, **options: Any) -> None:
    """Change a chain."""
    fields = _given(**options)
    if not fields:
        _fail("nothing to change", EXIT_USAGE)
    emit(s, run(s, lambda c: c.update_chain(chain_id, ChainConfigUpdate(**fields))).chain)


# -- breakers ---------------------------------------------------------------------------------
@cli.group()
def breakers() -> None:
    """Circuit breakers of the RPC endpoints."""


@breakers.command("status")
@pass_settings
def breakers_status(s: Settings) -> None:
    """State of every breaker."""
    result = run(s, lambda c: c.get_circuit_breaker_status())
    if s.json:
        emit(s, result)
        return
    rows = [
        {"name": n, **b.to_dict()} for n, b in result.circuit_breakers.additional_properties.items()
    ]
    emit(
        s,
        rows,
        ["name", "state", "rpc_url", "failure_count", "success_count", "consecutive_failures"],
    )


@breakers.command("health")
@pass_settings
def breakers_health(s: Settings) -> None:
    """Health summary."""
    emit(s, run(s, lambda c: c.get_circuit_breaker_health()))


@breakers.command("metrics")
@click.argument("name")
@pass_settings
def breakers_metrics(s: Settings, name: str) -> None:
    """One breaker's metrics."""
    emit(s, run(s, lambda c: c.get_circuit_breaker_metrics(name)))


@breakers.command("reset")
@click.argument("name", required=False)
@pass_settings
def breakers_reset(s: Settings, name: str | None) -> None:
    """Reset one breaker, or all of them."""
    emit(
        s,
        run(s, lambda c: c.reset_circuit_breaker(name) if name else c.reset_all_circuit_breakers()),
    )


@breakers.command("config")
@pass_settings
def breakers_config(s: Settings) -> None:
    """Breaker settings in force."""
    emit(s, run(s, lambda c: c.get_circuit_breaker_config()))


# -- abi --------------------------------------------------------------------------------------
@cli.group()
def abi() -> None:
    """Inspect ABIs offline."""


@abi.command("events")
@click.argument("abi_file", type=click.Path(exists=True, dir_okay=False))
@pass_settings
def abi_events(s: Settings, abi_file: str) -> None:
    """Events of an ABI file with their signatures and topic0."""
    events = _offline(s, lambda: extract_abi_events(_read_abi(abi_file)))
    rows = [
        {
            "name": e.name,
            "signature": event_signature(e),
            "topic0": event_topic0(e),
            "anonymous": e.anonymous,
        }
        for e in events.values()
    ]
    emit(s, rows, ["name", "signature", "topic0", "anonymous"])


@abi.command("topic0")
@click.argument("signature", required=False)
@click.option("--abi", "abi_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--event", default=None)
@pass_settings
def abi_topic0(s: Settings, signature: str | None, abi_file: str | None, event: str | None) -> None:
    """topic0 of 'Transfer(address,address,uint256)', or of --abi FILE --event NAME."""
    if signature is None and not (abi_file and event):
        _fail("give a signature, or --abi FILE --event NAME", EXIT_USAGE)

    def compute() -> dict[str, str]:
        from ._abi import extract_abi_event, parse_signature

        target: Any = (
            extract_abi_event(_read_abi(abi_file), event)  # type: ignore[arg-type]
            if signature is None
            else parse_signature(signature)
        )
        return {"signature": event_signature(target), "topic0": event_topic0(target)}

    result = _offline(s, compute)
    if s.json:
        emit(s, result)
    else:
        click.echo(result["topic0"])


def _offline(s: Settings, work: Callable[[], T]) -> T:
    try:
        return work()
    except EventStreamerValidationError as exc:
        if s.debug:
            raise
        _fail(str(exc), EXIT_USAGE)
        raise AssertionError("unreachable") from None


# -- server -----------------------------------------------------------------------------------
@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def server(ctx: click.Context) -> None:
    """Run the reference service (same options as event-streamer-server)."""
    try:
        from event_streamer_server.__main__ import main as serve
    except ImportError:
        _fail("the service needs the server extra: pip install 'event-streamer-sdk[server]'", 1)
    raise SystemExit(serve(list(ctx.args)))


@cli.command()
@click.option("--service-port", type=int, default=8000, show_default=True)
@click.option("--rpc-port", type=int, default=8545, show_default=True)
@click.option("--db", default=None, help="SQLite file (default: a temporary one)")
@click.option("--heartbeat-interval", type=float, default=5.0, show_default=True)
def devstack(service_port: int, rpc_port: int, db: str | None, heartbeat_interval: float) -> None:
    """Run anvil and the service for local development until Ctrl-C (the README assumes it)."""
    try:
        from event_streamer_server.testing import start_local_stack
    except ImportError:
        _fail("devstack needs the server extra: pip install 'event-streamer-sdk[server]'", 1)
    stack = start_local_stack(
        service_port=service_port, rpc_port=rpc_port, db=db, heartbeat_interval=heartbeat_interval
    )
    stop = asyncio.Event()

    async def wait() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()

    print(f"service: {stack.service_url}\nchain:   {stack.rpc_url} (chain id {stack.chain_id})")
    print("Ctrl-C to stop.", flush=True)
    try:
        asyncio.run(wait())
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point (usage errors exit 1, not click's 2: 2 means not found)."""
    try:
        cli.main(args=argv, prog_name="event-streamer", standalone_mode=False)
    except click.exceptions.Abort:
        return EXIT_OK
    except click.UsageError as exc:
        err.print(f"error: {exc.format_message()}", markup=False, highlight=False)
        return EXIT_USAGE
    except click.ClickException as exc:
        err.print(f"error: {exc.format_message()}", markup=False, highlight=False)
        return EXIT_USAGE
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    return EXIT_OK
