"""Dates as citizens read them: Korea time, and "N hours ago" for freshness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hub_site.i18n import Translator

__all__ = ["KST", "as_utc", "format_datetime", "time_ago"]

# Korea keeps one offset all year (no daylight saving), so a fixed zone is exact and needs
# no tz database on the host.
KST = timezone(timedelta(hours=9), "KST")


def as_utc(value: datetime) -> datetime:
    """`value` in UTC; a naive datetime is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_datetime(value: datetime | None) -> str | None:
    """`2024-05-01 14:30 KST` (Korea time), or None."""
    if value is None:
        return None
    return as_utc(value).astimezone(KST).strftime("%Y-%m-%d %H:%M %Z")


def time_ago(value: datetime, now: datetime, t: Translator) -> str:
    """How long before `now` the moment `value` was, in whole units ("3시간 전").

    A moment in the future (clock skew between crawler and site) reads as "just now".
    """
    seconds = int((as_utc(now) - as_utc(value)).total_seconds())
    if seconds < 60:
        return t("just_now")
    minutes = seconds // 60
    if minutes < 60:
        return t("minute_ago") if minutes == 1 else t("minutes_ago", n=minutes)
    hours = minutes // 60
    if hours < 48:
        return t("hour_ago") if hours == 1 else t("hours_ago", n=hours)
    days = hours // 24
    return t("day_ago") if days == 1 else t("days_ago", n=days)
