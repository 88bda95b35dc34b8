"""Scheduling decisions as pure functions: a source's state and the clock in, its next
run time or what to do now out. The scheduler process (sharehub/scheduler.py) only
applies them; the tests run them over two simulated weeks.

- Adaptive refresh: an unchanged run (or a 304) stretches the interval by `stretch`, a
  run that changed listings shrinks it by `shrink`, always within [min, max].
- Recovery: after the n-th failure in a row the next attempt waits
  min(backoff_initial · 2^(n-1), backoff_max), minus up to 20 % jitter, and never less
  than the platform's Retry-After. Sources are never disabled: they keep probing.
- Missed runs (the process was down, or every worker was busy past the grace) are
  coalesced into one catch-up run; a run in progress when the process died is run again.
- Every start lies outside the quiet windows, time limit included.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from sharehub.schedule_windows import QuietWindow, first_allowed_start, next_cron_time

__all__ = ["BACKOFF_JITTER", "DEGRADED_AFTER", "FAILING_AFTER", "Decision", "Health",
           "Outcome", "RunResult", "SchedulePolicy", "SourceState", "backoff_delay",
           "due_decision", "health_of", "mark_started", "next_interval", "plan_after_run",
           "plan_first_run", "reconfigure", "recover_after_restart"]

Outcome = Literal["ok", "unchanged", "failed", "timed_out"]
Health = Literal["new", "healthy", "degraded", "failing"]
Rand = Callable[[], float]  # uniform in [0, 1): random.Random().random in production

BACKOFF_JITTER = 0.2  # a backoff wait is between 80 % and 100 % of its nominal value
DEGRADED_AFTER = 1  # failures in a row
FAILING_AFTER = 3


@dataclass(frozen=True, slots=True)
class SchedulePolicy:
    """How one source is scheduled (built from schedules.yaml by ScheduleConfig)."""

    interval: timedelta = timedelta(hours=1)
    min_interval: timedelta = timedelta(minutes=15)
    max_interval: timedelta = timedelta(hours=24)
    adaptive: bool = True
    cron: str | None = None
    jitter: timedelta = timedelta(seconds=60)
    misfire_grace: timedelta = timedelta(minutes=10)
    time_limit: timedelta = timedelta(minutes=10)
    backoff_initial: timedelta = timedelta(minutes=5)
    backoff_max: timedelta = timedelta(hours=24)
    priority: int = 0
    quiet: tuple[QuietWindow, ...] = ()
    stretch: float = 1.5
    shrink: float = 0.5


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the scheduler knows about a source; persisted by ScheduleStore."""

    source_id: str
    interval_s: float | None = None  # the adaptive interval now; None: the policy's
    next_run_at: datetime | None = None
    running_since: datetime | None = None
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_outcome: Outcome | None = None
    last_error: str | None = None
    last_success_at: datetime | None = None
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    runs: int = 0
    missed: int = 0  # runs coalesced into catch-up runs, in total


@dataclass(frozen=True, slots=True)
class RunResult:
    outcome: Outcome
    finished_at: datetime
    changed: bool = False  # listings added, updated or removed
    retry_after_s: float | None = None  # the platform's Retry-After (429/503), if any
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """`run` now (on time), `catch_up` now (late past the grace: `missed` runs
    coalesced into this one), or `wait` until `at`."""

    action: Literal["run", "catch_up", "wait"]
    at: datetime
    missed: int = 0
    late_by: timedelta = field(default=timedelta(0))


def health_of(state: SourceState) -> Health:
    """healthy after a success, degraded after a failure, failing after three in a row."""
    if state.consecutive_failures >= FAILING_AFTER:
        return "failing"
    if state.consecutive_failures >= DEGRADED_AFTER:
        return "degraded"
    return "healthy" if state.runs else "new"


def _clamp(seconds: float, policy: SchedulePolicy) -> float:
    return min(max(seconds, policy.min_interval.total_seconds()),
               policy.max_interval.total_seconds())


def next_interval(current_s: float | None, policy: SchedulePolicy, changed: bool) -> float:
    """The adaptive interval after a successful run: shrunk when the source changed,
    stretched when it did not, clamped to the policy's range (fixed when not adaptive)."""
    base = _clamp(current_s if current_s is not None else policy.interval.total_seconds(),
                  policy)
    if not policy.adaptive:
        return _clamp(policy.interval.total_seconds(), policy)
    return _clamp(base * (policy.shrink if changed else policy.stretch), policy)


def backoff_delay(failures: int, policy: SchedulePolicy, rand: Rand,
                  retry_after_s: float | None = None) -> timedelta:
    """The wait after the `failures`-th failure in a row (1 for the first): capped
    exponential backoff with jitter, never shorter than a Retry-After."""
    exponent = min(max(failures, 1) - 1, 40)  # 2^40 × 5 min is far past any cap
    nominal = min(policy.backoff_initial.total_seconds() * 2 ** exponent,
                  policy.backoff_max.total_seconds())
    wait = nominal * (1 - BACKOFF_JITTER * rand())
    return timedelta(seconds=max(wait, retry_after_s or 0.0))


