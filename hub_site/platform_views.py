"""The platform directory (/platforms) and one platform's page (/platforms/{id}).

Like the Seoul Sharing Hub's list of sharing companies and organisations, with what a
citizen or city staff member wants to know about each: who runs it, what format it
publishes, the districts it serves (counted from its listings in the search index), how
many listings it has and its health (last successful run, last run's status, freshness).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

from hub_site.cards import CardContext, ListingCard, listing_card
from hub_site.dates import as_utc, format_datetime, time_ago
from hub_site.hub_data import HubData
from hub_site.listing_sources import read_catalog
from hub_site.params import MAX_PAGE
from hub_site.security import safe_http_url
from index.catalog_types import RunRecord, SourceSummary
from index.district_names import load_district_names
from index.feedback import FeedbackStore
from index.search_types import SearchQuery

__all__ = ["PlatformDistrict", "PlatformHealth", "PlatformPage", "PlatformRow",
           "PlatformsPage", "RunRow", "freshness", "platform_detail", "platform_directory"]

_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_FRESH = timedelta(hours=24)
_STALE = timedelta(hours=72)
_RECENT_RUNS = 10
_RUN_STATUSES = ("ok", "unchanged", "failed", "quarantined")


@dataclass(frozen=True, slots=True)
class PlatformDistrict:
    code: str
    name: str
    count: int
    url: str


@dataclass(frozen=True, slots=True)
class PlatformHealth:
    last_success_ago: str | None  # "3시간 전"
    last_success_at: str | None  # "2025-05-01 12:00 KST"
    last_success_iso: str | None
    last_run_status: str  # ok | unchanged | failed | quarantined | none
    last_run_label: str
    freshness: str  # fresh | stale | old | never
    freshness_label: str
    error_count: int


@dataclass(frozen=True, slots=True)
class PlatformRow:
    id: str
    name: str
    description: str | None
    operator: str | None
    kind: str
    provider_type_label: str
    site_url: str | None  # the platform's own site (an origin, never the feed's path)
    page_url: str
    listing_count: int
    districts: list[PlatformDistrict]
    health: PlatformHealth
    open_reports: int | None  # None when reports are switched off

    def to_json(self) -> dict[str, Any]:
        health = self.health
        return {
            "id": self.id, "name": self.name, "description": self.description,
            "operator": self.operator, "kind": self.kind, "site_url": self.site_url,
            "listing_count": self.listing_count,
            "districts": [{"code": d.code, "name": d.name, "count": d.count}
                          for d in self.districts],
            "health": {"last_success_at": health.last_success_iso,
                       "last_run_status": health.last_run_status,
                       "freshness": health.freshness, "error_count": health.error_count},
            "open_reports": self.open_reports,
        }


@dataclass(frozen=True, slots=True)
class PlatformsPage:
    platforms: list[PlatformRow]

    def to_json(self) -> dict[str, Any]:
        return {"platforms": [p.to_json() for p in self.platforms]}


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    finished_at: str | None
    status: str
    status_label: str
    changes: str  # "추가 3 · 수정 1 · 삭제 0 · 오류 0"
    error: str | None
    record: RunRecord


@dataclass(frozen=True, slots=True)
class PlatformPage:
    platform: PlatformRow
    runs: list[RunRow]
    cards: list[ListingCard]
    total: int  # listings the index shows under this platform
    merged: int  # its other listings, shown under another platform's copy of the place
    page: int
    page_count: int
    prev_url: str | None
    next_url: str | None

    def to_json(self) -> dict[str, Any]:
        return {**self.platform.to_json(),
                "runs": [{"id": r.id, "finished_at": r.record.finished_at.isoformat(),
                          "status": r.status, "added": r.record.added,
                          "updated": r.record.updated, "unchanged": r.record.unchanged,
                          "removed": r.record.removed, "invalid": r.record.invalid,
                          "error": r.error} for r in self.runs],
                "listings": {"total": self.total, "merged": self.merged, "page": self.page,
                             "results": [c.id for c in self.cards]}}


def freshness(last_success: datetime | None, now: datetime) -> str:
    """fresh (within 24 h), stale (within 72 h), old, or never (no successful run)."""
    if last_success is None:
        return "never"
    age = as_utc(now) - as_utc(last_success)
    return "fresh" if age <= _FRESH else "stale" if age <= _STALE else "old"


def _site_url(summary: SourceSummary) -> str | None:
    params = summary.source.params
    homepage = params.get("homepage") if isinstance(params.get("homepage"), str) else None
    safe = safe_http_url(homepage) or safe_http_url(summary.source.url)
    if safe is None:
        return None
    parts = urlsplit(safe)  # the origin only: a feed's path or query may carry an API key
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/"


def _text_param(summary: SourceSummary, key: str) -> str | None:
    value = summary.source.params.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _districts(hub: HubData, source_id: str, ctx: CardContext) -> list[PlatformDistrict]:
    names = load_district_names()
    facets = hub.index.search(SearchQuery(source_ids=(source_id,), facets=("district",),
                                          limit=1)).facets.get("district", [])
    rows = []
    for facet in facets:
        known = names.get(facet.value)
        if known is None:
            continue  # "none" (no district) or a code the gazetteer does not know
        rows.append(PlatformDistrict(facet.value, known.name(ctx.t.lang), facet.count,
                                     ctx.urls.district(facet.value)))
    return rows


def _health(summary: SourceSummary, ctx: CardContext) -> PlatformHealth:
    t, at = ctx.t, summary.state.last_success_at
    status = summary.last_run.status if summary.last_run else "none"
    fresh = freshness(at, ctx.now)
    return PlatformHealth(
        last_success_ago=time_ago(at, ctx.now, t) if at else None,
        last_success_at=format_datetime(at),
        last_success_iso=as_utc(at).isoformat() if at else None,
        last_run_status=status,
        last_run_label=t(f"run_status_{status}") if status in (*_RUN_STATUSES, "none")
        else status,
        freshness=fresh, freshness_label=t(f"freshness_{fresh}"),
        error_count=summary.state.error_count)


def _platform_row(hub: HubData, summary: SourceSummary, ctx: CardContext,
                  feedback: FeedbackStore | None) -> PlatformRow:
    source = summary.source
    return PlatformRow(
        id=source.id, name=source.name, description=_text_param(summary, "description"),
        operator=_text_param(summary, "operator"), kind=source.kind,
        provider_type_label=ctx.t(f"provider_{source.provider_type}"),
        site_url=_site_url(summary), page_url=ctx.urls.platform(source.id),
        listing_count=summary.listing_count, districts=_districts(hub, source.id, ctx),
        health=_health(summary, ctx),
        open_reports=feedback.open_reports_count(source.id) if feedback else None)


def platform_directory(hub: HubData, ctx: CardContext,
                       feedback: FeedbackStore | None = None) -> PlatformsPage:
    """Every registered source, the biggest first."""
    summaries = sorted(hub.source_summaries(),
                       key=lambda s: (-s.listing_count, s.source.name, s.source.id))
    return PlatformsPage([_platform_row(hub, s, ctx, feedback) for s in summaries])


def _run_row(run: RunRecord, ctx: CardContext) -> RunRow:
    t = ctx.t
    label = t(f"run_status_{run.status}") if run.status in _RUN_STATUSES else run.status
    error = run.error.splitlines()[0][:300] if run.error else None
    return RunRow(run.id, format_datetime(run.finished_at), run.status, label,
                  t("run_changes", added=run.added, updated=run.updated, removed=run.removed,
                    invalid=run.invalid), error, run)


def platform_detail(hub: HubData, source_id: str, page: int, ctx: CardContext,
                    feedback: FeedbackStore | None = None) -> PlatformPage:
    """One platform with its recent runs and one page of its listings (newest first).

    Raises HTTPException(404) for an unknown or malformed source id.
    """
    summary = (next((s for s in hub.source_summaries() if s.source.id == source_id), None)
               if _SOURCE_ID.match(source_id) else None)
    if summary is None:
        raise HTTPException(status_code=404, detail="platform not found")
    size = hub.page_size
    page = min(max(page, 1), MAX_PAGE)
    results = hub.search(SearchQuery(source_ids=(source_id,), sort="newest",
                                     offset=(page - 1) * size, limit=size))
    page_count = min(max(1, -(-results.total // size)), MAX_PAGE)
    runs = read_catalog("runs", lambda: hub.catalog.runs(source_id, limit=_RECENT_RUNS))
    urls = ctx.urls
    # The index shows one listing per duplicate group, so a platform's copy of a place
    # another platform lists better is found under that one; say how many.
    return PlatformPage(
        platform=_platform_row(hub, summary, ctx, feedback),
        runs=[_run_row(run, ctx) for run in runs],
        cards=[listing_card(hit.listing, ctx) for hit in results.hits],
        total=results.total, merged=max(0, summary.listing_count - results.total),
        page=page, page_count=page_count,
        prev_url=urls.platform(source_id, min(page - 1, page_count)) if page > 1 else None,
        next_url=urls.platform(source_id, page + 1) if page < page_count else None)
