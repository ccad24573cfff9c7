"""Reorg notices end to end with anvil_reorg: the consumer gets ``reorg`` before the replacement
batches, and an app following the README's undo recipe ends with exactly the canonical events,
whether it was streaming during the reorg or came back after it."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from typing import Any

from event_streamer import EventStreamer, Reorg
from event_streamer_server.devchain import DevChain, Emitter
from event_streamer_server.testing import LocalStack
from tests._stack import stream_values, until
from tests.e2e.test_cli import cli


class Store:
    """The README's undo recipe: rows indexed by block; a reorg deletes above the fork."""

    def __init__(self) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE TABLE transfers (block INTEGER, log_index INTEGER, value TEXT)")
        self.db.execute("CREATE INDEX by_block ON transfers (block)")

    def add(self, events: list[dict[str, Any]]) -> None:
        self.db.executemany(
            "INSERT INTO transfers VALUES (?, ?, ?)",
            [(e["block_number"], e["log_index"], e["value"]) for e in events],
        )

    def undo(self, reorg: Reorg) -> None:
        self.db.execute("DELETE FROM transfers WHERE block > ?", (reorg.fork_block,))

    def rows(self) -> list[tuple[int, int, int]]:
        rows = self.db.execute("SELECT block, log_index, value FROM transfers").fetchall()
        return sorted((b, i, int(v)) for b, i, v in rows)


async def canonical(chain: DevChain, emitter: Emitter, start: int) -> list[tuple[int, int, int]]:
    """The Transfers the node has now, as (block, log index, value)."""
    logs = await chain.rpc(
        "eth_getLogs", {"address": emitter.address, "fromBlock": hex(start), "toBlock": "latest"}
    )
    return sorted(
        (int(log["blockNumber"], 16), int(log["logIndex"], 16), int(log["data"][2:66], 16))
        for log in logs
    )


async def test_a_live_consumer_undoes_void_events_and_ends_canonical(
    own_stack: LocalStack,
) -> None:
    async with (
        DevChain(own_stack.rpc_url) as chain,
        EventStreamer(own_stack.service_url, "reorg-live") as client,
    ):
        emitter = await chain.deploy_emitter()
        await chain.mine(5)  # keep the deployment out of the reorged blocks
        start = await chain.block_number()
        sub = await emitter.subscribe(client, chain_id=own_stack.chain_id, start_block=start)
        sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
        store = Store()
        order: list[Any] = []

        @sc.on_event("Transfer")
        def on_transfers(events: list[dict[str, Any]]) -> None:
            store.add(events)
            order.extend(int(e["value"]) for e in events)

        @sc.on_reorg
        def on_reorg(reorg: Reorg) -> None:
            store.undo(reorg)
            order.append(reorg)

        await sc.start_streaming()
        await emitter.emit_many(0, 10)
        await until(lambda: len(store.rows()) == 10, what="events before the reorg")
        await chain.rpc("anvil_reorg", 2, [])  # deeper than confirmation_blocks (0)
        await emitter.emit_many(100, 10)
        want = await canonical(chain, emitter, start)
        await until(lambda: store.rows() == want, what="the canonical events only")
        await sc.disconnect()
    notices = [o for o in order if isinstance(o, Reorg)]
    assert notices, "no reorg notice"
    assert notices[0].void_batch_ids
    assert notices[0].void_batch_count >= 1
    assert notices[0].fork_block < want[0][0]
    after = order[order.index(notices[0]) + 1 :]
    assert sorted(v for v in after if isinstance(v, int)) == list(range(100, 110))


async def test_a_consumer_away_during_the_reorg_gets_the_notice_on_resume(
    own_stack: LocalStack,
) -> None:
    async with (
        DevChain(own_stack.rpc_url) as chain,
        EventStreamer(own_stack.service_url, "reorg-away") as client,
    ):
        emitter = await chain.deploy_emitter()
        await chain.mine(5)
        start = await chain.block_number()
        sub = await emitter.subscribe(client, chain_id=own_stack.chain_id, start_block=start)
        store = Store()
        await emitter.emit_many(0, 10)
        sc = client.create_streaming_client(sub.id, batch_ack_interval=0.1)
        sc.on_event("Transfer")(store.add)
        await sc.start_streaming()
        await until(lambda: len(store.rows()) == 10, what="events before the reorg")
        await sc.disconnect()  # handled batches acknowledged, the token after them kept
        token = sc.get_current_resume_token()
        assert token is not None
        # Away: the chain reorganises under the stored events.
        await chain.rpc("anvil_reorg", 2, [])
        await emitter.emit_many(200, 5)
        want = await canonical(chain, emitter, start)
        kinds: list[str] = []
        back = client.create_streaming_client(sub.id, resume_token=token, batch_ack_interval=0.1)
        async with asyncio.timeout(60):  # bounded: a wrong store never ends the loop otherwise
            async for item in back:
                if isinstance(item, Reorg):
                    store.undo(item)
                    kinds.append("reorg")
                else:
                    store.add(item.events.get("Transfer", []))
                    kinds.append("batch")
                if store.rows() == want:
                    break
    assert kinds[0] == "reorg"
    assert store.rows() == want


async def test_tail_prints_the_notice_before_the_replacements(own_stack: LocalStack) -> None:
    async with (
        DevChain(own_stack.rpc_url) as chain,
        EventStreamer(own_stack.service_url, "cli-test") as client,
    ):
        emitter = await chain.deploy_emitter()
        await chain.mine(5)
        start = await chain.block_number()
        sub = await emitter.subscribe(client, chain_id=own_stack.chain_id, start_block=start)
        await emitter.emit_many(0, 10)
        assert len(await stream_values(client, sub.id, 10)) == 10  # before the reorg
        await chain.rpc("anvil_reorg", 2, [])
        await emitter.emit_many(100, 10)
    proc = await asyncio.to_thread(cli, own_stack.service_url, "tail", str(sub.id), "--limit", "10")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert lines[0]["type"] == "reorg"
    assert lines[0]["fork_block"] < min(e["block_number"] for e in lines[1:])
    assert [int(e["value"]) for e in lines[1:]] == list(range(100, 110))
    assert "reorg: events above block" in proc.stderr
