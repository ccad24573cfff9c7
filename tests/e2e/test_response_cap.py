"""An ``eth_getLogs`` answer past the service's own response cap (``rpc_max_response_bytes``)
is a range to split, not a failing endpoint: every event arrives once and in order, and the
endpoint's circuit breaker records no failure. (Before, the same range was retried for ever.)"""

from __future__ import annotations

from event_streamer import EventStreamer
from event_streamer_server.devchain import DevChain
from event_streamer_server.testing import start_local_stack
from tests._stack import emit_history, stream_values

BLOCKS = 6
PER_BLOCK = 100  # about 63 KB of eth_getLogs answer per block
CAP = 150_000  # bytes: two blocks fit, three do not


async def test_an_answer_past_the_cap_is_split_until_it_fits() -> None:
    stack = start_local_stack(
        heartbeat_interval=0.5, service_env={"EVENT_STREAMER_RPC_MAX_RESPONSE_BYTES": str(CAP)}
    )
    try:
        async with (
            DevChain(stack.rpc_url) as chain,
            EventStreamer(stack.service_url, "cap") as client,
        ):
            emitter, start, head = await emit_history(chain, BLOCKS, PER_BLOCK)
            sub = await emitter.subscribe(
                client, chain_id=stack.chain_id, start_block=start, end_block=head
            )
            seen = await stream_values(client, sub.id, BLOCKS * PER_BLOCK)
            assert seen == list(range(BLOCKS * PER_BLOCK))
            status = await client.get_circuit_breaker_status()
            breakers = status.to_dict()["circuit_breakers"]
            mine = [b for b in breakers.values() if b.get("chain_id") == stack.chain_id]
            assert mine, breakers
            assert all(b["failure_count"] == 0 and b["state"] == "closed" for b in mine), mine
    finally:
        stack.stop()
