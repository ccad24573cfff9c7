"""Storage backend selection: ``--db`` / ``db =`` / ``EVENT_STREAMER_DB`` names a SQLite file or a
PostgreSQL URL (``postgresql://`` or ``postgres://``; TCP, or a unix socket via ``?host=/dir``)."""

from __future__ import annotations

import re

from ._redact import redact_text, redact_url
from ._storage import Storage

__all__ = [
    "UnsupportedDatabase",
    "check_db",
    "db_error_text",
    "describe_db",
    "is_postgres_url",
    "make_storage",
]

_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{0,31}://")


class UnsupportedDatabase(ValueError):
    """The ``db`` setting is a URL of a database this service cannot use."""


def is_postgres_url(db: str) -> bool:
    """True for ``postgresql://`` and ``postgres://`` URLs (any case of the scheme)."""
    return db.lower().startswith(_POSTGRES_SCHEMES)


def describe_db(db: str) -> str:
    """``db`` fit for logs: a URL's password (and other secrets) masked."""
    return redact_url(db) if is_postgres_url(db) else db


def db_error_text(err: BaseException) -> str:
    """A database driver's error in one line, fit for stderr (secrets in its text masked)."""
    return redact_text(f"{type(err).__name__}: {err}", mask_keylike=False)


def check_db(db: str) -> None:
    """Raise :class:`UnsupportedDatabase` unless ``db`` is a file path or a PostgreSQL URL."""
    if not isinstance(db, str) or not db.strip():
        raise UnsupportedDatabase("db must be a SQLite file path or a postgresql:// URL")
    if not is_postgres_url(db) and _SCHEME.match(db):
        raise UnsupportedDatabase(
            f"unsupported database URL {redact_url(db)!r}: use a SQLite file path, "
            "postgresql:// or postgres://"
        )


def make_storage(db: str, *, busy_timeout: float = 5.0, pool_size: int = 10) -> Storage:
    """The store ``db`` names, not yet opened (``await store.open()`` connects and migrates).

    ``busy_timeout``: seconds a call waits for SQLite's write lock or a free PostgreSQL pool
    connection before :class:`~event_streamer_server._storage.StorageBusy`. ``pool_size``:
    PostgreSQL connections per instance.
    """
    check_db(db)
    if is_postgres_url(db):
        from ._postgres import PostgresStorage  # asyncpg is only needed for PostgreSQL

        return PostgresStorage(db, pool_size=pool_size, acquire_timeout=busy_timeout)
    from ._sqlite import SQLiteStorage

    return SQLiteStorage(db, busy_timeout=busy_timeout)
