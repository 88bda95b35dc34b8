"""Citizens' "report outdated" reports, in their own SQLite file.

The site opens the catalog read-only; reports are the one thing it writes, so they live in
a separate database (`FeedbackStore`) that the site may write and the operator's run
report reads (`run_report_feedback`). A report names the listing and its source, a reason
from a fixed list and an optional short comment; it stays `open` until an operator resolves
it.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from index.errors import CatalogError

__all__ = ["FeedbackReport", "FeedbackStore", "MAX_COMMENT_CHARS", "REPORT_REASONS",
           "ReportReason", "run_report_feedback"]

ReportReason = Literal["closed", "wrong_hours", "wrong_fee", "wrong_location", "other"]
REPORT_REASONS: tuple[ReportReason, ...] = get_args(ReportReason)
MAX_COMMENT_CHARS = 500
_RUN_REPORT_LIMIT = 20  # the newest reports a run report lists; the count stays exact

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    listing_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    comment TEXT,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    resolved_at TEXT
);
CREATE INDEX IF NOT EXISTS reports_by_source ON reports (source_id, status, id);
"""


@dataclass(frozen=True, slots=True)
class FeedbackReport:
    """One citizen's report that a listing is out of date."""

    id: int
    listing_id: str
    source_id: str
    reason: ReportReason
    comment: str | None
    created_at: datetime
    status: str  # open | resolved

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "listing_id": self.listing_id, "source_id": self.source_id,
                "reason": self.reason, "comment": self.comment,
                "created_at": self.created_at.isoformat(), "status": self.status}


def _report(row: sqlite3.Row) -> FeedbackReport:
    return FeedbackReport(id=row["id"], listing_id=row["listing_id"],
                          source_id=row["source_id"], reason=row["reason"],
                          comment=row["comment"],
                          created_at=datetime.fromisoformat(row["created_at"]),
                          status=row["status"])


class FeedbackStore:
    """Reports in a SQLite file (WAL), safe to share between the site's threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self._conn = conn
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, path: Path) -> FeedbackStore:
        """Open (creating when missing) the feedback file at `path`, with its table.

        Raises CatalogError when the file cannot be opened or created.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA busy_timeout = 5000")
        except (OSError, sqlite3.Error) as exc:
            raise CatalogError(f"cannot open the feedback file at {path}: {exc}") from exc
        store = cls(conn, path)
        store.create_table()
        return store

    def create_table(self) -> None:
        """Create the reports table and its index when they do not exist yet."""
        with self._lock, self._conn:
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def add_report(self, *, listing_id: str, source_id: str, reason: ReportReason,
                   comment: str | None, now: datetime) -> FeedbackReport:
        """Store one open report and return it.

        Raises ValueError for a reason outside REPORT_REASONS or a comment longer than
        MAX_COMMENT_CHARS (the form checks both first), CatalogError when the file cannot
        be written; a blank comment is stored as None.
        """
        if reason not in REPORT_REASONS:
            raise ValueError(f"unknown report reason {reason!r}")
        comment = (comment or "").strip() or None
        if comment is not None and len(comment) > MAX_COMMENT_CHARS:
            raise ValueError(f"comment longer than {MAX_COMMENT_CHARS} characters")
        created = now.astimezone(UTC)
        try:
            with self._lock, self._conn:
                cursor = self._conn.execute(
                    "INSERT INTO reports (listing_id, source_id, reason, comment, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (listing_id, source_id, reason, comment, created.isoformat()))
        except sqlite3.Error as exc:
            raise CatalogError(f"cannot store a report in {self.path}: {exc}") from exc
        return FeedbackReport(int(cursor.lastrowid or 0), listing_id, source_id, reason,
                              comment, created, "open")

    def reports_for_source(self, source_id: str, *, status: str | None = "open",
                           limit: int = 100) -> list[FeedbackReport]:
        """A source's reports, newest first: only `status` ones (None: every report)."""
        where, args = "WHERE source_id = ?", [source_id]
        if status is not None:
            where += " AND status = ?"
            args.append(status)
        with self._lock:
            rows = self._conn.execute(
                f"SELECT * FROM reports {where} ORDER BY id DESC LIMIT ?",
                (*args, max(0, limit))).fetchall()
        return [_report(row) for row in rows]

    def open_reports_count(self, source_id: str | None = None) -> int:
        """How many reports are open, for one source or for all."""
        where, args = ("AND source_id = ?", (source_id,)) if source_id else ("", ())
        with self._lock:
            row = self._conn.execute(
                f"SELECT count(*) FROM reports WHERE status = 'open' {where}", args).fetchone()
        return int(row[0])

    def resolve_report(self, report_id: int, now: datetime) -> bool:
        """Mark a report resolved (the operator fixed or dismissed it); False if unknown."""
        with self._lock, self._conn:
            cursor = self._conn.execute(
                "UPDATE reports SET status = 'resolved', resolved_at = ? "
                "WHERE id = ? AND status = 'open'", (now.astimezone(UTC).isoformat(), report_id))
        return cursor.rowcount > 0


def run_report_feedback(store: FeedbackStore | None, source_id: str) -> dict[str, Any]:
    """A source's open reports for its run report: `{"open_reports": N, "reports": [...]}`
    with the newest 20 as JSON. With no store (feedback off), zero and an empty list."""
    if store is None:
        return {"open_reports": 0, "reports": []}
    reports = store.reports_for_source(source_id, limit=_RUN_REPORT_LIMIT)
    return {"open_reports": store.open_reports_count(source_id),
            "reports": [report.to_json() for report in reports]}
