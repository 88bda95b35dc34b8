"""Every page type in the browser: no console errors, no CSP violation, no horizontal scroll
on a 360-pixel phone, no serious or critical axe-core violation; and the map view still
lists its results when its tiles cannot load."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hub_site.i18n import Translator
from tests.e2e.browser_tab import BrowserTab

PAGE_TYPES = ["home", "results", "results_en", "listing", "platforms", "platform", "districts",
              "district", "map", "not_found"]
KO = Translator("ko")


def _path(page_paths: dict[str, str | None], name: str) -> str:
    path = page_paths.get(name)
    if path is None:
        pytest.skip(f"the site has no {name} page yet")
    return path


def _visit(tab: BrowserTab, page_paths: dict[str, str | None], name: str) -> Any:
    """Open the page; the map also waits for its scripts' requests (tiles) to settle."""
    response = tab.goto(_path(page_paths, name))
    if name == "map":
        tab.page.wait_for_load_state("networkidle")
    return response


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_console_error_or_csp_violation(tab, page_paths, name):
    response = _visit(tab, page_paths, name)
    assert response.status == (404 if name == "not_found" else 200), tab.page.url
    assert tab.page.get_by_role("heading", level=1).count() == 1, "one h1 names the page"
    assert tab.page.get_by_role("main").count() == 1
    tab.assert_clean()


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_a_360_pixel_phone_never_scrolls_sideways(mobile_tab, page_paths, name):
    _visit(mobile_tab, page_paths, name)
    widths = mobile_tab.page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, view: window.innerWidth, "
        "wide: [...document.querySelectorAll('body *')].filter(e => "
        "e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => "
        "e.tagName + '.' + e.className)})")
    assert widths["view"] == 360
    assert widths["page"] <= widths["view"], \
        f"{name}: the page is {widths['page']} px wide on a 360 px screen: {widths['wide']}"
    mobile_tab.assert_clean()


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_serious_or_critical_accessibility_violation(tab, page_paths, name):
    axe_playwright = pytest.importorskip(
        "axe_playwright_python.sync_playwright",
        reason="axe-playwright-python (axe-core for Playwright) is not installed")
    _visit(tab, page_paths, name)
    results = axe_playwright.Axe().run(tab.page)
    grave = [v for v in results.response["violations"]
             if v["impact"] in ("serious", "critical")]
    assert not grave, f"axe-core on {name} ({tab.page.url}):\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at "
        f"{[node['target'] for node in v['nodes'][:3]]}" for v in grave)


def test_the_map_lists_its_results_when_tiles_cannot_load(tab, page_paths):
    _visit(tab, page_paths, "map")
    main = tab.page.get_by_role("main")
    assert main.get_by_role("link").filter(has_text=re.compile("회의실")).count() >= 1, \
        "the results are listed beside the map"
    tab.assert_clean()


def _switch_language(tab: BrowserTab) -> None:
    tab.page.get_by_role("link", name=KO("switch_language_label")).click()
    tab.page.wait_for_url(re.compile(r"lang=en"))


def test_the_map_keeps_its_search_in_english(tab, page_paths):
    tab.goto(_path(page_paths, "map"))
    _switch_language(tab)
    assert tab.query().get("q") == ["회의실"], tab.page.url
    assert tab.page.locator("html").get_attribute("lang") == "en"
    tab.assert_clean()


def test_the_watch_catches_a_csp_violation(tab):
    """The clean pages above mean something: an inline script is refused and reported."""
    tab.goto("/")
    tab.page.evaluate("() => { const s = document.createElement('script'); "
                      "s.textContent = 'window.injected = 1'; document.body.append(s); }")
    tab.page.wait_for_function("() => true")  # let the violation event reach the console
    for _ in range(50):
        if any("CSP violation: script-src" in p for p in tab.problems):
            break
        tab.page.wait_for_timeout(20)
    assert any("CSP violation: script-src" in p for p in tab.problems), tab.problems
    assert tab.page.evaluate("() => window.injected") is None, "the inline script never ran"
