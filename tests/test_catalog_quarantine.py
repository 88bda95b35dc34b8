"""Staff decide quarantined runs: apply (as a normal run) or discard; and the daily
listing-count history the staff sparklines draw."""

from __future__ import annotations

from datetime import timedelta

import pytest

from index import Catalog, CatalogError, RemovalPolicy
from normalizer.schema import Source
from tests.conftest import NOW
from tests.factories import make_listing

SOURCE = Source(id="mapo-tools", name="마포구 공구대여소", kind="csv", url="http://x/tools.csv")
IMMEDIATE = RemovalPolicy(grace_runs=1, grace_hours=0)
FULL = [make_listing(i, f"공구대여소 {i}") for i in "abcd"]


@pytest.fixture
def catalog(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog.save_source(SOURCE, NOW)
    yield catalog
    catalog.close()


def _apply(catalog, listings, at):
    return catalog.apply_run(SOURCE.id, listings, started_at=at, finished_at=at, invalid=0,
                             record_errors=[], etag='"v1"', last_modified=None,
                             policy=IMMEDIATE)


def _held(catalog, survivors=("a",)):
    """Four listings, then a run that keeps only `survivors` (plus one new): held back."""
    _apply(catalog, FULL, NOW)
    kept = [li for li in FULL if li.source_record_id in survivors]
    held = _apply(catalog, [*kept, make_listing("e", "공구대여소 e")], NOW + timedelta(hours=1))
    assert held.run.status == "quarantined"
    return held.run.id


def test_pending_run_says_what_it_would_change(catalog):
    run_id = _held(catalog)
    [pending] = catalog.quarantined_runs()
    assert pending.run.id == run_id
    assert (pending.current, pending.would_add, pending.would_update,
            pending.would_remove) == (4, 1, 0, 3), pending.to_json()
    assert pending.to_json()["listings"] == 2


def test_apply_replaces_listings_like_a_normal_run(catalog):
    run_id = _held(catalog)
    seq = catalog.change_seq()
    later = NOW + timedelta(hours=2)
    changes = catalog.apply_quarantined(run_id, later, IMMEDIATE)
    assert changes.run.status == "ok"
    assert (changes.run.added, changes.run.removed) == (1, 3)
    assert sorted(li.source_record_id for li in catalog.iter_listings()) == ["a", "e"]
    assert changes.change_seq == seq + 1
    assert catalog.quarantined_runs() == [], "an applied run must leave the queue"
    assert catalog.fetch_state(SOURCE.id).last_success_at == later
    assert any("quarantined run" in w for w in catalog.runs(SOURCE.id)[0].warnings)


def test_discard_keeps_listings_and_leaves_the_queue(catalog):
    run_id = _held(catalog)
    run = catalog.discard_quarantined(run_id, NOW + timedelta(hours=2))
    assert run.id == run_id
    assert catalog.count_listings() == 4
    assert catalog.quarantined_runs() == []


@pytest.mark.parametrize(("first", "second", "message"), [
    ("apply", "apply", "already applied"),
    ("apply", "discard", "already applied"),
    ("discard", "apply", "already discarded"),
    ("discard", "discard", "already discarded"),
], ids=["apply-twice", "discard-applied", "apply-discarded", "discard-twice"])
def test_a_decided_run_cannot_be_decided_again(catalog, first, second, message):
    run_id = _held(catalog)
    decide = {"apply": catalog.apply_quarantined, "discard": catalog.discard_quarantined}
    decide[first](run_id, NOW + timedelta(hours=2))
    count = catalog.count_listings()
    with pytest.raises(CatalogError, match=message):
        decide[second](run_id, NOW + timedelta(hours=3))
    assert catalog.count_listings() == count, "a refused decision must change nothing"


@pytest.mark.parametrize("action", ["apply", "discard"])
@pytest.mark.parametrize("target", ["unknown", "ok-run"])
def test_only_quarantined_runs_can_be_decided(catalog, action, target):
    ok_run = _apply(catalog, FULL, NOW).run.id
    run_id = 999 if target == "unknown" else ok_run
    decide = {"apply": catalog.apply_quarantined, "discard": catalog.discard_quarantined}
    with pytest.raises(CatalogError, match="not a quarantined run"):
        decide[action](run_id, NOW)


def test_a_superseded_run_can_only_be_discarded(catalog):
    run_id = _held(catalog)
    _apply(catalog, FULL, NOW + timedelta(hours=2))  # the source recovered
    with pytest.raises(CatalogError, match="superseded"):
        catalog.apply_quarantined(run_id, NOW + timedelta(hours=3))
    assert [p.run.id for p in catalog.quarantined_runs()] == [run_id], \
        "a refused apply must not mark the run"
    catalog.discard_quarantined(run_id, NOW + timedelta(hours=3))
    assert catalog.quarantined_runs() == []


def test_applying_an_empty_payload_marks_everything_missing(catalog):
    run_id = _held(catalog, survivors=())
    catalog.discard_quarantined(run_id, NOW + timedelta(hours=2))
    empty = _apply(catalog, [], NOW + timedelta(hours=3))
    assert empty.run.status == "quarantined"
    changes = catalog.apply_quarantined(empty.run.id, NOW + timedelta(hours=4), IMMEDIATE)
    assert changes.run.removed == 4
    assert catalog.count_listings() == 0


def test_daily_counts_rebuild_history_from_runs(catalog):
    day = timedelta(days=1)
    _apply(catalog, FULL[:2], NOW - 3 * day)       # 2 listings three days ago
    _apply(catalog, FULL, NOW - 1 * day)           # 4 yesterday
    _apply(catalog, FULL[:3], NOW)                 # 3 today (one removed)
    history = catalog.daily_listing_counts(NOW, days=5)
    assert history == {SOURCE.id: [0, 2, 2, 4, 3]}, "oldest first, today last"
