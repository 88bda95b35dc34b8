"""Run one scheduled refresh within its time limit, and say what happened.

Runs happen in threads, and a thread cannot be killed. Running each source in a
subprocess would kill cleanly, but the child would need its own catalog connection and
search-index writer (tantivy allows one writer per index, held by this process), and its
result would reach the index only through a full rebuild. So the limit is enforced where
a run spends its time, in HTTP: each run gets its own httpx client whose transport checks
the run's deadline (and the shutdown flag) before every request and between every chunk
of a body, and raises RunStopped there. The pipeline does not catch it, so the run stops
before anything is applied (the catalog applies a run in one transaction, after the
fetch), and the scheduler records it as timed out. A run stuck outside HTTP (a parser on
a huge document) cannot be stopped this way; the scheduler's watchdog reports it as over
its limit and no second run of the source starts until it returns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime

import httpx

from crawlers.address_guard import policy_for
from crawlers.guarded_transport import GuardedTransport
from sharehub.pipeline import RefreshDeps, RefreshOutcome, refresh_source
from sharehub.schedule_rules import RunResult, SchedulePolicy
from sharehub.schedules import SourceSchedule

__all__ = ["RunCancelled", "RunStopped", "RunTimedOut", "SourceRunner", "result_of"]

log = logging.getLogger("sharehub.scheduler")


class RunStopped(Exception):  # noqa: N818 (a stop, not an error of the run's own)
    """The run was stopped from outside: time limit or shutdown."""


class RunTimedOut(RunStopped):
    """The run went over its time limit."""


class RunCancelled(RunStopped):
    """sharehub is shutting down."""


class _GuardedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, check: Callable[[], None]) -> None:
        self._inner = inner
        self._check = check

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._check()
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _RunTransport(httpx.BaseTransport):
    """Wraps the shared transport for one run: deadline, shutdown and the source's own
    minimum delay between its requests. Closing it leaves the shared pool open."""

    def __init__(self, inner: httpx.BaseTransport, *, deadline: float, limit_s: float,
                 stop: threading.Event, min_delay_s: float) -> None:
        self._inner = inner
        self._deadline = deadline
        self._limit_s = limit_s
        self._stop = stop
        self._min_delay_s = min_delay_s
        self._last_start: float | None = None

    def check(self) -> None:
        if self._stop.is_set():
            raise RunCancelled("sharehub is stopping")
        if time.monotonic() > self._deadline:
            raise RunTimedOut(f"stopped after its time limit of {self._limit_s:g} s")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.check()
        if self._min_delay_s and self._last_start is not None:
            wait = self._last_start + self._min_delay_s - time.monotonic()
            if wait > 0:  # an Event wait, so a shutdown does not sit out the delay
                self._stop.wait(min(wait, max(self._deadline - time.monotonic(), 0.0)))
                self.check()
        self._last_start = time.monotonic()
        response = self._inner.handle_request(request)
        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(response.status_code, headers=response.headers,
                              stream=_GuardedStream(response.stream, self.check),
                              extensions=response.extensions, request=request)

    def close(self) -> None:
        pass


def result_of(outcome: RefreshOutcome) -> RunResult:
    """A pipeline outcome as the scheduler sees it: ok (with or without changes),
    unchanged (304, same hash), failed (with the platform's Retry-After if it sent one).
    A quarantined run counts as failed: the source answered, but not believably."""
    run = outcome.run
    if run.status == "ok":
        changed = bool(run.added or run.updated or run.removed or run.missing)
        return RunResult("ok", run.finished_at, changed=changed)
    if run.status == "unchanged":
        return RunResult("unchanged", run.finished_at)
    retry = next((f["retry_after_s"] for f in reversed(run.fetches) if f.get("retry_after_s")),
                 None)
    return RunResult("failed", run.finished_at, retry_after_s=retry,
                     error=run.error or run.status)


class SourceRunner:
    """Runs sources for the scheduler: `runner(schedule, policy, stop)` refreshes the
    source through the pipeline within `policy.time_limit` and returns its RunResult
    (a timed-out run is recorded in the catalog as failed, error "watchdog: …").
    Raises RunCancelled when `stop` was set (nothing recorded: the run is due again)."""

    def __init__(self, deps: RefreshDeps, clock: Callable[[], datetime]) -> None:
        self._deps = deps
        self._clock = clock
        self._transport = GuardedTransport(policy_for(deps.limits.allow_private_networks,
                                                      deps.limits.allowed_networks))

    def close(self) -> None:
        self._transport.close()

    def __call__(self, schedule: SourceSchedule, policy: SchedulePolicy,
                 stop: threading.Event) -> RunResult:
        limit_s = policy.time_limit.total_seconds()
        polite = schedule.politeness
        guard = _RunTransport(self._transport, deadline=time.monotonic() + limit_s,
                              limit_s=limit_s, stop=stop,
                              min_delay_s=polite.min_delay.total_seconds()
                              if polite.min_delay else 0.0)
        base = self._deps.limits
        limits = replace(
            base,
            total_timeout_s=min(polite.timeout.total_seconds() if polite.timeout
                                else base.total_timeout_s, limit_s),
            max_retries=base.max_retries if polite.max_retries is None
            else polite.max_retries,
            max_retry_wait_s=base.max_retry_wait_s if polite.max_retry_wait is None
            else polite.max_retry_wait.total_seconds())
        started = self._clock()
        client = httpx.Client(transport=guard, timeout=self._deps.client.timeout,
                              headers=self._deps.client.headers, follow_redirects=False,
                              trust_env=False)
        try:
            outcome = refresh_source(schedule.to_source(),
                                     replace(self._deps, client=client, limits=limits))
        except RunTimedOut as exc:
            error = f"watchdog: {exc}"
            finished = self._clock()
            self._deps.catalog.record_failure(schedule.id, error, started_at=started,
                                              finished_at=finished)
            return RunResult("timed_out", finished, error=error)
        finally:
            client.close()
        # Now, not the run record's finish: that is stamped before the index update,
        # which may have waited for other runs' updates.
        return replace(result_of(outcome), finished_at=self._clock())
