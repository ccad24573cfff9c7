"""Backfill: fetch several ``eth_getLogs`` spans at once, commit them strictly in block order.

When a group of subscriptions is far behind the head, :func:`run_spans` keeps up to
``Aimd.limit`` spans in flight (sized by :class:`SpanSizer`, which learns the span the provider
accepts from its first refusal: the range it suggests, else the logs per block seen under the
cap it names; and grows it back when responses are small) and hands finished spans to
``commit`` in block order only, several at once when several are ready (one transaction): a
later span that arrives first waits for the earlier ones, so a crash commits no gap. Spans
fetched ahead are bounded in count and in (estimated) bytes. A rate-limit answer halves the
concurrency and the span is asked again once the endpoint's ``Retry-After`` has passed
(:class:`~._throttle.Throttle` holds every caller back until then).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ._decode_pool import CommitResult
from ._ranges import suggested_end
from ._rpc import RpcCallerError, RpcRateLimitedError
from ._throttle import Aimd

__all__ = [
    "BackfillProgress",
    "FetchedSpan",
    "SpanSizer",
    "log_bytes",
    "log_cap",
    "run_spans",
]

logger = logging.getLogger(__name__)

# Consecutive spans with small responses before trying a wider span; doubled after every
# refusal (a range-capped provider refuses every try), at most _GROW_AFTER_MAX.
_GROW_AFTER = 32
_GROW_AFTER_MAX = 4096
_SMALL_RESPONSE = 1000  # logs
_RATE_LIMIT_RETRIES = 16
# A span sized from density aims at this share of the provider's log cap (density varies).
_CAP_SHARE = 0.9
# A log-cap refusal with nothing else to go by: the next try covers this share of the range
# (a small answer measures the density, and the span after it is sized from that).
_DENSITY_PROBE = 16
_LOG_CAP = re.compile(r"more than (\d+) (?:results|logs)", re.IGNORECASE)


def log_cap(err: RpcCallerError) -> int | None:
    """The provider's cap on logs per answer, when its refusal says it
    ("query returned more than 10000 results")."""
    found = _LOG_CAP.search(str(err))
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None


@dataclass(slots=True)
class FetchedSpan:
    """Blocks ``lo..hi`` fetched: their logs, the hash of block ``hi``, an estimated size."""

    lo: int
    hi: int
    logs: list[dict[str, Any]]
    hi_hash: str
    nbytes: int = 0
    pieces: list[tuple[int, int]] = field(default_factory=list)  # (blocks, logs) per call
    refused: list[int] = field(default_factory=list)  # blocks of each refused call
    suggested: bool = False  # a refusal named the range to use instead
    # With a decode pool: the span already parsed, checked, decoded and encoded for every
    # member of its group (``logs`` is then empty).
    decoded: CommitResult | None = None


_SIZE_SAMPLE = 64  # logs measured to estimate a response's size


def log_bytes(logs: list[dict[str, Any]]) -> int:
    """About how much memory these logs hold (their JSON text, a little overhead per log),
    estimated from up to 64 logs spread over the list (a span can hold 10,000 or more)."""
    if not logs:
        return 0
    step = max(1, len(logs) // _SIZE_SAMPLE)
    sample = logs[::step]
    measured = sum(
        400 + len(str(log.get("data", ""))) + 70 * len(log.get("topics") or ()) for log in sample
    )
    return measured * len(logs) // len(sample)


@dataclass(slots=True)
class BackfillProgress:
    """One subscription's backfill, for the processing status."""

    from_block: int
    to_block: int
    done_to: int  # last block committed
    started: float  # monotonic seconds
    logs: int = 0

    def as_json(self, now: float, concurrency: int) -> dict[str, Any]:
        elapsed = max(now - self.started, 1e-6)
        return {
            "from_block": self.from_block,
            "to_block": self.to_block,
            "blocks_done": max(0, self.done_to - self.from_block + 1),
            "blocks_total": self.to_block - self.from_block + 1,
            "logs": self.logs,
            "logs_per_second": round(self.logs / elapsed, 1),
            "concurrency": concurrency,
        }


