"""The city staff pages (JSON twins in staff_api):

    GET  /staff                          sign-in, or source health (state, sparkline, quality)
    POST /staff/login | /staff/logout
    GET  /staff/quarantine               held runs and what they would change
    POST /staff/quarantine/{run}/apply | /discard
    GET  /staff/registrations            pending registrations with their dry runs
    POST /staff/registrations/{id}/approve | /reject   (a reason is required to reject)
    GET  /staff/coverage, /staff/coverage.csv          matrix, map, trends; CSV export
    GET  /staff/audit                    every staff decision

Without a session a page shows the sign-in form (401); an operator's session gets 403.
Every POST checks a CSRF token, and every decision is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub_site.hub_data import HubData
from hub_site.operator_auth import CsrfTokens, clear_session, start_session
from hub_site.operator_forms import read_form
from hub_site.rendering import Renderer, request_locale
from hub_site.staff_actions import (
    audit_view,
    coverage_page,
    decide_quarantine,
    decide_registration,
    health_view,
    quarantine_view,
    registrations_view,
)
from hub_site.staff_api import add_staff_api
from hub_site.staff_context import StaffSite
from hub_site.staff_health import HealthView
from hub_site.staff_services import StaffServices
from hub_site.staff_views import StaffLogin, StaffPage
from index.operator_store import Account

__all__ = ["add_staff_routes"]

_READ_METHODS = ["GET", "HEAD"]
_SMALL_FORM = 16 * 1024
_Page = Literal["health", "quarantine", "registrations", "coverage", "audit"]


def add_staff_routes(app: FastAPI, hub: HubData, renderer: Renderer,
                     services: StaffServices, *, csrf: CsrfTokens | None = None) -> None:
    """Register the staff pages and their JSON twins under /api/v1/staff."""
    site = StaffSite(hub, renderer, services, csrf or CsrfTokens())

    def login_page(request: Request, problem: str | None = None,
                   status_code: int = 401) -> Response:
        token, session = site.form_token(request)
        return site.page(request, "staff/login.html", request_locale(request),
                         StaffLogin(token, problem), session=session, status_code=status_code)

    def signed_in(request: Request) -> Account | Response:
        try:
            return site.page_staff(request)
        except HTTPException as exc:
            if exc.status_code == 401:
                return login_page(request)
            raise

    def show(request: Request, section: _Page, notice: str | None = None,
             problem: str | None = None, status_code: int = 200) -> Response:
        account = signed_in(request)
        if isinstance(account, Response):
            return account
        locale = request_locale(request)
        staff = site.staff_page(request, account, section, notice, problem)
        view: object
        if section == "health":
            view = _HealthPage(staff, health_view(site))
        elif section == "quarantine":
            view = quarantine_view(site, staff)
        elif section == "registrations":
            view = registrations_view(site, staff)
        elif section == "coverage":
            view = coverage_page(site, staff, locale.t, locale.lang)
        else:
            view = audit_view(site, staff)
        return site.page(request, f"staff/{section}.html", locale, view,
                         status_code=status_code)

    @app.api_route("/staff", methods=_READ_METHODS)
    async def staff_home(request: Request) -> Response:
        return await run_in_threadpool(show, request, "health")

    def add_section(section: _Page) -> None:
        async def staff_section(request: Request) -> Response:
            locale = request_locale(request)
            key = f"staff_done_{request.query_params.get('done', '')}"
            notice = locale.t(key) if locale.t.has(key) else None
            return await run_in_threadpool(show, request, section, notice)
        app.add_api_route(f"/staff/{section}", staff_section, methods=_READ_METHODS,
                          name=f"staff_{section}")

    for name in ("quarantine", "registrations", "coverage", "audit"):
        add_section(name)

    @app.api_route("/staff/coverage.csv", methods=_READ_METHODS)
    async def staff_coverage_csv(request: Request) -> Response:
        account = signed_in(request)
        if isinstance(account, Response):
            return account
        locale = request_locale(request)
        view = await run_in_threadpool(coverage_page, site, None, locale.t, locale.lang)
        return Response(view.matrix.to_csv(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="coverage.csv"',
                                 "Cache-Control": "no-store"})

    @app.post("/staff/login")
    async def staff_login(request: Request) -> Response:
        form = await read_form(request, _SMALL_FORM)
        site.check_form(request, form)
        locale = request_locale(request)
        token = str(form.get("token") or "").strip()
        account = await run_in_threadpool(services.store.authenticate, token)
        if account is None or account.role != "staff":
            return login_page(request, locale.t("staff_login_failed"))
        redirect = RedirectResponse(locale.urls.staff(), status_code=303)
        return start_session(request, redirect, token)

    @app.post("/staff/logout")
    async def staff_logout(request: Request) -> Response:
        form = await read_form(request, _SMALL_FORM)
        site.check_form(request, form)
        return clear_session(request, RedirectResponse(request_locale(request).urls.staff(),
                                                       status_code=303))

    @app.post("/staff/quarantine/{run_id:int}/{action}")
    async def staff_quarantine_decide(request: Request, run_id: int, action: str) -> Response:
        if action not in ("apply", "discard"):
            raise HTTPException(404, "no such action")
        account = site.page_staff(request)
        form = await read_form(request, _SMALL_FORM)
        site.check_form(request, form)
        locale = request_locale(request)
        try:
            await run_in_threadpool(decide_quarantine, site, account, run_id,
                                    "apply" if action == "apply" else "discard")
        except HTTPException as exc:
            if exc.status_code != 409:
                raise
            return await run_in_threadpool(show, request, "quarantine", None, exc.detail, 409)
        return RedirectResponse(locale.urls.staff("quarantine", [("done", action)]),
                                status_code=303)

    @app.post("/staff/registrations/{registration_id:int}/{action}")
    async def staff_registration_decide(request: Request, registration_id: int,
                                        action: str) -> Response:
        if action not in ("approve", "reject"):
            raise HTTPException(404, "no such action")
        account = site.page_staff(request)
        form = await read_form(request, _SMALL_FORM)
        site.check_form(request, form)
        locale = request_locale(request)
        reason = str(form.get("reason") or "")
        try:
            await run_in_threadpool(decide_registration, site, account, registration_id,
                                    "approve" if action == "approve" else "reject", reason)
        except HTTPException as exc:
            if exc.status_code not in (400, 409):
                raise
            problem = (locale.t("staff_reason_required") if exc.status_code == 400
                       else exc.detail)
            return await run_in_threadpool(show, request, "registrations", None, problem,
                                           exc.status_code)
        return RedirectResponse(locale.urls.staff("registrations", [("done", action)]),
                                status_code=303)

    add_staff_api(app, site)
@dataclass(frozen=True, slots=True)
class _HealthPage:
    """The health page's view: the staff chrome plus the health rows."""

    staff: StaffPage
    health: HealthView

    def to_json(self) -> dict[str, Any]:
        return self.health.to_json()
