"""Radius filters and nearest-first ordering on the embedded index.

A radius becomes an exact filter: the grid cells wholly inside the circle match in the
index, and the listings of the thin ring of edge cells are checked with the haversine
distance, then matched by their numeric key. The filter is an ordinary query, so totals,
facets and paging over it are exact. Nearest-first ordering widens a circle around the
point until it holds enough listings, then sorts those by distance.

Bounds (so one search stays a few milliseconds): at most EDGE_CANDIDATES edge listings
are checked per radius filter, and at most DISTANCE_CANDIDATES listings are sorted by
distance, which also bounds how deep distance-sorted pages go (offset + limit).
"""

from __future__ import annotations

import hashlib
import math

import tantivy

from index.geo import bbox_around, cover_circle, haversine_km
from index.search_types import GeoPoint
from index.tantivy_filters import bbox_query

__all__ = [
    "DISTANCE_CANDIDATES",
    "EDGE_CANDIDATES",
    "HALF_CIRCUMFERENCE_KM",
    "circle_query",
    "distances_km",
    "listing_key",
    "nearest",
]

EDGE_CANDIDATES = 20_000
DISTANCE_CANDIDATES = 2_000
HALF_CIRCUMFERENCE_KM = 20_016.0  # no two points on Earth are farther apart
_FIRST_RING_KM = 1.0
_RING_ROWS = 8  # rings only count and gather candidates: a coarse cover is enough
_DIRECT_SORT = 256  # fewer matches than this are all sorted by distance, with no rings
_SLACK = 1 + 1e-9  # float rounding of a distance never drops a listing on the circle
_Clauses = list[tuple[tantivy.Occur, tantivy.Query]]


def listing_key(listing_id: str) -> int:
    """A 63-bit number for a listing id (a fast field the radius filter matches on)."""
    return int.from_bytes(hashlib.blake2b(listing_id.encode(), digest_size=8).digest()) >> 1


def _and(*queries: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def _cells(schema: tantivy.Schema, cells: list[int]) -> tantivy.Query:
    return tantivy.Query.term_set_query(schema, "cell", cells)


def _count(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
    return int(searcher.search(query, 1, count=True).count)  # type: ignore[attr-defined]


def distances_km(searcher: tantivy.Searcher, addresses: list[tantivy.DocAddress],
                 center: GeoPoint) -> list[float | None]:
    """Distance from `center` to each document (None when it has no coordinates)."""
    lats = searcher.fast_field_values("lat", addresses)
    lons = searcher.fast_field_values("lon", addresses)
    return [None if lat is None or lon is None
            else haversine_km(center.lat, center.lon, float(lat), float(lon))
            for lat, lon in zip(lats, lons, strict=True)]


def _keys_within(searcher: tantivy.Searcher, query: tantivy.Query, center: GeoPoint,
                 radius_km: float) -> list[int]:
    addresses = [address for _, address in
                 searcher.search(query, EDGE_CANDIDATES, count=False).hits]
    keys = searcher.fast_field_values("key", addresses)
    return [int(key) for key, distance in
            zip(keys, distances_km(searcher, addresses, center), strict=True)
            if key is not None and distance is not None and distance <= radius_km]


def circle_query(searcher: tantivy.Searcher, schema: tantivy.Schema, base: tantivy.Query,
                 center: GeoPoint, radius_km: float) -> tantivy.Query:
    """Listings within `radius_km` of `center` among those `base` matches (AND it with
    `base`). Listings without coordinates never match. Circles too large for a cell cover
    check the first EDGE_CANDIDATES listings of their bounding box instead."""
    cover = cover_circle(center, radius_km)
    if cover is None:
        keys = _keys_within(searcher, _and(base, bbox_query(schema, bbox_around(
            center, radius_km))), center, radius_km)
        inside: _Clauses = []
    else:
        keys = (_keys_within(searcher, _and(base, _cells(schema, cover.edge)), center,
                             radius_km) if cover.edge else [])
        inside = [(tantivy.Occur.Should, _cells(schema, cover.inside))] if cover.inside else []
    if keys:
        inside.append((tantivy.Occur.Should, tantivy.Query.term_set_query(schema, "key", keys)))
    return tantivy.Query.boolean_query(inside) if inside else tantivy.Query.empty_query()


def _ring_candidates(searcher: tantivy.Searcher, schema: tantivy.Schema,
                     query: tantivy.Query, center: GeoPoint, wanted: int,
                     max_km: float) -> tuple[tantivy.Query, float]:
    """A circle around `center` (the query for its cells, and its radius) holding at least
    `wanted` of the listings `query` matches, or all of them within `max_km`, and where
    the listings allow, at most DISTANCE_CANDIDATES in its cells.

    Widens from 1 km (by the density seen so far) and bisects back when a step overshoots.
    """
    radius = min(_FIRST_RING_KM, max_km)
    low, high = 0.0, math.inf  # radii known to hold too few / too many listings
    for _ in range(30):
        cover = cover_circle(center, radius, _RING_ROWS)
        if cover is None:
            return query, max_km  # a continent-wide circle: take what the query matches
        ring = _and(query, _cells(schema, cover.inside + cover.edge))
        found = _count(searcher, ring)
        enough = found >= wanted and bool(cover.inside) and _count(
            searcher, _and(query, _cells(schema, cover.inside))) >= wanted
        if not enough and radius < max_km:
            low = radius
        elif enough and found > DISTANCE_CANDIDATES and radius > low * 1.02:
            high = radius
        else:
            return ring, radius
        if high < math.inf:
            radius = (low + high) / 2
        else:
            growth = 4.0 if found == 0 else min(4.0, max(1.5, 1.3 * math.sqrt(wanted / found)))
            radius = min(max_km, radius * growth)
    return ring, radius


def nearest(searcher: tantivy.Searcher, schema: tantivy.Schema, query: tantivy.Query,
            center: GeoPoint, wanted: int, max_km: float | None
            ) -> list[tuple[float, float, tantivy.DocAddress]]:
    """The `wanted` listings `query` matches nearest to `center`, nearest first, as
    (distance in km, score, address); listings without coordinates are left out. `query`
    must already hold the radius filter when there is one (`max_km`, else the whole
    Earth). At most DISTANCE_CANDIDATES listings are compared."""
    limit_km = max_km if max_km is not None else HALF_CIRCUMFERENCE_KM
    with_point = _and(query, tantivy.Query.exists_query("lat"))
    candidates, radius = with_point, limit_km
    if _count(searcher, with_point) > _DIRECT_SORT:
        candidates, radius = _ring_candidates(searcher, schema, with_point, center,
                                              wanted, limit_km)
    hits = searcher.search(candidates, DISTANCE_CANDIDATES, count=False).hits
    addresses = [address for _, address in hits]
    keys = searcher.fast_field_values("key", addresses)
    ranked = sorted((distance, int(key or 0), index) for index, (distance, key) in
                    enumerate(zip(distances_km(searcher, addresses, center), keys,
                                  strict=True))
                    if distance is not None and distance <= radius * _SLACK)
    return [(distance, float(hits[index][0]), addresses[index])
            for distance, _, index in ranked[:wanted]]
