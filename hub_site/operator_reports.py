"""One registered source as its operator sees it: status, the dry run it got, and, once
approved, every run report from the catalog (counts, errors with how to fix them,
warnings, each fetch's status, bytes and duration), the listings' quality with fixes,
and citizens' open "report outdated" reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hub_site.dates import format_datetime
from hub_site.i18n import Translator
from hub_site.operator_views import RegistrationRow
from index.catalog import Catalog
from index.catalog_types import RunRecord
from index.feedback import FeedbackStore, run_report_feedback
from index.operator_store import Registration

__all__ = ["FetchRow", "RunReport", "SourceDetail", "failure_hint", "source_detail"]

_RUNS_SHOWN = 30
# A run's error (its start, lower case) → the i18n key of what to do about it.
_FAILURE_HINTS = (
    ("robots", "op_hint_robots"),
    ("http 404", "op_hint_not_found"),
    ("404", "op_hint_not_found"),
    ("http 401", "op_hint_key"), ("http 403", "op_hint_key"),
    ("timed out", "op_hint_slow"), ("timeout", "op_hint_slow"),
    ("over the cap", "op_hint_size"), ("too large", "op_hint_size"),
    ("not public", "op_hint_address"), ("private", "op_hint_address"),
    ("parse", "op_hint_format"), ("cannot read", "op_hint_format"),
)


def failure_hint(error: str | None, t: Translator) -> str | None:
    """What an operator can do about a failed run, from its error message."""
    if not error:
        return None
    lowered = error.lower()
    key = next((key for needle, key in _FAILURE_HINTS if needle in lowered), "op_hint_other")
    return t(key)


@dataclass(frozen=True, slots=True)
class FetchRow:
    url: str
    status: int | None
    bytes: int
    ms: int
    error: str | None


@dataclass(frozen=True, slots=True)
class RunReport:
    run: RunRecord
    status_label: str
    started: str | None
    finished: str | None
    hint: str | None
    fetches: list[FetchRow]

    def to_json(self) -> dict[str, Any]:
        run = self.run
        return {"id": run.id, "status": run.status, "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat(), "added": run.added,
                "updated": run.updated, "unchanged": run.unchanged, "removed": run.removed,
                "missing": run.missing, "invalid": run.invalid, "error": run.error,
                "how_to_fix": self.hint, "record_errors": run.record_errors,
                "warnings": run.warnings,
                "fetches": [{"url": f.url, "status": f.status, "bytes": f.bytes, "ms": f.ms,
                             "error": f.error} for f in self.fetches]}


def _run_report(run: RunRecord, t: Translator) -> RunReport:
    label = t(f"run_status_{run.status}") if t.has(f"run_status_{run.status}") else run.status
    fetches = [FetchRow(str(f.get("url", "")), f.get("status"), int(f.get("bytes") or 0),
                        int(f.get("ms") or 0), f.get("error")) for f in run.fetches]
    hint = failure_hint(run.error, t) if run.status == "failed" else None
    if hint is None and run.invalid:
        hint = t("op_hint_records")
    return RunReport(run, label, format_datetime(run.started_at),
                     format_datetime(run.finished_at), hint, fetches)


@dataclass(frozen=True, slots=True)
class SourceDetail:
    row: RegistrationRow
    definition: dict[str, Any]
    dry_run: dict[str, Any] | None
    csrf: str
    recrawl_url: str
    runs: list[RunReport] = field(default_factory=list)
    listing_count: int = 0
    quality_average: float | None = None
    issues: dict[str, int] = field(default_factory=dict)
    fixes: list[str] = field(default_factory=list)
    feedback: dict[str, Any] = field(default_factory=dict)
    notice: str | None = None

    @property
    def approved(self) -> bool:
        return self.row.status == "approved"

    def to_json(self) -> dict[str, Any]:
        public = {k: v for k, v in self.definition.items() if not k.startswith("_")}
        return {"registration": self.row.to_json(), "definition": public,
                "contact": self.definition.get("_contact", {}),
                "districts": self.definition.get("_districts", []),
                "dry_run": self.dry_run, "runs": [r.to_json() for r in self.runs],
                "listing_count": self.listing_count, "quality_average": self.quality_average,
                "issues": self.issues, "fixes": self.fixes, "feedback": self.feedback}


def source_detail(registration: Registration, row: RegistrationRow, catalog: Catalog,
                  feedback: FeedbackStore | None, t: Translator, *, csrf: str,
                  recrawl_url: str,
                  fixes_for: Callable[[Mapping[str, int], Sequence[str], Sequence[str]],
                                      list[str]],
                  notice: str | None = None) -> SourceDetail:
    """The source page's view-model; run reports only once the source is approved (a
    pending or rejected one has never been crawled)."""
    detail = SourceDetail(row, registration.definition, registration.dry_run, csrf,
                          recrawl_url, notice=notice)
    if registration.status != "approved":
        return detail
    source_id = registration.source_id
    runs = [_run_report(run, t) for run in catalog.runs(source_id, limit=_RUNS_SHOWN)]
    scores: list[int] = []
    counts: Counter[str] = Counter()
    for listing in catalog.iter_listings(source_id):
        scores.append(listing.quality.score)
        counts.update(set(listing.quality.issues))
    issues = dict(counts.most_common())
    return SourceDetail(row, registration.definition, registration.dry_run, csrf, recrawl_url,
                        runs=runs, listing_count=len(scores),
                        quality_average=round(sum(scores) / len(scores), 1) if scores else None,
                        issues=issues, fixes=fixes_for(issues, [], []),
                        feedback=run_report_feedback(feedback, source_id), notice=notice)
