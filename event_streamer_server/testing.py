"""Run the reference service (and, with it, a local chain) for tests: yours and ours.

``start_service()`` starts ``event-streamer-server`` in a child process on a free port with a
temporary database, waits until it listens, and returns a handle whose ``stop()`` ends it by PID
and removes its files. ``local_service()`` is the same as an async context manager. The pytest
plugin in :mod:`event_streamer_server.pytest_plugin` wraps these as fixtures.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ._postgres_embedded import EmbeddedPostgres, EmbeddedPostgresMissing
from .devchain import Anvil, start_anvil, stop_process

__all__ = [
    "EmbeddedPostgres",
    "EmbeddedPostgresMissing",
    "LocalStack",
    "ServiceProcess",
    "StartupError",
    "local_service",
    "local_stack",
    "service",
    "start_local_stack",
    "start_service",
]


class StartupError(RuntimeError):
    """A child process did not come up; the message carries its output."""


@dataclass
class ServiceProcess:
    """A running ``event-streamer-server``."""

    url: str
    pid: int
    db: Path
    workdir: Path
    process: subprocess.Popen[bytes]
    log: Path
    args: list[str] = field(default_factory=list)
    owns_workdir: bool = True
    db_url: str | None = None  # a postgresql:// URL the service runs on (``db`` is then unused)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> int:
        """Graceful stop (SIGTERM), then SIGKILL after ``timeout``. Returns the exit code."""
        return stop_process(self.process, timeout)

    def kill(self) -> None:
        """kill -9: no shutdown hooks run (for crash tests)."""
        if self.alive:
            self.process.kill()
            self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def cleanup(self) -> None:
        self.stop()
        if self.owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _wait_ready(
    process: subprocess.Popen[bytes], ready: Path, log: Path, timeout: float
) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready.exists():
            info: dict[str, object] = json.loads(ready.read_text())
            return info
        if process.poll() is not None:
            raise StartupError(
                f"event-streamer-server exited with {process.returncode}:\n"
                + log.read_text(errors="replace")
            )
        time.sleep(0.02)
    process.kill()
    raise StartupError(
        f"event-streamer-server not ready after {timeout}s:\n" + log.read_text(errors="replace")
    )


# RPC URLs must resolve to public addresses unless allowed: local nodes (anvil) are loopback.
LOCAL_ENV = {"EVENT_STREAMER_ALLOWED_RPC_HOSTS": "127.0.0.1,localhost,::1"}


def start_service(
    *,
    db: str | Path | None = None,
    config: str | Path | None = None,
    api_key: str | None = None,
    workdir: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    extra_args: Sequence[str] = (),
    port: int = 0,
    timeout: float = 30.0,
) -> ServiceProcess:
    """Start the service on 127.0.0.1 and a free port; return once it accepts connections.

    ``db`` defaults to a file in a fresh temporary directory (removed by ``cleanup()``); pass the
    same ``db`` again to restart a service on its existing state. A ``postgresql://`` URL runs
    the service on that database instead.
    """
    owns = workdir is None
    work = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="es-service-"))
    work.mkdir(parents=True, exist_ok=True)
    db_url = str(db) if isinstance(db, str) and "://" in db else None  # PostgreSQL
    db_path = Path(db) if db is not None and db_url is None else work / "event-streamer.db"
    ready = work / f"ready-{time.monotonic_ns()}.json"
    log = work / "service.log"
    args = [
        sys.executable,
        "-m",
        "event_streamer_server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        db_url or str(db_path),
        "--ready-file",
        str(ready),
        *(["--config", str(config)] if config else []),
        *(["--api-key", api_key] if api_key else []),
        *extra_args,
    ]
    with log.open("ab") as out:
        process = subprocess.Popen(
            args,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**LOCAL_ENV, **os.environ, **(env or {})},
        )
    info = _wait_ready(process, ready, log, timeout)
    return ServiceProcess(
        url=str(info["url"]),
        pid=process.pid,
        db=db_path,
        workdir=work,
        process=process,
        log=log,
        args=args,
        owns_workdir=owns,
        db_url=db_url,
    )


@contextlib.contextmanager
def service(**kwargs: object) -> Iterator[ServiceProcess]:
    """``start_service`` as a context manager: stopped and cleaned up on exit, even on error."""
    handle = start_service(**kwargs)  # type: ignore[arg-type]
    try:
        yield handle
    finally:
        handle.cleanup()


@contextlib.asynccontextmanager
async def local_service(**kwargs: object) -> AsyncIterator[ServiceProcess]:
    """Async form of :func:`service`."""
    import asyncio

    handle = await asyncio.to_thread(lambda: start_service(**kwargs))  # type: ignore[arg-type]
    try:
        yield handle
    finally:
        await asyncio.to_thread(handle.cleanup)


@dataclass
class LocalStack:
    """anvil + the service, with the chain registered. ``rpc_url`` is the chain's JSON-RPC URL."""

    service_url: str
    rpc_url: str
    chain_id: int
    anvil: Anvil | None = None
    service: ServiceProcess | None = None

    def stop(self) -> None:
        """Stop what this stack started (by PID) and remove its temporary files."""
        if self.service is not None:
            self.service.cleanup()
        if self.anvil is not None:
            self.anvil.cleanup()


