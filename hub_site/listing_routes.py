"""Routes of the listing page, its JSON twin and the "report outdated" POST.

    GET  /listings/{id}              the page (with the form when a feedback store is set)
    GET  /api/v1/listings/{id}       the Listing JSON
    POST /listings/{id}/report       store a report, then 303 to the page's thank-you

A refused report (bad form 400, stale or forged token 403, too many 429) shows the page
again with the reason beside the form, so the visitor keeps their place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub_site.cards import CardContext
from hub_site.hub_data import HubData
from hub_site.listing_sources import find_listing
from hub_site.listing_views import listing_detail
from hub_site.rendering import Locale, Renderer, json_response, request_locale
from hub_site.report_views import (
    MAX_FORM_BYTES,
    CsrfSigner,
    RateLimiter,
    ReportForm,
    ReportProblem,
    read_report_form,
    report_form,
)
from index.feedback import FeedbackStore

__all__ = ["add_listing_routes"]

log = logging.getLogger(__name__)
_READ_METHODS = ["GET", "HEAD"]
_PROBLEM_STATUS: dict[ReportProblem, int] = {"invalid": 400, "expired": 403,
                                             "rate_limited": 429}


async def _capped_body(request: Request) -> bytes | None:
    """The request body, or None as soon as it passes MAX_FORM_BYTES."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    return bytes(body)


def add_listing_routes(app: FastAPI, hub: HubData, renderer: Renderer,
                       card_context: Callable[[Locale], CardContext],
                       feedback: FeedbackStore | None = None, *,
                       limiter: RateLimiter | None = None) -> None:
    """Register the listing routes. Without `feedback` the form is hidden and a POST is a
    404. `limiter` defaults to 5 reports per client per 10 minutes."""
    signer = CsrfSigner()  # a fresh secret per process: tokens outlive no restart
    limiter = limiter or RateLimiter()

    def form_for(locale: Locale, listing_id: str, *, problem: ReportProblem | None = None,
                 sent: bool = False) -> ReportForm | None:
        if feedback is None:
            return None
        return report_form(locale.t, locale.urls.listing_report(listing_id),
                           signer.issue(listing_id, hub.clock()), problem=problem, sent=sent)

    @app.api_route("/listings/{listing_id}", methods=_READ_METHODS)
    def listing(request: Request, listing_id: str) -> Response:
        locale = request_locale(request)
        sent = request.query_params.get("reported") == "1"
        view = listing_detail(hub, listing_id, card_context(locale),
                              form_for(locale, listing_id, sent=sent))
        return renderer.page(request, "listing.html", locale, view)

    @app.api_route("/api/v1/listings/{listing_id}", methods=_READ_METHODS)
    def listing_json(request: Request, listing_id: str) -> Response:
        locale = request_locale(request)
        return json_response(listing_detail(hub, listing_id, card_context(locale)).to_json())

    def refuse(request: Request, locale: Locale, listing_id: str,
               problem: ReportProblem) -> Response:
        view = listing_detail(hub, listing_id, card_context(locale),
                              form_for(locale, listing_id, problem=problem))
        headers = {"Retry-After": str(int(limiter.window.total_seconds()))} \
            if problem == "rate_limited" else None
        return renderer.page(request, "listing.html", locale, view,
                             status_code=_PROBLEM_STATUS[problem], headers=headers)

    @app.post("/listings/{listing_id}/report")
    async def listing_report(request: Request, listing_id: str) -> Response:
        if feedback is None:
            raise HTTPException(status_code=404, detail="reports are switched off")
        locale = request_locale(request)
        listing = await run_in_threadpool(find_listing, hub, listing_id)
        now = hub.clock()
        client = request.client.host if request.client else "unknown"
        if not limiter.allow(client, now):
            return await run_in_threadpool(refuse, request, locale, listing.id, "rate_limited")
        body = await _capped_body(request)
        form = read_report_form(body) if body is not None else None
        if form is None:
            return await run_in_threadpool(refuse, request, locale, listing.id, "invalid")
        if not signer.check(form.token, listing.id, now):
            return await run_in_threadpool(refuse, request, locale, listing.id, "expired")
        report = await run_in_threadpool(
            lambda: feedback.add_report(listing_id=listing.id, source_id=listing.source_id,
                                        reason=form.reason,
                                        comment=form.comment, now=now))
        log.info("site: report %s on listing %s (%s)", report.id, listing.id, report.reason,
                 extra={"stage": "site", "source_id": listing.source_id})
        return RedirectResponse(locale.urls.listing_reported(listing.id), status_code=303)
