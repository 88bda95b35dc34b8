"""What the staff pages need from the application, passed in by `sharehub` wiring.

hub_site never imports `sharehub/`: the scheduler's view of each source arrives as a
callable returning objects that fit `ScheduleStatus` (sharehub.schedule_status.SourceStatus
does), the coverage region and baseline as values. The catalog here is writable, for the
two quarantine decisions only; the public routes keep their read-only one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from index.catalog import Catalog
from index.coverage import Baseline
from index.coverage_history import CoverageHistory
from index.operator_store import OperatorStore
from normalizer.gazetteer import District

__all__ = ["ScheduleStatus", "StaffServices", "StatusesFn"]


class ScheduleStatus(Protocol):
    """One source's health as the scheduler sees it. `state`: new, healthy, degraded,
    failing, waiting_for_key or disabled."""

    @property
    def source_id(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def next_attempt(self) -> datetime | None: ...
    @property
    def failing_since(self) -> datetime | None: ...
    @property
    def consecutive_failures(self) -> int: ...
    @property
    def last_success_at(self) -> datetime | None: ...


StatusesFn = Callable[[], Sequence[ScheduleStatus]]


@dataclass(frozen=True, slots=True)
class StaffServices:
    """Everything the staff routes use besides the public site's data.

    `statuses` is the scheduler's per-source health (None: derived from the catalog's
    fetch state and runs, with no next run); `on_catalog_change` is called after a
    quarantined run is applied (e.g. to bring the search index up to date).
    """

    store: OperatorStore
    catalog: Catalog
    districts: Sequence[District]
    baseline: Baseline
    statuses: StatusesFn | None = None
    history: CoverageHistory | None = None
    on_catalog_change: Callable[[], None] | None = None
