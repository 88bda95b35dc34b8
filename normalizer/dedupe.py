"""De-duplication across sources: which listings of different platforms are one place.

A district file, GongyuNuri and a company list the same 주민센터 tool point or room in their
own words ("아현동주민센터" / "아현동 행정복지센터 공구대여소"). Listings are compared within a
block (same district, same kind, never one source with itself), and only with those sharing
a ~100 m grid cell, a road address or a phone. A pair matches on its normalized name plus
the place (within `near_m` or the same address) or the phone agreeing, never when the names
carry conflicting qualifiers (1동 / 2동, 대회의실 / 소회의실). Pairs join best first; a group
never holds two listings of one source. Pure; `index.duplicates` applies the groups.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from normalizer.dedupe_keys import (
    address_key,
    name_qualifiers,
    name_similarity,
    normalize_name,
    normalize_phone,
)
from normalizer.schema import Listing

__all__ = ["DuplicateGroup", "MatchFacts", "MatchRules", "PairEvidence", "address_key",
           "block_key", "compare_listings", "find_duplicate_groups", "haversine_m",
           "name_qualifiers", "name_similarity", "normalize_name", "normalize_phone"]

_DENSE = 24  # listings sharing one key beyond which only name-order neighbours are paired
_WINDOW = 6
_EARTH_RADIUS_M = 6_371_000.0
_M_PER_DEGREE = 111_320.0


@dataclass(frozen=True, slots=True)
class MatchRules:
    """The thresholds of a match; the defaults are the ones the labelled pairs measure."""

    near_m: float = 100.0  # "the same place" when both have coordinates
    far_m: float = 1000.0  # never the same place beyond this, unless the addresses agree
    name_alone: float = 0.85  # name similarity enough with the place or the phone agreeing
    name_with_both: float = 0.6  # enough with both agreeing, for listings of one category


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """Why two listings were (or were not) taken for the same place."""

    left_id: str
    right_id: str
    name_similarity: float
    distance_m: float | None
    same_address: bool
    same_phone: bool
    same_category: bool  # or one of them is the kind's catch-all (item.general)
    conflict: bool  # conflicting qualifiers in the names, or too far apart


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Listings of different sources that are one place, with the pairs that joined them."""

    listing_ids: tuple[str, ...]
    evidence: tuple[PairEvidence, ...]


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class MatchFacts:
    """What matching reads of a listing and nothing more: small enough to keep for a whole
    catalog between index updates (`index.duplicates.DuplicateTracker`)."""

    id: str
    source_id: str
    title: str
    kind: str
    category: str
    district_code: str | None
    district_name: str | None
    address: str | None
    lat: float | None
    lon: float | None
    phones: tuple[str, ...]

    @classmethod
    def of(cls, li: Listing) -> MatchFacts:
        where = li.location
        return cls(li.id, li.source_id, li.title, li.kind, li.category, where.district_code,
                   where.district_name, where.address, where.lat, where.lon,
                   tuple(li.contact.phones))

    @property
    def block(self) -> tuple[str, str] | None:
        """The block it is compared within, as `block_key`."""
        return (self.district_code, self.kind) if self.district_code else None


class _Prepared:
    """One listing as matching sees it; the name is normalized only when a pair needs it."""

    __slots__ = ("_names", "address", "listing", "phones", "point")

    def __init__(self, listing: MatchFacts,
                 shared_phones: frozenset[str] = frozenset()) -> None:
        self.listing = listing
        self.address = address_key(listing.address)
        self.phones = frozenset({p for p in map(normalize_phone, listing.phones)
                                 if p} - shared_phones)
        self.point = None if listing.lat is None or listing.lon is None else (
            listing.lat, listing.lon)
        self._names: tuple[str, frozenset[str]] | None = None

    def names(self) -> tuple[str, frozenset[str]]:
        """The normalized name and its qualifiers, worked out once."""
        if self._names is None:
            name = normalize_name(self.listing.title, self.listing.district_name)
            self._names = (name, name_qualifiers(name))
        return self._names


def _conflict(a: _Prepared, b: _Prepared) -> bool:
    """Each name has a qualifier the other lacks: 1동 / 2동, 소회의실 / 대회의실."""
    left, right = a.names()[1], b.names()[1]
    return bool(left - right and right - left)


