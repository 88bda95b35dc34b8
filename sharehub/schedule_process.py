"""Wire the scheduler into `sharehub run`: the stored states, the runner, reload on
edit or SIGHUP, and a clean stop on SIGTERM / SIGINT. The data dir's lock is taken by
the caller (SchedulerLock) before anything is written."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from index import Catalog
from sharehub.alert_check import check_alerts
from sharehub.alert_thread import AlertThread
from sharehub.crawl import register_sources
from sharehub.pipeline import RefreshDeps, RefreshOutcome
from sharehub.registration import with_registered_sources
from sharehub.schedule_logging import SchedulerReporter
from sharehub.schedule_reload import ConfigWatcher
from sharehub.schedule_rules import RunResult
from sharehub.schedule_runner import SourceRunner, result_of
from sharehub.schedule_store import ScheduleStore
from sharehub.scheduler import SourceScheduler
from sharehub.schedules import ScheduleConfig, load_schedules
from sharehub.settings import Settings
from sharehub.wiring import open_operator_store

__all__ = ["completed_run_finder", "run_scheduler"]

log = logging.getLogger("sharehub.scheduler")


def completed_run_finder(catalog: Catalog) -> Callable[[str, datetime], RunResult | None]:
    """For restart recovery: the source's latest run in the catalog, if it started at or
    after `since` (the run the process died after had committed)."""
    def find(source_id: str, since: datetime) -> RunResult | None:
        runs = catalog.runs(source_id, limit=1)
        if runs and runs[0].started_at >= since:
            return result_of(RefreshOutcome(source_id, runs[0]))
        return None
    return find


def _stop_cleanly(_signum: int, _frame: FrameType | None) -> None:
    # Raised in the main thread (uvicorn re-raises SIGTERM there after its own graceful
    # stop), so the `finally` blocks below shut the scheduler down in order.
    raise SystemExit(0)


@contextmanager
def run_scheduler(settings: Settings, config: ScheduleConfig, deps: RefreshDeps,
                  config_path: Path | None) -> Iterator[SourceScheduler]:
    """Start the scheduler over `deps` (and, given `config_path`, reload its edits);
    on exit stop it: no new runs, runs in progress get `scheduler_shutdown_grace_s`
    to finish, then stop at their next request with nothing applied."""
    progress = SchedulerReporter(sys.stderr)
    current: list[ScheduleConfig] = []

    alerts = AlertThread(lambda: check_alerts(settings, deps.catalog, current[-1]))

    def reporter(event: str, fields: dict[str, Any]) -> None:
        progress(event, fields)
        if event == "finished":  # staff alerts after runs, on their own thread
            alerts.poke()

    # Sources operators registered and staff approved run beside schedules.yaml's, and an
    # approval is taken in at the next poll, without a restart.
    registrations = open_operator_store(settings)
    config = with_registered_sources(config, registrations)
    register_sources(config, deps)
    current.append(config)
    alerts.start()
    store = ScheduleStore.in_data_dir(settings.data_dir)
    runner = SourceRunner(deps, deps.clock)
    scheduler = SourceScheduler(
        config, store=store, runner=runner, secrets=deps.secrets,
        max_workers=settings.scheduler_max_runs, clock=lambda: datetime.now(UTC),
        completed=completed_run_finder(deps.catalog), on_event=reporter)

    def apply(new: ScheduleConfig) -> None:
        register_sources(new, deps)
        scheduler.reload(new)
        current[:] = [new]

    watcher = (ConfigWatcher(config_path, apply, poll_s=settings.scheduler_reload_poll_s,
                             on_event=reporter,
                             load=lambda path: with_registered_sources(load_schedules(path),
                                                                       registrations),
                             also_watch=registrations.approvals_signature)
               if config_path is not None else None)
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    signal.signal(signal.SIGTERM, _stop_cleanly)
    if watcher is not None:
        signal.signal(signal.SIGHUP, lambda _s, _f: watcher.request_reload())
    scheduler.start()
    log.info("scheduler started", extra={"sources": len(config.active_sources(deps.secrets)),
                                         "data_dir": str(settings.data_dir)})
    if watcher is not None:
        watcher.start()
    try:
        yield scheduler
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # already stopping
        if watcher is not None:
            watcher.stop()
        scheduler.shutdown(settings.scheduler_shutdown_grace_s)
        alerts.stop()
        runner.close()
        store.close()
        registrations.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log.info("scheduler stopped")
