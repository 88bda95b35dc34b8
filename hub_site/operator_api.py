"""The operator pages' JSON twins under /api/v1/operators, for scripts: a bearer token in
the Authorization header and nothing else (no cookies, hence no CSRF tokens).

    POST /api/v1/operators/signup                  {"name", "organisation", "email"}
                                                   → the account and its token (once)
    GET  /api/v1/operators                         the caller and their registrations
    POST /api/v1/operators/preview                 {"url", "kind"?, "district_codes"?}
    POST /api/v1/operators/sources                 a registration request → 201, or 422
    POST /api/v1/operators/bulk                    a CSV of feeds (text/csv) → per row
    GET  /api/v1/operators/sources/{id}            (operator_routes) the run reports
    POST /api/v1/operators/sources/{id}/recrawl    202, or 429 with Retry-After
"""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub_site.i18n import LANGS, Translator
from hub_site.operator_actions import (
    bulk_register,
    owned_registration,
    preview_source,
    request_recrawl,
    submit_source,
)
from hub_site.operator_context import OperatorSite
from hub_site.operator_forms import SourceFormValues
from hub_site.operator_services import RegistrationRefused
from hub_site.operator_views import account_json, dry_run_view, registration_row
from hub_site.rendering import json_response

__all__ = ["add_operator_api", "values_from_json"]

_NO_STORE = {"Cache-Control": "no-store"}
_MAX_JSON = 64 * 1024


async def _json_body(request: Request, limit: int = _MAX_JSON) -> dict[str, Any]:
    body = await request.body()
    if len(body) > limit:
        raise HTTPException(413, f"the body is over {limit} bytes")
    try:
        data = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HTTPException(400, f"the body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return data


def _quiet_line(window: dict[str, Any]) -> str:
    days = window.get("days", "daily")
    return f"{','.join(map(str, days)) if isinstance(days, list) else days} " \
           f"{window.get('hours', '')}"


def values_from_json(data: dict[str, Any]) -> SourceFormValues:
    """A JSON registration request as the form's values (the same checks follow)."""
    def text(name: str) -> str:
        value = data.get(name)
        return value.strip() if isinstance(value, str) else ""

    codes = data.get("district_codes") or []
    lines = [_quiet_line(q) for q in data.get("quiet") or [] if isinstance(q, dict)]
    return SourceFormValues(
        name=text("name"), url=text("url"), kind=text("kind"),
        district_codes=tuple(str(c) for c in codes if isinstance(c, str | int))[:300],
        contact_email=text("contact_email"), contact_phone=text("contact_phone"),
        interval=text("interval"), quiet="\n".join(lines),
        provider_type=text("provider_type") or "unknown")


def add_operator_api(app: FastAPI, site: OperatorSite) -> None:
    """Register the JSON routes of the operator pages."""
    services = site.services

    @app.post("/api/v1/operators/signup")
    async def operators_signup_json(request: Request) -> Response:
        data = await _json_body(request)
        fields = {k: str(data.get(k) or "").strip() for k in ("name", "organisation", "email")}
        if not all(fields.values()) or "@" not in fields["email"] or any(
                len(v) > 120 for v in fields.values()):
            raise HTTPException(422, "name, organisation and email are required")
        account, token = await run_in_threadpool(
            services.store.create_account, "operator", fields["name"], fields["organisation"],
            fields["email"])
        return json_response({"account": account_json(account), "token": token,
                              "warning": "keep this token: it is shown only once"},
                             status_code=201, headers=_NO_STORE)

    @app.get("/api/v1/operators")
    def operators_home_json(request: Request) -> Response:
        account = site.api_operator(request)
        locale = site.locale(request)
        rows = [registration_row(r, locale.t, locale.urls.operators(f"sources/{r.id}"))
                for r in services.store.registrations(operator_id=account.id)]
        return json_response({"account": account_json(account),
                              "registrations": [r.to_json() for r in rows]}, headers=_NO_STORE)

    @app.post("/api/v1/operators/preview")
    async def operators_preview_json(request: Request) -> Response:
        site.api_operator(request)
        values = values_from_json(await _json_body(request))
        try:
            preview = await run_in_threadpool(preview_source, services, values, None)
        except RegistrationRefused as exc:
            raise HTTPException(422, str(exc)) from exc
        view = dry_run_view(preview.result, site.card_context(site.locale(request)),
                            is_upload=False, source_name=values.name)
        return json_response(view.to_json(), headers=_NO_STORE)

    @app.post("/api/v1/operators/sources")
    async def operators_submit_json(request: Request) -> Response:
        account = site.api_operator(request)
        values = values_from_json(await _json_body(request))
        try:
            registration, result = await run_in_threadpool(submit_source, services, account,
                                                           values)
        except RegistrationRefused as exc:
            raise HTTPException(422, str(exc)) from exc
        return json_response({"registration": registration.to_json(),
                              "dry_run": result.to_json()}, status_code=201,
                             headers=_NO_STORE)

    @app.post("/api/v1/operators/bulk")
    async def operators_bulk_json(request: Request) -> Response:
        account = site.api_operator(request)
        body = await request.body()
        if len(body) > services.max_upload_bytes:
            raise HTTPException(413, "the file is over the size limit")
        try:
            rows, errors = await run_in_threadpool(
                bulk_register, services, account, body.decode("utf-8-sig", errors="replace"))
        except RegistrationRefused as exc:
            raise HTTPException(422, str(exc)) from exc
        return json_response({"rows": [row.to_json() for row in rows], "file_errors": errors,
                              "registered": sum(1 for row in rows if row.registered)},
                             headers=_NO_STORE)

    @app.post("/api/v1/operators/sources/{registration_id:int}/recrawl")
    def operator_recrawl_json(request: Request, registration_id: int) -> Response:
        account = site.api_operator(request)
        registration = owned_registration(services, account, registration_id)
        wait = request_recrawl(services, registration, site.hub.clock())
        if wait is None:
            return json_response({"requested": True, "source_id": registration.source_id},
                                 status_code=202, headers=_NO_STORE)
        seconds = math.ceil(wait.total_seconds())
        minutes = max(1, math.ceil(seconds / 60))
        message = {lang: Translator(lang)("op_recrawl_too_soon", minutes=minutes)
                   for lang in LANGS}
        return json_response({"error": message["en"], "message": message,
                              "retry_after_s": seconds}, status_code=429,
                             headers={**_NO_STORE, "Retry-After": str(seconds)})