def _evidence(a: _Prepared, b: _Prepared, rules: MatchRules) -> PairEvidence:
    distance = None if a.point is None or b.point is None else haversine_m(*a.point, *b.point)
    same_address = a.address is not None and a.address == b.address
    conflict = _conflict(a, b) or (distance is not None and distance > rules.far_m
                                   and not same_address)
    # A 주민센터 lends tools, umbrellas and wheelchairs as separate services: "성북동" lies
    # inside "성북동 우산", so a short name only stands for a longer one when both listings
    # offer the same category of thing.
    categories = {a.listing.category, b.listing.category}
    same_category = len(categories) == 1 or any(c.endswith(".general") for c in categories)
    similarity = name_similarity(a.names()[0], b.names()[0], strict=not same_category)
    return PairEvidence(a.listing.id, b.listing.id, similarity, distance, same_address,
                        bool(a.phones & b.phones), same_category, conflict)


def _score(evidence: PairEvidence, rules: MatchRules) -> float | None:
    """How strong a match is (name similarity plus agreements), None when it is none."""
    # Independent agreements besides the name: the place (within near_m or the same
    # address: one fact seen two ways) and the phone.
    near = evidence.distance_m is not None and evidence.distance_m <= rules.near_m
    support = int(near or evidence.same_address) + int(evidence.same_phone)
    name = evidence.name_similarity
    if not evidence.conflict and ((support >= 1 and name >= rules.name_alone) or (
            support == 2 and evidence.same_category and name >= rules.name_with_both)):
        return name + support
    return None


def _could_match(a: _Prepared, b: _Prepared, rules: MatchRules) -> bool:
    """The cheap tests, before any name work: nothing but the name agreeing is never
    enough, and conflicting qualifiers never match."""
    if not (a.phones & b.phones or (a.address is not None and a.address == b.address)):
        if a.point is None or b.point is None:
            return False
        # A flat-earth distance is exact enough at 100 m and much cheaper than haversine.
        north = (a.point[0] - b.point[0]) * _M_PER_DEGREE
        east = (a.point[1] - b.point[1]) * _M_PER_DEGREE * math.cos(math.radians(a.point[0]))
        if north * north + east * east > (rules.near_m * 1.01) ** 2:
            return False
    return not _conflict(a, b)


def compare_listings(left: Listing, right: Listing,
                     rules: MatchRules | None = None) -> tuple[PairEvidence, bool]:
    """The evidence on two listings taken alone, and whether it is a match (never across
    blocks or within one source): for explaining a decision of `find_duplicate_groups`."""
    rules = rules or MatchRules()
    evidence = _evidence(_Prepared(MatchFacts.of(left)), _Prepared(MatchFacts.of(right)),
                         rules)
    comparable = block_key(left) is not None and block_key(left) == block_key(right)
    return evidence, (comparable and left.source_id != right.source_id
                      and _score(evidence, rules) is not None)


def _shared_phones(listings: Sequence[MatchFacts]) -> frozenset[str]:
    """Phones that one source gives to several listings of a block (a switchboard, a call
    centre): they say nothing about which listing is which."""
    counts = Counter((li.source_id, p) for li in listings
                     for p in {normalize_phone(x) for x in li.phones} if p)
    return frozenset(phone for (_source, phone), count in counts.items() if count > 1)


def _bucket_pairs(block: list[_Prepared], members: list[int],
                  anchors: int) -> Iterator[tuple[int, int]]:
    """Pairs within one bucket (a grid neighbourhood, an address or a phone) with at least
    one of the first `anchors` members in them. A busy bucket (a building with hundreds of
    listings) is paired by name order instead: each listing with its neighbours when the
    names are sorted, and when the reversed names are, which keeps the work linear."""
    if len(members) <= _DENSE:
        for i, a in enumerate(members[:anchors]):
            for b in members[i + 1:]:
                yield a, b
        return
    first = set(members[:anchors])
    bare = {p: block[p].names()[0].replace(" ", "") for p in members}
    for ordered in (sorted(members, key=bare.__getitem__),
                    sorted(members, key=lambda p: bare[p][::-1])):
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:i + 1 + _WINDOW]:
                if a in first or b in first:
                    yield a, b


