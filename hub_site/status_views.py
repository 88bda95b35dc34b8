"""The public /status page (every platform's health and freshness, no sign-in) and the
figures /metrics exposes. Read-only: both read the site's read-only catalog."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hub_site.hub_data import HubData
from hub_site.metrics import CONTENT_TYPE, render_metrics
from hub_site.rendering import Renderer, json_response, request_locale
from hub_site.staff_health import HealthView, source_health
from hub_site.staff_services import ScheduleStatus, StatusesFn
from index.catalog import Catalog
from index.search_types import SearchIndex, SearchQuery

__all__ = ["add_status_routes", "metrics_text", "status_view"]


def status_view(catalog: Catalog, statuses: Sequence[ScheduleStatus] | None,
                now: datetime) -> HealthView:
    """Every platform's state, listings and last success (no history: it is public and
    cheap). Its JSON twin is `to_json(staff=False)`, without errors or schedules."""
    return source_health(catalog, statuses, now, with_history=False)


def metrics_text(catalog: Catalog, index: SearchIndex) -> str:
    """/metrics' body from the catalog and the index."""
    summaries = catalog.source_summaries()
    try:
        documents: int | None = index.search(SearchQuery(limit=1)).total
    except Exception:  # the index is optional for metrics; a broken one must not hide them
        documents = None
    return render_metrics(
        listings_by_source={s.source.id: s.listing_count for s in summaries},
        runs_by_status=catalog.run_counts(),
        last_success={s.source.id: s.state.last_success_at for s in summaries},
        quarantined=len(catalog.quarantined_runs()), index_documents=documents)


def add_status_routes(app: FastAPI, hub: HubData, renderer: Renderer,
                      statuses: StatusesFn | None) -> None:
    """GET /status, /api/v1/status (its JSON twin) and /metrics; no sign-in."""
    methods = ["GET", "HEAD"]

    def current() -> HealthView:
        return status_view(hub.catalog, statuses() if statuses else None, hub.clock())

    @app.api_route("/status", methods=methods)
    async def status_page(request: Request) -> Response:
        view = await run_in_threadpool(current)
        return renderer.page(request, "status.html", request_locale(request), view,
                             headers={"Cache-Control": "max-age=60"})

    @app.api_route("/api/v1/status", methods=methods)
    async def status_json(request: Request) -> Response:
        view = await run_in_threadpool(current)
        return json_response(view.to_json(staff=False), headers={"Cache-Control": "max-age=60"})

    @app.api_route("/metrics", methods=methods)
    async def metrics(request: Request) -> Response:
        text = await run_in_threadpool(metrics_text, hub.catalog, hub.index)
        return Response(text, media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})
