"""The map view of any search (/map) and its GeoJSON twin (/api/v1/map).

/map takes the same parameters as /search. Its list of the located results is rendered on
the server, so the page works without JavaScript, with the map turned off, and when the
tile server cannot be reached; static/map.js then draws the same search's markers from
/api/v1/map (at most MAP_MARKER_LIMIT of them, fit to their bounds).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from hub_site.hub_data import HubData
from hub_site.map_geojson import MapMarker, feature_collection, map_marker
from hub_site.map_tiles import MapTiles
from hub_site.params import SearchParams, parse_search_params
from hub_site.places import district_point
from hub_site.rendering import Locale, Renderer, json_response, request_locale
from index.search_types import BoundingBox, GeoPoint, SearchQuery, SortOrder

__all__ = [
    "MAP_LIST_PAGE_SIZE",
    "MAP_MARKER_LIMIT",
    "MapPage",
    "add_map_routes",
    "map_page",
    "map_query",
]

MAP_MARKER_LIMIT = 500  # markers one map draws; more would be a blur at city zoom anyway
MAP_LIST_PAGE_SIZE = 100  # list rows per /map page: short rows keep the page small
_INDEX_PAGE = 100  # the most hits one index search returns
_DEEPEST_HIT = 10_000  # both backends page no deeper (tantivy's offset cap, ES's window)
# Only listings with coordinates match a box; this one holds the whole world.
_WORLD = BoundingBox(south=-90.0, west=-180.0, north=90.0, east=180.0)
_READ_METHODS = ["GET", "HEAD"]


@dataclass(frozen=True, slots=True)
class MapPage:
    """A window of the located results of one search, and how to see the rest."""

    params: SearchParams
    total: int  # results with coordinates
    without_location: int  # results the map cannot show
    page: int
    page_count: int
    first_number: int  # the list's first row number (for <ol start>)
    markers: list[MapMarker]
    marker_limit: int
    prev_url: str | None
    next_url: str | None
    list_url: str  # the same search as result cards
    geojson_url: str  # what map.js draws
    map_enabled: bool  # a tile server is set

    def to_json(self) -> dict[str, Any]:
        """A GeoJSON FeatureCollection of the window's markers, with the counts and links
        as foreign members: total, without_location, truncated, list, page, page_count."""
        return feature_collection(
            self.markers, total=self.total, without_location=self.without_location,
            truncated=self.first_number - 1 + len(self.markers) < self.total,
            page=self.page, page_count=self.page_count, list=self.list_url)


def map_query(params: SearchParams, hub: HubData) -> SearchQuery:
    """The search behind /search's results for `params`, limited to located listings."""
    sort: SortOrder = params.sort
    # The point /search measures from: a chosen point or district, else the one district.
    point = (params.near or district_point(params.near_district)
             or (district_point(params.districts[0]) if len(params.districts) == 1 else None))
    if sort == "distance" and point is None:
        sort = "relevance"
    return SearchQuery(
        text=params.q, kinds=params.kinds, categories=params.categories,
        district_codes=params.districts, source_ids=params.sources, free=params.free,
        open_at=hub.clock() if params.open_now else None,
        near=GeoPoint(*point) if point is not None and sort == "distance" else None,
        sort=sort, bbox=_WORLD, limit=1)


def _markers(hub: HubData, query: SearchQuery, offset: int, count: int,
             locale: Locale) -> tuple[int, list[MapMarker]]:
    """The total of `query` and the markers of hits offset..offset+count, read in index
    pages. Straight from the index: a marker shows nothing the catalog would refresh."""
    markers: list[MapMarker] = []
    total = 0
    for start in range(offset, offset + count, _INDEX_PAGE):
        limit = min(_INDEX_PAGE, offset + count - start)
        results = hub.index.search(replace(query, offset=start, limit=limit))
        total = results.total
        for hit in results.hits:
            marker = map_marker(hit.listing, locale.urls, hub.taxonomy, locale.lang)
            if marker is not None:
                markers.append(marker)
        if len(results.hits) < limit or start + limit >= total:
            break
    return total, markers


def _count_all(hub: HubData, query: SearchQuery) -> int:
    """How many results the same search has with or without coordinates."""
    return hub.index.search(replace(query, bbox=None, near=None, sort="relevance",
                                    limit=1)).total


def map_page(hub: HubData, params: SearchParams, locale: Locale, tiles: MapTiles | None, *,
             whole_map: bool = False) -> MapPage:
    """The located results of the search `params`: the list page `params.page` (rows of
    MAP_LIST_PAGE_SIZE), or with `whole_map` the first MAP_MARKER_LIMIT for the map."""
    query = map_query(params, hub)
    page = 1 if whole_map else params.page
    size = MAP_MARKER_LIMIT if whole_map else MAP_LIST_PAGE_SIZE
    offset = (page - 1) * size
    if offset + size <= _DEEPEST_HIT:
        total, markers = _markers(hub, query, offset, size, locale)
    else:  # past what the index pages through: the count only, like an empty page
        total, markers = _markers(hub, query, 0, 1, locale)[0], []
    page_count = 1 if whole_map else min(max(1, -(-total // size)), _DEEPEST_HIT // size)
    urls = locale.urls
    return MapPage(
        params=params, total=total,
        without_location=max(0, _count_all(hub, query) - total),
        page=page, page_count=page_count, first_number=offset + 1, markers=markers,
        marker_limit=MAP_MARKER_LIMIT,
        prev_url=urls.map_view(params, min(page - 1, page_count)) if page > 1 else None,
        next_url=urls.map_view(params, page + 1) if page < page_count else None,
        list_url=urls.search(params, 1), geojson_url=urls.api_map(params),
        map_enabled=tiles is not None)


def add_map_routes(app: FastAPI, hub: HubData, renderer: Renderer,
                   tiles: MapTiles | None) -> None:
    """Add /map and /api/v1/map, and give every template `map_tiles` (None: map off), so
    the listing page can draw its own one-marker map."""
    renderer.templates.env.globals["map_tiles"] = tiles

    @app.api_route("/map", methods=_READ_METHODS)
    def map_view(request: Request) -> Response:
        locale = request_locale(request)
        params = parse_search_params(request.query_params, hub.taxonomy)
        return renderer.page(request, "map.html", locale, map_page(hub, params, locale, tiles))

    @app.api_route("/api/v1/map", methods=_READ_METHODS)
    def map_json(request: Request) -> Response:
        locale = request_locale(request)
        params = parse_search_params(request.query_params, hub.taxonomy)
        view = map_page(hub, params, locale, tiles, whole_map=True)
        return json_response(view.to_json())
