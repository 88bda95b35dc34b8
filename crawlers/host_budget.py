"""A politeness budget per host, shared by every source on that host.

Two rules hold for each host: at most `max_concurrent` requests in flight, and request
starts at least `min_delay_s` apart (raised per host by robots.txt Crawl-delay, and pushed
out by Retry-After or backoff). The robots.txt fetch itself is an unpaced request: it does
not make the host's first document wait `min_delay_s`, but a Crawl-delay it announces
counts from it. A request that would have to wait longer than the caller
allows is refused with HostBusy, which carries how long to wait, instead of blocking a
worker: the scheduler tries the source again later.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from crawlers.errors import HostBusy

__all__ = ["HostBudget"]


@dataclass(slots=True)
class _HostState:
    active: int = 0
    next_start: float = float("-inf")
    last_start: float = float("-inf")
    crawl_delay_s: float = 0.0
    waiting: deque[object] = field(default_factory=deque)  # tickets, in arrival order


class HostBudget:
    """Thread-safe per-host concurrency and pacing. `clock` and `sleep` are injectable
    (monotonic seconds), so tests can run it on a fake clock."""

    def __init__(self, *, max_concurrent: int = 2, min_delay_s: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.max_concurrent = max_concurrent
        self.min_delay_s = max(min_delay_s, 0.0)
        self._clock = clock
        self._sleep = sleep
        self._cond = threading.Condition()
        self._hosts: dict[str, _HostState] = {}

    @classmethod
    def unlimited(cls) -> HostBudget:
        """No concurrency limit and no pacing, but Retry-After and backoff still wait:
        what a fetch uses when the caller gave it no shared budget."""
        return cls(max_concurrent=1_000_000, min_delay_s=0.0)

    def _state(self, host: str) -> _HostState:
        return self._hosts.setdefault(host.lower(), _HostState())

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        """Space this host's request starts at least `seconds` apart (robots.txt
        Crawl-delay), counting from the last request started (the robots.txt fetch
        included); never below the budget's own minimum delay."""
        with self._cond:
            state = self._state(host)
            state.crawl_delay_s = max(seconds or 0.0, 0.0)
            state.next_start = max(state.next_start, state.last_start + state.crawl_delay_s)

    def hold_off(self, host: str, seconds: float) -> None:
        """Start no request to `host` for `seconds` from now (Retry-After, backoff)."""
        with self._cond:
            state = self._state(host)
            state.next_start = max(state.next_start, self._clock() + max(seconds, 0.0))

    def wait_s(self, host: str) -> float:
        """Seconds until a request to `host` could start, ignoring concurrency."""
        with self._cond:
            return max(self._state(host).next_start - self._clock(), 0.0)

    @contextmanager
    def slot(self, host: str, *, max_wait_s: float, max_queue_s: float | None = None,
             paced: bool = True) -> Iterator[None]:
        """Hold one of the host's request slots for the duration of the block, starting
        no earlier than its pacing allows. Callers get slots in arrival order, waiting
        at most `max_queue_s` (default `max_wait_s`) for one to free up. An unpaced
        request (robots.txt) waits for its turn like any other but does not delay the
        next one (only a Crawl-delay set afterwards does, from its start).

        Raises HostBusy (with `retry_after_s`) when the start would be more than
        `max_wait_s` away (Crawl-delay, Retry-After), or no slot frees up in time."""
        with self._cond:
            state = self._state(host)
            ticket = object()
            state.waiting.append(ticket)
            try:
                wait = self._reserve(host, state, ticket, max_wait_s,
                                     max_wait_s if max_queue_s is None else max_queue_s,
                                     paced)
            finally:
                state.waiting.remove(ticket)
                self._cond.notify_all()
        try:
            if wait > 0:
                self._sleep(wait)
            yield
        finally:
            with self._cond:
                state.active -= 1
                self._cond.notify_all()

    def _reserve(self, host: str, state: _HostState, ticket: object, max_wait_s: float,
                 max_queue_s: float, paced: bool) -> float:
        """Under the lock: wait for our turn and a free slot, then book a start time.
        Returns how long to sleep until that start."""
        give_up = self._clock() + max_queue_s
        while state.waiting[0] is not ticket or state.active >= self.max_concurrent:
            remaining = give_up - self._clock()
            if remaining <= 0:
                raise HostBusy(f"{host}: {state.active} requests already in flight and "
                               f"{len(state.waiting) - 1} waiting", retry_after_s=max_queue_s)
            self._cond.wait(timeout=remaining)
        now = self._clock()
        start = max(now, state.next_start)
        wait = start - now
        if wait > max_wait_s:
            raise HostBusy(f"{host}: the next request is allowed in {wait:.0f} s "
                           "(politeness delay)", retry_after_s=wait)
        # Book the start now, so the callers behind us are paced from it.
        state.last_start = start
        state.next_start = start + (max(self.min_delay_s, state.crawl_delay_s) if paced
                                    else state.crawl_delay_s)
        state.active += 1
        return wait
