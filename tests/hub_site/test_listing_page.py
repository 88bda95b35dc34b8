"""The listing page: the week's hours, "also listed on", provenance and the map section."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from hub_site.cards import CardContext
from hub_site.hub_data import HubData
from hub_site.i18n import Translator
from hub_site.listing_sources import listing_group
from hub_site.listing_views import week_rows
from hub_site.urls import Urls
from index.catalog import Catalog
from index.tantivy_index import TantivyIndex
from normalizer.schema import Hours, WeeklyHours
from normalizer.taxonomy import load_taxonomy
from tests.hub_site.conftest import MAPO, MEETING_ROOM, TOOL_POINT, make_listing, soup_of
from tests.hub_site.directory_world import (
    DISTRICT,
    LOCAL_COPY,
    LONE_ROOM,
    PORTAL_COPY,
    build_world,
    world_client,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, TantivyIndex]]:
    path, index = build_world(tmp_path_factory.mktemp("listing-world"))
    yield path, index
    index.close()


@pytest.fixture(scope="module")
def world_site(world: tuple[Path, TantivyIndex]) -> TestClient:
    return world_client(*world)


def _context(now: datetime, lang: str = "ko") -> CardContext:
    t = Translator("en" if lang == "en" else "ko")
    return CardContext(t, Urls(t.lang), load_taxonomy(), {}, now)


# --- the week's hours ----------------------------------------------------------------------

THURSDAY_AFTERNOON_KST = datetime(2025, 5, 1, 6, 0, tzinfo=UTC)  # 15:00 KST, a Thursday
SUNDAY_EARLY_KST = datetime(2025, 5, 3, 16, 30, tzinfo=UTC)  # Sunday 01:30 KST, Sat in UTC


@pytest.mark.parametrize(
    ("weekly", "now", "expected", "today"),
    [
        ([WeeklyHours(days=["mon", "tue", "wed", "thu", "fri"], opens="09:00", closes="18:00")],
         THURSDAY_AFTERNOON_KST,
         ["09:00–18:00"] * 5 + [None, None], "목"),
        ([WeeklyHours(days=["mon"], opens="13:00", closes="18:00"),
          WeeklyHours(days=["mon"], opens="09:00", closes="12:00")],
         SUNDAY_EARLY_KST,
         ["09:00–12:00, 13:00–18:00"] + [None] * 6, "일"),
        ([WeeklyHours(days=["sat", "sun"], opens="22:00", closes="02:00")],
         THURSDAY_AFTERNOON_KST,
         [None] * 5 + ["22:00–02:00"] * 2, "목"),
    ],
    ids=["weekdays-closed-weekend", "lunch-break-sorted-today-in-korea-time",
         "overnight-weekend-only"])
def test_week_rows(weekly: list[WeeklyHours], now: datetime, expected: list[str | None],
                   today: str) -> None:
    listing = make_listing(MAPO, "w", hours=Hours(text=None, weekly=weekly))
    rows = week_rows(listing, _context(now))
    assert [r.label for r in rows] == ["월", "화", "수", "목", "금", "토", "일"]
    assert [", ".join(r.intervals) or None for r in rows] == expected
    assert [r.label for r in rows if r.today] == [today], "exactly one day is today"
    assert [r.closed for r in rows] == [e is None for e in expected]


def test_unknown_hours_are_not_a_closed_week() -> None:
    listing = make_listing(MAPO, "x", hours=Hours(text="문의 바람", weekly=[]))
    assert week_rows(listing, _context(THURSDAY_AFTERNOON_KST)) == []


def test_week_table_has_seven_rows_with_today_marked(client: TestClient) -> None:
    soup = soup_of(client.get(f"/listings/{TOOL_POINT.id}"))
    table = soup.select_one("section[aria-labelledby=week-heading] table.week-hours")
    assert table is not None, "the week's hours are a table"
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in table.select("tbody tr")]
    assert rows == [["월", "09:00–18:00"], ["화", "09:00–18:00"], ["수", "09:00–18:00"],
                    ["목 (오늘)", "09:00–18:00"], ["금", "09:00–18:00"], ["토", "휴무"],
                    ["일", "휴무"]]
    today = table.select("tr.today")
    assert len(today) == 1
    assert today[0]["aria-current"] == "date"
    # The source's own wording stays beside the table.
    assert "평일 09:00~18:00 (점심시간 12:00~13:00 제외)" in soup.get_text()


def test_week_table_in_english(client: TestClient) -> None:
    soup = soup_of(client.get(f"/listings/{TOOL_POINT.id}", params={"lang": "en"}))
    assert soup.find("h2", id="week-heading").get_text() == "Hours by day"
    cells = [tr.find("td").get_text() for tr in soup.select("table.week-hours tbody tr")]
    assert cells[-2:] == ["Closed", "Closed"]


def test_no_week_table_without_parsed_hours(client: TestClient) -> None:
    soup = soup_of(client.get(f"/listings/{MEETING_ROOM.id}"))
    assert soup.select_one("table.week-hours") is None


# --- map section ---------------------------------------------------------------------------


def test_map_section_carries_the_point_and_a_fallback(client: TestClient) -> None:
    soup = soup_of(client.get(f"/listings/{TOOL_POINT.id}"))
    section = soup.find("section", id="listing-map")
    assert section is not None, "a located listing leaves a section for the map"
    assert (float(section["data-lat"]), float(section["data-lon"])) == (37.5563, 126.9019)
    assert "37.556300, 126.901900" in section.get_text()
    link = section.find("a")
    assert link["href"].startswith("https://www.openstreetmap.org/?mlat=37.556300")


def test_no_map_section_without_coordinates(client: TestClient) -> None:
    soup = soup_of(client.get(f"/listings/{MEETING_ROOM.id}"))
    assert soup.find("section", id="listing-map") is None


# --- also listed on ------------------------------------------------------------------------


def _source_rows(soup: object) -> list[dict[str, object]]:
    section = soup.find("section", attrs={"aria-labelledby": "also-heading"})  # type: ignore[attr-defined]
    assert section is not None, "no 'also listed on' section"
    rows = []
    for li in section.select("li.source-row"):
        links = {a.get_text(): a["href"] for a in li.find_all("a")}
        rows.append({"name": li.find(class_="platform-name").get_text(),
                     "current": "current" in li["class"], "links": links})
    return rows


@pytest.mark.parametrize("shown", [PORTAL_COPY, LOCAL_COPY],
                         ids=["the-groups-best-listing", "a-listing-the-index-hides"])
def test_also_listed_on_names_every_platform_with_its_links(world_site: TestClient,
                                                            shown: object) -> None:
    listing_id = shown.id  # type: ignore[attr-defined]
    soup = soup_of(world_site.get(f"/listings/{listing_id}"))
    rows = _source_rows(soup)
    assert [r["name"] for r in rows] == ["공유누리", "마포구 공구대여소"], "best listing first"
    assert [r["current"] for r in rows] == [shown is PORTAL_COPY, shown is LOCAL_COPY]
    portal, local = rows
    assert portal["links"]["공유누리"] == "/platforms/gongyu"
    assert portal["links"]["출처에서 보기"] == "https://www.eshare.go.kr/rsvt/E-100"
    assert portal["links"]["예약·신청하기"] == "https://www.eshare.go.kr/rsvt/E-100/book"
    assert local["links"]["출처에서 보기"] == "https://data.mapo.go.kr/tools/7"
    other = local if shown is PORTAL_COPY else portal
    other_copy = LOCAL_COPY if shown is PORTAL_COPY else PORTAL_COPY
    assert other["links"]["이 플랫폼의 정보 보기"] == f"/listings/{other_copy.id}"


def test_a_listing_without_duplicates_has_no_also_listed_on(world_site: TestClient) -> None:
    soup = soup_of(world_site.get(f"/listings/{LONE_ROOM.id}"))
    assert soup.find("section", attrs={"aria-labelledby": "also-heading"}) is None


def test_a_named_source_without_its_copy_is_shown_by_name(client: TestClient) -> None:
    soup = soup_of(client.get(f"/listings/{TOOL_POINT.id}"))
    rows = _source_rows(soup)
    assert [r["name"] for r in rows] == ["마포구 공유센터", "강남구 공공시설 예약"]
    assert rows[1]["links"] == {"강남구 공공시설 예약": "/platforms/gangnam-yeyak"}


# --- provenance ----------------------------------------------------------------------------


def test_provenance_says_where_and_when(world_site: TestClient) -> None:
    soup = soup_of(world_site.get(f"/listings/{LOCAL_COPY.id}"))
    facts = soup.select_one("dl.provenance")
    pairs = dict(zip([dt.get_text(strip=True) for dt in facts.find_all("dt")],
                     [dd.get_text(" ", strip=True) for dd in facts.find_all("dd")],
                     strict=True))
    assert pairs["출처"] == DISTRICT.name
    assert pairs["출처의 원래 번호"] == "7"
    assert pairs["출처 주소"] == "https://data.mapo.go.kr/tools/7"
    assert pairs["마지막 수집 시도"] == "2025-05-01 12:00 KST"
    assert pairs["처음 수집"] == "2025-05-01 12:00 KST"
    assert pairs["마지막 확인"] == "2025-05-01 12:00 KST"
    assert pairs["출처 수정일"] == "정보 없음"
    assert facts.find("a", string=DISTRICT.name)["href"] == "/platforms/mapo-tools"


def test_district_links_to_its_district_page(client: TestClient) -> None:
    soup = soup_of(client.get(f"/listings/{TOOL_POINT.id}", params={"lang": "en"}))
    assert soup.find("a", href="/districts/11440?lang=en") is not None


def test_json_twin_stays_the_listing_json(world_site: TestClient) -> None:
    data = world_site.get(f"/api/v1/listings/{LOCAL_COPY.id}").json()
    assert data["id"] == LOCAL_COPY.id
    assert data["source_record_id"] == "7"


def test_big_sources_are_named_without_scanning(world: tuple[Path, TantivyIndex]) -> None:
    path, index = world
    hub = HubData(catalog=Catalog(path, read_only=True), index=index, taxonomy=load_taxonomy())
    full = listing_group(hub, PORTAL_COPY)
    assert [link.listing_id for link in full.links] == [PORTAL_COPY.id, LOCAL_COPY.id]
    capped = listing_group(hub, PORTAL_COPY, max_scanned=1)  # the district file has 2
    assert [link.listing_id for link in capped.links] == [PORTAL_COPY.id]
    assert capped.unmatched_sources == [DISTRICT.id]
    hub.catalog.close()
