"""Backfill planning, pure: span-size learning, AIMD, the rate-limit throttle, in-order commits."""

from __future__ import annotations

import asyncio

import pytest

from event_streamer_server._backfill import FetchedSpan, SpanSizer, log_cap, run_spans
from event_streamer_server._plan import backfill_limit
from event_streamer_server._rpc import RpcCallerError, RpcRateLimitedError
from event_streamer_server._throttle import Aimd, Throttle, retry_after_seconds
from tests.unit.test_plan import sub


def span(lo: int, hi: int, *, logs: int = 0, refused: list[int] | None = None) -> FetchedSpan:
    return FetchedSpan(lo, hi, [], "0x", pieces=[(hi - lo + 1, logs)], refused=refused or [])


# -- span size --------------------------------------------------------------------------------
def test_a_refusal_teaches_the_widest_piece_that_worked() -> None:
    sizer = SpanSizer(2000)
    assert (sizer.size, sizer.learned) == (2000, False)
    sizer.observe(span(1, 100, refused=[2000]))
    assert (sizer.size, sizer.learned) == (100, True)


def test_the_span_grows_back_after_quiet_spans_and_backs_off_after_refusals() -> None:
    sizer = SpanSizer(400)
    sizer.observe(span(1, 100, refused=[400]))
    for _ in range(sizer.grow_after - 1):
        sizer.observe(span(1, 100, logs=5))
    assert sizer.size == 100
    sizer.observe(span(1, 100, logs=5))
    assert sizer.size == 200  # grown back ...
    assert not sizer.learned  # ... tried by a lone probe first
    sizer.observe(span(1, 100, refused=[200]))
    assert sizer.size == 100
    assert sizer.grow_after == 64  # a fixed cap is probed half as often


def test_dense_responses_do_not_grow_the_span() -> None:
    sizer = SpanSizer(400)
    sizer.observe(span(1, 10, logs=9000, refused=[20]))
    for _ in range(200):
        sizer.observe(span(1, 10, logs=9000))
    assert sizer.size == 10


def test_a_first_small_span_measures_the_density_then_spans_aim_at_the_target() -> None:
    dense = SpanSizer(2000, first=16, target_logs=9000)
    assert (dense.size, dense.learned) == (16, False)  # the first span goes out alone
    dense.observe(span(1, 16, logs=8000))  # 500 logs per block
    assert dense.size == 18  # 9,000 logs
    assert dense.learned  # close to what was fetched: full concurrency at once
    sparse = SpanSizer(2000, first=16, target_logs=9000)
    sparse.observe(span(1, 16, logs=0))
    assert sparse.size == 2000
    assert not sparse.learned  # much wider than fetched: tried by a lone probe first
    sparse.observe(span(17, 116, refused=[2000]))  # a range cap
    assert (sparse.size, sparse.learned) == (100, True)
    later = SpanSizer(2000, first=16, target_logs=9000)
    later.observe(span(1, 16, logs=16))
    later.observe(span(17, 2016, logs=1))  # only the first span jumps to the target
    assert later.size == 2000
    bursty = SpanSizer(2000, first=16, target_logs=9000)
    bursty.observe(span(1, 16, logs=5000))  # a burst: 312 logs per block
    assert bursty.size == 28
    bursty.observe(span(17, 44, logs=0))  # quiet after it: widened at once ...
    assert bursty.size == 2000
    assert not bursty.learned  # ... by a lone probe first
    capped = SpanSizer(2000, first=16, target_logs=9000)
    capped.observe(span(1, 16))
    capped.observe(span(17, 116, refused=[2000]))  # a range cap: no log cap named
    capped.observe(span(117, 216))
    assert capped.size == 100  # light, but the range is capped: only the slow growth
    under_cap = SpanSizer(2000, first=16, target_logs=9000)
    under_cap.cap = 100  # a refusal said "more than 100 results"
    under_cap.observe(span(1, 2, logs=80))  # the first span: 90 logs is the goal
    assert under_cap.size == 2
    under_cap.observe(span(3, 4, logs=80))  # not light under that cap: no widening
    assert under_cap.size == 2
    refused = SpanSizer(2000, first=16, target_logs=9000)
    refused.observe(span(1, 8, logs=9000, refused=[16]))  # too dense even for 16 blocks
    assert (refused.size, refused.learned) == (8, True)
    with pytest.raises(ValueError, match="first"):
        SpanSizer(10, first=0)


# -- learning from a log-cap refusal ----------------------------------------------------------
CAP_ERR = "query returned more than 10000 results"


