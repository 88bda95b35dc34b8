"""The hub site, in process: a real catalog and tantivy index in a temp dir, no mocks."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

import hub_site
from hub_site import create_app
from hub_site.search_views import SearchPage
from index.catalog import Catalog
from index.tantivy_index import TantivyIndex
from normalizer.schema import (
    Contact,
    Fee,
    Hours,
    InventoryItem,
    Listing,
    Location,
    Provider,
    Quality,
    Source,
    WeeklyHours,
    listing_id,
)

CRAWLED_AT = datetime(2025, 5, 1, 3, 0, tzinfo=UTC)
NOW = CRAWLED_AT + timedelta(hours=3)
CSP = ("default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")

MAPO = Source(id="mapo-share", name="마포구 공유센터", kind="csv",
              url="https://www.mapo.go.kr/share/list.csv", provider_type="public",
              district_code="11440")
GANGNAM = Source(id="gangnam-yeyak", name="강남구 공공시설 예약", kind="rss",
                 url="https://yeyak.gangnam.go.kr/rss", provider_type="public",
                 district_code="11680")


def make_listing(source: Source, record_id: str, **fields: object) -> Listing:
    """A complete Listing: every required key, overridable per test case."""
    values: dict[str, object] = {
        "id": listing_id(source.id, record_id),
        "source_id": source.id,
        "source_record_id": record_id,
        "url": f"https://example.go.kr/{source.id}/{record_id}",
        "title": "제목",
        "description": None,
        "kind": "item",
        "category": "item.general",
        "provider": Provider(name=None, type="unknown"),
        "location": Location(address=None, sido_code=None, district_code=None,
                             district_name=None, lat=None, lon=None),
        "hours": Hours(text=None, weekly=[]),
        "fee": Fee(free=None, text=None, min_krw=None, max_krw=None, deposit_krw=None),
        "loan_period_days": None,
        "capacity": None,
        "items": [],
        "contact": Contact(phones=[], email=None, url=None),
        "booking_url": None,
        "image_url": None,
        "tags": [],
        "source_updated_at": None,
        "first_seen_at": None,
        "last_seen_at": None,
        "also_listed_on": [],
        "quality": Quality(score=80, issues=[]),
    }
    values.update(fields)
    return Listing.model_validate(values)


TOOL_POINT = make_listing(
    MAPO, "T-001",
    title="망원동 공구도서관",
    description="전동드릴, 망치, 사다리를 주민에게 무료로 빌려 드립니다.\n신분증을 지참하세요.",
    category="item.tools",
    provider=Provider(name="마포구청", type="public"),
    location=Location(address="서울특별시 마포구 월드컵로 212", sido_code="11",
                      district_code="11440", district_name="마포구", lat=37.5563, lon=126.9019),
    hours=Hours(text="평일 09:00~18:00 (점심시간 12:00~13:00 제외)",
                weekly=[WeeklyHours(days=["mon", "tue", "wed", "thu", "fri"],
                                    opens="09:00", closes="18:00")]),
    fee=Fee(free=True, text=None, min_krw=None, max_krw=None, deposit_krw=10000),
    loan_period_days=3,
    items=[InventoryItem(name="전동드릴", quantity=4), InventoryItem(name="망치", quantity=6),
           InventoryItem(name="사다리", quantity=None)],
    contact=Contact(phones=["02-3153-8888"], email="share@mapo.go.kr",
                    url="https://www.mapo.go.kr/share"),
    booking_url="https://share.mapo.go.kr/book/T-001",
    tags=["공구", "DIY"],
    source_updated_at=datetime(2025, 4, 20, 9, 0, tzinfo=UTC),
    also_listed_on=["gangnam-yeyak"],
    quality=Quality(score=92, issues=["image missing"]),
)
MEETING_ROOM = make_listing(
    GANGNAM, "R-17",
    title="역삼1동 주민센터 3층 회의실",
    description="최대 20명, 빔프로젝터 구비",
    kind="space",
    category="space.meeting_room",
    provider=Provider(name="역삼1동 주민센터", type="public"),
    location=Location(address="서울특별시 강남구 역삼로 7길 16", sido_code="11",
                      district_code="11680", district_name="강남구", lat=None, lon=None),
    fee=Fee(free=False, text="시간당 10,000원", min_krw=10000, max_krw=20000, deposit_krw=None),
    capacity=20,
    booking_url="javascript:alert('booking')",
)
HOSTILE = make_listing(
    GANGNAM, "X-1",
    title="<script>alert(1)</script> 캠핑 텐트",
    description='<img src=x onerror="alert(2)"> 텐트 대여',
    category="item.camping",
    url="javascript:alert(3)",
    image_url="http://insecure.example.com/tent.jpg",
    contact=Contact(phones=["<b>call</b>"], email=None, url="data:text/html,boom"),
)


@pytest.fixture(scope="module")
def catalog_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hub") / "catalog.sqlite"
    catalog = Catalog(path)
    for source in (MAPO, GANGNAM):
        catalog.save_source(source, CRAWLED_AT)
    for source, listings in ((MAPO, [TOOL_POINT]), (GANGNAM, [MEETING_ROOM, HOSTILE])):
        catalog.apply_run(source.id, listings, started_at=CRAWLED_AT - timedelta(minutes=1),
                          finished_at=CRAWLED_AT, invalid=0, record_errors=[], etag=None,
                          last_modified=None)
    catalog.close()
    return path


@pytest.fixture(scope="module")
def search_index(catalog_path: Path) -> Iterator[TantivyIndex]:
    catalog = Catalog(catalog_path, read_only=True)
    index = TantivyIndex(catalog_path.parent / "index", {"item.tools": "공구 도구 tool tools"})
    index.rebuild(catalog.iter_listings(), catalog.change_seq())
    catalog.close()
    yield index
    index.close()


def _client(catalog_path: Path, index: TantivyIndex, page_size: int = 20) -> TestClient:
    app = create_app(catalog=Catalog(catalog_path, read_only=True), index=index,
                     page_size=page_size, clock=lambda: NOW)
    return TestClient(app)


@pytest.fixture(scope="module")
def client(catalog_path: Path, search_index: TantivyIndex) -> TestClient:
    return _client(catalog_path, search_index)


def soup_of(response: object) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")  # type: ignore[attr-defined]


def card_for(soup: BeautifulSoup, title: str):
    link = soup.find("a", string=title)
    assert link is not None, f"no card titled {title!r}"
    return link.find_parent("article")


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
    assert soup.find("option", attrs={"value": "space.meeting_room"}).has_attr("selected")
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


# --- listing page ------------------------------------------------------------------------


def test_listing_page_shows_every_field(client: TestClient) -> None:
    response = client.get(f"/listings/{TOOL_POINT.id}")
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("h1").get_text() == "망원동 공구도서관"
    text = soup.get_text(" ", strip=True)
    for expected in ("서울특별시 마포구 월드컵로 212", "평일 09:00~18:00", "무료", "10,000원",
                     "3일", "마포구청", "공공", "마포구 공유센터", "강남구 공공시설 예약",
                     "share@mapo.go.kr", "92 / 100", "image missing", "DIY",
                     "2025-05-01 12:00", "마지막 확인: 3시간 전"):
        assert expected in text, expected
    assert soup.select_one("dd.address").get_text(" ", strip=True).startswith(
        "서울특별시 마포구 월드컵로 212")
    hours_row = soup.select_one("table.hours tbody tr")
    assert [c.get_text() for c in hours_row.find_all(["th", "td"])] == [
        "월, 화, 수, 목, 금", "09:00", "18:00"]
    items = [[c.get_text() for c in row.find_all("td")]
             for row in soup.select("table.items tbody tr")]
    assert items == [["전동드릴", "4"], ["망치", "6"], ["사다리", "–"]]
    assert soup.find("a", string="02-3153-8888")["href"] == "tel:0231538888"
    assert soup.find("a", string="원문 보기")["href"].startswith("https://example.go.kr/")
    assert soup.find("a", string="지도에서 보기")["href"].startswith(
        "https://www.openstreetmap.org/")


def test_listing_page_with_capacity(client: TestClient) -> None:
    text = soup_of(client.get(f"/listings/{MEETING_ROOM.id}")).get_text(" ", strip=True)
    assert "20명" in text
    assert "10,000원 ~ 20,000원" in text


def test_unknown_listing_is_a_404_page(client: TestClient) -> None:
    response = client.get("/listings/no-such-listing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    soup = soup_of(response)
    assert "찾는 페이지가 없습니다" in soup.get_text()
    assert response.template.name == "error.html"  # type: ignore[attr-defined]
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/listings/" + "x" * 5000).status_code == 404


def test_error_page_in_english(client: TestClient) -> None:
    soup = soup_of(client.get("/listings/nope", params={"lang": "en"}))
    assert soup.html["lang"] == "en"
    assert "This page does not exist" in soup.get_text()


def test_site_is_read_only(client: TestClient) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.request(method, "/search")
        assert response.status_code == 405, method
        assert "읽기 전용" in response.text
    assert client.head("/").status_code == 200
    assert client.head(f"/listings/{TOOL_POINT.id}").status_code == 200


# --- untrusted text ----------------------------------------------------------------------


def test_crawled_markup_is_escaped(client: TestClient) -> None:
    for url in ("/search?q=텐트", f"/listings/{HOSTILE.id}", "/search?q=<script>alert(1)</script>"):
        response = client.get(url)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.text
        assert "<img src=x" not in response.text
        soup = soup_of(response)
        assert soup.find_all("script") == []
        assert soup.find_all("img") == []  # the only image is plain http: not loaded
        assert not soup.select('a[href^="javascript"], a[href^="data"]')
    soup = soup_of(client.get(f"/listings/{HOSTILE.id}"))
    assert soup.find("h1").get_text() == "<script>alert(1)</script> 캠핑 텐트"
    assert soup.find("a", string="원문 보기") is None
    assert soup.find("a", string="<b>call</b>") is None
    assert "<b>call</b>" in soup.get_text()


def test_no_inline_styles_or_scripts(client: TestClient) -> None:
    for url in ("/", "/search?q=드릴", f"/listings/{TOOL_POINT.id}", "/nope"):
        soup = soup_of(client.get(url))
        assert soup.find_all(["style", "script"]) == []
        assert soup.find_all(style=True) == []
        assert soup.find("link", rel="stylesheet")["href"] == "/static/site.css"


@pytest.mark.parametrize(
    "url", ["/", "/search?q=드릴", f"/listings/{TOOL_POINT.id}", "/listings/nope",
            "/api/v1/search?q=드릴", "/api/v1/listings/nope", "/static/site.css"])
def test_security_headers_on_every_response(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert len(response.headers.get_list("content-security-policy")) == 1


def test_stylesheet_is_served(client: TestClient) -> None:
    response = client.get("/static/site.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")


# --- languages ---------------------------------------------------------------------------


def test_english_labels(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"q": "드릴", "lang": "en"}))
    assert soup.html["lang"] == "en"
    card = card_for(soup, "망원동 공구도서관")
    text = card.get_text(" ", strip=True)
    assert "Tools" in text
    assert "Free" in text
    assert "last confirmed 3 hours ago" in text
    assert "Source: 마포구 공유센터" in text
    assert "1 results" in soup.get_text() or "1 result" in soup.get_text()
    # Links keep the language; the form carries it too.
    assert card.find("a", string="망원동 공구도서관")["href"] == (
        f"/listings/{TOOL_POINT.id}?lang=en")
    assert soup.find("input", attrs={"name": "lang"})["value"] == "en"


def test_language_switch_keeps_the_query(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"q": "드릴", "category": "item.tools"}))
    switch = soup.find("a", class_="lang-switch")["href"]
    assert urlsplit(switch).path == "/search"
    assert parse_qs(urlsplit(switch).query) == {"q": ["드릴"], "category": ["item.tools"],
                                                "lang": ["en"]}
    soup = soup_of(client.get(switch))
    back = soup.find("a", class_="lang-switch")["href"]
    assert parse_qs(urlsplit(back).query) == {"q": ["드릴"], "category": ["item.tools"]}


def test_language_switch_never_leaves_the_site(client: TestClient) -> None:
    soup = soup_of(client.get("http://testserver//evil.example/x"))
    assert soup.find("a", class_="lang-switch")["href"].startswith("/evil.example")


# --- structure ---------------------------------------------------------------------------


def test_public_surface() -> None:
    assert hub_site.__all__ == sorted(hub_site.__all__) == ["create_app"]


def test_hub_site_imports_only_index_and_schema() -> None:
    allowed_local = {"hub_site", "index", "normalizer.schema", "normalizer.taxonomy"}
    forbidden_roots = {"crawlers", "sharehub", "normalizer", "sample_platforms"}
    package = Path(hub_site.__file__).parent
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.split(".")[0] in forbidden_roots | {"hub_site", "index"}:
                    assert any(name == a or name.startswith(a + ".") for a in allowed_local), (
                        f"{module.name} imports {name}")
