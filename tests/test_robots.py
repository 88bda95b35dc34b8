"""robots.txt per RFC 9309: rules for "sharehub", the cache, and the fetcher obeying it
against a real loopback server."""

from __future__ import annotations

import re
import threading
import time

import pytest

from crawlers import (
    FetchLimits,
    HostBudget,
    RobotsCache,
    RobotsDisallowed,
    fetch_url,
    make_client,
)
from crawlers.robots import MAX_ROBOTS_BYTES, RobotsAnswer, parse_robots, robots_url_for
from sample_platforms import SamplePlatforms, sample_sources
from sharehub.crawl import crawl_sources, register_sources
from sharehub.runtime import demo_config, open_deps
from sharehub.settings import Settings
from tests.loopback import LoopbackServer

LIMITS = FetchLimits(allow_private_networks=True, backoff_base_s=0.01, read_timeout_s=2.0)
ROBOTS_URL = "http://platform.example/robots.txt"

RULES = b"""# a district office
User-agent: *
Disallow: /admin/
Crawl-delay: 1

User-agent: sharehub
Disallow: /private/
Allow: /private/open.csv
Crawl-delay: 2.5
"""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ScriptedLoader:
    """Answers robots.txt requests from a script (last answer repeats), counting calls."""

    def __init__(self, *answers: RobotsAnswer) -> None:
        self.answers = list(answers)
        self.calls: list[str] = []

    def __call__(self, robots_url: str) -> RobotsAnswer:
        self.calls.append(robots_url)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def _allows(body: bytes, path: str) -> bool:
    rules = parse_robots(ROBOTS_URL, RobotsAnswer(200, body))
    return rules.allows("http://platform.example" + path)


@pytest.mark.parametrize(("path", "allowed"), [
    ("/feed.xml", True),
    ("/admin/page", True),  # the * group does not apply: sharehub has its own group
    ("/private/list.csv", False),
    ("/private/open.csv", True),  # the longest match wins (Google, RFC 9309 §2.2.2)
    ("/robots.txt", True),
], ids=["plain", "star-group-ignored", "disallowed", "longest-allow-wins", "robots-itself"])
def test_rules_of_the_sharehub_group_apply(path, allowed):
    assert _allows(RULES, path) is allowed


def test_the_star_group_applies_when_sharehub_has_none():
    body = b"User-agent: *\nDisallow: /admin/\n\nUser-agent: otherbot\nDisallow: /\n"
    assert _allows(body, "/admin/x") is False
    assert _allows(body, "/feed.xml") is True


def test_a_product_token_inside_another_name_does_not_match():
    assert _allows(b"User-agent: notsharehub\nDisallow: /\n", "/feed.xml") is True


def test_crawl_delay_and_request_rate_become_the_host_delay():
    assert parse_robots(ROBOTS_URL, RobotsAnswer(200, RULES)).crawl_delay_s == 2.5
    rate = b"User-agent: *\nRequest-rate: 1/5s\n"
    assert parse_robots(ROBOTS_URL, RobotsAnswer(200, rate)).crawl_delay_s == 5.0
    assert parse_robots(ROBOTS_URL, RobotsAnswer(200, b"")).crawl_delay_s is None


def test_only_the_first_500_kib_are_parsed():
    padding = b"# " + b"x" * 98 + b"\n"
    late = b"User-agent: *\nDisallow: /early/\n" + padding * 6000 + b"Disallow: /late/\n"
    assert len(late) > MAX_ROBOTS_BYTES
    assert _allows(late, "/early/x") is False
    assert _allows(late, "/late/x") is True, "a rule after 500 KiB is not read"


@pytest.mark.parametrize(("url", "robots_url"), [
    ("http://Platform.Example/a/b?c=1", "http://platform.example/robots.txt"),
    ("http://platform.example:80/x", "http://platform.example/robots.txt"),
    ("https://platform.example:8443/x", "https://platform.example:8443/robots.txt"),
    ("http://user:pw@platform.example/x", "http://platform.example/robots.txt"),
    ("http://[::1]:8080/x", "http://[::1]:8080/robots.txt"),
], ids=["case", "default-port", "scheme-and-port", "userinfo", "ipv6"])
def test_one_robots_txt_per_scheme_host_and_port(url, robots_url):
    assert robots_url_for(url) == robots_url