class SpanSizer:
    """The span (in blocks) the provider accepts, learned from its refusals.

    After a span that needed splitting, use the widest piece that worked, or, when the
    provider said its cap on logs per answer, the span that the density seen so far (logs per
    block) fits under that cap, whichever is wider. After
    ``grow_after`` spans in a row with small responses, try twice as wide (never past
    ``maximum``), so a span narrowed by one dense stretch grows back; every refusal after
    that doubles ``grow_after`` (a fixed range cap is not probed over and over).

    With ``first``, the first span covers only that many blocks, to measure the density
    before any wide request, and the spans after it aim at ``target_logs`` logs each (never
    past ``maximum``): a dense history then starts at full concurrency without a refusal, and
    a sparse one pays one small request before its first wide span (which goes out alone).
    A light span (under a quarter of the target) widens the span to the target at once, until
    a refusal that names no log cap says the provider caps the range.
    """

    def __init__(
        self, maximum: int, *, first: int | None = None, target_logs: int | None = None
    ) -> None:
        if maximum < 1:
            raise ValueError("maximum must be at least 1")
        if (first is not None and first < 1) or (target_logs is not None and target_logs < 1):
            raise ValueError("first and target_logs must be at least 1")
        self.maximum = maximum
        self.size = maximum if first is None else min(maximum, first)
        self.target_logs = target_logs
        self._measuring = first is not None  # the first span measures the density
        self._range_capped = False  # a refusal named no log cap: grow only slowly
        self.learned = False  # a span has been fetched at this size without refusal
        self._quiet = 0
        self.grow_after = _GROW_AFTER
        self._grown = False
        self.cap: int | None = None  # logs per answer, once a refusal said it
        self.density: float | None = None  # logs per block in the latest answered span
        # Told when a probe adopts the provider's suggested range (run_spans launches the
        # spans after it at once instead of waiting for the probe's answer).
        self.on_adopt: Callable[[int, int], None] | None = None

    def adopt(self, lo: int, hi: int) -> None:
        """A probe narrowed to ``lo..hi``, the range the provider suggested: use its width."""
        self.size = max(1, min(self.maximum, hi - lo + 1))
        self.learned = True
        if self.on_adopt is not None:
            self.on_adopt(lo, hi)

    def fitting(self) -> int | None:
        """Blocks that fit under the known log cap at the known density (None: unknown)."""
        if self.cap is None or self.density is None:
            return None
        return self._blocks_holding(self.cap * _CAP_SHARE)

    def _blocks_holding(self, logs: float) -> int:
        """Blocks that hold about ``logs`` logs at the known density (1..maximum)."""
        if self.density is None or self.density <= 0:
            return self.maximum
        return max(1, min(self.maximum, int(logs / self.density)))

    def next_end(self, err: RpcCallerError, lo: int, hi: int) -> int:
        """The last block of the next try after ``lo..hi`` was refused (``lo < hi``): the
        provider's suggested range; else, under a log cap, the span the density seen so far
        fits (or a small share of the range, to measure it); else half the range."""
        suggested = suggested_end(err, lo, hi)
        if suggested is not None:
            return suggested
        cap = log_cap(err)
        if cap is None:
            return (lo + hi) // 2
        self.cap = cap
        blocks = self.fitting()
        if blocks is None or blocks >= hi - lo + 1:
            blocks = max(1, (hi - lo + 1) // _DENSITY_PROBE)
        return min(hi - 1, lo + blocks - 1)

    def observe(self, span: FetchedSpan) -> None:
        blocks = sum(b for b, _ in span.pieces)
        logs = sum(n for _, n in span.pieces)
        if blocks:
            self.density = logs / blocks
        measuring, self._measuring = self._measuring, False
        if span.refused:
            widest = max((blocks for blocks, _ in span.pieces), default=1)
            fits = None if span.suggested else self.fitting()
            self.size = max(1, min(self.size, max(widest, fits or 0)))
            if self._grown:  # a refusal of a grown span: grow back less eagerly
                self.grow_after = min(_GROW_AFTER_MAX, self.grow_after * 2)
            if self.cap is None:  # no log cap named: a cap on the range (or on the bytes)
                self._range_capped = True
            self._grown = False
            self.learned = True
            self._quiet = 0
            return
        self.learned = True
        if self.target_logs is not None and self.density is not None:
            goal = self.target_logs  # under a log cap the provider named, too
            if self.cap is not None:
                goal = max(1, min(goal, int(self.cap * _CAP_SHARE)))
            aimed = self._blocks_holding(goal)
            # The first span sets the size; later, a light span (a quarter of the goal)
            # widens it at once where no range cap is known (a burst is not the norm).
            light = logs < goal // 4 and not self._range_capped
            if measuring or (light and aimed > self.size):
                # Much wider than what was fetched: the first such span goes out alone (a
                # range cap refuses one request, not one per span in flight).
                self.learned = aimed <= 2 * max(blocks, 1)
                self._grown = aimed > self.size
                self.size = aimed
                return
        if all(n < _SMALL_RESPONSE for _, n in span.pieces):
            self._quiet += 1
        else:
            self._quiet = 0
        if self._quiet >= self.grow_after and self.size < self.maximum:
            self.size = min(self.maximum, self.size * 2)
            self._quiet = 0
            self._grown = True
            # The wider span goes out alone, as a probe: a refusal costs one request, not
            # one per span in flight.
            self.learned = False


# fetch(lo, hi, probe): with ``probe`` the fetch may cover less (lo..x, x < hi) and return
# after its first accepted call, so a too-wide first guess costs one refusal, not a walk.
FetchSpan = Callable[[int, int, bool], Awaitable[FetchedSpan]]
# commit(spans): consecutive spans, in block order, committed together (one transaction).
CommitSpans = Callable[[list[FetchedSpan]], Awaitable[None]]


async def run_spans(
    fetch: FetchSpan,
    commit: CommitSpans,
    lo: int,
    hi: int,
    *,
    sizer: SpanSizer,
    aimd: Aimd,
    max_spans: int,
    max_bytes: int,
    group_bytes: int = 0,
    before_commit: Callable[[bool], None] | None = None,
) -> int:
    """Fetch ``lo..hi`` in spans, concurrently, and ``commit`` them in block order.

    Spans already fetched when the first of them is due are committed together, up to
    ``group_bytes`` (estimated) per commit: behind the head this saves a transaction (an fsync)
    per span, and nothing waits for a span to group it with, so a caught-up worker commits
    each span as soon as it arrives. The next spans are launched before a commit, so fetching
    overlaps committing. Stops launching after ``max_spans`` spans (the caller's step then
    re-plans); returns the last block committed. ``before_commit(later_fetched)`` runs before
    each commit (crash points in tests: whether a span after the first committed one is
    already fetched). An error cancels the spans in flight and propagates; everything
    committed before it stays committed.
    """
    inflight: deque[tuple[int, int, asyncio.Task[FetchedSpan]]] = deque()
    next_lo = lo
    launched = 0
    stopping = False
    largest = 0  # bytes of the largest span seen: what one still in flight may hold
    committed = lo - 1

    def ahead_bytes() -> int:
        """Bytes held or expected by the spans in flight (fetched ones by their size)."""
        nonlocal largest
        ready = [
            t.result().nbytes
            for _, _, t in inflight
            if t.done() and not t.cancelled() and t.exception() is None
        ]
        largest = max([largest, *ready])
        return sum(ready) + (len(inflight) - len(ready)) * largest

    async def fetch_retrying(a: int, b: int, probe: bool) -> FetchedSpan:
        for attempt in range(_RATE_LIMIT_RETRIES):
            try:
                span = await fetch(a, b, probe)
            except RpcRateLimitedError:
                aimd.on_limited()
                if attempt + 1 == _RATE_LIMIT_RETRIES:
                    raise
                continue  # the endpoint's throttle holds the next attempt back
            aimd.on_success()
            return span
        raise AssertionError("unreachable")

    def launch() -> None:
        """Launch while the window allows: before the first answer teaches the span size,
        only one span goes out (a too-wide guess would be refused several times over)."""
        nonlocal next_lo, launched
        while (
            not stopping
            and next_lo <= hi
            and launched < max_spans
            and len(inflight) < (aimd.limit if sizer.learned else 1)
            and ahead_bytes() < max_bytes
        ):
            end = min(hi, next_lo + sizer.size - 1)
            probe = not sizer.learned
            task = asyncio.create_task(fetch_retrying(next_lo, end, probe))
            # Every answer frees a place in the window: fill it at once, even while the
            # loop below is busy committing.
            task.add_done_callback(lambda _: launch())
            inflight.append((next_lo, end, task))
            next_lo = end + 1
            launched += 1

    def adopted(a: int, b: int) -> None:
        """The lone probe now covers ``a..b`` (the provider's suggestion): go on after it."""
        nonlocal next_lo
        if len(inflight) == 1 and inflight[0][0] == a and b < inflight[0][1]:
            inflight[0] = (a, b, inflight[0][2])
            next_lo = b + 1
            launch()

    sizer.on_adopt = adopted
    try:
        while next_lo <= hi or inflight:
            launch()
            if not inflight:
                break
            first = inflight[0][2]
            if not first.done():
                # Wait for the first span, or any (to learn sizes and launch more), and fail
                # fast when any span failed.
                await asyncio.wait([t for _, _, t in inflight], return_when=asyncio.FIRST_COMPLETED)
                for _, _, t in inflight:
                    if t.done() and t.exception() is not None:
                        await t  # raises
                if not first.done():
                    continue
            ready: list[FetchedSpan] = []
            nbytes = 0
            while inflight and inflight[0][2].done() and (not ready or nbytes < group_bytes):
                _, end, task = inflight.popleft()
                span = task.result()
                if span.hi < end:  # a probe covered less: go on right after it
                    assert not inflight, "only a lone probe may cover less than asked"
                    next_lo = span.hi + 1
                sizer.observe(span)
                ready.append(span)
                nbytes += span.nbytes
            launch()  # what the answers taught goes out before the commit, not after it
            if before_commit is not None:
                before_commit(len(ready) > 1 or any(t.done() for _, _, t in inflight))
            await commit(ready)
            committed = ready[-1].hi
        return committed
    finally:
        stopping = True
        sizer.on_adopt = None
        for _, _, task in inflight:
            task.cancel()
        for _, _, task in inflight:
            with contextlib.suppress(BaseException):
                await task
