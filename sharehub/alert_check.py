"""Run the alert check: after `sharehub crawl`, and after every scheduled run.

Each source's interval for "stale" is the scheduler's adaptive interval now (from its
stored state) or, before the scheduler has one, the interval schedules.yaml gives it;
cron sources count a day. Delivery goes where the settings say (log always; webhook and
SMTP when configured), at most once a day per alert while it lasts.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from index import Catalog
from sharehub.alerts import Alert, AlertDispatcher, EmailTarget, find_alerts
from sharehub.schedule_status import read_states
from sharehub.schedules import ScheduleConfig
from sharehub.settings import Settings

__all__ = ["check_alerts", "dispatcher_for"]

log = logging.getLogger(__name__)
_CRON_INTERVAL = timedelta(days=1)


def dispatcher_for(settings: Settings) -> AlertDispatcher:
    """The dispatcher the settings describe (the ledger lives in the data folder)."""
    recipients = tuple(a.strip() for a in settings.alert_email_to.split(",") if a.strip())
    email = (EmailTarget(settings.alert_smtp_host, settings.alert_smtp_port,
                         settings.alert_email_from, recipients, settings.alert_smtp_starttls,
                         settings.alert_smtp_user, settings.alert_smtp_password)
             if settings.alert_smtp_host and recipients else None)
    return AlertDispatcher(settings.data_dir / "alerts-sent.json",
                           webhook_url=settings.alert_webhook_url or None, email=email)


def _intervals(config: ScheduleConfig, settings: Settings) -> dict[str, timedelta]:
    states = read_states(settings.data_dir)
    intervals = {}
    for source in config.sources:
        state = states.get(source.id)
        if state is not None and state.interval_s:
            intervals[source.id] = timedelta(seconds=state.interval_s)
        elif source.cron:
            intervals[source.id] = _CRON_INTERVAL
        else:
            intervals[source.id] = config.policy_for(source).interval
    return intervals


def check_alerts(settings: Settings, catalog: Catalog, config: ScheduleConfig,
                 now: datetime | None = None,
                 dispatcher: AlertDispatcher | None = None) -> list[Alert]:
    """Find the alerts that hold and send the due ones; returns those sent. Never raises
    for a delivery problem (it is logged)."""
    now = now or datetime.now(UTC)
    summaries = catalog.source_summaries()
    last_runs = {s.source.id: s.last_run for s in summaries if s.last_run is not None}
    alerts = find_alerts(summaries, last_runs, _intervals(config, settings), now)
    return (dispatcher or dispatcher_for(settings)).dispatch(alerts, now)
