"""Filters of a SearchQuery as tantivy queries: facets, free, open at a moment, a box.

Values of one facet are ORed (a term set), different filters ANDed. Every value goes into
a term built in code, never through a query parser. The radius filter needs the index
itself (its edge listings are checked one by one) and lives in `index.tantivy_geo`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import tantivy

from index.open_hours_index import open_moment_terms, seoul_date
from index.search_types import BoundingBox, SearchQuery

__all__ = ["bbox_query", "filter_queries", "free_value"]


def free_value(free: bool | None) -> str:
    """The indexed value of `fee.free`: "true", "false" or "unknown"."""
    return "unknown" if free is None else ("true" if free else "false")


def _range(schema: tantivy.Schema, field: str, low: float, high: float) -> tantivy.Query:
    return tantivy.Query.range_query(schema, field, tantivy.FieldType.Float, low, high)


def bbox_query(schema: tantivy.Schema, box: BoundingBox) -> tantivy.Query:
    """Listings whose point lies in the box (edges included). West > east is a box across
    the antimeridian. Listings without coordinates never match."""
    lat = _range(schema, "lat", min(box.south, box.north), max(box.south, box.north))
    if box.west <= box.east:
        lon = _range(schema, "lon", box.west, box.east)
    else:
        lon = tantivy.Query.boolean_query([
            (tantivy.Occur.Should, _range(schema, "lon", box.west, 180.0)),
            (tantivy.Occur.Should, _range(schema, "lon", -180.0, box.east))])
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, lat), (tantivy.Occur.Must, lon)])


def filter_queries(schema: tantivy.Schema, query: SearchQuery,
                   is_public_holiday: Callable[[date], bool]
                   ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """The Must and MustNot clauses for every filter of `query` except the radius.

    `open_at` keeps listings whose weekly hours cover that moment (Seoul time; naive
    datetimes are Seoul time) and, when `is_public_holiday` says its date is a Korean
    public holiday, drops listings whose hours text says they close on holidays.
    """
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    facets = {"kind": query.kinds, "category": query.categories,
              "district": query.district_codes, "source": query.source_ids,
              "provider_type": query.provider_types,
              "free": () if query.free is None else (free_value(query.free),)}
    for field, values in facets.items():
        if values:  # checkboxes of one facet: any of them
            clauses.append((tantivy.Occur.Must,
                            tantivy.Query.term_set_query(schema, field, list(values))))
    if query.open_at is not None:
        clauses.append((tantivy.Occur.Must, tantivy.Query.term_set_query(
            schema, "open", open_moment_terms(query.open_at))))
        if is_public_holiday(seoul_date(query.open_at)):
            clauses.append((tantivy.Occur.MustNot, tantivy.Query.term_query(
                schema, "closes_holidays", True)))
    if query.bbox is not None:
        clauses.append((tantivy.Occur.Must, bbox_query(schema, query.bbox)))
    return clauses
