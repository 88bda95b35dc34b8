"""The embedded index's non-text fields: what each listing is filtered, counted, sorted on.

- kind, category, district, source, free, provider_type (raw text, fast): the facets,
  for filters and facet counts ("none" for no district; free is true/false/unknown);
- seen (i64, fast): first_seen_at (else source_updated_at) in epoch seconds, for "newest";
- recency (f64, fast): seen scaled into [0, 0.005], to order equal scores newest first;
- lat, lon (f64, fast): the point, for bounding boxes and distances;
- cell (i64, one per level): grid cells of the point (`index.geo`), for radius filters;
- key (i64, fast): a 63-bit hash of the id, to match the edge listings of a radius;
- open (i64, many): weekly hours as segment-tree slots (`index.open_hours_index`);
- closes_holidays (bool): the hours text says it closes on public holidays.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import tantivy

from index.geo import cell_ids
from index.open_hours_index import open_interval_terms
from index.tantivy_filters import free_value
from index.tantivy_geo import listing_key
from normalizer.open_now import closes_on_public_holidays
from normalizer.schema import Listing

__all__ = ["RECENCY_FIELD", "add_filter_fields", "filter_values"]

RECENCY_FIELD = "recency"
# tantivy multiplies a hit's score by log2(2 + recency): a factor of at most 1.0036, enough
# to order equal scores by first-seen time (≈ 15 h apart over 2000–2050, in f32 scores)
# while never reordering hits whose relevance differs by more than 0.4 %.
_RECENCY_MAX = 0.005
_EPOCH_START = datetime(2000, 1, 1, tzinfo=UTC).timestamp()
_EPOCH_END = datetime(2050, 1, 1, tzinfo=UTC).timestamp()
_FACETS = ("kind", "category", "district", "source", "free", "provider_type")


def add_filter_fields(builder: tantivy.SchemaBuilder) -> None:
    """Add every non-text field of the table above to a schema being built."""
    for facet in _FACETS:
        builder.add_text_field(facet, tokenizer_name="raw", fast=True)
    builder.add_integer_field("seen", fast=True, indexed=True)
    builder.add_float_field(RECENCY_FIELD, fast=True)
    builder.add_float_field("lat", fast=True)
    builder.add_float_field("lon", fast=True)
    builder.add_integer_field("cell", indexed=True)
    builder.add_integer_field("key", fast=True, indexed=True)
    builder.add_integer_field("open", indexed=True)
    builder.add_boolean_field("closes_holidays", indexed=True)


def filter_values(listing: Listing) -> dict[str, Any]:
    """The values of those fields for one listing, as `tantivy.Document` keyword args."""
    location = listing.location
    seen_at = listing.first_seen_at or listing.source_updated_at
    seen = int(seen_at.timestamp()) if seen_at else 0
    share = (seen - _EPOCH_START) / (_EPOCH_END - _EPOCH_START)
    values: dict[str, Any] = {
        "kind": listing.kind, "category": listing.category,
        "district": location.district_code or "none", "source": listing.source_id,
        "free": free_value(listing.fee.free), "provider_type": listing.provider.type,
        "seen": seen, RECENCY_FIELD: _RECENCY_MAX * min(1.0, max(0.0, share)),
        "key": listing_key(listing.id),
    }
    if location.lat is not None and location.lon is not None:
        values.update(lat=location.lat, lon=location.lon,
                      cell=cell_ids(location.lat, location.lon))
    if listing.hours.weekly:
        values["open"] = open_interval_terms(listing.hours.weekly)
        values["closes_holidays"] = _closes_on_holidays(listing.hours.text)
    return values


@lru_cache(maxsize=4096)
def _closes_on_holidays(text: str | None) -> bool:
    # Hours texts repeat across a catalog; the reading is a few regular expressions.
    return closes_on_public_holidays(text)
