"""Ingestion with the decode worker process on (``decode_workers`` 1): every event once, in
block order, over several concurrent spans; undecodable logs reported; no worker process left
after the service stops."""

from __future__ import annotations

from pathlib import Path

from event_streamer import EventStreamer, StreamingError, subscription_from_abi
from event_streamer.models import ChainConfigUpdate
from event_streamer_server.devchain import DevChain, Emitter
from event_streamer_server.testing import start_local_stack
from tests._stack import emit_history, stream_values, until
from tests.faults.test_decode_worker import wait_gone

BLOCKS = 8
PER_BLOCK = 40
WRONG = [  # Transfer's topic0, but no indexed inputs: the real logs do not decode
    {
        "type": "event",
        "name": "Transfer",
        "anonymous": False,
        "inputs": [
            {"name": "from", "type": "address", "indexed": False},
            {"name": "to", "type": "address", "indexed": False},
            {"name": "value", "type": "uint256", "indexed": False},
        ],
    }
]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


async def test_events_flow_through_the_worker_process_and_it_ends_with_the_service() -> None:
    stack = start_local_stack(
        heartbeat_interval=0.5, service_env={"EVENT_STREAMER_DECODE_WORKERS": "1"}
    )
    try:
        assert stack.service is not None
        workers = children(stack.service.pid)
        assert workers, "the service starts its decode worker"
        async with (
            DevChain(stack.rpc_url) as chain,
            EventStreamer(stack.service_url, "workers") as client,
        ):
            # Spans of 2 blocks: several in flight, committed in block order, some together.
            await client.update_chain(stack.chain_id, ChainConfigUpdate(max_blocks_per_request=2))
            emitter, start, head = await emit_history(chain, BLOCKS, PER_BLOCK)
            sub = await client.create_subscription(
                subscription_from_abi(
                    Emitter.abi(),
                    "Transfer",
                    chain_id=stack.chain_id,
                    addresses=[emitter.address],
                    start_block=start,
                    end_block=head,
                )
            )
            n = BLOCKS * PER_BLOCK
            assert await stream_values(client, sub.id, n) == list(range(n))

            bad = await emitter.subscribe(
                client, abi=WRONG, chain_id=stack.chain_id, start_block=start, end_block=head
            )
            errors: list[StreamingError] = []
            bc = client.create_streaming_client(bad.id)
            bc.on_error(errors.append)
            await bc.start_streaming()
            await until(
                lambda: any(e.error_code == "DECODE_ERROR" for e in errors), within=30, what="error"
            )
            await bc.disconnect()
    finally:
        stack.stop()
    assert wait_gone(workers) == []
