"""HTML sites crawled by the declarative Scrapy spider in its own process, against the
district site simulator (성동구 공유센터, EUC-KR) on loopback, plus the spider's pure
parts (selectors, decoding, settings, the SSRF middleware, failure mapping) in process."""

from __future__ import annotations

import asyncio
import json
import socket
import time
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse

from crawlers import (
    BlockedAddress,
    FetchContext,
    FetchError,
    FetchLimits,
    FetchTimeout,
    make_client,
)
from crawlers.host_budget import HostBudget
from crawlers.html_spider import (
    EXIT_BAD_JOB,
    EXIT_BLOCKED,
    HtmlSpiderParams,
    SpiderJob,
    fetch_html,
    spider_failure,
)
from crawlers.spider_process import (
    AddressGuardMiddleware,
    BlockedRequest,
    CrawlLog,
    DeclarativeSpider,
    extract_fields,
    first_link,
    spider_settings,
)
from normalizer import ParseError, parse_document
from normalizer.schema import Source
from sample_platforms import SamplePlatforms
from sample_platforms.district_site_platform import (
    LIST_PATH,
    VIEW_PATH,
    district_site_sources,
    seongdong_places,
)
from tests.conftest import NOW

UA = "sharehub/0.1 (+https://github.com/sharehub/sharehub)"
LIMITS = FetchLimits(allow_private_networks=True, user_agent=UA)
EUC_KR_LIST = """<html><head><meta charset="euc-kr"><title>목록</title></head><body>
<ul class="places"><li><a href="/view/1">성동 공구도서관</a><span>무료</span></li>
<li><a href="/view/2">꽃샾 옆 캠핑창고</a><span>1일 1,000원</span></li></ul></body></html>"""


@pytest.fixture(scope="module")
def server() -> Iterator[SamplePlatforms]:
    with SamplePlatforms() as platforms:
        yield platforms


@pytest.fixture
def platforms(server: SamplePlatforms) -> Iterator[SamplePlatforms]:
    server.reset()
    yield server
    server.reset()


def _source(platforms: SamplePlatforms, **params: Any) -> Source:
    definition = district_site_sources(platforms.base_url)[0]
    definition["params"] = {**definition["params"], "download_delay": 0.0, **params}
    return Source(**definition)


def _crawl(source: Source, limits: FetchLimits = LIMITS) -> dict[str, Any]:
    with make_client(limits) as client:  # the child does not use it: it has its own guard
        result = fetch_html(source, FetchContext(client, limits))
    assert result.content_type == "application/json"
    document: dict[str, Any] = json.loads(result.body)
    return document


# --- the district site simulator --------------------------------------------------------

def test_district_site_is_euc_kr_with_ten_places_per_page(platforms: SamplePlatforms) -> None:
    with httpx.Client(base_url=platforms.base_url) as client:
        first = client.get(LIST_PATH)
        last = client.get(LIST_PATH, params={"pageIndex": "3"})
        detail = client.get(VIEW_PATH, params={"shareIdx": "1029"})
        missing = client.get(VIEW_PATH, params={"shareIdx": "9999"})
    assert first.headers["content-type"] == "text/html; charset=euc-kr"
    with pytest.raises(UnicodeDecodeError):
        first.content.decode("utf-8")
    page = first.content.decode("cp949")
    assert 'content="text/html; charset=euc-kr"' in page
    assert page.count('<td class="subject">') == 10
    assert 'class="next"' in page
    assert 'class="next"' not in last.content.decode("cp949")
    assert len(seongdong_places()) >= 20
    assert {p["category"] for p in seongdong_places()} == {"공구", "캠핑용품", "유아용품",
                                                            "행사용품", "회의실"}
    view = detail.content.decode("cp949")
    for label in ("주소", "운영시간", "이용요금", "대여기간", "보유물품", "문의"):
        assert f'<th scope="row">{label}</th>' in view
    assert "꽃샾" in view  # a CP949-only syllable on a page declared EUC-KR
    assert missing.status_code == 404


# --- crawling it in the child process ---------------------------------------------------

