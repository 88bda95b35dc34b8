"""The benchmarks, in a tiny world (figures are reported, speed is never asserted), and the
promises the crawl's performance changes keep: the same listings, the same index, the
same politeness."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser_rs
import httpx
import pytest

from bench.crawl_report import render_crawl_section
from bench.index_bench import render_index_section, run_index_bench
from bench.report_file import write_section
from bench.world import World
from bench.world_content import KINDS, build_document
from crawlers import FetchLimits, HostBudget, make_client
from index import Catalog, SearchQuery, TantivyIndex
from normalizer import Source, parse_document
from normalizer.feed_reader import read_feed
from normalizer.rss import parse_feed
from sample_platforms import SamplePlatforms, sample_sources
from sharehub.crawl import crawl_sources, register_sources
from sharehub.pipeline import RefreshDeps, refresh_source
from sharehub.runtime import demo_config
from sharehub.wiring import category_words
from tests.conftest import FIXTURE_SOURCES, FIXTURES, NOW

ROOT = Path(__file__).resolve().parents[1]

# --- the world ------------------------------------------------------------------------


def test_each_platform_has_its_own_host_but_every_tenth_shares_one():
    world = World(20, 2)
    hosts = [p.host for p in world.platforms]
    assert len(set(hosts)) == 18, hosts
    assert hosts[9] == hosts[8]
    assert hosts[19] == hosts[18]
    assert {p.kind for p in world.platforms} == set(KINDS)
    assert all(0.05 <= p.latency_s <= 0.1 for p in world.platforms)


def test_the_world_answers_like_real_platforms():
    world = World(4, 3, latency_ms=(0, 0))
    with world, httpx.Client(trust_env=False) as client:
        platform = world.platforms[1]
        first = client.get(world.url(platform))
        assert first.status_code == 200
        assert first.headers["etag"]
        again = client.get(world.url(platform), headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, "an unchanged document answers 304 to its ETag"
        robots = [client.get(world.url(p).rsplit("/", 2)[0] + "/robots.txt").status_code
                  for p in world.platforms]
        assert robots == [404, 200, 200, 200], "every fourth host has no robots.txt"
        assert world.revise(2) == [world.platforms[0], world.platforms[2]]
        changed = client.get(world.url(world.platforms[2]),
                             headers={"If-None-Match": first.headers["etag"]})
        assert changed.status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_every_world_document_normalizes_completely(kind):
    source = Source(id="p001", name="플랫폼", kind=kind, url="http://127.1.0.2/")
    result = parse_document(build_document(kind, "p001", 40, revision=1), source, NOW)
    assert len(result.listings) == 40, result.report.errors
    assert result.report.invalid == 0
    assert not result.report.unmapped_fields
    assert all(li.location.district_code for li in result.listings)
    assert len({li.id for li in result.listings}) == 40


# --- the benchmarks, tiny --------------------------------------------------------------


def test_index_bench_reports_both_engines_for_a_tiny_corpus():
    figures = run_index_bench(60)
    assert figures["size"] == 60
    section = render_index_section(figures).lower()
    assert "tantivy" in section
    assert "fts5" in section
    json.dumps(figures)  # JSON-ready


def test_a_report_section_replaces_only_itself(tmp_path):
    report = tmp_path / "REPORT.md"
    report.write_text("# r\n\n<!-- other:start -->\nkeep\n<!-- other:end -->\n")
    write_section("crawl-bench", "second", report)
    write_section("crawl-bench", "third", report)
    text = report.read_text()
    assert "keep" in text
    assert "third" in text
    assert "second" not in text


def test_sharehub_bench_crawl_reports_every_figure_for_a_tiny_world():
    result = subprocess.run(
        [sys.executable, "-m", "sharehub", "bench", "crawl", "--platforms", "4",
         "--listings-per-platform", "3", "--latency-ms", "0", "--workers", "4",
         "--parse-processes", "0", "--json", "--no-report"],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["world"]["listings"] == 12
    assert figures["world"]["hosts"] == 4
    for leg in ("baseline", "sharehub_full", "sharehub_304"):
        assert figures[leg]["listings"] == 12, (leg, figures[leg])
        assert figures[leg]["wall_s"] > 0
        assert figures[leg]["peak_rss_mb"] > 0
    assert figures["baseline"]["requests_by_status"] == {"200": 4}
    full, recrawl = figures["sharehub_full"], figures["sharehub_304"]
    assert full["requests_by_status"] == {"200": 7, "404": 1}, \
        "one robots.txt per host (one host has none), then each document"
    assert full["runs"] == {"ok": 4}
    assert full["index_documents"] == 12
    assert recrawl["requests_by_status"] == {"200": 1, "304": 3}, \
        "robots.txt stays cached; the revised platform sends its document"
    assert recrawl["runs"] == {"ok": 1, "unchanged": 3}
    assert recrawl["updated"] == 1
    assert set(figures["targets"]) == {"full_at_least_10x_baseline",
                                       "recrawl_at_least_5x_faster"}
    section = render_crawl_section(figures, "sharehub bench crawl --platforms 4")
    assert "| baseline:" in section
    assert "Re-crawl vs the full crawl" in section


def test_sharehub_bench_crawl_refuses_a_bad_latency():
    result = subprocess.run([sys.executable, "-m", "sharehub", "bench", "crawl",
                             "--latency-ms", "fast", "--no-report"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 2
    assert "--latency-ms" in result.stderr


# --- feedparser-rs reads what feedparser read --------------------------------------------

_MALFORMED = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
              "<item><title>회의실 A</title><link>https://b.example.kr/1</link></item>"
              "<item><title>회의실 B<title></item></channel>").encode()


def _feed_with_date(date: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
            f"<title>회의실</title><link>https://c.example.kr/1</link><pubDate>{date}</pubDate>"
            "</item></channel></rss>").encode()


@pytest.mark.parametrize("path", sorted((FIXTURES / "rss").glob("*.xml")),
                         ids=lambda p: p.name)
def test_well_formed_fixtures_take_the_fast_reader(path):
    assert isinstance(read_feed(path.read_bytes()), feedparser_rs.FeedParserDict)


@pytest.mark.parametrize(("body", "expected"), [
    (_feed_with_date("Mon, 02 Nov 2026 09:00:00 +0900"), "2026-11-02T00:00:00+00:00"),
    # feedparser-rs reads neither; feedparser does (KST as UTC, its own reading).
    (_feed_with_date("Mon, 2 Nov 2026 9:00:00 KST"), "2026-11-02T09:00:00+00:00"),
    (_feed_with_date("20261102"), "2026-11-02T00:00:00+00:00"),
], ids=["rfc822", "zone-name", "compact-korean"])
def test_dates_read_as_feedparser_reads_them(body, expected):
    listing = parse_feed(body, FIXTURE_SOURCES["rss"], NOW).listings[0]
    assert listing.source_updated_at is not None
    assert listing.source_updated_at.isoformat() == expected


def test_a_malformed_feed_keeps_the_items_before_the_break():
    result = parse_feed(_MALFORMED, FIXTURE_SOURCES["rss"], NOW)
    assert [li.title for li in result.listings] == ["회의실 A"], \
        "feedparser's loose reading, as before feedparser-rs"


def test_bytes_that_look_like_a_url_are_never_fetched():
    assert read_feed(b"http://169.254.169.254/latest/meta-data/").get("bozo")


# --- politeness: robots.txt does not cost a whole delay, Crawl-delay still counts --------

class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.mark.parametrize(("crawl_delay", "first_document_at"), [
    (None, 0.0), (0.5, 0.5), (3.0, 3.0),
], ids=["no-crawl-delay", "crawl-delay-below-min", "crawl-delay-above-min"])
def test_first_document_after_robots_txt(crawl_delay, first_document_at):
    clock = _Clock()
    budget = HostBudget(min_delay_s=1.0, clock=clock, sleep=clock.sleep)
    with budget.slot("a.kr", max_wait_s=10, paced=False):
        pass
    budget.set_crawl_delay("a.kr", crawl_delay)
    with budget.slot("a.kr", max_wait_s=10):
        started = clock.now
    with budget.slot("a.kr", max_wait_s=10):
        second = clock.now
    assert started == first_document_at
    assert second - started == max(1.0, crawl_delay or 0.0), "documents stay paced"


# --- batching the index and the parse pool change nothing ------------------------------

def _crawl(tmp_path: Path, platforms: SamplePlatforms, *, batched: bool,
           parse_processes: int = 0) -> dict[str, str]:
    limits = FetchLimits(allow_private_networks=True)
    config = demo_config([s for s in sample_sources(platforms.base_url)
                          if s["kind"] in ("rss", "csv", "json_feed")])
    with make_client(limits) as client:
        deps = RefreshDeps(Catalog(tmp_path / "catalog.sqlite3"),
                           TantivyIndex(tmp_path / "index", category_words()), client, limits)
        register_sources(config, deps)
        if batched:
            crawl_sources(config.sources, deps, parse_processes=parse_processes)
        else:
            for schedule in config.sources:
                refresh_source(schedule.to_source(), deps)
        found = {h.listing.id: h.listing.model_dump_json(exclude={"first_seen_at",
                                                                  "last_seen_at"})
                 for h in deps.index.search(SearchQuery(limit=100)).hits}
        assert len(found) == deps.catalog.count_listings() > 0
        deps.index.close()
        deps.catalog.close()
    return found


def test_batched_index_and_parse_pool_give_the_same_index(tmp_path):
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        one_by_one = _crawl(tmp_path / "a", platforms, batched=False)
        batched = _crawl(tmp_path / "b", platforms, batched=True)
        pooled = _crawl(tmp_path / "c", platforms, batched=True, parse_processes=1)
    assert batched == one_by_one
    assert pooled == one_by_one
