"""Each source's health, for the staff page, the public /status page and /metrics.

The state comes from the scheduler when it is wired in (`ScheduleStatus`); otherwise it
is derived from the catalog: no run yet → never_run; the last attempts all failed → failing
(three or more in a row) or degraded; else healthy. The scheduler's "new" reads never_run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub_site.dates import format_datetime
from hub_site.staff_charts import Sparkline, sparkline
from hub_site.staff_services import ScheduleStatus
from index.catalog import Catalog, SourceSummary

__all__ = ["FAILING_AFTER", "HealthRow", "HealthView", "source_health"]

FAILING_AFTER = 3  # consecutive failures that make a source "failing", not "degraded"
_STATE_NAMES = {"new": "never_run"}


@dataclass(frozen=True, slots=True)
class HealthRow:
    source_id: str
    name: str
    kind: str
    state: str  # healthy | degraded | failing | never_run | waiting_for_key | disabled
    failing_since: datetime | None
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    next_run_at: datetime | None
    consecutive_failures: int
    last_error: str | None
    listings: int
    quality_average: float | None
    daily_counts: list[int]
    spark: Sparkline

    def shown(self, moment: datetime | None) -> str:
        return format_datetime(moment) or "—"

    def to_json(self, *, staff: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source_id": self.source_id, "name": self.name, "kind": self.kind,
            "state": self.state, "listings": self.listings,
            "last_success_at": _iso(self.last_success_at),
            "failing_since": _iso(self.failing_since)}
        if staff:
            data.update({"last_attempt_at": _iso(self.last_attempt_at),
                         "next_run_at": _iso(self.next_run_at),
                         "consecutive_failures": self.consecutive_failures,
                         "last_error": self.last_error,
                         "quality_average": self.quality_average,
                         "daily_counts": self.daily_counts})
        return data


@dataclass(frozen=True, slots=True)
class HealthView:
    rows: list[HealthRow]
    generated_at: datetime
    scheduler_wired: bool

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)

    def to_json(self, *, staff: bool = True) -> dict[str, Any]:
        return {"generated_at": self.generated_at.isoformat(),
                "sources": [row.to_json(staff=staff) for row in self.rows]}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _derived(catalog: Catalog, summary: SourceSummary) -> tuple[str, datetime | None]:
    """(state, failing since) from the catalog alone."""
    if summary.last_run is None:
        return "never_run", None
    failures = summary.state.error_count
    if failures == 0:
        return "healthy", None
    failed = catalog.runs(summary.source.id, limit=failures)
    since = failed[-1].started_at if failed else None
    return ("failing" if failures >= FAILING_AFTER else "degraded"), since


def source_health(catalog: Catalog, statuses: Sequence[ScheduleStatus] | None,
                  now: datetime, *, with_history: bool = True) -> HealthView:
    """Every catalog source's health (plus scheduled sources not yet in the catalog),
    sorted worst first then by name. `with_history` adds the 30-day daily listing counts
    and the quality average (the staff page's; the public page skips the work)."""
    by_id = {s.source_id: s for s in statuses or ()}
    history = catalog.daily_listing_counts(now) if with_history else {}
    quality = catalog.quality_by_source() if with_history else {}
    rows = []
    for summary in catalog.source_summaries():
        source, state = summary.source, summary.state
        status = by_id.pop(source.id, None)
        if status is not None:
            label = _STATE_NAMES.get(status.state, status.state)
            failing_since, failures = status.failing_since, status.consecutive_failures
            next_run = status.next_attempt
            last_success = status.last_success_at or state.last_success_at
        else:
            label, failing_since = _derived(catalog, summary)
            failures, next_run, last_success = state.error_count, None, state.last_success_at
        counts = history.get(source.id, [])
        found = quality.get(source.id)
        rows.append(HealthRow(
            source.id, source.name, source.kind, label, failing_since, last_success,
            state.last_attempt_at, next_run, failures, state.last_error,
            summary.listing_count, round(found.average, 1) if found else None, counts,
            sparkline(counts)))
    for status in by_id.values():  # scheduled, never stored: it has not run yet
        rows.append(HealthRow(
            status.source_id, status.source_id, "", _STATE_NAMES.get(status.state,
                                                                     status.state),
            status.failing_since, status.last_success_at, None, status.next_attempt,
            status.consecutive_failures, None, 0, None, [], sparkline([])))
    order = {"failing": 0, "degraded": 1, "waiting_for_key": 2, "never_run": 3}
    rows.sort(key=lambda r: (order.get(r.state, 4), r.name))
    return HealthView(rows, now, statuses is not None)
