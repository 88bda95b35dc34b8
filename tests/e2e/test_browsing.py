"""What a citizen does on the hub, in a real browser: search, narrow with a facet and undo
it, switch language, open a listing, and all of it with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from hub_site.i18n import Translator
from normalizer.taxonomy import load_taxonomy
from tests.e2e.browser_tab import BrowserTab, number_in, open_tab

KO = Translator("ko")
EN = Translator("en")


def _search_box(tab: BrowserTab) -> Any:
    return tab.page.get_by_role("searchbox", name=KO("search_label"))


def _open_facets(tab: BrowserTab) -> None:
    """Facets sit in a disclosure that starts closed when nothing is ticked."""
    summary = tab.page.locator("details summary").filter(has_text=KO("facets_heading"))
    if summary.count() and not summary.first.evaluate("el => el.parentElement.open"):
        summary.first.click()


def test_search_from_the_home_page_shows_matching_results(tab):
    tab.goto("/")
    _search_box(tab).fill("공구")
    tab.page.get_by_role("button", name=KO("search_button"), exact=True).first.click()
    tab.page.wait_for_url(re.compile(r"/search\?"))
    assert tab.query().get("q") == ["공구"], tab.page.url
    assert tab.results_total() >= 1
    titles = tab.result_links()
    assert any("공구" in title for title in titles), titles
    assert _search_box(tab).input_value() == "공구", "the box keeps what was searched"
    tab.assert_clean()


def _autosubmits(tab: BrowserTab, javascript: bool = True) -> bool:
    """Whether ticking a facet submits at once (the site's facets.js), or waits for the
    form's "apply" button (always, without JavaScript)."""
    return javascript and tab.page.locator("form[data-autosubmit] .facet").count() > 0


def _tick_and_apply(tab: BrowserTab, checkbox: Any, javascript: bool) -> None:
    if _autosubmits(tab, javascript):
        with tab.page.expect_navigation():
            checkbox.click()
    else:
        checkbox.click()
        tab.page.get_by_role("button", name=KO("apply_filters")).click()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_facet_checkbox_narrows_the_results_and_its_chip_undoes_it(browser, site,
                                                                      javascript):
    with open_tab(browser, site.base_url, java_script_enabled=javascript) as tab:
        _narrow_and_undo(tab, javascript)


def _narrow_and_undo(tab: BrowserTab, javascript: bool) -> None:
    tab.goto("/search?q=")
    everything = tab.results_total()
    _open_facets(tab)
    mapo = tab.page.get_by_role("checkbox", name=re.compile("마포구"))
    assert mapo.count() >= 1, "a district facet offers 마포구"
    label = tab.page.locator(f'label[for="{mapo.first.get_attribute("id")}"]').inner_text()
    _tick_and_apply(tab, mapo.first, javascript)
    tab.page.wait_for_url(re.compile(r"district=11440"))
    narrowed = tab.results_total()
    assert 0 < narrowed < everything, (narrowed, everything)
    assert narrowed == number_in(label.split("마포구", 1)[1]), \
        f"the facet promised {label!r}, the page shows {narrowed}"
    assert tab.page.get_by_role("checkbox", name=re.compile("마포구")).first.is_checked()
    chips = tab.page.get_by_role("list", name=KO("filters"))
    chip = chips.get_by_role("link", name=re.compile("마포구"))
    assert chip.count() == 1, "the active filter shows as a removable chip"
    chip.click()
    tab.page.wait_for_load_state()
    assert "district" not in tab.query(), tab.page.url
    assert tab.results_total() == everything
    assert tab.page.get_by_role("list", name=KO("filters")).count() == 0
    tab.assert_clean()


def test_switching_to_english_keeps_the_search_and_its_filters(tab):
    tab.goto("/search?q=회의실&district=11680")
    korean_total = tab.results_total()
    tab.page.get_by_role("link", name=KO("switch_language_label")).click()
    tab.page.wait_for_url(re.compile(r"lang=en"))
    query = tab.query()
    assert query.get("q") == ["회의실"], tab.page.url
    assert query.get("district") == ["11680"], tab.page.url
    assert tab.page.locator("html").get_attribute("lang") == "en"
    assert tab.page.get_by_role("searchbox", name=EN("search_label")).input_value() == "회의실"
    assert tab.results_total() == korean_total
    heading = tab.page.get_by_role("heading", level=1).inner_text()
    assert heading == EN("results_for", q="회의실"), heading
    tab.page.get_by_role("link", name=EN("switch_language_label")).click()
    tab.page.wait_for_load_state()
    assert "lang" not in tab.query()
    assert tab.query().get("q") == ["회의실"]
    tab.assert_clean()


def test_a_result_opens_its_listing_page(tab):
    tab.goto("/search?q=공구도서관")
    first = tab.result_links()[0]
    tab.page.locator("main article").first.get_by_role("link", name=first).first.click()
    tab.page.wait_for_url(re.compile(r"/listings/"))
    assert tab.page.get_by_role("heading", level=1).inner_text().strip() == first
    assert "마포구" in tab.page.locator("main").inner_text(), "the listing says where it is"
    tab.assert_clean()


def _focused(tab: BrowserTab) -> dict[str, str]:
    focused: dict[str, str] = tab.page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName, "
        "type: e.type || '', id: e.id || '', name: e.name || '', "
        "text: (e.innerText || e.value || '').trim()}; }")
    return focused


