"""refresh_source end to end against the sample platforms on loopback."""

from __future__ import annotations

import pytest

from crawlers import FetchLimits, make_client
from index import Catalog, SearchQuery, TantivyIndex
from sample_platforms import SamplePlatforms, sample_sources
from sharehub.crawl import crawl_sources, register_sources
from sharehub.pipeline import RefreshDeps, refresh_source
from sharehub.runtime import demo_config
from sharehub.wiring import category_words

LIMITS = FetchLimits(allow_private_networks=True)


@pytest.fixture
def platforms():
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        yield platforms


@pytest.fixture
def world(tmp_path, platforms):
    # The pipeline's behaviour on the feed and the file platforms; every other kind has its
    # own tests, and the end-to-end test crawls them all.
    config = demo_config([s for s in sample_sources(platforms.base_url)
                          if s["id"] in ("modu-spaces", "mapo-tools")])
    with make_client(LIMITS) as client:
        deps = RefreshDeps(Catalog(tmp_path / "catalog.sqlite3"),
                           TantivyIndex(tmp_path / "index", category_words()), client, LIMITS)
        register_sources(config, deps)
        yield config, deps
        deps.catalog.close()


def _source(config, source_id):
    return next(s for s in config.sources if s.id == source_id).to_source()


def test_first_crawl_adds_every_listing(world):
    config, deps = world
    outcomes = crawl_sources(config.sources, deps)
    assert [o.run.status for o in outcomes] == ["ok", "ok"]
    assert sum(o.run.added for o in outcomes) >= 30
    assert deps.catalog.count_listings() == deps.index.search(SearchQuery()).total
    tools = deps.index.search(SearchQuery(text="드릴", limit=50)).hits
    assert tools
    assert all(h.listing.location.district_code == "11440" for h in tools)
    assert all(h.listing.source_id == "mapo-tools" for h in tools)


def test_second_crawl_is_a_304(world):
    config, deps = world
    crawl_sources(config.sources, deps)
    again = crawl_sources(config.sources, deps)
    assert [o.run.status for o in again] == ["unchanged", "unchanged"]


def test_malformed_feed_keeps_the_listings(world, platforms):
    config, deps = world
    crawl_sources(config.sources, deps)
    before = deps.catalog.count_listings()
    platforms.set_body("/company/feed.xml", b"<html><body>503 Service Unavailable",
                       content_type="application/rss+xml")
    outcome = refresh_source(_source(config, "modu-spaces"), deps)
    assert outcome.run.status == "failed"
    assert outcome.run.error.startswith("parse: not an RSS or Atom feed")
    assert deps.catalog.count_listings() == before
    assert deps.catalog.fetch_state("modu-spaces").error_count == 1
    assert deps.index.search(SearchQuery(text="회의실")).total > 0


def test_csv_without_rows_keeps_the_listings(world, platforms):
    config, deps = world
    crawl_sources(config.sources, deps)
    header = "공구대여소,소재지도로명주소,전화번호\n".encode("cp949")
    platforms.set_body("/district/mapo/tools.csv", header, content_type="text/csv")
    outcome = refresh_source(_source(config, "mapo-tools"), deps)
    assert outcome.run.status == "failed"
    assert "no rows" in outcome.run.error
    assert deps.index.search(SearchQuery(text="드릴")).total > 0


def test_unreachable_platform_is_recorded_and_others_go_on(world, platforms):
    config, deps = world
    broken = config.sources[0].model_copy(update={"url": platforms.url("/gone.xml")})
    outcomes = crawl_sources([broken, config.sources[1]], deps)
    assert outcomes[0].run.status == "failed"
    assert "404" in outcomes[0].run.error
    assert outcomes[1].run.status == "ok"


def test_index_behind_the_catalog_is_rebuilt(world):
    config, deps = world
    crawl_sources(config.sources[:1], deps)
    deps.index.set_change_seq(-5)  # as if killed between the catalog commit and the index
    refresh_source(_source(config, "mapo-tools"), deps)
    assert deps.index.change_seq == deps.catalog.change_seq()
    assert deps.index.search(SearchQuery()).total == deps.catalog.count_listings()


def test_a_feed_that_suddenly_lists_nothing_is_quarantined(world, platforms):
    config, deps = world
    crawl_sources(config.sources, deps)
    before = deps.index.search(SearchQuery(source_ids=("modu-spaces",))).total
    platforms.set_body("/company/feed.xml",
                       '<?xml version="1.0"?><rss version="2.0"><channel><title>모두의공간'
                       "</title></channel></rss>", content_type="application/rss+xml")
    outcome = refresh_source(_source(config, "modu-spaces"), deps)
    assert outcome.run.status == "quarantined"
    assert "returned no listings" in outcome.run.error
    assert deps.index.search(SearchQuery(source_ids=("modu-spaces",))).total == before


def test_run_report_records_each_fetch(world):
    config, deps = world
    outcome = refresh_source(_source(config, "mapo-tools"), deps)
    [fetch] = deps.catalog.runs("mapo-tools")[0].fetches
    assert fetch["status"] == 200
    assert fetch["bytes"] > 1000
    assert fetch["ms"] >= 0
    assert outcome.run.fetches == [fetch]
