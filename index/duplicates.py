"""What the search index shows when several sources list one place: one result per group.

The catalog keeps every source's own listing. The search index gets, per duplicate group
(`normalizer.dedupe.find_duplicate_groups`), the best listing of the group with
`also_listed_on` naming the other sources, and a booking link borrowed from them when it has
none; the group's other listings are left out of the index. `source_links` lists every
source's link and booking URL of a group, for a listing page.

`listings_for_index` is the whole view (a rebuild); `plan_index_update` is the same view for
the blocks (district × kind) one run touched, so a refresh rewrites only those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from normalizer.dedupe import block_key, find_duplicate_groups
from normalizer.schema import Listing

__all__ = ["IndexUpdate", "SourceLink", "listings_for_index", "merge_group",
           "plan_index_update", "source_links"]


@dataclass(frozen=True, slots=True)
class SourceLink:
    """Where one source of a group has the place, and where to book it there."""

    source_id: str
    listing_id: str
    url: str | None
    booking_url: str | None


@dataclass(frozen=True, slots=True)
class IndexUpdate:
    """The index writes one run needs: listings to (re)write, ids to leave out."""

    upsert: list[Listing]
    delete: list[str]


def _rank(listing: Listing) -> tuple[int, bool, bool, bool, bool]:
    """Higher is the better listing to show: quality, then a booking link, parsed hours,
    a map point, and a public provider (the owner of a public place over a re-lister)."""
    location = listing.location
    return (listing.quality.score, listing.booking_url is not None,
            bool(listing.hours.weekly), location.lat is not None and location.lon is not None,
            listing.provider.type == "public")


def _best_first(members: Sequence[Listing]) -> list[Listing]:
    by_id = sorted(members, key=lambda li: li.id)  # ties go to the smallest id, every run
    return sorted(by_id, key=_rank, reverse=True)


def merge_group(members: Sequence[Listing]) -> Listing:
    """The listing a group shows: the best of `members` (see `_rank`), with
    `also_listed_on` = the other members' sources (sorted) and, when it has no booking link,
    the best other member's. Input: two or more listings; raises ValueError on none."""
    if not members:
        raise ValueError("a duplicate group has at least one listing")
    shown, *others = _best_first(members)
    also = sorted({li.source_id for li in others} - {shown.source_id})
    booking = shown.booking_url or next(
        (li.booking_url for li in others if li.booking_url), None)
    return shown.model_copy(update={"also_listed_on": also, "booking_url": booking})


def source_links(members: Sequence[Listing]) -> list[SourceLink]:
    """Every source's link and booking URL of one group, the shown listing first."""
    return [SourceLink(li.source_id, li.id, li.url, li.booking_url)
            for li in _best_first(members)]


def listings_for_index(listings: Iterable[Listing]) -> list[Listing]:
    """The catalog's listings → what the search index holds: one listing per duplicate
    group (merged by `merge_group`), every other listing as it is, in input order.
    Input: whole blocks (a catalog, or every listing of some district × kind blocks)."""
    items = list(listings)
    by_id = {listing.id: listing for listing in items}
    shown: dict[str, Listing] = {}
    hidden: set[str] = set()
    for group in find_duplicate_groups(items):
        merged = merge_group([by_id[i] for i in group.listing_ids])
        shown[merged.id] = merged
        hidden.update(i for i in group.listing_ids if i != merged.id)
    return [shown.get(li.id, li) for li in items if li.id not in hidden]


def plan_index_update(catalog_listings: Iterable[Listing], upserted: Sequence[Listing],
                      removed_ids: Sequence[str],
                      indexed: Callable[[str], Listing | None]) -> IndexUpdate | None:
    """The index writes for one run's catalog changes, duplicates included.

    Inputs: the catalog's listings after the run, the run's added or updated listings and
    removed ids, and `indexed` (the index's current copy of a listing, or None). A change
    can show, hide or relabel other sources' listings of its block, so every block the run
    touched (before and after) is regrouped and rewritten whole. Returns None when a block
    cannot be known (a removed or updated listing that the index hid, so its old block is
    not recorded): the caller rebuilds the index instead. Raises nothing.
    """
    blocks: set[tuple[str, str]] = set()
    loose: list[Listing] = []  # changed listings without a district: never grouped
    for listing in upserted:
        before = indexed(listing.id)
        if before is None and listing.first_seen_at != listing.last_seen_at:
            return None  # updated but not in the index: it was hidden in a group
        for version in (listing, before):
            if version is not None and (key := block_key(version)) is not None:
                blocks.add(key)
        if block_key(listing) is None:
            loose.append(listing)
    for listing_id in removed_ids:
        before = indexed(listing_id)
        if before is None:
            return None  # it was hidden: its group's shown listing must be relabelled
        if (key := block_key(before)) is not None:
            blocks.add(key)
    touched = [li for li in catalog_listings if block_key(li) in blocks]
    view = listings_for_index(touched)
    shown = {li.id for li in view}
    return IndexUpdate(upsert=view + loose,
                       delete=[*removed_ids, *(li.id for li in touched if li.id not in shown)])
