"""Alerts: what holds (a table of cases), and delivery to a real webhook and SMTP server."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from index.catalog_types import FetchState, RunRecord, SourceSummary
from normalizer.schema import Source
from sharehub.alerts import Alert, AlertDispatcher, EmailTarget, find_alerts
from tests.loopback import LoopbackServer

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday morning
SIX_HOURS = timedelta(hours=6)


def _summary(listings=100, *, last_success=NOW - timedelta(hours=1), attempt=None, errors=0,
             error=None):
    source = Source(id="mapo-tools", name="마포구 공구대여소", kind="csv", url="https://x/t.csv")
    state = FetchState(last_attempt_at=attempt or last_success, last_success_at=last_success,
                       error_count=errors, last_error=error)
    return SourceSummary(source=source, listing_count=listings, state=state, last_run=None)


def _run(status="ok", removed=0, missing=0, error=None):
    return RunRecord(1, "mapo-tools", NOW - timedelta(minutes=5), NOW - timedelta(minutes=4),
                     status, removed=removed, missing=missing, error=error)


CASES = [
    ("fresh", _summary(), None, []),
    ("refreshed 11 h ago, interval 6 h: fine", _summary(last_success=NOW - timedelta(hours=11)),
     None, []),
    ("13 h ago, failing since", _summary(last_success=NOW - timedelta(hours=13), errors=3,
                                         error="fetch: HTTP 503"), None, ["stale"]),
    ("never succeeded, has failed", _summary(last_success=None, attempt=NOW, errors=1), None,
     ["stale"]),
    ("never tried yet", _summary(last_success=None), None, []),
    ("40 of 100 gone", _summary(60), _run(removed=10, missing=30), ["drop"]),
    ("4 gone: too few to alarm", _summary(6), _run(removed=4), []),
    ("2 of 100 gone", _summary(98), _run(removed=2), []),
    ("quarantined", _summary(), _run("quarantined", error="quarantined: 90 of 100 listings "
                                                          "would disappear at once"),
     ["quarantined"]),
]


@pytest.mark.parametrize(("summary", "run", "kinds"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_which_alerts_hold(summary, run, kinds):
    runs = {"mapo-tools": run} if run else {}
    alerts = find_alerts([summary], runs, {"mapo-tools": SIX_HOURS}, NOW)
    assert [a.kind for a in alerts] == kinds
    for alert in alerts:
        assert "마포구 공구대여소" in alert.message


def test_a_stale_alert_says_how_old_and_why():
    summary = _summary(last_success=NOW - timedelta(hours=13), errors=3, error="fetch: HTTP 503")
    (alert,) = find_alerts([summary], {}, {}, NOW)
    assert "13 h ago" in alert.message
    assert "HTTP 503" in alert.message


@pytest.fixture
def smtp_server():
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.mail_from, envelope.rcpt_tos,
                             envelope.content.decode("utf-8")))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


def _webhook(status=200):
    bodies = []

    def route(handler):
        bodies.append(json.loads(handler.request_body))
        return status, {}, b"ok"

    return LoopbackServer({"/hook": route}), bodies


ALERT = Alert("quarantined", "mapo-tools", "마포구 공구대여소", "마포구 공구대여소: run held back")


def test_alerts_reach_the_webhook_and_the_mailbox_once_a_day(tmp_path, smtp_server, caplog):
    port, mails = smtp_server
    server, bodies = _webhook()
    with server:
        dispatcher = AlertDispatcher(
            tmp_path / "alerts.json", webhook_url=server.url("/hook"),
            email=EmailTarget("127.0.0.1", port, "hub@seoul.go.kr", ("staff@seoul.go.kr",)))
        assert dispatcher.dispatch([ALERT], NOW) == [ALERT]
        assert dispatcher.dispatch([ALERT], NOW + timedelta(hours=1)) == []  # already sent
        assert dispatcher.dispatch([ALERT], NOW + timedelta(hours=25)) == [ALERT]
    assert len(bodies) == 2
    assert bodies[0]["alerts"][0]["kind"] == "quarantined"
    assert "run held back" in bodies[0]["text"]
    assert len(mails) == 2
    assert mails[0][1] == ["staff@seoul.go.kr"]
    assert "run held back" in mails[0][2]
    assert "alert quarantined source=mapo-tools" in caplog.text


def test_a_failing_webhook_is_logged_and_retried_next_time(tmp_path, caplog):
    server, bodies = _webhook(status=500)
    with server:
        dispatcher = AlertDispatcher(tmp_path / "alerts.json", webhook_url=server.url("/hook"))
        assert dispatcher.dispatch([ALERT], NOW) == []
        assert "alert webhook" in caplog.text
        server.routes["/hook"] = lambda handler: (200, {}, b"ok")
        assert dispatcher.dispatch([ALERT], NOW + timedelta(minutes=5)) == [ALERT]


def test_an_alert_that_clears_and_returns_is_sent_again(tmp_path):
    dispatcher = AlertDispatcher(tmp_path / "alerts.json")
    assert dispatcher.dispatch([ALERT], NOW) == [ALERT]
    assert dispatcher.dispatch([], NOW + timedelta(hours=1)) == []
    assert dispatcher.dispatch([ALERT], NOW + timedelta(hours=2)) == [ALERT]


def test_the_crawl_command_checks_alerts_with_the_configured_webhook(tmp_path):
    import os
    import subprocess
    import sys

    server, bodies = _webhook()
    with server:
        config = tmp_path / "schedules.yaml"
        config.write_text("allow_private_networks: true\nsources:\n"
                          f"  - {{id: gone, name: 사라진 플랫폼, kind: rss, "
                          f"url: '{server.url('/missing.xml')}', interval: 1m}}\n",
                          encoding="utf-8")
        env = {**os.environ, "SHAREHUB_DATA_DIR": str(tmp_path / "data"),
               "SHAREHUB_ALERT_WEBHOOK_URL": server.url("/hook")}
        crawl = subprocess.run([sys.executable, "-m", "sharehub", "crawl", "--config",
                                str(config)], capture_output=True, text=True, env=env,
                               timeout=180)
    assert crawl.returncode == 2  # the source failed
    # A source that has never succeeded and has failed is stale at once.
    assert [a["kind"] for a in bodies[0]["alerts"]] == ["stale"]
    assert "사라진 플랫폼" in bodies[0]["text"]