def test_spider_reads_every_page_and_follows_every_detail_link(
        platforms: SamplePlatforms) -> None:
    document = _crawl(_source(platforms))
    places = seongdong_places()
    assert document["format"] == "html_items"
    assert (document["list_pages"], document["truncated"], document["errors"]) == (3, False, [])
    items = document["items"]
    assert [i["fields"]["title"] for i in items] == [p["title"] for p in places], \
        "items in site order, titles decoded from EUC-KR"
    assert all(i["detail_url"].endswith(f"shareIdx={p['idx']}") for i, p in zip(items, places,
                                                                             strict=True))
    by_title = {i["fields"]["title"]: i["fields"] for i in items}
    for place in places:
        fields = by_title[place["title"]]
        assert (fields["address"], fields["hours"], fields["lat"]) == (
            place["address"], place["hours"], str(place["lat"])), place["title"]
    assert any("꽃샾" in i["fields"]["description"] for i in items)
    paths = [r.path for r in platforms.requests]
    assert paths[0] == "/robots.txt"
    assert sum(p.startswith(VIEW_PATH) for p in paths) == len(places)
    assert {r.headers["user-agent"] for r in platforms.requests} == {UA}
    result = parse_document(json.dumps(document).encode(), _source(platforms), NOW)
    assert len(result.listings) == len(places)
    assert result.report.invalid == 0
    assert {li.location.district_code for li in result.listings} == {"11200"}


def test_robots_txt_keeps_the_spider_off_detail_pages(platforms: SamplePlatforms) -> None:
    platforms.set_body("/robots.txt", f"User-agent: sharehub\nDisallow: {VIEW_PATH}\n",
                       content_type="text/plain")
    document = _crawl(_source(platforms))
    assert not any(r.path.startswith(VIEW_PATH) for r in platforms.requests)
    assert len(document["items"]) == len(seongdong_places())
    assert all(set(i["fields"]) == {"title", "category_label"} for i in document["items"]), \
        "only what the list page says"
    assert all(e.endswith("Forbidden by robots.txt") for e in document["errors"])
    assert len(document["errors"]) == len(seongdong_places())


def test_robots_txt_forbidding_the_start_page_fails_the_fetch(
        platforms: SamplePlatforms) -> None:
    platforms.set_body("/robots.txt", "User-agent: *\nDisallow: /district/\n",
                       content_type="text/plain")
    with pytest.raises(FetchError, match="start page .*: Forbidden by robots.txt"):
        _crawl(_source(platforms))
    assert [r.path for r in platforms.requests] == ["/robots.txt"]


def test_loopback_is_refused_without_allow_private(platforms: SamplePlatforms) -> None:
    with pytest.raises(BlockedAddress, match="non-public address"):
        _crawl(_source(platforms), FetchLimits(user_agent=UA))
    assert platforms.requests == [], "refused before robots.txt or any page"


def test_a_spider_crash_becomes_a_fetch_error_with_its_message(
        platforms: SamplePlatforms) -> None:
    # The district replaced its list with a PDF: a binary body the spider cannot read.
    stream = zlib.compress("BT /F1 12 Tf (공유장소 목록) Tj ET".encode("utf-16-be"))
    pdf = (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Length " + str(len(stream)).encode()
           + b"/Filter/FlateDecode>>stream\n" + stream + b"\nendstream\nendobj\n%%EOF\n")
    platforms.set_body(LIST_PATH, pdf, content_type="application/pdf")
    with pytest.raises(FetchError, match=r"spider failed \(exit 5\): spider error at .*list\.do"
                                         r": NotSupported: .*not a text page "
                                         r"\(Content-Type application/pdf\)"):
        _crawl(_source(platforms))


def test_a_hanging_site_is_stopped_at_timeout_s() -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/list"
        source = Source(id="hanging", name="응답 없는 구청", kind="html", url=url,
                        params={"item_selector": "css:li", "fields": {"title": "css:a::text"},
                                "timeout_s": 2})
        started = time.monotonic()
        with pytest.raises(FetchTimeout, match="more than 2 s"):
            _crawl(source)
    assert time.monotonic() - started < 6


# --- params are checked before any process starts ---------------------------------------

BASE_PARAMS = {"item_selector": "css:li", "fields": {"title": "css:a::text"}}


