"""When a source may start: quiet windows and cron times, in Asia/Seoul. Pure functions.

A quiet window is a weekly period (days and hours, local time) when a platform must not
be crawled, e.g. a district's nightly maintenance. A run may start only when the whole of
its time limit fits before the next window, so no run overlaps one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

__all__ = ["SEOUL", "WEEKDAYS", "QuietWindow", "first_allowed_start", "in_quiet_window",
           "next_cron_time"]

SEOUL = ZoneInfo("Asia/Seoul")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class QuietWindow:
    """From `start` to `end` local time on each of `days` (0 = Monday). An `end` at or
    before `start` runs past midnight into the next day (22:00–06:00)."""

    days: frozenset[int]
    start: time
    end: time

    def periods_near(self, moment: datetime) -> list[tuple[datetime, datetime]]:
        """This window's periods (aware datetimes) that start from the day before
        `moment` to a week after it."""
        local = moment.astimezone(SEOUL)
        periods = []
        for offset in range(-1, 8):
            day = (local + timedelta(days=offset)).date()
            if day.weekday() not in self.days:
                continue
            begin = datetime.combine(day, self.start, SEOUL)
            finish = datetime.combine(day, self.end, SEOUL)
            if finish <= begin:
                finish += timedelta(days=1)
            periods.append((begin, finish))
        return periods


def in_quiet_window(moment: datetime, windows: tuple[QuietWindow, ...]) -> bool:
    """True when `moment` falls inside one of `windows`."""
    return any(begin <= moment < finish
               for window in windows for begin, finish in window.periods_near(moment))


def first_allowed_start(earliest: datetime, windows: tuple[QuietWindow, ...],
                        time_limit: timedelta) -> datetime:
    """The earliest start at or after `earliest` whose run (up to `time_limit` long)
    overlaps no quiet window. Returns `earliest` itself when nothing is in the way.
    Raises ValueError when the windows leave no gap long enough (the config validator
    refuses such files, so a running scheduler never sees one)."""
    start = earliest
    for _ in range(64):  # each step jumps past one window; a week has few of them
        end = start + time_limit
        blocking = [finish for window in windows for begin, finish in window.periods_near(start)
                    if begin < end and start < finish]
        if not blocking:
            return start
        start = max(blocking)
    raise ValueError("the quiet windows leave no time for a run")


def next_cron_time(expression: str, after: datetime) -> datetime:
    """The first time after `after` that the crontab `expression` (minute hour day month
    weekday, Asia/Seoul) names. Raises ValueError for a bad expression."""
    trigger = CronTrigger.from_crontab(expression, timezone=SEOUL)
    fire = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    if fire is None:
        raise ValueError(f"cron {expression!r} never fires after {after.isoformat()}")
    return fire  # type: ignore[no-any-return]