def test_cache_fetches_once_per_origin_and_again_after_24_hours():
    clock, loader = FakeClock(), ScriptedLoader(RobotsAnswer(200, RULES))
    cache = RobotsCache(clock=clock)
    for path in ("/a", "/b", "/c"):
        cache.rules_for("http://platform.example" + path, loader)
    cache.rules_for("https://platform.example/a", loader)
    assert loader.calls == [ROBOTS_URL, "https://platform.example/robots.txt"]
    clock.now += 24 * 3600 - 1
    cache.rules_for("http://platform.example/a", loader)
    assert len(loader.calls) == 2
    clock.now += 2
    cache.rules_for("http://platform.example/a", loader)
    assert len(loader.calls) == 3, "a copy is never used for more than 24 hours"


def test_cache_ttl_cannot_be_set_above_24_hours():
    assert RobotsCache(ttl_s=7 * 24 * 3600).ttl_s == 24 * 3600


def test_an_unavailable_robots_txt_disallows_and_is_asked_again_soon():
    clock = FakeClock()
    loader = ScriptedLoader(RobotsAnswer(503), RobotsAnswer(404))
    cache = RobotsCache(clock=clock, failure_ttl_s=600)
    with pytest.raises(RobotsDisallowed, match=r"robots\.txt .*disallowed.*HTTP 503") as err:
        cache.check("http://platform.example/feed.xml", loader)
    assert err.value.retry_after_s == pytest.approx(600)
    clock.now += 601
    assert cache.check("http://platform.example/feed.xml", loader).verdict == "allow_all"
    assert len(loader.calls) == 2


def test_a_good_copy_keeps_applying_while_robots_txt_is_unavailable():
    clock = FakeClock()
    loader = ScriptedLoader(RobotsAnswer(200, RULES), RobotsAnswer(None, detail="timed out"))
    cache = RobotsCache(clock=clock, failure_ttl_s=600)
    cache.check("http://platform.example/feed.xml", loader)
    clock.now += 25 * 3600
    rules = cache.check("http://platform.example/feed.xml", loader)
    assert rules.verdict == "parse", "RFC 9309 §2.4: the cached copy may be used"
    with pytest.raises(RobotsDisallowed, match="/private/x is off-limits to sharehub"):
        cache.check("http://platform.example/private/x", loader)
    assert len(loader.calls) == 2
    clock.now += 601
    cache.check("http://platform.example/feed.xml", loader)
    assert len(loader.calls) == 3, "the failed refresh is retried after failure_ttl_s"


