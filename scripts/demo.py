"""`make demo`: stream live Transfer events from a real local chain, end to end.

Starts anvil and the service on free ports (or uses --service-url/--rpc-url), deploys the
Emitter test contract, subscribes to Transfer with the SDK (topic0 computed from the ABI),
emits transfers in the background, streams them with StreamingClient (auto-ack) showing a live
progress line, and stops after --duration seconds (or Ctrl-C) with a summary. Exit code 0 only
when every emitted event was received exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from event_streamer import EventStreamer
from event_streamer_server.devchain import DevChain, Emitter
from event_streamer_server.testing import LocalStack, register_chain, start_local_stack


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of emitting")
    parser.add_argument("--rate", type=int, default=2000, help="transfers per second to emit")
    parser.add_argument("--service-url", help="use this running service instead of starting one")
    parser.add_argument("--rpc-url", help="the chain that service reads (with --service-url)")
    parser.add_argument("--chain-id", type=int, default=31337)
    return parser.parse_args()


class Progress:
    def __init__(self) -> None:
        self.tty = sys.stdout.isatty()
        self.started = time.monotonic()
        self.last_print = 0.0

    def show(
        self, emitted: int, received: int, batches: int, block: int | None, final: bool = False
    ) -> None:
        now = time.monotonic()
        if not final and now - self.last_print < (0.2 if self.tty else 1.0):
            return
        self.last_print = now
        elapsed = max(now - self.started, 1e-9)
        line = (
            f"emitted {emitted:>8,}  received {received:>8,}  batches {batches:>6,}  "
            f"last block {block if block is not None else '-':>6}  "
            f"{received / elapsed:>9,.0f} events/s"
        )
        if self.tty:
            print("\r" + line, end="\n" if final else "", flush=True)
        else:
            print(line, flush=True)


async def emit(emitter: Emitter, rate: int, duration: float, counter: list[int]) -> None:
    """Emit about ``rate`` Transfers a second for ``duration`` seconds, in transactions of 200."""
    per_tx = 200
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        tick = time.monotonic()
        await emitter.emit_many(counter[0], per_tx)
        counter[0] += per_tx
        await asyncio.sleep(max(0.0, per_tx / rate - (time.monotonic() - tick)))


async def run(args: argparse.Namespace, stack: LocalStack) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    progress = Progress()
    async with DevChain(stack.rpc_url) as chain, EventStreamer(stack.service_url, "demo") as client:
        emitter = await chain.deploy_emitter()
        sub = await emitter.subscribe(client, chain_id=stack.chain_id)
        print(f"service {stack.service_url} | chain {stack.rpc_url} | Emitter {emitter.address}")
        print(f"subscription {sub.id}: Transfer, topic0 {sub.topic0}")
        streaming = client.create_streaming_client(sub.id, batch_ack_interval=0.5)
        seen: Counter[int] = Counter()

        @streaming.on_event("Transfer")
        def count(events: list[dict[str, object]]) -> None:
            for event in events:
                seen[int(str(event["value"]))] += 1

        await streaming.start_streaming()
        emitted = [0]
        emitter_task = asyncio.create_task(emit(emitter, args.rate, args.duration, emitted))
        stopper = asyncio.create_task(stop.wait())
        while not emitter_task.done() and not stop.is_set():
            await asyncio.wait({emitter_task, stopper}, timeout=0.1)
            progress.show(
                emitted[0], seen.total(), streaming.stats.batches, streaming.stats.last_block
            )
        emitter_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await emitter_task
        drain_deadline = time.monotonic() + 60
        while (
            seen.total() < emitted[0] and time.monotonic() < drain_deadline and not stopper.done()
        ):
            await asyncio.wait({stopper}, timeout=0.1)
            progress.show(
                emitted[0], seen.total(), streaming.stats.batches, streaming.stats.last_block
            )
        stopper.cancel()
        progress.show(
            emitted[0],
            seen.total(),
            streaming.stats.batches,
            streaming.stats.last_block,
            final=True,
        )
        await streaming.disconnect()
        delivered = (await client.get_subscription(sub.id)).events_delivered
    missing = emitted[0] - len(seen)
    duplicates = sum(c - 1 for c in seen.values() if c > 1)
    elapsed = time.monotonic() - progress.started
    print(
        f"\nsummary: emitted {emitted[0]:,}, received {seen.total():,} "
        f"({len(seen):,} distinct), missing {missing}, duplicates {duplicates}, "
        f"acknowledged by the service {delivered:,}, reconnects {streaming.stats.reconnects}, "
        f"{elapsed:.1f}s"
    )
    ok = missing == 0 and set(seen) == set(range(emitted[0]))
    print("OK: every emitted event was received" if ok else "MISMATCH")
    return 0 if ok else 1


def main() -> int:
    args = parse_args()
    if args.service_url:
        if not args.rpc_url:
            print("--service-url needs --rpc-url (the chain that service reads)", file=sys.stderr)
            return 2
        register_chain(args.service_url, args.rpc_url, args.chain_id)
        stack = LocalStack(args.service_url.rstrip("/"), args.rpc_url, args.chain_id)
    else:
        print("starting anvil and the service ...", flush=True)
        stack = start_local_stack(chain_id=args.chain_id, heartbeat_interval=2.0)
    try:
        return asyncio.run(run(args, stack))
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
