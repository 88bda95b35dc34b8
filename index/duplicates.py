"""What the search index shows when several sources list one place: one result per group.

The catalog keeps every source's own listing. The search index gets, per duplicate group
(`normalizer.dedupe.find_duplicate_groups`), the best listing of the group with
`also_listed_on` naming the other sources, and a booking link borrowed from them when it has
none; the group's other listings are left out of the index. `source_links` lists every
source's link and booking URL of a group, for a listing page.

`listings_for_index` is the whole view (a rebuild); `plan_index_update` is the same view for
the blocks (district × kind) one run touched, so a refresh rewrites only those; a
`DuplicateTracker` keeps the groups between updates, so an update regroups the touched
blocks from small `MatchFacts` and rewrites only the listings whose indexed form changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from normalizer.dedupe import MatchFacts, block_key, find_duplicate_groups
from normalizer.schema import Listing

__all__ = ["DuplicateTracker", "IndexUpdate", "SourceLink", "listings_for_index",
           "merge_group", "plan_index_update", "source_links"]

_Block = tuple[str, str]


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


class DuplicateTracker:
    """The duplicate groups of the catalog state the search index reflects, kept between
    index updates (in memory: the `MatchFacts` of every listing, ≈1 KB each, and the
    groups).

    With it an update regroups only the blocks its changes touch, from the facts instead of
    the stored listings, and rewrites only the listings whose indexed form changed: the
    changed ones and the members of every group that formed, dissolved, changed or holds a
    changed listing. A re-crawl where 10 of 200 sources changed one record then writes a
    few documents instead of whole blocks. `change_seq` is the catalog state it describes
    (None: unknown; `seed` or `seed_before` it). Not thread-safe: the pipeline uses it
    under its apply lock.
    """

    def __init__(self) -> None:
        self.change_seq: int | None = None
        self._facts: dict[str, MatchFacts] = {}
        self._members: defaultdict[_Block, set[str]] = defaultdict(set)
        self._groups: dict[_Block, set[frozenset[str]]] = {}

    def seed(self, facts: Iterable[MatchFacts], change_seq: int) -> None:
        """Start from every listing of the catalog at `change_seq` (`Catalog.match_facts`),
        a state the search index reflects."""
        self._facts = {f.id: f for f in facts}
        self._members = defaultdict(set)
        for f in self._facts.values():
            if f.block is not None:
                self._members[f.block].add(f.id)
        self._groups = self._regroup(self._members)
        self.change_seq = change_seq

    def seed_before(self, facts: Iterable[MatchFacts], upserted: Sequence[Listing],
                    removed_ids: Sequence[str], indexed: Callable[[str], Listing | None],
                    change_seq: int) -> bool:
        """Seed with the state before a change, `change_seq`: the catalog's `facts` after
        it, with the changed listings as the index has them (`indexed`: the index's copy,
        whose matching fields are the catalog's). An upserted listing first seen at this
        run was added (the same test as `plan_index_update`). Returns False, leaving the
        tracker unknown, when an updated or removed listing is not in the index (hidden
        in a group: its earlier fields are known nowhere)."""
        before = {f.id: f for f in facts}
        for listing in upserted:
            before.pop(listing.id, None)
            if listing.first_seen_at != listing.last_seen_at:
                if (copy := indexed(listing.id)) is None:
                    return False
                before[listing.id] = MatchFacts.of(copy)
        for listing_id in removed_ids:
            if (copy := indexed(listing_id)) is None:
                return False
            before[listing_id] = MatchFacts.of(copy)
        self.seed(before.values(), change_seq)
        return True

    def _regroup(self, blocks: Collection[_Block]) -> dict[_Block, set[frozenset[str]]]:
        groups: dict[_Block, set[frozenset[str]]] = {block: set() for block in blocks}
        members = (self._facts[i] for block in blocks for i in self._members.get(block, ()))
        for group in find_duplicate_groups(members):
            block = self._facts[group.listing_ids[0]].block
            assert block is not None  # only listings with a block are grouped
            groups[block].add(frozenset(group.listing_ids))
        return groups

    def plan(self, upserted: Sequence[Listing], removed_ids: Sequence[str], change_seq: int,
             load: Callable[[Iterable[str]], Mapping[str, Listing]]) -> IndexUpdate:
        """The index writes that take the index from the tracked state to `change_seq`,
        whose changes are `upserted` (added or updated, as stored) and `removed_ids`; the
        tracker then describes `change_seq`. `load(ids)` gives the current listings of
        unchanged members of affected groups (`Catalog.get_listings`). Raises
        ValueError when the tracker is unknown (not seeded)."""
        if self.change_seq is None:
            raise ValueError("the duplicate tracker is not seeded")
        self.change_seq = None  # until the new state is complete
        changed = {li.id for li in upserted} | set(removed_ids)
        touched: set[_Block] = set()
        for listing_id in changed:
            if (old := self._facts.pop(listing_id, None)) is not None and old.block:
                touched.add(old.block)
                self._members[old.block].discard(listing_id)
        for listing in upserted:
            facts = self._facts[listing.id] = MatchFacts.of(listing)
            if facts.block is not None:
                touched.add(facts.block)
                self._members[facts.block].add(listing.id)
        regrouped = self._regroup(touched)
        affected = set(changed)
        group_of: dict[str, frozenset[str]] = {}
        for block, groups in regrouped.items():
            before = self._groups.get(block, set())
            for group in before ^ groups:  # formed, dissolved or changed membership
                affected |= group
            for group in groups:
                group_of.update(dict.fromkeys(group, group))
                if group & changed:
                    affected |= group
            self._groups[block] = groups
        self.change_seq = change_seq
        return _rewrite(affected - set(removed_ids), group_of, upserted, removed_ids, load)


def _rewrite(ids: set[str], group_of: Mapping[str, frozenset[str]],
             upserted: Sequence[Listing], removed_ids: Sequence[str],
             load: Callable[[Iterable[str]], Mapping[str, Listing]]) -> IndexUpdate:
    """The indexed form of each of `ids`: as it is, its group's merged listing, or left
    out (hidden in its group)."""
    listings = {li.id: li for li in upserted if li.id in ids}
    listings.update(load(sorted(ids - listings.keys())))
    upsert: list[Listing] = []
    delete = list(removed_ids)
    merged: dict[frozenset[str], Listing] = {}
    for listing_id in sorted(ids):
        if (group := group_of.get(listing_id)) is None:
            if listing_id in listings:
                upsert.append(listings[listing_id])
            continue
        if group not in merged:
            merged[group] = merge_group([listings[i] for i in sorted(group)])
        if merged[group].id == listing_id:
            upsert.append(merged[group])
        else:
            delete.append(listing_id)
    return IndexUpdate(upsert=upsert, delete=delete)
