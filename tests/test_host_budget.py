"""The per-host budget: pacing on a fake clock, concurrency with real threads."""

from __future__ import annotations

import threading
import time

import pytest

from crawlers import HostBudget, HostBusy


class FakeClock:
    """Monotonic seconds that move only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


def _budget(clock, **kwargs):
    return HostBudget(clock=clock, sleep=clock.sleep, **kwargs)


def _starts(budget, clock, hosts):
    starts = []
    for host in hosts:
        with budget.slot(host, max_wait_s=60):
            starts.append(round(clock.now - 100.0, 6))
    return starts


def test_request_starts_to_one_host_are_spaced_by_the_minimum_delay(clock):
    budget = _budget(clock, min_delay_s=1.0)
    assert _starts(budget, clock, ["a.example"] * 3) == [0.0, 1.0, 2.0]


def test_hosts_do_not_wait_for_each_other(clock):
    budget = _budget(clock, min_delay_s=1.0)
    assert _starts(budget, clock, ["a.example", "b.example", "c.example"]) == [0.0, 0.0, 0.0]


def test_host_names_are_case_insensitive(clock):
    budget = _budget(clock, min_delay_s=1.0)
    assert _starts(budget, clock, ["A.example", "a.EXAMPLE"]) == [0.0, 1.0]


def test_crawl_delay_raises_the_delay_but_never_lowers_it(clock):
    budget = _budget(clock, min_delay_s=1.0)
    budget.set_crawl_delay("slow.example", 5.0)
    budget.set_crawl_delay("eager.example", 0.1)
    assert _starts(budget, clock, ["slow.example"] * 2) == [0.0, 5.0]
    assert _starts(budget, clock, ["eager.example"] * 2) == [5.0, 6.0]


def test_hold_off_delays_the_next_start_for_every_source_on_the_host(clock):
    budget = _budget(clock, min_delay_s=0.0)
    budget.hold_off("api.example", 3.0)
    assert budget.wait_s("api.example") == 3.0
    assert _starts(budget, clock, ["api.example", "other.example"]) == [3.0, 3.0]


def test_a_wait_longer_than_allowed_is_refused_with_a_retry_time(clock):
    budget = _budget(clock, min_delay_s=1.0)
    budget.hold_off("api.example", 120.0)
    with pytest.raises(HostBusy, match="allowed in 120 s") as caught, \
            budget.slot("api.example", max_wait_s=10.0):
        pass
    assert caught.value.retry_after_s == pytest.approx(120.0)
    assert clock.sleeps == [], "a refused request must not sleep"
    clock.now += 120.0
    assert _starts(budget, clock, ["api.example"]) == [120.0], "the refusal reserved nothing"


def test_concurrency_per_host_is_capped_across_threads():
    budget = HostBudget(max_concurrent=2, min_delay_s=0.0)
    active, peak, lock = [0], [0], threading.Lock()

    def work(host):
        with budget.slot(host, max_wait_s=5.0):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.03)
            with lock:
                active[0] -= 1

    threads = [threading.Thread(target=work, args=("one.example",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert peak[0] == 2, f"at most 2 requests in flight to one host, saw {peak[0]}"


def test_threads_get_distinct_spaced_start_times():
    budget = HostBudget(max_concurrent=10, min_delay_s=0.05)
    starts, lock = [], threading.Lock()

    def work():
        with budget.slot("one.example", max_wait_s=5.0):
            with lock:
                starts.append(time.monotonic())

    threads = [threading.Thread(target=work) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 5
    assert min(gaps) >= 0.045, f"starts closer than the minimum delay: {gaps}"


def test_no_free_slot_within_the_wait_is_refused():
    budget = HostBudget(max_concurrent=1, min_delay_s=0.0)
    with budget.slot("one.example", max_wait_s=1.0):
        started = time.monotonic()
        with pytest.raises(HostBusy, match="in flight"), \
                budget.slot("one.example", max_wait_s=0.1):
            pass
        assert time.monotonic() - started < 1.0


def test_max_concurrent_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        HostBudget(max_concurrent=0)


def test_waiting_callers_get_the_slot_in_arrival_order():
    budget = HostBudget(max_concurrent=1, min_delay_s=0.0)
    order, threads = [], []

    def work(name):
        with budget.slot("one.example", max_wait_s=5.0):
            order.append(name)

    with budget.slot("one.example", max_wait_s=5.0):
        for name in "ABCDE":
            thread = threading.Thread(target=work, args=(name,))
            thread.start()
            threads.append(thread)
            time.sleep(0.02)  # let it queue before the next one arrives
    for thread in threads:
        thread.join(timeout=5)
    assert order == list("ABCDE")


def test_queueing_may_wait_longer_than_pacing():
    budget = HostBudget(max_concurrent=1, min_delay_s=0.0)
    done = threading.Event()

    def hold():
        with budget.slot("one.example", max_wait_s=1.0):
            done.wait(timeout=5)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.02)
    threading.Timer(0.2, done.set).start()
    with budget.slot("one.example", max_wait_s=0.05, max_queue_s=2.0):
        pass  # got the slot after 0.2 s, beyond max_wait_s but within max_queue_s
    holder.join(timeout=5)
