"""`python -m event_streamer_server.devstack`: anvil + the service for local development.

Starts anvil on 127.0.0.1:8545 and the service on 127.0.0.1:8000 (flags change the ports),
registers the anvil chain (id 31337), prints the URLs, and runs until Ctrl-C; both processes
are stopped by PID on exit. The README's examples assume exactly this.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .testing import start_local_stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m event_streamer_server.devstack")
    parser.add_argument("--service-port", type=int, default=8000)
    parser.add_argument("--rpc-port", type=int, default=8545)
    parser.add_argument("--db", help="SQLite file (default: a temporary one)")
    parser.add_argument("--heartbeat-interval", type=float, default=5.0)
    args = parser.parse_args(argv)
    stack = start_local_stack(
        service_port=args.service_port,
        rpc_port=args.rpc_port,
        db=args.db,
        heartbeat_interval=args.heartbeat_interval,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"service: {stack.service_url}\nchain:   {stack.rpc_url} (chain id {stack.chain_id})")
    print("Ctrl-C to stop.", flush=True)
    try:
        stop.wait()
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
