"""Radius filters and nearest-first ordering on the embedded index.

A radius becomes an exact filter: the grid cells wholly inside the circle match in the
index, and the listings of the thin ring of edge cells are checked with the haversine
distance, then matched by their numeric key (a 63-bit hash of the id: a listing outside
the circle would pass only if it shared the key of one inside, odds of about 1e-7 at a
million listings). The filter is an ordinary query, so totals, facets and paging over it
are exact. Nearest first: up to DISTANCE_CANDIDATES matches are sorted by distance in one
pass; with more, a circle around the point widens until it holds enough of them.

Bounds (so one search stays within milliseconds): at most EDGE_CANDIDATES edge listings
are checked per radius filter, and at most DISTANCE_CANDIDATES listings are sorted by
distance, which also bounds how deep distance-sorted pages go (offset + limit).
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

import tantivy

from index.geo import MIN_ROWS, CircleCover, bbox_around, cover_circle, haversine_km
from index.search_types import GeoPoint
from index.tantivy_filters import bbox_query

__all__ = [
    "DISTANCE_CANDIDATES",
    "EDGE_CANDIDATES",
    "EDGE_TARGET",
    "HALF_CIRCUMFERENCE_KM",
    "circle_query",
    "distances_km",
    "listing_key",
    "nearest",
]

EDGE_CANDIDATES = 20_000
EDGE_TARGET = 2_000  # more edge listings than this: a finer cover (its Python costs less)
DISTANCE_CANDIDATES = 2_000
HALF_CIRCUMFERENCE_KM = 20_016.0  # no two points on Earth are farther apart
_FIRST_RING_KM = 1.0
_RING_ROWS = 8  # rings only count and gather candidates: a coarse cover is enough
_SLACK = 1 + 1e-9  # float rounding of a distance never drops a listing on the circle
_Clauses = list[tuple[tantivy.Occur, tantivy.Query]]


def listing_key(listing_id: str) -> int:
    """A 63-bit number for a listing id (a fast field the radius filter matches on)."""
    return int.from_bytes(hashlib.blake2b(listing_id.encode(), digest_size=8).digest()) >> 1


def _and(*queries: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def _cells(schema: tantivy.Schema, cells: list[int]) -> tantivy.Query:
    return tantivy.Query.term_set_query(schema, "cell", cells)


def _any_key(schema: tantivy.Schema, keys: list[int]) -> tantivy.Query:
    # Term queries, not a term set: a term set walks the whole dictionary of keys (one per
    # listing; 5 ms for 300 keys at 100,000 listings), a union of terms only its own (1 ms).
    # A constant score, like the other filters, so the radius never reorders by relevance.
    union = tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.term_query(
        schema, "key", key)) for key in keys])
    return tantivy.Query.const_score_query(union, 1.0)


def distances_km(searcher: tantivy.Searcher, addresses: list[tantivy.DocAddress],
                 center: GeoPoint) -> list[float | None]:
    """Distance from `center` to each document (None when it has no coordinates)."""
    lats = searcher.fast_field_values("lat", addresses)
    lons = searcher.fast_field_values("lon", addresses)
    return [None if lat is None or lon is None
            else haversine_km(center.lat, center.lon, float(lat), float(lon))
            for lat, lon in zip(lats, lons, strict=True)]


def _edge_keys(searcher: tantivy.Searcher, query: tantivy.Query, center: GeoPoint,
               radius_km: float) -> tuple[list[int], int]:
    """Keys of the listings `query` matches within the radius, among its first
    EDGE_CANDIDATES, and how many it matches."""
    result = searcher.search(query, EDGE_CANDIDATES, count=True)
    addresses = [address for _, address in result.hits]
    keys = searcher.fast_field_values("key", addresses)
    return [int(key) for key, distance in
            zip(keys, distances_km(searcher, addresses, center), strict=True)
            if key is not None and distance is not None and distance <= radius_km
            ], int(result.count or 0)  # type: ignore[attr-defined]  # not in the stub


def _ring(schema: tantivy.Schema, cover: CircleCover | None, center: GeoPoint,
          radius_km: float) -> tantivy.Query:
    if cover is None:
        return bbox_query(schema, bbox_around(center, radius_km))
    return _cells(schema, cover.edge) if cover.edge else tantivy.Query.empty_query()


def circle_query(searcher: tantivy.Searcher, schema: tantivy.Schema, base: tantivy.Query,
                 center: GeoPoint, radius_km: float) -> tantivy.Query:
    """Listings within `radius_km` of `center` (AND it with `base`, the rest of the
    search). Listings without coordinates never match.

    The edge ring's listings are checked without `base` (a text query costs more to run
    than a few thousand distances); when they are more than EDGE_TARGET the cover is
    redone with 4× the rows (a ring a quarter as wide). Beyond EDGE_CANDIDATES they are
    checked among `base`'s matches, and if even those are more, the first
    EDGE_CANDIDATES only (the rest of the ring is left out). Circles too large for a cell
    cover check their bounding box's listings instead.
    """
    cover = cover_circle(center, radius_km)
    if cover is not None and cover.edge and int(searcher.search(
            _cells(schema, cover.edge), 1, count=True).count or 0) > EDGE_TARGET:  # type: ignore[attr-defined]
        cover = cover_circle(center, radius_km, 4 * MIN_ROWS) or cover
    keys, found = _edge_keys(searcher, _ring(schema, cover, center, radius_km), center,
                             radius_km)
    if found > EDGE_CANDIDATES:
        keys, _ = _edge_keys(searcher, _and(base, _ring(schema, cover, center, radius_km)),
                             center, radius_km)
    inside: _Clauses = []
    if cover is not None and cover.inside:
        inside.append((tantivy.Occur.Should, _cells(schema, cover.inside)))
    if keys:
        inside.append((tantivy.Occur.Should, _any_key(schema, keys)))
    return tantivy.Query.boolean_query(inside) if inside else tantivy.Query.empty_query()


def _ranked(searcher: tantivy.Searcher, hits: list[tuple[Any, tantivy.DocAddress]],
            center: GeoPoint, radius_km: float) -> list[tuple[float, float, tantivy.DocAddress]]:
    """The hits within `radius_km` as (distance, score, address), nearest first (equal
    distances in key order, so pages never overlap)."""
    addresses = [address for _, address in hits]
    keys = searcher.fast_field_values("key", addresses)
    ranked = sorted((distance, int(key or 0), index) for index, (distance, key) in
                    enumerate(zip(distances_km(searcher, addresses, center), keys,
                                  strict=True))
                    if distance is not None and distance <= radius_km * _SLACK)
    return [(distance, float(hits[index][0]), addresses[index])
            for distance, _, index in ranked]


def nearest(searcher: tantivy.Searcher, schema: tantivy.Schema, query: tantivy.Query,
            center: GeoPoint, wanted: int, max_km: float | None
            ) -> tuple[list[tuple[float, float, tantivy.DocAddress]], int]:
    """The `wanted` listings of `query` nearest to `center`, nearest first, as (distance
    in km, score, address), and how many listings `query` matches. `query` must keep only
    listings with a point, and hold the radius filter when there is one (`max_km`).

    Up to DISTANCE_CANDIDATES matches are all sorted, in one pass. More are searched in a
    circle that widens from 1 km (by the density seen) and narrows back when it holds
    more than DISTANCE_CANDIDATES; each step is one pass over its cells. Where the points
    are too dense for that (thousands at one spot), or the circle would span a continent,
    DISTANCE_CANDIDATES of them are sorted.
    """
    limit_km = max_km if max_km is not None else HALF_CIRCUMFERENCE_KM
    first = searcher.search(query, DISTANCE_CANDIDATES, count=True)
    total = int(first.count or 0)  # type: ignore[attr-defined]
    if total <= DISTANCE_CANDIDATES:
        return _ranked(searcher, first.hits, center, limit_km)[:wanted], total
    radius, low, high = min(_FIRST_RING_KM, limit_km), 0.0, math.inf
    for _ in range(30):
        cover = cover_circle(center, radius, _RING_ROWS)
        if cover is None:
            break
        result = searcher.search(_and(query, _cells(schema, cover.inside + cover.edge)),
                                 DISTANCE_CANDIDATES, count=True)
        found = int(result.count or 0)  # type: ignore[attr-defined]
        if found > DISTANCE_CANDIDATES and radius > low * 1.02:
            high = radius
            radius = (low + radius) / 2
            continue
        ranked = _ranked(searcher, result.hits, center, radius)
        if len(ranked) >= wanted or radius >= limit_km or found > DISTANCE_CANDIDATES:
            return ranked[:wanted], total
        low = radius
        growth = 4.0 if not ranked else min(4.0, max(1.5, 1.3 * math.sqrt(wanted / len(ranked))))
        radius = (low + high) / 2 if high < math.inf else min(limit_km, radius * growth)
    return _ranked(searcher, first.hits, center, limit_km)[:wanted], total
