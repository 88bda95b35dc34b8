"""schema.org pages: the company site simulator (빌려쓰는 캠핑), the fetcher that follows its
index over loopback, and the JSON-LD / microdata reading (the golden fixtures in
tests/fixtures/schema_org/ cover whole pages; the edge cases are here)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from crawlers import (
    BlockedAddress,
    FetchContext,
    FetchError,
    FetchLimits,
    RobotsCache,
    make_client,
)
from crawlers.schema_org_pages import fetch_schema_org_pages
from normalizer import ParseError, parse_document
from normalizer.schema import Source
from normalizer.schema_org import opening_hours_text, parse_schema_org
from normalizer.structured_data import page_nodes
from sample_platforms import SamplePlatforms
from sample_platforms.company_site_platform import INDEX_PATH, company_site_sources
from tests.conftest import NOW
from tests.loopback import LoopbackServer

LIMITS = FetchLimits(allow_private_networks=True)
PAGE = Source(id="one-page", name="빌려쓰는 캠핑", kind="schema_org",
              url="https://www.borrow-camp.example/page.html", provider_type="company")


@pytest.fixture(scope="module")
def server() -> Iterator[SamplePlatforms]:
    with SamplePlatforms() as platforms:
        yield platforms


@pytest.fixture
def platforms(server: SamplePlatforms) -> Iterator[SamplePlatforms]:
    server.reset()
    yield server
    server.reset()


def _source(platforms: SamplePlatforms, **changes: Any) -> Source:
    return Source(**{**company_site_sources(platforms.base_url)[0], **changes})


def _fetch(source: Source, limits: FetchLimits = LIMITS, **context: Any) -> dict[str, Any]:
    with make_client(limits) as client:  # the client's transport is the SSRF guard
        result = fetch_schema_org_pages(source, FetchContext(client, limits, **context))
    document: dict[str, Any] = json.loads(result.body)
    return document


# --- the company site ------------------------------------------------------------------

def test_company_site_links_15_pages_or_more_with_schema_org_data(
        platforms: SamplePlatforms) -> None:
    document = _fetch(_source(platforms))
    assert document["format"] == "schema_org_pages"
    assert document["errors"] == []
    index, *linked = document["pages"]
    assert index["url"] == platforms.url(INDEX_PATH)
    assert len(linked) >= 15
    assert all(page["url"].startswith(platforms.url("/company/camping/")) for page in linked)
    kinds = {"json-ld": 0, "microdata only": 0}
    for page in linked:
        has_json_ld = "application/ld+json" in page["html"]
        assert has_json_ld or "itemscope" in page["html"], page["url"]
        kinds["json-ld" if has_json_ld else "microdata only"] += 1
    assert kinds["microdata only"] >= 2


def test_every_kind_of_listing_comes_out_of_the_company_site(
        platforms: SamplePlatforms) -> None:
    source = _source(platforms)
    with make_client(LIMITS) as client:
        fetched = fetch_schema_org_pages(source, FetchContext(client, LIMITS))
    result = parse_document(fetched.body, source, NOW)
    ids = [li.source_record_id for li in result.listings]
    assert len(ids) == len(set(ids)) == 18
    assert {i.split("#")[-1] for i in ids if "#" in i} == {"store", "product", "event",
                                                           "service", "place"}
    assert result.report.invalid == 2, result.report.errors  # the two broken JSON-LD blocks
    assert any("trailing comma" in e for e in result.report.errors)
    assert any("HTML-escaped" in e for e in result.report.errors)
    by_title = {li.title: li for li in result.listings}
    assert by_title["빌려쓰는 캠핑 잠실점"].location.district_code == "11710", \
        "the store whose JSON-LD is broken still comes from its microdata"
    assert by_title["아이스박스 무료 대여"].fee.free is True
    assert by_title["캠핑의자·테이블 세트 대여"].fee.min_krw == 5000
    assert by_title["캠핑의자·테이블 세트 대여"].fee.max_krw == 9000
    assert [w.days for w in by_title["빌려쓰는 캠핑 망원한강점"].hours.weekly] == [
        ["tue", "wed", "thu", "fri", "sat", "sun"]]


def test_robots_txt_and_failing_pages_are_reported_not_fatal(
        platforms: SamplePlatforms) -> None:
    platforms.set_body("/robots.txt", "User-agent: sharehub\nDisallow: /company/camping/gear/\n",
                       content_type="text/plain")
    platforms.set_body("/company/camping/events/picnic-day.html", "없는 페이지",
                       content_type="text/html; charset=utf-8", status=404)
    document = _fetch(_source(platforms), robots=RobotsCache())
    errors = document["errors"]
    assert sum("/gear/" in e and "robots.txt" in e for e in errors) == 8
    assert any("picnic-day.html: HTTP 404" in e for e in errors)
    assert not any("/gear/" in r.path for r in platforms.requests)
    assert len(document["pages"]) == 19 - 8 - 1


def test_loopback_is_refused_without_allow_private(platforms: SamplePlatforms) -> None:
    with pytest.raises(BlockedAddress):
        _fetch(_source(platforms), FetchLimits())
    assert platforms.requests == []


def test_one_page_without_follow_links_is_a_conditional_get(
        platforms: SamplePlatforms) -> None:
    source = _source(platforms, url=platforms.url("/company/camping/stores/seongsu.html"),
                     params={})
    document = _fetch(source)
    assert [p["url"] for p in document["pages"]] == [source.url]
    etag = next(r for r in platforms.requests if r.path.endswith("seongsu.html"))
    with make_client(LIMITS) as client:
        first = client.get(source.url)
        again = fetch_schema_org_pages(source, FetchContext(client, LIMITS,
                                                            etag=first.headers["etag"]))
    assert etag.status == 200
    assert again.not_modified


def test_links_to_other_hosts_and_schemes_are_left_alone() -> None:
    index = (b'<a class="place" href="/a.html">a</a><a class="place" href="/a.html#top">a</a>'
             b'<a class="place" href="http://elsewhere.example/b.html">b</a>'
             b'<a class="place" href="mailto:help@example.org">c</a>')
    page = b'<script type="application/ld+json">{"@type": "Place", "name": "A"}</script>'
    routes = {"/index.html": lambda h: (200, {"Content-Type": "text/html"}, index),
              "/a.html": lambda h: (200, {"Content-Type": "text/html"}, page)}
    with LoopbackServer(routes) as site:
        source = Source(id="links", name="링크", kind="schema_org", url=site.url("/index.html"),
                        params={"follow_links": "css:a.place::attr(href)"})
        document = _fetch(source)
        assert [p["url"] for p in document["pages"]] == [site.url("/index.html"),
                                                        site.url("/a.html")]


@pytest.mark.parametrize(("params", "message"), [
    ({"follow_link": "css:a::attr(href)"}, "follow_link: unknown parameter"),
    ({"follow_links": "a.place"}, "follow_links: 'a.place' must start with 'css:' or 'xpath:'"),
    ({"max_pages": 0}, "max_pages: Input should be greater than or equal to 1"),
], ids=["unknown-key", "no-prefix", "max-pages-0"])
def test_bad_params_are_named(params: dict[str, Any], message: str) -> None:
    source = Source(id="bad", name="설정 오류", kind="schema_org", url="http://127.0.0.1:9/",
                    params=params)
    with pytest.raises(FetchError, match=f"source bad: bad schema_org params: {message}"):
        _fetch(source)


# --- reading JSON-LD and microdata ------------------------------------------------------

@pytest.mark.parametrize(("specifications", "strings", "text"), [
    ([{"dayOfWeek": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
       "opens": "09:00:00", "closes": "18:00"}], [], "월~금 09:00~18:00"),
    ([{"dayOfWeek": "https://schema.org/Saturday", "opens": "10:00", "closes": "14:00"},
      {"dayOfWeek": "http://schema.org/Sunday", "opens": "10:00", "closes": "14:00"}], [],
     "토·일 10:00~14:00"),
    ([{"dayOfWeek": "Friday", "opens": "18:00", "closes": "00:00"}], [], "금 18:00~24:00"),
    ([{"dayOfWeek": "Monday", "opens": "00:00", "closes": "00:00"}], [], None),
    ([], ["Mo-Fr 09:00-18:00", "Sa 10:00-14:00"], "월~금 09:00~18:00, 토 10:00~14:00"),
    ([], ["Mo,We,Fr 10:00-16:00"], "월·수·금 10:00~16:00"),
    ([], ["Fr-Mo 11:00-23:00"], "월·금·토·일 11:00~23:00"),
    ([], ["Mo-Su 00:00-24:00"], "월~일 00:00~24:00"),
    ([], ["by appointment", "Xx-Yy 10:00-12:00"], None),
], ids=["weekdays", "url-day-names", "closes-at-midnight", "closed-all-day", "strings",
        "day-list", "wrapping-range", "around-the-clock", "unreadable"])
def test_opening_hours_become_korean_text_the_hours_parser_reads(
        specifications: list[Any], strings: list[Any], text: str | None) -> None:
    assert opening_hours_text(specifications, strings) == text


def test_microdata_values_follow_the_html_rules() -> None:
    html = """<div itemscope itemtype="https://schema.org/LocalBusiness" itemid="#shop">
      <h2 itemprop="name alternateName">공유 창고</h2>
      <meta itemprop="telephone" content="02-123-4567">
      <a itemprop="url" href="/shop">가게</a><img itemprop="image" src="img/a.jpg">
      <time itemprop="openingHours" datetime="Mo-Fr 09:00-18:00">평일</time>
      <time itemprop="openingHours" datetime="Sa 10:00-13:00">토요일</time>
      <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
        <span itemprop="streetAddress">성수이로 78</span></div></div>"""
    nodes, errors = page_nodes(html, "https://shop.example/dir/page.html")
    assert errors == []
    assert nodes == [{"@type": ["LocalBusiness"], "@id": "#shop", "name": "공유 창고",
                      "alternateName": "공유 창고", "telephone": "02-123-4567",
                      "url": "https://shop.example/shop",
                      "image": "https://shop.example/dir/img/a.jpg",
                      "openingHours": ["Mo-Fr 09:00-18:00", "Sa 10:00-13:00"],
                      "address": {"@type": ["PostalAddress"], "streetAddress": "성수이로 78"}}]


def test_a_page_without_schema_org_listings_is_a_parse_error() -> None:
    page = b'<html><head><script type="application/ld+json">{"@type": "WebSite"}</script>'
    with pytest.raises(ParseError, match="no schema.org Place, LocalBusiness"):
        parse_schema_org(page, PAGE, NOW)
    with pytest.raises(ParseError, match="not schema_org_pages"):
        parse_schema_org(b'{"format": "html_items", "items": []}', PAGE, NOW)


def test_a_euc_kr_page_with_a_meta_charset_is_read_right() -> None:
    page = ('<html><head><meta charset="euc-kr"><script type="application/ld+json">'
            '{"@type": "Place", "name": "성동 공유센터", "address": "서울 성동구 고산자로 270"}'
            "</script></head></html>").encode("cp949")
    result = parse_schema_org(page, PAGE, NOW)
    assert [(li.title, li.location.district_code) for li in result.listings] == [
        ("성동 공유센터", "11200")]


def test_json_ld_events_point_at_their_venue_which_is_not_a_listing() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Place", "@id": "#hall", "name": "성수 공유홀",
         "address": "서울특별시 성동구 성수이로 78", "telephone": "02-465-7801"},
        {"@type": "Event", "@id": "#talk", "name": "공유경제 토크", "location": {"@id": "#hall"},
         "offers": {"@type": "Offer", "price": "0", "priceCurrency": "KRW"}}]}
    page = f'<script type="application/ld+json">{json.dumps(graph)}</script>'.encode()
    (listing,) = parse_schema_org(page, PAGE, NOW).listings
    assert (listing.title, listing.location.address, listing.contact.phones, listing.fee.free) \
        == ("공유경제 토크", "서울특별시 성동구 성수이로 78", ["02-465-7801"], True)
