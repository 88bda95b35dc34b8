"""Facet counts for the embedded index: tantivy terms aggregations on the fast fields.

Counts are over the whole result set (every filter applied, not only the page), with the
same values as the Elasticsearch backend: "none" for a listing without a district,
"true" / "false" / "unknown" for free. Buckets are sorted by count, then value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import tantivy

from index.search_types import FacetCount, FacetName

__all__ = ["FACET_FIELDS", "count_facets"]

# SearchQuery facet name → fast field holding its value.
FACET_FIELDS: dict[FacetName, str] = {
    "kind": "kind", "category": "category", "district": "district", "source": "source",
    "free": "free", "provider_type": "provider_type"}
_FACET_SIZE = 1000  # more than the 250-odd 시군구 or any taxonomy: no value is cut off


def _aggregation(names: Iterable[FacetName]) -> dict[str, Any]:
    return {name: {"terms": {"field": FACET_FIELDS[name], "size": _FACET_SIZE,
                             "segment_size": _FACET_SIZE}}
            for name in names}


def _buckets(answer: Mapping[str, Any], name: str) -> list[FacetCount]:
    counts = [FacetCount(str(bucket["key"]), int(bucket["doc_count"]))
              for bucket in answer.get(name, {}).get("buckets", [])]
    return sorted(counts, key=lambda c: (-c.count, c.value))


def count_facets(searcher: tantivy.Searcher, query: tantivy.Query,
                 names: Iterable[FacetName]) -> dict[str, list[FacetCount]]:
    """Counts per value of each requested facet over every listing `query` matches.

    Returns {facet name: [FacetCount, …]} with an entry (maybe empty) per requested name;
    unknown names raise KeyError. One aggregation pass computes all of them.
    """
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return {}
    answer = searcher.aggregate(query, _aggregation(wanted))
    return {name: _buckets(answer, name) for name in wanted}

