"""The lease keeper: gains, renewals, losses and hand-overs, driven pass by pass (``tick``)."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from pathlib import Path

from event_streamer_server._lease import LeaseKeeper, default_instance_id, holder_is_gone
from event_streamer_server._storage import IngestLease, Storage


class Events:
    def __init__(self) -> None:
        self.gained: list[IngestLease] = []
        self.lost: list[int] = []

    async def gain(self, lease: IngestLease) -> None:
        self.gained.append(lease)

    async def loss(self, chain_id: int) -> None:
        self.lost.append(chain_id)


def keeper(storage: Storage, owner: str, ttl: float = 30.0) -> tuple[LeaseKeeper, Events]:
    events = Events()
    k = LeaseKeeper(storage, owner, ttl, on_gain=events.gain, on_loss=events.loss)
    k.want([1])
    return k, events


def dead_pid() -> int:
    """A pid no process can have: above the kernel's maximum."""
    return int(Path("/proc/sys/kernel/pid_max").read_text()) + 1


async def test_one_keeper_holds_the_other_takes_over_after_release(storage: Storage) -> None:
    a, a_events = keeper(storage, "a")
    b, b_events = keeper(storage, "b")
    await a.tick()
    await b.tick()
    assert [lease.token for lease in a_events.gained] == [1]
    assert b_events.gained == []
    assert b.lease(1) is None
    await a.tick()  # a renewal: no new gain
    assert len(a_events.gained) == 1
    await a.stop()  # releases
    assert a_events.lost == [1]
    await b.tick()
    assert [(lease.owner, lease.token) for lease in b_events.gained] == [("b", 2)]


async def test_a_refused_renewal_is_a_loss(storage: Storage) -> None:
    a, a_events = keeper(storage, "a", ttl=0.05)
    b, b_events = keeper(storage, "b")
    await a.tick()
    deadline = time.monotonic() + 5
    while not b_events.gained:
        assert time.monotonic() < deadline, "b never took the expired lease"
        await b.tick()
        await asyncio.sleep(0.01)
    assert b_events.gained[0].token == 2
    await a.tick()
    assert a_events.lost == [1]
    assert a.lease(1) is None


async def test_a_fenced_write_that_lost_gives_the_chain_up(storage: Storage) -> None:
    a, events = keeper(storage, "a")
    await a.tick()
    held = a.lease(1)
    assert held is not None
    await a.lost(IngestLease(1, "a", held.token + 5, 0.0))  # not the current token: ignored
    assert events.lost == []
    await a.lost(held)
    assert events.lost == [1]


async def test_unwanted_chains_are_released(storage: Storage) -> None:
    a, events = keeper(storage, "a")
    await a.tick()
    a.want([])
    await a.tick()
    assert events.lost == [1]
    lease = await storage.get_lease(1)
    assert lease is not None
    assert lease.expires_at <= time.time()


async def test_a_gone_holder_on_this_host_is_replaced_at_once(storage: Storage) -> None:
    gone = f"{socket.gethostname()}-{dead_pid()}-0badcafe"
    assert await storage.acquire_lease(1, gone, 30.0) is not None
    a, events = keeper(storage, "a")
    await a.tick()
    assert [(lease.owner, lease.token) for lease in events.gained] == [("a", 2)]


def test_holder_is_gone_only_for_default_ids_of_dead_local_processes() -> None:
    host = socket.gethostname()
    assert holder_is_gone(f"{host}-{dead_pid()}-0badcafe")
    assert not holder_is_gone(f"{host}-{os.getpid()}-0badcafe")  # this process
    assert not holder_is_gone(f"{host}-{os.getppid()}-0badcafe")  # alive
    assert not holder_is_gone(f"elsewhere-{dead_pid()}-0badcafe")  # another host: cannot tell
    assert not holder_is_gone("soak-1-3")  # not a default id
    assert not holder_is_gone(default_instance_id().rsplit("-", 1)[0] + "-short")
    mine = default_instance_id()
    assert mine.startswith(f"{host}-{os.getpid()}-")
    assert not holder_is_gone(mine)
