"""What the staff pages read and decide in the catalog: quarantined runs (what applying
one would change, and marking it applied or discarded) and each source's daily
listing-count history, rebuilt from its runs.

`CatalogStaffMethods` is a base of `Catalog` (kept here so catalog.py stays small): its
methods run under the catalog's lock and follow its transaction rules.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal, cast

from index.catalog_types import RemovalPolicy, RunChanges, RunRecord
from index.errors import CatalogError
from normalizer.schema import Listing

if TYPE_CHECKING:
    from index.catalog import Catalog

__all__ = ["CatalogStaffMethods", "QuarantinedRun", "Resolution", "claim_quarantined",
           "daily_listing_counts", "pending_quarantines"]

Resolution = Literal["applied", "discarded"]
_SEOUL = timezone(timedelta(hours=9))  # staff read days in Seoul time (no DST)


@dataclass(frozen=True, slots=True)
class QuarantinedRun:
    """A held run and what applying it would do to the source's current listings:
    `would_add` new ids, `would_update` changed ones, `would_remove` ids it lacks
    (marked missing, removed after the grace period)."""

    run: RunRecord
    listings: list[Listing]
    current: int
    would_add: int
    would_update: int
    would_remove: int

    def to_json(self) -> dict[str, Any]:
        return {"run_id": self.run.id, "source_id": self.run.source_id,
                "finished_at": self.run.finished_at.isoformat(), "reason": self.run.error,
                "listings": len(self.listings), "current": self.current,
                "would_add": self.would_add, "would_update": self.would_update,
                "would_remove": self.would_remove}


def _payload(row: sqlite3.Row) -> list[Listing]:
    return [Listing.model_validate(item) for item in json.loads(row["payload"] or "[]")]


def _impact(conn: sqlite3.Connection, run: RunRecord, listings: list[Listing],
            content_hash: Callable[[Listing], str]) -> QuarantinedRun:
    current = {r["id"]: r["content_hash"] for r in conn.execute(
        "SELECT id, content_hash FROM listings WHERE source_id = ?", (run.source_id,))}
    incoming = {listing.id: listing for listing in listings}
    added = sum(1 for i in incoming if i not in current)
    updated = sum(1 for i, li in incoming.items()
                  if i in current and current[i] != content_hash(li))
    removed = sum(1 for i in current if i not in incoming)
    return QuarantinedRun(run, listings, len(current), added, updated, removed)


def pending_quarantines(conn: sqlite3.Connection, run_of: Callable[[sqlite3.Row], RunRecord],
                        content_hash: Callable[[Listing], str]) -> list[QuarantinedRun]:
    """Quarantined runs with a payload that nobody decided yet, newest first."""
    rows = conn.execute("SELECT * FROM runs WHERE status = 'quarantined' AND payload IS NOT "
                        "NULL AND resolution IS NULL ORDER BY id DESC").fetchall()
    return [_impact(conn, run_of(row), _payload(row), content_hash) for row in rows]


def claim_quarantined(conn: sqlite3.Connection, run_id: int, resolution: Resolution,
                      now: datetime, run_of: Callable[[sqlite3.Row], RunRecord]
                      ) -> tuple[RunRecord, list[Listing]]:
    """Mark an undecided quarantined run `resolution` (the UPDATE opens the caller's
    transaction) and return it with its listings. Raises CatalogError for an unknown run,
    one that is not quarantined or already decided, and, when applying, one that a later
    successful run of its source has superseded (its listings would be older than the
    catalog's)."""
    row = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None or row["status"] != "quarantined" or row["payload"] is None:
        raise CatalogError(f"run {run_id} is not a quarantined run")
    if row["resolution"] is not None:
        raise CatalogError(f"run {run_id} was already {row['resolution']}")
    if resolution == "applied" and conn.execute(
            "SELECT 1 FROM runs WHERE source_id = ? AND id > ? AND status IN ('ok', "
            "'unchanged')", (row["source_id"], run_id)).fetchone():
        raise CatalogError(f"run {run_id} is superseded by a later successful run of "
                           f"{row['source_id']}; discard it instead")
    conn.execute("UPDATE runs SET resolution = ?, resolved_at = ? WHERE id = ?",
                 (resolution, now.isoformat(), run_id))
    return run_of(row), _payload(row)


def _day(moment: datetime) -> date:
    return moment.astimezone(_SEOUL).date()


def daily_listing_counts(conn: sqlite3.Connection, now: datetime,
                         days: int = 30) -> dict[str, list[int]]:
    """Per source: its listing count at the end of each of the last `days` days (Seoul
    time), oldest first, today last (= the current count). Rebuilt backwards from the
    current count and each successful run's added and removed counts, so it needs no
    stored history; days before a source's first run read 0."""
    counts = dict(conn.execute("SELECT source_id, count(*) FROM listings GROUP BY source_id"
                               ).fetchall())
    today = _day(now)
    since = datetime.combine(today - timedelta(days=days - 1), datetime.min.time(),
                             _SEOUL)
    change_by_day: dict[str, dict[date, int]] = {}
    for row in conn.execute("SELECT source_id, finished_at, added, removed FROM runs "
                            "WHERE status = 'ok' AND finished_at >= ?",
                            (since.astimezone(UTC).isoformat(),)):
        day = _day(datetime.fromisoformat(row["finished_at"]))
        per_day = change_by_day.setdefault(row["source_id"], {})
        per_day[day] = per_day.get(day, 0) + row["added"] - row["removed"]
    sources = [r[0] for r in conn.execute("SELECT id FROM sources ORDER BY id")]
    history: dict[str, list[int]] = {}
    for source_id in sources:
        count = int(counts.get(source_id, 0))
        series = []
        for offset in range(days):
            day = today - timedelta(days=offset)
            series.append(max(count, 0))
            count -= change_by_day.get(source_id, {}).get(day, 0)
        history[source_id] = series[::-1]
    return history


class CatalogStaffMethods:
    """The staff pages' catalog methods (a base of `Catalog`)."""

    def _catalog(self) -> Catalog:
        return cast("Catalog", self)

    def quarantined_runs(self) -> list[QuarantinedRun]:
        """Quarantined runs nobody decided yet, newest first, with what applying each
        would change."""
        catalog = self._catalog()
        with catalog._lock:
            return pending_quarantines(catalog._conn, catalog._run, _content_hash)

    def apply_quarantined(self, run_id: int, now: datetime,
                          policy: RemovalPolicy | None = None) -> RunChanges:
        """Apply a quarantined run's stored listings as a normal run finished `now` (no
        quarantine check) and mark it applied, in one transaction: the mark's UPDATE
        opens the transaction that apply_run's `with` commits or rolls back.
        Raises CatalogError for a run that is not pending or was superseded."""
        catalog = self._catalog()
        with catalog._lock:
            run, listings = claim_quarantined(catalog._conn, run_id, "applied", now,
                                              catalog._run)
            try:
                state = catalog.fetch_state(run.source_id)
                return catalog.apply_run(
                    run.source_id, listings, started_at=now, finished_at=now,
                    invalid=run.invalid, record_errors=run.record_errors, etag=state.etag,
                    last_modified=state.last_modified, policy=policy or RemovalPolicy(),
                    force=True, fetches=run.fetches,
                    warnings=[*run.warnings, f"applied by staff from quarantined run {run_id}"])
            except BaseException:
                catalog._conn.rollback()
                raise

    def discard_quarantined(self, run_id: int, now: datetime) -> RunRecord:
        """Mark a quarantined run discarded (its listings are never applied). Raises
        CatalogError for a run that is not pending."""
        catalog = self._catalog()
        with catalog._lock, catalog._conn:
            run, _ = claim_quarantined(catalog._conn, run_id, "discarded", now, catalog._run)
        return run

    def daily_listing_counts(self, now: datetime, days: int = 30) -> dict[str, list[int]]:
        """Per source id: its listing count at the end of each of the last `days` days
        (Seoul time), oldest first; rebuilt from the runs."""
        catalog = self._catalog()
        with catalog._lock:
            return daily_listing_counts(catalog._conn, now, days)

    def run_counts(self) -> dict[str, int]:
        """How many runs the catalog holds per status (for /metrics)."""
        catalog = self._catalog()
        with catalog._lock:
            return dict(catalog._conn.execute(
                "SELECT status, count(*) FROM runs GROUP BY status").fetchall())


def _content_hash(listing: Listing) -> str:
    from index.catalog import _content_hash as catalog_hash  # the catalog's own digest

    return catalog_hash(listing)
