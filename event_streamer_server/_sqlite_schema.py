"""The SQLite schema as numbered migrations (``PRAGMA user_version`` says how many ran)."""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

MIGRATIONS: list[str] = [
    # 1: chains, subscriptions, server secrets
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE chains (
        chain_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        rpc_urls TEXT NOT NULL,
        average_block_time REAL NOT NULL,
        max_blocks_per_request INTEGER NOT NULL,
        confirmation_blocks INTEGER NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        topic0 TEXT NOT NULL,
        event_signature TEXT NOT NULL,
        addresses TEXT NOT NULL,
        start_block INTEGER NOT NULL,
        end_block INTEGER,
        chain_id INTEGER NOT NULL,
        subscriber_id TEXT NOT NULL,
        streaming_status TEXT NOT NULL DEFAULT 'idle',
        last_processed_block INTEGER,
        last_block_hash TEXT,
        resume_token TEXT,
        last_event_id TEXT,
        events_delivered INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX subscriptions_by_subscriber ON subscriptions (subscriber_id, id);
    """,
    # 2: delivery: batches (persisted before they are sent), block hashes, decode failures
    """
    ALTER TABLE subscriptions ADD COLUMN next_seq INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        event_count INTEGER NOT NULL,
        events BLOB NOT NULL,
        first_block INTEGER NOT NULL,
        last_block INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        acked_at TEXT,
        UNIQUE (subscription_id, seq)
    );
    CREATE INDEX batches_unacked ON batches (subscription_id, seq) WHERE acked_at IS NULL;
    CREATE TABLE processed_blocks (
        subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        block_number INTEGER NOT NULL,
        block_hash TEXT NOT NULL,
        PRIMARY KEY (subscription_id, block_number)
    );
    CREATE TABLE decode_errors (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        block_number INTEGER,
        transaction_hash TEXT,
        log_index INTEGER,
        error TEXT NOT NULL,
        log TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 3: concurrent backfill: spans fetched at once per chain
    """
    ALTER TABLE chains ADD COLUMN max_concurrent_requests INTEGER NOT NULL DEFAULT 6;
    """,
    # 4: acknowledgement bookkeeping in O(1) (the highest acknowledged seq kept on the
    # subscription, so acks never scan acknowledged history), retention (acknowledged
    # batches found by acknowledgement time), and chains' optional WebSocket endpoint
    """
    ALTER TABLE subscriptions ADD COLUMN acked_seq INTEGER NOT NULL DEFAULT 0;
    UPDATE subscriptions SET acked_seq = COALESCE(
        (SELECT MAX(seq) FROM batches
         WHERE batches.subscription_id = subscriptions.id AND acked_at IS NOT NULL), 0);
    CREATE INDEX batches_acked ON batches (acked_at) WHERE acked_at IS NOT NULL;
    ALTER TABLE chains ADD COLUMN ws_url TEXT;
    """,
    # 5: API keys (issue 16): only a digest of each key is stored.
    """
    CREATE TABLE api_keys (
        key_id TEXT NOT NULL,
        digest TEXT NOT NULL PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('admin', 'subscriber')),
        subscriber_id TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX api_keys_by_id ON api_keys (key_id);
    """,
    # 6: several instances on one store (issue 18): who ingests each chain, fenced by a token
    # that grows on every hand-over (no foreign key: a lease may name a chain not created yet)
    """
    CREATE TABLE ingest_leases (
        chain_id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        token INTEGER NOT NULL,
        expires_at REAL NOT NULL
    );
    """,
    # 7: per-chain finality mode (issue 19): confirmations, safe or finalized
    """
    ALTER TABLE chains ADD COLUMN finality TEXT NOT NULL DEFAULT 'confirmations';
    """,
    # 8: several events per subscription, indexed-argument filters, and reorg notices kept
    # in the delivery sequence as batches of kind 'reorg' (issue 19)
    """
    ALTER TABLE subscriptions ADD COLUMN extra_events TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE subscriptions ADD COLUMN topics TEXT;
    ALTER TABLE batches ADD COLUMN kind TEXT NOT NULL DEFAULT 'events';
    """,
    # 9: batch bodies in a table of their own. SQLite rewrites a whole record whose size
    # changes, overflow pages included, so acknowledging a batch (acked_at NULL -> a time)
    # wrote its 40 KB of events again: as much disk traffic as storing it (measured)
    """
    CREATE TABLE batch_events (
        batch_id TEXT PRIMARY KEY REFERENCES batches (id) ON DELETE CASCADE,
        events BLOB NOT NULL
    );
    INSERT INTO batch_events (batch_id, events) SELECT id, events FROM batches;
    ALTER TABLE batches DROP COLUMN events;
    """,
]
