"""The hub site, in process (part 2): JSON twins, listing pages, errors, security and language."""

from __future__ import annotations

import ast
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

import hub_site
from tests.hub_site.conftest import (
    CSP,
    HOSTILE,
    MEETING_ROOM,
    TOOL_POINT,
    card_for,
    soup_of,
)

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
    hours_row = soup.select_one("table.hours tbody tr")  # seven rows: test_listing_page.py
    assert [c.get_text() for c in hours_row.find_all(["th", "td"])] == ["월", "09:00–18:00"]
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
        # Only the site's own script files and JSON-LD (a data block, never run) are
        # allowed: crawled text never becomes a script element.
        assert [s for s in soup.find_all("script") if not s.get("src")
                and s.get("type") != "application/ld+json"] == []
        assert all(s["src"].startswith("/static/") for s in soup.find_all("script", src=True))
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
        assert soup.find_all("style") == []
        # Script files from /static are fine (the CSP allows 'self'); inline code is not,
        # except JSON-LD, a data block the browser never runs.
        assert [s for s in soup.find_all("script") if not s.get("src")
                and s.get("type") != "application/ld+json"] == []
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
    # Pure lookups only: district names and points, and today's hours for the cards.
    allowed_local = {"hub_site", "index", "normalizer.schema", "normalizer.taxonomy",
                     "normalizer.gazetteer", "normalizer.open_now"}
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
