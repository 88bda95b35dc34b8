"""End-to-end fixtures: the real site on loopback and Debian's headless Chromium.

Every test here skips, with the reason, when /usr/bin/chromium or the `playwright` package
is missing (`make browser` installs Chromium; `playwright install` is never used: the
browser comes from Debian, the driver from the playwright wheel).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.e2e.browser_tab import BrowserTab, open_tab
from tests.e2e.site_server import SiteServer, build_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-quic", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    folder = tmp_path_factory.mktemp("e2e-site")
    build_world(folder)
    with SiteServer(folder) as server:
        yield server


# Per module, not per session: Playwright's sync API keeps an event loop running in this
# thread while it is started, and tests after these ones may call asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (`make browser`, "
                    "or apt-get install chromium) to run the browser tests")
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="the playwright package is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser: Any, site: SiteServer) -> Iterator[BrowserTab]:
    """A desktop-sized tab that records console errors, CSP violations and failed loads."""
    with open_tab(browser, site.base_url) as tab:
        yield tab


@pytest.fixture
def mobile_tab(browser: Any, site: SiteServer) -> Iterator[BrowserTab]:
    """A 360×740 phone: touch, device pixel ratio 3."""
    with open_tab(browser, site.base_url, {"width": 360, "height": 740}, is_mobile=True,
                  has_touch=True, device_scale_factor=3) as tab:
        yield tab


def _first_link(html: str, prefix: str) -> str | None:
    link = BeautifulSoup(html, "html.parser").select_one(f'main a[href^="{prefix}"]')
    return str(link["href"]) if link else None


@pytest.fixture(scope="session")
def page_paths(site: SiteServer) -> dict[str, str | None]:
    """One path per page type the site has right now (None: the site lacks that page)."""
    paths: dict[str, str | None] = {"home": "/", "results": "/search?q=회의실",
                                    "results_en": "/search?q=meeting+room&lang=en",
                                    "not_found": "/listings/no-such-listing"}
    with httpx.Client(base_url=site.base_url, trust_env=False, timeout=60) as client:
        results = client.get("/search", params={"q": "공구"}).text
        paths["listing"] = _first_link(results, "/listings/")
        for index_path, detail in (("/platforms", "/platforms/"),
                                   ("/districts", "/districts/")):
            answer = client.get(index_path)
            name = index_path.strip("/")
            paths[name] = index_path if answer.status_code == 200 else None
            paths[name.rstrip("s")] = (_first_link(answer.text, detail)
                                       if answer.status_code == 200 else None)
        mapped = client.get("/map", params={"q": "회의실"})
        paths["map"] = "/map?q=회의실" if mapped.status_code == 200 else None
    return paths
