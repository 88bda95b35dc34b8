"""The site's machine-readable side, wired in one call: the Atom feed of any search, the
OpenSearch description, the sitemap, the OpenAPI document, JSON-LD on listing pages, the
<head> links that announce them, ETag/Cache-Control and the search rate limit.

    /feeds/search.atom?<search params>   newest 50 listings matching the search (Atom 1.0)
    /opensearch.xml                      OpenSearch 1.1 description
    /sitemap.xml, /sitemaps/{n}.xml      sitemap (an index of parts past 50,000 URLs)
    /openapi.json                        OpenAPI 3.1 description of every /api/v1 route
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub_site.api_schema import openapi_document
from hub_site.caching import CachingMiddleware
from hub_site.cards import CardContext
from hub_site.feeds import ATOM_MEDIA_TYPE, atom_feed, feed_params
from hub_site.hub_data import HubData
from hub_site.json_ld import json_ld_script_body, listing_json_ld
from hub_site.opensearch import OPENSEARCH_MEDIA_TYPE, opensearch_description
from hub_site.params import SearchParams, parse_search_params
from hub_site.rate_limit import RateLimitMiddleware, TokenBuckets
from hub_site.rendering import Renderer, json_response, request_locale
from hub_site.sitemap import SITEMAP_MEDIA_TYPE, Sitemaps
from hub_site.urls import Urls
from normalizer.schema import Listing

__all__ = ["HeadLinks", "add_machine_routes"]

_READ_METHODS = ["GET", "HEAD"]
# Pages that show a search: their <head> announces that search's feed, not the whole hub's.
_SEARCH_PAGES = frozenset({"/search", "/map"})


@dataclass(frozen=True, slots=True)
class HeadLinks:
    """What every page's <head> links to (see templates/_head_links.html)."""

    feed_url: str
    feed_title: str
    opensearch_url: str
    opensearch_title: str


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _absolute(request: Request) -> Callable[[str], str]:
    """Site paths (already carrying the root path) as absolute URLs of this host."""
    origin = _origin(request)
    return lambda path: origin + path


def add_machine_routes(app: FastAPI, hub: HubData, renderer: Renderer, *,
                       search_rate_per_s: float = 5.0, search_burst: int = 60) -> None:
    """Add the feed, OpenSearch, sitemap and OpenAPI routes, the template helpers for head
    links and JSON-LD, and the caching and rate-limit middleware to `app`.

    `search_rate_per_s` <= 0 turns the search rate limit off.
    """
    sitemaps = Sitemaps(hub)

    def card_context(request: Request) -> CardContext:
        locale = request_locale(request)
        return CardContext(locale.t, locale.urls, hub.taxonomy, hub.source_names(),
                           hub.clock())

    def head_links(request: Request) -> HeadLinks:
        locale = request_locale(request)
        t, urls = locale.t, locale.urls
        path = request.url.path.removeprefix(request.scope.get("root_path", ""))
        if path in _SEARCH_PAGES:
            params = parse_search_params(request.query_params, hub.taxonomy)
            return HeadLinks(urls.feed_search(feed_params(params)), t("feed_link_title"),
                             urls.opensearch(), t("opensearch_title"))
        return HeadLinks(urls.feed_search(SearchParams()), t("feed_all_link_title"),
                         urls.opensearch(), t("opensearch_title"))

    def json_ld(listing: Listing, request: Request) -> Markup:
        page_url = _origin(request) + Urls(base=request.scope.get("root_path", "")).listing(
            listing.id)
        return json_ld_script_body(listing_json_ld(listing, page_url))

    renderer.templates.env.globals.update(head_links=head_links, listing_json_ld=json_ld)

    @app.api_route("/feeds/search.atom", methods=_READ_METHODS)
    def search_feed(request: Request) -> Response:
        """The Atom feed of a search: its newest 50 listings."""
        params = parse_search_params(request.query_params, hub.taxonomy)
        body = atom_feed(hub, params, card_context(request), _absolute(request))
        return Response(body, media_type=ATOM_MEDIA_TYPE)

    @app.api_route("/robots.txt", methods=_READ_METHODS)
    def robots_txt(request: Request) -> Response:
        """Crawlers are welcome on the public pages; the sitemap lists them all."""
        body = ("User-agent: *\nDisallow: /operators\nDisallow: /staff\n"
                "Disallow: /api/v1/operators\nDisallow: /api/v1/staff\n"
                f"Sitemap: {_origin(request)}/sitemap.xml\n")
        return Response(body, media_type="text/plain; charset=utf-8")

    @app.api_route("/opensearch.xml", methods=_READ_METHODS)
    def opensearch(request: Request) -> Response:
        locale = request_locale(request)
        body = opensearch_description(locale.t, locale.urls, _absolute(request))
        return Response(body, media_type=OPENSEARCH_MEDIA_TYPE)

    def sitemap_absolute(request: Request) -> Callable[[str], str]:
        base = _origin(request) + request.scope.get("root_path", "").rstrip("/")
        return lambda path: base + path

    @app.api_route("/sitemap.xml", methods=_READ_METHODS)
    def sitemap(request: Request) -> Response:
        return Response(sitemaps.root_document(sitemap_absolute(request)),
                        media_type=SITEMAP_MEDIA_TYPE)

    @app.api_route("/sitemaps/{part}.xml", methods=_READ_METHODS)
    def sitemap_part(request: Request, part: str) -> Response:
        body = (sitemaps.part_document(int(part), sitemap_absolute(request))
                if part.isdigit() and len(part) < 7 else None)
        if body is None:
            raise HTTPException(status_code=404, detail="no such sitemap part")
        return Response(body, media_type=SITEMAP_MEDIA_TYPE)

    @app.api_route("/openapi.json", methods=_READ_METHODS)
    def openapi(request: Request) -> Response:
        return json_response(openapi_document(
            app.routes, title="sharehub", version=app.version,
            server_url=request.scope.get("root_path", "") or "/"))

    buckets = TokenBuckets(search_rate_per_s, search_burst)
    app.add_middleware(RateLimitMiddleware, buckets=buckets, renderer=renderer)
    app.add_middleware(CachingMiddleware)  # outermost: it sees the final body
