"""The hub site, in process (part 1): home, search and paging."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from hub_site.search_views import SearchPage
from index.tantivy_index import TantivyIndex
from normalizer.schema import Listing
from tests.hub_site.conftest import (
    TOOL_POINT,
    _client,
    card_for,
    soup_of,
)

# --- home --------------------------------------------------------------------------------


def test_home_renders_search_form_and_platforms(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    soup = soup_of(response)
    assert soup.html["lang"] == "ko"
    form = soup.find("form", attrs={"role": "search"})
    assert form["method"] == "get"
    assert form["action"] == "/search"
    query_input = form.find("input", attrs={"name": "q"})
    assert soup.find("label", attrs={"for": query_input["id"]}) is not None
    assert "2개 플랫폼" in soup.get_text()
    tiles = {a.find(class_="tile-label").get_text(): a["href"] for a in soup.select("a.tile")}
    assert tiles["공구"] == "/search?category=item.tools"
    assert {"공구", "회의실", "캠핑용품"} <= set(tiles)
    assert response.template.name == "home.html"  # type: ignore[attr-defined]
    assert response.context["page"].platform_count == 2  # type: ignore[attr-defined]


def test_home_json_twin(client: TestClient) -> None:
    data = client.get("/api/v1/home").json()
    assert data["platform_count"] == 2
    assert data["listing_count"] == 3
    assert {"code": "item.tools", "label": "공구", "count": 1} in data["categories"]


# --- search ------------------------------------------------------------------------------


def test_search_finds_the_tool_point_card(client: TestClient) -> None:
    response = client.get("/search", params={"q": "드릴"})
    assert response.status_code == 200
    soup = soup_of(response)
    card = card_for(soup, "망원동 공구도서관")
    text = card.get_text(" ", strip=True)
    assert "마포구" in text
    assert "공구" in text
    assert "마포구 공유센터" in text
    assert "무료" in text
    assert "마지막 확인: 3시간 전" in text
    assert card.find("time")["datetime"].startswith("2025-05-01T03:00:00")
    assert card.find("a", string="망원동 공구도서관")["href"] == f"/listings/{TOOL_POINT.id}"
    booking = card.find("a", string="예약·신청하기")
    assert booking["href"] == "https://share.mapo.go.kr/book/T-001"
    assert "총 1건" in soup.find("h2", class_="results-total").get_text()
    assert soup.find("input", attrs={"name": "q"})["value"] == "드릴"


def test_search_builds_one_view_model(client: TestClient) -> None:
    response = client.get("/search", params={"q": "드릴"})
    page = response.context["page"]  # type: ignore[attr-defined]
    assert isinstance(page, SearchPage)
    assert page.total == 1
    assert [c.id for c in page.cards] == [TOOL_POINT.id]
    assert response.template.name == "search.html"  # type: ignore[attr-defined]


def test_category_words_find_tools_by_label(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"q": "공구"}))
    assert card_for(soup, "망원동 공구도서관") is not None


def test_filters_narrow_results(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"category": "space.meeting_room"}))
    titles = [a.get_text() for a in soup.select(".card-title a")]
    assert titles == ["역삼1동 주민센터 3층 회의실"]
    box = soup.find("input", attrs={"name": "category", "value": "space.meeting_room"})
    assert box["type"] == "checkbox"
    assert box.has_attr("checked")
    soup = soup_of(client.get("/search", params={"district": "11440"}))
    assert [a.get_text() for a in soup.select(".card-title a")] == ["망원동 공구도서관"]
    chip = soup.select_one(".active-filters a")
    assert chip.get_text(strip=True).startswith("마포구")
    assert chip["href"] == "/search"
    soup = soup_of(client.get("/search", params={"free": "1"}))
    assert [a.get_text() for a in soup.select(".card-title a")] == ["망원동 공구도서관"]


def test_unsafe_booking_url_is_not_a_link(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"q": "회의실"}))
    card = card_for(soup, "역삼1동 주민센터 3층 회의실")
    assert card.find("a", string="예약·신청하기") is None
    assert not soup.select('a[href^="javascript"]')
    assert "시간당 10,000원" in card.get_text()


def test_empty_result_is_friendly(client: TestClient) -> None:
    response = client.get("/search", params={"q": "존재하지않는물건"})
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.select(".card") == []
    assert "찾는 공유 자원이 없습니다" in soup.find(class_="empty").get_text()
    assert "총 0건" in soup.get_text()


def test_paging_links(catalog_path: Path, search_index: TantivyIndex) -> None:
    client = _client(catalog_path, search_index, page_size=1)
    soup = soup_of(client.get("/search"))
    assert len(soup.select(".card")) == 1
    next_link = soup.find("a", attrs={"rel": "next"})
    assert parse_qs(urlsplit(next_link["href"]).query) == {"page": ["2"]}
    assert soup.find("a", attrs={"rel": "prev"}) is None
    soup = soup_of(client.get(next_link["href"]))
    assert soup.find("a", attrs={"rel": "prev"})["href"] == "/search"
    assert "2 / 3 페이지" in soup.find("nav", class_="pager").get_text()
    soup = soup_of(client.get("/search", params={"page": "3"}))
    assert soup.find("a", attrs={"rel": "next"}) is None
    data = client.get("/api/v1/search", params={"page": "2"}).json()
    assert (data["total"], data["page"], data["page_size"], len(data["results"])) == (3, 2, 1, 1)


@pytest.mark.parametrize(
    "query",
    ['"', "(", ")", "AND", "OR NOT", "*", "드릴*", "title:드릴", '"드릴" OR (', "[1 TO 5]",
     "x" * 10_000, "드릴" * 2_000, "🙂🏕️", "\x00", "\u200b", "<script>", "%", "\\", "'; --"],
    ids=["quote", "open-paren", "close-paren", "AND", "OR-NOT", "star", "prefix", "field",
         "mixed", "range", "10k-latin", "4k-hangul", "emoji", "nul", "zero-width", "tag",
         "percent", "backslash", "sql"])
def test_hostile_query_text_is_plain_text(client: TestClient, query: str) -> None:
    response = client.get("/search", params={"q": query})
    assert response.status_code == 200
    soup = soup_of(response)
    assert len(soup.find("input", attrs={"name": "q"})["value"]) <= 200
    assert client.get("/api/v1/search", params={"q": query}).status_code == 200


@pytest.mark.parametrize(
    ("params", "page"),
    [({"page": "abc"}, 1), ({"page": "-5"}, 1), ({"page": "0"}, 1), ({"page": "2.5"}, 1),
     ({"page": "9" * 40}, 500), ({"page": ""}, 1), ({"category": "nope", "page": "1"}, 1),
     ({"district": "'; DROP", "free": "maybe", "kind": "<b>"}, 1)],
    ids=["letters", "negative", "zero", "float", "huge", "empty", "unknown-category",
         "garbage-filters"])
def test_bad_parameters_are_clamped(client: TestClient, params: dict[str, str],
                                    page: int) -> None:
    response = client.get("/search", params=params)
    assert response.status_code == 200
    assert response.context["page"].page == page  # type: ignore[attr-defined]
    api = client.get("/api/v1/search", params=params)
    assert api.status_code == 200
    assert api.json()["page"] == page


# --- JSON API ----------------------------------------------------------------------------


def test_api_search_returns_listing_json(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "드릴"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert {"total", "results"} <= set(data)
    assert data["total"] >= 1
    result = data["results"][0]
    assert set(result) == set(Listing.model_fields)
    assert result["id"] == TOOL_POINT.id
    assert result["location"]["district_code"] == "11440"
    assert Listing.model_validate(result).title == "망원동 공구도서관"


def test_api_listing_returns_listing_json(client: TestClient) -> None:
    response = client.get(f"/api/v1/listings/{TOOL_POINT.id}")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == set(Listing.model_fields)
    assert data["last_seen_at"].startswith("2025-05-01T03:00:00")
    assert data["items"][0] == {"name": "전동드릴", "quantity": 4}


def test_api_unknown_listing_is_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/listings/no-such-listing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) == {"error"}
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert "error" in response.json()
