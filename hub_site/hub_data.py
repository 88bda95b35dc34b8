"""The site's read access to the catalog and the search index, shared by every view.

The site runs its views in a thread pool and the catalog holds one SQLite connection, so
catalog reads are serialized behind a lock; the search index is thread-safe on its own.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TypeVar

from index.catalog import Catalog, SourceSummary
from index.errors import CatalogError
from index.search_types import SearchHit, SearchIndex, SearchQuery, SearchResults
from normalizer.schema import Listing
from normalizer.taxonomy import Taxonomy

__all__ = ["HubData", "utc_now"]

_T = TypeVar("_T")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class HubData:
    """Everything a view reads: catalog, index, taxonomy, page size and the clock."""

    catalog: Catalog
    index: SearchIndex
    taxonomy: Taxonomy
    page_size: int = 20
    clock: Callable[[], datetime] = utc_now
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _read(self, what: str, read: Callable[[], _T]) -> _T:
        with self._lock:
            try:
                return read()
            except sqlite3.Error as exc:
                raise CatalogError(f"site: cannot read {what} from the catalog: {exc}") from exc

    def source_summaries(self) -> list[SourceSummary]:
        return self._read("source summaries", self.catalog.source_summaries)

    def source_names(self) -> dict[str, str]:
        """Platform name by source id."""
        return {s.id: s.name for s in self._read("sources", self.catalog.sources)}

    def listing(self, listing_id: str) -> Listing | None:
        return self._read("a listing", lambda: self.catalog.get_listing(listing_id))

    def search(self, query: SearchQuery) -> SearchResults:
        """Search, with each hit's last_seen_at brought up to its source's last confirmation:
        a 304 or an unchanged run confirms every listing without rewriting the index."""
        results = self.index.search(query)
        confirmed = self._read("confirmations", self.catalog.last_confirmed)
        return replace(results, hits=[_confirmed(hit, confirmed) for hit in results.hits])


def _confirmed(hit: SearchHit, confirmed: dict[str, datetime]) -> SearchHit:
    at = confirmed.get(hit.listing.source_id)
    seen = hit.listing.last_seen_at
    if at is None or (seen is not None and seen >= at):
        return hit
    return replace(hit, listing=hit.listing.model_copy(update={"last_seen_at": at}))
