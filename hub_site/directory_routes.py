"""Routes of the platform directory and the district pages, each with its JSON twin.

    /platforms               platform_directory    /api/v1/platforms
    /platforms/{id}?page=N   platform_detail       /api/v1/platforms/{id}?page=N
    /districts               district_index        /api/v1/districts
    /districts/{code}        district_detail       /api/v1/districts/{code}
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from hub_site.cards import CardContext
from hub_site.district_views import district_detail, district_index
from hub_site.hub_data import HubData
from hub_site.params import MAX_PAGE
from hub_site.platform_views import platform_detail, platform_directory
from hub_site.rendering import Locale, Renderer, json_response, request_locale
from index.feedback import FeedbackStore

__all__ = ["add_directory_routes", "page_number"]

_READ_METHODS = ["GET", "HEAD"]


def page_number(value: str | None) -> int:
    """A `page` query value clamped to 1..MAX_PAGE; anything unreadable is page 1."""
    try:
        page = int((value or "1").strip()[:12])
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def add_directory_routes(app: FastAPI, hub: HubData, renderer: Renderer,
                         card_context: Callable[[Locale], CardContext],
                         feedback: FeedbackStore | None = None) -> None:
    """Register /platforms, /districts, their detail pages and their JSON twins."""

    @app.api_route("/platforms", methods=_READ_METHODS)
    def platforms(request: Request) -> Response:
        locale = request_locale(request)
        view = platform_directory(hub, card_context(locale), feedback)
        return renderer.page(request, "platforms.html", locale, view)

    @app.api_route("/api/v1/platforms", methods=_READ_METHODS)
    def platforms_json(request: Request) -> Response:
        locale = request_locale(request)
        return json_response(platform_directory(hub, card_context(locale), feedback).to_json())

    @app.api_route("/platforms/{source_id}", methods=_READ_METHODS)
    def platform(request: Request, source_id: str) -> Response:
        locale = request_locale(request)
        view = platform_detail(hub, source_id, page_number(request.query_params.get("page")),
                               card_context(locale), feedback)
        return renderer.page(request, "platform.html", locale, view)

    @app.api_route("/api/v1/platforms/{source_id}", methods=_READ_METHODS)
    def platform_json(request: Request, source_id: str) -> Response:
        locale = request_locale(request)
        view = platform_detail(hub, source_id, page_number(request.query_params.get("page")),
                               card_context(locale), feedback)
        return json_response(view.to_json())

    @app.api_route("/districts", methods=_READ_METHODS)
    def districts(request: Request) -> Response:
        locale = request_locale(request)
        return renderer.page(request, "districts.html", locale,
                             district_index(hub, card_context(locale)))

    @app.api_route("/api/v1/districts", methods=_READ_METHODS)
    def districts_json(request: Request) -> Response:
        locale = request_locale(request)
        return json_response(district_index(hub, card_context(locale)).to_json())

    @app.api_route("/districts/{code}", methods=_READ_METHODS)
    def district(request: Request, code: str) -> Response:
        locale = request_locale(request)
        return renderer.page(request, "district.html", locale,
                             district_detail(hub, code, card_context(locale)))

    @app.api_route("/api/v1/districts/{code}", methods=_READ_METHODS)
    def district_json(request: Request, code: str) -> Response:
        locale = request_locale(request)
        return json_response(district_detail(hub, code, card_context(locale)).to_json())
