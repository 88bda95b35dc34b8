"""The scheduler only picks due work: one APScheduler job per enabled source, each calling
refresh_source, at most one run per source at a time, missed runs coalesced."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from sharehub.pipeline import RefreshDeps, refresh_source
from sharehub.schedules import ScheduleConfig, SourceSchedule

__all__ = ["start_scheduler"]

log = logging.getLogger("sharehub.scheduler")


def _job(schedule: SourceSchedule, deps: RefreshDeps) -> None:
    # Jobs of different sources overlap; refresh_source applies their results one at a time.
    outcome = refresh_source(schedule.to_source(), deps)
    log.info("scheduled run", extra={"source_id": schedule.id, "status": outcome.run.status})


def start_scheduler(config: ScheduleConfig, deps: RefreshDeps, *,
                    first_run_delay: timedelta | None = None) -> BackgroundScheduler:
    """Start a background scheduler with one interval job per enabled source."""
    scheduler = BackgroundScheduler(timezone="Asia/Seoul")
    start = datetime.now(UTC) + (first_run_delay or timedelta(0))
    for schedule in config.active_sources(deps.secrets):
        minutes = config.interval_minutes(schedule)
        scheduler.add_job(
            _job, IntervalTrigger(minutes=minutes, jitter=config.defaults.jitter_seconds,
                                  start_date=start + timedelta(minutes=minutes)),
            args=(schedule, deps), id=schedule.id, name=schedule.name,
            max_instances=1, coalesce=True, misfire_grace_time=300)
    scheduler.start()
    return scheduler
