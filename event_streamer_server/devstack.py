"""`event-streamer-server devstack`: anvil and the service for local development.

Starts anvil on 127.0.0.1:8545 and the service on 127.0.0.1:8000 (flags change the ports),
registers the anvil chain (id 31337) and runs until SIGINT or SIGTERM; both are stopped by PID
on exit. Also `python -m event_streamer_server.devstack` and the alias `event-streamer devstack`.
Only the standard library is imported at import time (``cli`` checks the extra first).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence

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
    parser.add_argument("--heartbeat-interval", type=float, default=5.0, help="default 5.0")
    return parser.parse_args(argv)


def run_devstack(args: argparse.Namespace) -> int:
    """Start the stack, print where it listens, wait for SIGINT/SIGTERM, stop it; exit code 0."""
    from .testing import start_local_stack

    stack = start_local_stack(
        service_port=args.service_port,
        rpc_port=args.rpc_port,
        db=args.db,
        heartbeat_interval=args.heartbeat_interval,
    )
    try:
        sys.stdout.write(
            f"service: {stack.service_url}\n"
            f"chain:   {stack.rpc_url} (chain id {stack.chain_id})\n"
            "Ctrl-C to stop.\n"
        )
        sys.stdout.flush()
        asyncio.run(_until_signalled())
    finally:
        stack.stop()
    return 0


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


if __name__ == "__main__":
    from .cli import main

    sys.exit(main(["devstack", *sys.argv[1:]], prog="python -m event_streamer_server"))