@pytest.mark.parametrize(("params", "message"), [
    ({**BASE_PARAMS, "nxt_page": "css:a.next::attr(href)"}, "nxt_page: unknown parameter"),
    ({**BASE_PARAMS, "fields": {"titel": "css:a::text"}}, "fields: unknown field 'titel'"),
    ({**BASE_PARAMS, "item_selector": "table tr"},
     "item_selector: 'table tr' must start with 'css:' or 'xpath:'"),
    ({**BASE_PARAMS, "fields": {"address": "xpath://th[.='주소'"}},
     "fields: .*is not a valid xpath selector"),
    ({**BASE_PARAMS, "next_page": "css:a[href"}, "next_page: .*is not a valid css selector"),
    ({**BASE_PARAMS, "encoding": "euc-kx"}, "encoding: unknown encoding 'euc-kx'"),
    ({**BASE_PARAMS, "max_pages": 0}, "max_pages: Input should be greater than or equal to 1"),
    ({"fields": {"title": "css:a::text"}}, "item_selector: Field required"),
    ({**BASE_PARAMS, "fields": {"address": "css:p::text"}},
     "params: no title selector in fields or list_fields"),
    ({**BASE_PARAMS, "start_url": "file:///etc/passwd"},
     "start_url: 'file:///etc/passwd' is not an http"),
], ids=["unknown-key", "unknown-field", "no-prefix", "bad-xpath", "bad-css", "bad-encoding",
        "max-pages-0", "missing-item-selector", "no-title", "file-start-url"])
def test_bad_params_are_named_in_the_error(params: dict[str, Any], message: str) -> None:
    source = Source(id="bad", name="설정 오류", kind="html", url="http://127.0.0.1:9/",
                    params=params)
    started = time.monotonic()
    with pytest.raises(FetchError, match=f"source bad: bad html params: .*{message}"):
        _crawl(source)
    assert time.monotonic() - started < 0.5, "rejected without starting a spider"


@pytest.mark.parametrize(("returncode", "stderr", "kind", "message"), [
    (-9, b"", FetchError, "spider process killed by SIGKILL: no message on stderr"),
    (EXIT_BLOCKED, b"start page http://10.0.0.1/: 10.0.0.1 resolves to a non-public address\n",
     BlockedAddress, "start page http://10.0.0.1/: 10.0.0.1 resolves"),
    (EXIT_BAD_JOB, b"invalid spider job: params: Field required\n", FetchError,
     "spider rejected its job: invalid spider job"),
    (1, b"Traceback (most recent call last):\n  File \"x\", line 1\nMemoryError\n\n",
     FetchError, r"spider failed \(exit 1\): MemoryError$"),
    (4, "start page: HTTP 503 \ub9c8\ud3ec\n".encode(), FetchError,
     r"spider failed \(exit 4\): start page: HTTP 503 마포$"),
], ids=["killed", "blocked", "bad-job", "crash-traceback", "start-failed"])
def test_a_failed_child_becomes_a_fetch_error_with_its_last_stderr_line(
        returncode: int, stderr: bytes, kind: type[FetchError], message: str) -> None:
    error = spider_failure(returncode, stderr)
    assert type(error) is kind
    assert pytest.raises(kind, _raise, error).match(message)


def _raise(error: Exception) -> None:
    raise error


# --- the spider's parts, in process -----------------------------------------------------

def _job(**params: Any) -> SpiderJob:
    return SpiderJob(source_id="t", start_url="http://127.0.0.1:9/list",
                     params=HtmlSpiderParams.model_validate({**BASE_PARAMS, **params}),
                     user_agent=UA, download_delay_s=0.5, max_body_bytes=1234,
                     download_timeout_s=7.0, max_redirects=5, allow_private_networks=False)


def test_spider_settings_are_polite_and_safe(tmp_path) -> None:
    settings = spider_settings(_job(), tmp_path / "items.jsonl")
    expected = {"ROBOTSTXT_OBEY": True, "ROBOTSTXT_USER_AGENT": "sharehub", "USER_AGENT": UA,
                "DOWNLOAD_DELAY": 0.5, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
                "DOWNLOAD_MAXSIZE": 1234, "DOWNLOAD_TIMEOUT": 7.0, "REDIRECT_MAX_TIMES": 5,
                "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
                "REMOTE_CONTROL_ENABLED": False, "SHAREHUB_ALLOW_PRIVATE_NETWORKS": False}
    assert {key: settings[key] for key in expected} == expected
    assert all(settings["DOWNLOAD_HANDLERS"][s] is None for s in ("file", "data", "ftp", "s3"))
    assert list(settings["DOWNLOADER_MIDDLEWARES"].values()) == [40]


@pytest.mark.parametrize(("params", "budget", "delay"), [
    ({"download_delay": 0.2}, HostBudget(min_delay_s=3.0), 0.2),
    ({}, HostBudget(min_delay_s=3.0), 3.0),
    ({}, None, 1.0),
], ids=["params-win", "host-budget-setting", "default"])
def test_download_delay_comes_from_params_or_settings(
        params: dict[str, Any], budget: HostBudget | None, delay: float) -> None:
    from crawlers.html_spider import _download_delay
    with httpx.Client() as client:
        context = FetchContext(client, LIMITS, budget=budget)
        assert _download_delay(HtmlSpiderParams.model_validate({**BASE_PARAMS, **params}),
                               context) == delay


