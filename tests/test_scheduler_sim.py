"""Two simulated weeks of 50 sources on a controllable clock: failures, Retry-After,
slow sources over their time limit, quiet windows, cron sources, three restarts (one
while runs were in progress, one of them already committed) and edits of the schedule.

The simulation drives the scheduler's decision functions and its SQLite store exactly
as sharehub/scheduler.py does (a timer per source, a pool of workers, decide at start,
plan after the run), and checks: no source ever runs twice at once, no due run starts
later than its misfire grace (catch-ups only right after a restart, one per source),
backoff and adaptive intervals follow their rules, and quiet windows are never violated.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

import pytest

from sharehub.schedule_rules import (
    BACKOFF_JITTER,
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
from sharehub.schedule_store import ScheduleStore
from sharehub.schedule_windows import SEOUL, QuietWindow, first_allowed_start, next_cron_time

M, H = timedelta(minutes=1), timedelta(hours=1)
START = datetime(2026, 11, 2, 0, 0, tzinfo=SEOUL)  # a Monday
END = START + timedelta(days=14)
NIGHTLY = QuietWindow(frozenset(range(7)), time(2, 0), time(5, 0))
WEEKEND_NIGHTS = QuietWindow(frozenset({5, 6}), time(22, 0), time(6, 0))
LUNCH = QuietWindow(frozenset(range(5)), time(12, 0), time(13, 0))
WORKERS = 8


@dataclass(frozen=True)
class Behaviour:
    fail_rate: float = 0.0
    change_rate: float = 0.3
    slow_rate: float = 0.0  # runs that would take longer than the time limit
    retry_after_s: float | None = None


@dataclass
class Run:
    source_id: str
    start: datetime
    end: datetime | None = None
    due: datetime | None = None
    action: str = "run"
    outcome: str | None = None
    policy: SchedulePolicy | None = None
    killed: bool = False


@dataclass
class Sim:
    policies: dict[str, SchedulePolicy]
    behaviour: dict[str, Behaviour]
    store: ScheduleStore
    rng: random.Random
    now: datetime = START
    up: bool = True
    states: dict[str, SourceState] = field(default_factory=dict)
    running: dict[str, Run] = field(default_factory=dict)
    timers: dict[str, int] = field(default_factory=dict)
    waiting: list[str] = field(default_factory=list)
    events: list[tuple[datetime, int, str, str, int]] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    catalog: dict[str, list[tuple[datetime, RunResult]]] = field(default_factory=dict)
    checks: list[tuple[str, SourceState, SourceState, RunResult, SchedulePolicy]] = \
        field(default_factory=list)
    restarts: list[datetime] = field(default_factory=list)
    joins: list[tuple[str, datetime]] = field(default_factory=list)  # (re)added by an edit
    recovered: list[tuple[datetime, SourceState, SourceState]] = field(default_factory=list)
    seq: int = 0

    def rand(self) -> float:
        return self.rng.random()

    def push(self, at: datetime, kind: str, source_id: str, token: int) -> None:
        self.seq += 1
        heapq.heappush(self.events, (at, self.seq, kind, source_id, token))

    def save(self, state: SourceState) -> None:
        self.states[state.source_id] = state
        self.store.save(state, self.now)

    def set_timer(self, source_id: str, at: datetime) -> None:
        self.seq += 1
        self.timers[source_id] = self.seq
        self.push(max(at, self.now), "timer", source_id, self.seq)

    # --- what SourceScheduler does ---------------------------------------------------

    def boot(self) -> None:
        self.up, self.states, self.running, self.timers, self.waiting = True, {}, {}, {}, []
        self.restarts.append(self.now)
        for source_id, policy in sorted(self.policies.items(), key=lambda p: -p[1].priority):
            state = self.store.load(source_id)
            if state is None:
                state = plan_first_run(source_id, policy, self.now, self.rand)
            else:
                finished = self.completed(source_id, state.running_since)
                before = state
                state = recover_after_restart(state, policy, self.now, finished, self.rand)
                if before.running_since is not None:
                    self.recovered.append((self.now, before, state))
            self.save(state)
            self.set_timer(source_id, state.next_run_at or self.now)

    def completed(self, source_id: str, since: datetime | None) -> RunResult | None:
        done = self.catalog.get(source_id, [])
        if since is None or not done or done[-1][0] < since:
            return None
        return done[-1][1]

    def on_timer(self, source_id: str, token: int) -> None:
        if self.timers.get(source_id) != token or source_id in self.running \
                or source_id not in self.policies:
            return
        if len(self.running) >= WORKERS:
            self.waiting.append(source_id)
            return
        self.begin(source_id)

    def begin(self, source_id: str) -> None:
        policy, state = self.policies[source_id], self.states[source_id]
        decision = due_decision(state, policy, self.now)
        if decision.action == "wait":
            self.save(replace(state, next_run_at=decision.at))
            self.set_timer(source_id, decision.at)
            return
        run = Run(source_id, self.now, due=state.next_run_at, action=decision.action,
                  policy=policy)
        self.save(mark_started(state, self.now, decision.missed))
        self.running[source_id] = run
        self.runs.append(run)
        behaviour = self.behaviour[source_id]
        if self.rng.random() < behaviour.slow_rate:
            run.end, run.outcome = self.now + policy.time_limit, "timed_out"
        else:
            run.end = self.now + timedelta(seconds=self.rng.uniform(2, 60))
            run.outcome = "failed" if self.rng.random() < behaviour.fail_rate else "ok"
        self.push(run.end, "finish", source_id, self.timers[source_id])

    def on_finish(self, source_id: str, token: int) -> None:
        run = self.running.get(source_id)
        if run is None or run.end != self.now:
            return
        behaviour = self.behaviour[source_id]
        failed = run.outcome != "ok"
        result = RunResult(run.outcome or "ok", self.now,  # type: ignore[arg-type]
                           changed=not failed and self.rng.random() < behaviour.change_rate,
                           retry_after_s=behaviour.retry_after_s if failed else None)
        if run.outcome == "ok" and not result.changed and self.rng.random() < 0.5:
            result = replace(result, outcome="unchanged")  # a 304
        self.catalog.setdefault(source_id, []).append((run.start, result))
        self.finish(source_id, result)

    def finish(self, source_id: str, result: RunResult) -> None:
        del self.running[source_id]
        policy, before = self.policies.get(source_id), self.states[source_id]
        if policy is not None:
            after = plan_after_run(before, policy, result, self.rand)
            self.checks.append((source_id, before, after, result, policy))
            self.save(after)
            self.set_timer(source_id, after.next_run_at or self.now)
        self.waiting.sort(key=lambda sid: -self.policies[sid].priority if sid in self.policies
                          else 0)
        while self.waiting and len(self.running) < WORKERS:
            waiting = self.waiting.pop(0)
            if waiting in self.policies and waiting not in self.running:
                self.begin(waiting)

    def edit(self, changes: dict[str, SchedulePolicy | None]) -> None:
        for source_id, policy in changes.items():
            old = self.policies.pop(source_id, None)
            if policy is None:
                self.timers.pop(source_id, None)
                continue
            self.policies[source_id] = policy
            if old is None:
                self.joins.append((source_id, self.now))
            if source_id in self.running:
                continue  # planned with the new policy when the run ends
            state = self.states.get(source_id) or self.store.load(source_id)
            state = (plan_first_run(source_id, policy, self.now, self.rand) if state is None
                     else reconfigure(state, policy, self.now, self.rand, old))
            self.save(state)
            self.set_timer(source_id, state.next_run_at or self.now)

    def crash(self, commit_one: bool) -> None:
        """The process dies: runs in progress end unrecorded, except (commit_one) one
        whose catalog transaction committed just before the scheduler saved its state."""
        for source_id, run in sorted(self.running.items()):
            run.end, run.killed = self.now, True
            if commit_one:
                self.catalog.setdefault(source_id, []).append(
                    (run.start, RunResult("ok", self.now, changed=True)))
                commit_one = False
        self.up, self.running, self.timers, self.waiting, self.events = False, {}, {}, [], []

    def run_until(self, until: datetime) -> None:
        while self.events and self.events[0][0] <= until:
            at, _seq, kind, source_id, token = heapq.heappop(self.events)
            self.now = at
            if kind == "timer":
                self.on_timer(source_id, token)
            else:
                self.on_finish(source_id, token)
        self.now = until


def _world() -> tuple[dict[str, SchedulePolicy], dict[str, Behaviour]]:
    intervals = [15 * M, 30 * M, H, 2 * H, 6 * H]
    policies, behaviour = {}, {}
    for i in range(50):
        quiet = {0: (NIGHTLY,), 1: (WEEKEND_NIGHTS,), 2: (NIGHTLY, LUNCH)}.get(i % 7, ())
        policies[f"s{i:02d}"] = SchedulePolicy(
            interval=intervals[i % 5], min_interval=15 * M, max_interval=12 * H,
            cron="15 */4 * * *" if i % 16 == 5 else None, jitter=60 * timedelta(seconds=1),
            misfire_grace=10 * M, time_limit=10 * M, priority=i % 3, quiet=quiet)
        behaviour[f"s{i:02d}"] = {
            0: Behaviour(fail_rate=1.0),
            1: Behaviour(fail_rate=0.3),
            2: Behaviour(slow_rate=0.2),
            3: Behaviour(fail_rate=0.2, retry_after_s=7200.0),
        }.get(i % 10, Behaviour(change_rate=(i % 9) / 10))
    return policies, behaviour


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Sim:
    policies, behaviour = _world()
    store = ScheduleStore(tmp_path_factory.mktemp("sim") / "scheduler.sqlite3", durable=False)
    world = Sim(dict(policies), behaviour, store, random.Random(20261122))
    day = timedelta(days=1)
    world.boot()
    world.run_until(START + 3 * day + 2 * H)
    world.crash(commit_one=False)  # a short outage at night
    world.now += 10 * M
    world.boot()
    world.run_until(START + 5 * day + 9 * H)
    world.edit({  # operators edit schedules.yaml
        "s04": replace(policies["s04"], interval=20 * M),
        "s09": replace(policies["s09"], quiet=(LUNCH,)),
        "s13": replace(policies["s13"], min_interval=H, max_interval=3 * H),
        "s17": None,
    })
    world.run_until(START + 7 * day + 14 * H)
    while len(world.running) < 2:  # on to a moment with runs in progress
        world.run_until(world.events[0][0])
    world.crash(commit_one=True)  # killed with runs in progress
    world.now += 5 * H
    world.boot()
    world.run_until(START + 9 * day)
    world.edit({"s17": policies["s17"]})  # back in the file
    world.run_until(START + 11 * day + 18 * H + 7 * M)
    world.crash(commit_one=False)
    world.now += 2 * M
    world.boot()
    world.run_until(END)
    store.close()
    return world


def test_the_simulation_ran_every_kind_of_run(sim: Sim):
    outcomes = {r.outcome for r in sim.runs}
    assert {"ok", "failed", "timed_out"} <= outcomes
    assert len(sim.runs) > 5_000, f"only {len(sim.runs)} runs in two weeks of 50 sources"
    assert any(r.killed for r in sim.runs), "the crash hit runs in progress"
    assert {c[3].outcome for c in sim.checks} >= {"ok", "unchanged", "failed", "timed_out"}


def test_no_source_ever_runs_twice_at_once(sim: Sim):
    by_source: dict[str, list[Run]] = {}
    for run in sim.runs:
        by_source.setdefault(run.source_id, []).append(run)
    for source_id, runs in by_source.items():
        for earlier, later in zip(runs, runs[1:], strict=False):
            assert earlier.end is not None
            assert earlier.end <= later.start, (
                f"{source_id}: run at {later.start} started before the one at "
                f"{earlier.start} ended ({earlier.end})")


def test_no_due_run_starts_later_than_its_grace(sim: Sim):
    for run in sim.runs:
        assert run.due is not None
        assert run.policy is not None
        assert run.start >= run.due, f"{run.source_id} ran early at {run.start}"
        if run.action == "run":
            assert run.start - run.due <= run.policy.misfire_grace
            continue
        # A catch-up: only right after a restart (or the source's return to the file),
        # once per source and restart.
        restart = max([r for r in sim.restarts if r <= run.start]
                      + [t for sid, t in sim.joins if sid == run.source_id and t <= run.start])
        assert run.start - restart <= run.policy.misfire_grace, (
            f"{run.source_id}: catch-up at {run.start}, restart at {restart}")
    catch_ups = [(r.source_id, max(t for t in sim.restarts if t <= r.start))
                 for r in sim.runs if r.action == "catch_up"]
    assert catch_ups, "the 5-hour outage left sources to catch up"
    assert len(catch_ups) == len(set(catch_ups)), "missed runs were not coalesced into one"


def test_every_source_keeps_being_tried_and_the_store_has_every_next_run(sim: Sim):
    reopened = ScheduleStore(sim.store.path)
    stored = reopened.load_all()
    reopened.close()
    for source_id, policy in sim.policies.items():
        state = stored[source_id]
        assert (state.running_since is not None) == (source_id in sim.running)
        assert state.next_run_at is not None
        assert state.next_run_at >= END - policy.misfire_grace, (
            f"{source_id} was due at {state.next_run_at} and never ran")
        if source_id in {sid for sid, _t in sim.joins}:
            continue  # out of the file for days: its gap is the operators' choice
        starts = [r.start for r in sim.runs if r.source_id == source_id]
        longest = max(b - a for a, b in zip(starts, starts[1:], strict=False))
        assert longest <= 24 * H + 5 * H + policy.misfire_grace + 5 * H, (
            f"{source_id} went {longest} without a try (never silently disabled)")
    assert stored["s00"].consecutive_failures > 10
    assert stored["s00"].failing_since is not None


def test_backoff_follows_its_rule(sim: Sim):
    checked = 0
    for source_id, before, after, result, policy in sim.checks:
        if result.outcome not in ("failed", "timed_out"):
            continue
        n = after.consecutive_failures
        assert n == before.consecutive_failures + 1
        nominal = min(policy.backoff_initial * 2 ** (n - 1), policy.backoff_max)
        floor = max(nominal * (1 - BACKOFF_JITTER), timedelta(seconds=result.retry_after_s or 0))
        ceiling = first_allowed_start(
            result.finished_at + max(nominal, timedelta(seconds=result.retry_after_s or 0)),
            policy.quiet, policy.time_limit)
        assert after.next_run_at is not None
        assert result.finished_at + floor - timedelta(seconds=1) <= after.next_run_at <= ceiling, (
            f"{source_id} failure {n}: next try {after.next_run_at - result.finished_at} "
            f"after, nominal {nominal}")
        checked += 1
    assert checked > 300


def test_adaptive_interval_follows_its_rule(sim: Sim):
    stretched = shrunk = 0
    for source_id, before, after, result, policy in sim.checks:
        assert after.interval_s is not None
        assert policy.min_interval.total_seconds() <= after.interval_s \
            <= policy.max_interval.total_seconds(), source_id
        if result.outcome not in ("ok", "unchanged") or before.interval_s is None:
            continue
        changed = result.outcome == "ok" and result.changed
        base = min(max(before.interval_s, policy.min_interval.total_seconds()),
                   policy.max_interval.total_seconds())
        expected = base * (policy.shrink if changed else policy.stretch)
        expected = min(max(expected, policy.min_interval.total_seconds()),
                       policy.max_interval.total_seconds())
        assert after.interval_s == pytest.approx(expected), source_id
        assert after.next_run_at is not None
        if policy.cron:
            assert after.next_run_at == first_allowed_start(
                next_cron_time(policy.cron, result.finished_at), policy.quiet,
                policy.time_limit)
        else:
            wait = (after.next_run_at - result.finished_at).total_seconds()
            assert wait >= after.interval_s, f"{source_id} came back early"
        stretched += not changed
        shrunk += changed
    assert stretched > 500
    assert shrunk > 500


def test_quiet_windows_are_never_violated(sim: Sim):
    quiet_runs = 0
    for run in sim.runs:
        assert run.policy is not None
        assert run.end is not None
        for window in run.policy.quiet:
            for begin, finish in window.periods_near(run.start):
                assert not (begin < run.start + run.policy.time_limit and run.start < finish), (
                    f"{run.source_id} started at {run.start} with a quiet window "
                    f"{begin}–{finish}")
                assert not (begin < run.end and run.start < finish)
        quiet_runs += bool(run.policy.quiet)
    assert quiet_runs > 1_000


def test_a_run_in_progress_at_a_crash_runs_again_unless_it_had_committed(sim: Sim):
    restart = sim.restarts[2]
    crash = restart - 5 * H
    recovered = [(before, after) for at, before, after in sim.recovered if at == restart]
    assert len(recovered) >= 2, "the crash hit several runs in progress"
    committed = {sid for sid, done in sim.catalog.items()
                 if any(r.finished_at == crash for _start, r in done)}
    assert len(committed) == 1
    for before, after in recovered:
        assert after.running_since is None
        if before.source_id in committed:  # planned from its recorded result, not rerun
            assert (after.runs, after.last_finished_at) == (before.runs + 1, crash)
            assert after.next_run_at is not None
            assert after.next_run_at > crash
        else:  # never finished: due again at once
            assert (after.runs, after.next_run_at) == (before.runs, restart)
