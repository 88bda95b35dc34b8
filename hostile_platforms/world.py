"""Crawl the hostile platforms together with the healthy sample platforms through the
real pipeline (`sharehub.runtime.open_deps`, `sharehub.crawl.crawl_sources`) and report
what the hub recorded for each source.

The crawl does not allow private networks: it allows exactly the two loopback networks
the platforms listen on (`FetchLimits.allowed_networks`), so a redirect to ::1, 10/8 or
the metadata address 169.254.169.254 meets the SSRF guard as it would in production.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from crawlers import make_client
from hostile_platforms.behaviours import BEHAVIOURS, COLLAPSE_ID
from hostile_platforms.server import HOSTILE_NETWORK, HostileServer
from index import SearchQuery
from sample_platforms import SamplePlatforms
from sharehub.crawl import crawl_sources, register_sources
from sharehub.pipeline import RefreshDeps, RefreshOutcome
from sharehub.runtime import open_deps
from sharehub.schedules import ScheduleConfig, SourceSchedule
from sharehub.settings import Settings

__all__ = ["SAMPLE_NETWORK", "SourceReport", "WorldReport", "crawl_healthy_alone",
           "crawl_world", "unmet_expectations", "world_settings"]

# SamplePlatforms(spread_hosts=True) listens on 127.0.0.1 and 127.0.0.2, 127.0.0.3, …
SAMPLE_NETWORK = "127.0.0.0/24"


@dataclass(frozen=True, slots=True)
class SourceReport:
    """One source's run as the catalog recorded it, beside what was expected of it."""

    source_id: str
    hostile: bool
    expected: str
    status: str
    error: str
    duration_s: float
    catalog_listings: int
    indexed_listings: int
    record_errors: tuple[str, ...] = ()
    retry_after_s: float | None = None  # what the platform asked for, from the fetch log


@dataclass(frozen=True, slots=True)
class WorldReport:
    """The first crawl of every source, the collapse platform's second run, the crawl
    process's peak memory (ru_maxrss) and the wall time of both crawls."""

    sources: list[SourceReport]
    collapse_rerun: SourceReport
    peak_rss_mb: float
    crawl_s: float
    total_s: float


