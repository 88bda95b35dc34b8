"""Hypothesis properties of the search endpoints over the real app: whatever a client puts in
the query string, the site answers 200 with a well-formed document, and what the client
typed comes back as text, never as markup.

Query strings are raw bytes as HTTP carries them (percent-encoded, so invalid UTF-8 and
encoded surrogates reach the app too), sent straight to the ASGI app: httpx would refuse
some of them, and a 10,000-character Korean text is longer than its URL limit. Hostile
values carry an `xfuzz` marker, so a tag or attribute the input introduced is found in the
parsed DOM by name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

import anyio
import anyio.from_thread
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Message

from hub_site import create_app
from hub_site.map_tiles import DEFAULT_TILE_URL, map_tiles
from hub_site.params import MAX_PAGE, clean_text
from index.catalog import Catalog
from index.tantivy_index import TantivyIndex
from tests.hub_site.conftest import NOW

MARKER = "xfuzz"
# Markup a client might hope to see rendered. Each element it would create has a name or an
# attribute carrying MARKER, or an event handler (the site has none: its CSP forbids inline
# script), or is an inline script: the checks look for exactly these.
PAYLOADS = [
    f"<script>{MARKER}(1)</script>", f'"><img src=x onerror={MARKER}()>',
    f"'><svg onload={MARKER}>", f"</title><{MARKER}-tag {MARKER}-attr=1>",
    f"</textarea><{MARKER}-b>", f"<!--<{MARKER}-c>-->", f"]]><{MARKER}-d/>",
    f'<a {MARKER}-a href="javascript:{MARKER}()">x</a>',
    f"<iframe {MARKER}-i src=//{MARKER}.example>", f"<style {MARKER}-s>@import 'x'</style>",
    "{{7*7}}", "${7*7}", "&lt;&amp;&#0;&#x0;", f"<{MARKER}-e onmouseover={MARKER}>",
]
# Query syntax of the engines the index could hand text to, and text that breaks naive code.
WORDS = [
    "AND", "OR", "NOT", "+", "-", "~", "~2", "^", "^3", "*", "?", "\"", "'", "(", ")", "[",
    "]", "{", "}", ":", "\\", "/", "title:x", "description:", "*:*", "[* TO *]", "드릴",
    "공구", "캠핑 텐트", "회의실", "마포구", "😀", "👨‍👩‍👧", "\u200b", "\u202e", "\ufeff",
    "\x00", "\x1b[31m", "\r\n", "\t", "%", "%00", "&", "=", "#", ";", "힣", "\uffff",
    " ", "NaN", "1e309",
]
_PIECES = st.one_of(st.sampled_from(WORDS + PAYLOADS), st.text(max_size=8))
SHORT_TEXT = st.lists(_PIECES, max_size=12).map("".join)
# 10,000 characters: a short hostile text repeated (drawing it character by character
# would spend the example budget on one long string).
LONG_TEXT = st.builds(lambda unit: (unit * (10_000 // max(1, len(unit)) + 1))[:10_000],
                      st.lists(_PIECES, min_size=1, max_size=12).map("".join).filter(bool))
QUERY_TEXT = st.one_of(SHORT_TEXT, LONG_TEXT)
NUMBERS = st.one_of(st.integers(-10**30, 10**30).map(str),
                    st.sampled_from(["-1", "0", "1", "500", "501", "99999999999999999999",
                                     "1e9", "1.5", "nan", "inf", "-inf", " 2 ", "٣", "２",
                                     "0x10", "", "+3", "1_000"]))
POINTS = st.one_of(
    st.tuples(st.floats(allow_nan=True), st.floats(allow_nan=True)).map(
        lambda p: f"{p[0]},{p[1]}"),
    st.sampled_from(["37.5563,126.9019", "91,181", "-90,-180", "garbage", ",", "37.5",
                     "NaN,NaN", "1e999,1e999", "37.5,126.9,0", "  -0 , -0  "]))
VALID = {
    "kind": ["item", "space", "vehicle"], "category": ["item.tools", "space.meeting_room"],
    "district": ["11440", "11680", "99999"], "source": ["mapo-share", "gangnam-yeyak"],
    "free": ["1", "0", "true", "no"], "open": ["1", "yes", "0"],
    "sort": ["relevance", "newest", "distance"], "near_district": ["11440", "11110"],
    "lang": ["en", "ko"],
}
PARAM_NAMES = [*VALID, "q", "page", "near", "cursor", "q[]", "", MARKER, "title:x"]
VALUES = st.one_of(QUERY_TEXT, NUMBERS, POINTS,
                   st.sampled_from([value for values in VALID.values() for value in values]))
RAW_VALUES = st.one_of(VALUES, st.binary(max_size=40))  # bytes: invalid UTF-8 and all
# Characters some clients leave unencoded; `+` means a space, `&` and `=` split pairs.
SAFE_CHARS = st.sampled_from(["", "/:,", "/:,*~^()[]!'$;@", "/:,+&="])
JUNK = st.sampled_from(["", "&", "&&", "=", "%", "%g1", "%%", "%E", "%ED%A0%80", "&=&", ";"])


def _pair(name: str, value: str | bytes, safe: str) -> str:
    return f"{quote(name, safe='')}={quote(value, safe=safe)}"


@st.composite
def query_strings(draw: st.DrawFn) -> bytes:
    """A query string of any search parameters, known and unknown, valid and hostile."""
    safe = draw(SAFE_CHARS)
    pairs = [_pair("q", draw(QUERY_TEXT), safe)] if draw(st.booleans()) else []
    for name in draw(st.lists(st.sampled_from(PARAM_NAMES), max_size=10)):
        pairs.append(_pair(name, draw(RAW_VALUES), safe))
    pairs.append(draw(JUNK))
    return "&".join(draw(st.permutations(pairs))).encode("ascii")


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


Get = Callable[[str, bytes], Answer]


async def _asgi_get(app: ASGIApp, path: str, query: bytes) -> Answer:
    """One GET through the whole ASGI app (middleware included) with a raw query string;
    an exception in the app propagates, so a crash fails the property with its traceback."""
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
        "root_path": "", "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    messages: list[Message] = []
    done = anyio.Event()
    requested = False

    async def receive() -> Message:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        messages.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    await app(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return Answer(start["status"], headers, body)


@pytest.fixture(scope="module")
def get(catalog_path: Path, search_index: TantivyIndex) -> Iterator[Get]:
    """GET any path with a raw query string, from the module's one app: the small world of
    conftest with the map on, and a rate limit too high to reach (it still runs)."""
    app = create_app(catalog=Catalog(catalog_path, read_only=True), index=search_index,
                     clock=lambda: NOW, map_tiles=map_tiles(DEFAULT_TILE_URL),
                     search_rate_per_s=1e9, search_burst=10**9)
    with anyio.from_thread.start_blocking_portal() as portal:
        yield lambda path, query: portal.call(_asgi_get, app, path, query)


def _expected_q(query: bytes) -> str:
    """The search text the page should show: the first `q` as Starlette decodes it (invalid
    UTF-8 becomes U+FFFD), cleaned like the site cleans it."""
    return clean_text(next(iter(QueryParams(query).getlist("q")), ""))


def _injected(names: list[str]) -> list[str]:
    return [name for name in names if MARKER in name.lower() or name.lower().startswith("on")]


def check_html(answer: Answer, query: bytes, heading_tag: str = "h1") -> BeautifulSoup:
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    soup = BeautifulSoup(answer.text, "html.parser")
    tags = soup.find_all(True)
    assert not _injected([tag.name for tag in tags]), f"markup reflected as elements: {query!r}"
    attributes = [name for tag in tags for name in tag.attrs]
    assert not _injected(attributes), f"markup reflected as attributes: {query!r}"
    for script in soup.find_all("script"):
        assert script.get("src") or script.get("type") == "application/ld+json", (
            f"inline script: {script}")
        assert MARKER not in script.get_text(), f"input inside a script: {script}"
    # Cut to the site's length limit, the text may end in a space the page trims, and a
    # heading shortens a long search further: its start must be there, as text.
    q = _expected_q(query).strip()[:60].strip()
    heading = soup.find(heading_tag)
    assert heading is not None
    assert q in heading.get_text(), f"the search text is not shown as text: {q!r}"
    return soup


def _strict_json(answer: Answer) -> Any:
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"

    def no_constant(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(answer.text, parse_constant=no_constant)


def check_search_page(answer: Answer, query: bytes) -> None:
    soup = check_html(answer, query)
    box = soup.find("input", id="q")
    assert box is not None, "no search box"
    shown = str(box.get("value") or "")
    expected = _expected_q(query).strip()
    # The box keeps the search as typed (up to the length limit), as text.
    assert shown.strip()[:60] == expected[:60], f"search box {box} for {query!r}"
    assert len(shown) <= len(expected) + 1, f"search box {box} for {query!r}"


def check_map_page(answer: Answer, query: bytes) -> None:
    check_html(answer, query)


def check_search_json(answer: Answer, query: bytes) -> None:
    data = _strict_json(answer)
    assert data["total"] >= 0, data
    assert 1 <= data["page"] <= MAX_PAGE, data
    assert len(data["results"]) <= data["page_size"]


def check_map_json(answer: Answer, query: bytes) -> None:
    data = _strict_json(answer)
    assert data["type"] == "FeatureCollection"
    for feature in data["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -90 <= lat <= 90, feature
        assert -180 <= lon <= 180, feature


def check_atom(answer: Answer, query: bytes) -> None:
    assert answer.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(answer.body)  # our own document: it must be well-formed XML
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert not [el.tag for el in root.iter() if MARKER in el.tag], f"elements from {query!r}"
    assert not [name for el in root.iter() for name in el.attrib if MARKER in name]


ENDPOINTS: dict[str, Callable[[Answer, bytes], None]] = {
    "/search": check_search_page,
    "/api/v1/search": check_search_json,
    "/feeds/search.atom": check_atom,
    "/map": check_map_page,
    "/api/v1/map": check_map_json,
}
HOSTILE_QS = [
    b"q=" + quote("".join(PAYLOADS) * 20).encode(),
    b"q=" + quote("드릴 😀 <script>xfuzz()</script>" * 400).encode(),  # 10,800 characters
    b"q=%ff%fe%ED%A0%80%00&page=-5&near=garbage&sort=%3Cx&category=%3Cxfuzz-f%3E",
    b"page=99999999999999999999&sort=distance&district=11440&near=91,181",
    b"kind=zzz&district=1&free=maybe&open=2&lang=%3Cxfuzz-g%3E&near_district=%ff",
]
FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("path", sorted(ENDPOINTS), ids=sorted(ENDPOINTS))
@FUZZ
@given(query=query_strings())
@example(query=HOSTILE_QS[0])
@example(query=HOSTILE_QS[1])
@example(query=HOSTILE_QS[2])
@example(query=HOSTILE_QS[3])
@example(query=HOSTILE_QS[4])
def test_any_query_string_is_answered_safely(get: Get, path: str, query: bytes) -> None:
    answer = get(path, query)
    assert answer.status == 200, f"{path}?{query!r}: {answer.status}: {answer.body[:300]!r}"
    ENDPOINTS[path](answer, query)


def _page(heading: str) -> Answer:
    html = (f"<!doctype html><html><head><title>t</title></head><body><h1>{heading}</h1>"
            "</body></html>")
    return Answer(200, {"content-type": "text/html; charset=utf-8",
                        "content-security-policy": "script-src 'self'"}, html.encode())


MARKUP_PAYLOADS = [payload for payload in PAYLOADS if "<" in payload]


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS,
                         ids=[f"payload{n}" for n in range(len(MARKUP_PAYLOADS))])
def test_the_checks_catch_markup_reflected_raw(payload: str) -> None:
    """The properties would pass vacuously if their checks missed a reflection: a page that
    shows the text raw fails them, the same page with the text escaped passes."""
    query = b"q=" + quote(payload).encode()
    check_html(_page(str(escape(clean_text(payload)))), query)
    with pytest.raises(AssertionError, match="markup reflected|inline script|not shown as text"):
        check_html(_page(clean_text(payload)), query)
