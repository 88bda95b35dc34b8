"""District pages: /districts grouped by 시도 (Seoul first) and /districts/{code}."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from index.tantivy_index import TantivyIndex
from tests.hub_site.conftest import soup_of
from tests.hub_site.directory_world import (
    BUSAN_TENT,
    DISTRICT,
    LONE_ROOM,
    PORTAL,
    PORTAL_COPY,
    build_world,
    world_client,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, TantivyIndex]]:
    path, index = build_world(tmp_path_factory.mktemp("district-world"))
    yield path, index
    index.close()


@pytest.fixture(scope="module")
def site(world: tuple[Path, TantivyIndex]) -> TestClient:
    return world_client(*world)


def test_districts_are_grouped_by_sido_seoul_first(site: TestClient) -> None:
    soup = soup_of(site.get("/districts"))
    assert soup.find("h1").get_text() == "지역별 공유 자원"
    groups = [(s.find("h2").contents[0].strip(),
               [a.find(class_="tile-label").get_text() for a in s.select("a.tile")])
              for s in soup.select("section.sido")]
    assert groups == [("서울특별시", ["마포구"]), ("부산광역시", ["해운대구"])]
    mapo = soup.select_one("section.sido a.tile")
    assert mapo["href"] == "/districts/11440"
    assert mapo.find(class_="tile-count").get_text() == "2건", "one result per duplicate group"


def test_districts_in_english(site: TestClient) -> None:
    soup = soup_of(site.get("/districts", params={"lang": "en"}))
    labels = [a.get_text(" ", strip=True) for a in soup.select("a.tile")]
    assert labels == ["Mapo-gu 2 listings", "Haeundae-gu 1 listings"]
    assert soup.select_one("a.tile")["href"] == "/districts/11440?lang=en"
    assert [h.contents[0].strip() for h in soup.select("section.sido h2")] == ["Seoul", "Busan"]


def test_districts_json_twin(site: TestClient) -> None:
    data = site.get("/api/v1/districts").json()
    assert data == {"sidos": [
        {"code": "11", "name": "서울특별시", "count": 2,
         "districts": [{"code": "11440", "name": "마포구", "count": 2}]},
        {"code": "26", "name": "부산광역시", "count": 1,
         "districts": [{"code": "26350", "name": "해운대구", "count": 1}]}]}


def test_district_page(site: TestClient) -> None:
    soup = soup_of(site.get("/districts/11440"))
    assert soup.find("h1").get_text(" ", strip=True) == "마포구 서울특별시"
    assert "Mapo-gu" in soup.get_text()
    search = soup.find("a", string="마포구의 공유 자원 모두 검색")
    assert parse_qs(urlsplit(search["href"]).query) == {"district": ["11440"]}
    tiles = {a.find(class_="tile-label").get_text(): a["href"]
             for a in soup.select("section[aria-labelledby=district-categories-heading] a.tile")}
    assert set(tiles) == {"공구", "회의실"}
    assert parse_qs(urlsplit(tiles["공구"]).query) == {"category": ["item.tools"],
                                                     "district": ["11440"]}
    platforms = {a.get_text(): a["href"] for a in soup.select(".platforms a.platform-name")}
    assert platforms == {PORTAL.name: "/platforms/gongyu",
                         DISTRICT.name: "/platforms/mapo-tools"}
    newest = [a.get_text() for a in soup.select(".results .card-title a")]
    assert sorted(newest) == sorted([PORTAL_COPY.title, LONE_ROOM.title])


def test_district_page_in_english(site: TestClient) -> None:
    soup = soup_of(site.get("/districts/26350", params={"lang": "en"}))
    assert soup.find("h1").contents[0].strip() == "Haeundae-gu"
    assert soup.find("p", attrs={"lang": "ko"}).get_text() == "해운대구"
    assert [a.get_text() for a in soup.select(".results .card-title a")] == [BUSAN_TENT.title]


def test_district_json_twin(site: TestClient) -> None:
    data = site.get("/api/v1/districts/11440").json()
    assert (data["code"], data["name_ko"], data["name_en"], data["total"]) == (
        "11440", "마포구", "Mapo-gu", 2)
    assert {c["code"]: c["count"] for c in data["categories"]} == {
        "item.tools": 1, "space.meeting_room": 1}


def test_known_district_without_listings_has_a_page(site: TestClient) -> None:
    soup = soup_of(site.get("/districts/11110"))
    assert soup.find("h1").contents[0].strip() == "종로구"
    assert "총 0건" in soup.get_text()


@pytest.mark.parametrize("code", ["99999", "abc", "114400", "1144"])
def test_unknown_district_is_the_404_page(site: TestClient, code: str) -> None:
    response = site.get(f"/districts/{code}")
    assert response.status_code == 404
    assert "찾는 페이지가 없습니다" in response.text
    assert site.get(f"/api/v1/districts/{code}").status_code == 404
