"""The OpenAPI 3.1 description of the JSON API (`/openapi.json`), built from the app's routes.

The JSON twins return plain `Response`s built from their view-models, so FastAPI cannot see
what they send; this module documents it instead: every `/api/v1` route found in the app,
its path and query parameters, and the JSON Schema of its answer (pydantic models below,
the Listing model itself for listings). A route added without an entry here is still listed,
with a generic object answer, so the document never silently misses a route; a test checks
every documented answer against the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.routing import BaseRoute, Route

from normalizer.schema import Listing

__all__ = ["API_PREFIX", "ApiDoc", "QueryParam", "openapi_document"]

API_PREFIX = "/api/v1"
_REF = "#/components/schemas/{model}"


class CategoryCount(BaseModel):
    code: str
    label: str
    count: int


class PlatformCount(BaseModel):
    id: str
    name: str
    listing_count: int


class HomeResponse(BaseModel):
    """The home page's numbers: listings, platforms and categories with their counts."""

    platform_count: int
    listing_count: int
    categories: list[CategoryCount]
    platforms: list[PlatformCount]
    districts: list[dict[str, Any]] = []
    newest: list[dict[str, Any]] = []
    open_now_url: str | None = None


class SearchResponse(BaseModel):
    """One page of search results in full Listing form, with the page's cards, facets and
    links (links point at the HTML pages)."""

    total: int
    page: int
    page_size: int
    results: list[Listing]
    page_count: int | None = None
    cards: list[dict[str, Any]] = []
    facets: list[dict[str, Any]] = []
    sort: str | None = None
    prev: str | None = None
    next: str | None = None


class DistrictCount(BaseModel):
    code: str
    name: str
    count: int


class Platform(BaseModel):
    """A platform feeding the hub: what it is, where it serves and how healthy it is."""

    id: str
    name: str
    description: str | None = None
    operator: str | None = None
    kind: str | None = None
    site_url: str | None = None
    listing_count: int
    districts: list[DistrictCount] = []
    health: dict[str, Any] = {}
    open_reports: int | None = None


class PlatformsResponse(BaseModel):
    platforms: list[Platform]


class PlatformResponse(Platform):
    """One platform with its latest runs and a page of its listing ids."""

    runs: list[dict[str, Any]] = []
    listings: dict[str, Any] = {}


class SidoGroup(BaseModel):
    code: str
    name: str
    count: int
    districts: list[DistrictCount]


class DistrictsResponse(BaseModel):
    """Every district with listings, grouped by 시도."""

    sidos: list[SidoGroup]


class DistrictResponse(BaseModel):
    """One district: its names, counts by category and platform, and its newest listings."""

    code: str
    name_ko: str
    name_en: str
    total: int
    categories: list[CategoryCount]
    platforms: list[dict[str, Any]]
    newest: list[str]


class MapResponse(BaseModel):
    """A GeoJSON FeatureCollection of the search's located listings, with the counts and
    links as foreign members (RFC 7946 allows them)."""

    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]
    total: int | None = None


class SourceStatus(BaseModel):
    source_id: str
    name: str
    kind: str
    state: Literal["healthy", "degraded", "failing", "never_run", "waiting_for_key",
                   "disabled"]
    listings: int
    last_success_at: str | None
    failing_since: str | None


class StatusResponse(BaseModel):
    """Every platform's crawl health and freshness (JSON twin of /status)."""

    generated_at: str
    sources: list[SourceStatus]


class ErrorResponse(BaseModel):
    """An error: a short English reason (429 answers add `message` and `retry_after_s`)."""

    error: str


@dataclass(frozen=True, slots=True)
class QueryParam:
    name: str
    description: str
    schema: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ApiDoc:
    summary: str
    response: type[BaseModel] | None  # None: a generic JSON object
    query: tuple[QueryParam, ...] = ()
    errors: tuple[int, ...] = (503,)


_LANG = QueryParam("lang", "Language of labels: `en` for English, Korean otherwise.",
                   {"type": "string", "enum": ["ko", "en"]})