def _tab_until(tab: BrowserTab, wanted: Callable[[dict[str, str]], bool],
               most: int = 60) -> dict[str, str]:
    for _ in range(most):
        tab.page.keyboard.press("Tab")
        focused = _focused(tab)
        if wanted(focused):
            return focused
    pytest.fail(f"Tab never reached it in {most} presses; focus ended on {_focused(tab)}")


def test_keyboard_only_search_and_facet(tab):
    tab.goto("/")
    first = _tab_until(tab, lambda f: True, most=1)
    assert first["text"] == KO("skip_to_content"), "the first Tab stop skips to the content"
    _tab_until(tab, lambda f: f["id"] == "q", most=8)
    tab.page.keyboard.type("회의실")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_url(re.compile(r"/search\?"))
    assert tab.query().get("q") == ["회의실"]
    total = tab.results_total()

    focused = _tab_until(tab, lambda f: f["type"] == "checkbox"
                         or f["tag"] == "SUMMARY" and f["text"] == KO("facets_heading"))
    if focused["tag"] == "SUMMARY":  # the disclosure opens from the keyboard too
        tab.page.keyboard.press("Enter")
        focused = _tab_until(tab, lambda f: f["type"] == "checkbox")
    checkbox = tab.page.locator(f'input[id="{focused["id"]}"]')
    if _autosubmits(tab):  # facets.js applies a ticked box at once
        with tab.page.expect_navigation():
            tab.page.keyboard.press("Space")
    else:
        tab.page.keyboard.press("Space")
        assert checkbox.is_checked()
        _tab_until(tab, lambda f: f["tag"] == "BUTTON" and f["text"] == KO("apply_filters"))
        tab.page.keyboard.press("Enter")
    tab.page.wait_for_url(re.compile(rf"{focused['name']}="))
    assert tab.query().get("q") == ["회의실"], "the text search is kept"
    assert tab.results_total() <= total
    tab.assert_clean()


def test_a_phone_finds_a_free_tool_point_open_now_in_its_district_in_three_taps(mobile_tab):
    tab, taps = mobile_tab, 0
    tab.goto("/")
    tab.page.get_by_role("link", name=KO("free_open_now_shortcut")).tap()
    taps += 1
    tab.page.wait_for_url(re.compile(r"/search\?"))
    summary = tab.page.locator("details summary").filter(has_text=KO("facets_heading"))
    if summary.count() and not summary.first.evaluate("el => el.parentElement.open"):
        summary.first.tap()
        taps += 1
    mapo = tab.page.get_by_role("checkbox", name=re.compile("마포구")).first
    if _autosubmits(tab):
        with tab.page.expect_navigation():
            mapo.tap()
        taps += 1
    else:
        mapo.tap()
        tab.page.get_by_role("button", name=KO("apply_filters")).tap()
        taps += 2
    assert taps <= 3, f"it took {taps} taps"
    first = tab.page.locator("main article").first.inner_text()
    tools = load_taxonomy().categories["item.tools"].ko
    for shown in ("마포구", KO("free"), tools):
        assert shown in first, f"the first result should say {shown!r}:\n{first}"
    chips = tab.page.get_by_role("list", name=KO("filters")).inner_text()
    for active in ("마포구", KO("open_now")):
        assert active in chips, f"the active filters should show {active!r}: {chips!r}"
    tab.assert_clean()


def test_paging_moves_through_the_results_and_keeps_the_search(tab):
    tab.goto("/search?q=공구&free=1")
    total = tab.results_total()
    assert total > 10, "the sample world has more than one page of free tool results"
    first_page = tab.result_links()
    tab.page.locator('nav.pager a[rel="next"]').click()
    tab.page.wait_for_load_state()
    assert tab.query().get("page") == ["2"]
    assert tab.query().get("q") == ["공구"]
    assert tab.query().get("free") == ["1"]
    second_page = tab.result_links()
    assert second_page
    assert not set(first_page) & set(second_page), "page 2 repeats page 1"
    assert tab.results_total() == total
    tab.page.locator('nav.pager a[rel="prev"]').click()
    tab.page.wait_for_load_state()
    assert tab.result_links() == first_page
    tab.assert_clean()
