"""The catalog's schema, as numbered migrations applied in order, once each."""

from __future__ import annotations

import sqlite3

__all__ = ["MIGRATIONS", "migrate"]

MIGRATIONS: list[str] = [
    # 1: sources, their fetch state, runs, and the current listings.
    """
    CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        url TEXT NOT NULL,
        definition TEXT NOT NULL,          -- the Source as JSON
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE fetch_state (
        source_id TEXT PRIMARY KEY REFERENCES sources(id),
        etag TEXT,
        last_modified TEXT,
        last_attempt_at TEXT,
        last_success_at TEXT,
        error_count INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id TEXT NOT NULL REFERENCES sources(id),
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'unchanged', 'failed')),
        added INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        removed INTEGER NOT NULL DEFAULT 0,
        invalid INTEGER NOT NULL DEFAULT 0,
        error TEXT,                        -- why a failed run failed (stage: message)
        record_errors TEXT NOT NULL DEFAULT '[]'  -- JSON list, one line per skipped record
    );
    CREATE INDEX runs_by_source ON runs(source_id, id);
    CREATE TABLE listings (
        id TEXT PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id),
        source_record_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        document TEXT NOT NULL,            -- the Listing as JSON
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL
    );
    CREATE INDEX listings_by_source ON listings(source_id);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta (key, value) VALUES ('change_seq', '0');
    """,
    # 2: removal at source with a grace period, quarantined runs, richer run reports.
    # SQLite cannot change a CHECK constraint in place: runs is rebuilt with its rows.
    """
    ALTER TABLE listings ADD COLUMN missing_since TEXT;
    ALTER TABLE listings ADD COLUMN missing_runs INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE runs_v2 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id TEXT NOT NULL REFERENCES sources(id),
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('ok', 'unchanged', 'failed', 'quarantined')),
        added INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        removed INTEGER NOT NULL DEFAULT 0,
        missing INTEGER NOT NULL DEFAULT 0,
        invalid INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        record_errors TEXT NOT NULL DEFAULT '[]',
        warnings TEXT NOT NULL DEFAULT '[]',
        fetches TEXT NOT NULL DEFAULT '[]',
        payload TEXT
    );
    INSERT INTO runs_v2 (id, source_id, started_at, finished_at, status, added, updated,
        unchanged, removed, invalid, error, record_errors)
        SELECT id, source_id, started_at, finished_at, status, added, updated, unchanged,
        removed, invalid, error, record_errors FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_v2 RENAME TO runs;
    CREATE INDEX runs_by_source ON runs(source_id, id);
    """,
    # 3: staff decide quarantined runs: applied (as a new ok run) or discarded, by when.
    """
    ALTER TABLE runs ADD COLUMN resolution TEXT
        CHECK (resolution IS NULL OR resolution IN ('applied', 'discarded'));
    ALTER TABLE runs ADD COLUMN resolved_at TEXT;
    """,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to the latest schema; returns the version it is at."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    current = row[0] or 0
    for version, script in enumerate(MIGRATIONS, start=1):
        if version <= current:
            continue
        with conn:  # each migration commits whole or not at all
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    return len(MIGRATIONS)
