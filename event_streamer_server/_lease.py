"""Ingestion leases: which instance ingests which chain, when several share one store.

A :class:`LeaseKeeper` tries to hold the lease of every chain it is told to want. It acquires
(or renews) each every ``ttl / 3``; a chain whose lease it gains is handed to ``on_gain`` (the
service starts that chain's worker, fenced by the lease), and a lease it loses (renewal refused,
no successful renewal for a whole ``ttl``, or a fenced write that raised ``LeaseLost``) goes to
``on_loss`` at once (the worker stops). Instances that do not hold a chain's lease retry at the
same period, so after a holder is killed a peer takes over within ``ttl + ttl / 3``.

A holder on this machine whose process is gone (its id is ``hostname-pid-random`` with this
host's name and a pid that no longer runs) is released at once instead of after its ``ttl``: a
service restarted after kill -9 does not wait for its own previous life's lease. Fencing keeps
this safe even if the check were wrong: a write under a superseded token writes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ._storage import IngestLease, Storage
from ._time import to_iso

__all__ = ["LeaseKeeper", "default_instance_id", "holder_is_gone", "lease_json"]

logger = logging.getLogger(__name__)


def default_instance_id() -> str:
    """``hostname-pid-random``: unique per process, and says where the process ran."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"


def holder_is_gone(owner: str) -> bool:
    """True when ``owner`` names a process of this host (by default id) that no longer runs."""
    host, sep, rest = owner.rpartition("-")  # rest: the random part
    host, sep2, pid_text = host.rpartition("-")
    if not (sep and sep2 and pid_text.isdigit() and len(rest) == 8):
        return False
    if host != socket.gethostname():
        return False
    pid = int(pid_text)
    if pid == os.getpid() or pid <= 1:
        return False
    try:
        # A killed child not yet reaped by its parent still "exists": state Z is gone too.
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rpartition(")")[2].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def lease_json(lease: IngestLease) -> dict[str, Any]:
    """The contract's ``IngestLease``."""
    return {
        "chain_id": lease.chain_id,
        "owner": lease.owner,
        "token": lease.token,
        "expires_at": to_iso(datetime.fromtimestamp(lease.expires_at, UTC)),
        "active": lease.expires_at > time.time(),
    }


class LeaseKeeper:
    """Holds this instance's ingestion leases (one per wanted chain) and reports changes."""

    def __init__(
        self,
        storage: Storage,
        owner: str,
        ttl: float,
        *,
        on_gain: Callable[[IngestLease], Awaitable[None]],
        on_loss: Callable[[int], Awaitable[None]],
    ) -> None:
        self.storage = storage
        self.owner = owner
        self.ttl = ttl
        self.interval = ttl / 3
        self.held: dict[int, IngestLease] = {}
        self.wanted: set[int] = set()
        self._renewed: dict[int, float] = {}  # chain -> monotonic time of the last renewal
        self._on_gain = on_gain
        self._on_loss = on_loss
        self._poke = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def lease(self, chain_id: int) -> IngestLease | None:
        """The lease this instance holds on the chain, if any."""
        return self.held.get(chain_id)

    def want(self, chain_ids: Iterable[int]) -> None:
        """The chains to hold from now on (others are released at the next pass)."""
        wanted = set(chain_ids)
        if wanted != self.wanted:
            self.wanted = wanted
            self._poke.set()

    def poke(self) -> None:
        """Try now rather than at the next period (a chain just got work here)."""
        self._poke.set()

    async def lost(self, lease: IngestLease) -> None:
        """A fenced write raised ``LeaseLost``: give the chain up now (a later pass may retry)."""
        current = self.held.get(lease.chain_id)
        if current is not None and current.token == lease.token:
            await self._drop(lease.chain_id, "a fenced write found it taken over")

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ingest-leases")

    async def stop(self) -> None:
        """Stop renewing and release every held lease (a peer takes over at once)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for chain_id in list(self.held):
            await self._drop(chain_id, "shutting down")
            try:
                await self.storage.release_lease(chain_id, self.owner)
            except Exception:  # the store may be gone: the lease then expires after its ttl
                logger.warning("chain %d: could not release the ingestion lease", chain_id)

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("ingestion lease pass failed")
            self._poke.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):
                    await self._poke.wait()

    async def tick(self) -> None:
        """One pass: release unwanted chains, acquire or renew wanted ones."""
        for chain_id in sorted(set(self.held) - self.wanted):
            await self._drop(chain_id, "no longer wanted")
            await self.storage.release_lease(chain_id, self.owner)
        for chain_id in sorted(self.wanted):
            await self._keep(chain_id)

    async def _keep(self, chain_id: int) -> None:
        try:
            lease = await self.storage.acquire_lease(chain_id, self.owner, self.ttl)
            if lease is None:
                current = await self.storage.get_lease(chain_id)
                if current is not None and holder_is_gone(current.owner):
                    logger.info(
                        "chain %d: lease holder %s is gone: taking over", chain_id, current.owner
                    )
                    await self.storage.release_lease(chain_id, current.owner)
                    lease = await self.storage.acquire_lease(chain_id, self.owner, self.ttl)
        except Exception as err:
            renewed = self._renewed.get(chain_id)
            if renewed is not None and time.monotonic() - renewed >= self.ttl:
                await self._drop(chain_id, f"not renewed for a whole ttl ({err!r})")
            else:
                logger.warning("chain %d: ingestion lease not renewed: %r", chain_id, err)
            return
        held = self.held.get(chain_id)
        if lease is None:
            if held is not None:
                await self._drop(chain_id, "renewal refused: another instance holds it")
            return
        self._renewed[chain_id] = time.monotonic()
        if held is not None and held.token == lease.token:
            self.held[chain_id] = lease  # renewed: same token, later expiry
            return
        if held is not None:
            await self._drop(chain_id, "token changed")
        self.held[chain_id] = lease
        logger.info("chain %d: ingesting here (lease token %d)", chain_id, lease.token)
        await self._on_gain(lease)

    async def _drop(self, chain_id: int, why: str) -> None:
        lease = self.held.pop(chain_id, None)
        self._renewed.pop(chain_id, None)
        if lease is not None:
            logger.warning("chain %d: ingestion lease lost (%s)", chain_id, why)
            await self._on_loss(chain_id)
