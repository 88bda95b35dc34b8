"""The results page: facets as checkboxes with counts, sort, paging that keeps every
parameter, removable filters, cards with today's hours and platforms, and the JSON twin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from starlette.testclient import TestClient

from tests.hub_site.conftest import soup_of
from tests.hub_site.results_world import (
    SEOUL,
    CountingIndex,
    World,
    build_world,
    counting_client,
)

MAPO = "11440"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = build_world(tmp_path_factory.mktemp("results"))
    yield built
    built.index.close()


@pytest.fixture(scope="module")
def site(world: World) -> tuple[TestClient, CountingIndex]:
    return counting_client(world)


@pytest.fixture
def client(site: tuple[TestClient, CountingIndex]) -> TestClient:
    return site[0]


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _facet(soup: BeautifulSoup, param: str) -> dict[str, tuple[bool, str]]:
    """value → (checked, label text) of one facet's checkboxes, checking the markup."""
    boxes = soup.select(f'fieldset input[type=checkbox][name="{param}"]')
    found = {}
    for box in boxes:
        fieldset = box.find_parent("fieldset")
        assert fieldset.find("legend").get_text(strip=True), f"{param}: fieldset without legend"
        label = soup.find("label", attrs={"for": box["id"]})
        assert label is not None, f"{param}={box['value']}: checkbox without a label"
        found[box["value"]] = (box.has_attr("checked"), label.get_text(" ", strip=True))
    return found


def _titles(soup: BeautifulSoup) -> list[str]:
    return [a.get_text() for a in soup.select(".card-title a")]


# --- facets ------------------------------------------------------------------------------


def test_facets_are_checkboxes_in_one_get_form(client: TestClient) -> None:
    soup = soup_of(client.get("/search"))
    form = soup.find("form", attrs={"role": "search"})
    assert form["method"] == "get"
    assert form["action"] == "/search"
    legends = [legend.get_text(strip=True) for legend in form.select("fieldset legend")]
    assert legends == ["분류", "지역", "플랫폼", "요금", "운영 시간"]
    assert form.find("button", attrs={"type": "submit"}, string="조건 적용") is not None
    districts = _facet(soup, "district")
    assert len(districts) == 25, "every Seoul district with listings is offered"
    assert districts[MAPO] == (False, "마포구 3건")
    assert _facet(soup, "category")["item.tools"] == (False, "공구 25건")
    assert _facet(soup, "source")["tool-coop"] == (False, "동네공구협동조합 25건")
    assert _facet(soup, "free") == {"1": (False, "무료 38건"), "0": (False, "유료 37건")}
    assert _facet(soup, "open") == {"1": (False, "지금 운영 중")}


@pytest.mark.parametrize(
    ("param", "value"),
    [("category", "item.camping"), ("district", MAPO), ("source", "gongyu-nuri"),
     ("free", "1"), ("free", "0")],
    ids=["category", "district", "platform", "free", "paid"])
def test_each_count_is_what_checking_it_finds(client: TestClient, param: str,
                                              value: str) -> None:
    label = _facet(soup_of(client.get("/search")), param)[value][1]
    count = int(label.split()[-1].removesuffix("건"))
    soup = soup_of(client.get("/search", params={param: value}))
    assert f"총 {count}건" in soup.find(class_="results-total").get_text(), label
    assert _facet(soup, param)[value][0], f"{param}={value} is no longer checked"


def test_checked_values_of_one_facet_add_up(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params=[("category", "item.tools"),
                                                 ("category", "item.camping")]))
    assert "총 50건" in soup.find(class_="results-total").get_text()
    checked = {v for v, (on, _) in _facet(soup, "category").items() if on}
    assert checked == {"item.tools", "item.camping"}


def test_checked_value_stays_shown_with_zero(client: TestClient) -> None:
    # Tool co-op lists only tools (every third listing): no meeting room matches both.
    soup = soup_of(client.get("/search", params={"source": "tool-coop",
                                                 "category": "space.meeting_room"}))
    assert _titles(soup) == []
    assert _facet(soup, "category")["space.meeting_room"] == (True, "회의실 0건")
    assert _facet(soup, "source")["tool-coop"] == (True, "동네공구협동조합 0건")


