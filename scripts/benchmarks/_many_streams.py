"""Many SDK streams in one process: python _many_streams.py URL EVENTS SID [SID ...].

Each subscription is read by its own StreamingClient (auto-ack) until EVENTS events arrived;
prints the total events/s once every stream is done.
"""

from __future__ import annotations

import asyncio
import sys
import time


async def main(url: str, n: int, sids: list[int]) -> float:
    from event_streamer import EventStreamer

    async with EventStreamer(url, "bench") as client:
        done = {sid: asyncio.Event() for sid in sids}
        clients = []
        for sid in sids:
            sc = client.create_streaming_client(sid, batch_ack_interval=1.0)
            count = 0

            def handler(sid: int = sid) -> object:
                def handle(events: list[dict[str, object]]) -> None:
                    nonlocal count
                    count += len(events)
                    if count >= n:
                        done[sid].set()

                return handle

            sc.on_event("Transfer")(handler())  # type: ignore[arg-type]
            clients.append(sc)
        began = time.perf_counter()
        for sc in clients:
            await sc.start_streaming()
        await asyncio.gather(*(e.wait() for e in done.values()))
        elapsed = time.perf_counter() - began
        for sc in clients:
            await sc.disconnect()
    return n * len(sids) / elapsed


if __name__ == "__main__":
    rate = asyncio.run(main(sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3:]]))
    print(f"{rate:.1f}")
