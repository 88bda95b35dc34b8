"""`/sitemap.xml`: every page a crawler should find, and a sitemap index past the limit."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pytest
from starlette.testclient import TestClient

from hub_site.hub_data import HubData
from hub_site.sitemap import Sitemaps
from index.catalog import Catalog
from index.tantivy_index import TantivyIndex
from normalizer.taxonomy import load_taxonomy
from tests.hub_site.conftest import HOSTILE, MEETING_ROOM, NOW, TOOL_POINT

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ORIGIN = "http://testserver"


def _parse(body: bytes) -> Element:
    root: Element = SafeET.fromstring(body)
    return root


def _urlset(root: Element) -> dict[str, str | None]:
    assert root.tag == f"{NS}urlset"
    return {url.findtext(f"{NS}loc", ""): url.findtext(f"{NS}lastmod")
            for url in root.iter(f"{NS}url")}


def test_sitemap_lists_home_and_every_listing(client: TestClient) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    urls = _urlset(_parse(response.content))
    for page in ("/", "/platforms", "/platforms/mapo-share", "/platforms/gangnam-yeyak",
                 "/districts", "/districts/11440", "/districts/11680"):
        assert f"{ORIGIN}{page}" in urls, f"{page} missing from the sitemap"
    for listing in (TOOL_POINT, MEETING_ROOM, HOSTILE):
        loc = f"{ORIGIN}/listings/{listing.id}"
        assert loc in urls, f"{listing.title} missing from the sitemap"
        # lastmod: the later of the source's update and the hub's first sight (W3C datetime)
        assert urls[loc] == "2025-05-01T03:00:00Z"
    # every listed page answers
    for loc in urls:
        assert client.get(loc.removeprefix(ORIGIN)).status_code == 200, loc


@pytest.fixture
def hub(catalog_path: Path, search_index: TantivyIndex) -> HubData:
    return HubData(catalog=Catalog(catalog_path, read_only=True), index=search_index,
                   taxonomy=load_taxonomy(), clock=lambda: NOW)


def test_over_the_limit_the_sitemap_becomes_an_index_of_parts(hub: HubData) -> None:
    # 7 site pages (home, platforms and 2, districts and 2) + 3 listings: 4 parts of 3
    sitemaps = Sitemaps(hub, max_urls=3)

    def absolute(path: str) -> str:
        return ORIGIN + path

    root = _parse(sitemaps.root_document(absolute))
    assert root.tag == f"{NS}sitemapindex"
    parts = [s.findtext(f"{NS}loc") for s in root.iter(f"{NS}sitemap")]
    assert parts == [f"{ORIGIN}/sitemaps/{n}.xml" for n in (1, 2, 3, 4)]
    # a part's lastmod is its newest listing's (the pages-only part has none)
    lastmods = [s.findtext(f"{NS}lastmod") for s in root.iter(f"{NS}sitemap")]
    assert lastmods == [None, None, "2025-05-01T03:00:00Z", "2025-05-01T03:00:00Z"]
    seen: list[str] = []
    for part in (1, 2, 3, 4):
        body = sitemaps.part_document(part, absolute)
        assert body is not None
        seen.extend(_urlset(_parse(body)))
    assert len(seen) == len(set(seen)) == 10
    assert sitemaps.part_document(5, absolute) is None
    assert sitemaps.part_document(0, absolute) is None


def test_sitemap_parts_route(client: TestClient) -> None:
    assert _urlset(_parse(client.get("/sitemaps/1.xml").content))
    for bad in ("/sitemaps/2.xml", "/sitemaps/0.xml", "/sitemaps/x.xml",
                "/sitemaps/99999999999.xml"):
        assert client.get(bad).status_code == 404, bad


def test_robots_txt_points_crawlers_at_the_sitemap_and_away_from_private_pages(
        client: TestClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert "Disallow: /staff" in lines
    assert "Disallow: /operators" in lines
    assert lines[-1] == "Sitemap: http://testserver/sitemap.xml"
