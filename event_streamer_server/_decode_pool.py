"""Parse, route, decode and encode fetched logs in a worker process, off the event loop's.

Ingestion is CPU bound in one process (parsing ``eth_getLogs`` answers and decoding cost
about 60 ms per 10,000 logs). With ``decode_workers`` > 0 the chain workers keep the answers'
raw bytes (:class:`RawLogs`) and hand a whole commit to :class:`DecodePool`, whose process
parses them, checks the logs' block hashes, routes the logs to each subscription, decodes
(decoders cached per ABI set in the process) and returns encoded batches. A worker that does
not answer within ``timeout`` or dies is killed, the pool is rebuilt on the next commit, and
that commit is processed in a thread instead (:func:`process_commit` is the same code).

``decode_workers = "auto"`` (the default) is :meth:`DecodePool.auto`: one worker where the
machine has two cores or more, started in the background when a backfill begins (or at the
first large commit) and used
for commits of at least ``AUTO_MIN_BYTES`` of answers; smaller commits (live following) stay
in a thread, where they cost less than the copies to another process.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from event_streamer.abi import DecodeLimits, EventDecoder

from ._decode_batches import Decoders, decode_batches
from ._plan import event_keys, route_logs, subscription_events
from ._storage import NewBatch, SubscriptionRow
from ._time import to_iso

__all__ = [
    "CommitJob",
    "CommitResult",
    "DecodePool",
    "RawLogs",
    "SubscriptionResult",
    "process_commit",
]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0  # seconds one commit may take in a worker before it is deemed wedged
_DECODER_SETS = 256  # ABI sets whose decoders a process keeps
# "auto": answers of at least this many bytes (about 3,000 logs) go to the worker process.
AUTO_MIN_BYTES = 2_000_000
# A worker allocates tens of thousands of dicts per commit and frees them by reference
# counting; the default first-generation threshold (700) runs the cycle collector a dozen
# times per commit for nothing (measured: ~10 % of a commit's time).
_WORKER_GC_THRESHOLD = (50_000, 20, 20)
_RETRY_FIRST = 5.0  # seconds in a thread after a pool failure, doubling with each in a row
_RETRY_MAX = 600.0


@dataclass(frozen=True, slots=True)
class RawLogs:
    """One unparsed ``eth_getLogs`` answer: a single call's body (``logs_id`` None), or a
    batch body holding the logs under ``logs_id`` and block ``hi`` under ``block_id``."""

    body: bytes
    logs_id: int | None = None
    block_id: int | None = None


@dataclass(frozen=True, slots=True)
class CommitJob:
    answers: list[RawLogs]  # in block order
    hi: int  # the commit's last block (its hash is in one of the answers)
    subs: list[SubscriptionRow]
    batch_size: int
    limits: DecodeLimits
    stamps: dict[int, str] = field(default_factory=dict)  # block timestamps fetched for us


@dataclass(slots=True)
class SubscriptionResult:
    batches: list[NewBatch]
    hashes: dict[int, str]
    failed: list[tuple[dict[str, Any], str]]  # (log, why it did not decode)
    routed: int


@dataclass(slots=True)
class CommitResult:
    """What a commit stores; ``reorg``: the chain moved during the fetch (retry the step);
    ``missing``: blocks whose logs carry no timestamp (fetch them, then run again)."""

    hi_hash: str | None = None
    reorg: bool = False
    missing: list[int] = field(default_factory=list)
    logs: int = 0
    counts: list[int] = field(default_factory=list)  # logs per answer, in answer order
    subs: list[SubscriptionResult] = field(default_factory=list)


_decoder_sets: OrderedDict[tuple[str, DecodeLimits], Decoders] = OrderedDict()


def _decoders(abis: list[dict[str, Any]], limits: DecodeLimits) -> Decoders:
    """This process's decoders for an ABI set, built once (bounded LRU)."""
    key = (orjson.dumps(abis, option=orjson.OPT_SORT_KEYS).decode(), limits)
    found = _decoder_sets.get(key)
    if found is not None:
        _decoder_sets.move_to_end(key)
        return found
    keys = event_keys(abis)
    built = [EventDecoder(abi, limits=limits) for abi in abis]
    found = {d.topic0: (keys[d.topic0], d) for d in built}
    _decoder_sets[key] = found
    if len(_decoder_sets) > _DECODER_SETS:
        _decoder_sets.popitem(last=False)
    return found


