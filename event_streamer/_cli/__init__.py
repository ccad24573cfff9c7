"""`event-streamer`: the SDK on the command line.

Exit codes: 0 ok, 1 usage or validation, 2 not found, 3 auth, 4 connection. Errors are one line
on stderr (what failed, why, what to do); ``--debug`` shows the traceback. ``--json`` prints
machine-readable output everywhere; ``tail`` prints one JSON event per line when piped.

Layout: ``_runner`` (settings, exit codes, the one error mapping), ``_output`` (rendering), and
one module per command group.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import click

from ._abi import abi
from ._breakers import breakers
from ._chains import chains
from ._runner import Settings, run_cli, split_urls
from ._service import devstack, server
from ._subscriptions import status, subscriptions
from ._tail import tail

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--url",
    "urls",
    envvar="EVENT_STREAMER_URL",
    multiple=True,
    default=["http://localhost:8000"],
    show_default=True,
    help="service URL; repeat it or separate with commas to fail over between instances",
)
@click.option("--subscriber", envvar="EVENT_STREAMER_SUBSCRIBER", default="cli", show_default=True)
@click.option("--api-key", envvar="EVENT_STREAMER_API_KEY", default=None)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.option("--debug", is_flag=True, help="show tracebacks")
@click.pass_context
def cli(
    ctx: click.Context,
    urls: tuple[str, ...],
    subscriber: str,
    api_key: str | None,
    as_json: bool,
    debug: bool,
) -> None:
    """Event Streamer: subscriptions, live event tails, chains, circuit breakers, ABIs."""
    ctx.obj = Settings(split_urls(urls), subscriber, api_key, as_json, debug)
    # The commands print their own one-line reports; the SDK's log records show only with
    # --debug (otherwise Python's last-resort handler would print each warning a second time).
    sdk_log = logging.getLogger("event_streamer")
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    elif not sdk_log.handlers:
        sdk_log.addHandler(logging.NullHandler())


for command in (subscriptions, status, tail, chains, breakers, abi, server, devstack):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point: the exit code (see the module docstring)."""
    return run_cli(cli, argv, "event-streamer")
