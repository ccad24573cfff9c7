"""The reference service under uvicorn (started by ``cli.main``, which checks the extra first)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import socket
import sys
from pathlib import Path

import uvicorn

from ._app import create_app
from ._backend import check_db, db_error_text, describe_db, make_storage
from ._guard import configured_keys, outbound_policy
from ._protocol import guarded_protocol
from ._redact import install_redaction
from ._settings import Settings, load_settings


class _Server(uvicorn.Server):
    """uvicorn, plus a ready file written once the socket listens (tests wait on it)."""

    ready_file: str | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self.ready_file:
            port = self.servers[0].sockets[0].getsockname()[1]
            info = {"port": port, "pid": os.getpid(), "url": f"http://{self.config.host}:{port}"}
            _write_atomically(self.ready_file, json.dumps(info))

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Streams never end on their own: close them first so connections can drain.
        service = getattr(getattr(self.config.app, "state", None), "service", None)
        if service is not None:
            service.begin_shutdown()
        await super().shutdown(sockets)


def _write_atomically(path: str, text: str) -> None:
    """Readers never see a half-written file (tests poll for it)."""
    tmp = Path(f"{path}.tmp")
    tmp.write_text(text)
    tmp.replace(path)


def serve(args: argparse.Namespace, *, prog: str = "event-streamer-server") -> int:
    """Run the service with parsed options until SIGINT/SIGTERM; the exit code."""
    try:
        settings = load_settings(
            args.config,
            overrides={
                "host": args.host,
                "port": args.port,
                "db": args.db,
                "log_level": args.log_level,
                "api_key": args.api_key,
                "ready_file": args.ready_file,
                "insecure_open": True if getattr(args, "insecure_open", False) else None,
            },
        )
        check_db(settings.db)
        configured_keys(settings)  # bad key entries and host lists: one line, exit 2
        outbound_policy(settings)
    except (OSError, ValueError) as err:
        sys.stderr.write(f"{prog}: {err}\n")
        return 2
    problem = asyncio.run(_database_problem(settings))
    if problem:
        shown = describe_db(settings.db)
        sys.stderr.write(f"{prog}: cannot open the database {shown}: {problem}\n")
        return 3
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # RPC URLs carry credentials: mask them in every record (httpx logs request URLs at INFO).
    install_redaction(handlers=logging.getLogger().handlers)
    config = uvicorn.Config(
        create_app(settings),
        http=guarded_protocol(
            header_timeout=settings.header_timeout, write_timeout=settings.write_timeout
        ),
        timeout_keep_alive=max(1, round(settings.keep_alive_timeout)),
        limit_concurrency=settings.max_connections,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        lifespan="on",
        timeout_graceful_shutdown=5,
        access_log=settings.log_level == "debug",
    )
    server = _Server(config)
    server.ready_file = settings.ready_file
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, restores these handlers and re-raises
    # the signal: exit 0 then, since streams were closed and state committed.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _exit_cleanly)
    asyncio.run(server.serve())
    return 0


async def _database_problem(settings: Settings) -> str | None:
    """Why the database cannot be opened (and migrated), in one line; ``None`` when it can.

    Checked before the server starts, so a database that is down, missing or refusing the
    password is one line on stderr (password masked), not a start-up traceback.
    """
    store = make_storage(settings.db, busy_timeout=settings.db_busy_timeout, pool_size=1)
    try:
        await store.open()
    except Exception as err:  # any driver error is reported the same way
        return db_error_text(err)
    await store.close()
    return None


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)