def test_the_log_cap_is_read_from_the_refusal() -> None:
    assert log_cap(RpcCallerError(CAP_ERR, code=-32005)) == 10_000
    assert log_cap(RpcCallerError("Log response size exceeded: more than 5000 logs")) == 5000
    assert log_cap(RpcCallerError("block range too large")) is None


def test_a_suggested_range_is_the_next_try() -> None:
    sizer = SpanSizer(2000)
    err = RpcCallerError(f"{CAP_ERR}. Try with this block range [0x64, 0x77].", code=-32005)
    assert sizer.next_end(err, 100, 499) == 0x77


def test_without_a_suggestion_a_small_try_measures_the_density_then_spans_fit_the_cap() -> None:
    sizer = SpanSizer(2000)
    err = RpcCallerError(CAP_ERR, code=-32005)
    assert sizer.next_end(err, 1, 400) == 25  # 1/16 of the range: a cheap measurement
    assert sizer.cap == 10_000
    sizer.observe(FetchedSpan(1, 25, [], "0x", pieces=[(25, 12_500)], refused=[400]))
    assert sizer.density == 500
    assert sizer.size == 25  # the piece that worked is wider than 90% of the cap at 500/block
    assert sizer.fitting() == 18
    # Later refusals go straight to the span that fits, not to halves.
    assert sizer.next_end(err, 26, 125) == 26 + 18 - 1


def test_a_range_cap_without_a_suggestion_is_halved() -> None:
    sizer = SpanSizer(2000)
    assert sizer.next_end(RpcCallerError("block range too large"), 1, 100) == 50


def test_a_suggested_range_is_trusted_over_the_density() -> None:
    sizer = SpanSizer(2000)
    sizer.cap, sizer.density = 10_000, 100.0
    sizer.observe(FetchedSpan(1, 20, [], "0x", pieces=[(20, 9_000)], refused=[400], suggested=True))
    assert sizer.size == 20


def test_sizes_are_validated() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        SpanSizer(0)
    with pytest.raises(ValueError, match="at least 1"):
        Aimd(0)


# -- AIMD and the throttle --------------------------------------------------------------------
def test_aimd_halves_on_a_limit_and_grows_back_by_one_per_window() -> None:
    aimd = Aimd(8)
    aimd.on_limited()
    assert aimd.limit == 4
    aimd.on_limited()
    aimd.on_limited()
    aimd.on_limited()
    assert aimd.limit == 1  # never below one
    for _ in range(3):
        aimd.on_success()
    assert aimd.limit == 2
    for _ in range(100):
        aimd.on_success()
    assert aimd.limit == 8  # never above the maximum


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_throttle_honours_retry_after_then_paces_below_the_accepted_rate() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    for _ in range(40):  # 40 accepted within the last second, unpaced
        assert throttle.reserve() == 0
        throttle.on_accepted()
        clock.now += 0.02
    throttle.on_limited(1.0)
    assert throttle.rate == 20.0  # half the accepted rate (it included a burst)
    assert throttle.reserve() == pytest.approx(1.0)  # the gate: Retry-After
    assert throttle.reserve() == pytest.approx(1.05)  # then one slot per 1/20 s
    # A second rejection inside the same gate is the same signal: no second decrease.
    throttle.on_limited(1.0)
    assert throttle.rate == 20.0
    # Quiet seconds raise the rate again.
    clock.now += 2.0
    throttle.on_accepted()
    assert throttle.rate == 21.0


def test_a_limit_before_any_success_only_gates() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    throttle.on_limited(2.0)
    assert throttle.rate is None
    assert throttle.reserve() == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [(None, 1.0), ("3", 3.0), ("0.5", 0.5), ("soon", 1.0), ("-4", 1.0), ("nan", 1.0), ("999", 60)],
)
def test_retry_after_is_parsed_and_bounded(header: str | None, seconds: float) -> None:
    assert retry_after_seconds(header) == seconds


# -- planning -----------------------------------------------------------------------------------
def test_a_backfill_stops_short_of_the_next_busy_cursor() -> None:
    low, high = sub(1, last=10), sub(2, last=500)
    assert backfill_limit([low, high], [low], safe=1000) == 500
    done = sub(3, last=1000)
    assert backfill_limit([low, done], [low], safe=1000) == 1000
    bounded = sub(4, last=10, end=300)
    assert backfill_limit([bounded, high], [bounded], safe=1000) == 300


