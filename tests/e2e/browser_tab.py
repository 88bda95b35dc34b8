"""One browser tab on the hub site, with what a person would see going wrong recorded:
console errors, uncaught script errors, Content-Security-Policy violations and
sub-resources (CSS, JS, images of the site itself) that failed to load."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["DESKTOP", "BrowserTab", "number_in", "open_tab"]

# Chromium reports CSP violations on the console too; this also catches report-only ones
# and names the directive. Init scripts run outside the page's CSP.
_CSP_WATCH = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI);
});
"""
_NUMBER = re.compile(r"\d[\d,]*")
_ELSEWHERE = re.compile(r"^(?!http://127\.0\.0\.1[:/])")
DESKTOP = {"width": 1280, "height": 900}


def number_in(text: str) -> int:
    """The first whole number written in `text` ("총 1,234건" → 1234)."""
    match = _NUMBER.search(text)
    assert match, f"no number in {text!r}"
    return int(match.group().replace(",", ""))


class BrowserTab:
    """A Playwright page on `base_url` that keeps a list of `problems`."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        page.add_init_script(_CSP_WATCH)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("response", self._on_response)

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and (
                source in (self.page.url, f"{self.base_url}/favicon.ico")
                or not source.startswith(self.base_url)):
            # The page's own status is the test's to check (a 404 page is a 404); the
            # browser asks for /favicon.ico on its own; map tiles from elsewhere may fail:
            # the page must cope, and is tested to.
            return
        self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _on_response(self, response: Any) -> None:
        own = response.url.startswith(self.base_url)
        if own and response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} for {response.url}")

    def goto(self, path: str) -> Any:
        """Open `path` on the site; returns Playwright's response."""
        return self.page.goto(self.base_url + path, wait_until="load")

    def query(self) -> dict[str, list[str]]:
        """The current URL's query string, as lists of values."""
        return parse_qs(urlsplit(self.page.url).query)

    def results_total(self) -> int:
        """The number of results the page announces ("총 N건" / "N results")."""
        heading = self.page.get_by_role("heading").filter(
            has_text=re.compile(r"총 [\d,]+건|[\d,]+ results?"))
        return number_in(heading.first.inner_text())

    def result_links(self) -> list[str]:
        """The titles of the result cards, in order."""
        cards = self.page.locator("main article h2 a, main article h3 a")
        return [text.strip() for text in cards.all_inner_texts()]

    def assert_clean(self) -> None:
        """Fail, listing them, when the tab saw errors, CSP violations or failed loads."""
        assert not self.problems, "the browser reported:\n" + "\n".join(self.problems)


@contextmanager
def open_tab(browser: Any, base_url: str, viewport: dict[str, int] | None = None,
             **options: Any) -> Iterator[BrowserTab]:
    """A fresh browser context (Korean, Seoul time) with one tab on the site; `options`
    go to `new_context` (is_mobile, java_script_enabled, ...). Nothing leaves loopback."""
    context = browser.new_context(viewport=viewport or DESKTOP, locale="ko-KR",
                                  timezone_id="Asia/Seoul", **options)
    context.set_default_timeout(30_000)  # a loaded CI machine is slow, never this slow
    context.route(_ELSEWHERE, lambda route: route.abort())  # map tiles elsewhere just fail
    try:
        yield BrowserTab(context.new_page(), base_url)
    finally:
        context.close()
