"""The home page: search box, category tiles with counts, the district picker, the newest
listings, the "open now" shortcut, and how many platforms feed the hub and how fresh."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from tests.hub_site.conftest import soup_of
from tests.hub_site.results_world import (
    LISTING_COUNT,
    CountingIndex,
    World,
    build_world,
    counting_client,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = build_world(tmp_path_factory.mktemp("home"))
    yield built
    built.index.close()


@pytest.fixture(scope="module")
def site(world: World) -> tuple[TestClient, CountingIndex]:
    return counting_client(world)


@pytest.fixture
def client(site: tuple[TestClient, CountingIndex]) -> TestClient:
    return site[0]


def test_category_tiles_link_to_filtered_search_with_counts(client: TestClient) -> None:
    soup = soup_of(client.get("/"))
    tiles = {a.select_one(".tile-label").get_text(): (a["href"], a.select_one(
        ".tile-count").get_text()) for a in soup.select("a.tile")}
    assert tiles == {"공구": ("/search?category=item.tools", "25건"),
                     "회의실": ("/search?category=space.meeting_room", "25건"),
                     "캠핑용품": ("/search?category=item.camping", "25건")}
    total = soup_of(client.get("/search?category=item.tools")).find(class_="results-total")
    assert "총 25건" in total.get_text()


def test_district_picker_submits_to_search(client: TestClient) -> None:
    soup = soup_of(client.get("/"))
    form = soup.find("form", class_="district-picker")
    assert form["method"] == "get"
    assert form["action"] == "/search"
    select = form.find("select", attrs={"name": "district"})
    assert soup.find("label", attrs={"for": select["id"]}) is not None
    options = {o.get_text(): o["value"] for o in select.find_all("option")}
    assert len(options) == 25
    assert options["마포구"] == "11440"
    assert options["중구"] == "11140"
    assert form.find("button", attrs={"type": "submit"}) is not None
    english = soup_of(client.get("/", params={"lang": "en"})).find("form", class_="district-picker")
    assert english.find("option", string="Mapo-gu")["value"] == "11440"
    assert english.find("input", attrs={"type": "hidden", "name": "lang"})["value"] == "en"


def test_newest_listings_and_open_now_shortcut(client: TestClient) -> None:
    soup = soup_of(client.get("/"))
    newest = soup.find("h2", string="새로 올라온 공유 자원").find_parent("section")
    cards = newest.select("article.card")
    assert len(cards) == 6
    assert all(card.select_one(".last-confirmed") for card in cards)
    shortcut = soup.find("a", string="지금 운영 중인 곳 보기")
    assert parse_qs(urlsplit(shortcut["href"]).query) == {"open": ["1"]}
    results = soup_of(client.get(shortcut["href"]))
    assert results.find("input", attrs={"name": "open"}).has_attr("checked")
    assert "총 27건" in results.find(class_="results-total").get_text()


def test_platform_count_and_freshness(client: TestClient) -> None:
    soup = soup_of(client.get("/"))
    assert soup.find(class_="hub-freshness").get_text(strip=True) == (
        "3개 플랫폼, 가장 오래된 확인 8시간 전")
    assert f"공유 자원 {LISTING_COUNT}건" in soup.find(class_="hub-stats").get_text()
    rows = [li.select_one(".platform-name").get_text() for li in soup.select(".platforms li")]
    assert sorted(rows) == ["공유누리", "동네공구협동조합", "서울 공유허브"]
    link = soup.select_one(".platforms a.platform-name[href='/platforms/tool-coop']")
    assert link.get_text() == "동네공구협동조합"
    assert soup.find("a", string="모든 플랫폼 보기")["href"] == "/platforms"
    assert soup.find("a", string="모든 지역 보기")["href"] == "/districts"
    english = soup_of(client.get("/", params={"lang": "en"}))
    assert english.find(class_="hub-freshness").get_text(strip=True) == (
        "3 platforms, oldest confirmation 8 hours ago")


def test_home_is_one_search(site: tuple[TestClient, CountingIndex]) -> None:
    client, index = site
    index.queries.clear()
    assert client.get("/").status_code == 200
    assert len(index.queries) == 1, "tiles and newest listings come from one search"


def test_home_json_twin(client: TestClient) -> None:
    data = client.get("/api/v1/home").json()
    assert data["platform_count"] == 3
    assert data["listing_count"] == LISTING_COUNT
    assert data["oldest_confirmation"] == "8시간 전"
    assert {"code": "item.tools", "label": "공구", "count": 25} in data["categories"]
    assert len(data["districts"]) == 25
    assert len(data["newest"]) == 6
    assert data["open_now_url"] == "/search?open=1"
    assert {"title", "source", "today_hours", "last_confirmed"} <= set(data["newest"][0])