# -- fetching concurrently, committing in order ----------------------------------------------
async def test_spans_answered_out_of_order_commit_in_block_order() -> None:
    gates: dict[int, asyncio.Event] = {}
    committed: list[tuple[int, int]] = []
    in_flight = 0
    most = 0

    async def fetch(lo: int, hi: int, probe: bool) -> FetchedSpan:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        gate = gates.setdefault(lo, asyncio.Event())
        await gate.wait()
        in_flight -= 1
        return span(lo, hi)

    async def commit(spans: list[FetchedSpan]) -> None:
        for fetched in spans:
            committed.append((fetched.lo, fetched.hi))

    sizer = SpanSizer(10)
    sizer.learned = True
    task = asyncio.create_task(
        run_spans(fetch, commit, 1, 60, sizer=sizer, aimd=Aimd(4), max_spans=100, max_bytes=1 << 20)
    )
    for _ in range(20):  # let the window fill (no I/O: a few loop turns do it)
        await asyncio.sleep(0)
    assert len(gates) == 4
    for lo in sorted(gates, reverse=True):  # answer the latest first
        gates[lo].set()
        await asyncio.sleep(0)
    assert committed == []  # nothing before the first span is in
    while not task.done():
        for gate in list(gates.values()):
            gate.set()
        await asyncio.sleep(0)
    assert await task == 60
    assert committed == [(lo, lo + 9) for lo in range(1, 61, 10)]
    assert most == 4


async def test_a_probe_covers_less_and_the_walk_goes_on_right_after_it() -> None:
    asked: list[tuple[int, int, bool]] = []

    async def fetch(lo: int, hi: int, probe: bool) -> FetchedSpan:
        asked.append((lo, hi, probe))
        if probe:
            return span(lo, lo + 99, refused=[hi - lo + 1])
        return span(lo, hi)

    committed: list[int] = []

    async def commit(spans: list[FetchedSpan]) -> None:
        for fetched in spans:
            committed.append(fetched.hi)

    sizer = SpanSizer(2000)
    last = await run_spans(
        fetch, commit, 1, 500, sizer=sizer, aimd=Aimd(4), max_spans=100, max_bytes=1 << 20
    )
    assert last == 500
    assert asked[0] == (1, 500, True)
    assert all(not probe and hi - lo + 1 <= 100 for lo, hi, probe in asked[1:])
    assert committed == [100, 200, 300, 400, 500]


async def test_a_rate_limit_halves_concurrency_and_the_span_is_asked_again() -> None:
    limited = {21}
    seen: list[int] = []

    async def fetch(lo: int, hi: int, probe: bool) -> FetchedSpan:
        seen.append(lo)
        if lo in limited:
            limited.discard(lo)
            raise RpcRateLimitedError("HTTP 429")
        return span(lo, hi)

    committed: list[int] = []

    async def commit(spans: list[FetchedSpan]) -> None:
        for fetched in spans:
            committed.append(fetched.lo)

    sizer = SpanSizer(10)
    sizer.learned = True
    aimd = Aimd(8)
    await run_spans(fetch, commit, 1, 80, sizer=sizer, aimd=aimd, max_spans=100, max_bytes=1 << 20)
    assert committed == list(range(1, 81, 10))
    assert seen.count(21) == 2
    assert aimd.limit < 8 or aimd._value < 8  # lowered, growing back


async def test_an_error_stops_the_walk_after_the_spans_before_it() -> None:
    committed: list[int] = []

    async def fetch(lo: int, hi: int, probe: bool) -> FetchedSpan:
        if lo == 31:
            raise RpcCallerError("block 31 alone exceeds the node's limit")
        return span(lo, hi)

    async def commit(spans: list[FetchedSpan]) -> None:
        for fetched in spans:
            committed.append(fetched.lo)

    sizer = SpanSizer(10)
    sizer.learned = True
    with pytest.raises(RpcCallerError):
        await run_spans(
            fetch, commit, 1, 100, sizer=sizer, aimd=Aimd(4), max_spans=100, max_bytes=1 << 20
        )
    assert committed == [1, 11, 21][: len(committed)]  # in order, none past the failure
    assert 31 not in committed


