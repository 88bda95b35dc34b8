"""Staff alerts beside the scheduler: one background thread, woken after runs finish.

Runs are not held up by an alert check (webhooks and mail servers can be slow), checks
never overlap, and a burst of finished runs makes one check, at most every few seconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

__all__ = ["AlertThread"]

log = logging.getLogger("sharehub.alerts")


class AlertThread:
    """`poke()` after a run; `check()` runs on this thread, at most every `min_gap_s`."""

    def __init__(self, check: Callable[[], object], *, min_gap_s: float = 5.0) -> None:
        self._check = check
        self._min_gap_s = min_gap_s
        self._due = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="alerts", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        self._due.set()

    def stop(self) -> None:
        self._stop.set()
        self._due.set()
        self._thread.join(timeout=15)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._due.wait()
            if self._stop.is_set():
                return
            self._due.clear()
            try:
                self._check()
            except Exception:  # an alert problem must never stop the scheduler
                log.exception("alert check failed")
            self._stop.wait(self._min_gap_s)
