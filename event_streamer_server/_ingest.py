"""Ingestion: walk subscriptions' block ranges with eth_getLogs, decode, persist batches.

One worker per chain serves every subscription on it that has an open stream. Each step reads
the head, lets :class:`~._reorg.ReorgHealer` rewind members whose last block is gone, asks
:mod:`._plan` for the next span and its shared filter (so a hundred subscriptions following the
head cost about the calls of one), fetches it (split when a node refuses it), decodes with the
SDK's decoder, and stores each member's batches together with its new cursor in one
transaction. Logs that do not decode are recorded and reported on the stream, never dropped
silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson

from event_streamer import RetryPolicy
from event_streamer.abi import DecodeLimits, EventDecoder
from event_streamer.exceptions import ABIParsingError

from ._backfill import BackfillProgress, FetchedSpan, SpanSizer, log_bytes, run_spans
from ._decode_batches import Decoders, decode_batches
from ._decode_pool import CommitJob, CommitResult, DecodePool, RawLogs
from ._faults import FaultPoints
from ._hexnum import block_number
from ._plan import (
    backfill_limit,
    event_keys,
    log_filter,
    plan_step,
    route_logs,
    subscription_events,
)
from ._ranges import fetch_range, suggested_end
from ._reorg import ReorgHealer
from ._rpc import RawBatch, RpcCallerError, RpcError, RpcPool
from ._storage import ChainRow, IngestLease, LeaseLost, NewBatch, Storage, SubscriptionRow
from ._streams import Hub
from ._throttle import Aimd
from ._time import to_iso

__all__ = ["ChainWorker", "IngestManager"]

logger = logging.getLogger(__name__)

# A subscription's decoders: topic0 -> (the key its events carry in a batch, decoder).

# Waits between failed steps: the SDK's one backoff policy (full jitter), with a longer cap.
_BACKOFF = RetryPolicy(backoff_base=0.5, backoff_cap=30.0)


def _backoff_delay(failures: int) -> float:
    return _BACKOFF.backoff(failures)


_MIN_POLL = 0.05
_TIMESTAMP_CACHE = 4096  # blocks
DEFAULT_MAX_CONCURRENT_REQUESTS = 6
_SPANS_PER_STEP = 256  # a backfill step re-reads members and head after this many spans
_AHEAD_BYTES = 64 * 1024 * 1024  # logs fetched ahead of the commit point
# A chain's first span measures the logs per block; the spans after it aim at _TARGET_LOGS
# logs each, under the 10,000-log cap common to providers (Infura, Alchemy, QuickNode), so a
# dense history needs no refusal to learn its span.
_FIRST_SPAN = 16  # blocks
_TARGET_LOGS = 9_000
# Spans already fetched when they are due commit together, up to this many (estimated) bytes
# of logs: one transaction, one fsync, for several spans while behind the head.
_GROUP_BYTES = 16 * 1024 * 1024


def _node_block(value: Any) -> int:
    """A block number from the node; a malformed one is the node's failure (retried)."""
    try:
        return block_number(value)
    except ValueError as err:
        raise RpcError(f"the node sent {err}") from None


class _ReorgDuringFetch(Exception):
    """The span's last block changed hash while we read it: try the step again."""


