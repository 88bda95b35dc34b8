"""The catalog: SQLite (WAL), the source of truth for sources, runs and listings.

Every run is applied in one transaction: a failure or a kill before the commit leaves the
previous listings, counts and fetch state exactly as they were. Search indexes are derived
from the catalog and carry the catalog's `change_seq` they were built from.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from index.catalog_staff import CatalogStaffMethods
from index.catalog_types import FetchState, RemovalPolicy, RunChanges, RunRecord, SourceSummary
from index.errors import CatalogError
from index.migrations import migrate
from normalizer.dedupe import MatchFacts
from normalizer.quality import SourceQuality, source_quality
from normalizer.schema import Listing, Source

__all__ = ["Catalog", "FetchState", "RemovalPolicy", "RunChanges", "RunRecord",
           "SourceSummary"]

_DEFAULT_POLICY = RemovalPolicy()
_MAX_RECORD_ERRORS = 50  # reasons kept per run; the count stays exact


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Serialize use of the connection: the site and the scheduler share it across threads."""
    @wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with args[0]._lock:  # type: ignore[attr-defined]
            return method(*args, **kwargs)
    return wrapper


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


_LISTING_COLUMNS = "document, first_seen_at, last_seen_at"
_IDS_PER_QUERY = 500  # well under SQLite's limit on bound parameters
# The fields of MatchFacts after id and source_id, in order (one JSON parse per document).
_MATCH_PATHS = ", ".join(f"'$.{path}'" for path in (
    "title", "kind", "category", "location.district_code", "location.district_name",
    "location.address", "location.lat", "location.lon", "contact.phones"))


def _listing(row: sqlite3.Row) -> Listing:
    """The stored document, with the seen times of the columns (a 304 or an unchanged
    record moves last_seen_at without rewriting the document)."""
    return Listing.model_validate_json(row["document"]).model_copy(update={
        "first_seen_at": _dt(row["first_seen_at"]), "last_seen_at": _dt(row["last_seen_at"])})


def _content_hash(listing: Listing) -> str:
    payload = listing.model_dump_json(exclude={"first_seen_at", "last_seen_at"})
    return hashlib.sha256(payload.encode()).hexdigest()


