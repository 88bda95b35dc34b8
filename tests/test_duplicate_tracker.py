"""The duplicate tracker (index.duplicates.DuplicateTracker): incremental index updates
that regroup only the touched blocks and rewrite only what changed must leave the search
index exactly as a rebuild from the catalog would, for every kind of change."""

from __future__ import annotations

import random
from datetime import timedelta

from index import Catalog, RemovalPolicy, SearchQuery, TantivyIndex
from index.duplicates import DuplicateTracker, listings_for_index
from normalizer.dedupe import MatchFacts
from normalizer.schema import Listing, Source
from tests.conftest import NOW
from tests.test_dedupe import OFFSET, _place, _trio

_POLICY = RemovalPolicy(grace_runs=1, grace_hours=0, quarantine_ratio=1.0)


class _TrackedHub:
    """A real catalog and index updated through a DuplicateTracker, as the pipeline does."""

    def __init__(self, tmp_path) -> None:
        self.catalog = Catalog(tmp_path / "catalog.sqlite3")
        self.index = TantivyIndex(tmp_path / "index")
        self.tracker = DuplicateTracker()
        self.tracker.seed(self.catalog.match_facts(), self.catalog.change_seq())
        self.clock = NOW
        self.written: list[str] = []  # ids upserted by the last run

    def run(self, source_id: str, listings: list[Listing], *, forget: bool = False) -> bool:
        """Apply one run; with `forget`, the tracker starts afresh from the catalog
        (seed_before), as in a new process. False when it could not."""
        self.clock += timedelta(hours=1)
        self.catalog.save_source(Source(id=source_id, name=source_id, kind="csv",
                                        url=f"http://x/{source_id}"), self.clock)
        changes = self.catalog.apply_run(
            source_id, listings, started_at=self.clock, finished_at=self.clock, invalid=0,
            record_errors=[], etag=None, last_modified=None, policy=_POLICY)
        if forget:
            self.tracker = DuplicateTracker()
            if not self.tracker.seed_before(self.catalog.match_facts(), changes.upserted,
                                            changes.removed_ids, self.index.get,
                                            changes.change_seq - 1):
                return False
        update = self.tracker.plan(changes.upserted, changes.removed_ids, changes.change_seq,
                                   self.catalog.get_listings)
        self.written = [li.id for li in update.upsert]
        self.index.upsert(update.upsert)
        self.index.delete(update.delete)
        return True

    def indexed(self) -> dict[str, tuple[str, list[str], str | None]]:
        hits = self.index.search(SearchQuery(limit=500)).hits
        return {h.listing.id: (h.listing.title, h.listing.also_listed_on,
                               h.listing.booking_url) for h in hits}

    def expected(self) -> dict[str, tuple[str, list[str], str | None]]:
        return {li.id: (li.title, li.also_listed_on, li.booking_url)
                for li in listings_for_index(self.catalog.iter_listings())}


def test_tracked_updates_equal_a_rebuild_even_when_a_hidden_listing_changes(tmp_path):
    hub = _TrackedHub(tmp_path)
    district, portal, company = _trio()
    seogyo = _place("s", "mapo-tools", "서교동주민센터", point=(37.5547, 126.9189),
                    address="서울특별시 마포구 동교로 140")
    far = {"location": portal.location.model_copy(update={"lat": 37.5700,
                                                         "address": "서울특별시 마포구 서강로 1"})}
    steps = [
        ("mapo-tools", [district, seogyo]),
        ("gongyunuri", [portal]),  # joins the district's listing, which is now hidden
        ("shareit-feed", [company]),
        # the hidden listing changes (the untracked path rebuilds the whole index here)
        ("mapo-tools", [district.model_copy(update={"description": "전동드릴 대여"}),
                        seogyo]),
        ("mapo-tools", [seogyo]),  # the hidden listing goes
        ("gongyunuri", [portal.model_copy(update=far)]),  # moves 2 km: the group splits
        ("mapo-tools", [district, seogyo]),
        ("shareit-feed", [company.model_copy(update={"title": "아현동 공구 나눔"})]),
    ]
    for number, (source_id, listings) in enumerate(steps, 1):
        hub.run(source_id, listings)
        assert hub.indexed() == hub.expected(), f"after step {number} ({source_id})"
    hub.catalog.close()


