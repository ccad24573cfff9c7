"""`server` and `devstack`: thin aliases of the service's own `event-streamer-server`.

The service is imported lazily, by name, only when one of these runs: the SDK has no import of
``event_streamer_server``, and without the ``server`` extra the alias fails with one line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any, cast

import click

from ._runner import EXIT_OK, EXIT_USAGE, exit_with_error

SERVICE_CLI = "event_streamer_server.cli"  # its main(argv, prog=...) returns an exit code
INSTALL = "pip install 'event-streamer-sdk[server]'"
# Everything after the command goes to the service's own parser, --help included.
PASS_THROUGH: dict[str, Any] = {
    "ignore_unknown_options": True,
    "allow_extra_args": True,
    "help_option_names": [],
}


def run_service_cli(args: Sequence[str], command: str) -> None:
    """Run ``event-streamer-server ARGS`` for ``event-streamer COMMAND``; its exit codes are
    mapped to this CLI's scheme."""
    try:
        module = importlib.import_module(SERVICE_CLI)
    except ModuleNotFoundError as err:
        exit_with_error(
            f"event-streamer {command} needs the server extra ({err.name} is not installed): "
            + INSTALL
        )
    service_main = cast(Callable[..., int], module.main)
    try:
        # Its messages name the command as typed: `event-streamer server`, `... devstack`.
        prog = "event-streamer" if args[:1] == ["devstack"] else f"event-streamer {command}"
        code = service_main(list(args), prog=prog)
    except SystemExit as exc:  # argparse: --help (0) or bad options (2)
        code = exc.code if isinstance(exc.code, int) else EXIT_USAGE
    # The service's 1 (extra missing) and 2 (bad options) are both usage errors here, where
    # 2 means "not found".
    raise SystemExit(EXIT_OK if code == 0 else EXIT_USAGE)


@click.command(context_settings=PASS_THROUGH)
@click.pass_context
def server(ctx: click.Context) -> None:
    """Run the reference service (alias of event-streamer-server; same options)."""
    run_service_cli(ctx.args, "server")


@click.command(context_settings=PASS_THROUGH)
@click.pass_context
def devstack(ctx: click.Context) -> None:
    """Anvil and the service until Ctrl-C (alias of event-streamer-server devstack)."""
    run_service_cli(["devstack", *ctx.args], "devstack")