def _parse(answer: RawLogs) -> tuple[list[dict[str, Any]], str | None, bool]:
    """(logs, hash of block hi or None, whether a block-hi answer was in it)."""
    body = orjson.loads(answer.body)
    if answer.logs_id is None:
        return list(body["result"]), None, False
    by_id = {item.get("id"): item for item in body if isinstance(item, dict)}
    logs = by_id[answer.logs_id]["result"]
    block = by_id[answer.block_id]["result"] if answer.block_id is not None else None
    hi_hash = block.get("hash") if isinstance(block, dict) else None
    return list(logs), (str(hi_hash) if hi_hash is not None else None), True


def process_commit(job: CommitJob) -> CommitResult:
    """Parse, check, route, decode, order, cut and encode one commit: runs in a worker
    process (or a thread when the pool is off or failed)."""
    logs: list[dict[str, Any]] = []
    counts: list[int] = []
    hi_hash: str | None = None
    for answer in job.answers:
        part, block_hash, had_block = _parse(answer)
        logs.extend(part)
        counts.append(len(part))
        if had_block:
            hi_hash = block_hash
    result = CommitResult(hi_hash=hi_hash, logs=len(logs), counts=counts)
    if hi_hash is None:
        result.reorg = True  # block hi is not there (any more)
        return result
    hi_hex = None
    # The logs carry their block's hash: one that disagrees with block hi (or with another
    # log of its block) means the chain moved while we read it.
    seen: dict[str, str] = {}
    stamps: dict[str, str] = {}
    missing: set[int] = set()
    for log in logs:
        number, block_hash = log.get("blockNumber"), log.get("blockHash")
        if not isinstance(number, str) or not isinstance(block_hash, str):
            continue
        known = seen.get(number)
        if known is None:
            seen[number] = block_hash
            value = int(number, 16)
            if hi_hex is None and value == job.hi:
                hi_hex = number
                if block_hash != hi_hash:
                    result.reorg = True
                    return result
            raw = log.get("blockTimestamp")
            stamp = job.stamps.get(value)
            if stamp is None and isinstance(raw, str):
                stamp = to_iso(datetime.fromtimestamp(int(raw, 16), UTC))
            if stamp is None:
                missing.add(value)
            else:
                stamps[number] = stamp
        elif known != block_hash:
            result.reorg = True
            return result
    if missing:
        result.missing = sorted(missing)
        return result
    for sub in job.subs:
        result.subs.append(_deliver(sub, logs, stamps, job))
    return result


def _deliver(
    sub: SubscriptionRow, logs: list[dict[str, Any]], stamps: dict[str, str], job: CommitJob
) -> SubscriptionResult:
    decoders = _decoders(subscription_events(sub), job.limits)
    decoded = decode_batches(decoders, route_logs(sub, logs), stamps, job.batch_size)
    failed = [(log, str(err)) for log, err in decoded.failed]  # errors as text: they are pickled
    return SubscriptionResult(decoded.batches, decoded.hashes, failed, decoded.logs)


