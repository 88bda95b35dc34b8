"""The read-only hub site: `create_app(catalog=..., index=...)` returns the ASGI app.

Routes (GET and HEAD only; anything else is a 405 page):

    /                        home_index       search box, category tiles, platforms
    /search                  search_results   result cards, filters, paging
    /listings/{id}           listing_detail   every field of one listing
    /map                     map_page         the search's located results, list + map
    /platforms[/{id}]        platform_views   platform directory, one platform's page
    /districts[/{code}]      district_views   districts by 시도, one district's page
    POST /listings/{id}/report                 "report outdated" (listing_routes)
    /api/v1/home             JSON twin of /
    /api/v1/search           JSON twin of /search: {"total", "page", "results", "cards",
                             "facets", "sort_options", "active_filters", ...}
    /api/v1/listings/{id}    JSON twin of /listings/{id}: the Listing JSON
    /api/v1/map              JSON twin of /map: GeoJSON FeatureCollection (first 500)
    /feeds/search.atom, /opensearch.xml, /sitemap.xml, /openapi.json   (machine_routes)
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
from hub_site.directory_routes import add_directory_routes
from hub_site.error_views import install_error_handlers
from hub_site.home_views import home_index
from hub_site.hub_data import HubData, utc_now
from hub_site.listing_routes import add_listing_routes
from hub_site.machine_routes import add_machine_routes
from hub_site.map_tiles import MapTiles
from hub_site.map_views import add_map_routes
from hub_site.operator_routes import add_operator_routes
from hub_site.operator_services import OperatorServices
from hub_site.params import parse_search_params
from hub_site.rendering import Locale, Renderer, json_response, request_locale
from hub_site.search_views import search_results
from hub_site.security import SecurityHeadersMiddleware
from hub_site.staff_routes import add_staff_routes
from hub_site.staff_services import StaffServices, StatusesFn
from hub_site.status_views import add_status_routes
from index.catalog import Catalog
from index.feedback import FeedbackStore
from index.search_types import SearchIndex
from normalizer.taxonomy import load_taxonomy

__all__ = ["create_app"]

_READ_METHODS = ["GET", "HEAD"]
_STATIC_DIR = Path(__file__).parent / "static"


def create_app(*, catalog: Catalog, index: SearchIndex, page_size: int = 20,
               clock: Callable[[], datetime] | None = None,
               map_tiles: MapTiles | None = None,
               search_rate_per_s: float = 5.0, search_burst: int = 60,
               feedback: FeedbackStore | None = None,
               operators: OperatorServices | None = None,
               staff: StaffServices | None = None,
               statuses: StatusesFn | None = None) -> FastAPI:
    """Build the hub site over an open catalog (read-only is best) and a search index.

    `page_size` is clamped to 1..100 (the index's own limit); `clock` returns the current
    UTC time for "last confirmed N hours ago" and defaults to the system clock.
    `map_tiles` is the map's tile server (hub_site.map_tiles.map_tiles); None turns the
    map off, and the CSP allows images from its origin. `feedback` stores "report
    outdated" reports (the site's one write); None hides the form.
    `operators` (hub_site.operator_services) turns on the operator pages; None: off.
    `staff` (hub_site.staff_services) turns on the /staff pages; None: off. `statuses`
    returns the scheduler's per-source health for the public /status page and /metrics.
    `search_rate_per_s` and `search_burst` are each client's search rate limit
    (hub_site.rate_limit); a rate of 0 turns it off.
    """
    hub = HubData(catalog=catalog, index=index, taxonomy=load_taxonomy(),
                  page_size=max(1, min(page_size, 100)), clock=clock or utc_now)
    renderer = Renderer()
    app = FastAPI(title="sharehub", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SecurityHeadersMiddleware,
                       img_origins=(map_tiles.origin,) if map_tiles else ())
    install_error_handlers(app, renderer)
    app.mount("/static", StaticFiles(directory=_STATIC_DIR), name="static")

    add_map_routes(app, hub, renderer, map_tiles)  # /map, /api/v1/map; map_tiles None: off
    # feeds, OpenSearch, sitemap, /openapi.json, JSON-LD, ETag/Cache-Control, rate limit
    add_machine_routes(app, hub, renderer, search_rate_per_s=search_rate_per_s,
                       search_burst=search_burst)

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

    # /listings/{id} (+ report POST), /platforms, /districts and their JSON twins
    add_listing_routes(app, hub, renderer, card_context, feedback)
    add_directory_routes(app, hub, renderer, card_context, feedback)
    if operators is not None:  # /operators pages and /api/v1/operators (operator_routes)
        add_operator_routes(app, hub, renderer, operators)
    add_status_routes(app, hub, renderer, statuses)  # public /status, /metrics (read-only)
    if staff is not None:  # /staff pages and /api/v1/staff (staff_routes)
        add_staff_routes(app, hub, renderer, staff)

    return app
