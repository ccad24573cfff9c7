"""Circuit breakers and failover, against scripted JSON-RPC nodes on real sockets."""

from __future__ import annotations

import pytest

from event_streamer_server._rpc import RpcCallerError, RpcPool, RpcUnavailableError
from event_streamer_server._settings import BreakerSettings
from tests._fakenode import FakeNode

SETTINGS = BreakerSettings(
    failure_threshold=3,
    recovery_timeout=30.0,
    success_threshold=2,
    half_open_max_calls=1,
    timeout=2.0,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def pool(clock: Clock) -> RpcPool:
    rpc = RpcPool(SETTINGS, clock=clock)
    yield rpc
    await rpc.aclose()


async def test_failures_open_then_recovery_half_opens_then_closes(
    pool: RpcPool, clock: Clock, node_factory: type[FakeNode]
) -> None:
    node = node_factory()
    pool.configure(31337, [node.url])
    breaker = pool.chain_breakers(31337)[0]
    node.mode = "http500"
    for _ in range(3):
        with pytest.raises(RpcUnavailableError):
            await pool.call(31337, "eth_blockNumber", [])
    assert breaker.state == "open"
    sent = node.calls["eth_blockNumber"]
    with pytest.raises(RpcUnavailableError, match="circuit open"):
        await pool.call(31337, "eth_blockNumber", [])
    assert node.calls["eth_blockNumber"] == sent  # an open breaker sends nothing

    node.mode = "ok"
    clock.now += SETTINGS.recovery_timeout
    assert breaker.state == "half_open"
    assert await pool.call(31337, "eth_blockNumber", []) == hex(node.head)
    assert breaker.state == "half_open"  # needs success_threshold (2) successes
    await pool.call(31337, "eth_blockNumber", [])
    assert breaker.state == "closed"
    assert breaker.state_transitions == {
        "closed->open": 1,
        "open->half_open": 1,
        "half_open->closed": 1,
    }


async def test_half_open_failure_reopens(
    pool: RpcPool, clock: Clock, node_factory: type[FakeNode]
) -> None:
    node = node_factory()
    pool.configure(31337, [node.url])
    breaker = pool.chain_breakers(31337)[0]
    node.mode = "rpc_error"
    for _ in range(3):
        with pytest.raises(RpcUnavailableError):
            await pool.call(31337, "eth_blockNumber", [])
    clock.now += SETTINGS.recovery_timeout
    with pytest.raises(RpcUnavailableError):
        await pool.call(31337, "eth_blockNumber", [])
    assert breaker.state == "open"
    assert breaker.half_open_calls == 1


async def test_half_open_probes_are_bounded(
    pool: RpcPool, clock: Clock, node_factory: type[FakeNode]
) -> None:
    node = node_factory()
    pool.configure(31337, [node.url])
    breaker = pool.chain_breakers(31337)[0]
    for _ in range(3):
        breaker.record_failure(1.0)
    clock.now += SETTINGS.recovery_timeout
    assert breaker.try_acquire() is True
    assert breaker.try_acquire() is False  # half_open_max_calls = 1 probe in flight
    breaker.record_success(1.0)
    assert breaker.try_acquire() is True


async def test_failover_moves_to_the_next_url_and_skips_open_breakers(
    pool: RpcPool, node_factory: type[FakeNode]
) -> None:
    primary, backup = node_factory(), node_factory()
    pool.configure(31337, [primary.url, backup.url])
    primary.mode = "http500"
    for _ in range(5):
        assert await pool.call(31337, "eth_chainId", []) == hex(31337)
    first, second = pool.chain_breakers(31337)
    assert first.state == "open"
    assert primary.calls["eth_chainId"] == SETTINGS.failure_threshold  # then skipped
    assert backup.calls["eth_chainId"] == 5
    assert second.metrics()["success_rate"] == 100.0
    assert first.metrics()["failure_rate"] == 100.0
    assert first.metrics()["average_response_time"] > 0


async def test_refused_connections_count_as_failures(
    pool: RpcPool, node_factory: type[FakeNode]
) -> None:
    dead, alive = node_factory(), node_factory()
    dead.stop()
    pool.configure(31337, [dead.url, alive.url])
    assert await pool.call(31337, "eth_chainId", []) == hex(31337)
    assert pool.chain_breakers(31337)[0].failure_count == 1


async def test_caller_faults_do_not_fail_over_or_count(
    pool: RpcPool, node_factory: type[FakeNode]
) -> None:
    primary, backup = node_factory(), node_factory()
    pool.configure(31337, [primary.url, backup.url])
    primary.mode = "range_error"
    for _ in range(5):
        with pytest.raises(RpcCallerError, match="more than 10000 results"):
            await pool.call(31337, "eth_getLogs", [{}])
    first = pool.chain_breakers(31337)[0]
    assert first.state == "closed"
    assert first.failure_count == 0
    assert backup.calls["eth_getLogs"] == 0


async def test_reconfigure_keeps_state_of_unchanged_urls(
    pool: RpcPool, node_factory: type[FakeNode]
) -> None:
    a, b = node_factory(), node_factory()
    pool.configure(31337, [a.url])
    pool.chain_breakers(31337)[0].record_failure(5.0)
    pool.configure(31337, [b.url, a.url])
    kept = pool.chain_breakers(31337)[1]
    assert kept.rpc_url == a.url
    assert kept.failure_count == 1
    assert kept.name == "rpc:31337:1"
    assert set(pool.breakers) == {"rpc:31337:0", "rpc:31337:1"}
