"""The search rate limit: a token bucket per client, a friendly 429 with Retry-After."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from hub_site import create_app
from hub_site.rate_limit import TokenBuckets
from index.catalog import Catalog
from index.tantivy_index import TantivyIndex
from tests.hub_site.conftest import NOW, TOOL_POINT, soup_of


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("rate", "burst", "steps", "expected"), [
    (1.0, 3, [0, 0, 0, 0], [0.0, 0.0, 0.0, 1.0]),
    (2.0, 1, [0, 0, 0.25, 0.25], [0.0, 0.5, 0.25, 0.0]),
    (1.0, 2, [0, 0, 10, 0, 0], [0.0, 0.0, 0.0, 0.0, 1.0]),  # refills up to burst only
    (0.0, 1, [0, 0, 0], [0.0, 0.0, 0.0]),  # rate 0: no limit
], ids=["burst-then-wait", "refill-over-time", "refill-capped-at-burst", "disabled"])
def test_token_bucket(rate: float, burst: int, steps: list[float],
                      expected: list[float]) -> None:
    clock = FakeClock()
    buckets = TokenBuckets(rate, burst, clock=clock)
    waits = []
    for step in steps:
        clock.now += step
        waits.append(round(buckets.take("10.0.0.1"), 3))
    assert waits == expected


def test_clients_have_their_own_buckets_and_memory_stays_bounded() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(1.0, 1, clock=clock, max_clients=4)
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0, "a's bucket is empty"
    assert buckets.take("b") == 0.0, "b does not pay for a"
    for n in range(20):
        buckets.take(f"client-{n}")
    assert len(buckets._buckets) <= 4


@pytest.fixture
def limited(catalog_path: Path, search_index: TantivyIndex) -> TestClient:
    app = create_app(catalog=Catalog(catalog_path, read_only=True), index=search_index,
                     clock=lambda: NOW, search_rate_per_s=0.1, search_burst=2)
    return TestClient(app)


def test_third_search_in_a_row_gets_a_friendly_429_page(limited: TestClient) -> None:
    assert limited.get("/search", params={"q": "드릴"}).status_code == 200
    assert limited.get("/feeds/search.atom").status_code == 200
    response = limited.get("/search", params={"q": "드릴"})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "10"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-security-policy"]
    soup = soup_of(response)
    assert soup.html["lang"] == "ko"
    assert "검색 요청이 너무 잦습니다. 10초 뒤에 다시 시도해 주세요." in soup.get_text()
    english = soup_of(limited.get("/search", params={"q": "drill", "lang": "en"}))
    assert "Please try again in 10 seconds" in english.get_text()


def test_api_search_gets_a_429_json(limited: TestClient) -> None:
    for _ in range(2):
        assert limited.get("/api/v1/search").status_code == 200
    response = limited.get("/api/v1/search", params={"lang": "en"})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "10"
    assert response.json() == {
        "error": "too many requests", "retry_after_s": 10,
        "message": "Too many searches at once. Please try again in 10 seconds."}


def test_other_pages_are_not_limited(limited: TestClient) -> None:
    for _ in range(3):
        limited.get("/search")
    for url in ("/", f"/listings/{TOOL_POINT.id}", "/api/v1/home", "/static/site.css"):
        assert limited.get(url).status_code == 200, url
    other_client = TestClient(limited.app, client=("192.0.2.7", 5000))
    assert other_client.get("/search").status_code == 200, "another address has its own"


def test_a_normal_visitor_never_meets_the_default_limit(client: TestClient) -> None:
    # The shared client runs on the defaults: 30 quick searches are fine.
    for n in range(30):
        assert client.get("/api/v1/search", params={"q": f"공구 {n}"}).status_code == 200
