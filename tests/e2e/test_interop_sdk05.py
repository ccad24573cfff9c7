"""The published event-streamer-sdk 0.5.0 client works against this service (wire compatibility).

It runs from a throwaway venv (never a project dependency): create a subscription with its own
models, stream with auto-acknowledge, send a heartbeat; then our side checks the acks landed.
It also streams across a reorg notice, a message type it does not know.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import pytest

from event_streamer import EventStreamer
from event_streamer_server.devchain import DevChain
from event_streamer_server.testing import LocalStack, start_local_stack
from tests._spec import ROOT
from tests._stack import until

pytestmark = pytest.mark.network


# Makes (or finds cached) the throwaway venv and prints its interpreter.
SDK05_VENV = str(ROOT / "scripts" / "sdk05_venv.py")


SCRIPT = r"""
import asyncio, json, sys
from event_streamer_sdk import EventStreamer
from event_streamer_sdk.models.subscriptions import SubscriptionCreate
from event_streamer_sdk.models.abi import ABIEvent, ABIInput

url, address, start = sys.argv[1], sys.argv[2], int(sys.argv[3])

async def main():
    async with EventStreamer(service_url=url, subscriber_id="legacy") as client:
        sub = await client.create_subscription(SubscriptionCreate(
            topic0="0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
            event_signature=ABIEvent(type="event", name="Transfer", inputs=[
                ABIInput(name="from", type="address", indexed=True),
                ABIInput(name="to", type="address", indexed=True),
                ABIInput(name="value", type="uint256", indexed=False)]),
            addresses=[address], start_block=start, chain_id=31337, subscriber_id="legacy"))
        sc = client.create_streaming_client(subscription_id=sub.id, auto_acknowledge=True)
        seen = []
        done = asyncio.Event()

        @sc.on_event("Transfer")
        async def handle(events):
            seen.extend(int(e["value"]) for e in events)
            if len(seen) >= 150:
                done.set()

        await sc.start_streaming()
        await asyncio.wait_for(done.wait(), 60)
        beat = await sc.send_heartbeat()
        for _ in range(300):  # its ack loop sends every 3 s: wait until the service counted them
            if (await client.get_subscription(sub.id)).events_delivered >= 150:
                break
            await asyncio.sleep(0.05)
        await sc.disconnect()
        return {"id": sub.id, "seen": sorted(seen), "heartbeat": bool(beat)}

result = asyncio.run(main())
sys.stdout = sys.__stdout__
print("RESULT " + json.dumps(result))
"""


async def test_published_client_streams_and_acks_against_this_service(
    event_streamer_stack: LocalStack,
) -> None:
    async with DevChain(event_streamer_stack.rpc_url) as chain:
        emitter = await chain.deploy_emitter()
        start = await chain.block_number()
        await emitter.emit_many(0, 150)
    python05 = await asyncio.to_thread(
        subprocess.check_output, [sys.executable, SDK05_VENV], text=True, timeout=600
    )
    proc = await asyncio.to_thread(
        subprocess.run,
        [
            python05.strip(),
            "-c",
            SCRIPT,
            event_streamer_stack.service_url,
            emitter.address,
            str(start),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert lines, proc.stdout[-3000:]
    result = json.loads(lines[-1][len("RESULT ") :])
    assert result["seen"] == list(range(150))
    assert result["heartbeat"] is True
    async with EventStreamer(event_streamer_stack.service_url, "legacy") as client:
        sub = await client.get_subscription(result["id"])
    assert sub.events_delivered == 150  # its auto-acknowledgements landed


# The 0.5.0 client on a subscription whose chain reorganised while nobody was streaming: it
# skips the `reorg` line (an unknown type to it), streams the replacement events and
# acknowledges them, which acknowledges the notice too.
SCRIPT_AFTER_REORG = r"""
import asyncio, json, sys
from event_streamer_sdk import EventStreamer

url, sub_id, expected = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

async def main():
    async with EventStreamer(service_url=url, subscriber_id="legacy-reorg") as client:
        sc = client.create_streaming_client(subscription_id=sub_id, auto_acknowledge=True)
        seen = []
        done = asyncio.Event()

        @sc.on_event("Transfer")
        async def handle(events):
            seen.extend(int(e["value"]) for e in events)
            if len(seen) >= expected:
                done.set()

        await sc.start_streaming()
        await asyncio.wait_for(done.wait(), 60)
        for _ in range(300):  # its ack loop sends every 3 s: wait until the service counted them
            if (await client.get_subscription(sub_id)).events_delivered >= 10 + expected:
                break
            await asyncio.sleep(0.05)
        await sc.disconnect()
        return {"seen": sorted(seen)}

result = asyncio.run(main())
sys.stdout = sys.__stdout__
print("RESULT " + json.dumps(result))
"""


async def test_published_client_ignores_reorg_notices() -> None:
    stack = start_local_stack(heartbeat_interval=0.5)
    try:
        async with (
            DevChain(stack.rpc_url) as chain,
            EventStreamer(stack.service_url, "legacy-reorg") as client,
        ):
            emitter = await chain.deploy_emitter()
            await chain.mine(5)  # keep the deployment out of the reorged blocks
            sub = await emitter.subscribe(client, chain_id=stack.chain_id)
            await emitter.emit_many(0, 10)
            sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
            seen: list[int] = []
            sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
            await sc.start_streaming()
            await until(lambda: len(seen) == 10, what="events before the reorg")
            await sc.disconnect()  # acknowledged: these batches are the void ones
            await chain.rpc("anvil_reorg", 2, [])
            await emitter.emit_many(100, 10)
        python05 = await asyncio.to_thread(
            subprocess.check_output, [sys.executable, SDK05_VENV], text=True, timeout=600
        )
        proc = await asyncio.to_thread(
            subprocess.run,
            [python05.strip(), "-c", SCRIPT_AFTER_REORG, stack.service_url, str(sub.id), "10"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert lines, proc.stdout[-3000:]
        assert "Unknown message type: reorg" in proc.stdout  # seen, and skipped
        assert json.loads(lines[-1][len("RESULT ") :])["seen"] == list(range(100, 110))
        # Nothing is left to deliver: the notice was acknowledged with the batch after it.
        async with EventStreamer(stack.service_url, "legacy-reorg") as client:
            row = await client.get_subscription(sub.id)
            assert row.events_delivered == 20
            sc = client.create_streaming_client(sub.id)
            got: list[Any] = []
            beats: list[Any] = []
            sc.on_reorg(got.append)
            sc.on_all_events(got.append)
            sc.on_heartbeat(beats.append)
            await sc.start_streaming()
            # Whatever is pending goes out with the first heartbeat: two heartbeats, nothing else.
            await until(lambda: len(beats) >= 2, what="two heartbeats")
            await sc.disconnect()
        assert got == []
    finally:
        stack.stop()