def _allowed(moment: datetime, policy: SchedulePolicy) -> datetime:
    return first_allowed_start(moment, policy.quiet, policy.time_limit)


def _regular_next(after: datetime, interval_s: float, policy: SchedulePolicy,
                  rand: Rand) -> datetime:
    if policy.cron:
        return _allowed(next_cron_time(policy.cron, after), policy)
    spread = timedelta(seconds=policy.jitter.total_seconds() * rand())
    return _allowed(after + timedelta(seconds=interval_s) + spread, policy)


def plan_first_run(source_id: str, policy: SchedulePolicy, now: datetime,
                   rand: Rand) -> SourceState:
    """A source the scheduler has never run: due now (spread by the jitter), or at
    its next cron time, outside the quiet windows."""
    if policy.cron:
        first = next_cron_time(policy.cron, now)
    else:
        first = now + timedelta(seconds=policy.jitter.total_seconds() * rand())
    return SourceState(source_id, interval_s=_clamp(policy.interval.total_seconds(), policy),
                       next_run_at=_allowed(first, policy))


def mark_started(state: SourceState, now: datetime, missed: int = 0) -> SourceState:
    """The run has started (persisted, so a crash mid-run is seen on restart)."""
    return replace(state, running_since=now, last_started_at=now,
                   missed=state.missed + missed)


def plan_after_run(state: SourceState, policy: SchedulePolicy, result: RunResult,
                   rand: Rand) -> SourceState:
    """The state after a run: outcome recorded, interval adapted or backoff applied,
    and the next run time (outside the quiet windows)."""
    finished = result.finished_at
    interval = state.interval_s if state.interval_s is not None else policy.interval.total_seconds()
    ended = replace(state, running_since=None, last_finished_at=finished, runs=state.runs + 1,
                    last_outcome=result.outcome)
    if result.outcome in ("ok", "unchanged"):
        interval = next_interval(interval, policy, result.changed and result.outcome == "ok")
        earliest = _regular_next(finished, interval, policy, rand)
        if result.retry_after_s:
            earliest = _allowed(max(earliest, finished + timedelta(seconds=result.retry_after_s)),
                                policy)
        return replace(ended, interval_s=interval, next_run_at=earliest,
                       last_error=None, last_success_at=finished, consecutive_failures=0,
                       failing_since=None)
    failures = state.consecutive_failures + 1
    wait = backoff_delay(failures, policy, rand, result.retry_after_s)
    return replace(ended, interval_s=_clamp(interval, policy),
                   next_run_at=_allowed(finished + wait, policy), last_error=result.error,
                   consecutive_failures=failures,
                   failing_since=state.failing_since or state.last_started_at or finished)


def due_decision(state: SourceState, policy: SchedulePolicy, now: datetime) -> Decision:
    """What to do for a source at `now`: wait for its next run time (or the end of a
    quiet window), run it, or catch up once for runs missed beyond the misfire grace."""
    due = state.next_run_at or now
    if now < due:
        return Decision("wait", due)
    allowed = _allowed(now, policy)
    if allowed > now:
        return Decision("wait", allowed)
    late = now - due
    if late <= policy.misfire_grace:
        return Decision("run", now, late_by=late)
    interval_s = state.interval_s or policy.interval.total_seconds()
    missed = max(1, math.floor(late.total_seconds() / max(interval_s, 1.0)))
    return Decision("catch_up", now, missed=missed, late_by=late)


def recover_after_restart(state: SourceState, policy: SchedulePolicy, now: datetime,
                          finished: RunResult | None = None,
                          rand: Rand | None = None) -> SourceState:
    """A state read back at startup. A run that was in progress when the process
    stopped either completed (`finished`: its record in the catalog) and is planned
    from, or did not, and is due again now; other states keep their next run time
    (a past one is caught up once by due_decision)."""
    if state.running_since is None:
        return state
    if finished is not None:
        return plan_after_run(state, policy, finished, rand or (lambda: 0.5))
    return replace(state, running_since=None, next_run_at=_allowed(now, policy))


def reconfigure(state: SourceState, policy: SchedulePolicy, now: datetime, rand: Rand,
                old: SchedulePolicy | None = None) -> SourceState:
    """A source whose schedule was edited (`old`: its previous policy, if known): a new
    `interval` restarts the adaptive interval from it, else the interval is clamped to
    the new range; the next run moves earlier when the new schedule asks for it sooner
    (never later, so an edit does not skip a due run), outside the new quiet windows."""
    interval = _clamp(state.interval_s or policy.interval.total_seconds(), policy)
    if not policy.adaptive or old is None or old.interval != policy.interval:
        interval = _clamp(policy.interval.total_seconds(), policy)
    planned = state.next_run_at or now
    if state.consecutive_failures == 0 and state.last_finished_at is not None:
        sooner = _regular_next(state.last_finished_at, interval, policy, rand)
        planned = min(planned, max(sooner, now)) if not policy.cron else sooner
    return replace(state, interval_s=interval, next_run_at=_allowed(planned, policy))