class _BlockTimes:
    """Block timestamps (ISO 8601) by number, from the log or the block; bounded LRU."""

    def __init__(self, chain_id: int, rpc: RpcPool) -> None:
        self.chain_id = chain_id
        self.rpc = rpc
        self._cache: OrderedDict[int, str] = OrderedDict()

    def clear(self) -> None:
        self._cache.clear()

    async def prefetch(self, logs: list[dict[str, Any]]) -> None:
        """Fetch, in one JSON-RPC batch, the timestamps of blocks whose logs lack one."""
        missing = sorted(
            {
                number
                for log in logs
                if log.get("blockTimestamp") is None
                and (number := int(log["blockNumber"], 16)) not in self._cache
            }
        )[:_TIMESTAMP_CACHE]
        if not missing:
            return
        answers = await self.rpc.batch(
            self.chain_id, [("eth_getBlockByNumber", [hex(n), False]) for n in missing]
        )
        for number, block in zip(missing, answers, strict=True):
            if isinstance(block, RpcError):
                raise block
            raw = block["timestamp"] if block else "0x0"
            self._remember(number, to_iso(datetime.fromtimestamp(int(raw, 16), UTC)))

    async def stamps(self, numbers: list[int]) -> dict[int, str]:
        """The timestamps of these blocks, fetched in JSON-RPC batches where not cached."""
        found = {n: self._cache[n] for n in numbers if n in self._cache}
        todo = [n for n in numbers if n not in found]
        for start in range(0, len(todo), _TIMESTAMP_CACHE):
            chunk = todo[start : start + _TIMESTAMP_CACHE]
            answers = await self.rpc.batch(
                self.chain_id, [("eth_getBlockByNumber", [hex(n), False]) for n in chunk]
            )
            for number, block in zip(chunk, answers, strict=True):
                if isinstance(block, RpcError):
                    raise block
                raw = block["timestamp"] if block else "0x0"
                found[number] = to_iso(datetime.fromtimestamp(int(raw, 16), UTC))
                self._remember(number, found[number])
        return found

    def _remember(self, number: int, stamp: str) -> None:
        self._cache[number] = stamp
        if len(self._cache) > _TIMESTAMP_CACHE:
            self._cache.popitem(last=False)

    async def of(self, log: dict[str, Any]) -> str:
        number = int(log["blockNumber"], 16)
        cached = self._cache.get(number)
        if cached is not None:
            return cached
        raw = log.get("blockTimestamp")
        if raw is None:
            block = await self.rpc.call(self.chain_id, "eth_getBlockByNumber", [hex(number), False])
            raw = block["timestamp"] if block else "0x0"
        stamp = to_iso(datetime.fromtimestamp(int(raw, 16), UTC))
        self._remember(number, stamp)
        return stamp


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
        *,
        max_concurrent_requests: int = DEFAULT_MAX_CONCURRENT_REQUESTS,
        decode_limits: DecodeLimits | None = None,
        decode_pool: DecodePool | None = None,
    ) -> None:
        self.chain_id = chain_id
        self.storage = storage
        self.rpc = rpc
        self.hub = hub
        self.batch_size = batch_size
        self.faults = faults or FaultPoints("")
        self.decode_limits = decode_limits or DecodeLimits()
        # Set: answers stay unparsed until a worker process handles the commit.
        self.decode_pool = decode_pool
        self.members: set[int] = set()
        self.wake = asyncio.Event()
        self.reorgs = ReorgHealer(chain_id, storage, rpc, hub)
        # By subscription: (its events' ABIs as JSON, topic0 -> (batch key, decoder)).
        self._decoders: dict[int, tuple[str, Decoders]] = {}
        self._times = _BlockTimes(chain_id, rpc)
        self.aimd = Aimd(max_concurrent_requests)
        self.sizer: SpanSizer | None = None  # per chain; rebuilt when its max span changes
        self.progress: dict[int, BackfillProgress] = {}  # by member subscription id
        # Last head seen and the last block ingestion may reach (read by /metrics).
        self.head: int | None = None
        self.limit: int | None = None
        self.task: asyncio.Task[None] | None = None
        # Several instances: the chain's lease fences every commit and rewind; when a fenced
        # write finds it taken over, the worker ends and ``on_lease_lost`` is told.
        self.lease: IngestLease | None = None
        self.on_lease_lost: Callable[[IngestLease], Awaitable[None]] | None = None
        self.wanted: Callable[[SubscriptionRow], bool] = lambda sub: True

    # -- loop -----------------------------------------------------------------------------------
    async def run(self) -> None:
        failures = 0
        while True:
            try:
                progressed, poll = await self.step()
                failures = 0
            except asyncio.CancelledError:
                raise
            except LeaseLost as err:
                logger.warning("chain %d: stopping ingestion: %s", self.chain_id, err)
                if self.lease is not None and self.on_lease_lost is not None:
                    await self.on_lease_lost(self.lease)
                return
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
                progressed, poll = False, _backoff_delay(failures)
            except Exception as err:
                failures += 1
                logger.exception("chain %d: ingestion failed", self.chain_id)
                self._broadcast("INTERNAL_ERROR", f"ingestion failed: {err!r}")
                progressed, poll = False, _backoff_delay(failures)
            if progressed:
                continue
            self.wake.clear()
            if failures:  # backing off a failing node: a new head must not cut the wait short
                await asyncio.sleep(poll)
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(poll):
                    await self.wake.wait()

    def _broadcast(self, code: str, message: str) -> None:
        for subscription_id in list(self.members):
            self.hub.broadcast_error(subscription_id, code, message, recoverable=True)

    # -- one step -------------------------------------------------------------------------------
    async def step(self) -> tuple[bool, float]:
        """Do one unit of work; return (did something, seconds to wait when idle)."""
        subs = [
            sub
            for sid in sorted(self.members)
            if (sub := await self.storage.get_subscription(sid)) is not None
            and sub.chain_id == self.chain_id
            and self.wanted(sub)
        ]
        if not subs:
            return False, 3600.0  # deleted: their streams are being closed
        chain = await self.storage.get_chain(self.chain_id)
        if chain is None or chain.status != "active":
            raise RpcError(f"chain {self.chain_id} is not active")
        poll = max(_MIN_POLL, chain.average_block_time)
        if await self.reorgs.heal(subs):
            self._times.clear()
            return True, poll
        safe = await self._ingest_limit(chain)
        if self.sizer is None or self.sizer.maximum != chain.max_blocks_per_request:
            self.sizer = SpanSizer(
                chain.max_blocks_per_request, first=_FIRST_SPAN, target_logs=_TARGET_LOGS
            )
        sizer = self.sizer
        if self.aimd.maximum != chain.max_concurrent_requests:
            self.aimd.resize(chain.max_concurrent_requests)
        plan = plan_step(subs, safe, sizer.size)
        for sub in plan.caught_up:
            self.progress.pop(sub.id, None)
            await self._update_status(sub)
        if plan.span is None:
            return False, poll
        group, lo = plan.span.group, plan.span.lo
        for sub in group:
            if sub.streaming_status != "active":
                await self.storage.update_subscription(sub.id, {"streaming_status": "active"})
        # Far behind, several spans go out at once and commit in block order; following the
        # head, the range holds one span and this is one fetch and one commit.
        limit = backfill_limit(subs, group, safe)
        backfilling = limit - lo + 1 > sizer.size
        self._track(group, lo, limit, backfilling=backfilling)
        if backfilling and self.decode_pool is not None:
            self.decode_pool.prepare()  # a lazy pool's worker starts while the spans are fetched
        await run_spans(
            lambda a, b, probe: self._fetch_span(group, a, b, probe=probe),
            lambda spans: self._commit(group, spans),
            lo,
            limit,
            sizer=sizer,
            aimd=self.aimd,
            max_spans=_SPANS_PER_STEP,
            max_bytes=_AHEAD_BYTES,
            group_bytes=_GROUP_BYTES,
            before_commit=self._before_commit,
        )
        return True, poll

    async def _ingest_limit(self, chain: ChainRow) -> int:
        """The last block to ingest: ``confirmation_blocks`` below the head, or the block the
        node reports under the chain's ``safe``/``finalized`` tag (with the head, one batch)."""
        if chain.finality not in ("safe", "finalized"):
            self.head = _node_block(await self.rpc.call(self.chain_id, "eth_blockNumber", []))
            self.limit = self.head - chain.confirmation_blocks
            return self.limit
        head, tagged = await self.rpc.batch(
            self.chain_id,
            [("eth_blockNumber", []), ("eth_getBlockByNumber", [chain.finality, False])],
        )
        if isinstance(head, RpcError):
            raise head
        if isinstance(tagged, RpcError):
            raise tagged
        if not isinstance(tagged, dict) or not isinstance(tagged.get("number"), str):
            raise RpcError(f"the node has no {chain.finality!r} block")
        self.head, self.limit = _node_block(head), _node_block(tagged["number"])
        return self.limit

    def _track(
        self, group: list[SubscriptionRow], lo: int, limit: int, *, backfilling: bool
    ) -> None:
        """Keep each member's backfill progress: begun when far behind, dropped at the head."""
        for sub in group:
            if not backfilling:
                self.progress.pop(sub.id, None)
                continue
            known = self.progress.get(sub.id)
            if known is None or not known.from_block <= lo <= known.done_to + 1:
                known = BackfillProgress(lo, limit, lo - 1, time.monotonic())
                self.progress[sub.id] = known
            known.to_block = max(known.to_block, limit)
        for sid in [s for s in self.progress if s not in self.members]:
            del self.progress[sid]

    def _before_commit(self, later_fetched: bool) -> None:
        if later_fetched:
            self.faults.hit("exit_after_later_span_fetched")

    async def _fetch_span(
        self, group: list[SubscriptionRow], lo: int, hi: int, *, probe: bool = False
    ) -> FetchedSpan:
        """Logs of ``lo..hi`` and the hash of block ``hi``, fetched together where the node
        takes JSON-RPC batches (split when it refuses the range). A ``probe`` narrows ``hi``
        to the first piece the node accepts and returns that piece alone."""
        params = log_filter(group)
        pieces: list[tuple[int, int]] = []
        refused: list[int] = []
        suggestion: list[bool] = []
        hi_hash: str | None = None
        raw = self.decode_pool is not None and self.decode_pool.enabled
        raws: list[RawLogs] = []  # fetch_range calls in block order: so are these

        async def fetch(a: int, b: int) -> list[dict[str, Any]]:
            nonlocal hi_hash
            flt = {**params, "fromBlock": hex(a), "toBlock": hex(b)}
            answer: Any
            if raw:
                raws.append(await self._fetch_raw(flt, a, b, hi, pieces, refused, suggestion))
                return []
            if b == hi:
                answer, block = await self.rpc.batch(
                    self.chain_id,
                    [("eth_getLogs", [flt]), ("eth_getBlockByNumber", [hex(hi), False])],
                )
                if isinstance(block, RpcError):
                    raise block
                hi_hash = None if block is None else block.get("hash")
            else:
                try:
                    answer = await self.rpc.call(self.chain_id, "eth_getLogs", [flt])
                except RpcCallerError as err:
                    answer = err
            if isinstance(answer, RpcError):
                if isinstance(answer, RpcCallerError):
                    refused.append(b - a + 1)
                    if a < b and suggested_end(answer, a, b) is not None:
                        suggestion.append(True)
                raise answer
            logs: list[dict[str, Any]] = answer
            pieces.append((b - a + 1, len(logs)))
            return logs

        if probe:
            sizer = self.sizer or SpanSizer(hi - lo + 1)
            while True:
                try:
                    logs = await fetch(lo, hi)
                    break
                except RpcCallerError as err:
                    if lo == hi:
                        raise
                    suggested = suggested_end(err, lo, hi)
                    if suggested is None:
                        hi = sizer.next_end(err, lo, hi)
                        continue
                    # The provider named a range that works: the spans after it go out now,
                    # and this one covers exactly that range (split again if need be).
                    hi = suggested
                    sizer.adopt(lo, hi)
                    logs = await fetch_range(fetch, lo, hi)
                    break
        else:
            logs = await fetch_range(fetch, lo, hi)
        if raw:
            # Parsed, checked and decoded in the pool as soon as it arrives: the worker
            # decodes this span while this process stores the ones before it.
            assert self.decode_pool is not None
            decoded = await self._decode(self.decode_pool, group, raws, hi)
            assert decoded.hi_hash is not None
            # Each answer's logs were counted as they were parsed (one piece per answer).
            pieces = [(blocks, n) for (blocks, _), n in zip(pieces, decoded.counts, strict=True)]
            return FetchedSpan(
                lo,
                hi,
                [],
                decoded.hi_hash,
                sum(len(r.body) for r in raws),
                pieces=pieces,
                refused=refused,
                suggested=bool(suggestion),
                decoded=decoded,
            )
        if hi_hash is None:
            raise _ReorgDuringFetch  # block hi is not there (any more)
        # The logs carry their block's hash: one that disagrees with block hi (or with
        # another log of its block) means the chain moved while we read it.
        seen: dict[str, str] = {}
        for log in logs:
            number, block_hash = log.get("blockNumber"), log.get("blockHash")
            if not isinstance(number, str) or not isinstance(block_hash, str):
                continue
            known = seen.get(number)
            if known is None:  # first log of its block: parse the number once per block
                seen[number] = block_hash
                if int(number, 16) == hi and block_hash != hi_hash:
                    raise _ReorgDuringFetch
            elif known != block_hash:
                raise _ReorgDuringFetch
        return FetchedSpan(
            lo,
            hi,
            logs,
            str(hi_hash),
            log_bytes(logs),
            pieces=pieces,
            refused=refused,
            suggested=bool(suggestion),
        )

    async def _fetch_raw(
        self,
        flt: dict[str, Any],
        a: int,
        b: int,
        hi: int,
        pieces: list[tuple[int, int]],
        refused: list[int],
        suggestion: list[bool],
    ) -> RawLogs:
        """One ``eth_getLogs`` call for ``a..b`` left unparsed (with block ``hi``'s header in
        the same JSON-RPC batch when ``b == hi``); refusals raised as :meth:`_fetch_span`'s."""
        try:
            if b != hi:
                body = await self.rpc.call_raw(self.chain_id, "eth_getLogs", [flt])
                pieces.append((b - a + 1, 0))  # counted when parsed
                return RawLogs(body)
            answer = await self.rpc.batch_raw(
                self.chain_id,
                [("eth_getLogs", [flt]), ("eth_getBlockByNumber", [hex(hi), False])],
            )
            if isinstance(answer, RawBatch):
                pieces.append((b - a + 1, 0))  # counted when parsed
                return RawLogs(answer.body, answer.ids[0], answer.ids[1])
            logs, block = answer  # the endpoint took no batch: answered one call each
            if isinstance(block, RpcError):
                raise block
            if isinstance(logs, RpcError):
                raise logs
            pieces.append((b - a + 1, len(logs)))
            body = orjson.dumps([{"id": 0, "result": logs}, {"id": 1, "result": block}])
            return RawLogs(body, 0, 1)
        except RpcCallerError as err:
            refused.append(b - a + 1)
            if a < b and suggested_end(err, a, b) is not None:
                suggestion.append(True)
            raise

    async def _commit(self, group: list[SubscriptionRow], spans: list[FetchedSpan]) -> None:
        """Store consecutive fetched spans for every member: one transaction per member, as
        if they were one span (batches in block order, the cursor at the last span's end)."""
        if any(span.decoded is not None for span in spans):
            await self._commit_decoded(group, spans)
            return
        logs = [log for span in spans for log in span.logs]  # decoded events get sorted
        await self._times.prefetch(logs)
        self.faults.hit("exit_before_range_commit")
        hi, hi_hash = spans[-1].hi, spans[-1].hi_hash
        for sub in group:
            await self._deliver(sub, logs, hi, hi_hash)
            progress = self.progress.get(sub.id)
            if progress is not None:
                progress.done_to = hi
                progress.logs += len(logs)

    async def _decode(
        self, pool: DecodePool, group: list[SubscriptionRow], raws: list[RawLogs], hi: int
    ) -> CommitResult:
        """The span's answers parsed, checked, routed, decoded and encoded by the pool."""
        job = CommitJob(raws, hi, list(group), self.batch_size, self.decode_limits)
        result = await pool.run(job)
        if result.missing:  # logs without blockTimestamp: read the blocks, then again
            result = await pool.run(replace(job, stamps=await self._times.stamps(result.missing)))
        if result.reorg or result.hi_hash is None or result.missing:
            raise _ReorgDuringFetch
        return result

    async def _commit_decoded(self, group: list[SubscriptionRow], spans: list[FetchedSpan]) -> None:
        """As :meth:`_commit` for spans the pool decoded: each member's batches of every span,
        in block order, in one transaction with its cursor at the last span's end."""
        results = [span.decoded for span in spans if span.decoded is not None]
        assert len(results) == len(spans), "spans of one step are all decoded or none"
        self.faults.hit("exit_before_range_commit")
        hi, hi_hash = spans[-1].hi, spans[-1].hi_hash
        logs = sum(result.logs for result in results)
        for index, sub in enumerate(group):
            batches: list[NewBatch] = []
            hashes: dict[int, str] = {}
            for result in results:
                done = result.subs[index]
                batches.extend(done.batches)
                hashes.update(done.hashes)
                for log, error in done.failed:
                    await self.storage.record_decode_error(sub.id, log, error)
                    self.hub.broadcast_error(sub.id, "DECODE_ERROR", error, recoverable=True)
            hashes[hi] = hi_hash
            await self.storage.store_range(
                sub.id, batches, hi, sorted(hashes.items()), fence=self.lease
            )
            progress = self.progress.get(sub.id)
            if progress is not None:
                progress.done_to = hi
                progress.logs += logs

    async def _deliver(
        self, sub: SubscriptionRow, logs: list[dict[str, Any]], hi: int, hi_hash: str
    ) -> None:
        """Route ``logs`` to ``sub``, decode, and commit its batches with its cursor at ``hi``."""
        decoders = self._decoders_for(sub)
        routed = list(route_logs(sub, logs))
        stamps: dict[str, str] = {}  # by the logs' hex block number: one lookup per block
        for log in routed:
            if log["blockNumber"] not in stamps:
                stamps[log["blockNumber"]] = await self._times.of(log)
        # Decoding and encoding run off the event loop (one thread hop per commit), so the
        # next spans' answers are read meanwhile and a costly log cannot stall the loop.
        decoded = await asyncio.to_thread(decode_batches, decoders, routed, stamps, self.batch_size)
        batches, hashes = decoded.batches, decoded.hashes
        for log, error in decoded.failed:
            await self.storage.record_decode_error(sub.id, log, str(error))
            self.hub.broadcast_error(sub.id, "DECODE_ERROR", str(error), recoverable=True)
        hashes[hi] = hi_hash
        # Streams wake through the storage's commit listener (for every instance's streams).
        await self.storage.store_range(
            sub.id, batches, hi, sorted(hashes.items()), fence=self.lease
        )
        logger.debug(
            "subscription %d: up to block %d -> %d events",
            sub.id,
            hi,
            sum(b.event_count for b in batches),
        )

    def _decoders_for(self, sub: SubscriptionRow) -> Decoders:
        abis = subscription_events(sub)
        key = orjson.dumps(abis, option=orjson.OPT_SORT_KEYS).decode()
        cached = self._decoders.get(sub.id)
        if cached is None or cached[0] != key:
            keys = event_keys(abis)
            built = [EventDecoder(abi, limits=self.decode_limits) for abi in abis]
            cached = (key, {d.topic0: (keys[d.topic0], d) for d in built})
            self._decoders[sub.id] = cached
        return cached[1]

    async def _update_status(self, sub: SubscriptionRow) -> None:
        """Bounded subscriptions complete once end_block is reached and all is acknowledged."""
        end = sub.end_block
        done = (
            end is not None and sub.cursor >= end and await self.storage.unacked_count(sub.id) == 0
        )
        wanted = "completed" if done else "active"
        if sub.streaming_status != wanted:
            await self.storage.update_subscription(sub.id, {"streaming_status": wanted})


