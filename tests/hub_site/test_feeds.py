"""The Atom feed of a search, the OpenSearch description and the <head> links to both."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import defusedxml.ElementTree as SafeET
import feedparser
import pytest
from starlette.testclient import TestClient

from tests.hub_site.conftest import HOSTILE, MEETING_ROOM, TOOL_POINT, soup_of

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def _feed(client: TestClient, **params: str) -> feedparser.FeedParserDict:
    response = client.get("/feeds/search.atom", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, f"feed is not well-formed Atom: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10"
    return parsed


def test_feed_of_a_search_is_valid_atom_with_full_entries(client: TestClient) -> None:
    feed = _feed(client, q="드릴")
    assert feed.feed.title == "공유허브 새 공유 자원: 드릴"
    assert feed.feed.updated, "a feed must say when it was updated"
    assert feed.feed.author == "공유허브"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == "http://testserver/feeds/search.atom?q=%EB%93%9C%EB%A6%B4"
    assert links["alternate"] == "http://testserver/search?q=%EB%93%9C%EB%A6%B4"
    [entry] = feed.entries
    assert entry.id == f"tag:sharehub.github.io,2026:listing/{TOOL_POINT.id}"
    assert entry.title == "망원동 공구도서관"
    assert entry.link == f"http://testserver/listings/{TOOL_POINT.id}"
    # updated = the later of "changed at the source" and "first seen by the hub"
    assert entry.updated == "2025-05-01T03:00:00Z"
    assert entry.published == "2025-05-01T03:00:00Z"
    assert entry.summary.startswith("공구 · 마포구 · 무료 · 출처: 마포구 공유센터\n")
    assert "전동드릴, 망치, 사다리" in entry.summary
    assert [tag.term for tag in entry.tags] == ["item.tools"]
    assert entry.tags[0].label == "공구"


def test_feed_of_everything_lists_every_listing(client: TestClient) -> None:
    feed = _feed(client)
    assert feed.feed.title == "공유허브 새 공유 자원"
    ids = {entry.id.rsplit("/", 1)[-1] for entry in feed.entries}
    assert ids == {TOOL_POINT.id, MEETING_ROOM.id, HOSTILE.id}


def test_feed_follows_the_search_filters_and_language(client: TestClient) -> None:
    feed = _feed(client, category="space.meeting_room", lang="en")
    assert [entry.title for entry in feed.entries] == ["역삼1동 주민센터 3층 회의실"]
    assert feed.feed.title == "ShareHub: new listings for Meeting rooms"
    assert feed.entries[0].link.endswith("?lang=en")
    assert feed.entries[0].summary.startswith("Meeting rooms · 강남구 · 시간당 10,000원")
    free = _feed(client, free="1")
    assert [entry.title for entry in free.entries] == ["망원동 공구도서관"]


def test_feed_follows_repeated_facets(client: TestClient) -> None:
    response = client.get("/feeds/search.atom?category=item.tools&category=space.meeting_room")
    feed = feedparser.parse(response.content)
    assert {entry.title for entry in feed.entries} == {"망원동 공구도서관",
                                                       "역삼1동 주민센터 3층 회의실"}
    assert feed.feed.title == "공유허브 새 공유 자원: 공구, 회의실"
    district = feedparser.parse(client.get("/feeds/search.atom?district=11680").content)
    assert [entry.title for entry in district.entries] == ["역삼1동 주민센터 3층 회의실"]


def test_feed_escapes_crawled_markup(client: TestClient) -> None:
    response = client.get("/feeds/search.atom", params={"q": "텐트"})
    assert b"<script>" not in response.content
    assert b"<img" not in response.content
    [entry] = _feed(client, q="텐트").entries
    # The text survives as text: a reader shows the angle brackets, never runs them.
    assert entry.title == "<script>alert(1)</script> 캠핑 텐트"
    assert entry.title_detail.type == "text/plain"
    assert entry.summary_detail.type == "text/plain"


def test_feed_of_nothing_is_still_valid(client: TestClient) -> None:
    feed = _feed(client, q="존재하지않는검색어")
    assert feed.entries == []
    assert feed.feed.updated == "2025-05-01T06:00:00Z"  # the hub's clock


# --- OpenSearch --------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "short_name", "html_template"), [
    ("ko", "공유허브", "http://testserver/search?q={searchTerms}"),
    ("en", "ShareHub", "http://testserver/search?lang=en&q={searchTerms}"),
], ids=["korean", "english"])
def test_opensearch_description(client: TestClient, lang: str, short_name: str,
                                html_template: str) -> None:
    response = client.get("/opensearch.xml", params={"lang": lang} if lang != "ko" else {})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/opensearchdescription+xml")
    root = SafeET.fromstring(response.content)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.findtext(f"{OPENSEARCH}ShortName") == short_name
    assert root.findtext(f"{OPENSEARCH}InputEncoding") == "UTF-8"
    templates = {url.get("type"): url.get("template") for url in root.iter(f"{OPENSEARCH}Url")}
    assert templates["text/html"] == html_template
    feed_template = templates["application/atom+xml"]
    assert feed_template.startswith("http://testserver/feeds/search.atom?")
    assert feed_template.endswith("q={searchTerms}")
    # The templates work: the search they describe answers.
    path = html_template.replace("http://testserver", "").replace("{searchTerms}", "드릴")
    assert "망원동 공구도서관" in client.get(path).text


# --- <head> links ------------------------------------------------------------------------


def _head_links(client: TestClient, url: str) -> tuple[dict[str, str], dict[str, str]]:
    head = soup_of(client.get(url)).head
    feed = head.find("link", rel="alternate", type="application/atom+xml")
    search = head.find("link", rel="search", type="application/opensearchdescription+xml")
    assert feed is not None, f"{url}: no feed link in <head>"
    assert search is not None, f"{url}: no OpenSearch link in <head>"
    assert feed["title"], f"{url}: the feed link needs a title"
    assert search["title"], f"{url}: the OpenSearch link needs a title"
    return dict(feed.attrs), dict(search.attrs)


@pytest.mark.parametrize("url", ["/", f"/listings/{TOOL_POINT.id}", "/listings/nope"],
                         ids=["home", "listing", "error-page"])
def test_pages_link_the_all_listings_feed(client: TestClient, url: str) -> None:
    feed, search = _head_links(client, url)
    assert feed["href"] == "/feeds/search.atom"
    assert search["href"] == "/opensearch.xml"


def test_results_page_links_its_own_feed(client: TestClient) -> None:
    # The feed follows the search, not its sort or page: a feed is always newest first.
    feed, search = _head_links(client, "/search?q=드릴&free=1&sort=newest&page=2&lang=en")
    parts = urlsplit(feed["href"])
    assert parts.path == "/feeds/search.atom"
    assert parse_qs(parts.query) == {"q": ["드릴"], "free": ["1"], "lang": ["en"]}
    assert feed["title"] == "New listings for this search (Atom)"
    assert search["href"] == "/opensearch.xml?lang=en"
    # The linked feed answers with the same search.
    assert [e.title for e in _feed(client, q="드릴", free="1").entries] == ["망원동 공구도서관"]