class Catalog(CatalogStaffMethods):  # + quarantine decisions, count history
    """Read-write access to the catalog database (one writer process at a time)."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        try:
            if read_only:
                self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                             check_same_thread=False)
                self._conn.execute("PRAGMA query_only = ON")
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = sqlite3.connect(path, check_same_thread=False)
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = FULL")
                self._conn.execute("PRAGMA foreign_keys = ON")
                migrate(self._conn)
        except sqlite3.Error as exc:
            raise CatalogError(f"cannot open the catalog at {path}: {exc}") from exc
        self._conn.execute("PRAGMA busy_timeout = 5000")
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()

    @_locked
    def close(self) -> None:
        self._conn.close()

    # --- sources -------------------------------------------------------------------------

    @_locked
    def save_source(self, source: Source, now: datetime) -> None:
        """Register a source or update its definition."""
        with self._conn:
            self._conn.execute(
                """INSERT INTO sources (id, name, kind, url, definition, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                     url = excluded.url, definition = excluded.definition,
                     updated_at = excluded.updated_at""",
                (source.id, source.name, source.kind, source.url, source.model_dump_json(),
                 _ts(now), _ts(now)))
            self._conn.execute("INSERT OR IGNORE INTO fetch_state (source_id) VALUES (?)",
                               (source.id,))

    @_locked
    def get_source(self, source_id: str) -> Source | None:
        row = self._conn.execute("SELECT definition FROM sources WHERE id = ?",
                                 (source_id,)).fetchone()
        return Source.model_validate_json(row["definition"]) if row else None

    @_locked
    def sources(self) -> list[Source]:
        rows = self._conn.execute("SELECT definition FROM sources ORDER BY id").fetchall()
        return [Source.model_validate_json(r["definition"]) for r in rows]

    @_locked
    def fetch_state(self, source_id: str) -> FetchState:
        row = self._conn.execute("SELECT * FROM fetch_state WHERE source_id = ?",
                                 (source_id,)).fetchone()
        if row is None:
            return FetchState()
        return FetchState(etag=row["etag"], last_modified=row["last_modified"],
                          last_attempt_at=_dt(row["last_attempt_at"]),
                          last_success_at=_dt(row["last_success_at"]),
                          error_count=row["error_count"], last_error=row["last_error"])

    @_locked
    def source_summaries(self) -> list[SourceSummary]:
        """Every source with its listing count, fetch state and last run (for the site)."""
        counts = dict(self._conn.execute(
            "SELECT source_id, count(*) FROM listings GROUP BY source_id").fetchall())
        return [SourceSummary(s, counts.get(s.id, 0), self.fetch_state(s.id),
                              next(iter(self.runs(s.id, limit=1)), None))
                for s in self.sources()]

    @_locked
    def last_confirmed(self) -> dict[str, datetime]:
        """When each source last confirmed its listings (its last successful run): every
        listing the catalog holds for a source was present at that run."""
        rows = self._conn.execute("SELECT source_id, last_success_at FROM fetch_state "
                                  "WHERE last_success_at IS NOT NULL").fetchall()
        return {r["source_id"]: datetime.fromisoformat(r["last_success_at"]) for r in rows}

    # --- runs ----------------------------------------------------------------------------

    @_locked
    def runs(self, source_id: str | None = None, limit: int = 50) -> list[RunRecord]:
        """The latest runs, newest first, of one source or of all."""
        where, args = ("WHERE source_id = ?", [source_id]) if source_id else ("", [])
        rows = self._conn.execute(f"SELECT * FROM runs {where} ORDER BY id DESC LIMIT ?",
                                  (*args, limit)).fetchall()
        return [self._run(r) for r in rows]

    @staticmethod
    def _run(row: sqlite3.Row) -> RunRecord:
        return RunRecord(
            id=row["id"], source_id=row["source_id"], started_at=_dt(row["started_at"]),  # type: ignore[arg-type]
            finished_at=_dt(row["finished_at"]), status=row["status"],  # type: ignore[arg-type]
            added=row["added"], updated=row["updated"], unchanged=row["unchanged"],
            removed=row["removed"], invalid=row["invalid"], error=row["error"],
            record_errors=json.loads(row["record_errors"]), missing=row["missing"],
            warnings=json.loads(row["warnings"]), fetches=json.loads(row["fetches"]))

    def _insert_run(self, run: RunRecord, payload: str | None = None) -> int:
        cursor = self._conn.execute(
            """INSERT INTO runs (source_id, started_at, finished_at, status, added, updated,
               unchanged, removed, missing, invalid, error, record_errors, warnings, fetches,
               payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (run.source_id, _ts(run.started_at), _ts(run.finished_at), run.status, run.added,
             run.updated, run.unchanged, run.removed, run.missing, run.invalid, run.error,
             json.dumps(run.record_errors[:_MAX_RECORD_ERRORS], ensure_ascii=False),
             json.dumps(run.warnings, ensure_ascii=False), json.dumps(run.fetches), payload))
        return int(cursor.lastrowid or 0)

    def _bump_seq(self) -> int:
        self._conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'change_seq'")
        return self.change_seq()

    @_locked
    def change_seq(self) -> int:
        """A counter bumped by every run that changes listings; indexes record theirs."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'change_seq'").fetchone()
        return int(row["value"]) if row else 0

    @_locked
    def apply_run(self, source_id: str, listings: list[Listing], *, started_at: datetime,
                  finished_at: datetime, invalid: int, record_errors: list[str],
                  etag: str | None, last_modified: str | None,
                  policy: RemovalPolicy = _DEFAULT_POLICY, warnings: list[str] | None = None,
                  fetches: list[dict[str, Any]] | None = None,
                  force: bool = False) -> RunChanges:
        """Apply a source's fresh, complete set of listings in one transaction.

        Listings seen before keep their first_seen_at; every listing gets last_seen_at =
        finished_at. A listing absent from the set is marked missing and removed only
        after `policy`'s grace period; one that reappears is back at once. A run that
        would miss more than `policy.quarantine_ratio` of the source's listings (or all
        of them) is quarantined instead: recorded with its listings, nothing applied;
        `force` (staff applying a quarantined run) skips that check.
        """
        now = _ts(finished_at)
        extra: dict[str, Any] = {"warnings": warnings or [], "fetches": fetches or []}
        with self._conn:
            existing = {r["id"]: r for r in self._conn.execute(
                "SELECT id, content_hash, first_seen_at, missing_since, missing_runs "
                "FROM listings WHERE source_id = ?", (source_id,))}
            incoming = {listing.id for listing in listings}
            newly_missing = [i for i, r in existing.items()
                             if i not in incoming and r["missing_since"] is None]
            if not force and existing and (not listings or
                             len(newly_missing) > policy.quarantine_ratio * len(existing)):
                return self._quarantine(source_id, listings, len(newly_missing), len(existing),
                                        started_at, finished_at, invalid, record_errors, extra)
            added = updated = unchanged = 0
            upserted: list[Listing] = []
            for listing in listings:
                digest = _content_hash(listing)
                before = existing.pop(listing.id, None)
                first_seen = datetime.fromisoformat(before["first_seen_at"]) if before \
                    else finished_at
                if before is not None and before["content_hash"] == digest:
                    unchanged += 1
                    self._conn.execute("UPDATE listings SET last_seen_at = ?, missing_since = "
                                       "NULL, missing_runs = 0 WHERE id = ?", (now, listing.id))
                    continue
                added, updated = (added + 1, updated) if before is None else (added,
                                                                             updated + 1)
                stored = listing.model_copy(update={"first_seen_at": first_seen,
                                                    "last_seen_at": finished_at})
                upserted.append(stored)
                self._conn.execute(
                    """INSERT INTO listings (id, source_id, source_record_id, content_hash,
                       document, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT(id) DO UPDATE SET content_hash = excluded.content_hash,
                         document = excluded.document, last_seen_at = excluded.last_seen_at,
                         missing_since = NULL, missing_runs = 0""",
                    (listing.id, source_id, listing.source_record_id, digest,
                     stored.model_dump_json(), _ts(first_seen), now))
            removed_ids, missing = self._age_missing(existing, finished_at, policy)
            run = RunRecord(0, source_id, started_at, finished_at, "ok", added, updated,
                            unchanged, len(removed_ids), invalid, None, record_errors,
                            missing=missing, **extra)
            run_id = self._insert_run(run)
            self._conn.execute(
                """UPDATE fetch_state SET etag = ?, last_modified = ?, last_attempt_at = ?,
                   last_success_at = ?, error_count = 0, last_error = NULL
                   WHERE source_id = ?""", (etag, last_modified, now, now, source_id))
            seq = self._bump_seq() if upserted or removed_ids else self.change_seq()
        return RunChanges(replace(run, id=run_id), upserted, removed_ids, seq)

    def _age_missing(self, absent: dict[str, sqlite3.Row], now: datetime,
                     policy: RemovalPolicy) -> tuple[list[str], int]:
        """Count one more missed run for each absent listing; remove those past the grace
        period. Returns (removed ids, listings still missing within the grace)."""
        removed, missing = [], 0
        for listing_id, row in absent.items():
            since = datetime.fromisoformat(row["missing_since"]) if row["missing_since"] \
                else now
            runs = row["missing_runs"] + 1
            if runs >= policy.grace_runs and now - since >= timedelta(hours=policy.grace_hours):
                removed.append(listing_id)
                self._conn.execute("DELETE FROM listings WHERE id = ?", (listing_id,))
            else:
                missing += 1
                self._conn.execute("UPDATE listings SET missing_since = ?, missing_runs = ? "
                                   "WHERE id = ?", (_ts(since), runs, listing_id))
        return removed, missing

    def _quarantine(self, source_id: str, listings: list[Listing], missing: int, total: int,
                    started_at: datetime, finished_at: datetime, invalid: int,
                    record_errors: list[str], extra: dict[str, Any]) -> RunChanges:
        reason = (f"quarantined: the source returned no listings (had {total})" if not listings
                  else f"quarantined: {missing} of {total} listings would disappear at once")
        run = RunRecord(0, source_id, started_at, finished_at, "quarantined", invalid=invalid,
                        error=reason, record_errors=record_errors, missing=missing, **extra)
        payload = "[" + ",".join(li.model_dump_json() for li in listings) + "]"
        run_id = self._insert_run(run, payload)
        self._conn.execute("UPDATE fetch_state SET last_attempt_at = ? WHERE source_id = ?",
                           (_ts(finished_at), source_id))
        return RunChanges(replace(run, id=run_id), [], [], self.change_seq())

    @_locked
    def record_unchanged(self, source_id: str, *, started_at: datetime,
                         finished_at: datetime) -> RunRecord:
        """A 304: the source confirmed its listings without sending them again."""
        now = _ts(finished_at)
        with self._conn:
            count = self._conn.execute("UPDATE listings SET last_seen_at = ? WHERE source_id = ?",
                                       (now, source_id)).rowcount
            run = RunRecord(0, source_id, started_at, finished_at, "unchanged", unchanged=count)
            run_id = self._insert_run(run)
            self._conn.execute(
                """UPDATE fetch_state SET last_attempt_at = ?, last_success_at = ?,
                   error_count = 0, last_error = NULL WHERE source_id = ?""",
                (now, now, source_id))
        return replace(run, id=run_id)

    @_locked
    def record_failure(self, source_id: str, error: str, *, started_at: datetime,
                       finished_at: datetime, fetches: list[dict[str, Any]] | None = None
                       ) -> RunRecord:
        """A failed run: recorded on the source; its listings stay as they were."""
        with self._conn:
            run = RunRecord(0, source_id, started_at, finished_at, "failed", error=error,
                            fetches=fetches or [])
            run_id = self._insert_run(run)
            self._conn.execute(
                """UPDATE fetch_state SET last_attempt_at = ?, error_count = error_count + 1,
                   last_error = ? WHERE source_id = ?""", (_ts(finished_at), error, source_id))
        return replace(run, id=run_id)

    # --- listings ------------------------------------------------------------------------

    @_locked
    def get_listing(self, listing_id: str) -> Listing | None:
        row = self._conn.execute(f"SELECT {_LISTING_COLUMNS} FROM listings WHERE id = ?",
                                 (listing_id,)).fetchone()
        return _listing(row) if row else None

    def iter_listings(self, source_id: str | None = None) -> Iterator[Listing]:
        """Every current listing (of one source, or all), in id order."""
        where, args = ("WHERE source_id = ?", (source_id,)) if source_id else ("", ())
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_LISTING_COLUMNS} FROM listings {where} ORDER BY id", args).fetchall()
        for row in rows:
            yield _listing(row)

    def get_listings(self, listing_ids: Iterable[str]) -> dict[str, Listing]:
        """The current listings among `listing_ids` (unknown ids are left out), by id."""
        wanted = list(dict.fromkeys(listing_ids))
        found: dict[str, Listing] = {}
        for start in range(0, len(wanted), _IDS_PER_QUERY):
            chunk = wanted[start:start + _IDS_PER_QUERY]
            with self._lock:
                rows = self._conn.execute(
                    f"SELECT id, {_LISTING_COLUMNS} FROM listings WHERE id IN "
                    f"({', '.join('?' * len(chunk))})", chunk).fetchall()
            found.update((row["id"], _listing(row)) for row in rows)
        return found

    def match_facts(self) -> list[MatchFacts]:
        """What de-duplication reads of every current listing, without building the
        listings: SQLite extracts the fields (≈15 µs a listing, against ≈130 µs to
        load the listing)."""
        with self._lock:
            rows = self._conn.execute(f"SELECT id, source_id, json_extract(document, "
                                      f"{_MATCH_PATHS}) AS facts FROM listings").fetchall()
        facts = []
        for row in rows:
            title, kind, category, district, name, address, lat, lon, phones = json.loads(
                row["facts"])
            facts.append(MatchFacts(row["id"], row["source_id"], title, kind, category,
                                    district, name, address, lat, lon, tuple(phones or ())))
        return facts

    @_locked
    def count_listings(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM listings").fetchone()[0])

    def quality_by_source(self) -> dict[str, SourceQuality]:
        """Per source id (sources with listings only): the count, average and lowest
        quality score of its current listings and how many have each kind of issue."""
        by_source: dict[str, list[Listing]] = {}
        for listing in self.iter_listings():
            by_source.setdefault(listing.source_id, []).append(listing)
        return {source_id: source_quality(listings)
                for source_id, listings in sorted(by_source.items())}
