"""Where a listing comes from: its duplicate group across platforms, read from the catalog.

The catalog keeps every source's own listing; the search index keeps one per duplicate
group (`index.duplicates`), whose `also_listed_on` names the other sources. For a listing
page the group's members are found again: the index copy names the sources, and each
source's listing of the same place is the one in the same block (district × kind) that
`listings_for_index` merges with it. A listing hidden from the index (not its group's best)
finds its group through the shown listing, searched by title within its block.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from starlette.exceptions import HTTPException

from hub_site.hub_data import HubData
from index.catalog_types import FetchState
from index.duplicates import SourceLink, listings_for_index, source_links
from index.errors import CatalogError
from index.search_types import SearchQuery
from normalizer.schema import Listing

__all__ = ["MAX_SCANNED_LISTINGS", "ListingGroup", "find_listing", "listing_group",
           "read_catalog", "source_state"]

_T = TypeVar("_T")
MAX_ID_CHARS = 200
_MAX_OTHER_SOURCES = 8  # a group has one listing per source; more is not a real group
# Finding a source's copy reads every listing of that source (the catalog has no lookup
# by district); beyond this many the copy is named by its platform only, so a page never
# parses a national portal's whole catalog. A catalog lookup by block would lift this.
MAX_SCANNED_LISTINGS = 3_000
_SHOWN_CANDIDATES = 20


@dataclass(frozen=True, slots=True)
class ListingGroup:
    """Every source's copy of one place: links (best listing first) and the sources the
    index names whose own listing could not be found any more (shown by name only)."""

    links: list[SourceLink]
    unmatched_sources: list[str]


def read_catalog(what: str, read: Callable[[], _T]) -> _T:
    """Run one catalog read; a SQLite failure becomes CatalogError (the site's 503)."""
    try:
        return read()
    except sqlite3.Error as exc:
        raise CatalogError(f"site: cannot read {what} from the catalog: {exc}") from exc


def find_listing(hub: HubData, listing_id: str) -> Listing:
    """The catalog's listing `listing_id`; HTTPException(404) when unknown or absurdly long."""
    listing = hub.listing(listing_id) if len(listing_id) <= MAX_ID_CHARS else None
    if listing is None:
        raise HTTPException(status_code=404, detail="listing not found")
    return listing


def source_state(hub: HubData, source_id: str) -> FetchState:
    return read_catalog("fetch state", lambda: hub.catalog.fetch_state(source_id))


def _same_place(a: Listing, b: Listing) -> bool:
    """True when the de-duplication rules put `a` and `b` in one group."""
    return a.source_id != b.source_id and len(listings_for_index([a, b])) == 1


def _in_block(candidate: Listing, anchor: Listing) -> bool:
    return (candidate.kind == anchor.kind
            and candidate.location.district_code == anchor.location.district_code)


def _shown_for_hidden(hub: HubData, listing: Listing) -> Listing | None:
    """The index listing that stands for `listing`'s group, when the index left it out."""
    district = listing.location.district_code
    if district is None:
        return None  # listings without a district are never grouped
    hits = hub.index.search(SearchQuery(text=listing.title, district_codes=(district,),
                                        kinds=(listing.kind,), limit=_SHOWN_CANDIDATES)).hits
    return next((hit.listing for hit in hits
                 if listing.source_id in hit.listing.also_listed_on
                 and _same_place(hit.listing, listing)), None)


def _member_from(hub: HubData, source_id: str, anchor: Listing) -> Listing | None:
    listings = read_catalog("listings", lambda: list(hub.catalog.iter_listings(source_id)))
    return next((c for c in listings if _in_block(c, anchor) and _same_place(anchor, c)),
                None)


def listing_group(hub: HubData, listing: Listing, *,
                  max_scanned: int = MAX_SCANNED_LISTINGS) -> ListingGroup:
    """The group `listing` belongs to (itself alone when it has no duplicates); a source
    with more than `max_scanned` listings is named without its copy's links."""
    shown = hub.index.get(listing.id) or _shown_for_hidden(hub, listing)
    if shown is None:
        return ListingGroup(source_links([listing]), list(listing.also_listed_on))
    members = {listing.source_id: listing}
    if shown.source_id not in members:
        stored = read_catalog("a listing", lambda: hub.catalog.get_listing(shown.id))
        members[shown.source_id] = stored or shown
    anchor = members[shown.source_id]
    unmatched = []
    others = [s for s in shown.also_listed_on if s not in members][:_MAX_OTHER_SOURCES]
    sizes = {s.source.id: s.listing_count for s in hub.source_summaries()} if others else {}
    for source_id in others:
        member = (_member_from(hub, source_id, anchor)
                  if sizes.get(source_id, 0) <= max_scanned else None)
        if member is None:
            unmatched.append(source_id)
        else:
            members[source_id] = member
    return ListingGroup(source_links(list(members.values())), unmatched)
