"""Ingestion: walk subscriptions' block ranges with eth_getLogs, decode, persist batches.

One worker per chain serves every subscription on it that has an open stream. Subscriptions
whose cursors stand at the same block form a group that shares one eth_getLogs call per span:
topic0s are OR-ed and addresses merged (no address filter if any member wants every address),
and each log is routed to the members it matches. So a hundred subscriptions following the head
cost about the calls of one; a subscription still backfilling is its own group until it catches
up. Each step reads the head, checks every member's last processed block still has the hash we
stored (a reorg deeper than the confirmation depth rewinds that subscription to the fork point),
fetches the next span (split when a node refuses it), decodes with the SDK's decoder, and stores
each member's batches together with its new cursor in one transaction. Logs that do not decode
are recorded and reported on the stream, never dropped silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
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

__all__ = ["ChainWorker", "IngestManager"]

logger = logging.getLogger(__name__)

_BACKOFF_START, _BACKOFF_CAP = 0.5, 30.0
_MIN_POLL = 0.05


class _ReorgDuringFetch(Exception):
    """The span's last block changed hash while we read it: try the step again."""


def _cursor(sub: Row) -> int:
    """The last block whose logs are stored for ``sub``."""
    last = sub["last_processed_block"]
    return int(sub["start_block"]) - 1 if last is None else int(last)