class DecodePool:
    """A small pool of worker processes for :func:`process_commit` (``workers`` 0: a thread)."""

    def __init__(
        self,
        workers: int,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        min_bytes: int = 0,
        lazy: bool = False,
    ) -> None:
        if workers < 0 or workers > 64:
            raise ValueError("decode workers must be between 0 and 64")
        if not timeout > 0:
            raise ValueError("timeout must be positive")
        if min_bytes < 0:
            raise ValueError("min_bytes must not be negative")
        self.workers = workers
        self.timeout = timeout
        self.min_bytes = min_bytes  # smaller commits run in a thread
        self.lazy = lazy  # start the processes at the first large commit, in the background
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        self._warming: concurrent.futures.Future[None] | None = None
        self._failures = 0  # pool failures in a row
        self._retry_at = 0.0  # monotonic time before which commits stay in a thread
        self.fallbacks = 0  # commits processed in a thread after the pool failed
        self.offloaded = 0  # commits processed in a worker process

    @classmethod
    def from_setting(cls, value: int | str) -> DecodePool:
        """The pool for a ``decode_workers`` setting: a number of processes, or ``"auto"``."""
        if value == "auto":
            return cls.auto()
        return cls(int(value))

    @classmethod
    def auto(cls, cores: int | None = None) -> DecodePool:
        """One lazily started worker for large commits where there are two cores or more
        (the cores this process may run on: a container's CPU set, not the host's)."""
        if cores is None:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        return cls(1 if cores >= 2 else 0, min_bytes=AUTO_MIN_BYTES, lazy=True)

    @property
    def enabled(self) -> bool:
        return self.workers > 0

    def start(self) -> None:
        """Start the worker processes now (spawning and importing take a second or so,
        which the first commit should not wait for); a lazy pool starts at its first large
        commit instead."""
        if self.enabled and not self.lazy:
            self._warm_up()

    def prepare(self) -> None:
        """Large commits are coming (a backfill began): start a lazy pool's processes now,
        in the background, so that fewer of them run in a thread while it starts."""
        if self.enabled and self.lazy and self._executor is None and not self._backing_off():
            self._warm_up()

    def _warm_up(self) -> None:
        try:
            warming = [self._pool().submit(_warm) for _ in range(self.workers)]
        except Exception as err:  # no processes on this host (spawn, semaphores, limits)
            self._failed(self._executor, err)
            return
        self._warming = warming[-1]

    def _backing_off(self) -> bool:
        return time.monotonic() < self._retry_at

    def _ready(self) -> bool:
        """Whether a commit may go to the processes now: not while backing off after a
        failure; a lazy pool once its processes are up."""
        if self._backing_off():
            return False
        if self._executor is None or self._warming is None:
            self._warm_up()
            return not self.lazy and self._executor is not None  # lazy: a thread meanwhile
        return not self.lazy or self._warming.done()

    def _pool(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._executor is None:
            # spawn: no copy of the service's event loop, sockets or threads in the child.
            self._executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
        return self._executor

    async def run(self, job: CommitJob) -> CommitResult:
        """Process ``job`` in a worker process; in a thread if that fails."""
        size = sum(len(answer.body) for answer in job.answers)
        if not self.enabled or size < self.min_bytes or not self._ready():
            return await asyncio.to_thread(process_commit, job)
        executor = self._executor
        assert executor is not None
        try:
            future = executor.submit(process_commit, job)
        except (BrokenProcessPool, RuntimeError) as err:  # broken or shut down meanwhile
            return await self._fall_back(executor, err, job)
        self.offloaded += 1
        try:
            async with asyncio.timeout(self.timeout):
                result = await asyncio.wrap_future(future)
        except (TimeoutError, BrokenProcessPool) as err:
            return await self._fall_back(executor, err, job)
        self._failures = 0
        return result

    async def _fall_back(
        self, executor: concurrent.futures.ProcessPoolExecutor, err: Exception, job: CommitJob
    ) -> CommitResult:
        """The pool failed this commit: end it (see :meth:`_failed`), run the commit in a thread."""
        self._failed(executor, err)
        self.fallbacks += 1
        return await asyncio.to_thread(process_commit, job)

    def _failed(
        self, executor: concurrent.futures.ProcessPoolExecutor | None, err: Exception
    ) -> None:
        """A pool failed (wedged, died, or could not start): end it, run commits in a thread
        for a while (5 s, doubling with each failure in a row, at most 10 minutes), then try a
        new one. Only the pool that failed is ended: another commit may have started the next."""
        if executor is self._executor:  # the current pool (None: it could not be built)
            self._failures += 1
            delay = min(_RETRY_MAX, _RETRY_FIRST * 2 ** (self._failures - 1))
            self._retry_at = time.monotonic() + delay
            logger.warning(
                "decode worker failed (%s: %s): commits run in a thread for %.0f s, then a new "
                "worker is started",
                type(err).__name__,
                err,
                delay,
            )
            self._executor = None
            self._warming = None
        if executor is not None:
            _kill(executor)

    async def aclose(self) -> None:
        """Stop the worker processes (waits for them, bounded; kills what remains)."""
        executor, self._executor = self._executor, None
        self._warming = None
        if executor is None:
            return
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            await asyncio.to_thread(process.join, 5)
            if process.is_alive():
                process.kill()
                await asyncio.to_thread(process.join, 5)


def _kill(executor: concurrent.futures.ProcessPoolExecutor) -> None:
    """End a pool's processes now (a wedged worker does not finish by itself). Its waiting
    commits are not cancelled: they fail with ``BrokenProcessPool`` and run in a thread."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.kill()
    executor.shutdown(wait=False, cancel_futures=False)
    for process in processes:
        process.join(timeout=5)


def _warm() -> None:
    """Nothing: unpickling it imports this module (and the decoder) in the worker."""


_PR_SET_PDEATHSIG = 1


def _init_worker(parent: int) -> None:
    """In a worker: end with the service, and collect cycles rarely (see the threshold)."""
    _watch_parent(parent)
    gc.freeze()  # the imported modules: never scanned again
    gc.set_threshold(*_WORKER_GC_THRESHOLD)


def _watch_parent(parent: int) -> None:
    """In a worker: end with the service, even when it is killed (SIGKILL runs no cleanup,
    and a spawned worker holds its queue's both ends, so it would wait forever)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)  # the parent died before the signal was set up

    def watch() -> None:  # where prctl is missing (or the spawning thread ends first)
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
