"""Unit-level fixtures: a fresh store per test on every storage backend.

``storage`` runs each test on SQLite (a file in the test's temp dir) and on PostgreSQL (a new
database on the session's embedded server, see ``tests/_pg.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from event_streamer_server._postgres import PostgresStorage
from event_streamer_server._sqlite import SQLiteStorage
from event_streamer_server._storage import Storage
from tests._pg import PgServer, pg_server

__all__ = ["pg_server", "storage"]


@pytest.fixture(params=["sqlite", "postgres"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    """An open, empty store on each backend."""
    backend: SQLiteStorage | PostgresStorage
    if request.param == "postgres":
        server: PgServer = request.getfixturevalue("pg_server")
        backend = PostgresStorage(server.database(), pool_size=4)
    else:
        backend = SQLiteStorage(str(tmp_path / "unit.db"))
    await backend.open()
    try:
        yield backend
    finally:
        await backend.close()
