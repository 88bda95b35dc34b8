"""The hub in a hostile world: `python -m hostile_platforms` crawls every hostile platform
together with the healthy sample platforms (one subprocess, so its peak memory is the
crawl's own), and these tests read its report and its data dir.

Time bounds are generous on purpose: the suite runs on a loaded 2-core machine (load
average ≈15 when these were written, crawl ≈15 s and command ≈30 s there); what they catch
is a hang (a source held for a multiple of its configured limits), not slowness.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hostile_platforms import BEHAVIOURS, COLLAPSE_ID
from hostile_platforms.world import crawl_healthy_alone, world_settings
from index import Catalog

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = world_settings(Path("unused"))
# One fetch may take its total time limit, plus a retry's wait, plus queueing on a loaded
# machine; nothing should come near three times that.
SOURCE_BOUND_S = 3 * (SETTINGS.crawl_total_timeout_s + SETTINGS.crawl_retry_max_wait_s)
COMMAND_BOUND_S = 150.0  # measured ≈30 s under load average 15
# The bombs decode to 1 GiB: a crawl that inflated one in memory would pass this.
PEAK_RSS_BOUND_MB = 1024.0


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("hostile-world")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "hostile_platforms", "--json", "--data-dir", str(data_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=COMMAND_BOUND_S * 2, check=False)
    elapsed = time.monotonic() - started
    assert done.stdout.strip(), f"no report (exit {done.returncode}): {done.stderr[-2000:]}"
    report = json.loads(done.stdout)
    report["exit_code"], report["wall_s"], report["data_dir"] = (done.returncode, elapsed,
                                                                 data_dir)
    return report


@pytest.fixture(scope="module")
def healthy_alone(tmp_path_factory):
    return crawl_healthy_alone(tmp_path_factory.mktemp("healthy-alone"))


def _runs(world) -> dict[str, dict]:
    return {s["source_id"]: s for s in world["sources"]}


def test_the_command_reports_every_source_as_expected(world):
    assert world["unmet"] == [], "\n".join(world["unmet"])
    assert world["exit_code"] == 0
    assert {f"hostile-{b.id}" for b in BEHAVIOURS} <= set(_runs(world))


def test_every_healthy_listing_is_indexed_as_in_a_crawl_of_the_healthy_platforms_alone(
        world, healthy_alone):
    healthy = {sid: (s["catalog_listings"], s["indexed_listings"])
               for sid, s in _runs(world).items() if not s["hostile"]}
    assert healthy == healthy_alone, (
        "healthy sources (catalog, indexed) next to hostile platforms differ from a crawl "
        f"of them alone: {healthy} != {healthy_alone}")
    assert sum(c for c, _ in healthy.values()) > 100  # the sample world really was crawled
    not_ok = {sid: s["error"] for sid, s in _runs(world).items()
              if not s["hostile"] and s["status"] != "ok"}
    assert not not_ok, f"healthy sources failed among hostile ones: {not_ok}"


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=[b.id for b in BEHAVIOURS])
def test_each_hostile_source_is_recorded_with_a_specific_error(world, behaviour):
    run = _runs(world)[behaviour.source_id]
    said = " | ".join([run["error"], *run["record_errors"]])
    assert run["status"] == behaviour.outcome, (
        f"{behaviour.description}: recorded {run['status']} ({said}), "
        f"expected {behaviour.outcome}")
    if behaviour.expect_error:
        assert behaviour.expect_error.casefold() in said.casefold(), (
            f"{behaviour.description}: the recorded error {said!r} does not say "
            f"{behaviour.expect_error!r}")
    if behaviour.listings is not None:
        assert run["catalog_listings"] == behaviour.listings


@pytest.mark.parametrize(("source_id", "retry_after_s"), [
    ("hostile-rate-limited", 3600.0), ("hostile-unavailable", 120.0),
], ids=["429", "503"])
def test_the_wait_a_platform_asks_for_is_recorded_not_slept(world, source_id, retry_after_s):
    run = _runs(world)[source_id]
    assert run["retry_after_s"] == pytest.approx(retry_after_s, abs=2)
    assert run["duration_s"] < SOURCE_BOUND_S, "the crawl waited for Retry-After"


def test_no_source_hangs_beyond_the_configured_limits(world):
    # Hostile sources are one fetch each, bound by the fetch limits; healthy ones include
    # the HTML spider's crawl of many pages, bound only by the command's time.
    slow = {sid: round(s["duration_s"], 1) for sid, s in _runs(world).items()
            if s["hostile"] and s["duration_s"] > SOURCE_BOUND_S}
    assert not slow, f"hostile sources held longer than {SOURCE_BOUND_S} s: {slow}"
    assert world["wall_s"] < COMMAND_BOUND_S, f"the command took {world['wall_s']:.0f} s"
    drip = _runs(world)["hostile-slow-drip"]["duration_s"]
    assert drip >= SETTINGS.crawl_total_timeout_s * 0.9, "the drip ended before the limit?"


def test_peak_memory_stays_far_below_what_the_bombs_expand_to(world, record_property):
    record_property("peak_rss_mb", round(world["peak_rss_mb"]))
    assert 0 < world["peak_rss_mb"] < PEAK_RSS_BOUND_MB, (
        f"peak memory {world['peak_rss_mb']:.0f} MB (bound {PEAK_RSS_BOUND_MB:.0f} MB)")


def test_the_collapsed_platform_is_quarantined_and_its_listings_kept(world):
    first = _runs(world)[f"hostile-{COLLAPSE_ID}"]
    rerun = world["collapse_rerun"]
    assert first["status"] == "ok"
    assert first["catalog_listings"] == 20
    assert rerun["status"] == "quarantined", rerun["error"]
    assert "18 of 20" in rerun["error"]
    assert (rerun["catalog_listings"], rerun["indexed_listings"]) == (20, 20)
    catalog = Catalog(world["data_dir"] / "catalog.sqlite3", read_only=True)
    try:
        kept = [li.title for li in catalog.iter_listings(f"hostile-{COLLAPSE_ID}")]
        assert len(kept) == 20, f"the catalog lost listings of the collapsed platform: {kept}"
        assert catalog.runs(f"hostile-{COLLAPSE_ID}", limit=1)[0].status == "quarantined"
    finally:
        catalog.close()


def test_a_utf8_file_labelled_cp949_is_read_as_utf8(world):
    catalog = Catalog(world["data_dir"] / "catalog.sqlite3", read_only=True)
    try:
        titles = sorted(li.title or "" for li in
                        catalog.iter_listings("hostile-cp949-labelled-utf8"))
    finally:
        catalog.close()
    assert titles == [f"성북{n}동 공구대여소" for n in range(1, 5)]
