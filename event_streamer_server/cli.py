"""`event-streamer-server`: run the reference service, or a local dev stack.

    event-streamer-server [--host H] [--port P] [--db FILE|URL] [--config FILE] ...
    event-streamer-server devstack [--service-port P] [--rpc-port P] [--db FILE] [--postgres]
    event-streamer-server keys create (--admin | --subscriber ID) [--db FILE]
    event-streamer-server secrets rotate [--db FILE] [--grace SECONDS]

Exit codes: 0 ok (SIGINT/SIGTERM included), 1 the ``server`` extra is not installed,
2 bad options or settings. This module imports only the standard library at import time: the
service's dependencies are checked first, so a wheel installed without the ``server`` extra
says in one line what to install instead of a ``ModuleNotFoundError`` traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = [
    "EXIT_MISSING_EXTRA",
    "MissingServerExtraError",
    "main",
    "parse_args",
    "require_server_extra",
]

EXIT_MISSING_EXTRA = 1
# Top-level modules of the `server` extra in pyproject.toml (keep the two in step).
SERVER_EXTRA_MODULES = ("starlette", "uvicorn", "yaml", "jsonschema")
INSTALL = "pip install 'event-streamer-sdk[server]'"


class MissingServerExtraError(RuntimeError):
    """A module of the ``server`` extra cannot be imported."""


def require_server_extra() -> None:
    """Import the ``server`` extra's modules, or raise MissingServerExtraError naming the fix."""
    for name in SERVER_EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as err:
            raise MissingServerExtraError(
                f"the service needs the server extra ({name} is not installed): {INSTALL}"
            ) from err


def parse_args(argv: Sequence[str] | None = None, *, prog: str | None = None) -> argparse.Namespace:
    """The service's options (``devstack`` has its own, see ``event_streamer_server.devstack``)."""
    parser = argparse.ArgumentParser(
        prog=prog or "event-streamer-server",
        description="Run the Event Streamer reference service. Every flag can also be set "
        "with an EVENT_STREAMER_<NAME> environment variable (e.g. EVENT_STREAMER_PORT).",
        epilog="`event-streamer-server devstack --help`: anvil and the service for local "
        "development, until Ctrl-C.",
    )
    parser.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8000; 0 picks a free one)")
    parser.add_argument(
        "--db",
        help="SQLite file (default ./event-streamer.db) or postgresql://user:pass@host/db URL",
    )
    parser.add_argument("--config", help="TOML file with settings and [[chains]]")
    parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    parser.add_argument("--api-key", help="require Authorization: Bearer <key> (not on /health)")
    parser.add_argument("--ready-file", help="write {port, pid, url} here once listening")
    parser.add_argument(
        "--insecure-open",
        action="store_true",
        help="allow open mode (no API keys) on a non-loopback host; never in production",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, *, prog: str = "event-streamer-server") -> int:
    """Console-script entry point; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["keys"], ["secrets"]):
        try:
            require_server_extra()
        except MissingServerExtraError as err:
            sys.stderr.write(f"{prog}: {err}\n")
            return EXIT_MISSING_EXTRA
        from ._admin import run_admin

        return run_admin(args, prog=prog)
    devstack = args[:1] == ["devstack"]
    if devstack:
        args = args[1:]
        prog = f"{prog} devstack"
    try:
        if devstack:
            from .devstack import parse_args as parse_devstack_args

            options = parse_devstack_args(args, prog=prog)
        else:
            options = parse_args(args, prog=prog)
        require_server_extra()
    except MissingServerExtraError as err:
        sys.stderr.write(f"{prog}: {err}\n")
        return EXIT_MISSING_EXTRA
    if devstack:
        from .devstack import run_devstack

        return run_devstack(options)
    from ._serve import serve

    return serve(options, prog=prog)
