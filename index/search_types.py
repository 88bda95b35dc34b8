"""The search interface every backend implements, and its plain value types.

Both backends (the embedded tantivy index and Elasticsearch) answer the same `SearchQuery`
with the same `SearchResults`, and one behaviour suite checks both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from normalizer.schema import Listing

__all__ = [
    "FACETS",
    "BoundingBox",
    "FacetCount",
    "FacetName",
    "GeoPoint",
    "SearchHit",
    "SearchIndex",
    "SearchQuery",
    "SearchResults",
    "SortOrder",
]

SortOrder = Literal["relevance", "newest", "distance"]
FacetName = Literal["kind", "category", "district", "source", "free", "provider_type"]
FACETS: tuple[FacetName, ...] = ("kind", "category", "district", "source", "free",
                                 "provider_type")


@dataclass(frozen=True, slots=True)
class GeoPoint:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class BoundingBox:
    south: float
    west: float
    north: float
    east: float


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A citizen's search: free text (never parsed as query syntax) plus filters.

    Each tuple filter matches any of its values (checkboxes of one facet are ORed); filters
    of different facets are ANDed. `open_at` keeps listings open at that moment (their
    weekly hours, and public holidays when their text says they close on them). `near`
    with `radius_km` keeps listings within that distance; `sort="distance"` needs `near`.
    """

    text: str = ""
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    district_codes: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()
    provider_types: tuple[str, ...] = ()
    free: bool | None = None
    open_at: datetime | None = None
    near: GeoPoint | None = None
    radius_km: float | None = None
    bbox: BoundingBox | None = None
    sort: SortOrder = "relevance"
    facets: tuple[FacetName, ...] = ()
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True, slots=True)
class SearchHit:
    listing: Listing
    score: float
    distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True, slots=True)
class SearchResults:
    total: int
    hits: list[SearchHit] = field(default_factory=list)
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)  # by FacetName


class SearchIndex(Protocol):
    """A search backend. The catalog is the source of truth; an index is derived from it."""

    def upsert(self, listings: Iterable[Listing]) -> None:
        """Add or replace listings (by id) and make them searchable."""

    def delete(self, listing_ids: Iterable[str]) -> None:
        """Remove listings by id; unknown ids are ignored."""

    def search(self, query: SearchQuery) -> SearchResults:
        """Run a search; any user text is a plain search, never a syntax error."""

    def get(self, listing_id: str) -> Listing | None:
        """One listing by id, or None."""

    def coverage(self) -> dict[tuple[str, str], int]:
        """Listing counts by (district_code, category), for the coverage matrix."""

    def rebuild(self, listings: Iterable[Listing], change_seq: int = -1) -> None:
        """Build a complete new version from `listings` and swap it in atomically."""

    @property
    def change_seq(self) -> int:
        """The catalog change_seq the live index reflects (-1 when unknown)."""

    def set_change_seq(self, seq: int) -> None:
        """Record that the live index now reflects catalog state `seq`."""

    def close(self) -> None:
        """Release files and handles."""
