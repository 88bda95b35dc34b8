"""The scheduler's memory in the data dir: each source's SourceState (next run time,
health, backoff) in a small SQLite file, so a restart neither skips nor doubles a run,
and the lock that keeps a second scheduler off the same data.

`scheduler.sqlite3` is separate from the catalog: the scheduler writes it on every run
start and end, the catalog belongs to the refresh pipeline, and either can be deleted
without harming the other (a lost schedule store only means every source is due now).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sharehub.schedule_rules import SourceState

__all__ = ["LOCK_FILE", "STORE_FILE", "ScheduleStore", "SchedulerBusy", "SchedulerLock"]

STORE_FILE = "scheduler.sqlite3"
LOCK_FILE = "scheduler.lock"
_FIELDS = tuple(f.name for f in fields(SourceState))
_DATES = {f.name for f in fields(SourceState) if f.name.endswith("_at")
          or f.name in ("running_since", "failing_since")}


class SchedulerBusy(Exception):
    """Another scheduler process holds the data dir's lock."""


class SchedulerLock:
    """An exclusive flock on `<data dir>/scheduler.lock`, held for the life of the
    process (the kernel frees it when the process dies, however it dies). The file
    keeps the holder's pid, for the message a second scheduler prints."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock. Raises SchedulerBusy naming the holder's pid."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise SchedulerBusy(
                f"another sharehub scheduler or crawl (pid {holder}) is already running "
                f"on {self.path.parent}; stop it first, or give this one another "
                "SHAREHUB_DATA_DIR") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> SchedulerLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()


def _encode(state: SourceState) -> str:
    # Not dataclasses.asdict: it deep-copies every value, 10× the cost of the rest.
    data: dict[str, Any] = {name: getattr(state, name) for name in _FIELDS}
    for name in _DATES:
        if data[name] is not None:
            data[name] = data[name].isoformat()
    return json.dumps(data)


def _decode(text: str) -> SourceState:
    data = json.loads(text)
    data = {k: v for k, v in data.items() if k in _FIELDS}  # a newer version's extra keys
    for name in _DATES & data.keys():
        if data[name] is not None:
            data[name] = datetime.fromisoformat(data[name])
    return SourceState(**data)


class ScheduleStore:
    """SourceStates by source id in `<data dir>/scheduler.sqlite3`. Thread-safe; every
    save is committed at once. `read_only` opens an existing store for status pages
    (and fails with sqlite3.Error when there is none); `durable=False` skips syncing
    to disk (simulations)."""

    def __init__(self, path: Path, *, read_only: bool = False, durable: bool = True) -> None:
        self.path = path
        if read_only:
            self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                         check_same_thread=False)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(path, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode = WAL")
            # Survives a crash of the process (the case that matters); a power cut may
            # lose the last saves, which only makes those sources due again.
            self._conn.execute(f"PRAGMA synchronous = {'NORMAL' if durable else 'OFF'}")
            with self._conn:
                self._conn.execute("""CREATE TABLE IF NOT EXISTS source_schedule (
                    source_id TEXT PRIMARY KEY, state TEXT NOT NULL, saved_at TEXT NOT NULL)""")
        self._conn.execute("PRAGMA busy_timeout = 5000")
        self._lock = threading.Lock()

    @classmethod
    def in_data_dir(cls, data_dir: Path, *, read_only: bool = False) -> ScheduleStore:
        return cls(data_dir / STORE_FILE, read_only=read_only)

    def save(self, state: SourceState, now: datetime) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                """INSERT INTO source_schedule (source_id, state, saved_at) VALUES (?, ?, ?)
                   ON CONFLICT(source_id) DO UPDATE SET state = excluded.state,
                   saved_at = excluded.saved_at""",
                (state.source_id, _encode(state), now.isoformat()))

    def load(self, source_id: str) -> SourceState | None:
        with self._lock:
            row = self._conn.execute("SELECT state FROM source_schedule WHERE source_id = ?",
                                     (source_id,)).fetchone()
        return _decode(row[0]) if row else None

    def load_all(self) -> dict[str, SourceState]:
        with self._lock:
            rows = self._conn.execute("SELECT state FROM source_schedule").fetchall()
        states = [_decode(r[0]) for r in rows]
        return {s.source_id: s for s in states}

    def close(self) -> None:
        with self._lock:
            self._conn.close()