def _candidate_pairs(block: list[_Prepared], near_m: float) -> Iterator[tuple[int, int]]:
    """Pairs of positions in a block that share a grid neighbourhood (cells of `near_m`), a
    road address or a phone: the pairs that could match (some more than once)."""
    keys: defaultdict[str, list[int]] = defaultdict(list)
    cells: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    lat_step = near_m / _M_PER_DEGREE
    widest = max((abs(p.point[0]) for p in block if p.point is not None), default=0.0)
    lon_step = near_m / (_M_PER_DEGREE * max(math.cos(math.radians(widest)), 0.01))
    for position, prepared in enumerate(block):
        if prepared.address:
            keys[prepared.address].append(position)
        for phone in prepared.phones:
            keys["tel:" + phone].append(position)
        if prepared.point is not None:
            cells[(math.floor(prepared.point[0] / lat_step),
                   math.floor(prepared.point[1] / lon_step))].append(position)
    for members in keys.values():
        yield from _bucket_pairs(block, members, len(members))
    for (row, col), own in cells.items():
        # A cell with the four neighbours after it: every pair within near_m, once.
        around = [p for cell in ((row, col + 1), (row + 1, col - 1), (row + 1, col),
                                 (row + 1, col + 1)) for p in cells.get(cell, ())]
        yield from _bucket_pairs(block, own + around, len(own))


def block_key(listing: Listing) -> tuple[str, str] | None:
    """The block a listing is compared within: (district_code, kind); None without a
    district, for a listing that is never grouped."""
    district = listing.location.district_code
    return (district, listing.kind) if district else None


def find_duplicate_groups(listings: Iterable[Listing | MatchFacts],
                          rules: MatchRules | None = None) -> list[DuplicateGroup]:
    """Group the listings that are one place listed by several sources.

    Input: any listings (a whole catalog), or their `MatchFacts`. Output: groups of two or
    more listing ids, each within one `block_key` and with at most one listing per source,
    sorted; listings without a district code are never grouped. A block's groups depend on
    that block's listings only, so whole blocks can be regrouped on their own. Raises
    nothing.
    """
    rules = rules or MatchRules()
    items = [li if isinstance(li, MatchFacts) else MatchFacts.of(li) for li in listings]
    blocks: defaultdict[tuple[str, str], list[MatchFacts]] = defaultdict(list)
    for listing in items:
        if key := listing.block:
            blocks[key].append(listing)
    matches: dict[tuple[str, str], tuple[float, PairEvidence]] = {}
    for members in blocks.values():
        if len({li.source_id for li in members}) < 2:
            continue  # one source lists each place once
        shared = _shared_phones(members)
        block = [_Prepared(listing, shared) for listing in members]
        # A pair shares several buckets (address, phone, grid cell): weigh it once in
        # each order it comes in (the outcome of one order never changes).
        weighed: set[tuple[int, int]] = set()
        for a, b in _candidate_pairs(block, rules.near_m):
            left, right = block[a], block[b]
            if (a, b) in weighed or left.listing.source_id == right.listing.source_id:
                continue
            weighed.add((a, b))
            pair = (left.listing.id, right.listing.id) if a < b else (right.listing.id,
                                                                      left.listing.id)
            if pair in matches or not _could_match(left, right, rules):
                continue
            evidence = _evidence(left, right, rules)
            if (score := _score(evidence, rules)) is not None:
                matches[pair] = (score, evidence)
    return _join_best_first(list(matches.values()), {li.id: li.source_id for li in items})


def _join_best_first(matches: list[tuple[float, PairEvidence]],
                     source_of: dict[str, str]) -> list[DuplicateGroup]:
    parent: dict[str, str] = {}
    sources: dict[str, set[str]] = {}
    joined: defaultdict[str, list[PairEvidence]] = defaultdict(list)

    def root(listing_id: str) -> str:
        while parent.setdefault(listing_id, listing_id) != listing_id:
            parent[listing_id] = parent[parent[listing_id]]
            listing_id = parent[listing_id]
        return listing_id

    for _score, evidence in sorted(matches, key=lambda m: (-m[0], m[1].left_id,
                                                           m[1].right_id)):
        left, right = root(evidence.left_id), root(evidence.right_id)
        left_sources = sources.setdefault(left, {source_of[evidence.left_id]})
        right_sources = sources.setdefault(right, {source_of[evidence.right_id]})
        if left == right or left_sources & right_sources:
            continue  # one source lists each place once: keep its best match only
        parent[right] = left
        left_sources |= sources.pop(right)
        joined[left].extend([*joined.pop(right, []), evidence])
    members: defaultdict[str, list[str]] = defaultdict(list)
    for listing_id in parent:
        members[root(listing_id)].append(listing_id)
    groups = [DuplicateGroup(tuple(sorted(ids)), tuple(joined[top]))
              for top, ids in members.items() if len(ids) > 1]
    return sorted(groups, key=lambda g: g.listing_ids)
