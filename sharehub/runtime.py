"""Long-running processes: the site alone, the site with the scheduler (`run`), and the
demo (sample platforms + crawl + scheduler + site)."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

import uvicorn

from crawlers import HostBudget, RobotsCache, make_client
from hub_site import create_app
from hub_site.map_tiles import map_tiles
from index import Catalog
from index.operator_store import OperatorStore
from sharehub.crawl import crawl_with_progress, print_runs, register_sources
from sharehub.pipeline import RefreshDeps, refresh_source, sync_index
from sharehub.schedule_process import run_scheduler
from sharehub.schedule_store import SchedulerLock
from sharehub.schedules import ScheduleConfig, SourceSchedule
from sharehub.settings import Settings, read_secrets
from sharehub.staff_wiring import schedule_statuses, staff_services
from sharehub.wiring import (
    open_catalog,
    open_feedback,
    open_index,
    open_operator_store,
    operator_services,
)

__all__ = ["demo_config", "open_deps", "recrawl_in_background", "run_hub"]

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


def recrawl_in_background(deps: RefreshDeps, store: OperatorStore) -> Callable[[str], None]:
    """The operator pages' "re-crawl now": refresh one approved source in a background
    thread (its definition saved to the catalog first, as a schedule reload would)."""
    def run(source_id: str) -> None:
        registration = store.registration_for_source(source_id)
        if registration is None or registration.status != "approved":
            log.warning("re-crawl of %s refused: not an approved registration", source_id)
            return
        entry = {k: v for k, v in registration.definition.items() if not k.startswith("_")}
        source = SourceSchedule.model_validate(entry).to_source()
        deps.catalog.save_source(source, datetime.now(UTC))
        outcome = refresh_source(source, deps)
        log.info("re-crawl of %s finished", source_id, extra={"source_id": source_id,
                                                              "outcome": repr(outcome)})

    def request(source_id: str) -> None:
        threading.Thread(target=run, args=(source_id,), name=f"recrawl-{source_id}",
                         daemon=True).start()

    return request


def demo_config(sources: Sequence[Mapping[str, object]]) -> ScheduleConfig:
    """A schedule over the bundled sample platforms (on loopback, so private is allowed)."""
    return ScheduleConfig(allow_private_networks=True,
                          sources=[SourceSchedule.model_validate(s) for s in sources])


def run_hub(settings: Settings, config: ScheduleConfig, *, crawl_first: bool,
            with_scheduler: bool, samples: bool = False,
            config_path: Path | None = None) -> None:
    """Serve the hub (and the scheduler, which first takes the data dir's lock and, given
    `config_path`, applies edits of that file); with `samples`, start the sample
    platforms first and crawl them from this config. Ctrl-C and SIGTERM stop everything
    started here. Raises SchedulerBusy when another scheduler uses the data dir."""
    from sample_platforms import SamplePlatforms

    platforms_cm = (SamplePlatforms(host="127.0.0.1", port=0, spread_hosts=True) if samples
                    else nullcontext())
    lock = SchedulerLock(settings.data_dir) if with_scheduler else nullcontext()
    with lock, platforms_cm as platforms:
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
            feedback = open_feedback(settings)
            store = open_operator_store(settings)
            operators = operator_services(settings, store, deps.limits, feedback=feedback,
                                          request_recrawl=recrawl_in_background(deps, store))
            statuses = schedule_statuses(settings, config, store, deps.secrets)
            app = create_app(catalog=Catalog(settings.catalog_path, read_only=True),
                             index=deps.index, page_size=settings.site_page_size,
                             map_tiles=map_tiles(settings.map_tile_url,
                                                 settings.map_tile_attribution,
                                                 settings.map_tile_attribution_url),
                             search_rate_per_s=settings.site_search_rate_per_s,
                             search_burst=settings.site_search_burst,
                             feedback=feedback, operators=operators, statuses=statuses,
                             staff=staff_services(settings, store, deps.catalog,
                                                  statuses=statuses))
            scheduling = (run_scheduler(settings, config, deps, config_path) if with_scheduler
                          else nullcontext())
            with scheduling:  # stopped cleanly when uvicorn returns or a signal raises
                print(f"sharehub is serving at http://{settings.site_host}:"
                      f"{settings.site_port}", file=sys.stderr)
                uvicorn.run(app, host=settings.site_host, port=settings.site_port,
                            log_level="warning")
