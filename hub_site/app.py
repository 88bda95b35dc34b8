"""The read-only hub site: `create_app(catalog=..., index=...)` returns the ASGI app.

Routes (GET and HEAD only; anything else is a 405 page):

    /                        home_index       search box, category tiles, platforms
    /search                  search_results   result cards, filters, paging
    /listings/{id}           listing_detail   every field of one listing
    /api/v1/home             JSON twin of /
    /api/v1/search           JSON twin of /search: {"total", "page", "page_size", "results"}
    /api/v1/listings/{id}    JSON twin of /listings/{id}: the Listing JSON
    /static/...              site.css
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from hub_site.cards import CardContext
from hub_site.error_views import install_error_handlers
from hub_site.home_views import home_index
from hub_site.hub_data import HubData, utc_now
from hub_site.listing_views import listing_detail
from hub_site.params import parse_search_params
from hub_site.rendering import Locale, Renderer, json_response, request_locale
from hub_site.search_views import search_results
from hub_site.security import SecurityHeadersMiddleware
from index.catalog import Catalog
from index.search_types import SearchIndex
from normalizer.taxonomy import load_taxonomy

__all__ = ["create_app"]

_READ_METHODS = ["GET", "HEAD"]
_STATIC_DIR = Path(__file__).parent / "static"


def create_app(*, catalog: Catalog, index: SearchIndex, page_size: int = 20,
               clock: Callable[[], datetime] | None = None) -> FastAPI:
    """Build the hub site over an open catalog (read-only is best) and a search index.

    `page_size` is clamped to 1..100 (the index's own limit); `clock` returns the current
    UTC time for "last confirmed N hours ago" and defaults to the system clock.
    """
    hub = HubData(catalog=catalog, index=index, taxonomy=load_taxonomy(),
                  page_size=max(1, min(page_size, 100)), clock=clock or utc_now)
    renderer = Renderer()
    app = FastAPI(title="sharehub", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SecurityHeadersMiddleware)
    install_error_handlers(app, renderer)
    app.mount("/static", StaticFiles(directory=_STATIC_DIR), name="static")

    def card_context(locale: Locale) -> CardContext:
        return CardContext(locale.t, locale.urls, hub.taxonomy, hub.source_names(), hub.clock())

    @app.api_route("/", methods=_READ_METHODS)
    def home(request: Request) -> Response:
        locale = request_locale(request)
        view = home_index(hub, locale.t, locale.urls)
        return renderer.page(request, "home.html", locale, view)

    @app.api_route("/api/v1/home", methods=_READ_METHODS)
    def home_json(request: Request) -> Response:
        locale = request_locale(request)
        return json_response(home_index(hub, locale.t, locale.urls).to_json())

    @app.api_route("/search", methods=_READ_METHODS)
    def search(request: Request) -> Response:
        locale = request_locale(request)
        params = parse_search_params(request.query_params, hub.taxonomy)
        view = search_results(hub, params, card_context(locale))
        return renderer.page(request, "search.html", locale, view)

    @app.api_route("/api/v1/search", methods=_READ_METHODS)
    def search_json(request: Request) -> Response:
        locale = request_locale(request)
        params = parse_search_params(request.query_params, hub.taxonomy)
        return json_response(search_results(hub, params, card_context(locale)).to_json())

    @app.api_route("/listings/{listing_id}", methods=_READ_METHODS)
    def listing(request: Request, listing_id: str) -> Response:
        locale = request_locale(request)
        view = listing_detail(hub, listing_id, card_context(locale))
        return renderer.page(request, "listing.html", locale, view)

    @app.api_route("/api/v1/listings/{listing_id}", methods=_READ_METHODS)
    def listing_json(request: Request, listing_id: str) -> Response:
        locale = request_locale(request)
        return json_response(listing_detail(hub, listing_id, card_context(locale)).to_json())

    return app
