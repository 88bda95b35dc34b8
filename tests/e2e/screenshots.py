"""Screenshots of every page type, for docs/screenshots/ (`python -m tests.e2e.screenshots`).

The same site the browser tests drive (the sample platforms' documents, a fixed Wednesday
noon in Seoul, map tiles that cannot load), in Debian's headless Chromium: each page type
in Korean at 1280×900, and the home and results pages on a 360×740 phone.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx
from bs4 import BeautifulSoup
from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.site_server import SiteServer, build_world

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _first(html: str, prefix: str) -> str:
    link = BeautifulSoup(html, "html.parser").select_one(f'main a[href^="{prefix}"]')
    return str(link["href"]) if link else prefix


def main(out: Path = OUT) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        build_world(Path(folder))
        with SiteServer(Path(folder)) as site, sync_playwright() as playwright:
            with httpx.Client(base_url=site.base_url, trust_env=False, timeout=60) as client:
                pages = {
                    "home": "/", "results": "/search?q=공구",
                    "results_en": "/search?q=meeting+room&lang=en",
                    "listing": _first(client.get("/search", params={"q": "공구"}).text,
                                      "/listings/"),
                    "platforms": "/platforms",
                    "platform": _first(client.get("/platforms").text, "/platforms/"),
                    "districts": "/districts",
                    "district": _first(client.get("/districts").text, "/districts/"),
                    "map": "/map?q=회의실", "not_found": "/listings/no-such-listing",
                }
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_ARGS, headless=True)
            for viewport, names in (({"width": 1280, "height": 900}, list(pages)),
                                    ({"width": 360, "height": 740}, ["home", "results"])):
                page = browser.new_page(viewport=viewport)
                for name in names:
                    page.goto(site.base_url + pages[name], wait_until="load")
                    suffix = "" if viewport["width"] > 400 else "_phone"
                    page.screenshot(path=str(out / f"{name}{suffix}.png"))
                page.close()
            browser.close()
    print(f"screenshots written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