async def test_spans_fetched_ahead_are_bounded_in_bytes() -> None:
    first = asyncio.Event()
    launched: list[int] = []
    committed: list[int] = []
    ahead: list[int] = []  # spans launched, not yet committed, at each later commit

    async def fetch(lo: int, hi: int, probe: bool) -> FetchedSpan:
        launched.append(lo)
        if lo == 1:
            await first.wait()
        fetched = span(lo, hi)
        fetched.nbytes = 1000
        return fetched

    async def commit(spans: list[FetchedSpan]) -> None:
        for fetched in spans:
            committed.append(fetched.lo)
        if len(committed) > 40:
            ahead.append(len(launched) - len(committed))

    sizer = SpanSizer(10)
    sizer.learned = True
    task = asyncio.create_task(
        run_spans(fetch, commit, 1, 1000, sizer=sizer, aimd=Aimd(32), max_spans=200, max_bytes=2500)
    )
    for _ in range(50):
        await asyncio.sleep(0)
    burst = len(launched)
    for _ in range(50):
        await asyncio.sleep(0)
    assert len(launched) == burst  # span 1 holds the line: nothing more while 31 KB wait
    first.set()
    assert await task == 1000
    assert committed == list(range(1, 1001, 10))
    # Once sizes are known, a window of 32 spans holds at most 2.5 KB: three spans.
    assert ahead
    assert max(ahead) <= 3


async def test_spans_fetched_together_commit_together_in_order_up_to_the_byte_bound() -> None:
    gate = asyncio.Event()
    commits: list[list[int]] = []

    async def fetch(lo: int, hi: int, probe: bool) -> FetchedSpan:
        if lo == 1:
            await gate.wait()  # the first span is last in: every other one waits on it
        fetched = span(lo, hi)
        fetched.nbytes = 1000
        return fetched

    async def commit(spans: list[FetchedSpan]) -> None:
        commits.append([s.lo for s in spans])

    sizer = SpanSizer(10)
    sizer.learned = True
    task = asyncio.create_task(
        run_spans(
            fetch,
            commit,
            1,
            60,
            sizer=sizer,
            aimd=Aimd(6),
            max_spans=100,
            max_bytes=1 << 20,
            group_bytes=2500,
        )
    )
    for _ in range(20):
        await asyncio.sleep(0)
    assert commits == []
    gate.set()
    assert await task == 60
    # Three ready spans per transaction (the bound is passed by the span that reaches it),
    # every block once, in order.
    assert commits[0] == [1, 11, 21]
    assert [lo for group in commits for lo in group] == list(range(1, 61, 10))


async def test_a_span_that_arrives_alone_is_committed_at_once() -> None:
    """Following the head: nothing waits for a later span to group with."""
    commits: list[list[int]] = []
    more = asyncio.Event()

    async def fetch(lo: int, hi: int, probe: bool) -> FetchedSpan:
        if lo > 1:
            await more.wait()
        return span(lo, hi)

    async def commit(spans: list[FetchedSpan]) -> None:
        commits.append([s.lo for s in spans])

    sizer = SpanSizer(10)
    sizer.learned = True
    task = asyncio.create_task(
        run_spans(
            fetch,
            commit,
            1,
            30,
            sizer=sizer,
            aimd=Aimd(4),
            max_spans=100,
            max_bytes=1 << 20,
            group_bytes=1 << 20,
        )
    )
    for _ in range(20):
        await asyncio.sleep(0)
    assert commits == [[1]]
    more.set()
    assert await task == 30


async def test_a_probe_that_adopts_a_suggestion_lets_the_next_spans_go_at_once() -> None:
    asked: list[tuple[int, int, bool]] = []
    answer = asyncio.Event()
    committed: list[tuple[int, int]] = []

    async def fetch(lo: int, hi: int, probe: bool) -> FetchedSpan:
        asked.append((lo, hi, probe))
        if probe:
            sizer.adopt(lo, lo + 9)  # the provider suggested 10 blocks
            await answer.wait()
            return span(lo, lo + 9)
        return span(lo, hi)

    async def commit(spans: list[FetchedSpan]) -> None:
        committed.extend((s.lo, s.hi) for s in spans)

    sizer = SpanSizer(100)
    task = asyncio.create_task(
        run_spans(fetch, commit, 1, 50, sizer=sizer, aimd=Aimd(8), max_spans=100, max_bytes=1 << 20)
    )
    for _ in range(20):
        await asyncio.sleep(0)
    # The probe still waits for its answer, and the rest of the range is already asked for.
    assert asked[0] == (1, 50, True)
    assert asked[1:] == [(lo, lo + 9, False) for lo in range(11, 51, 10)]
    assert committed == []
    answer.set()
    assert await task == 50
    assert committed == [(lo, lo + 9) for lo in range(1, 51, 10)]