def world_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a hostile crawl: short timeouts and small caps, so every hostile
    source fails within seconds (`overrides` change any field). The read timeout still
    leaves the healthy sample platforms 3 s per answer on a loaded machine."""
    values: dict[str, Any] = {
        "data_dir": data_dir, "allow_private_networks": False,
        "crawl_connect_timeout_s": 3.0, "crawl_read_timeout_s": 3.0,
        "crawl_total_timeout_s": 8.0, "crawl_max_body_bytes": 4 * 1024 * 1024,
        "crawl_max_decoded_bytes": 8 * 1024 * 1024, "crawl_max_redirects": 3,
        "crawl_max_retries": 1, "crawl_retry_max_wait_s": 1.0, "crawl_retry_backoff_s": 0.2,
        # Our own simulators: no need to pace requests to them.
        "crawl_host_min_delay_s": 0.0, "crawl_host_max_concurrent": 4,
    }
    return Settings(**{**values, **overrides})


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


@contextmanager
def _world_deps(settings: Settings, config: ScheduleConfig, secrets: dict[str, str],
                allowed_networks: Sequence[str]) -> Iterator[RefreshDeps]:
    """open_deps, with a client whose SSRF guard allows `allowed_networks` only."""
    with open_deps(settings, config, secrets) as deps:
        limits = replace(deps.limits, allowed_networks=tuple(allowed_networks))
        with make_client(limits) as client:
            yield replace(deps, client=client, limits=limits)


def _report(outcome: RefreshOutcome, deps: RefreshDeps, expected: dict[str, str]
            ) -> SourceReport:
    run, source_id = outcome.run, outcome.source_id
    indexed = deps.index.search(SearchQuery(source_ids=(source_id,), limit=1)).total
    retry_after = next((f["retry_after_s"] for f in run.fetches if "retry_after_s" in f), None)
    return SourceReport(
        source_id=source_id, hostile=source_id in expected,
        expected=expected.get(source_id, "ok"), status=run.status, error=run.error or "",
        duration_s=(run.finished_at - run.started_at).total_seconds(),
        catalog_listings=sum(1 for _ in deps.catalog.iter_listings(source_id)),
        indexed_listings=indexed, record_errors=tuple(run.record_errors),
        retry_after_s=retry_after)


def _config(sources: list[dict[str, Any]]) -> ScheduleConfig:
    return ScheduleConfig(allow_private_networks=False,
                          sources=[SourceSchedule.model_validate(s) for s in sources])


def crawl_world(data_dir: Path, **settings_overrides: Any) -> WorldReport:
    """Start the sample and hostile platforms, crawl all of them into `data_dir`, then
    re-run the collapse platform with its new layout. Raises OSError when the loopback
    addresses cannot be bound."""
    started = time.monotonic()
    settings = world_settings(data_dir, **settings_overrides)
    expected = {b.source_id: b.expected for b in BEHAVIOURS}
    with SamplePlatforms(spread_hosts=True) as healthy, HostileServer() as hostile:
        config = _config(healthy.sources() + hostile.sources())
        with _world_deps(settings, config, healthy.secrets(),
                         (SAMPLE_NETWORK, HOSTILE_NETWORK)) as deps:
            register_sources(config, deps)
            outcomes = crawl_sources(config.active_sources(deps.secrets), deps)
            crawl_s = time.monotonic() - started
            reports = [_report(o, deps, expected) for o in outcomes]
            hostile.collapsed = True
            collapse = next(s for s in config.sources if s.id == f"hostile-{COLLAPSE_ID}")
            (rerun,) = crawl_sources([collapse], deps)
            collapse_report = replace(_report(rerun, deps, expected),
                                      expected="quarantined, listings kept")
    return WorldReport(reports, collapse_report, _peak_rss_mb(), crawl_s,
                       time.monotonic() - started)


def crawl_healthy_alone(data_dir: Path) -> dict[str, tuple[int, int]]:
    """Crawl only the healthy sample platforms into `data_dir` (private networks allowed,
    as the demo does); (catalog, indexed) listing counts by source id."""
    settings = world_settings(data_dir, allow_private_networks=True,
                              crawl_total_timeout_s=60.0, crawl_read_timeout_s=20.0)
    with SamplePlatforms(spread_hosts=True) as healthy:
        config = _config(healthy.sources())
        with open_deps(settings, config, healthy.secrets()) as deps:
            register_sources(config, deps)
            outcomes = crawl_sources(config.active_sources(deps.secrets), deps)
            reports = [_report(o, deps, {}) for o in outcomes]
    return {r.source_id: (r.catalog_listings, r.indexed_listings) for r in reports}


def unmet_expectations(report: WorldReport) -> list[str]:
    """One line per source whose recorded run differs from what was expected of it
    (healthy: ok; hostile: its Behaviour's outcome, listing count and error text; the
    collapse platform's second run: quarantined with its listings kept). Empty: all met."""
    behaviours = {b.source_id: b for b in BEHAVIOURS}
    problems = []
    for source in report.sources:
        behaviour = behaviours.get(source.source_id)
        outcome = behaviour.outcome if behaviour else "ok"
        said = " | ".join((source.error, *source.record_errors)).casefold()
        if source.status != outcome:
            problems.append(f"{source.source_id}: recorded {source.status!r}, expected "
                            f"{outcome!r} ({source.error or 'no error'})")
        elif behaviour and behaviour.listings not in (None, source.catalog_listings):
            problems.append(f"{source.source_id}: {source.catalog_listings} listings kept, "
                            f"expected {behaviour.listings}")
        elif (behaviour and behaviour.expect_error
              and behaviour.expect_error.casefold() not in said):
            problems.append(f"{source.source_id}: recorded {said!r}, which does not say "
                            f"{behaviour.expect_error!r}")
    rerun = report.collapse_rerun
    kept = next((s.catalog_listings for s in report.sources
                 if s.source_id == rerun.source_id), None)
    if rerun.status != "quarantined" or rerun.catalog_listings != kept:
        problems.append(f"{rerun.source_id} (second run): recorded {rerun.status!r} with "
                        f"{rerun.catalog_listings} listings kept, expected 'quarantined' with "
                        f"{kept}")
    return problems
