"""Crawl a set of configured sources now: register them, refresh each, report the runs."""

from __future__ import annotations

import json
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import (
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
)
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from itertools import zip_longest
from typing import ParamSpec, TextIO, TypeVar
from urllib.parse import urlsplit

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from sharehub.pipeline import (
    PendingIndexChanges,
    RefreshDeps,
    RefreshOutcome,
    refresh_source,
    sync_index,
)
from sharehub.schedules import ConfigError, ScheduleConfig, SourceSchedule

__all__ = ["crawl_sources", "print_runs", "register_sources", "runs_as_json", "select_sources",
           "spread_by_host"]


def select_sources(config: ScheduleConfig, ids: Sequence[str],
                   secrets: Mapping[str, str]) -> list[SourceSchedule]:
    """The active sources (enabled, key available), or exactly the ones named (a named
    source without its key fails with a message naming the variable). Raises ConfigError
    for unknown ids."""
    if not ids:
        return config.active_sources(secrets)
    known = {s.id: s for s in config.sources}
    if unknown := [i for i in ids if i not in known]:
        raise ConfigError(f"unknown source id(s): {', '.join(unknown)} "
                          f"(known: {', '.join(known) or 'none'})")
    return [known[i] for i in ids]


def register_sources(config: ScheduleConfig, deps: RefreshDeps) -> None:
    """Save every configured source's definition in the catalog."""
    now = datetime.now(UTC)
    for schedule in config.sources:
        deps.catalog.save_source(schedule.to_source(), now)


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _warm_up() -> None:
    """Load what every parse needs (the district and category tables) in a new process."""
    from normalizer.gazetteer import load_gazetteer
    from normalizer.taxonomy import load_taxonomy

    load_gazetteer()
    load_taxonomy()


class _WarmingPool(Executor):
    """A process pool that runs work in the calling thread until its first process is
    up: starting one takes about a second, which a small crawl, or a re-crawl where
    most sources answer 304, should not wait for."""

    def __init__(self, processes: int) -> None:
        # spawn: forking a process that runs threads (the HTTP client's, a server's) can
        # copy a lock another thread holds.
        self._pool = ProcessPoolExecutor(processes,
                                         mp_context=multiprocessing.get_context("spawn"))
        self._ready = self._pool.submit(_warm_up)

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args,
               **kwargs: _P.kwargs) -> Future[_T]:
        if self._ready.done():
            return self._pool.submit(fn, *args, **kwargs)
        here: Future[_T] = Future()
        try:
            here.set_result(fn(*args, **kwargs))
        except Exception as exc:
            here.set_exception(exc)
        return here

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


@contextmanager
def _parse_pool(processes: int) -> Iterator[Executor | None]:
    if processes < 1:
        yield None
        return
    with _WarmingPool(processes) as pool:
        yield pool


def crawl_sources(sources: Sequence[SourceSchedule], deps: RefreshDeps,
                  on_done: Callable[[RefreshOutcome], None] | None = None, *,
                  workers: int = 8, parse_processes: int = 0) -> list[RefreshOutcome]:
    """Refresh the sources with `workers` threads (fetching overlaps; applying to the
    catalog is serialized in refresh_source), one broken source never stopping the
    others, then make sure the search index reflects the catalog. Each run commits to
    the catalog at once; the search index takes the changes in batches (one index commit
    per 20,000 changed listings, not one per source). With `parse_processes`, documents
    are parsed in a pool of that many processes; 0 (the default) parses in the worker
    threads, which measured faster on 2 CPUs, where the crawl process itself (catalog,
    index) needs the second one (bench/REPORT.md). Outcomes come back in the order of
    `sources`."""
    outcomes: dict[str, RefreshOutcome] = {}
    # Batches patch the index from the state it records: bring it in step first (a
    # fresh or stale index is rebuilt from the catalog now, not at the first batch).
    sync_index(deps.catalog, deps.index)
    pending = PendingIndexChanges()
    try:
        with _parse_pool(parse_processes) as parse_pool:
            batched = replace(deps, pending_index=pending, parse_pool=parse_pool)
            _refresh_all(sources, batched, workers, outcomes, on_done)
    finally:
        with deps.apply_lock:
            pending.flush(deps)
    sync_index(deps.catalog, deps.index)
    return [outcomes[s.id] for s in sources]


def spread_by_host(sources: Sequence[SourceSchedule]) -> list[SourceSchedule]:
    """The sources in an order that keeps those sharing a host apart: one source of every
    host, then the second source of every host that has one, and so on. A worker that
    takes a host's second source then rarely waits out the host's politeness delay while
    sources of other hosts are ready (in the crawl benchmark's re-crawl, 20 such waits of
    ≈ 1 s held workers for a third of its time)."""
    by_host: dict[str, list[SourceSchedule]] = {}
    for source in sources:
        host = (urlsplit(source.url).hostname or "").lower() or f"source:{source.id}"
        by_host.setdefault(host, []).append(source)
    return [source for turn in zip_longest(*by_host.values()) for source in turn
            if source is not None]


def _refresh_all(sources: Sequence[SourceSchedule], deps: RefreshDeps, workers: int,
                 outcomes: dict[str, RefreshOutcome],
                 on_done: Callable[[RefreshOutcome], None] | None) -> None:
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="crawl") as pool:
        futures = [pool.submit(refresh_source, s.to_source(), deps)
                   for s in spread_by_host(sources)]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[outcome.source_id] = outcome
            if on_done:
                on_done(outcome)


def crawl_with_progress(sources: Sequence[SourceSchedule], deps: RefreshDeps,
                        stream: TextIO = sys.stderr) -> list[RefreshOutcome]:
    """crawl_sources with a progress bar when `stream` is a terminal."""
    console = Console(file=stream)
    if not console.is_terminal:
        return crawl_sources(sources, deps)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("crawling", total=len(sources))
        return crawl_sources(sources, deps, lambda _o: progress.advance(task))


def runs_as_json(outcomes: Sequence[RefreshOutcome]) -> str:
    return json.dumps([
        {"source_id": o.source_id, "status": o.run.status, "added": o.run.added,
         "updated": o.run.updated, "unchanged": o.run.unchanged, "removed": o.run.removed,
         "invalid": o.run.invalid, "error": o.run.error, "record_errors": o.run.record_errors,
         "started_at": o.run.started_at.isoformat(),
         "finished_at": o.run.finished_at.isoformat()}
        for o in outcomes], ensure_ascii=False, indent=2)


def print_runs(outcomes: Sequence[RefreshOutcome], stream: TextIO = sys.stdout) -> None:
    """The run report as a table (plain text when not a terminal)."""
    table = Table(title="sharehub crawl")
    for column in ("source", "status", "added", "updated", "unchanged", "removed", "invalid",
                   "error"):
        table.add_column(column)
    for o in outcomes:
        r = o.run
        table.add_row(o.source_id, r.status, str(r.added), str(r.updated), str(r.unchanged),
                      str(r.removed), str(r.invalid), r.error or "")
    Console(file=stream, width=160).print(table)
