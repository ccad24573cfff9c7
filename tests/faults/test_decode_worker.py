"""The decode worker processes (``_decode_pool.DecodePool``): a wedged or slow worker does
not hang a commit (bounded wait, pool killed, the commit done in a thread), closing leaves no
process behind, and a service killed with SIGKILL takes its workers with it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from event_streamer.abi import DecodeLimits
from event_streamer_server import _decode_pool as decode_pool
from event_streamer_server._decode_pool import CommitJob, DecodePool, RawLogs, process_commit
from tests.unit.test_backfill_decode import transfer
from tests.unit.test_decode_pool_commit import stamped, sub

ROOT = Path(__file__).resolve().parents[2]


def a_job() -> CommitJob:
    logs = stamped([transfer(10 + i // 5, i % 5, i) for i in range(20)])
    body = orjson.dumps([{"id": 1, "result": logs}, {"id": 2, "result": {"hash": f"0x{13:064x}"}}])
    return CommitJob([RawLogs(body, 1, 2)], 13, [sub(1)], 7, DecodeLimits())


def gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"  # a zombie has ended


def wait_gone(pids: list[int], deadline: float = 20.0) -> list[int]:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        left = [p for p in pids if not gone(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [p for p in pids if not gone(p)]


def worker_pids(pool: DecodePool) -> list[int]:
    executor = pool._executor
    assert executor is not None
    return [p.pid for p in (executor._processes or {}).values() if p.pid is not None]


def test_a_worker_process_gives_what_a_thread_gives_and_closes_cleanly() -> None:
    async def main() -> None:
        pool = DecodePool(1, timeout=60)
        pool.start()
        pids = worker_pids(pool)
        assert len(pids) == 1
        result = await pool.run(a_job())
        again = await pool.run(a_job())  # decoders cached in the worker: same output
        expected = process_commit(a_job())
        for got in (result, again):
            assert [b.events_json for b in got.subs[0].batches] == [
                b.events_json for b in expected.subs[0].batches
            ]
        assert pool.fallbacks == 0
        await pool.aclose()
        assert wait_gone(pids) == []

    asyncio.run(main())


def test_a_worker_that_does_not_answer_in_time_is_killed_and_the_commit_runs_in_a_thread() -> None:
    async def main() -> None:
        # Spawning and importing take far longer than 1 ms: the first wait runs out.
        pool = DecodePool(1, timeout=0.001)
        result = await pool.run(a_job())
        assert pool.fallbacks == 1
        assert sum(b.event_count for b in result.subs[0].batches) == 20
        assert pool._executor is None  # rebuilt on the next commit
        await pool.aclose()

    asyncio.run(main())


def test_workers_end_when_their_service_is_killed() -> None:
    script = (
        "import os, signal, sys\n"
        "from event_streamer_server._decode_pool import DecodePool\n"
        "pool = DecodePool(2, timeout=60)\n"
        "pool.start()\n"
        "futures = [pool._executor.submit(os.getpid) for _ in range(8)]\n"
        "print(*sorted({f.result(timeout=60) for f in futures}), flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == -9, done.stderr
    pids = [int(p) for p in done.stdout.split()]
    assert pids
    assert os.getpid() not in pids
    assert wait_gone(pids) == []


def test_commits_waiting_behind_a_wedged_worker_all_finish_in_a_thread() -> None:
    async def main() -> None:
        pool = DecodePool(1, timeout=1.0)
        pool.start()
        assert pool._warming is not None
        await asyncio.wrap_future(pool._warming)
        executor = pool._executor
        assert executor is not None
        executor.submit(time.sleep, 60)  # the only worker is stuck
        began = time.monotonic()
        results = await asyncio.gather(*(pool.run(a_job()) for _ in range(4)))
        assert time.monotonic() - began < 20
        # None was cancelled with the pool: each ran in a thread (one timed out, the others
        # found the pool broken), and the chain's ingestion would have gone on.
        assert [sum(b.event_count for b in r.subs[0].batches) for r in results] == [20] * 4
        assert pool.fallbacks == 4
        assert pool._executor is None
        assert (await pool.run(a_job())).logs == 20  # backing off: a thread, no new pool
        assert pool._executor is None
        await pool.aclose()

    asyncio.run(main())


def test_a_pool_that_cannot_start_leaves_commits_in_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[int] = []

    def no_processes(*args: object, **kwargs: object) -> None:
        built.append(1)
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(decode_pool.concurrent.futures, "ProcessPoolExecutor", no_processes)

    async def main() -> None:
        pool = DecodePool(1, lazy=True)
        pool.prepare()  # logged, not raised
        assert built == [1]
        for _ in range(3):
            assert (await pool.run(a_job())).logs == 20
        assert built == [1]  # backing off: not rebuilt for every commit
        await pool.aclose()

    asyncio.run(main())
