"""Storage: the SQLite catalog (source of truth) and the search backends derived from it."""

from __future__ import annotations

from index.catalog import Catalog
from index.catalog_types import FetchState, RemovalPolicy, RunChanges, RunRecord, SourceSummary
from index.errors import CatalogError, IndexLayerError, SearchBackendError
from index.search_types import SearchHit, SearchIndex, SearchQuery, SearchResults
from index.tantivy_index import TantivyIndex

__all__ = [
    "Catalog",
    "CatalogError",
    "FetchState",
    "IndexLayerError",
    "RemovalPolicy",
    "RunChanges",
    "RunRecord",
    "SearchBackendError",
    "SearchHit",
    "SearchIndex",
    "SearchQuery",
    "SearchResults",
    "SourceSummary",
    "TantivyIndex",
]