class IngestManager:
    """One ChainWorker per chain with streamed subscriptions; stopped when it has none.

    ``new_worker(chain_id)`` builds a worker (a ``functools.partial`` of :class:`ChainWorker`).
    With ``lease_for`` (several instances, :mod:`._lease`), a chain's worker runs only while
    ``lease_for(chain_id)`` gives this instance's lease, which fences its writes; ``unheld`` is
    told when a chain has work here but no lease; ``wanted`` filters the members a step takes.
    """

    def __init__(
        self,
        new_worker: Callable[[int], ChainWorker],
        *,
        lease_for: Callable[[int], IngestLease | None] | None = None,
        unheld: Callable[[int], None] | None = None,
        lease_lost: Callable[[IngestLease], Awaitable[None]] | None = None,
        wanted: Callable[[SubscriptionRow], bool] | None = None,
        decode_pool: DecodePool | None = None,
    ) -> None:
        self._new_worker = new_worker
        self.decode_pool = decode_pool  # shared by the chains' workers, closed by stop_all
        if decode_pool is not None:
            decode_pool.start()
        self._lease_for = lease_for
        self._unheld = unheld
        self._lease_lost = lease_lost
        self._wanted = wanted
        self.workers: dict[int, ChainWorker] = {}
        self.chain_of: dict[int, int] = {}  # subscription id -> chain id

    def start_for(self, subscription_id: int, chain_id: int) -> None:
        """Ingest for this subscription (starting its chain's worker when none runs)."""
        self.chain_of[subscription_id] = chain_id
        worker = self._ensure(chain_id)
        if worker is None:
            return
        worker.members.add(subscription_id)
        worker.wake.set()

    def _ensure(self, chain_id: int) -> ChainWorker | None:
        """The chain's running worker, started if needed (None: its lease is held elsewhere)."""
        lease = None
        if self._lease_for is not None:
            lease = self._lease_for(chain_id)
            if lease is None:
                if self._unheld is not None:
                    self._unheld(chain_id)
                return None
        worker = self.workers.get(chain_id)
        if worker is None or worker.task is None or worker.task.done():
            worker = self._new_worker(chain_id)
            worker.members = {s for s, c in self.chain_of.items() if c == chain_id}
            worker.lease = worker.reorgs.fence = lease
            worker.on_lease_lost = self._lease_lost
            if self.decode_pool is not None:
                worker.decode_pool = self.decode_pool
            if self._wanted is not None:
                worker.wanted = self._wanted
            worker.task = asyncio.create_task(worker.run(), name=f"ingest-chain-{chain_id}")
            self.workers[chain_id] = worker
        return worker

    async def lease_gained(self, lease: IngestLease) -> None:
        """This instance now holds the chain's lease: ingest its subscriptions known here."""
        if any(c == lease.chain_id for c in self.chain_of.values()):
            self._ensure(lease.chain_id)

    async def lease_lost(self, chain_id: int) -> None:
        """The chain's lease is gone: stop its worker at once (another instance ingests)."""
        worker = self.workers.pop(chain_id, None)
        if worker is None or worker.task is None:
            return
        if worker.task is asyncio.current_task():
            return  # the worker itself found out (LeaseLost) and is returning
        worker.task.cancel()
        await asyncio.gather(worker.task, return_exceptions=True)

    def wake_for(self, subscription_id: int) -> None:
        """Let the subscription's worker step now instead of at its next poll."""
        chain_id = self.chain_of.get(subscription_id)
        worker = self.workers.get(chain_id) if chain_id is not None else None
        if worker is not None:
            worker.wake.set()

    def progress(self, subscription_id: int) -> dict[str, Any] | None:
        """The subscription's backfill progress (the contract's BackfillProgress), if any."""
        chain_id = self.chain_of.get(subscription_id)
        worker = self.workers.get(chain_id) if chain_id is not None else None
        found = worker.progress.get(subscription_id) if worker is not None else None
        if worker is None or found is None:
            return None
        return found.as_json(time.monotonic(), worker.aimd.limit)

    async def stop_for(self, subscription_id: int) -> None:
        """Stop ingesting for this subscription; its chain's worker ends with its last member."""
        chain_id = self.chain_of.pop(subscription_id, None)
        worker = self.workers.get(chain_id) if chain_id is not None else None
        if worker is None:
            return
        worker.members.discard(subscription_id)
        if not worker.members and worker.task is not None:
            self.workers.pop(worker.chain_id, None)
            worker.task.cancel()
            await asyncio.gather(worker.task, return_exceptions=True)

    async def stop_all(self) -> None:
        for subscription_id in list(self.chain_of):
            await self.stop_for(subscription_id)
        if self.decode_pool is not None:
            await self.decode_pool.aclose()  # no worker process outlives the service
