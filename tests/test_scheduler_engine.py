"""The scheduler process's parts on a real clock with short intervals: APScheduler jobs,
one run per source at a time, reload, shutdown, the data-dir lock, the run time limit
(against a loopback server that drips its body), the reload watcher and the status."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawlers import FetchLimits, make_client
from index import Catalog, TantivyIndex
from sharehub.pipeline import RefreshDeps
from sharehub.schedule_reload import ConfigWatcher
from sharehub.schedule_rules import RunResult, SchedulePolicy, SourceState
from sharehub.schedule_runner import RunCancelled, SourceRunner
from sharehub.schedule_status import read_states, source_statuses
from sharehub.schedule_store import SchedulerBusy, SchedulerLock, ScheduleStore
from sharehub.scheduler import SourceScheduler
from sharehub.schedules import ScheduleConfig, SourceSchedule
from sharehub.wiring import category_words
from tests.loopback import LoopbackServer

FAST = {"interval": "0.3s", "min_interval": "0.2s", "max_interval": "0.5s", "jitter": 0,
        "misfire_grace": "5s", "time_limit": "5s", "backoff_initial": "0.2s",
        "backoff_max": "1s"}


def config_of(*ids: str, **overrides: object) -> ScheduleConfig:
    return ScheduleConfig.model_validate({"defaults": {**FAST, **overrides}, "sources": [
        {"id": i, "name": i, "kind": "rss", "url": f"http://127.0.0.1:9/{i}"} for i in ids]})


class RecordingRunner:
    """Takes `duration` per run, fails the sources in `failing`, and notes overlaps."""

    def __init__(self, duration: float = 0.15, failing: frozenset[str] = frozenset()) -> None:
        self.duration, self.failing = duration, failing
        self.active: set[str] = set()
        self.overlaps: list[str] = []
        self.runs: list[tuple[str, float]] = []
        self.lock = threading.Lock()

    def __call__(self, schedule: SourceSchedule, policy: SchedulePolicy,
                 stop: threading.Event) -> RunResult:
        with self.lock:
            if schedule.id in self.active:
                self.overlaps.append(schedule.id)
            self.active.add(schedule.id)
            self.runs.append((schedule.id, time.monotonic()))
        try:
            if stop.wait(self.duration):
                raise RunCancelled("stopping")
        finally:
            with self.lock:
                self.active.discard(schedule.id)
        outcome = "failed" if schedule.id in self.failing else "unchanged"
        return RunResult(outcome, datetime.now(UTC), error="boom" if outcome == "failed" else None)

    def count(self, source_id: str) -> int:
        return sum(1 for sid, _t in self.runs if sid == source_id)


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


@pytest.fixture
def store(tmp_path):
    store = ScheduleStore.in_data_dir(tmp_path)
    yield store
    store.close()


def test_sources_run_repeatedly_never_twice_at_once_and_failures_back_off(store):
    runner = RecordingRunner(duration=0.4, failing=frozenset({"bad"}))
    scheduler = SourceScheduler(config_of("a", "b", "bad"), store=store, runner=runner,
                                secrets={}, max_workers=4)
    scheduler.start()
    try:
        wait_until(lambda: runner.count("a") >= 3 and runner.count("bad") >= 3)
    finally:
        scheduler.shutdown(grace_s=2)
    assert runner.overlaps == [], "a source ran twice at once"
    states = store.load_all()
    assert states["a"].last_outcome == "unchanged"
    assert states["a"].consecutive_failures == 0
    assert states["bad"].consecutive_failures >= 3
    assert states["bad"].failing_since is not None
    bad = [t for sid, t in runner.runs if sid == "bad"]
    assert bad[2] - bad[1] > bad[1] - bad[0] - 0.05, "the backoff did not grow"


def test_reload_adds_and_removes_sources(store):
    runner = RecordingRunner(duration=0.05)
    scheduler = SourceScheduler(config_of("a"), store=store, runner=runner, secrets={})
    scheduler.start()
    try:
        wait_until(lambda: runner.count("a") >= 1)
        scheduler.reload(config_of("b"))
        wait_until(lambda: runner.count("b") >= 2)
        after_removal = runner.count("a")
        time.sleep(0.8)
        assert runner.count("a") <= after_removal + 1, "a removed source kept running"
    finally:
        scheduler.shutdown(grace_s=1)


def test_shutdown_stops_a_run_in_progress_without_recording_it(store):
    runner = RecordingRunner(duration=30)
    scheduler = SourceScheduler(config_of("slow"), store=store, runner=runner, secrets={})
    scheduler.start()
    wait_until(lambda: runner.count("slow") == 1)
    started = time.monotonic()
    scheduler.shutdown(grace_s=0.2)
    assert time.monotonic() - started < 5
    state = store.load("slow")
    assert state is not None
    assert state.running_since is None
    assert state.runs == 0
    assert state.next_run_at is not None
    assert state.next_run_at <= datetime.now(UTC), "the stopped run is due again at once"


def test_restart_reads_back_the_next_run_time(store):
    later = datetime.now(UTC) + timedelta(hours=1)
    store.save(SourceState("a", interval_s=3600, next_run_at=later, runs=5), later)
    runner = RecordingRunner()
    scheduler = SourceScheduler(config_of("a", interval="1h", max_interval="2h"),
                                store=store, runner=runner, secrets={})
    scheduler.start()
    time.sleep(0.5)
    scheduler.shutdown(grace_s=0)
    assert runner.count("a") == 0, "a restart ran a source that was not due"
    assert store.load("a").next_run_at == later  # type: ignore[union-attr]


def test_a_second_scheduler_on_the_same_data_refuses_to_start(tmp_path):
    with SchedulerLock(tmp_path):
        with pytest.raises(SchedulerBusy, match=r"pid \d+\) is already running"):
            SchedulerLock(tmp_path).acquire()
    with SchedulerLock(tmp_path):  # free again once released
        pass


def test_a_run_over_its_time_limit_is_stopped_and_recorded(tmp_path):
    def drip(_handler):
        def chunks():
            yield b"<?xml version='1.0'?><rss><channel>"
            for _ in range(100):
                time.sleep(0.1)
                yield b" "
        return 200, {"Content-Type": "application/rss+xml"}, chunks()

    limits = FetchLimits(allow_private_networks=True, total_timeout_s=60)
    with LoopbackServer({"/feed": drip}) as server, make_client(limits) as client:
        config = ScheduleConfig.model_validate({"sources": [
            {"id": "drip", "name": "drip", "kind": "rss", "url": server.url("/feed"),
             "time_limit": "1s"}]})
        catalog = Catalog(tmp_path / "catalog.sqlite3")
        deps = RefreshDeps(catalog, TantivyIndex(tmp_path / "index", category_words()),
                           client, limits)
        catalog.save_source(config.sources[0].to_source(), datetime.now(UTC))
        runner = SourceRunner(deps, lambda: datetime.now(UTC))
        started = time.monotonic()
        result = runner(config.sources[0], config.policy_for(config.sources[0]),
                        threading.Event())
        took = time.monotonic() - started
        runner.close()
        runs = catalog.runs("drip")
        catalog.close()
    assert result.outcome == "timed_out", result
    assert took < 4, f"stopped only after {took:.1f} s"
    assert runs[0].status == "failed"
    assert "watchdog: stopped after its time limit of 1 s" \
        in (runs[0].error or "")


def test_the_watcher_applies_good_edits_and_rejects_broken_ones(tmp_path):
    path = tmp_path / "schedules.yaml"
    path.write_text("sources: []\n", encoding="utf-8")
    applied: list[ScheduleConfig] = []
    events: list[tuple[str, dict]] = []
    watcher = ConfigWatcher(path, applied.append, poll_s=0.05,
                            on_event=lambda e, f: events.append((e, f)))
    assert watcher.check_now() is False, "nothing changed yet"
    path.write_text("sources:\n  - {id: a, name: A, kind: rss, url: u, every: 5}\n",
                    encoding="utf-8")
    assert watcher.check_now() is False
    assert events[-1][0] == "reload_rejected"
    assert f"{path}:2: sources.0.every (source a): unknown key" in events[-1][1]["error"]
    path.write_text("sources:\n  - {id: a, name: A, kind: rss, url: u}\n", encoding="utf-8")
    watcher.start()
    try:
        wait_until(lambda: applied)
    finally:
        watcher.stop()
    assert [s.id for s in applied[-1].sources] == ["a"]


def test_status_labels_every_source(tmp_path):
    config = ScheduleConfig.model_validate({"sources": [
        {"id": "ok", "name": "ok", "kind": "rss", "url": "u"},
        {"id": "down", "name": "down", "kind": "rss", "url": "u"},
        {"id": "keyed", "name": "keyed", "kind": "rss", "url": "u", "key_env": "NO_SUCH_KEY"},
        {"id": "off", "name": "off", "kind": "rss", "url": "u", "enabled": False},
        {"id": "fresh", "name": "fresh", "kind": "rss", "url": "u"}]})
    since = datetime(2026, 11, 20, tzinfo=UTC)
    store = ScheduleStore.in_data_dir(tmp_path)
    store.save(SourceState("ok", runs=3, next_run_at=since), since)
    store.save(SourceState("down", runs=9, consecutive_failures=4, failing_since=since,
                           next_run_at=since + timedelta(hours=1), last_error="HTTP 500"), since)
    store.close()
    statuses = {s.source_id: s for s in source_statuses(config, read_states(tmp_path), {})}
    assert {k: s.state for k, s in statuses.items()} == {
        "ok": "healthy", "down": "failing", "keyed": "waiting_for_key", "off": "disabled",
        "fresh": "new"}
    down = statuses["down"]
    assert (down.failing_since, down.next_attempt, down.last_error) == (
        since, since + timedelta(hours=1), "HTTP 500")
    assert read_states(Path(tmp_path / "nowhere")) == {}
