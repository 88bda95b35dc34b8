"""The catalog: run accounting, first/last seen, failures that keep data, atomic runs."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from index import Catalog, CatalogError, RemovalPolicy
from index.migrations import MIGRATIONS
from normalizer.schema import Source
from tests.conftest import NOW
from tests.factories import make_listing

SOURCE = Source(id="mapo-tools", name="마포구 공구대여소", kind="csv", url="http://x/tools.csv")


@pytest.fixture
def catalog(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog.save_source(SOURCE, NOW)
    yield catalog
    catalog.close()


def _apply(catalog, listings, at, policy=None):
    return catalog.apply_run(SOURCE.id, listings, started_at=at, finished_at=at, invalid=0,
                             record_errors=[], etag='"v1"', last_modified=None,
                             policy=policy or RemovalPolicy())


IMMEDIATE = RemovalPolicy(grace_runs=1, grace_hours=0)


def test_new_catalog_is_wal_and_at_latest_schema(tmp_path):
    catalog = Catalog(tmp_path / "c.sqlite3")
    conn = sqlite3.connect(tmp_path / "c.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == len(
        MIGRATIONS)
    catalog.close()
    Catalog(tmp_path / "c.sqlite3").close()  # reopening applies nothing twice
    assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_runs_count_added_updated_unchanged_removed(catalog):
    a, b, c = (make_listing(i, f"공구대여소 {i}") for i in "abc")
    first = _apply(catalog, [a, b, c], NOW)
    assert (first.run.added, first.run.updated, first.run.removed) == (3, 0, 0)

    later = NOW + timedelta(hours=1)
    b2 = make_listing("b", "공구대여소 b (이전)")
    second = _apply(catalog, [a, b2], later, IMMEDIATE)
    assert (second.run.added, second.run.updated, second.run.unchanged,
            second.run.removed) == (0, 1, 1, 1)
    assert second.removed_ids == [c.id]
    assert [li.id for li in second.upserted] == [b2.id]

    stored = catalog.get_listing(a.id)
    assert stored.first_seen_at == NOW
    assert stored.last_seen_at == later
    assert catalog.get_listing(b2.id).first_seen_at == NOW
    assert catalog.get_listing(c.id) is None
    assert catalog.fetch_state(SOURCE.id).etag == '"v1"'
    assert second.change_seq == first.change_seq + 1


def test_failure_is_recorded_and_listings_stay(catalog):
    _apply(catalog, [make_listing("a", "공구대여소 a")], NOW)
    catalog.record_failure(SOURCE.id, "parse: not a CSV", started_at=NOW, finished_at=NOW)
    catalog.record_failure(SOURCE.id, "fetch: HTTP 500", started_at=NOW, finished_at=NOW)
    state = catalog.fetch_state(SOURCE.id)
    assert state.error_count == 2
    assert state.last_error == "fetch: HTTP 500"
    assert catalog.count_listings() == 1
    assert [r.status for r in catalog.runs(SOURCE.id)] == ["failed", "failed", "ok"]


def test_unchanged_run_confirms_listings(catalog):
    _apply(catalog, [make_listing("a", "공구대여소 a")], NOW)
    later = NOW + timedelta(hours=2)
    run = catalog.record_unchanged(SOURCE.id, started_at=later, finished_at=later)
    assert run.status == "unchanged"
    assert run.unchanged == 1
    assert catalog.get_listing(make_listing("a", "x").id).last_seen_at == later


class _CrashingCatalog(Catalog):
    """Fails after the listings were written but before the run is recorded."""

    def _insert_run(self, run, payload=None):
        raise sqlite3.OperationalError("disk I/O error (injected)")


def test_a_run_that_fails_midway_changes_nothing(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    good = Catalog(path)
    good.save_source(SOURCE, NOW)
    _apply(good, [make_listing("a", "공구대여소 a")], NOW)
    seq = good.change_seq()
    good.close()

    crashing = _CrashingCatalog(path)
    with pytest.raises(sqlite3.OperationalError):
        _apply(crashing, [make_listing("b", "공구대여소 b")], NOW + timedelta(hours=1))
    crashing.close()

    after = Catalog(path)
    assert [li.title for li in after.iter_listings()] == ["공구대여소 a"]
    assert after.change_seq() == seq
    assert len(after.runs()) == 1
    after.close()


def test_read_only_catalog_refuses_writes(tmp_path, catalog):
    reader = Catalog(catalog.path, read_only=True)
    with pytest.raises(sqlite3.OperationalError):
        reader.save_source(SOURCE, NOW)
    reader.close()


def test_missing_read_only_catalog_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogError, match="cannot open the catalog"):
        Catalog(tmp_path / "absent.sqlite3", read_only=True)


def test_missing_listing_stays_through_the_grace_period_and_can_return(catalog):
    a, b = make_listing("a", "공구대여소 a"), make_listing("b", "공구대여소 b")
    c = make_listing("c", "공구대여소 c")
    _apply(catalog, [a, b, c], NOW)
    policy = RemovalPolicy(grace_runs=2, grace_hours=72)

    first_miss = _apply(catalog, [a, b], NOW + timedelta(hours=1), policy)
    assert (first_miss.run.missing, first_miss.run.removed) == (1, 0)
    assert catalog.get_listing(c.id) is not None  # still shown: may be a glitch

    back = _apply(catalog, [a, b, c], NOW + timedelta(hours=2), policy)
    assert (back.run.missing, back.run.unchanged) == (0, 3)

    _apply(catalog, [a, b], NOW + timedelta(hours=3), policy)
    two_runs_soon = _apply(catalog, [a, b], NOW + timedelta(hours=4), policy)
    assert two_runs_soon.run.removed == 0  # two runs, but not 72 hours yet
    gone = _apply(catalog, [a, b], NOW + timedelta(hours=76), policy)
    assert gone.removed_ids == [c.id]
    assert catalog.get_listing(c.id) is None


@pytest.mark.parametrize("survivors", [[], ["a"]], ids=["returns-none", "loses-most"])
def test_collapsing_source_is_quarantined_and_nothing_changes(catalog, survivors):
    listings = [make_listing(i, f"공구대여소 {i}") for i in "abcd"]
    _apply(catalog, listings, NOW)
    seq = catalog.change_seq()
    kept = [li for li in listings if li.source_record_id in survivors]
    held = _apply(catalog, kept, NOW + timedelta(hours=1), IMMEDIATE)
    assert held.run.status == "quarantined"
    assert held.run.error.startswith("quarantined:")
    assert held.upserted == []
    assert held.removed_ids == []
    assert catalog.count_listings() == 4
    assert catalog.change_seq() == seq
    assert catalog.fetch_state(SOURCE.id).etag == '"v1"'
    assert catalog.runs(SOURCE.id)[0].status == "quarantined"


def test_record_errors_are_capped_but_counted(catalog):
    errors = [f"line {n}: no title" for n in range(2, 200)]
    run = catalog.apply_run(SOURCE.id, [make_listing("a", "x")], started_at=NOW,
                            finished_at=NOW, invalid=len(errors), record_errors=errors,
                            etag=None, last_modified=None)
    stored = catalog.runs(SOURCE.id)[0]
    assert run.run.invalid == stored.invalid == 198
    assert len(stored.record_errors) == 50


def test_upgrade_from_schema_1_keeps_runs(tmp_path):
    import sqlite3 as sq

    from index.migrations import MIGRATIONS
    path = tmp_path / "old.sqlite3"
    conn = sq.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (1)")
    conn.execute("INSERT INTO sources VALUES ('s', 'S', 'csv', 'u', '{}', 't', 't')")
    conn.execute("INSERT INTO runs (source_id, started_at, finished_at, status, added) "
                 "VALUES ('s', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', "
                 "'ok', 7)")
    conn.commit()
    conn.close()
    upgraded = Catalog(path)
    assert [r.added for r in upgraded.runs("s")] == [7]
    upgraded.close()
