"""Apply edits to schedules.yaml without a restart: the file's modification time is
polled every few seconds, and SIGHUP asks for a reload at once. A file that does not
validate is rejected with its error, and the schedule already running keeps running."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sharehub.schedules import ConfigError, ScheduleConfig, load_schedules

__all__ = ["ConfigWatcher"]

log = logging.getLogger("sharehub.scheduler")


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class ConfigWatcher:
    """A daemon thread that calls `apply(config)` with every valid new version of
    `path`, and `on_event("reload_rejected", {...})` for an invalid one."""

    def __init__(self, path: Path, apply: Callable[[ScheduleConfig], None], *,
                 poll_s: float = 3.0,
                 on_event: Callable[[str, dict[str, Any]], None] | None = None,
                 load: Callable[[Path], ScheduleConfig] = load_schedules,
                 also_watch: Callable[[], object] | None = None) -> None:
        """`load` reads the file into a config (e.g. adding approved registrations);
        `also_watch` returns a value whose change also triggers a reload (e.g. the
        operator store's approvals)."""
        self.path = path
        self._apply = apply
        self._poll_s = poll_s
        self._on_event = on_event or (lambda _event, _fields: None)
        self._load = load
        self._also_watch = also_watch or (lambda: None)
        self._seen = self._signature()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="schedules-reload",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request_reload(self) -> None:
        """Reload now, changed or not (SIGHUP). Safe to call from a signal handler."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def check_now(self, *, force: bool = False) -> bool:
        """Reload if the file changed (or `force`). True when a new schedule was applied."""
        signature = self._signature()
        if not force and signature == self._seen:
            return False
        self._seen = signature
        try:
            config = self._load(self.path)
        except ConfigError as exc:
            self._on_event("reload_rejected", {"path": str(self.path), "error": str(exc)})
            return False
        self._apply(config)
        return True

    def _signature(self) -> tuple[object, object]:
        return _signature(self.path), self._also_watch()

    def _loop(self) -> None:
        while not self._stop.is_set():
            forced = self._wake.wait(self._poll_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.check_now(force=forced)
            except Exception:  # the watcher must outlive a bug in one reload
                log.exception("reload failed", extra={"path": os.fspath(self.path)})
