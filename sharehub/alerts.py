"""Alerts for city staff: a stale source, a sudden drop in listings, a quarantined run.

`find_alerts` is pure (catalog summaries, recent runs, each source's interval and the time
in; alerts out). `AlertDispatcher` sends each alert to the log and, when configured, to a
webhook (JSON, with a Slack-style "text") and by e-mail (SMTP), at most once per
`repeat_after` while it lasts; what was sent when is kept in a small JSON file, so a
restart does not send everything again. A webhook or mail server that fails is logged and
retried with the next check; it never stops a crawl.
"""

from __future__ import annotations

import json
import logging
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

import httpx

from index.catalog_types import RunRecord, SourceSummary

__all__ = ["Alert", "AlertDispatcher", "EmailTarget", "find_alerts"]

log = logging.getLogger(__name__)

AlertKind = Literal["stale", "drop", "quarantined"]
_DROP_SHARE = 0.3  # a run losing this share of a source's listings at once…
_DROP_MIN = 5  # …and at least this many


@dataclass(frozen=True, slots=True)
class Alert:
    kind: AlertKind
    source_id: str
    source_name: str
    message: str
    since: datetime | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.source_id}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "source_id": self.source_id, "source": self.source_name,
                "message": self.message, "since": self.since.isoformat() if self.since else None}


def _stale(summary: SourceSummary, interval: timedelta, now: datetime) -> Alert | None:
    last = summary.state.last_success_at
    limit = 2 * interval
    if last is not None and now - last <= limit:
        return None
    if last is None and (summary.state.last_attempt_at is None
                         or summary.state.error_count == 0):
        return None  # never tried yet: not stale, just new
    age = "never refreshed" if last is None else f"last refreshed {_hours(now - last)} ago"
    error = f"; last error: {summary.state.last_error}" if summary.state.last_error else ""
    return Alert("stale", summary.source.id, summary.source.name,
                 f"{summary.source.name}: {age}, over twice its interval "
                 f"({_hours(interval)}){error}", last)


def _drop(summary: SourceSummary, run: RunRecord) -> Alert | None:
    lost = run.removed + run.missing
    before = summary.listing_count + run.removed
    if run.status != "ok" or lost < _DROP_MIN or lost < _DROP_SHARE * max(before, 1):
        return None
    return Alert("drop", summary.source.id, summary.source.name,
                 f"{summary.source.name}: {lost} of {before} listings gone in one run "
                 f"({run.finished_at:%Y-%m-%d %H:%M} UTC)", run.finished_at)


def find_alerts(summaries: Sequence[SourceSummary], last_runs: Mapping[str, RunRecord],
                intervals: Mapping[str, timedelta], now: datetime,
                default_interval: timedelta = timedelta(hours=6)) -> list[Alert]:
    """The alerts that hold now, one per (kind, source) at most. `last_runs` is each
    source's newest run; `intervals` its scheduled interval (else `default_interval`)."""
    alerts: list[Alert] = []
    for summary in summaries:
        interval = intervals.get(summary.source.id, default_interval)
        if (stale := _stale(summary, interval, now)) is not None:
            alerts.append(stale)
        run = last_runs.get(summary.source.id)
        if run is None:
            continue
        if run.status == "quarantined":
            alerts.append(Alert("quarantined", summary.source.id, summary.source.name,
                                f"{summary.source.name}: run held back, {run.error}",
                                run.finished_at))
        elif (drop := _drop(summary, run)) is not None:
            alerts.append(drop)
    return alerts


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 1 else f"{delta.total_seconds() / 60:.0f} min"


@dataclass(frozen=True, slots=True)
class EmailTarget:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = False
    username: str | None = None
    password: str | None = None


class AlertDispatcher:
    """Sends alerts to the log, a webhook and e-mail, once per `repeat_after` each."""

    def __init__(self, ledger: Path, *, webhook_url: str | None = None,
                 email: EmailTarget | None = None,
                 repeat_after: timedelta = timedelta(hours=24),
                 client: httpx.Client | None = None) -> None:
        self.ledger = ledger
        self.webhook_url = webhook_url
        self.email = email
        self.repeat_after = repeat_after
        self._client = client

    def _sent(self) -> dict[str, str]:
        try:
            loaded = json.loads(self.ledger.read_text(encoding="utf-8"))
            return {str(k): str(v) for k, v in loaded.items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def dispatch(self, alerts: Sequence[Alert], now: datetime) -> list[Alert]:
        """Send the alerts not sent within `repeat_after`; returns those sent. Alerts
        that no longer hold are forgotten, so they are sent again if they come back."""
        sent = self._sent()
        due = [a for a in alerts if a.key not in sent
               or now - datetime.fromisoformat(sent[a.key]) >= self.repeat_after]
        for alert in due:
            log.warning("alert %s source=%s: %s", alert.kind, alert.source_id, alert.message)
        delivered = bool(due) and self._webhook(due) and self._mail(due)
        current = {a.key for a in alerts}
        ledger = {k: v for k, v in sent.items() if k in current}
        if delivered:
            ledger.update({a.key: now.isoformat() for a in due})
        self.ledger.parent.mkdir(parents=True, exist_ok=True)
        self.ledger.write_text(json.dumps(ledger, indent=1), encoding="utf-8")
        return due if delivered else []

    def _webhook(self, alerts: Sequence[Alert]) -> bool:
        if not self.webhook_url:
            return True
        body = {"text": "\n".join(f"[{a.kind}] {a.message}" for a in alerts),
                "alerts": [a.to_json() for a in alerts]}
        try:
            client = self._client or httpx.Client(timeout=10.0)
            try:
                client.post(self.webhook_url, json=body).raise_for_status()
            finally:
                if self._client is None:
                    client.close()
        except httpx.HTTPError as exc:
            log.error("alert webhook %s failed: %s", self.webhook_url, exc)
            return False
        return True

    def _mail(self, alerts: Sequence[Alert]) -> bool:
        if self.email is None or not self.email.recipients:
            return True
        message = EmailMessage()
        message["Subject"] = f"[sharehub] {len(alerts)} alert(s): " + \
            ", ".join(sorted({a.kind for a in alerts}))
        message["From"] = self.email.sender
        message["To"] = ", ".join(self.email.recipients)
        message.set_content("\n".join(f"- [{a.kind}] {a.message}" for a in alerts) + "\n")
        try:
            with smtplib.SMTP(self.email.host, self.email.port, timeout=10) as smtp:
                if self.email.starttls:
                    smtp.starttls()
                if self.email.username and self.email.password:
                    smtp.login(self.email.username, self.email.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("alert e-mail via %s:%s failed: %s", self.email.host, self.email.port,
                      exc)
            return False
        return True
