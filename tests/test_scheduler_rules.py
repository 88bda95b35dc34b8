"""The scheduling decisions, one table per rule: adaptive interval, backoff, what to do
when a source is due, quiet windows, health, restart recovery and edits."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from sharehub.schedule_rules import (
    RunResult,
    SchedulePolicy,
    SourceState,
    backoff_delay,
    due_decision,
    health_of,
    next_interval,
    plan_after_run,
    reconfigure,
    recover_after_restart,
)
from sharehub.schedule_windows import SEOUL, QuietWindow, first_allowed_start, next_cron_time

H, M = timedelta(hours=1), timedelta(minutes=1)
POLICY = SchedulePolicy(interval=H, min_interval=15 * M, max_interval=24 * H, jitter=0 * M)
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=SEOUL)  # a Wednesday, noon in Seoul
NIGHTLY = QuietWindow(frozenset(range(7)), time(2, 0), time(5, 0))
WEEKEND_NIGHTS = QuietWindow(frozenset({5, 6}), time(22, 0), time(6, 0))


def seoul(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SEOUL)


@pytest.mark.parametrize(("current", "changed", "policy", "expected"), [
    (H, False, POLICY, 1.5 * H),
    (H, True, POLICY, 0.5 * H),
    (20 * H, False, POLICY, 24 * H),
    (20 * M, True, POLICY, 15 * M),
    (None, False, POLICY, 1.5 * H),
    (3 * H, True, SchedulePolicy(interval=H, adaptive=False), H),
], ids=["unchanged-stretches", "changed-shrinks", "capped-at-max", "floored-at-min",
        "starts-from-policy", "fixed-when-not-adaptive"])
def test_adaptive_interval(current, changed, policy, expected):
    seconds = current.total_seconds() if current else None
    assert next_interval(seconds, policy, changed) == expected.total_seconds()


@pytest.mark.parametrize(("failures", "rand", "retry_after_s", "expected"), [
    (1, 0.0, None, 5 * M),
    (1, 0.999999, None, 4 * M),
    (2, 0.0, None, 10 * M),
    (3, 0.0, None, 20 * M),
    (10, 0.0, None, 24 * H),
    (40, 0.0, None, 24 * H),
    (1, 0.0, 7200.0, 2 * H),
    (3, 0.0, 60.0, 20 * M),
], ids=["first-5min", "jitter-takes-up-to-20pct", "doubles", "doubles-again", "capped-24h",
        "stays-capped", "retry-after-wins", "retry-after-shorter-ignored"])
def test_backoff(failures, rand, retry_after_s, expected):
    wait = backoff_delay(failures, POLICY, lambda: rand, retry_after_s)
    assert abs(wait - expected) < timedelta(seconds=1), f"{failures} failures: {wait}"


@pytest.mark.parametrize(("state", "policy", "now", "action", "at", "missed"), [
    (SourceState("s", next_run_at=NOW + 10 * M), POLICY, NOW, "wait", NOW + 10 * M, 0),
    (SourceState("s", next_run_at=NOW), POLICY, NOW, "run", NOW, 0),
    (SourceState("s", next_run_at=NOW - 9 * M), POLICY, NOW, "run", NOW, 0),
    (SourceState("s", interval_s=3600, next_run_at=NOW - 5 * H), POLICY, NOW, "catch_up",
     NOW, 5),
    (SourceState("s", next_run_at=seoul(18, 1, 50)),
     SchedulePolicy(quiet=(NIGHTLY,), time_limit=30 * M), seoul(18, 1, 55), "wait",
     seoul(18, 5), 0),
    (SourceState("s", next_run_at=seoul(18, 1, 0)),
     SchedulePolicy(quiet=(NIGHTLY,), time_limit=30 * M), seoul(18, 1, 0), "run",
     seoul(18, 1), 0),
], ids=["not-yet-due", "due", "late-within-grace", "missed-coalesced",
        "run-would-reach-quiet-window", "fits-before-quiet-window"])
def test_due_decision(state, policy, now, action, at, missed):
    decision = due_decision(state, policy, now)
    assert (decision.action, decision.at, decision.missed) == (action, at, missed)


@pytest.mark.parametrize(("earliest", "windows", "limit", "expected"), [
    (seoul(18, 12), (NIGHTLY,), 10 * M, seoul(18, 12)),
    (seoul(18, 3), (NIGHTLY,), 10 * M, seoul(18, 5)),
    (seoul(18, 1, 55), (NIGHTLY,), 10 * M, seoul(18, 5)),
    (seoul(18, 1, 50), (NIGHTLY,), 10 * M, seoul(18, 1, 50)),
    (seoul(21, 23), (WEEKEND_NIGHTS,), 10 * M, seoul(22, 6)),
    (seoul(23, 1), (WEEKEND_NIGHTS,), 10 * M, seoul(23, 6)),  # Sunday's night ends Monday
    (seoul(24, 1), (WEEKEND_NIGHTS,), 10 * M, seoul(24, 1)),  # Monday night is not quiet
    (seoul(21, 21, 55), (WEEKEND_NIGHTS, NIGHTLY), 10 * M, seoul(22, 6)),
    (datetime(2026, 11, 17, 17, 30, tzinfo=UTC), (NIGHTLY,), 10 * M, seoul(18, 5)),
], ids=["outside", "inside", "limit-overlaps-start", "fits-exactly", "saturday-night",
        "sunday-night-into-monday", "monday-free", "chained-windows", "utc-input"])
def test_quiet_windows(earliest, windows, limit, expected):
    assert first_allowed_start(earliest, windows, limit) == expected


def test_quiet_windows_that_leave_no_gap_are_refused():
    always = QuietWindow(frozenset(range(7)), time(0, 0), time(0, 0))
    with pytest.raises(ValueError, match="no time"):
        first_allowed_start(NOW, (always,), 10 * M)


def test_cron_times_are_seoul_times():
    assert next_cron_time("30 4 * * *", seoul(18, 12)) == seoul(19, 4, 30)
    assert next_cron_time("30 4 * * *", seoul(19, 4, 30)) == seoul(20, 4, 30)


@pytest.mark.parametrize(("state", "health"), [
    (SourceState("s"), "new"),
    (SourceState("s", runs=4), "healthy"),
    (SourceState("s", runs=4, consecutive_failures=1), "degraded"),
    (SourceState("s", runs=4, consecutive_failures=2), "degraded"),
    (SourceState("s", runs=4, consecutive_failures=3), "failing"),
], ids=["new", "healthy", "one-failure", "two-failures", "three-failures"])
def test_health(state, health):
    assert health_of(state) == health


def test_failures_keep_failing_since_and_a_success_clears_it():
    rand = lambda: 0.0  # noqa: E731
    state = SourceState("s", interval_s=3600, last_started_at=NOW, running_since=NOW)
    state = plan_after_run(state, POLICY, RunResult("failed", NOW, error="HTTP 500"), rand)
    assert (state.consecutive_failures, state.failing_since) == (1, NOW)
    assert state.next_run_at == NOW + 5 * M
    later = NOW + 5 * M
    state = plan_after_run(state, POLICY, RunResult("timed_out", later), rand)
    assert (state.consecutive_failures, state.failing_since) == (2, NOW)
    assert state.next_run_at == later + 10 * M, "the second failure waits twice as long"
    state = plan_after_run(state, POLICY, RunResult("ok", later, changed=True), rand)
    assert (state.consecutive_failures, state.failing_since, state.last_error) == (0, None, None)
    assert state.next_run_at == later + 30 * M, "back to the adaptive interval (shrunk)"


def test_quiet_window_pushes_the_next_run():
    policy = SchedulePolicy(interval=H, jitter=0 * M, quiet=(NIGHTLY,), time_limit=10 * M)
    state = SourceState("s", interval_s=3600, running_since=seoul(18, 1))
    after = plan_after_run(state, policy, RunResult("ok", seoul(18, 1, 40), changed=True),
                           lambda: 0.0)
    assert after.next_run_at == seoul(18, 5)


@pytest.mark.parametrize(("finished", "expected_next"), [
    (None, NOW), (RunResult("unchanged", NOW - 1 * M), NOW - 1 * M + 1.5 * H),
], ids=["died-mid-run: due again", "run-had-committed: planned from it"])
def test_restart_recovery(finished, expected_next):
    state = SourceState("s", interval_s=3600, running_since=NOW - 2 * M,
                        next_run_at=NOW - 2 * M)
    recovered = recover_after_restart(state, POLICY, NOW, finished, lambda: 0.0)
    assert recovered.running_since is None
    assert recovered.next_run_at == expected_next


@pytest.mark.parametrize(("policy", "expected_next"), [
    (SchedulePolicy(interval=30 * M, min_interval=15 * M, jitter=0 * M), NOW + 20 * M),
    (SchedulePolicy(interval=6 * H, min_interval=6 * H, jitter=0 * M), NOW + 50 * M),
    (SchedulePolicy(interval=H, jitter=0 * M, quiet=(
        QuietWindow(frozenset(range(7)), time(12, 30), time(13, 30)),)), NOW + 90 * M),
], ids=["shorter-interval-comes-sooner", "longer-interval-never-later",
        "new-quiet-window-pushes"])
def test_edits(policy, expected_next):
    state = SourceState("s", interval_s=3600, last_finished_at=NOW - 10 * M,
                        next_run_at=NOW + 50 * M, runs=3)
    old = SchedulePolicy(interval=H, jitter=0 * M)
    assert reconfigure(state, policy, NOW, lambda: 0.0, old).next_run_at == expected_next
