"""ETag, 304 and Cache-Control on pages, API answers, feeds and static files; HEAD too."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from hub_site.caching import etag_matches, weak_etag
from tests.hub_site.conftest import TOOL_POINT

CACHED_URLS = ["/", "/search?q=드릴", f"/listings/{TOOL_POINT.id}", "/api/v1/search?q=드릴",
               f"/api/v1/listings/{TOOL_POINT.id}", "/feeds/search.atom", "/sitemap.xml",
               "/opensearch.xml", "/openapi.json"]


@pytest.mark.parametrize("url", CACHED_URLS)
def test_answers_carry_a_weak_etag_and_cache_control(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    etag = response.headers.get("etag", "")
    assert etag.startswith('W/"'), f"{url}: no weak ETag ({etag!r})"
    assert etag == weak_etag(response.content), f"{url}: ETag is not the body's hash"
    assert response.headers["cache-control"] == "public, max-age=60"


@pytest.mark.parametrize("url", CACHED_URLS)
def test_if_none_match_gets_an_empty_304(client: TestClient, url: str) -> None:
    etag = client.get(url).headers["etag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304, f"{url}: a matching If-None-Match must get 304"
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "public, max-age=60"
    stale = client.get(url, headers={"If-None-Match": 'W/"something-else"'})
    assert stale.status_code == 200
    assert stale.content


def test_different_pages_have_different_etags(client: TestClient) -> None:
    korean = client.get("/search?q=드릴").headers["etag"]
    english = client.get("/search?q=드릴&lang=en").headers["etag"]
    other = client.get("/search?q=회의실").headers["etag"]
    assert len({korean, english, other}) == 3


@pytest.mark.parametrize("url", ["/", f"/listings/{TOOL_POINT.id}", "/api/v1/search?q=드릴",
                                 "/feeds/search.atom", "/static/site.css"])
def test_head_mirrors_get_without_a_body(client: TestClient, url: str) -> None:
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    for header in ("etag", "cache-control", "content-type", "content-length"):
        assert head.headers.get(header) == get.headers.get(header), f"{url}: {header}"


def test_static_files_keep_their_own_etag_and_cache_longer(client: TestClient) -> None:
    response = client.get("/static/site.css")
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert response.headers["etag"]
    not_modified = client.get("/static/site.css",
                              headers={"If-None-Match": response.headers["etag"]})
    assert not_modified.status_code == 304
    versioned = client.get("/static/site.css?v=abc123")
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("url", ["/listings/nope", "/api/v1/listings/nope"])
def test_errors_are_not_given_validators(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "etag" not in response.headers
    assert "cache-control" not in response.headers


@pytest.mark.parametrize(("if_none_match", "expected"), [
    ('W/"abc"', True),
    ('"abc"', True),  # weak comparison ignores the W/ prefix
    ('W/"x", W/"abc"', True),
    ("*", True),
    ('W/"abcd"', False),
    ('"ab"', False),
    ("", False),
], ids=["same-weak", "same-strong", "in-a-list", "star", "other", "prefix", "empty"])
def test_etag_matching(if_none_match: str, expected: bool) -> None:
    assert etag_matches(if_none_match, 'W/"abc"') is expected
