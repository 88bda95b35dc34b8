"""Plain values the catalog reads and writes: fetch state, runs, removal policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from normalizer.schema import Listing, Source

__all__ = ["FetchState", "RemovalPolicy", "RunChanges", "RunRecord", "SourceSummary"]


@dataclass(frozen=True, slots=True)
class FetchState:
    etag: str | None = None
    last_modified: str | None = None
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    error_count: int = 0
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    source_id: str
    started_at: datetime
    finished_at: datetime
    status: str  # ok | unchanged | failed
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    invalid: int = 0
    error: str | None = None
    record_errors: list[str] = field(default_factory=list)
    missing: int = 0  # gone from the source, kept during the grace period
    warnings: list[str] = field(default_factory=list)
    fetches: list[dict[str, Any]] = field(default_factory=list)  # url, status, bytes, ms


@dataclass(frozen=True, slots=True)
class RemovalPolicy:
    """When a listing missing at its source is removed, and when a run is too suspicious
    to apply (a broken page that lists nothing must not wipe a platform)."""

    grace_runs: int = 2  # consecutive successful runs without the listing
    grace_hours: float = 72.0  # and at least this long since it was first missed
    quarantine_ratio: float = 0.5  # a run that would miss more than this share is held


@dataclass(frozen=True, slots=True)
class RunChanges:
    """What a run changed: the search index applies exactly this."""

    run: RunRecord
    upserted: list[Listing]  # added or updated, with their catalog first_seen_at
    removed_ids: list[str]
    change_seq: int


@dataclass(frozen=True, slots=True)
class SourceSummary:
    source: Source
    listing_count: int
    state: FetchState
    last_run: RunRecord | None