def test_open_now_keeps_listings_open_at_the_site_clock(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"open": "1", "district": MAPO}))
    cards = soup.select("article.card")
    assert cards, "a weekday listing in 마포구 is open on Thursday 15:00"
    for card in cards:
        assert card.select_one(".card-hours").get_text(strip=True).endswith(
            "오늘 09:00–18:00"), card.get_text(" ", strip=True)
    assert _facet(soup, "open")["1"][0]
    everything = soup_of(client.get("/search", params={"open": "1"}))
    # Weekday hours on every third triple of listings: 27 of 75.
    assert "총 27건" in everything.find(class_="results-total").get_text()


# --- active filters ----------------------------------------------------------------------


def test_each_active_filter_removes_only_itself(client: TestClient) -> None:
    params = [("q", "공유"), ("category", "item.tools"), ("category", "item.camping"),
              ("district", MAPO), ("source", "seoul-share"), ("free", "1"), ("open", "1"),
              ("sort", "newest")]
    soup = soup_of(client.get("/search", params=params))
    chips = soup.select(".active-filters a")
    removed = {}
    for chip in chips:
        assert chip["aria-label"].endswith("필터 지우기")
        left = _query(chip["href"])
        assert (left["q"], left["sort"]) == (["공유"], ["newest"]), chip["href"]
        gone = [(k, v) for k, v in params if v not in left.get(k, [])]
        assert len(gone) == 1, f"{chip.get_text()} removes {gone}"
        removed[gone[0]] = chip.get_text(strip=True).removesuffix(" ×")
    assert removed == {("category", "item.tools"): "공구", ("category", "item.camping"): "캠핑용품",
                       ("district", MAPO): "마포구", ("source", "seoul-share"): "서울 공유허브",
                       ("free", "1"): "무료", ("open", "1"): "지금 운영 중"}


# --- sort and distance -------------------------------------------------------------------


def _distances(soup: BeautifulSoup) -> list[float]:
    return [float(p.get_text().removesuffix("km")) for p in soup.select(".card-distance")]


def test_distance_from_a_chosen_district(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"sort": "distance", "near_district": MAPO}))
    distances = _distances(soup)
    assert len(distances) == 20
    assert distances == sorted(distances), "nearest first"
    assert distances[0] < 1.0
    assert "마포구 중심에서 가까운 순" in soup.find(class_="notice").get_text()
    assert soup.select_one('#sort option[value="distance"]').has_attr("selected")
    assert soup.select_one(f'#near_district option[value="{MAPO}"]').has_attr("selected")
    assert len(soup.select("#near_district option[value]")) == 26  # 25 and "choose"


def test_distance_from_a_point(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"sort": "distance",
                                                 "near": "37.5663,126.9779"}))
    assert _distances(soup) == sorted(_distances(soup))
    assert soup.find("input", attrs={"name": "near", "type": "hidden"})["value"] == (
        "37.566300,126.977900")


def test_distance_without_a_point_falls_back_with_a_notice(client: TestClient) -> None:
    response = client.get("/search", params={"sort": "distance"})
    soup = soup_of(response)
    assert "기준 지역을 고르세요" in soup.find(class_="notice").get_text()
    assert len(soup.select("article.card")) == 20
    assert soup.select(".card-distance") == []
    assert client.get("/api/v1/search", params={"sort": "distance"}).json()["sort"] == (
        "relevance")


def test_one_district_filter_is_the_distance_origin(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"sort": "distance", "district": MAPO}))
    assert len(_distances(soup)) == 3


# --- paging ------------------------------------------------------------------------------


def test_paging_keeps_every_parameter(client: TestClient) -> None:
    params = [("q", "공유"), ("category", "item.tools"), ("category", "item.camping"),
              ("free", "1"), ("sort", "distance"), ("near_district", MAPO), ("lang", "en")]
    soup = soup_of(client.get("/search", params=params))
    next_url = soup.find("a", attrs={"rel": "next"})["href"]
    expected = {k: sorted(v for key, v in params if key == k) for k, _ in params}
    assert {k: sorted(v) for k, v in _query(next_url).items()} == {**expected, "page": ["2"]}
    second = soup_of(client.get(next_url))
    assert soup.find("a", string="Page 1") is None
    previous = _query(second.find("a", attrs={"rel": "prev"})["href"])
    assert {k: sorted(v) for k, v in previous.items()} == expected
    first_titles, second_titles = _titles(soup), _titles(second)
    assert not set(first_titles) & set(second_titles), "pages overlap"


