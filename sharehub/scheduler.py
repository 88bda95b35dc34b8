"""The scheduler process: APScheduler as the timer and thread pool, the decisions from
sharehub/schedule_rules.py, the memory in sharehub/schedule_store.py.

Each active source is one APScheduler job with a date trigger at its next run time.
When it fires, `due_decision` says whether to run, catch up (missed runs coalesced into
one) or wait (a quiet window); after the run `plan_after_run` sets the next time (the
adaptive interval or the failure backoff) and the job is planned again. A source's job is
planned only when its previous run has ended, so a source never runs twice at once.
APScheduler's own misfire skipping is off (misfire_grace_time=None): a late job always
fires, and the decision functions apply the grace, so no due run is ever dropped.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

from sharehub.schedule_rules import (
    RunResult,
    SchedulePolicy,
    SourceState,
    due_decision,
    mark_started,
    plan_after_run,
    plan_first_run,
    reconfigure,
    recover_after_restart,
)
from sharehub.schedule_runner import RunCancelled
from sharehub.schedule_store import ScheduleStore
from sharehub.schedule_windows import SEOUL
from sharehub.schedules import ScheduleConfig, SourceSchedule

__all__ = ["Runner", "SourceScheduler"]

log = logging.getLogger("sharehub.scheduler")

# A run this far past its time limit is reported by the watchdog as stuck.
_WATCHDOG_SLACK = timedelta(seconds=30)
_WATCHDOG_EVERY_S = 5


class Runner(Protocol):
    def __call__(self, schedule: SourceSchedule, policy: SchedulePolicy,
                 stop: threading.Event) -> RunResult: ...


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SourceScheduler:
    """Runs every active source of a ScheduleConfig on its schedule, forever.

    `runner` does one run (SourceRunner in production); `completed(source_id, since)`
    finds a run that finished after `since` (the catalog's record), so a run the process
    died after is not repeated; `on_event(event, fields)` reports progress (started,
    finished, missed, stuck, reloaded)."""

    def __init__(self, config: ScheduleConfig, *, store: ScheduleStore, runner: Runner,
                 secrets: Mapping[str, str], max_workers: int = 4,
                 clock: Callable[[], datetime] = _utcnow,
                 rand: Callable[[], float] | None = None,
                 completed: Callable[[str, datetime], RunResult | None] | None = None,
                 on_event: Callable[[str, dict[str, Any]], None] | None = None) -> None:
        self._config = config
        self._store = store
        self._runner = runner
        self._secrets = secrets
        self._clock = clock
        self._rand = rand or random.Random().random
        self._completed = completed or (lambda _sid, _since: None)
        self._on_event = on_event or (lambda _event, _fields: None)
        self._lock = threading.RLock()
        self._stop = threading.Event()  # runs in progress stop at their next request
        self._closing = threading.Event()  # no new run starts
        self._schedules: dict[str, SourceSchedule] = {}
        self._policies: dict[str, SchedulePolicy] = {}
        self._states: dict[str, SourceState] = {}
        self._running: set[str] = set()
        self._stuck: set[str] = set()
        self._aps = BackgroundScheduler(
            timezone=SEOUL, executors={"default": ThreadPoolExecutor(max(1, max_workers))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Read back the stored states, plan every active source and start the timer."""
        with self._lock:
            self._apply(self._config, startup=True)
        self._aps.add_job(self._watchdog, "interval", seconds=_WATCHDOG_EVERY_S,
                          id="sharehub-watchdog")
        self._aps.start()

    def reload(self, config: ScheduleConfig) -> None:
        """Apply an edited schedule: new sources are planned, removed or disabled ones
        stop after any run in progress, edited ones are re-planned (never later than
        already planned, so an edit skips no due run)."""
        with self._lock:
            self._config = config
            self._apply(config, startup=False)
        self._on_event("reloaded", {"sources": len(self._schedules)})

    def shutdown(self, grace_s: float = 20.0) -> None:
        """Start no new run; let runs in progress finish for `grace_s`, then stop them
        at their next request (nothing half-applied: such a run records nothing and
        is due again at the next start)."""
        self._closing.set()
        with self._lock:
            for job in self._aps.get_jobs():
                job.remove()
        deadline = self._clock() + timedelta(seconds=grace_s)
        while self.running() and self._clock() < deadline:
            self._stop.wait(0.1)
        self._stop.set()
        self._aps.shutdown(wait=True)

    # --- reading -------------------------------------------------------------------------

    def running(self) -> set[str]:
        with self._lock:
            return set(self._running)

    def states(self) -> dict[str, SourceState]:
        with self._lock:
            return dict(self._states)

    # --- planning ------------------------------------------------------------------------

    def _apply(self, config: ScheduleConfig, *, startup: bool) -> None:
        now = self._clock()
        active = {s.id: s for s in config.active_sources(self._secrets)}
        for source_id in set(self._schedules) - set(active):
            self._schedules.pop(source_id)
            if (job := self._aps.get_job(source_id)) is not None:
                job.remove()
            log.info("source left the schedule", extra={"source_id": source_id})
        # Higher priority first, so catch-up runs after a restart start in that order.
        ranked = sorted(active.values(), key=lambda s: -config.policy_for(s).priority)
        for rank, schedule in enumerate(ranked):
            source_id, policy = schedule.id, config.policy_for(schedule)
            state = self._states.get(source_id) or self._store.load(source_id)
            if state is None:
                state = plan_first_run(source_id, policy, now, self._rand)
            elif startup:
                finished = (self._completed(source_id, state.running_since)
                            if state.running_since else None)
                state = recover_after_restart(state, policy, now, finished, self._rand)
            elif (self._policies.get(source_id) != policy
                  or source_id not in self._schedules):
                state = reconfigure(state, policy, now, self._rand,
                                    self._policies.get(source_id))
            self._schedules[source_id] = schedule
            self._policies[source_id] = policy
            self._save(state, now)
            if source_id not in self._running:
                self._plan(source_id, now + timedelta(milliseconds=rank))

    def _save(self, state: SourceState, now: datetime) -> None:
        self._states[state.source_id] = state
        self._store.save(state, now)

    def _plan(self, source_id: str, not_before: datetime) -> None:
        if self._closing.is_set():
            return
        when = max(self._states[source_id].next_run_at or not_before, not_before)
        self._aps.add_job(self._job, DateTrigger(run_date=when), args=(source_id,),
                          id=source_id, replace_existing=True,
                          name=self._schedules[source_id].name)

    # --- running -------------------------------------------------------------------------

    def _begin(self, source_id: str) -> tuple[SourceSchedule, SchedulePolicy] | None:
        """Decide under the lock; mark the run started, or plan the wait."""
        with self._lock:
            if (self._closing.is_set() or source_id not in self._schedules
                    or source_id in self._running):
                return None
            schedule, policy = self._schedules[source_id], self._policies[source_id]
            now = self._clock()
            state = self._states[source_id]
            decision = due_decision(state, policy, now)
            if decision.action == "wait":
                self._save(replace(state, next_run_at=decision.at), now)
                self._plan(source_id, decision.at)
                return None
            if decision.action == "catch_up":
                self._on_event("missed", {"source_id": source_id, "missed": decision.missed,
                                          "late_s": round(decision.late_by.total_seconds())})
            self._save(mark_started(state, now, decision.missed), now)
            self._running.add(source_id)
        self._on_event("started", {"source_id": source_id})
        return schedule, policy

    def _job(self, source_id: str) -> None:
        try:
            self._run_once(source_id)
        except Exception:  # the store or a decision failed: never let the source drop out
            log.exception("scheduler error; the source is tried again later",
                          extra={"source_id": source_id})
            with self._lock:
                self._running.discard(source_id)
                if source_id in self._schedules and not self._closing.is_set():
                    retry = self._clock() + self._policies[source_id].backoff_initial
                    self._aps.add_job(self._job, DateTrigger(run_date=retry),
                                      args=(source_id,), id=source_id, replace_existing=True)

    def _run_once(self, source_id: str) -> None:
        begun = self._begin(source_id)
        if begun is None:
            return
        schedule, policy = begun
        try:
            result = self._runner(schedule, policy, self._stop)
        except RunCancelled:
            with self._lock:
                state = self._states[source_id]
                self._save(replace(state, running_since=None), self._clock())
                self._running.discard(source_id)
            self._on_event("cancelled", {"source_id": source_id})
            return
        except Exception as exc:  # a bug must not end the source's schedule
            log.exception("run crashed", extra={"source_id": source_id})
            result = RunResult("failed", self._clock(), error=f"scheduler: {exc!r}")
        self._finish(source_id, policy, result)

    def _finish(self, source_id: str, policy: SchedulePolicy, result: RunResult) -> None:
        with self._lock:
            self._running.discard(source_id)
            self._stuck.discard(source_id)
            policy = self._policies.get(source_id, policy)  # a reload during the run
            state = plan_after_run(self._states[source_id], policy, result, self._rand)
            self._save(state, self._clock())
            if source_id in self._schedules:
                self._plan(source_id, self._clock())
        self._on_event("finished", {
            "source_id": source_id, "outcome": result.outcome, "changed": result.changed,
            "error": result.error, "failures": state.consecutive_failures,
            "next_run_at": state.next_run_at.isoformat() if state.next_run_at else None})

    def _watchdog(self) -> None:
        """Report runs stuck past their time limit (outside HTTP, where the runner's
        deadline cannot reach); their source starts no other run until they return."""
        now = self._clock()
        with self._lock:
            stuck = [sid for sid in self._running - self._stuck
                     if (since := self._states[sid].running_since) is not None
                     and now - since > self._policies[sid].time_limit + _WATCHDOG_SLACK]
            self._stuck.update(stuck)
        for source_id in stuck:
            self._on_event("stuck", {"source_id": source_id})
