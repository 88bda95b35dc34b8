"""Registering sources from the operator pages: the form, its dry run, submit for review,
and bulk registration from a CSV of feeds.

    GET  /operators/sources/new        the form (URL or file, kind, districts, contact, ...)
    POST /operators/sources/preview    the dry run shown at once, the form filled in again
    POST /operators/sources            submit for review (the URL is dry-run again)
    GET  /operators/bulk               the bulk form
    POST /operators/bulk               each row dry-run and registered; a result per row
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub_site.operator_actions import bulk_register, preview_source, submit_source
from hub_site.operator_context import OperatorSite
from hub_site.operator_forms import (
    FormTooLarge,
    SourceFormValues,
    read_form,
    read_form_with_upload,
    source_form_values,
)
from hub_site.operator_services import RegistrationRefused
from hub_site.operator_views import BulkView, DryRunView, dry_run_view, source_form_view
from hub_site.rendering import Locale
from index.operator_store import Account

__all__ = ["add_operator_source_routes"]

_READ_METHODS = ["GET", "HEAD"]
_NEW = "operators/source_new.html"
_BULK = "operators/bulk.html"


def add_operator_source_routes(app: FastAPI, site: OperatorSite) -> None:
    """Register the registration form, its preview and submit, and the bulk upload."""
    services = site.services

    def form_page(request: Request, locale: Locale, account: Account,
                  values: SourceFormValues, *, status_code: int = 200,
                  problem: str | None = None,
                  preview: DryRunView | None = None) -> Response:
        token, _ = site.form_token(request)
        view = source_form_view(account, token, values, locale.t, problem=problem,
                                dry=preview,
                                max_upload_bytes=services.max_upload_bytes)
        return site.page(request, _NEW, locale, view, status_code=status_code)

    @app.api_route("/operators/sources/new", methods=_READ_METHODS)
    def operator_source_new(request: Request) -> Response:
        account = site.page_operator(request)
        return form_page(request, site.locale(request), account, SourceFormValues())

    @app.post("/operators/sources/preview")
    async def operator_source_preview(request: Request) -> Response:
        account = site.page_operator(request)
        locale = site.locale(request)
        try:
            form, upload = await read_form_with_upload(request, services.max_upload_bytes)
            site.check_form(request, form)
            values = source_form_values(form)
        except FormTooLarge:
            return form_page(request, locale, account, SourceFormValues(), status_code=413,
                             problem=locale.t("op_too_large",
                                              mb=services.max_upload_bytes // 2**20))
        except ValueError:
            return form_page(request, locale, account, SourceFormValues(), status_code=400,
                             problem=locale.t("op_bad_extension"))
        try:
            preview = await run_in_threadpool(preview_source, services, values, upload)
        except RegistrationRefused as exc:
            return form_page(request, locale, account, values, status_code=400,
                             problem=str(exc))
        view = dry_run_view(preview.result, site.card_context(locale),
                            is_upload=preview.is_upload, source_name=values.name)
        return form_page(request, locale, account, values, preview=view)

    @app.post("/operators/sources")
    async def operator_source_submit(request: Request) -> Response:
        account = site.page_operator(request)
        locale = site.locale(request)
        try:
            form = await read_form(request, 0)
        except FormTooLarge:
            return form_page(request, locale, account, SourceFormValues(), status_code=413,
                             problem=locale.t("op_too_large", mb=0))
        site.check_form(request, form)
        values = source_form_values(form)
        try:
            registration, _ = await run_in_threadpool(submit_source, services, account,
                                                      values)
        except RegistrationRefused as exc:
            return form_page(request, locale, account, values, status_code=422,
                             problem=locale.t("op_refused", reason=str(exc)))
        return RedirectResponse(locale.urls.operators(f"sources/{registration.id}"),
                                status_code=303)

    @app.api_route("/operators/bulk", methods=_READ_METHODS)
    def operator_bulk_form(request: Request) -> Response:
        account = site.page_operator(request)
        locale = site.locale(request)
        token, _ = site.form_token(request)
        return site.page(request, _BULK, locale, BulkView(account, token))

    @app.post("/operators/bulk")
    async def operator_bulk(request: Request) -> Response:
        account = site.page_operator(request)
        locale = site.locale(request)
        token, _ = site.form_token(request)
        try:
            form, upload = await read_form_with_upload(request, services.max_upload_bytes)
            site.check_form(request, form)
        except FormTooLarge:
            problem = locale.t("op_too_large", mb=services.max_upload_bytes // 2**20)
            return site.page(request, _BULK, locale, BulkView(account, token, problem=problem),
                             status_code=413)
        except ValueError:
            upload = None
        if upload is None or upload[0] != ".csv":
            return site.page(request, _BULK, locale,
                             BulkView(account, token, problem=locale.t("op_bulk_needs_csv")),
                             status_code=400)
        text = upload[1].decode("utf-8-sig", errors="replace")
        try:
            rows, errors = await run_in_threadpool(bulk_register, services, account, text)
        except RegistrationRefused as exc:
            return site.page(request, _BULK, locale,
                             BulkView(account, token, problem=str(exc)), status_code=400)
        return site.page(request, _BULK, locale,
                         BulkView(account, token, rows, errors, done=True))