# --- cards -------------------------------------------------------------------------------


def _card(soup: BeautifulSoup, number: int) -> Tag:
    link = next(a for a in soup.select(".card-title a") if f"No.{number:03d}" in a.get_text())
    return link.find_parent("article")


def test_card_shows_what_a_citizen_scans(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"district": SEOUL[0]}))
    card = _card(soup, 0)
    text = card.get_text(" ", strip=True)
    for expected in ("공구", "종로구", "무료", "오늘 09:00–18:00", "출처: 서울 공유허브",
                     "함께 등록된 곳: 공유누리", "마지막 확인: 3시간 전", "예약·신청하기"):
        assert expected in text, (expected, text)
    assert card.find("a", string="예약·신청하기")["href"] == "https://book.example.kr/0"
    assert card.select_one(".source-name a")["href"] == "/platforms/seoul-share"


def test_card_says_closed_today(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"district": SEOUL[3]}))
    hours = _card(soup, 3).select_one(".card-hours")
    assert hours.get_text(strip=True).endswith("오늘 휴무")
    assert "closed-today" in hours["class"]
    english = soup_of(client.get("/search", params={"district": SEOUL[3], "lang": "en"}))
    assert _card(english, 3).select_one(".card-hours").get_text(strip=True).endswith(
        "Closed today")


def test_english_page_keeps_the_language_everywhere(client: TestClient) -> None:
    soup = soup_of(client.get("/search", params={"district": MAPO, "lang": "en"}))
    assert [lg.get_text(strip=True) for lg in soup.select("fieldset legend")][:2] == [
        "Category", "District"]
    assert _facet(soup, "district")[MAPO] == (True, "Mapo-gu 3")
    assert soup.find("input", attrs={"type": "hidden", "name": "lang"})["value"] == "en"
    assert _query(soup.select_one(".active-filters a")["href"]) == {"lang": ["en"]}


# --- JSON twin, size and cost ------------------------------------------------------------


def test_json_twin_carries_the_page(client: TestClient) -> None:
    params = {"category": "item.tools", "district": MAPO, "sort": "newest"}
    data = client.get("/api/v1/search", params=params).json()
    soup = soup_of(client.get("/search", params=params))
    assert [card["title"] for card in data["cards"]] == _titles(soup)
    assert len(data["results"]) == len(data["cards"]) == data["total"]
    facets = {group["param"]: group for group in data["facets"]}
    assert list(facets) == ["category", "district", "source", "free", "open"]
    assert {"value": MAPO, "label": "마포구", "count": data["total"], "selected": True} in (
        facets["district"]["values"])
    assert [o["value"] for o in data["sort_options"] if o["selected"]] == ["newest"]
    assert [(f["param"], f["value"]) for f in data["active_filters"]] == [
        ("category", "item.tools"), ("district", MAPO)]
    card = data["cards"][0]
    assert card["source"]["name"]
    assert card["today_hours"]
    assert card["last_confirmed"]


def test_results_page_is_small_and_one_search(site: tuple[TestClient, CountingIndex]) -> None:
    client, index = site
    index.queries.clear()
    response = client.get("/search", params={"free": "1"})
    assert len(index.queries) == 1, "facets must come from the page's one search"
    assert set(index.queries[0].facets) >= {"category", "district", "source", "free"}
    soup = soup_of(response)
    assert len(soup.select("article.card")) == 20
    assert len(soup.select("fieldset input[type=checkbox]")) >= 25 + 3 + 3 + 1
    assert len(response.content) < 100_000, f"{len(response.content)} bytes"


@pytest.mark.parametrize(
    "params",
    [{"near": "999,1"}, {"near": "abc"}, {"sort": "nearest"}, {"near_district": "x"},
     {"category": ["item.tools"] * 100}, {"free": ["1", "0"]}, {"open": "maybe"}],
    ids=["near-out-of-range", "near-text", "unknown-sort", "bad-district", "repeated",
         "free-and-paid", "bad-open"])
def test_bad_parameters_never_fail(client: TestClient, params: dict[str, object],
                                   tmp_path: Path) -> None:
    response = client.get("/search", params=params)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert client.get("/api/v1/search", params=params).status_code == 200  # type: ignore[arg-type]


def test_seoul_has_25_districts() -> None:
    assert len(SEOUL) == 25
