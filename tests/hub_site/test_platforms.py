"""The platform directory (/platforms) and one platform's page, with their JSON twins."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from starlette.testclient import TestClient

from hub_site.platform_views import freshness
from index.feedback import FeedbackStore
from index.tantivy_index import TantivyIndex
from tests.hub_site.conftest import soup_of
from tests.hub_site.directory_world import (
    BROKEN,
    BUSAN,
    DISTRICT,
    LONE_ROOM,
    NEVER,
    PORTAL,
    build_world,
    world_client,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, TantivyIndex]]:
    path, index = build_world(tmp_path_factory.mktemp("platform-world"))
    yield path, index
    index.close()


@pytest.fixture(scope="module")
def site(world: tuple[Path, TantivyIndex]) -> TestClient:
    return world_client(*world)


def _card(soup: BeautifulSoup, source_id: str) -> Tag:
    heading = soup.find(id=f"platform-{source_id}")
    assert heading is not None, f"no platform {source_id} on the page"
    card = heading.find_parent("article")
    assert card is not None
    return card


def _facts(card: Tag) -> dict[str, str]:
    facts = card.find("dl")
    return dict(zip([dt.get_text(strip=True) for dt in facts.find_all("dt")],
                    [dd.get_text(" ", strip=True) for dd in facts.find_all("dd")], strict=True))


def test_directory_lists_every_platform_biggest_first(site: TestClient) -> None:
    soup = soup_of(site.get("/platforms"))
    assert soup.find("h1").get_text() == "플랫폼 목록"
    names = [h.get_text() for h in soup.select(".platform-directory .card-title")]
    assert names == [DISTRICT.name, PORTAL.name, BUSAN.name, BROKEN.name, NEVER.name]


def test_directory_card_says_who_what_where_and_how_healthy(site: TestClient) -> None:
    card = _card(soup_of(site.get("/platforms")), DISTRICT.id)
    assert card.find("a", string=DISTRICT.name)["href"] == "/platforms/mapo-tools"
    assert "마포구가 운영하는 생활공구 대여소 목록" in card.get_text()
    facts = _facts(card)
    assert facts["운영"] == "마포구청 자치행정과"
    assert facts["형식"] == "csv"
    assert facts["공유 자원"] == "2건"
    # The feed's path and query (an API key may sit there) are never shown.
    assert facts["플랫폼 주소"] == "https://data.mapo.go.kr/"
    assert "SECRET" not in card.decode()
    district = card.select_one(".districts-served a")
    assert district["href"] == "/districts/11440"
    assert district.get_text(" ", strip=True).startswith("마포구")
    assert facts["상태"].startswith("최신 · 최근 수집 결과: 정상 · 마지막 수집 성공: 3시간 전")


@pytest.mark.parametrize(
    ("source_id", "freshness_label", "status_label"),
    [(BROKEN.id, "수집된 적 없음", "실패"), (NEVER.id, "수집된 적 없음", "아직 수집 전"),
     (BUSAN.id, "최신", "정상")],
    ids=["failed-run", "never-run", "healthy"])
def test_directory_health(site: TestClient, source_id: str, freshness_label: str,
                          status_label: str) -> None:
    card = _card(soup_of(site.get("/platforms")), source_id)
    health = card.select_one(".platform-health")
    assert health.select_one(".health").get_text() == freshness_label
    assert health.select_one(".run-status").get_text() == status_label


def test_directory_json_twin(site: TestClient) -> None:
    data = site.get("/api/v1/platforms").json()
    by_id = {p["id"]: p for p in data["platforms"]}
    assert set(by_id) == {DISTRICT.id, PORTAL.id, BUSAN.id, BROKEN.id, NEVER.id}
    mapo = by_id[DISTRICT.id]
    assert mapo["districts"] == [{"code": "11440", "name": "마포구", "count": 1}]
    assert mapo["health"] == {"last_success_at": "2025-05-01T03:00:00+00:00",
                              "last_run_status": "ok", "freshness": "fresh", "error_count": 0}
    assert by_id[BROKEN.id]["health"]["last_run_status"] == "failed"
    assert by_id[BROKEN.id]["health"]["error_count"] == 1
    assert mapo["open_reports"] is None, "reports are off on this site"


def test_platform_page_shows_runs_and_listings(site: TestClient) -> None:
    soup = soup_of(site.get(f"/platforms/{DISTRICT.id}"))
    assert soup.find("h1").get_text() == DISTRICT.name
    runs = soup.select("table.runs tbody tr")
    assert len(runs) == 1
    assert "정상 · 추가 2 · 수정 0 · 삭제 0 · 오류 0" in runs[0].get_text(" ", strip=True)
    titles = [a.get_text() for a in soup.select(".results .card-title a")]
    assert titles == [LONE_ROOM.title]
    # Its copy of the tool point is shown under the portal's listing: the page says so.
    assert "1건은 다른 플랫폼에 함께 올라와" in soup.get_text()


def test_failed_run_shows_its_first_error_line(site: TestClient) -> None:
    soup = soup_of(site.get(f"/platforms/{BROKEN.id}", params={"lang": "en"}))
    row = soup.select_one("table.runs tbody tr")
    assert "Failed" in row.get_text()
    assert row.select_one(".run-error").get_text() == "fetch: HTTP 404: not found"
    assert "No listings." in soup.get_text()


def test_platform_listings_are_paged(world: tuple[Path, TantivyIndex]) -> None:
    client = world_client(*world, page_size=1)
    soup = soup_of(client.get(f"/platforms/{PORTAL.id}"))
    assert soup.select_one("a[rel=next]") is None, "one listing: one page"
    data = client.get(f"/api/v1/platforms/{PORTAL.id}").json()
    assert data["listings"] == {"total": 1, "merged": 0, "page": 1,
                                "results": [data["listings"]["results"][0]]}
    assert client.get(f"/platforms/{PORTAL.id}", params={"page": "x"}).status_code == 200


def test_platform_json_twin_has_runs(site: TestClient) -> None:
    data = site.get(f"/api/v1/platforms/{BROKEN.id}").json()
    assert [r["status"] for r in data["runs"]] == ["failed"]
    assert data["runs"][0]["error"] == "fetch: HTTP 404: not found"


@pytest.mark.parametrize("source_id", ["no-such-platform", "BAD ID", "x" * 300])
def test_unknown_platform_is_404(site: TestClient, source_id: str) -> None:
    response = site.get(f"/platforms/{source_id}")
    assert response.status_code == 404
    assert "찾는 페이지가 없습니다" in response.text
    assert site.get(f"/api/v1/platforms/{source_id}").json() == {"error": "platform not found"}


def test_open_reports_are_counted(world: tuple[Path, TantivyIndex], tmp_path: Path) -> None:
    store = FeedbackStore.open(tmp_path / "feedback.sqlite3")
    store.add_report(listing_id=LONE_ROOM.id, source_id=DISTRICT.id, reason="closed",
                     comment=None, now=datetime(2025, 5, 1, tzinfo=UTC))
    client = world_client(*world, feedback=store)
    card = _card(soup_of(client.get("/platforms")), DISTRICT.id)
    assert "확인 요청 1건" in card.get_text()
    store.close()


T0 = datetime(2025, 5, 1, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("last_success", "expected"),
    [(None, "never"), (T0 - timedelta(hours=24), "fresh"), (T0 - timedelta(hours=25), "stale"),
     (T0 - timedelta(hours=72), "stale"), (T0 - timedelta(days=4), "old")],
    ids=["never", "a-day", "over-a-day", "three-days", "four-days"])
def test_freshness(last_success: datetime | None, expected: str) -> None:
    assert freshness(last_success, T0) == expected
