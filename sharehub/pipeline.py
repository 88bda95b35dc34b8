"""`refresh_source`: the whole flow of one refresh, in the order it happens.

load fetch state → conditional fetch → (304: confirm and stop) → parse and normalize →
apply to the catalog in one transaction → apply the same changes to the search index →
return the run. A failure at any stage is recorded on the source with its stage, and the
listings already in the catalog stay.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from crawlers import FetchContext, FetchError, FetchLimits, HostBudget, RobotsCache, fetch_source
from index import Catalog, RemovalPolicy, RunRecord, SearchIndex
from index.duplicates import DuplicateTracker, listings_for_index
from normalizer import Listing, NormalizeError, ParseReport, ParseResult, Source, parse_document

__all__ = ["PendingIndexChanges", "RefreshDeps", "RefreshOutcome", "refresh_source",
           "sync_index"]

log = logging.getLogger("sharehub.pipeline")


def _utcnow() -> datetime:
    return datetime.now(UTC)


class PendingIndexChanges:
    """Catalog changes waiting to reach the search index together (a crawl of many
    sources): the index's commit (segment files, fsync) is paid once per `max_listings`
    changed listings instead of once per source. The index records the catalog
    change_seq it reflects, so a kill before `flush` leaves it behind, and sync_index
    rebuilds it from the catalog. Used under RefreshDeps.apply_lock."""

    # A city's crawl (≈20,000 listings) is one batch: each flush also regroups the blocks
    # it touches, so fewer flushes cost less.
    def __init__(self, max_listings: int = 20_000) -> None:
        self.max_listings = max_listings
        self._clear()

    def _clear(self) -> None:
        self._changes: dict[str, Listing | None] = {}  # id → new version, None: removed
        self._first_seq: int | None = None
        self._last_seq = -1
        self._contiguous = True

    def add(self, upserted: list[Listing], removed_ids: list[str], change_seq: int) -> bool:
        """Queue one run's changes (catalog state `change_seq`); True when it is time to
        flush."""
        if self._first_seq is None:
            self._first_seq = change_seq
        elif change_seq != self._last_seq + 1:
            self._contiguous = False
        self._last_seq = change_seq
        self._changes.update((listing.id, listing) for listing in upserted)
        self._changes.update(dict.fromkeys(removed_ids))
        return len(self._changes) >= self.max_listings

    def flush(self, deps: RefreshDeps) -> None:
        """Apply the queued changes to the index in one upsert and one delete (or rebuild
        it from the catalog when it missed an earlier change), then start afresh."""
        if self._first_seq is None:
            return
        upserted = [li for li in self._changes.values() if li is not None]
        removed = [i for i, li in self._changes.items() if li is None]
        _update_index(deps, upserted, removed, self._first_seq, self._last_seq,
                      contiguous=self._contiguous)
        self._clear()


@dataclass(slots=True)
class RefreshDeps:
    """Everything a refresh touches, passed in (tests swap the clock and the client)."""

    catalog: Catalog
    index: SearchIndex
    client: httpx.Client
    limits: FetchLimits
    clock: Callable[[], datetime] = field(default=_utcnow)
    secrets: Mapping[str, str] = field(default_factory=dict)  # API keys by variable name
    removal: RemovalPolicy = field(default_factory=RemovalPolicy)
    # Runs fetch and parse in parallel, but apply to the catalog and the index one at a
    # time, so the index sees catalog changes in order.
    apply_lock: threading.Lock = field(default_factory=threading.Lock)
    # Politeness shared by every source and run: the per-host budget and robots.txt
    # cache (None: not enforced, as in tests that talk to one loopback server).
    budget: HostBudget | None = None
    robots: RobotsCache | None = None
    # Set by crawl_sources: index changes wait here and are applied in batches.
    pending_index: PendingIndexChanges | None = None
    # Set by crawl_sources for a large crawl: a process pool that parses documents, so
    # parsing uses every core (threads share one interpreter lock).
    parse_pool: Executor | None = None
    # The duplicate groups the index shows, kept between runs (and crawls) of this
    # process, so that an index update regroups and rewrites only what a run touched.
    duplicates: DuplicateTracker = field(default_factory=DuplicateTracker)


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    source_id: str
    run: RunRecord
    report: ParseReport | None = None


def _fail(source: Source, deps: RefreshDeps, started: datetime, stage: str,
          message: str, fetches: list[dict[str, Any]] | None = None) -> RefreshOutcome:
    error = f"{stage}: {message}"
    log.warning("refresh failed", extra={"source_id": source.id, "url": source.url,
                                         "stage": stage, "error": message})
    run = deps.catalog.record_failure(source.id, error, started_at=started,
                                      finished_at=deps.clock(), fetches=fetches)
    return RefreshOutcome(source.id, run)


def _fetch_log(url: str, status: int | None, size: int, started: float,
               error: FetchError | None = None) -> list[dict[str, Any]]:
    """What the run report shows per fetch: URL, status, bytes and duration, and for a
    failure its message and how long the platform asked us to wait (Retry-After)."""
    entry: dict[str, Any] = {"url": url, "status": status, "bytes": size,
                             "ms": round((time.monotonic() - started) * 1000)}
    if error is not None:
        entry["error"] = str(error)
        if error.retry_after_s is not None:
            entry["retry_after_s"] = error.retry_after_s
    return [entry]


def refresh_source(source: Source, deps: RefreshDeps) -> RefreshOutcome:
    """Refresh one source now and record the run. Never raises for a platform's fault:
    fetch, parse and empty-document failures become failed runs on the source."""
    started = deps.clock()
    clock_start = time.monotonic()
    state = deps.catalog.fetch_state(source.id)
    try:
        context = FetchContext(deps.client, deps.limits, state.etag, state.last_modified,
                               deps.secrets, budget=deps.budget, robots=deps.robots)
        fetched = fetch_source(source, context)
    except FetchError as exc:
        return _fail(source, deps, started, "fetch", str(exc),
                     _fetch_log(source.url, getattr(exc, "status_code", None), 0,
                                clock_start, exc))
    fetches = _fetch_log(fetched.final_url, fetched.status, len(fetched.body), clock_start)
    if fetched.not_modified:
        run = deps.catalog.record_unchanged(source.id, started_at=started,
                                            finished_at=deps.clock())
        return RefreshOutcome(source.id, run)
    try:
        result = _parse(fetched.body, source, started, deps)
    except NormalizeError as exc:
        return _fail(source, deps, started, "parse", str(exc), fetches)
    report = result.report
    if not result.listings and report.records:
        first = f" (first: {report.errors[0]})" if report.errors else ""
        return _fail(source, deps, started, "normalize",
                     f"all {report.records} records invalid{first}; the previous listings "
                     "are kept", fetches)
    warnings = [f"unmapped field: {name}" for name in report.unmapped_fields] + [
        f"unmapped category label: {label}" for label in report.unmapped_labels]
    if not report.records:
        warnings.insert(0, "the document has no records: an empty feed or file")
    with deps.apply_lock:
        changes = deps.catalog.apply_run(
            source.id, result.listings, started_at=started, finished_at=deps.clock(),
            invalid=report.invalid, record_errors=report.errors, etag=fetched.etag,
            last_modified=fetched.last_modified, policy=deps.removal, warnings=warnings,
            fetches=fetches)
        if changes.run.status == "quarantined":
            log.warning("run quarantined", extra={"source_id": source.id,
                                                  "error": changes.run.error})
            return RefreshOutcome(source.id, changes.run, report)
        _apply_to_index(deps, changes.upserted, changes.removed_ids, changes.change_seq)
    log.info("refreshed", extra={"source_id": source.id, "added": changes.run.added,
                                 "updated": changes.run.updated,
                                 "removed": changes.run.removed,
                                 "invalid": changes.run.invalid})
    return RefreshOutcome(source.id, changes.run, report)


def _parse(body: bytes, source: Source, now: datetime, deps: RefreshDeps) -> ParseResult:
    """parse_document, in the parse pool when there is one (a parser is pure: bytes in,
    listings out; its NormalizeError comes back as raised)."""
    if deps.parse_pool is None:
        return parse_document(body, source, now)
    return deps.parse_pool.submit(parse_document, body, source, now).result()


def _apply_to_index(deps: RefreshDeps, upserted: list[Listing], removed_ids: list[str],
                    change_seq: int) -> None:
    if not upserted and not removed_ids:
        return
    if deps.pending_index is not None:
        if deps.pending_index.add(upserted, removed_ids, change_seq):
            deps.pending_index.flush(deps)
        return
    _update_index(deps, upserted, removed_ids, change_seq, change_seq)


def _update_index(deps: RefreshDeps, upserted: list[Listing], removed_ids: list[str],
                  first_seq: int, last_seq: int, *, contiguous: bool = True) -> None:
    """Bring the index from catalog state `first_seq - 1` to `last_seq`, whose changes
    are `upserted` and `removed_ids` (under the apply lock)."""
    catalog, index, tracker = deps.catalog, deps.index, deps.duplicates
    if not contiguous or index.change_seq != first_seq - 1:
        # The index missed an earlier change (a crash between commit and index update):
        # rebuild it whole from the catalog instead of patching a stale copy.
        sync_index(catalog, index)
        return
    # The groups the index shows are known from this process's earlier updates; else
    # (its first change, or after a rebuild) they are worked out from the catalog's
    # matching fields once, and kept from then on.
    if tracker.change_seq != index.change_seq and not tracker.seed_before(
            catalog.match_facts(), upserted, removed_ids, index.get, first_seq - 1):
        # A listing the index hid as a duplicate changed: its group is known nowhere.
        sync_index(catalog, index, force=True)
        return
    # One place listed by several sources is one result: a change can show, hide or
    # relabel other sources' listings, so the tracker says which listings to rewrite.
    update = tracker.plan(upserted, removed_ids, last_seq, catalog.get_listings)
    if update.upsert:
        index.upsert(update.upsert)
    if update.delete:  # each call is a commit of the index: none for nothing
        index.delete(update.delete)
    index.set_change_seq(last_seq)


def sync_index(catalog: Catalog, index: SearchIndex, *, force: bool = False) -> bool:
    """Rebuild the search index from the catalog when it is behind (or `force`).
    Returns True when it rebuilt."""
    seq = catalog.change_seq()
    if not force and index.change_seq == seq:
        return False
    log.info("rebuilding the search index from the catalog", extra={"change_seq": seq})
    index.rebuild(listings_for_index(catalog.iter_listings()), seq)
    return True
