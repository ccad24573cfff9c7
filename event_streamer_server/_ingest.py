"""Ingestion: walk a subscription's block range with eth_getLogs, decode, persist batches.

One worker per subscription with at least one open stream. Each step reads the chain head,
checks the last processed block still has the hash we stored (a reorg deeper than the
confirmation depth rewinds to the fork point and re-scans), fetches the next range (split when a
node refuses it), decodes every log with the SDK's decoder, and stores the batches together with
the new cursor in one transaction. Logs that do not decode are recorded and reported on the
stream, never dropped silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

import orjson

from event_streamer import EventDecoder
from event_streamer.exceptions import ABIParsingError, EventDecodeError

from ._faults import FaultPoints
from ._ranges import fetch_range
from ._rpc import RpcError, RpcPool
from ._storage import NewBatch, Row, Storage
from ._streams import Hub
from ._time import to_iso

__all__ = ["IngestManager", "SubscriptionWorker"]

logger = logging.getLogger(__name__)

_BACKOFF_START, _BACKOFF_CAP = 0.5, 30.0
_MIN_POLL = 0.05


class _ReorgDuringFetch(Exception):
    """The range's last block changed hash while we read it: try the step again."""


class SubscriptionWorker:
    """Ingests one subscription while it has streams open."""

    def __init__(
        self,
        subscription_id: int,
        storage: Storage,
        rpc: RpcPool,
        hub: Hub,
        batch_size: int,
        faults: FaultPoints | None = None,
    ) -> None:
        self.subscription_id = subscription_id
        self.faults = faults or FaultPoints("")
        self.storage = storage
        self.rpc = rpc
        self.hub = hub
        self.batch_size = batch_size
        self.wake = asyncio.Event()
        self._decoder: tuple[str, EventDecoder] | None = None
        self._timestamps: OrderedDict[int, str] = OrderedDict()
        self.task: asyncio.Task[None] | None = None

    # -- loop -----------------------------------------------------------------------------------
    async def run(self) -> None:
        failures = 0
        while True:
            try:
                progressed, poll = await self.step()
                failures = 0
            except asyncio.CancelledError:
                raise
            except _ReorgDuringFetch:
                continue
            except (RpcError, ABIParsingError) as err:
                failures += 1
                code = (
                    "INVALID_SUBSCRIPTION"
                    if isinstance(err, ABIParsingError)
                    else "RPC_UNAVAILABLE"
                )
                logger.warning("subscription %d: %s", self.subscription_id, err)
                self.hub.broadcast_error(self.subscription_id, code, str(err), recoverable=True)
                progressed, poll = False, self._backoff(failures)
            except Exception as err:
                failures += 1
                logger.exception("subscription %d: ingestion failed", self.subscription_id)
                self.hub.broadcast_error(
                    self.subscription_id, "INTERNAL_ERROR", f"ingestion failed: {err!r}"
                )
                progressed, poll = False, self._backoff(failures)
            if progressed:
                continue
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(poll):
                    await self.wake.wait()

    @staticmethod
    def _backoff(failures: int) -> float:
        return random.uniform(0, min(_BACKOFF_CAP, _BACKOFF_START * 2**failures))

    # -- one step -------------------------------------------------------------------------------
    async def step(self) -> tuple[bool, float]:
        """Do one unit of work; return (did something, seconds to wait when idle)."""
        sub = await self.storage.get_subscription(self.subscription_id)
        if sub is None:
            return False, 3600.0  # deleted: the streams are being closed
        chain = await self.storage.get_chain(sub["chain_id"])
        if chain is None or chain["status"] != "active":
            raise RpcError(f"chain {sub['chain_id']} is not active")
        poll = max(_MIN_POLL, float(chain["average_block_time"]))
        chain_id = int(chain["chain_id"])
        cursor = sub["last_processed_block"]
        if cursor is None:
            cursor = int(sub["start_block"]) - 1
        if sub["last_block_hash"] and cursor >= 0:
            block = await self.rpc.call(chain_id, "eth_getBlockByNumber", [hex(cursor), False])
            if block is None or block.get("hash") != sub["last_block_hash"]:
                await self._heal_reorg(sub, chain_id, cursor)
                return True, poll
        head = int(await self.rpc.call(chain_id, "eth_blockNumber", []), 16)
        target = head - int(chain["confirmation_blocks"])
        if sub["end_block"] is not None:
            target = min(target, int(sub["end_block"]))
        if cursor >= target:
            await self._update_status(sub, caught_up=True)
            return False, poll
        if sub["streaming_status"] != "active":
            await self.storage.update_subscription(sub["id"], {"streaming_status": "active"})
        lo = cursor + 1
        hi = min(lo + int(chain["max_blocks_per_request"]) - 1, target)
        await self._ingest(sub, chain_id, lo, hi)
        return True, poll

    async def _ingest(self, sub: Row, chain_id: int, lo: int, hi: int) -> None:
        before = await self.rpc.call(chain_id, "eth_getBlockByNumber", [hex(hi), False])
        params: dict[str, Any] = {"topics": [sub["topic0"]]}
        if sub["addresses"]:
            params["address"] = sub["addresses"]

        async def fetch(a: int, b: int) -> list[dict[str, Any]]:
            logs: list[dict[str, Any]] = await self.rpc.call(
                chain_id, "eth_getLogs", [{**params, "fromBlock": hex(a), "toBlock": hex(b)}]
            )
            return logs

        logs = await fetch_range(fetch, lo, hi)
        after = await self.rpc.call(chain_id, "eth_getBlockByNumber", [hex(hi), False])
        if before is None or after is None or before.get("hash") != after.get("hash"):
            raise _ReorgDuringFetch
        logs.sort(key=lambda log: (int(log["blockNumber"], 16), int(log["logIndex"], 16)))
        decoder = self._decoder_for(sub)
        events: list[dict[str, Any]] = []
        hashes: dict[int, str] = {hi: str(after["hash"])}
        for log in logs:
            if log.get("removed"):
                continue
            try:
                event = decoder.decode(log)
            except EventDecodeError as err:
                await self.storage.record_decode_error(sub["id"], log, str(err))
                self.hub.broadcast_error(sub["id"], "DECODE_ERROR", str(err), recoverable=True)
                continue
            event["timestamp"] = await self._timestamp(chain_id, log)
            hashes[event["block_number"]] = str(log.get("blockHash"))
            events.append(event)
        batches = [
            self._batch(decoder.name, events[i : i + self.batch_size])
            for i in range(0, len(events), self.batch_size)
        ]
        self.faults.hit("exit_before_range_commit")
        await self.storage.store_range(sub["id"], batches, hi, sorted(hashes.items()))
        if batches:
            self.hub.notify(sub["id"])
        logger.debug(
            "subscription %d: blocks %d..%d -> %d events in %d batches",
            sub["id"],
            lo,
            hi,
            len(events),
            len(batches),
        )

    @staticmethod
    def _batch(name: str, events: list[dict[str, Any]]) -> NewBatch:
        return NewBatch(
            batch_id=f"batch_{uuid.uuid4().hex}",
            events_json=orjson.dumps({name: events}),
            event_count=len(events),
            first_block=events[0]["block_number"],
            last_block=events[-1]["block_number"],
        )

    def _decoder_for(self, sub: Row) -> EventDecoder:
        key = orjson.dumps(sub["event_signature"], option=orjson.OPT_SORT_KEYS).decode()
        if self._decoder is None or self._decoder[0] != key:
            self._decoder = (key, EventDecoder(sub["event_signature"]))
        return self._decoder[1]

    async def _timestamp(self, chain_id: int, log: dict[str, Any]) -> str:
        number = int(log["blockNumber"], 16)
        cached = self._timestamps.get(number)
        if cached is not None:
            return cached
        raw = log.get("blockTimestamp")
        if raw is None:
            block = await self.rpc.call(chain_id, "eth_getBlockByNumber", [hex(number), False])
            raw = block["timestamp"] if block else "0x0"
        stamp = to_iso(datetime.fromtimestamp(int(raw, 16), UTC))
        self._timestamps[number] = stamp
        if len(self._timestamps) > 4096:
            self._timestamps.popitem(last=False)
        return stamp

    async def _heal_reorg(self, sub: Row, chain_id: int, cursor: int) -> None:
        """Find the newest stored block still canonical; rewind there and re-scan."""
        fork = int(sub["start_block"]) - 1
        for number, stored in await self.storage.processed_hashes(sub["id"]):
            block = await self.rpc.call(chain_id, "eth_getBlockByNumber", [hex(number), False])
            if block is not None and block.get("hash") == stored:
                fork = number
                break
        await self.storage.rewind(sub["id"], fork)
        self._timestamps.clear()
        message = f"chain reorganised below block {cursor}; re-scanning from block {fork + 1}"
        logger.warning("subscription %d: %s", sub["id"], message)
        self.hub.broadcast_error(sub["id"], "REORG_DETECTED", message, recoverable=True)

    async def _update_status(self, sub: Row, *, caught_up: bool) -> None:
        """Bounded subscriptions complete once end_block is reached and all is acknowledged."""
        end = sub["end_block"]
        status = sub["streaming_status"]
        done = (
            caught_up
            and end is not None
            and (sub["last_processed_block"] or -1) >= end
            and await self.storage.unacked_count(sub["id"]) == 0
        )
        wanted = "completed" if done else "active"
        if status != wanted:
            await self.storage.update_subscription(sub["id"], {"streaming_status": wanted})


