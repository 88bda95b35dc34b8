"""The operator pages: sign-up, login, logout, "my sources", one source's run reports and
"re-crawl now" (registration and bulk forms are in operator_source_routes, the JSON twins
in operator_api).

    GET  /operators                          sign-up + login, or the operator's sources
    POST /operators/signup                   account + its token, shown once
    POST /operators/login | /operators/logout
    GET  /operators/sources/{id}             status, dry run, run reports, citizens' reports
    POST /operators/sources/{id}/recrawl     once per source per 10 minutes (else 429)

Every POST checks a CSRF token; another operator's source is a 404 everywhere.
"""

from __future__ import annotations

import math

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub_site.hub_data import HubData
from hub_site.operator_actions import owned_registration, request_recrawl
from hub_site.operator_api import add_operator_api
from hub_site.operator_auth import (
    CsrfTokens,
    FormSession,
    clear_session,
    session_key,
    start_session,
)
from hub_site.operator_context import CSRF_PURPOSE, OperatorSite
from hub_site.operator_forms import read_form
from hub_site.operator_reports import SourceDetail, source_detail
from hub_site.operator_services import OperatorServices
from hub_site.operator_source_routes import add_operator_source_routes
from hub_site.operator_views import OperatorHome, registration_row
from hub_site.rendering import Renderer, json_response
from index.operator_store import Account

__all__ = ["add_operator_routes"]

_READ_METHODS = ["GET", "HEAD"]
_SMALL_FORM = 16 * 1024
_MAX_NAME = 120


def add_operator_routes(app: FastAPI, hub: HubData, renderer: Renderer,
                        services: OperatorServices, *, csrf: CsrfTokens | None = None) -> None:
    """Register the operator pages and their JSON twins under /api/v1/operators."""
    site = OperatorSite(hub, renderer, services, csrf or CsrfTokens())

    def home_view(request: Request, account: Account | None, *, new_token: str | None = None,
                  problem: str | None = None) -> tuple[OperatorHome, FormSession]:
        locale = site.locale(request)
        token, session = site.form_token(request)
        rows = ([registration_row(r, locale.t, locale.urls.operators(f"sources/{r.id}"))
                 for r in services.store.registrations(operator_id=account.id)]
                if account is not None and account.role == "operator" else [])
        return OperatorHome(account, token, rows, new_token, problem), session

    @app.api_route("/operators", methods=_READ_METHODS)
    def operators_home(request: Request) -> Response:
        locale = site.locale(request)
        view, session = home_view(request, site.page_account(request))
        return site.page(request, "operators/home.html", locale, view, session=session)

    @app.post("/operators/signup")
    async def operators_signup(request: Request) -> Response:
        form = await read_form(request, _SMALL_FORM)
        site.check_form(request, form)
        locale = site.locale(request)
        fields = {k: str(form.get(k) or "").strip() for k in ("name", "organisation", "email")}
        if (not all(fields.values()) or any(len(v) > _MAX_NAME for v in fields.values())
                or "@" not in fields["email"]):
            view, session = home_view(request, None, problem=locale.t("op_signup_invalid"))
            return site.page(request, "operators/home.html", locale, view, status_code=400)
        account, token = await run_in_threadpool(
            services.store.create_account, "operator", fields["name"], fields["organisation"],
            fields["email"])
        view, _ = home_view(request, account, new_token=token)
        # The new session's forms need tokens for it: render with the new cookie's key.
        page = site.page(request, "operators/home.html", locale,
                         _with_session_token(site, view, token))
        return start_session(request, page, token)

    @app.post("/operators/login")
    async def operators_login(request: Request) -> Response:
        form = await read_form(request, _SMALL_FORM)
        site.check_form(request, form)
        locale = site.locale(request)
        token = str(form.get("token") or "").strip()
        account = await run_in_threadpool(services.store.authenticate, token)
        if account is None or account.role != "operator":
            view, _ = home_view(request, None, problem=locale.t("op_login_failed"))
            return site.page(request, "operators/home.html", locale, view, status_code=401)
        return start_session(request, RedirectResponse(locale.urls.operators(),
                                                       status_code=303), token)

    @app.post("/operators/logout")
    async def operators_logout(request: Request) -> Response:
        form = await read_form(request, _SMALL_FORM)
        site.check_form(request, form)
        return clear_session(request, RedirectResponse(site.locale(request).urls.operators(),
                                                       status_code=303))

    @app.api_route("/operators/sources/{registration_id:int}", methods=_READ_METHODS)
    def operator_source(request: Request, registration_id: int) -> Response:
        account = site.page_operator(request)
        locale = site.locale(request)
        notice = (locale.t("op_recrawl_requested")
                  if request.query_params.get("recrawl") == "requested" else None)
        return site.page(request, "operators/source.html", locale,
                         detail_view(request, account, registration_id, notice))

    def detail_view(request: Request, account: Account, registration_id: int,
                    notice: str | None = None) -> SourceDetail:
        locale = site.locale(request)
        registration = owned_registration(services, account, registration_id)
        row = registration_row(registration, locale.t,
                               locale.urls.operators(f"sources/{registration.id}"))
        token, _ = site.form_token(request)
        return source_detail(registration, row, hub.catalog, services.feedback, locale.t,
                             csrf=token,
                             recrawl_url=locale.urls.operators(
                                 f"sources/{registration.id}/recrawl"),
                             fixes_for=services.fixes_for, notice=notice)

    @app.post("/operators/sources/{registration_id:int}/recrawl")
    async def operator_recrawl(request: Request, registration_id: int) -> Response:
        account = site.page_operator(request)
        form = await read_form(request, _SMALL_FORM)
        site.check_form(request, form)
        locale = site.locale(request)
        registration = await run_in_threadpool(owned_registration, services, account,
                                               registration_id)
        wait = await run_in_threadpool(request_recrawl, services, registration, hub.clock())
        if wait is None:
            return RedirectResponse(locale.urls.operators(f"sources/{registration_id}",
                                                          [("recrawl", "requested")]),
                                    status_code=303)
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        view = await run_in_threadpool(detail_view, request, account, registration_id,
                                       locale.t("op_recrawl_too_soon", minutes=minutes))
        return site.page(request, "operators/source.html", locale, view, status_code=429,
                         headers={"Retry-After": str(math.ceil(wait.total_seconds()))})

    @app.api_route("/api/v1/operators/sources/{registration_id:int}", methods=_READ_METHODS)
    def operator_source_json(request: Request, registration_id: int) -> Response:
        account = site.api_operator(request)
        view = detail_view(request, account, registration_id)
        return json_response(view.to_json(), headers={"Cache-Control": "no-store"})

    add_operator_source_routes(app, site)
    add_operator_api(app, site)


def _with_session_token(site: OperatorSite, view: OperatorHome, token: str) -> OperatorHome:
    csrf = site.csrf.issue(CSRF_PURPOSE, session_key(token), site.hub.clock())
    return OperatorHome(view.account, csrf, view.registrations, view.new_token, view.problem)
