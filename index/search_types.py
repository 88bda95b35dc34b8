"""The search interface every backend implements, and its plain value types."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from normalizer.schema import Listing

__all__ = ["SearchHit", "SearchIndex", "SearchQuery", "SearchResults"]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A citizen's search: free text (never parsed as query syntax) plus filters."""

    text: str = ""
    kind: str | None = None
    category: str | None = None
    district_code: str | None = None
    source_id: str | None = None
    free: bool | None = None
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True, slots=True)
class SearchHit:
    listing: Listing
    score: float


@dataclass(frozen=True, slots=True)
class SearchResults:
    total: int
    hits: list[SearchHit] = field(default_factory=list)


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

    def rebuild(self, listings: Iterable[Listing], change_seq: int = -1) -> None:
        """Build a complete new version from `listings` and swap it in atomically."""

    @property
    def change_seq(self) -> int:
        """The catalog change_seq the live index reflects (-1 when unknown)."""

    def set_change_seq(self, seq: int) -> None:
        """Record that the live index now reflects catalog state `seq`."""

    def close(self) -> None:
        """Release files and handles."""