_SEARCH_QUERY = (
    QueryParam("q", "Search text (plain text, never query syntax; at most 200 characters).",
               {"type": "string", "maxLength": 200}),
    QueryParam("kind", "Listing kind (repeatable: any of them).", {"type": "string",
                                          "enum": ["space", "item", "vehicle", "housing",
                                                   "skill", "program", "info"]}),
    QueryParam("category", "Hub category code, e.g. `item.tools` (repeatable).",
               {"type": "string"}),
    QueryParam("district", "5-digit 시군구 code, e.g. `11440` (repeatable).",
               {"type": "string", "pattern": "^[0-9]{5}$"}),
    QueryParam("source", "Source (platform) id (repeatable).", {"type": "string"}),
    QueryParam("free", "`1` for free listings only, `0` for paid only.",
               {"type": "string", "enum": ["1", "0", "true", "false"]}),
    QueryParam("open", "`1` for listings open now only.", {"type": "string"}),
    QueryParam("sort", "Order: relevance, newest or distance (needs `near` or a district).",
               {"type": "string", "enum": ["relevance", "newest", "distance"]}),
    QueryParam("near", "A point `lat,lon` to measure distances from.", {"type": "string"}),
    QueryParam("near_district", "A district whose centre distances are measured from.",
               {"type": "string", "pattern": "^[0-9]{5}$"}),
    QueryParam("page", "Page number, from 1 (at most 500).",
               {"type": "integer", "minimum": 1, "maximum": 500}),
)
_PAGE = QueryParam("page", "Page number, from 1.", {"type": "integer", "minimum": 1})
_DOCS: dict[str, ApiDoc] = {
    f"{API_PREFIX}/home": ApiDoc("The home page's numbers", HomeResponse),
    f"{API_PREFIX}/search": ApiDoc("Search listings (JSON twin of /search)", SearchResponse,
                                   _SEARCH_QUERY, (429, 503)),
    f"{API_PREFIX}/listings/{{listing_id}}": ApiDoc("One listing (JSON twin of its page)",
                                                    Listing, (), (404, 503)),
    f"{API_PREFIX}/map": ApiDoc("The located listings of a search, as GeoJSON", MapResponse,
                                _SEARCH_QUERY, (429, 503)),
    f"{API_PREFIX}/platforms": ApiDoc("The platform directory", PlatformsResponse),
    f"{API_PREFIX}/platforms/{{source_id}}": ApiDoc("One platform, its runs and listings",
                                                    PlatformResponse, (_PAGE,), (404, 503)),
    f"{API_PREFIX}/districts": ApiDoc("Districts with listings, by 시도", DistrictsResponse),
    f"{API_PREFIX}/districts/{{code}}": ApiDoc("One district's listings and platforms",
                                               DistrictResponse, (), (404, 503)),
    f"{API_PREFIX}/status": ApiDoc("Every platform's health and freshness", StatusResponse),
}
_ERROR_TEXT = {404: "Not found", 429: "Too many requests; see Retry-After",
               503: "Search or catalog temporarily unavailable"}
_MODELS: tuple[type[BaseModel], ...] = (
    HomeResponse, SearchResponse, Listing, MapResponse, PlatformsResponse, PlatformResponse,
    DistrictsResponse, DistrictResponse, StatusResponse, ErrorResponse)


def _schemas() -> dict[str, Any]:
    _, top = models_json_schema([(model, "serialization") for model in _MODELS],
                                ref_template=_REF)
    schemas: dict[str, Any] = top.get("$defs", {})
    return schemas


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _operation(route: Route, method: str, doc: ApiDoc | None) -> dict[str, Any]:
    endpoint_doc = (route.endpoint.__doc__ or "").strip().splitlines()
    summary = doc.summary if doc else (endpoint_doc[0] if endpoint_doc else route.name)
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in route.param_convertors]
    for param in (*(doc.query if doc else ()), _LANG):
        parameters.append({"name": param.name, "in": "query", "required": False,
                           "description": param.description, "schema": param.schema})
    body = _ref(doc.response) if doc and doc.response else {"type": "object"}
    responses: dict[str, Any] = {"200": {"description": "OK",
                                         "content": _json_content(body)}}
    for status in (doc.errors if doc else (503,)):
        responses[str(status)] = {"description": _ERROR_TEXT.get(status, "Error"),
                                  "content": _json_content(_ref(ErrorResponse))}
    suffix = "" if method == "get" else f"_{method}"
    return {"operationId": f"{route.name}{suffix}", "summary": summary,
            "parameters": parameters, "responses": responses}


def openapi_document(routes: list[BaseRoute], *, title: str, version: str,
                     server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document of every `/api/v1` route among `routes` (GET and HEAD)."""
    paths: dict[str, Any] = {}
    for route in routes:
        if not isinstance(route, Route) or not route.path.startswith(API_PREFIX):
            continue
        doc = _DOCS.get(route.path)
        methods = sorted(m.lower() for m in (route.methods or {"GET"})
                         if m in ("GET", "HEAD"))
        paths[route.path] = {m: _operation(route, m, doc) for m in methods}
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version,
                 "description": "The hub's read-only JSON API: every page of the site has "
                                "its JSON twin here. Korean by default, `lang=en` for "
                                "English labels."},
        "servers": [{"url": server_url or "/"}],
        "paths": paths,
        "components": {"schemas": _schemas()},
    }
