"""Every error becomes a response at one place: `error.html` for pages, JSON under /api/."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub_site.rendering import Renderer, json_response, request_locale
from hub_site.security import SECURITY_HEADERS
from index.errors import IndexLayerError

__all__ = ["ErrorPage", "install_error_handlers"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ErrorPage:
    status: int
    title: str
    message: str


def _is_api(request: Request) -> bool:
    root = request.scope.get("root_path", "")
    return request.url.path.removeprefix(root).startswith("/api/")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "error"


def error_response(request: Request, renderer: Renderer, status: int, detail: str | None,
                   headers: Mapping[str, str] | None = None) -> Response:
    """The response for an error: `{"error": ...}` under /api/, else the error page.

    Security headers are set here too, because a 500 is sent from outside the middleware.
    """
    all_headers = {**SECURITY_HEADERS, **(headers or {})}
    if _is_api(request):
        return json_response({"error": detail or _reason(status)}, status_code=status,
                             headers=all_headers)
    locale = request_locale(request)
    t = locale.t
    message = t(f"error_{status}") if t.has(f"error_{status}") else t("error_other")
    view = ErrorPage(status, t("error_heading"), message)
    return renderer.page(request, "error.html", locale, view, status_code=status,
                         headers=all_headers)


def install_error_handlers(app: FastAPI, renderer: Renderer) -> None:
    """Route HTTP errors, storage errors and crashes to `error_response`."""

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else None
        return error_response(request, renderer, exc.status_code, detail, exc.headers)

    async def on_bad_request(request: Request, exc: Exception) -> Response:
        return error_response(request, renderer, 400, "bad request")

    async def on_storage_error(request: Request, exc: Exception) -> Response:
        logger.error("site: storage unavailable: %s", exc,
                     extra={"stage": "site", "path": request.url.path})
        return error_response(request, renderer, 503, "search is temporarily unavailable")

    async def on_crash(request: Request, exc: Exception) -> Response:
        logger.error("site: unhandled error", exc_info=exc,
                     extra={"stage": "site", "path": request.url.path})
        return error_response(request, renderer, 500, "internal error")

    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_bad_request)
    app.add_exception_handler(IndexLayerError, on_storage_error)
    app.add_exception_handler(Exception, on_crash)