def register_chain(
    service_url: str,
    rpc_url: str,
    chain_id: int,
    *,
    api_key: str | None = None,
    average_block_time: float = 0.1,
    confirmation_blocks: int = 0,
    ws_url: str | None = None,
) -> None:
    """Add the chain to the service unless it is there already (``ws_url``: newHeads push)."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    with httpx.Client(base_url=service_url, headers=headers, timeout=30) as http:
        if http.get(f"/api/chains/{chain_id}").status_code == 200:
            return
        response = http.post(
            "/api/chains",
            json={
                "chain_id": chain_id,
                "name": f"anvil-{chain_id}",
                "rpc_urls": [rpc_url],
                "average_block_time": average_block_time,
                "max_blocks_per_request": 2000,
                "confirmation_blocks": confirmation_blocks,
                **({"ws_url": ws_url} if ws_url else {}),
            },
        )
        if response.status_code not in (201, 409):
            raise StartupError(f"could not register chain {chain_id}: {response.text}")


def start_local_stack(
    *,
    chain_id: int = 31337,
    block_time: float | None = None,
    heartbeat_interval: float = 1.0,
    confirmation_blocks: int = 0,
    average_block_time: float = 0.1,
    service_env: Mapping[str, str] | None = None,
    api_key: str | None = None,
    service_port: int = 0,
    rpc_port: int = 0,
    db: str | Path | None = None,
    ws_push: bool = True,
) -> LocalStack:
    """Start anvil and the service (free ports unless given) and register the chain;
    ``stop()`` ends both. ``ws_push``: register anvil's WebSocket endpoint (newHeads push)."""
    anvil = start_anvil(block_time=block_time, chain_id=chain_id, port=rpc_port)
    try:
        env = {"EVENT_STREAMER_HEARTBEAT_INTERVAL": str(heartbeat_interval), **(service_env or {})}
        handle = start_service(env=env, api_key=api_key, port=service_port, db=db)
    except BaseException:
        anvil.cleanup()
        raise
    stack = LocalStack(handle.url, anvil.url, chain_id, anvil, handle)
    try:
        register_chain(
            handle.url,
            anvil.url,
            chain_id,
            api_key=api_key,
            average_block_time=average_block_time,
            confirmation_blocks=confirmation_blocks,
            ws_url=anvil.url.replace("http://", "ws://", 1) if ws_push else None,
        )
    except BaseException:
        stack.stop()
        raise
    return stack


@contextlib.asynccontextmanager
async def local_stack(**kwargs: Any) -> AsyncIterator[LocalStack]:
    """``start_local_stack`` as an async context manager (stopped even when the body fails)."""
    import asyncio

    stack = await asyncio.to_thread(lambda: start_local_stack(**kwargs))
    try:
        yield stack
    finally:
        await asyncio.to_thread(stack.stop)
