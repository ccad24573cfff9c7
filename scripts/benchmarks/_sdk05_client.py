"""The published event-streamer-sdk 0.5.0 client, run from its throwaway venv.

python _sdk05_client.py URL N -> events/s (its own prints go to a discarded stdout).
"""

import asyncio
import contextlib
import io
import sys
import time


async def main(url: str, n: int) -> float:
    from event_streamer_sdk import EventStreamer

    async with EventStreamer(service_url=url, subscriber_id="bench") as client:
        sc = client.create_streaming_client(subscription_id=1, auto_acknowledge=True)
        done = asyncio.Event()
        count = -1
        start = 0.0

        @sc.on_event("Transfer")
        async def handle(events):
            nonlocal count, start
            if count < 0:  # steady state: the clock starts at the first batch, as for the others
                count, start = 0, time.perf_counter()
                return
            count += len(events)
            if count >= n:
                done.set()

        await sc.connect()
        await sc.start_streaming()
        await done.wait()
        elapsed = time.perf_counter() - start
        with contextlib.suppress(Exception):
            await sc.disconnect()
    return n / elapsed


if __name__ == "__main__":
    url, n = sys.argv[1], int(sys.argv[2])
    real = sys.stdout
    sys.stdout = io.StringIO()  # 0.5.0 prints on every connection; keep ours clean
    rate = asyncio.run(main(url, n))
    sys.stdout = real
    print(f"{rate:.1f}")
