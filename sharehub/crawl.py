"""Crawl a set of configured sources now: register them, refresh each, report the runs."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime
from typing import TextIO

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from sharehub.pipeline import RefreshDeps, RefreshOutcome, refresh_source, sync_index
from sharehub.schedules import ConfigError, ScheduleConfig, SourceSchedule

__all__ = ["crawl_sources", "print_runs", "register_sources", "runs_as_json", "select_sources"]


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


def crawl_sources(sources: Sequence[SourceSchedule], deps: RefreshDeps,
                  on_done: Callable[[RefreshOutcome], None] | None = None, *,
                  workers: int = 8) -> list[RefreshOutcome]:
    """Refresh the sources with `workers` threads (fetching overlaps; applying to the
    catalog and index is serialized in refresh_source), one broken source never stopping
    the others, then make sure the search index reflects the catalog. Outcomes come back
    in the order of `sources`."""
    outcomes: dict[str, RefreshOutcome] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers),
                            thread_name_prefix="crawl") as pool:
        futures = [pool.submit(refresh_source, s.to_source(), deps) for s in sources]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[outcome.source_id] = outcome
            if on_done:
                on_done(outcome)
    sync_index(deps.catalog, deps.index)
    return [outcomes[s.id] for s in sources]


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
