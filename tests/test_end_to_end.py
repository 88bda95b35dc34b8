"""From platforms to a citizen's search: start the sample platforms, crawl them, and query
the hub site in process, as `make demo` does."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from hub_site import create_app
from index import Catalog
from sample_platforms import PLATFORMS, SamplePlatforms, sample_sources
from sharehub.crawl import crawl_sources, register_sources
from sharehub.runtime import demo_config, open_deps
from sharehub.settings import Settings


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    # The sample platforms share one loopback host here; pacing them would only slow
    # the test (politeness has its own tests in test_host_budget.py).
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), crawl_host_min_delay_s=0)
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        config = demo_config(sample_sources(platforms.base_url))
        with open_deps(settings, config, platforms.secrets()) as deps:
            register_sources(config, deps)
            outcomes = crawl_sources(config.sources, deps)
            app = create_app(catalog=Catalog(settings.catalog_path, read_only=True),
                             index=deps.index)
            with TestClient(app) as client:
                yield client, outcomes


def test_every_platform_crawled(hub):
    _, outcomes = hub
    assert len(outcomes) >= len(PLATFORMS)
    assert {o.source_id: (o.run.status, o.run.error) for o in outcomes} == {
        o.source_id: ("ok", None) for o in outcomes}
    assert all(o.run.added > 0 for o in outcomes)


def test_searching_drill_lists_the_tool_points_with_district_and_platform(hub):
    client, _ = hub
    page = client.get("/search", params={"q": "드릴"})
    assert page.status_code == 200
    cards = [card.get_text(" ", strip=True)
             for card in BeautifulSoup(page.text, "html.parser").select("article")]
    mapo = [text for text in cards if "마포구 공구대여소" in text]
    assert len(mapo) >= 5
    assert all("마포구" in text and "마지막 확인" in text for text in mapo)


def test_api_search_returns_listings_as_json(hub):
    client, _ = hub
    body = client.get("/api/v1/search", params={"q": "드릴"}).json()
    mapo = [r for r in body["results"] if r["source_id"] == "mapo-tools"]
    assert len(mapo) >= 5
    for listing in mapo:
        assert listing["location"]["district_code"] == "11440"
        assert listing["category"] == "item.tools"


@pytest.mark.parametrize(("query", "source"), [("회의실", "modu-spaces"),
                                               ("텐트", "mapo-tools"),
                                               ("공유주방", "modu-spaces")])
def test_korean_words_inside_longer_words(hub, query, source):
    client, _ = hub
    body = client.get("/api/v1/search", params={"q": query}).json()
    assert body["total"] >= 1
    assert any(r["source_id"] == source for r in body["results"])


def test_hostile_feed_item_is_sanitized_on_the_page(hub):
    client, _ = hub
    body = client.get("/api/v1/search", params={"q": "파티룸"}).json()
    hostile = body["results"][0]
    assert "<script" not in hostile["description"]
    assert "onclick" not in hostile["description"]
    page = client.get(f"/listings/{hostile['id']}")
    assert page.status_code == 200
    scripts = BeautifulSoup(page.text, "html.parser").find_all("script")
    # The one script element is the page's JSON-LD: data, never run, with "<" escaped.
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert "<" not in scripts[0].string


def test_sources_sharing_a_host_are_spread_apart():
    """A crawl takes one source of every host before a host's second one, so no worker
    waits out a host's politeness delay while other hosts are ready."""
    from sharehub.crawl import spread_by_host
    from sharehub.schedules import SourceSchedule

    def source(source_id: str, url: str) -> SourceSchedule:
        return SourceSchedule(id=source_id, name=source_id, kind="rss", url=url)

    sources = [source("a1", "https://a.example/1"), source("a2", "https://A.example/2"),
               source("a3", "https://a.example:8443/3"), source("b1", "https://b.example/"),
               source("c1", "http://127.0.0.1:8101/x"), source("c2", "http://127.0.0.1:9/y"),
               source("d1", "upload.csv")]
    assert [s.id for s in spread_by_host(sources)] == ["a1", "b1", "c1", "d1", "a2", "c2",
                                                       "a3"]
