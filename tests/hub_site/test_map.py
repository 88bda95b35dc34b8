"""The map view (/map, /api/v1/map), the listing page's map assets, the vendored Leaflet
and the tile-server setting: a real catalog and tantivy index, no mocks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from hub_site import create_app
from hub_site.map_tiles import (
    DEFAULT_ATTRIBUTION,
    DEFAULT_ATTRIBUTION_URL,
    DEFAULT_TILE_URL,
    MapTiles,
    map_tiles,
)
from hub_site.map_views import MAP_LIST_PAGE_SIZE, MAP_MARKER_LIMIT
from index.catalog import Catalog
from index.tantivy_index import TantivyIndex
from normalizer.schema import Fee, Listing, Location, Source
from sharehub.settings import Settings
from tests.hub_site.conftest import (
    CRAWLED_AT,
    CSP,
    GANGNAM,
    HOSTILE,
    MAPO,
    MEETING_ROOM,
    NOW,
    TOOL_POINT,
    make_listing,
    soup_of,
)

STATIC = Path(__file__).resolve().parents[2] / "hub_site" / "static"
LEAFLET_VERSION = "1.9.4"
OSM = map_tiles(DEFAULT_TILE_URL)
# Nothing listens on port 9 (discard) of loopback: a tile server that cannot be reached.
DEAD_TILES = map_tiles("http://127.0.0.1:9/tiles/{z}/{x}/{y}.png", "Dead tiles", None)


def _at(lat: float, lon: float, district: str = "11440", name: str = "마포구") -> Location:
    return Location(address=None, sido_code="11", district_code=district, district_name=name,
                    lat=lat, lon=lon)


LADDER = make_listing(MAPO, "T-002", title="합정동 사다리 대여", category="item.tools",
                      location=_at(37.5495, 126.9137),
                      fee=Fee(free=True, text=None, min_krw=None, max_krw=None,
                              deposit_krw=None))
HALL = make_listing(GANGNAM, "R-20", title="역삼 다목적홀", kind="space",
                    category="space.meeting_room", location=_at(37.5006, 127.0364, "11680",
                                                                "강남구"))
LOCATED_HOSTILE = HOSTILE.model_copy(update={"location": _at(37.5172, 127.0473, "11680",
                                                             "강남구")})
LOCATED = [TOOL_POINT, LADDER, HALL, LOCATED_HOSTILE]  # MEETING_ROOM has no coordinates


def _build(tmp: Path, by_source: list[tuple[Source, list[Listing]]]
           ) -> tuple[Path, TantivyIndex]:
    path = tmp / "catalog.sqlite"
    catalog = Catalog(path)
    for source, listings in by_source:
        catalog.save_source(source, CRAWLED_AT)
        catalog.apply_run(source.id, listings, started_at=CRAWLED_AT - timedelta(minutes=1),
                          finished_at=CRAWLED_AT, invalid=0, record_errors=[], etag=None,
                          last_modified=None)
    index = TantivyIndex(tmp / "index", {})
    index.rebuild(catalog.iter_listings(), catalog.change_seq())
    catalog.close()
    return path, index


def _app(path: Path, index: TantivyIndex, tiles: MapTiles | None) -> TestClient:
    return TestClient(create_app(catalog=Catalog(path, read_only=True), index=index,
                                 clock=lambda: NOW, map_tiles=tiles))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, TantivyIndex]]:
    path, index = _build(tmp_path_factory.mktemp("map"),
                         [(MAPO, [TOOL_POINT, LADDER]),
                          (GANGNAM, [MEETING_ROOM, HALL, LOCATED_HOSTILE])])
    yield path, index
    index.close()


@pytest.fixture(scope="module")
def client(world: tuple[Path, TantivyIndex]) -> TestClient:
    return _app(*world, OSM)


def _rows(soup: BeautifulSoup) -> dict[str, str]:
    """Title → link of every row of the server-rendered list."""
    return {a.get_text(strip=True): a["href"] for a in soup.select("ol.map-results li > a")}


def _script_sources(soup: BeautifulSoup) -> list[str]:
    scripts = soup.find_all("script")
    inline = [s for s in scripts if not s.get("src") and s.get("type") != "application/ld+json"]
    assert not inline, f"inline scripts break the CSP: {inline}"
    return [s["src"] for s in scripts if s.get("src")]


# --- the map page ---------------------------------------------------------------------------


def test_map_page_lists_every_located_result_and_the_map(client: TestClient) -> None:
    soup = soup_of(client.get("/map"))
    rows = _rows(soup)
    assert set(rows) == {item.title for item in LOCATED}, "every located result is listed"
    assert rows["망원동 공구도서관"] == f"/listings/{TOOL_POINT.id}"
    canvas = soup.find(id="results-map")
    assert canvas is not None
    assert canvas["data-geojson-url"] == "/api/v1/map"
    assert canvas.has_attr("hidden"), "the empty map box stays hidden until map.js draws"
    assert _script_sources(soup) == ["/static/vendor/leaflet/leaflet.js", "/static/map.js"]
    assert soup.find("link", href="/static/vendor/leaflet/leaflet.css") is not None
    config = soup.find(id="map-script")
    assert config["data-tile-url"] == DEFAULT_TILE_URL
    assert config["data-attribution"] == DEFAULT_ATTRIBUTION
    text = soup.get_text(" ", strip=True)
    assert "위치가 있는 결과 4건" in text
    assert "위치 정보가 없는 1건은 지도에 없습니다." in text
    assert MEETING_ROOM.title not in rows


def test_map_page_escapes_crawled_titles(client: TestClient) -> None:
    response = client.get("/map")
    assert "<script>alert(1)</script>" not in response.text
    assert LOCATED_HOSTILE.title in _rows(soup_of(response)), "shown as text, not markup"


@pytest.mark.parametrize(("query", "titles"), [
    ({"category": "item.tools"}, {"망원동 공구도서관", "합정동 사다리 대여"}),
    ({"district": "11680"}, {"역삼 다목적홀", LOCATED_HOSTILE.title}),
    ({"q": "사다리"}, {"합정동 사다리 대여", "망원동 공구도서관"}),
    ({"kind": "space"}, {"역삼 다목적홀"}),
    ({"q": "존재하지않는말"}, set()),
], ids=["category", "district", "text", "kind", "nothing"])
def test_map_shows_the_same_search_as_the_results(client: TestClient, query: dict[str, str],
                                                   titles: set[str]) -> None:
    soup = soup_of(client.get("/map", params=query))
    assert set(_rows(soup)) == titles
    features = client.get("/api/v1/map", params=query).json()["features"]
    assert {f["properties"]["title"] for f in features} == titles


@pytest.mark.parametrize(("near", "nearest"), [
    ("37.5006,127.0364", "역삼 다목적홀"),
    ("37.5563,126.9019", "망원동 공구도서관"),
], ids=["from-yeoksam", "from-mangwon"])
def test_map_list_keeps_the_nearest_first_order(client: TestClient, near: str,
                                                 nearest: str) -> None:
    soup = soup_of(client.get("/map", params={"sort": "distance", "near": near}))
    assert next(iter(_rows(soup))) == nearest


def test_map_without_results_says_so_and_draws_no_map(client: TestClient) -> None:
    soup = soup_of(client.get("/map", params={"q": "존재하지않는말"}))
    assert soup.find(id="results-map") is None
    assert "지도에 표시할 위치가 있는 결과가 없습니다." in soup.get_text()


def test_links_between_results_and_map_keep_the_search(client: TestClient) -> None:
    results = soup_of(client.get("/search", params={"q": "사다리", "category": "item.tools"}))
    to_map = results.find("a", string="지도로 보기")
    assert to_map is not None, "the results page links to its map"
    assert to_map["href"] == "/map?q=%EC%82%AC%EB%8B%A4%EB%A6%AC&category=item.tools"
    back = soup_of(client.get(to_map["href"])).find("a", string="목록으로 보기")
    assert back["href"] == "/search?q=%EC%82%AC%EB%8B%A4%EB%A6%AC&category=item.tools"


def test_map_in_english_keeps_the_language(client: TestClient) -> None:
    soup = soup_of(client.get("/map", params={"category": "item.tools", "lang": "en"}))
    assert soup.html["lang"] == "en"
    assert soup.find("a", string="View as list")["href"] == "/search?category=item.tools&lang=en"
    assert soup.find(id="results-map")["data-geojson-url"] == \
        "/api/v1/map?category=item.tools&lang=en"
    assert soup.select_one(".lang-switch")["href"] == "/map?category=item.tools"
    assert "2 results with a location" in soup.get_text()
    features = client.get("/api/v1/map", params={"lang": "en", "q": "망원동"}).json()["features"]
    assert features[0]["properties"]["category_label"] == "Tools"
    assert features[0]["properties"]["district"] == "Mapo-gu"


# --- the GeoJSON twin -----------------------------------------------------------------------


def test_geojson_twin_is_a_feature_collection(client: TestClient) -> None:
    response = client.get("/api/v1/map")
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert (data["total"], data["without_location"], data["truncated"]) == (4, 1, False)
    by_title = {f["properties"]["title"]: f for f in data["features"]}
    tool = by_title["망원동 공구도서관"]
    assert tool["geometry"] == {"type": "Point", "coordinates": [126.9019, 37.5563]}, \
        "GeoJSON orders coordinates [lon, lat]"
    assert tool["properties"] == {"title": "망원동 공구도서관",
                                  "url": f"/listings/{TOOL_POINT.id}",
                                  "category": "item.tools", "category_label": "공구",
                                  "district": "마포구", "free": True}
    # Crawled text travels as data; map.js sets it as textContent.
    assert by_title[LOCATED_HOSTILE.title]["properties"]["url"].startswith("/listings/")


# --- many results: list pages and the marker cap --------------------------------------------


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    many = [make_listing(MAPO, f"P-{n:03d}", title=f"공구 보관함 {n:03d}",
                         category="item.tools",
                         location=_at(37.50 + n / 10_000, 126.90 + n / 10_000))
            for n in range(MAP_MARKER_LIMIT + 20)]
    path, index = _build(tmp_path_factory.mktemp("crowded"), [(MAPO, many)])
    yield _app(path, index, OSM)
    index.close()


def test_geojson_stops_at_the_marker_limit(crowded: TestClient) -> None:
    data = crowded.get("/api/v1/map").json()
    assert data["total"] == MAP_MARKER_LIMIT + 20
    assert len(data["features"]) == MAP_MARKER_LIMIT
    assert data["truncated"] is True
    assert len({f["id"] for f in data["features"]}) == MAP_MARKER_LIMIT, "no duplicates"


def test_map_list_pages_through_every_result(crowded: TestClient) -> None:
    first = soup_of(crowded.get("/map"))
    assert len(_rows(first)) == MAP_LIST_PAGE_SIZE
    assert "지도에는 처음 500건을 표시합니다." in first.get_text()
    last_page = -(-(MAP_MARKER_LIMIT + 20) // MAP_LIST_PAGE_SIZE)
    seen: set[str] = set()
    for page in range(1, last_page + 1):
        soup = soup_of(crowded.get("/map", params={"page": page}))
        assert soup.select_one("ol.map-results")["start"] == str((page - 1) * 100 + 1)
        seen |= set(_rows(soup))
    assert len(seen) == MAP_MARKER_LIMIT + 20, "every result is on one of the list pages"
    assert soup.find("a", rel="next") is None
    assert soup.find("a", rel="prev") is not None
    assert len(crowded.get("/map", params={"page": 3}).content) < 100_000


def test_map_list_past_the_deepest_page_is_empty_not_wrong(crowded: TestClient) -> None:
    soup = soup_of(crowded.get("/map", params={"page": 250}))
    assert _rows(soup) == {}, "no rows from another page under a wrong number"
    assert "위치가 있는 결과 520건" in soup.get_text()


# --- tiles: unreachable, turned off, and the CSP --------------------------------------------


def test_unreachable_tile_server_still_lists_every_result(world: tuple[Path, TantivyIndex]
                                                          ) -> None:
    response = _app(*world, DEAD_TILES).get("/map")
    soup = soup_of(response)
    assert set(_rows(soup)) == {item.title for item in LOCATED}
    status = soup.find(id="map-status")
    assert status is not None, "a notice map.js shows when tiles fail"
    assert status["role"] == "status"
    assert status.has_attr("hidden")
    assert "img-src 'self' https: data: http://127.0.0.1:9;" in \
        response.headers["content-security-policy"]


def test_map_off_keeps_the_lists(world: tuple[Path, TantivyIndex]) -> None:
    client = _app(*world, None)
    response = client.get("/map")
    soup = soup_of(response)
    assert set(_rows(soup)) == {item.title for item in LOCATED}
    assert soup.find(id="results-map") is None
    assert _script_sources(soup) == []
    assert response.headers["content-security-policy"] == CSP
    assert soup_of(client.get("/search")).find("a", string="지도로 보기") is None
    listing = soup_of(client.get(f"/listings/{TOOL_POINT.id}"))
    assert "/static/map.js" not in _script_sources(listing)


def test_csp_allows_images_from_the_tile_origin_only(client: TestClient) -> None:
    policy = client.get("/map").headers["content-security-policy"]
    img = next(d for d in policy.split("; ") if d.startswith("img-src"))
    assert img == "img-src 'self' https: data: https://tile.openstreetmap.org"
    assert policy.replace(" https://tile.openstreetmap.org", "") == CSP


@pytest.mark.parametrize(("url", "origin"), [
    (DEFAULT_TILE_URL, "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.kr/{z}/{x}/{y}.png", "https://*.tile.example.kr"),
    ("http://127.0.0.1:8081/tiles/{z}/{x}/{y}{r}.png", "http://127.0.0.1:8081"),
    ("HTTPS://Tiles.Example.KR/{z}/{x}/{y}.png", "https://tiles.example.kr"),
], ids=["osm", "subdomains", "loopback-port", "upper-case"])
def test_tile_origin_for_the_csp(url: str, origin: str) -> None:
    tiles = map_tiles(url)
    assert tiles is not None
    assert tiles.origin == origin


@pytest.mark.parametrize("url", [
    "ftp://tile.example.kr/{z}/{x}/{y}.png",
    "https://tile.example.kr/{z}/{x}.png",
    "https://user:pw@tile.example.kr/{z}/{x}/{y}.png",
    "https://tile.example.kr/{z}/{x}/{y}.png; script-src *",
    "https://tile.{s}.example.kr/{z}/{x}/{y}.png",
    "//tile.example.kr/{z}/{x}/{y}.png",
], ids=["ftp", "no-y", "credentials", "csp-injection", "inner-subdomain", "no-scheme"])
def test_bad_tile_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="map tile URL"):
        map_tiles(url)


def test_empty_tile_url_turns_the_map_off() -> None:
    assert map_tiles("") is None
    assert map_tiles("  ") is None
    assert map_tiles(None) is None


def test_settings_default_to_openstreetmap() -> None:
    settings = Settings()
    assert settings.map_tile_url == DEFAULT_TILE_URL
    assert settings.map_tile_attribution == DEFAULT_ATTRIBUTION
    assert settings.map_tile_attribution_url == DEFAULT_ATTRIBUTION_URL


# --- the listing page's map -----------------------------------------------------------------


def test_located_listing_page_loads_the_map(client: TestClient) -> None:
    soup = soup_of(client.get(f"/listings/{TOOL_POINT.id}"))
    assert {"/static/vendor/leaflet/leaflet.js", "/static/map.js"} <= \
        set(_script_sources(soup))
    section = soup.find(id="listing-map")
    assert section is not None, "the listing page leaves a #listing-map for map.js"
    assert (float(section["data-lat"]), float(section["data-lon"])) == (37.5563, 126.9019)


def test_unlocated_listing_page_loads_no_map(client: TestClient) -> None:
    soup = soup_of(client.get(f"/listings/{MEETING_ROOM.id}"))
    assert "/static/map.js" not in _script_sources(soup)


# --- the vendored files ---------------------------------------------------------------------


@pytest.mark.parametrize(("path", "marker"), [
    ("/static/vendor/leaflet/leaflet.js", f'version="{LEAFLET_VERSION}"'),
    ("/static/vendor/leaflet/leaflet.css", ".leaflet-container"),
    ("/static/vendor/leaflet/images/marker-icon.png", "PNG"),
    ("/static/vendor/leaflet/images/marker-shadow.png", "PNG"),
    ("/static/map.js", "results-map"),
], ids=["leaflet-js", "leaflet-css", "marker-icon", "marker-shadow", "map-js"])
def test_map_assets_are_served_by_the_site(client: TestClient, path: str, marker: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, f"{path} is not served"
    assert marker in response.content.decode("latin-1")


def test_vendored_leaflet_is_documented() -> None:
    folder = STATIC / "vendor" / "leaflet"
    assert f"Leaflet {LEAFLET_VERSION}" in (folder / "README.txt").read_text(encoding="utf-8")
    assert "BSD 2-Clause" in (folder / "LICENSE").read_text(encoding="utf-8")


def test_map_js_never_writes_html() -> None:
    script = (STATIC / "map.js").read_text(encoding="utf-8")
    assert not re.search(r"(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write",
                         script), "crawled text must go in as textContent"
    assert "textContent" in script
