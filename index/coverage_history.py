"""Daily snapshots of the coverage matrix's totals, for "trends over time" on the staff
coverage page: one row per (day, district) with its listing count and gap count.

It lives in the operator store's SQLite file (its own table), since the catalog is the
crawl's and the public site opens it read-only. A day's snapshot is replaced when taken
again that day, so the page can take one on every visit.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import date, timedelta
from pathlib import Path

from index.coverage import CoverageMatrix
from index.errors import CatalogError

__all__ = ["CoverageHistory"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS coverage_snapshots (
    day TEXT NOT NULL,
    district_code TEXT NOT NULL,
    listings INTEGER NOT NULL,
    gaps INTEGER NOT NULL,
    PRIMARY KEY (day, district_code)
);
"""


class CoverageHistory:
    """Per-day district totals of the coverage matrix (thread-safe)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout = 5000")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise CatalogError(f"cannot open the coverage history {path}: {exc}") from exc
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record(self, day: date, matrix: CoverageMatrix) -> None:
        """Store (or replace) `day`'s totals per district of the matrix."""
        gaps: dict[str, int] = {}
        for district_code, _ in matrix.gaps():
            gaps[district_code] = gaps.get(district_code, 0) + 1
        rows = [(day.isoformat(), d.code, matrix.district_total(d.code), gaps.get(d.code, 0))
                for d in matrix.districts]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT INTO coverage_snapshots (day, district_code, listings, gaps) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT(day, district_code) DO UPDATE SET "
                    "listings = excluded.listings, gaps = excluded.gaps", rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def series(self, until: date, days: int = 30) -> dict[str, list[int | None]]:
        """Per district code: its listing count on each of the `days` days ending at
        `until`, oldest first; None for a day without a snapshot."""
        start = until - timedelta(days=days - 1)
        with self._lock:
            rows = self._db.execute(
                "SELECT day, district_code, listings FROM coverage_snapshots "
                "WHERE day BETWEEN ? AND ?", (start.isoformat(), until.isoformat())).fetchall()
        found: dict[str, list[int | None]] = {}
        for day, code, listings in rows:
            offset = (date.fromisoformat(day) - start).days
            found.setdefault(code, [None] * days)[offset] = int(listings)
        return found