class ChainWorker:
    """Ingests every streamed subscription of one chain."""

    def __init__(
        self,
        chain_id: int,
        storage: Storage,
        rpc: RpcPool,
        hub: Hub,
        batch_size: int,
        faults: FaultPoints | None = None,
    ) -> None:
        self.chain_id = chain_id
        self.storage = storage
        self.rpc = rpc
        self.hub = hub
        self.batch_size = batch_size
        self.faults = faults or FaultPoints("")
        self.members: set[int] = set()
        self.wake = asyncio.Event()
        self._decoders: dict[int, tuple[str, EventDecoder]] = {}
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
                logger.warning("chain %d: %s", self.chain_id, err)
                self._broadcast(code, str(err))
                progressed, poll = False, self._backoff(failures)
            except Exception as err:
                failures += 1
                logger.exception("chain %d: ingestion failed", self.chain_id)
                self._broadcast("INTERNAL_ERROR", f"ingestion failed: {err!r}")
                progressed, poll = False, self._backoff(failures)
            if progressed:
                continue
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(poll):
                    await self.wake.wait()

    def _broadcast(self, code: str, message: str) -> None:
        for subscription_id in list(self.members):
            self.hub.broadcast_error(subscription_id, code, message, recoverable=True)

    @staticmethod
    def _backoff(failures: int) -> float:
        return random.uniform(0, min(_BACKOFF_CAP, _BACKOFF_START * 2**failures))

    # -- one step -------------------------------------------------------------------------------
    async def step(self) -> tuple[bool, float]:
        """Do one unit of work; return (did something, seconds to wait when idle)."""
        subs = [
            sub
            for sid in sorted(self.members)
            if (sub := await self.storage.get_subscription(sid)) is not None
            and sub["chain_id"] == self.chain_id
        ]
        if not subs:
            return False, 3600.0  # deleted: their streams are being closed
        chain = await self.storage.get_chain(self.chain_id)
        if chain is None or chain["status"] != "active":
            raise RpcError(f"chain {self.chain_id} is not active")
        poll = max(_MIN_POLL, float(chain["average_block_time"]))
        if await self._check_reorgs(subs):
            return True, poll
        head = int(await self.rpc.call(self.chain_id, "eth_blockNumber", []), 16)
        safe = head - int(chain["confirmation_blocks"])

        def target(sub: Row) -> int:
            end = sub["end_block"]
            return safe if end is None else min(safe, int(end))

        busy = [s for s in subs if _cursor(s) < target(s)]
        for sub in subs:
            if sub not in busy:
                await self._update_status(sub)
        if not busy:
            return False, poll
        lowest = min(_cursor(s) for s in busy)
        group = [s for s in busy if _cursor(s) == lowest]
        for sub in group:
            if sub["streaming_status"] != "active":
                await self.storage.update_subscription(sub["id"], {"streaming_status": "active"})
        lo = lowest + 1
        hi = min(lo + int(chain["max_blocks_per_request"]) - 1, min(target(s) for s in group))
        await self._ingest(group, lo, hi)
        return True, poll

    async def _check_reorgs(self, subs: list[Row]) -> bool:
        """Heal every member whose last processed block is no longer canonical."""
        healed = False
        canonical: dict[int, str | None] = {}
        for sub in subs:
            cursor = _cursor(sub)
            if not sub["last_block_hash"] or cursor < 0:
                continue
            if cursor not in canonical:
                block = await self.rpc.call(
                    self.chain_id, "eth_getBlockByNumber", [hex(cursor), False]
                )
                canonical[cursor] = None if block is None else block.get("hash")
            if canonical[cursor] != sub["last_block_hash"]:
                await self._heal_reorg(sub, cursor)
                healed = True
        return healed

    async def _ingest(self, group: list[Row], lo: int, hi: int) -> None:
        before = await self.rpc.call(self.chain_id, "eth_getBlockByNumber", [hex(hi), False])
        topics = sorted({str(s["topic0"]) for s in group})
        params: dict[str, Any] = {"topics": [topics[0] if len(topics) == 1 else topics]}
        if all(s["addresses"] for s in group):
            params["address"] = sorted({a for s in group for a in s["addresses"]})

        async def fetch(a: int, b: int) -> list[dict[str, Any]]:
            logs: list[dict[str, Any]] = await self.rpc.call(
                self.chain_id, "eth_getLogs", [{**params, "fromBlock": hex(a), "toBlock": hex(b)}]
            )
            return logs

        logs = await fetch_range(fetch, lo, hi)
        after = await self.rpc.call(self.chain_id, "eth_getBlockByNumber", [hex(hi), False])
        if before is None or after is None or before.get("hash") != after.get("hash"):
            raise _ReorgDuringFetch
        logs.sort(key=lambda log: (int(log["blockNumber"], 16), int(log["logIndex"], 16)))
        self.faults.hit("exit_before_range_commit")
        for sub in group:
            await self._deliver(sub, logs, hi, str(after["hash"]))

    async def _deliver(self, sub: Row, logs: list[dict[str, Any]], hi: int, hi_hash: str) -> None:
        """Route ``logs`` to ``sub``, decode, and commit its batches with its cursor at ``hi``."""
        decoder = self._decoder_for(sub)
        topic0 = str(sub["topic0"]).lower()
        wanted = {a.lower() for a in sub["addresses"]}
        events: list[dict[str, Any]] = []
        hashes: dict[int, str] = {hi: hi_hash}
        for log in logs:
            topics = log.get("topics") or []
            if log.get("removed") or not topics or str(topics[0]).lower() != topic0:
                continue
            if wanted and str(log.get("address", "")).lower() not in wanted:
                continue
            try:
                event = decoder.decode(log)
            except EventDecodeError as err:
                await self.storage.record_decode_error(sub["id"], log, str(err))
                self.hub.broadcast_error(sub["id"], "DECODE_ERROR", str(err), recoverable=True)
                continue
            event["timestamp"] = await self._timestamp(log)
            hashes[event["block_number"]] = str(log.get("blockHash"))
            events.append(event)
        batches = [
            self._batch(decoder.name, events[i : i + self.batch_size])
            for i in range(0, len(events), self.batch_size)
        ]
        await self.storage.store_range(sub["id"], batches, hi, sorted(hashes.items()))
        if batches:
            self.hub.notify(sub["id"])
        logger.debug("subscription %d: up to block %d -> %d events", sub["id"], hi, len(events))

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
        cached = self._decoders.get(sub["id"])
        if cached is None or cached[0] != key:
            cached = (key, EventDecoder(sub["event_signature"]))
            self._decoders[sub["id"]] = cached
        return cached[1]

    async def _timestamp(self, log: dict[str, Any]) -> str:
        number = int(log["blockNumber"], 16)
        cached = self._timestamps.get(number)
        if cached is not None:
            return cached
        raw = log.get("blockTimestamp")
        if raw is None:
            block = await self.rpc.call(self.chain_id, "eth_getBlockByNumber", [hex(number), False])
            raw = block["timestamp"] if block else "0x0"
        stamp = to_iso(datetime.fromtimestamp(int(raw, 16), UTC))
        self._timestamps[number] = stamp
        if len(self._timestamps) > 4096:
            self._timestamps.popitem(last=False)
        return stamp

    async def _heal_reorg(self, sub: Row, cursor: int) -> None:
        """Find the newest stored block still canonical; rewind there and re-scan."""
        fork = int(sub["start_block"]) - 1
        for number, stored in await self.storage.processed_hashes(sub["id"]):
            block = await self.rpc.call(self.chain_id, "eth_getBlockByNumber", [hex(number), False])
            if block is not None and block.get("hash") == stored:
                fork = number
                break
        await self.storage.rewind(sub["id"], fork)
        self._timestamps.clear()
        message = f"chain reorganised below block {cursor}; re-scanning from block {fork + 1}"
        logger.warning("subscription %d: %s", sub["id"], message)
        self.hub.broadcast_error(sub["id"], "REORG_DETECTED", message, recoverable=True)

    async def _update_status(self, sub: Row) -> None:
        """Bounded subscriptions complete once end_block is reached and all is acknowledged."""
        end = sub["end_block"]
        done = (
            end is not None
            and _cursor(sub) >= end
            and await self.storage.unacked_count(sub["id"]) == 0
        )
        wanted = "completed" if done else "active"
        if sub["streaming_status"] != wanted:
            await self.storage.update_subscription(sub["id"], {"streaming_status": wanted})


