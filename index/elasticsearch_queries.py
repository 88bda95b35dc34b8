"""Searches for the Elasticsearch backend, built with `elasticsearch.dsl`, and their answers.

User text goes only into `simple_query_string` (never `query_string`), which has no syntax
errors; with flags limited to whitespace, phrases and prefixes, an operator a citizen types
(`-`, `|`, `+`, brackets) is ordinary text. Long text is cut to a prefix. Filters of one
facet are ORed (`terms`), different facets ANDed, all in filter context so they do not
change scores. `open_at` becomes the minute of the week in Asia/Seoul time, matched
against the indexed `integer_range` hours; on a Korean public holiday, listings whose
hours say they close on holidays are left out.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping, Sequence
from datetime import date
from typing import Any

from elasticsearch.dsl import A, Q, Search
from elasticsearch.dsl.query import Query

from index.elasticsearch_mapping import FACET_FIELDS
from index.geo import haversine_km
from index.open_hours_index import seoul_date, seoul_minute_of_week
from index.search_types import FacetCount, SearchHit, SearchQuery, SearchResults
from normalizer.schema import Listing

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_QUERY_WORDS",
    "MAX_RESULT_WINDOW",
    "build_search",
    "coverage_search",
    "plain_text",
    "read_results",
]

MAX_QUERY_CHARS = 1000
MAX_QUERY_WORDS = 32
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's index.max_result_window: from + size
_FACET_SIZE = 300  # more than the 250-odd 시군구, so no district is cut off
_FLAGS = "WHITESPACE|PHRASE|PREFIX"
_WORD = re.compile(r"\S+")
_TIEBREAK = {"id": {"order": "asc"}}
_NEWEST = {"seen": {"order": "desc", "missing": "_last"}}


def plain_text(text: str) -> str:
    """The user's text as it goes to `simple_query_string`: a prefix of at most
    MAX_QUERY_CHARS characters and MAX_QUERY_WORDS words; "" when it has no letter or digit
    (then there is no text clause at all, as with an empty box)."""
    text = text[:MAX_QUERY_CHARS]
    words = list(_WORD.finditer(text))
    if len(words) > MAX_QUERY_WORDS:
        text = text[:words[MAX_QUERY_WORDS - 1].end()]
    if not any(ch.isalnum() for ch in text):
        return ""
    # a lone surrogate cannot be sent as UTF-8 JSON; everything else goes unchanged
    return text.encode("utf-8", "replace").decode("utf-8")


def _filters(query: SearchQuery,
             public_holidays: Container[date]) -> tuple[list[Query], list[Query]]:
    """The filter and must_not clauses of a query."""
    keep: list[Query] = []
    drop: list[Query] = []
    for field, values in (("kind", query.kinds), ("category", query.categories),
                          ("district", query.district_codes), ("source", query.source_ids),
                          ("provider_type", query.provider_types)):
        if values:
            keep.append(Q("terms", **{field: list(values)}))
    if query.free is not None:
        keep.append(Q("term", free="true" if query.free else "false"))
    if query.open_at is not None:
        keep.append(Q("term", open_minutes=seoul_minute_of_week(query.open_at)))
        if seoul_date(query.open_at) in public_holidays:
            drop.append(Q("term", closes_on_public_holidays=True))
    if query.near is not None and query.radius_km is not None:
        keep.append(Q("geo_distance", distance=f"{max(query.radius_km, 0.0)}km",
                      location={"lat": query.near.lat, "lon": query.near.lon}))
    if query.bbox is not None:
        box = query.bbox
        keep.append(Q("geo_bounding_box", location={
            "top_left": {"lat": box.north, "lon": box.west},
            "bottom_right": {"lat": box.south, "lon": box.east}}))
    return keep, drop


def _sort(query: SearchQuery, has_text: bool) -> list[Any]:
    if query.sort == "distance" and query.near is not None:
        return [{"_geo_distance": {"location": {"lat": query.near.lat, "lon": query.near.lon},
                                   "order": "asc", "unit": "km", "distance_type": "arc"}},
                _TIEBREAK]
    if query.sort == "relevance" and has_text:
        return ["_score", _NEWEST, _TIEBREAK]
    # "newest", and relevance with nothing to score: the newest first
    return [_NEWEST, _TIEBREAK]


def build_search(query: SearchQuery, *, index: str, text_fields: Sequence[str],
                 public_holidays: Container[date]) -> Search:
    """The Search for `query` on `index` (an alias), user text in `text_fields`.

    `public_holidays` answers whether a date is a Korean public holiday (e.g.
    `holidays.country_holidays("KR")`). The Search is not bound to a client.
    """
    text = plain_text(query.text)
    clauses: dict[str, list[Query]] = {}
    if text:
        clauses["must"] = [Q("simple_query_string", query=text, fields=list(text_fields),
                             default_operator="and", flags=_FLAGS, lenient=True)]
    keep, drop = _filters(query, public_holidays)
    if keep:
        clauses["filter"] = keep
    if drop:
        clauses["must_not"] = drop
    search = Search(index=index).query(Q("bool", **clauses) if clauses else Q("match_all"))
    for facet in query.facets:
        search.aggs.bucket(facet, A("terms", field=FACET_FIELDS[facet], size=_FACET_SIZE,
                                    order=[{"_count": "desc"}, {"_key": "asc"}]))
    limit = max(1, min(query.limit, 100))
    offset = max(0, min(query.offset, MAX_RESULT_WINDOW - limit))
    search = search.sort(*_sort(query, bool(text)))
    search = search.source(["listing"]).extra(track_total_hits=True, track_scores=True)
    return search[offset:offset + limit]


def coverage_search(index: str, after: Mapping[str, str] | None = None) -> Search:
    """One page of listing counts by (district, category), as a composite aggregation."""
    sources = [{"district": {"terms": {"field": "district"}}},
               {"category": {"terms": {"field": "category"}}}]
    composite = (A("composite", size=1000, sources=sources, after=dict(after)) if after
                 else A("composite", size=1000, sources=sources))
    search = Search(index=index).extra(size=0, track_total_hits=False)
    search.aggs.bucket("cells", composite)
    return search


def _distance_km(query: SearchQuery, listing: Listing, hit: Mapping[str, Any]) -> float | None:
    if query.near is None or listing.location.lat is None or listing.location.lon is None:
        return None
    sort_values = hit.get("sort") or []
    if query.sort == "distance" and sort_values and isinstance(sort_values[0], int | float):
        return float(sort_values[0])
    return haversine_km(query.near.lat, query.near.lon, listing.location.lat,
                        listing.location.lon)


def read_results(query: SearchQuery, answer: Mapping[str, Any]) -> SearchResults:
    """SearchResults from a search answer's body (hits, total, facet buckets)."""
    hits = []
    for hit in answer["hits"]["hits"]:
        listing = Listing.model_validate(hit["_source"]["listing"])
        hits.append(SearchHit(listing, float(hit.get("_score") or 0.0),
                              _distance_km(query, listing, hit)))
    total = answer["hits"]["total"]
    aggregations = answer.get("aggregations", {})
    facets: dict[str, list[FacetCount]] = {}
    for name in query.facets:
        buckets = aggregations.get(name, {}).get("buckets", [])
        facets[name] = [FacetCount(str(b["key"]), int(b["doc_count"])) for b in buckets]
    return SearchResults(total=int(total["value"] if isinstance(total, dict) else total),
                         hits=hits, facets=facets)
