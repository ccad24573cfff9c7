"""Unit-level fixtures: a fresh store per test on every storage backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from event_streamer_server._sqlite import SQLiteStorage
from event_streamer_server._storage import Storage


@pytest.fixture(params=["sqlite"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    """An open, empty store. The PostgreSQL backend (issue 18) joins the parameters."""
    backend = SQLiteStorage(str(tmp_path / "unit.db"))
    await backend.open()
    try:
        yield backend
    finally:
        await backend.close()
