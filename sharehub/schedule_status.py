"""Each source's schedule health for operators and staff: healthy, degraded or failing,
failing since when, the next attempt. `source_statuses` is what the staff and operator
pages call; `sharehub sources status` prints it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table

from sharehub.schedule_rules import SourceState, health_of
from sharehub.schedule_store import STORE_FILE, ScheduleStore
from sharehub.schedule_windows import SEOUL
from sharehub.schedules import ScheduleConfig

__all__ = ["SourceStatus", "print_statuses", "read_states", "source_statuses"]


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """`state` is one of: new, healthy, degraded, failing (the schedule runs it),
    waiting_for_key (its key_env is unset) or disabled (enabled: false)."""

    source_id: str
    name: str
    operator: str | None
    state: str
    running_since: datetime | None
    next_attempt: datetime | None
    failing_since: datetime | None
    consecutive_failures: int
    last_outcome: str | None
    last_error: str | None
    last_success_at: datetime | None
    interval_s: float | None
    missed_runs: int


def source_statuses(config: ScheduleConfig, states: Mapping[str, SourceState],
                    secrets: Mapping[str, str]) -> list[SourceStatus]:
    """Every configured source's status, in the file's order, from the stored states."""
    active = {s.id for s in config.active_sources(secrets)}
    statuses = []
    for source in config.sources:
        state = states.get(source.id) or SourceState(source.id)
        if not source.enabled:
            label = "disabled"
        elif source.id not in active:
            label = "waiting_for_key"
        else:
            label = health_of(state)
        statuses.append(SourceStatus(
            source.id, source.name, source.operator, label, state.running_since,
            state.next_run_at if source.id in active else None, state.failing_since,
            state.consecutive_failures, state.last_outcome, state.last_error,
            state.last_success_at, state.interval_s, state.missed))
    return statuses


def read_states(data_dir: Path) -> dict[str, SourceState]:
    """The stored states of the scheduler that uses `data_dir` ({} before its first run).
    Reads only; safe while the scheduler runs."""
    path = data_dir / STORE_FILE
    if not path.exists():
        return {}
    try:
        store = ScheduleStore(path, read_only=True)
    except sqlite3.Error:
        return {}
    try:
        return store.load_all()
    except sqlite3.Error:  # a store created but not yet given its table
        return {}
    finally:
        store.close()


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _when(moment: datetime | None) -> str:
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M") if moment else "—"


def print_statuses(statuses: Sequence[SourceStatus], stream: TextIO, *,
                   as_json: bool = False) -> None:
    """A table of the statuses (times in Asia/Seoul; plain text when not a terminal),
    or `as_json` a JSON list of them (times in ISO 8601)."""
    if as_json:
        print(json.dumps([asdict(s) for s in statuses], default=_iso, ensure_ascii=False,
                         indent=2), file=stream)
        return
    table = Table(title="sharehub sources")
    for column in ("source", "state", "next attempt", "failing since", "failures",
                   "interval", "last outcome", "last error"):
        table.add_column(column)
    for s in statuses:
        running = f" (running since {_when(s.running_since)})" if s.running_since else ""
        interval = f"{s.interval_s / 60:.0f} min" if s.interval_s else "—"
        table.add_row(s.source_id, s.state + running, _when(s.next_attempt),
                      _when(s.failing_since), str(s.consecutive_failures), interval,
                      s.last_outcome or "—", (s.last_error or "")[:80])
    Console(file=stream, width=180).print(table)