class IngestManager:
    """Starts a worker for a subscription's first stream, stops it after its last."""

    def __init__(
        self,
        storage: Storage,
        rpc: RpcPool,
        hub: Hub,
        batch_size: int,
        faults: FaultPoints | None = None,
    ) -> None:
        self.faults = faults
        self.storage = storage
        self.rpc = rpc
        self.hub = hub
        self.batch_size = batch_size
        self.workers: dict[int, SubscriptionWorker] = {}

    def ensure(self, subscription_id: int) -> None:
        worker = self.workers.get(subscription_id)
        if worker is None or worker.task is None or worker.task.done():
            worker = SubscriptionWorker(
                subscription_id,
                self.storage,
                self.rpc,
                self.hub,
                self.batch_size,
                self.faults,
            )
            worker.task = asyncio.create_task(worker.run(), name=f"ingest-{subscription_id}")
            self.workers[subscription_id] = worker

    def poke(self, subscription_id: int) -> None:
        worker = self.workers.get(subscription_id)
        if worker is not None:
            worker.wake.set()

    async def stop(self, subscription_id: int) -> None:
        worker = self.workers.pop(subscription_id, None)
        if worker is not None and worker.task is not None:
            worker.task.cancel()
            await asyncio.gather(worker.task, return_exceptions=True)

    async def stop_all(self) -> None:
        for subscription_id in list(self.workers):
            await self.stop(subscription_id)
