"""Long-running processes: the site alone, the site with the scheduler (`run`), and the
demo (sample platforms + crawl + scheduler + site)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext

import uvicorn

from crawlers import HostBudget, RobotsCache, make_client
from hub_site import create_app
from index import Catalog
from sharehub.crawl import crawl_with_progress, print_runs, register_sources
from sharehub.pipeline import RefreshDeps, sync_index
from sharehub.scheduler import start_scheduler
from sharehub.schedules import ScheduleConfig, SourceSchedule
from sharehub.settings import Settings, read_secrets
from sharehub.wiring import open_catalog, open_index

__all__ = ["demo_config", "open_deps", "run_hub"]

log = logging.getLogger("sharehub.runtime")


@contextmanager
def open_deps(settings: Settings, config: ScheduleConfig,
              sample_secrets: Mapping[str, str] | None = None) -> Iterator[RefreshDeps]:
    """The writable catalog, the index, an HTTP client and the politeness objects every
    source shares (per-host budget, robots.txt cache), closed on exit. API keys come
    from the environment; `sample_secrets` (the demo's) fill the ones that are unset."""
    limits = settings.fetch_limits(allow_private=config.allow_private_networks)
    catalog = open_catalog(settings)
    index = open_index(settings)
    with make_client(limits) as client:
        try:
            yield RefreshDeps(catalog, index, client, limits,
                              secrets={**(sample_secrets or {}),
                                       **read_secrets(s.key_env for s in config.sources)},
                              removal=settings.removal_policy(),
                              budget=HostBudget(
                                  max_concurrent=settings.crawl_host_max_concurrent,
                                  min_delay_s=settings.crawl_host_min_delay_s),
                              robots=RobotsCache())
        finally:
            index.close()
            catalog.close()


def demo_config(sources: Sequence[Mapping[str, object]]) -> ScheduleConfig:
    """A schedule over the bundled sample platforms (on loopback, so private is allowed)."""
    return ScheduleConfig(allow_private_networks=True,
                          sources=[SourceSchedule.model_validate(s) for s in sources])


def run_hub(settings: Settings, config: ScheduleConfig, *, crawl_first: bool,
            with_scheduler: bool, samples: bool = False) -> None:
    """Serve the hub (and the scheduler); with `samples`, start the sample platforms first
    and crawl them from this config. Ctrl-C stops everything started here."""
    from sample_platforms import SamplePlatforms

    platforms_cm = (SamplePlatforms(host="127.0.0.1", port=0, spread_hosts=True) if samples
                    else nullcontext())
    with platforms_cm as platforms:
        if platforms is not None:
            config = demo_config(platforms.sources())
            # Our own simulators on loopback: no need to pace requests to them.
            settings = settings.model_copy(update={"crawl_host_min_delay_s": 0.0})
            print(f"sample platforms on {platforms.base_url}", file=sys.stderr)
        secrets = platforms.secrets() if platforms is not None else None
        with open_deps(settings, config, secrets) as deps:
            register_sources(config, deps)
            if crawl_first:
                outcomes = crawl_with_progress(config.active_sources(deps.secrets), deps)
                print_runs(outcomes, sys.stderr)
            sync_index(deps.catalog, deps.index)
            scheduler = start_scheduler(config, deps) if with_scheduler else None
            app = create_app(catalog=Catalog(settings.catalog_path, read_only=True),
                             index=deps.index, page_size=settings.site_page_size)
            print(f"sharehub is serving at http://{settings.site_host}:{settings.site_port}",
                  file=sys.stderr)
            try:
                uvicorn.run(app, host=settings.site_host, port=settings.site_port,
                            log_level="warning")
            finally:
                if scheduler is not None:
                    scheduler.shutdown(wait=True)
