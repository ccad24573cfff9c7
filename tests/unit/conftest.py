"""Unit-level fixtures: a fresh store per test on every storage backend.

``storage`` runs each test on SQLite (a file in the test's temp dir) and on PostgreSQL (a new
database on the session's embedded server, see ``tests/_pg.py``). ``store_factory`` makes more
(unopened) stores on the same file or database, for tests of several stores at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from event_streamer_server._postgres import PostgresStorage
from event_streamer_server._sqlite import SQLiteStorage
from event_streamer_server._storage import Storage
from tests._pg import PgServer, pg_server

__all__ = ["pg_server", "storage", "store_factory"]

StoreFactory = Callable[[], SQLiteStorage | PostgresStorage]


@pytest.fixture(params=["sqlite", "postgres"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """New store objects on one fresh location (a SQLite file or a PostgreSQL database)."""
    if request.param == "postgres":
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.database()
        return lambda: PostgresStorage(url, pool_size=4)
    path = str(tmp_path / "unit.db")
    return lambda: SQLiteStorage(path)


@pytest.fixture
async def storage(store_factory: StoreFactory) -> AsyncIterator[Storage]:
    """An open, empty store on each backend."""
    backend = store_factory()
    await backend.open()
    try:
        yield backend
    finally:
        await backend.close()
