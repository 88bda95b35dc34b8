"""The site benchmark in a tiny world: every figure is reported (speed is never asserted),
every page answers 200, and the report section states the targets."""

from __future__ import annotations

import json

import pytest

from bench.site_bench import run_site_bench
from bench.site_report import render_site_section
from sharehub.cli import main as cli_main

PAGES = ("results", "browse", "home", "listing")


@pytest.fixture(scope="module")
def figures():
    return run_site_bench(120, repeat=1, clients=4, per_client=2)


def test_every_page_answers_and_is_measured(figures):
    assert figures["errors"] == [], "every page the bench asks for answers 200"
    assert figures["size"] == 120
    for page in PAGES:
        server = figures[page]["server_ms"]
        assert 0 < server["p50"] <= server["p95"] <= server["p99"], (page, server)
        assert figures[page]["html_kb"]["max"] > 1, f"{page}: a real page, not an empty body"
        assert figures[page]["assets_kb"] > 0, f"{page}: the stylesheet it links is counted"
    assert figures["results"]["server_ms"]["requests"] == 12, "12 texts, one timed pass"


def test_baselines_and_load_are_in_the_same_run(figures):
    assert figures["baseline_index"]["server_ms"]["requests"] == 12
    assert figures["baseline_static"]["server_ms"]["p50"] > 0
    loopback = figures["load_loopback"]
    assert loopback["errors"] == 0, "over real HTTP too, every request answers 200"
    assert loopback["latency_ms"]["requests"] == loopback["clients"] * 2
    assert loopback["requests_per_s"] > 0
    load = figures["load"]
    assert load["clients"] == 4
    assert load["latency_ms"]["requests"] == 8
    assert load["errors"] == 0, "a search rate limit must not turn the load into 429s"
    assert load["requests_per_s"] > 0
    assert set(figures["targets"]) == {"results_p95_ms_at_most_30", "page_kb_at_most_100",
                                       "zero_errors"}
    json.dumps(figures)  # JSON-ready


def test_the_report_section_shows_pages_baselines_and_targets(figures):
    section = render_site_section(figures)
    assert section.startswith("## Site, 120 listings")
    assert "| results page with facets" in section
    assert "baseline: the same searches straight on the index" in section
    assert "baseline: a static file" in section
    assert "p95 ≤ 30 ms" in section
    assert "≤ 100 KB" in section


def test_sharehub_bench_site_prints_json(capsys):
    status = cli_main(["bench", "site", "--size", "40", "--repeat", "1", "--clients", "2",
                       "--json", "--no-report"])
    assert status == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["size"] == 40
    assert figures["errors"] == []