def _page(body: bytes, content_type: str = "text/html",
          url: str = "http://127.0.0.1:9/list") -> HtmlResponse:
    return HtmlResponse(url=url, body=body, headers={"Content-Type": content_type})


def test_meta_charset_alone_decodes_euc_kr() -> None:
    spider = DeclarativeSpider(_job(), CrawlLog())
    page = spider.page_text(_page(EUC_KR_LIST.encode("cp949")))  # no charset in the header
    titles = [extract_fields(node, {"title": "css:a::text"}, page)["title"]
              for node in page.css("ul.places li")]
    assert titles == ["성동 공구도서관", "꽃샾 옆 캠핑창고"]


def test_the_encoding_param_overrides_a_lying_header() -> None:
    body = EUC_KR_LIST.replace('<meta charset="euc-kr">', "").encode("cp949")
    lying = _page(body, "text/html; charset=utf-8")
    assert "성동" not in DeclarativeSpider(_job(), CrawlLog()).page_text(lying).text
    page = DeclarativeSpider(_job(encoding="cp949"), CrawlLog()).page_text(lying)
    assert "꽃샾 옆 캠핑창고" in page.text


def test_fields_join_matches_and_make_urls_absolute() -> None:
    page = _page("""<div class="card"><h3> 공구 <b>도서관</b> </h3>
        <img src="../img/a.jpg"><img src="b.jpg"><ul><li>드릴</li><li> </li><li>사다리</li></ul>
        <a class="more" href="view?id=7">자세히</a></div>""".encode())
    card = page.css("div.card")[0]
    fields = extract_fields(card, {"title": "css:h3 ::text", "items": "xpath:.//li/text()",
                                   "image_url": "css:img::attr(src)", "fee": "css:em::text"},
                            page)
    assert fields == {"title": "공구\n도서관", "items": "드릴\n사다리",
                      "image_url": "http://127.0.0.1:9/img/a.jpg"}
    assert first_link(card, "css:a.more", page) == "http://127.0.0.1:9/view?id=7"
    assert first_link(card, "css:a.more::attr(href)", page) == "http://127.0.0.1:9/view?id=7"
    assert first_link(card, "css:a.next::attr(href)", page) is None


@pytest.mark.parametrize(("url", "allow_private", "refusal"), [
    ("http://127.0.0.1:9/list", False, BlockedRequest),
    ("http://[::1]:9/list", False, BlockedRequest),
    ("http://127.0.0.1:9/list", True, None),
    ("file:///etc/passwd", True, IgnoreRequest),
], ids=["loopback", "ipv6-loopback", "allowed", "file-scheme"])
def test_address_guard_middleware(url: str, allow_private: bool,
                                  refusal: type[Exception] | None) -> None:
    guard = AddressGuardMiddleware(allow_private)
    if refusal is None:
        assert asyncio.run(guard.process_request(Request(url))) is None
    else:
        with pytest.raises(refusal):
            asyncio.run(guard.process_request(Request(url)))


def test_max_pages_stops_following_next_links_and_says_so() -> None:
    body = b"""<table><tr><td><a href="v?i=1">A</a></td></tr></table>
        <div class="paging"><a class="next" href="list?page=2">next</a></div>"""
    log = CrawlLog()
    spider = DeclarativeSpider(_job(item_selector="css:tr", fields={"title": "css:a::text"},
                                    next_page="css:a.next::attr(href)", max_pages=2), log)
    first = list(spider.parse_list(_page(body), page_number=1))
    assert [type(x).__name__ for x in first] == ["dict", "Request"]
    assert first[1].url == "http://127.0.0.1:9/list?page=2"
    second = list(spider.parse_list(_page(body, url=first[1].url), page_number=2))
    assert [type(x).__name__ for x in second] == ["dict"], "no third page"
    assert (log.list_pages, log.truncated) == (2, True)
    assert second[0]["position"] == [2, 0]


def test_the_html_parser_reads_spider_documents_not_pages() -> None:
    source = Source(id="p", name="구청", kind="html", url="http://127.0.0.1:9/", params={})
    with pytest.raises(ParseError, match="not an html_items document"):
        parse_document(EUC_KR_LIST.encode("cp949"), source, NOW)
    empty = {"format": "html_items", "list_pages": 2, "items": [], "errors": []}
    with pytest.raises(ParseError, match="no items on 2 list page"):
        parse_document(json.dumps(empty).encode(), source, NOW)