def test_an_unrelated_change_rewrites_only_itself(tmp_path):
    hub = _TrackedHub(tmp_path)
    district, portal, company = _trio()
    others = [_place(f"o{n}", "mapo-tools", f"망원{n}동 공유센터 {n}호", point=None,
                     address=f"서울특별시 마포구 월드컵로 {n}") for n in range(1, 30)]
    hub.run("mapo-tools", [district, *others])
    hub.run("gongyunuri", [portal])
    hub.run("shareit-feed", [company])
    changed = others[3].model_copy(update={"title": "망원4동 공유센터 4호 (리모델링)"})
    hub.run("mapo-tools", [district, *others[:3], changed, *others[4:]])
    assert hub.written == [changed.id], "one record changed in a block of 32: one write"
    assert hub.indexed() == hub.expected()
    hub.catalog.close()


def test_random_changes_keep_the_index_equal_to_a_rebuild(tmp_path):
    """Three sources list overlapping places in two districts; each step one source
    publishes a random subset, some records edited (title, point, booking link)."""
    hub = _TrackedHub(tmp_path)
    rng = random.Random(7)
    places = [(f"{name}주민센터", point) for name, point in (
        ("아현동", (37.5526, 126.9562)), ("서교동", (37.5547, 126.9189)),
        ("망원1동", (37.5560, 126.9020)), ("공덕동", (37.5440, 126.9510)))]
    merged_steps = 0
    for step in range(12):
        source_id = ("mapo-tools", "gongyunuri", "shareit-feed")[step % 3]
        chosen = [p for p in places if rng.random() < 0.75]
        listings = []
        for n, (title, point) in enumerate(chosen):
            if rng.random() < 0.3:
                point = (point[0] + OFFSET[0] - 37.5526 + 0.02 * rng.random(), point[1])
            listings.append(_place(f"{source_id}-{n}", source_id,
                                   title + ("" if rng.random() < 0.7 else " 공구대여소"),
                                   point=point, address=None, score=rng.choice((70, 88)),
                                   booking_url=rng.choice((None, f"https://b/{step}/{n}"))))
        hub.run(source_id, listings)
        indexed = hub.indexed()
        assert indexed == hub.expected(), f"after step {step + 1} ({source_id})"
        merged_steps += any(also for _title, also, _booking in indexed.values())
    assert merged_steps >= 6, "the steps should exercise groups, not only lone listings"
    hub.catalog.close()


def test_a_new_tracker_starts_from_the_catalog_and_the_index_copies(tmp_path):
    hub = _TrackedHub(tmp_path)
    district, portal, _company = _trio()
    hub.run("mapo-tools", [district])
    hub.run("gongyunuri", [portal])  # shown; the district's listing is hidden
    moved = portal.model_copy(update={"location": portal.location.model_copy(
        update={"lat": 37.5700, "address": "서울특별시 마포구 서강로 1"})})
    assert hub.run("gongyunuri", [moved], forget=True), "the shown listing's copy is known"
    assert hub.indexed() == hub.expected()
    assert set(hub.indexed()) == {district.id, portal.id}, "the group split"
    hub.run("gongyunuri", [portal])  # together again: the district's listing is hidden
    edited = district.model_copy(update={"description": "전동드릴"})
    assert not hub.run("mapo-tools", [edited], forget=True), \
        "a hidden listing changed: its earlier fields are nowhere, the caller rebuilds"
    hub.catalog.close()


def test_catalog_match_facts_equal_the_listings_own(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    listings = [*_trio(), _place("x", "mapo-tools", "마포 \"공구\" 나눔터", point=None,
                                 address=None, phones=["02-1234-5678", "010-1111-2222"],
                                 district=("11440", "마포구"))]
    for source_id in {li.source_id for li in listings}:
        catalog.save_source(Source(id=source_id, name=source_id, kind="csv",
                                   url=f"http://x/{source_id}"), NOW)
        catalog.apply_run(source_id, [li for li in listings if li.source_id == source_id],
                          started_at=NOW, finished_at=NOW, invalid=0, record_errors=[],
                          etag=None, last_modified=None)
    assert sorted(catalog.match_facts(), key=lambda f: f.id) == sorted(
        (MatchFacts.of(li) for li in listings), key=lambda f: f.id)
    assert catalog.get_listings([listings[0].id, "unknown"]).keys() == {listings[0].id}
    catalog.close()
