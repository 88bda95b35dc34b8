"""What the operator pages need from the application, passed in by `sharehub` wiring.

hub_site never imports `sharehub/`: the dry run, registration, the bulk CSV reader, the
fix hints and the re-crawl request arrive as callables in `OperatorServices`, and the dry
run's result is read through the `DryRunResult` protocol (sharehub.dry_run.DryRun fits).
`RecrawlLimiter` keeps "re-crawl now" to once per source per interval.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from index.feedback import FeedbackStore
from index.operator_store import Account, OperatorStore, Registration
from normalizer.schema import Listing

__all__ = ["DEFAULT_MAX_UPLOAD_BYTES", "DryRunFn", "DryRunResult", "OperatorServices",
           "RecrawlLimiter", "RegistrationRefused", "VerdictResult"]

DEFAULT_MAX_UPLOAD_BYTES = 15 * 1024 * 1024


class RegistrationRefused(Exception):
    """The application refused a registration or a bulk file; the message says why."""


class VerdictResult(Protocol):
    @property
    def check(self) -> str: ...
    @property
    def ok(self) -> bool: ...
    @property
    def message(self) -> str: ...


class DryRunResult(Protocol):
    """A dry run's outcome, as the pages read it."""

    @property
    def verdicts(self) -> Sequence[VerdictResult]: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def listings(self) -> Sequence[Listing]: ...
    @property
    def total(self) -> int: ...
    @property
    def invalid(self) -> int: ...
    @property
    def quality_average(self) -> float | None: ...
    @property
    def unmapped_fields(self) -> Sequence[str]: ...
    @property
    def unmapped_labels(self) -> Sequence[str]: ...
    @property
    def errors(self) -> Sequence[str]: ...
    @property
    def fixes(self) -> Sequence[str]: ...
    @property
    def ok(self) -> bool: ...

    def to_json(self) -> dict[str, Any]: ...


# (target URL or local file path, kind or None to detect, district code or None)
DryRunFn = Callable[[str, str | None, str | None], DryRunResult]


class RecrawlLimiter:
    """At most one re-crawl request per source per `every` (in memory, per process)."""

    def __init__(self, every: timedelta = timedelta(minutes=10)) -> None:
        self.every = every
        self._last: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def wait_needed(self, source_id: str, now: datetime) -> timedelta | None:
        """Record a request for `source_id` now and return None, or, when the last one was
        less than `every` ago, record nothing and return how long to wait."""
        with self._lock:
            last = self._last.get(source_id)
            if last is not None and now - last < self.every:
                return self.every - (now - last)
            self._last[source_id] = now
            return None


@dataclass(frozen=True, slots=True)
class OperatorServices:
    """Everything the operator routes use besides the catalog.

    `register(account, request_fields, dry_run)` stores a pending registration or raises
    RegistrationRefused; `read_bulk_csv(text)` returns (request field dicts, row errors)
    or raises RegistrationRefused; `fixes_for(issues, unmapped_fields, unmapped_labels)`
    says what to change at the source; `request_recrawl(source_id)` asks for a run now.
    Uploaded files go under `uploads_dir` with random names.
    """

    store: OperatorStore
    dry_run: DryRunFn
    register: Callable[[Account, dict[str, Any], DryRunResult], Registration]
    read_bulk_csv: Callable[[str], tuple[list[dict[str, Any]], list[str]]]
    fixes_for: Callable[[Mapping[str, int], Sequence[str], Sequence[str]], list[str]]
    request_recrawl: Callable[[str], None]
    uploads_dir: Path
    feedback: FeedbackStore | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    recrawl_limiter: RecrawlLimiter = field(default_factory=RecrawlLimiter)