class IngestManager:
    """One ChainWorker per chain with streamed subscriptions; stopped when it has none."""

    def __init__(
        self,
        storage: Storage,
        rpc: RpcPool,
        hub: Hub,
        batch_size: int,
        faults: FaultPoints | None = None,
    ) -> None:
        self._new_worker = functools.partial(
            ChainWorker, storage=storage, rpc=rpc, hub=hub, batch_size=batch_size, faults=faults
        )
        self.workers: dict[int, ChainWorker] = {}
        self.chain_of: dict[int, int] = {}  # subscription id -> chain id

    def ensure(self, subscription_id: int, chain_id: int) -> None:
        self.chain_of[subscription_id] = chain_id
        worker = self.workers.get(chain_id)
        if worker is None or worker.task is None or worker.task.done():
            worker = self._new_worker(chain_id)
            worker.members = {s for s, c in self.chain_of.items() if c == chain_id}
            worker.task = asyncio.create_task(worker.run(), name=f"ingest-chain-{chain_id}")
            self.workers[chain_id] = worker
        worker.members.add(subscription_id)
        worker.wake.set()

    def poke(self, subscription_id: int) -> None:
        chain_id = self.chain_of.get(subscription_id)
        worker = self.workers.get(chain_id) if chain_id is not None else None
        if worker is not None:
            worker.wake.set()

    async def stop(self, subscription_id: int) -> None:
        chain_id = self.chain_of.pop(subscription_id, None)
        worker = self.workers.get(chain_id) if chain_id is not None else None
        if worker is None:
            return
        worker.members.discard(subscription_id)
        if not worker.members and worker.task is not None:
            del self.workers[worker.chain_id]
            worker.task.cancel()
            await asyncio.gather(worker.task, return_exceptions=True)

    async def stop_all(self) -> None:
        for subscription_id in list(self.chain_of):
            await self.stop(subscription_id)
