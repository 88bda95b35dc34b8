"""The staff pages' JSON twins, for `Authorization: Bearer <staff token>` only (no
cookies, so no CSRF token is needed):

    GET  /api/v1/staff                   source health
    GET  /api/v1/staff/quarantine | /registrations | /coverage | /audit
    POST /api/v1/staff/quarantine/{run}/apply | /discard
    POST /api/v1/staff/registrations/{id}/approve | /reject   JSON body {"reason": "..."}
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub_site.rendering import json_response, request_locale
from hub_site.staff_actions import (
    audit_view,
    coverage_page,
    decide_quarantine,
    decide_registration,
    health_view,
    quarantine_view,
    registrations_view,
)
from hub_site.staff_context import StaffSite
from hub_site.staff_views import StaffPage

__all__ = ["add_staff_api"]

_READ_METHODS = ["GET", "HEAD"]
_NO_STORE = {"Cache-Control": "no-store"}
_MAX_BODY = 16 * 1024


async def _json_body(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > _MAX_BODY:
        raise HTTPException(413, "the request body is too large")
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise HTTPException(400, "the body is not JSON") from exc
    if not isinstance(data, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return data


def add_staff_api(app: FastAPI, site: StaffSite) -> None:
    """Register the /api/v1/staff routes."""

    def api_page(request: Request, section: str) -> StaffPage:
        return StaffPage(site.api_staff(request), "", section)

    @app.api_route("/api/v1/staff", methods=_READ_METHODS)
    async def staff_health_json(request: Request) -> Response:
        site.api_staff(request)
        view = await run_in_threadpool(health_view, site)
        return json_response(view.to_json(), headers=_NO_STORE)

    @app.api_route("/api/v1/staff/quarantine", methods=_READ_METHODS)
    async def staff_quarantine_json(request: Request) -> Response:
        view = await run_in_threadpool(quarantine_view, site, api_page(request, "quarantine"))
        return json_response(view.to_json(), headers=_NO_STORE)

    @app.api_route("/api/v1/staff/registrations", methods=_READ_METHODS)
    async def staff_registrations_json(request: Request) -> Response:
        view = await run_in_threadpool(registrations_view, site,
                                       api_page(request, "registrations"))
        return json_response(view.to_json(), headers=_NO_STORE)

    @app.api_route("/api/v1/staff/coverage", methods=_READ_METHODS)
    async def staff_coverage_json(request: Request) -> Response:
        page = api_page(request, "coverage")
        locale = request_locale(request)
        view = await run_in_threadpool(coverage_page, site, page, locale.t, locale.lang)
        return json_response(view.to_json(), headers=_NO_STORE)

    @app.api_route("/api/v1/staff/audit", methods=_READ_METHODS)
    async def staff_audit_json(request: Request) -> Response:
        view = await run_in_threadpool(audit_view, site, api_page(request, "audit"))
        return json_response(view.to_json(), headers=_NO_STORE)

    @app.post("/api/v1/staff/quarantine/{run_id:int}/{action}")
    async def staff_quarantine_decide_json(request: Request, run_id: int,
                                           action: str) -> Response:
        account = site.api_staff(request)
        if action not in ("apply", "discard"):
            raise HTTPException(404, "no such action")
        source_id = await run_in_threadpool(decide_quarantine, site, account, run_id,
                                            "apply" if action == "apply" else "discard")
        return json_response({"run_id": run_id, "source_id": source_id,
                              "resolution": "applied" if action == "apply" else "discarded"},
                             headers=_NO_STORE)

    @app.post("/api/v1/staff/registrations/{registration_id:int}/{action}")
    async def staff_registration_decide_json(request: Request, registration_id: int,
                                             action: str) -> Response:
        account = site.api_staff(request)
        if action not in ("approve", "reject"):
            raise HTTPException(404, "no such action")
        body = await _json_body(request)
        reason = body.get("reason")
        source_id = await run_in_threadpool(
            decide_registration, site, account, registration_id,
            "approve" if action == "approve" else "reject",
            reason if isinstance(reason, str) else "")
        return json_response({"id": registration_id, "source_id": source_id,
                              "status": "approved" if action == "approve" else "rejected"},
                             headers=_NO_STORE)