def test_concurrent_callers_share_one_load():
    started = threading.Event()

    def slow_loader(robots_url):
        started.set()
        time.sleep(0.05)
        return RobotsAnswer(200, RULES)

    counting = ScriptedLoader(RobotsAnswer(200, RULES))

    def loader(robots_url):
        counting(robots_url)
        return slow_loader(robots_url)

    cache = RobotsCache()
    threads = [threading.Thread(target=cache.rules_for, args=(f"http://platform.example/{n}",
                                                                loader)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert counting.calls == [ROBOTS_URL]


# --- the fetcher obeying robots.txt, against a loopback server -------------------------

def _text(body):
    return lambda h: (200, {"Content-Type": "text/plain"}, body)


def _fetch(server, path, cache, budget=None, limits=LIMITS):
    with make_client(limits) as client:
        return fetch_url(server.url(path), client, limits, robots=cache, budget=budget)


def test_robots_404_allows_everything_and_is_asked_once():
    with LoopbackServer({"/feed.xml": _text(b"<rss/>")}) as server:
        cache = RobotsCache()
        for _ in range(3):
            assert _fetch(server, "/feed.xml", cache).body == b"<rss/>"
    assert server.paths() == ["/robots.txt", "/feed.xml", "/feed.xml", "/feed.xml"]
    assert "sharehub" in server.requests[0][1]["User-Agent"]


def test_a_disallowed_url_is_refused_without_being_requested():
    routes = {"/robots.txt": _text(RULES), "/private/list.csv": _text(b"secret")}
    with LoopbackServer(routes) as server:
        with pytest.raises(RobotsDisallowed, match=r"robots\.txt at http://127\.0\.0\.1:\d+/"
                                                   r"robots\.txt: disallowed: /private/"):
            _fetch(server, "/private/list.csv", RobotsCache())
    assert server.paths() == ["/robots.txt"]


@pytest.mark.parametrize(("route", "reason"), [
    (lambda h: (503, {}, b"busy"), "HTTP 503"),
    (lambda h: (500, {}, b"oops"), "HTTP 500"),
    (lambda h: (h.wfile.write(b"garbage, not HTTP\r\n\r\n"), None)[1], "unreachable"),
], ids=["503", "500", "unreachable"])
def test_robots_server_error_or_unreachable_disallows_everything(route, reason):
    with LoopbackServer({"/robots.txt": route, "/feed.xml": _text(b"<rss/>")}) as server:
        with pytest.raises(RobotsDisallowed, match=rf"robots\.txt .*: disallowed \({reason}"):
            _fetch(server, "/feed.xml", RobotsCache())
    assert "/feed.xml" not in server.paths()


def test_robots_redirects_are_followed():
    routes = {"/robots.txt": lambda h: (301, {"Location": "/real-robots.txt"}, b""),
              "/real-robots.txt": _text(b"User-agent: *\nDisallow: /private/\n"),
              "/feed.xml": _text(b"<rss/>")}
    with LoopbackServer(routes) as server:
        cache = RobotsCache()
        assert _fetch(server, "/feed.xml", cache).body == b"<rss/>"
        with pytest.raises(RobotsDisallowed):
            _fetch(server, "/private/x", cache)


def test_an_endless_robots_redirect_chain_means_unavailable():
    routes = {"/robots.txt": lambda h: (302, {"Location": "/robots.txt"}, b""),
              "/feed.xml": _text(b"<rss/>")}
    with LoopbackServer(routes) as server:
        assert _fetch(server, "/feed.xml", RobotsCache()).body == b"<rss/>"
    assert server.paths().count("/robots.txt") == LIMITS.max_redirects + 1


def test_an_oversized_robots_txt_is_read_to_500_kib():
    big = b"User-agent: *\nDisallow: /early/\n" + b"# padding\n" * 60_000 + b"Disallow: /\n"
    routes = {"/robots.txt": _text(big), "/feed.xml": _text(b"<rss/>"),
              "/early/x": _text(b"no")}
    with LoopbackServer(routes) as server:
        cache = RobotsCache()
        assert _fetch(server, "/feed.xml", cache).body == b"<rss/>"
        with pytest.raises(RobotsDisallowed):
            _fetch(server, "/early/x", cache)


def test_crawl_delay_spaces_requests_to_the_host():
    routes = {"/robots.txt": _text(b"User-agent: sharehub\nCrawl-delay: 0.3\n"),
              "/a": _text(b"a"), "/b": _text(b"b")}
    with LoopbackServer(routes) as server:
        cache, budget = RobotsCache(), HostBudget(min_delay_s=0.0)
        _fetch(server, "/a", cache, budget)
        _fetch(server, "/b", cache, budget)
    times = dict(server.arrivals)
    assert times["/b"] - times["/a"] >= 0.28, "Crawl-delay: 0.3 must space the requests"


# --- on the source: a refresh refused by robots.txt is a failed run that says why ------

def test_a_refresh_refused_by_robots_txt_is_recorded_on_the_source(tmp_path):
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        platforms.set_body("/robots.txt", "User-agent: sharehub\nDisallow: /company/\n",
                           content_type="text/plain")
        wanted = {"modu-spaces", "mapo-tools"}
        config = demo_config([s for s in sample_sources(platforms.base_url)
                              if s["id"] in wanted])
        settings = Settings(data_dir=tmp_path, crawl_host_min_delay_s=0.0)
        with open_deps(settings, config) as deps:
            register_sources(config, deps)
            runs = {o.source_id: o.run for o in crawl_sources(config.sources, deps)}
            again = {o.source_id: o.run for o in crawl_sources(config.sources, deps)}
        paths = [r.path for r in platforms.requests]
    assert runs["modu-spaces"].status == "failed"
    assert re.fullmatch(r"fetch: robots\.txt at http://127\.0\.0\.1:\d+/robots\.txt: "
                        r"disallowed: /company/feed\.xml is off-limits to sharehub",
                        runs["modu-spaces"].error), runs["modu-spaces"].error
    assert runs["mapo-tools"].status == "ok", "other paths on the host are still crawled"
    assert again["mapo-tools"].status == "unchanged"
    assert paths.count("/robots.txt") == 1, "one robots.txt fetch shared across runs"
    assert "/company/feed.xml" not in paths
