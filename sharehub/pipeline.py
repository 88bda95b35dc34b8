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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from crawlers import FetchContext, FetchError, FetchLimits, HostBudget, RobotsCache, fetch_source
from index import Catalog, RemovalPolicy, RunRecord, SearchIndex
from normalizer import Listing, NormalizeError, ParseReport, Source, parse_document

__all__ = ["RefreshDeps", "RefreshOutcome", "refresh_source", "sync_index"]

log = logging.getLogger("sharehub.pipeline")


def _utcnow() -> datetime:
    return datetime.now(UTC)


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
        result = parse_document(fetched.body, source, started)
    except NormalizeError as exc:
        return _fail(source, deps, started, "parse", str(exc), fetches)
    report = result.report
    if not result.listings and report.records:
        first = f" (first: {report.errors[0]})" if report.errors else ""
        return _fail(source, deps, started, "normalize",
                     f"all {report.records} records invalid{first}; the previous listings "
                     "are kept", fetches)
    warnings = [f"unmapped field: {name}" for name in report.unmapped_fields]
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


def _apply_to_index(deps: RefreshDeps, upserted: list[Listing], removed_ids: list[str],
                    change_seq: int) -> None:
    if not upserted and not removed_ids:
        return
    if deps.index.change_seq != change_seq - 1:
        # The index missed an earlier change (a crash between commit and index update):
        # rebuild it whole from the catalog instead of patching a stale copy.
        sync_index(deps.catalog, deps.index)
        return
    deps.index.upsert(upserted)
    deps.index.delete(removed_ids)
    deps.index.set_change_seq(change_seq)


def sync_index(catalog: Catalog, index: SearchIndex, *, force: bool = False) -> bool:
    """Rebuild the search index from the catalog when it is behind (or `force`).
    Returns True when it rebuilt."""
    seq = catalog.change_seq()
    if not force and index.change_seq == seq:
        return False
    log.info("rebuilding the search index from the catalog", extra={"change_seq": seq})
    index.rebuild(catalog.iter_listings(), seq)
    return True
